// Grammar (OTTL's GRAMMAR.md, conditions only; `not` binds tighter than `and`, `and` than `or`,
// arithmetic tighter than comparison):
//   condition  := or EOF
//   or         := and ('or' and)*
//   and        := not ('and' not)*
//   not        := 'not' not | '(' or ')' | comparison | boolean value
//   comparison := math ('==' | '!=' | '<' | '<=' | '>' | '>=') math
//   math       := term (('+' | '-') term)*
//   term       := factor (('*' | '/') factor)*
//   factor     := ('-' | '+') factor | operand
//   operand    := literal | ENUM | path | Converter '(' [math (',' math)*] ')' | '(' math ')'
//   path       := ident ('.' ident)* ('[' (string | int) ']')*
// A '(' starting a boolean term opens a group unless an operator follows its ')', as in
// `(duration + 1) > 5`.
#include "ottl/parser.h"

#include <charconv>
#include <optional>

#include "config/config_error.h"

namespace spanflow::ottl::detail {

namespace {

// Nesting limit for parentheses, `not` and unary signs, so a hostile config cannot exhaust the
// stack while compiling or evaluating.
constexpr int kMaxDepth = 64;

struct EnumSymbol {
  std::string_view name;
  std::int64_t value;
};
constexpr EnumSymbol kEnums[] = {
    {"SPAN_KIND_UNSPECIFIED", 0}, {"SPAN_KIND_INTERNAL", 1}, {"SPAN_KIND_SERVER", 2},
    {"SPAN_KIND_CLIENT", 3},      {"SPAN_KIND_PRODUCER", 4}, {"SPAN_KIND_CONSUMER", 5},
    {"STATUS_CODE_UNSET", 0},     {"STATUS_CODE_OK", 1},     {"STATUS_CODE_ERROR", 2},
};

std::optional<CompareOp> comparison_op(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEq:
      return CompareOp::kEq;
    case TokenKind::kNe:
      return CompareOp::kNe;
    case TokenKind::kLt:
      return CompareOp::kLt;
    case TokenKind::kLe:
      return CompareOp::kLe;
    case TokenKind::kGt:
      return CompareOp::kGt;
    case TokenKind::kGe:
      return CompareOp::kGe;
    default:
      return std::nullopt;
  }
}

bool is_math_op(TokenKind kind) {
  return kind == TokenKind::kPlus || kind == TokenKind::kMinus || kind == TokenKind::kStar ||
         kind == TokenKind::kSlash;
}

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, ContextKind kind) : tokens_(tokens), kind_(kind) {}

  NodePtr condition() {
    NodePtr root = or_expr();
    if (peek().kind != TokenKind::kEnd) expected("'and', 'or' or end of condition");
    return root;
  }

 private:
  class Nest {
   public:
    Nest(Parser& parser, int column) : parser_(parser) {
      if (++parser_.depth_ > kMaxDepth) {
        fail(column, "syntax error", "nested too deeply (limit " + std::to_string(kMaxDepth) + ")");
      }
    }
    ~Nest() { --parser_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    Parser& parser_;
  };

  const Token& peek(std::size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& advance() {
    const Token& t = peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  [[noreturn]] void expected(const std::string& what) const {
    fail(peek().column, "syntax error", "expected " + what + ", found " + describe(peek()));
  }
  void expect(TokenKind kind, std::string_view shown) {
    if (peek().kind != kind) expected("'" + std::string(shown) + "'");
    advance();
  }

  NodePtr or_expr() { return logical(false); }

  NodePtr logical(bool is_and) {
    std::vector<NodePtr> operands;
    operands.push_back(is_and ? not_expr() : logical(true));
    const TokenKind joiner = is_and ? TokenKind::kAnd : TokenKind::kOr;
    while (peek().kind == joiner) {
      advance();
      operands.push_back(is_and ? not_expr() : logical(true));
    }
    return make_logical(is_and, std::move(operands));
  }

  NodePtr not_expr() {
    if (peek().kind == TokenKind::kNot) {
      Nest nest(*this, advance().column);
      return make_not(not_expr());
    }
    if (peek().kind == TokenKind::kLParen && opens_group()) {
      Nest nest(*this, advance().column);
      NodePtr inner = or_expr();
      expect(TokenKind::kRParen, ")");
      return inner;
    }
    const int column = peek().column;
    NodePtr left = math();
    if (const auto op = comparison_op(peek().kind)) {
      advance();
      return fold(make_comparison(std::move(left), *op, math()), column);
    }
    if (left->types() != bit(Type::kBool)) {
      expected("a comparison operator (==, !=, <, <=, >, >=)");
    }
    return left;
  }

  // At '(': true unless the matching ')' is followed by an operator (a parenthesised value).
  bool opens_group() const {
    int depth = 0;
    for (std::size_t i = pos_; i < tokens_.size(); ++i) {
      if (tokens_[i].kind == TokenKind::kLParen) ++depth;
      if (tokens_[i].kind == TokenKind::kRParen && --depth == 0) {
        const TokenKind after = i + 1 < tokens_.size() ? tokens_[i + 1].kind : TokenKind::kEnd;
        return !comparison_op(after) && !is_math_op(after);
      }
    }
    return true;
  }

  NodePtr math() { return chain(false); }

  // A left-to-right chain of + - (`multiplicative` false) or * / (true).
  NodePtr chain(bool multiplicative) {
    const int column = peek().column;
    NodePtr first = multiplicative ? factor() : chain(true);
    std::vector<MathStep> steps;
    while (true) {
      const TokenKind k = peek().kind;
      const bool match = multiplicative ? (k == TokenKind::kStar || k == TokenKind::kSlash)
                                        : (k == TokenKind::kPlus || k == TokenKind::kMinus);
      if (!match) break;
      const Token& op = advance();
      NodePtr operand = multiplicative ? factor() : chain(true);
      steps.push_back({op.raw[0], std::move(operand), op.column});
    }
    if (steps.empty()) return first;
    return fold(make_arithmetic(std::move(first), std::move(steps)), column);
  }

  NodePtr factor() {
    const TokenKind k = peek().kind;
    if (k != TokenKind::kMinus && k != TokenKind::kPlus) return operand();
    const Token& sign = advance();
    const bool negative = k == TokenKind::kMinus;
    if (negative && peek().kind == TokenKind::kInt) return int_literal(advance(), true);
    Nest nest(*this, sign.column);
    NodePtr inner = factor();
    if (!negative) {
      if ((inner->types() & kNumber) == 0) {
        fail(sign.column, "type error",
             "unary '+' needs a number, found " + describe_types(inner->types()));
      }
      return inner;
    }
    return fold(make_negate(std::move(inner), sign.column), sign.column);
  }

  NodePtr operand() {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::kString:
        advance();
        return make_literal(Value::borrowed_string(t.text));
      case TokenKind::kInt:
        return int_literal(advance(), false);
      case TokenKind::kFloat: {
        advance();
        double d = 0;
        const auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), d);
        if (ec != std::errc() || end != t.text.data() + t.text.size()) {
          fail(t.column, "syntax error", "invalid number '" + t.text + "'");
        }
        return make_literal(Value::real(d));
      }
      case TokenKind::kTrue:
      case TokenKind::kFalse:
        advance();
        return make_literal(Value::boolean(t.kind == TokenKind::kTrue));
      case TokenKind::kNil:
        advance();
        return make_literal(Value());
      case TokenKind::kLParen: {
        Nest nest(*this, advance().column);
        NodePtr inner = math();
        expect(TokenKind::kRParen, ")");
        return inner;
      }
      case TokenKind::kUpperIdent:
      case TokenKind::kLowerIdent:
        if (peek(1).kind == TokenKind::kLParen) return call();
        return t.kind == TokenKind::kUpperIdent ? enum_symbol() : path();
      default:
        expected("a value");
    }
  }

  NodePtr int_literal(const Token& t, bool negative) {
    const std::string text = (negative ? "-" : "") + t.text;
    std::int64_t i = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
    if (ec != std::errc() || end != text.data() + text.size()) {
      fail(t.column - (negative ? 1 : 0), "syntax error",
           "integer " + text + " is out of the 64-bit range");
    }
    return make_literal(Value::integer(i));
  }

  NodePtr enum_symbol() {
    const Token& t = advance();
    for (const EnumSymbol& e : kEnums) {
      if (e.name == t.text) return make_literal(Value::integer(e.value));
    }
    std::vector<std::string> names;
    for (const EnumSymbol& e : kEnums) names.emplace_back(e.name);
    const std::string hint = config::did_you_mean(t.text, names);
    fail(t.column, "unknown enum",
         "'" + t.text + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }

  NodePtr call() {
    const Token& name = advance();
    check_function(name.text, kind_, name.column);
    Nest nest(*this, advance().column);  // '('
    std::vector<Argument> args;
    if (peek().kind != TokenKind::kRParen) {
      while (true) {
        const int column = peek().column;
        args.push_back({math(), column});
        if (peek().kind != TokenKind::kComma) break;
        advance();
      }
    }
    if (peek().kind != TokenKind::kRParen) expected("',' or ')'");
    advance();
    return fold(make_call(name.text, std::move(args), kind_, name.column), name.column);
  }

  NodePtr path() {
    const int column = peek().column;
    std::vector<std::string> segments{advance().text};
    while (peek().kind == TokenKind::kDot) {
      advance();
      const TokenKind k = peek().kind;
      if (k != TokenKind::kLowerIdent && k != TokenKind::kUpperIdent && k != TokenKind::kAnd &&
          k != TokenKind::kOr && k != TokenKind::kNot && k != TokenKind::kTrue &&
          k != TokenKind::kFalse && k != TokenKind::kNil) {
        expected("a field name after '.'");
      }
      segments.push_back(advance().text);
    }
    std::vector<PathKey> keys;
    while (peek().kind == TokenKind::kLBracket) {
      advance();
      const Token& key = peek();
      if (key.kind == TokenKind::kString) {
        keys.push_back({true, key.text, 0, key.column});
        advance();
      } else if (key.kind == TokenKind::kInt ||
                 (key.kind == TokenKind::kMinus && peek(1).kind == TokenKind::kInt)) {
        const bool negative = key.kind == TokenKind::kMinus;
        if (negative) advance();
        const NodePtr index = int_literal(advance(), negative);
        keys.push_back({false, {}, index->literal()->as_int(), key.column});
      } else {
        expected("a string or integer key");
      }
      expect(TokenKind::kRBracket, "]");
    }
    return make_path(segments, std::move(keys), kind_, column);
  }

  // A node whose value depends on no span is evaluated now; an error there is a config error.
  NodePtr fold(NodePtr node, int column) const {
    if (!node->constant() || node->literal() != nullptr) return node;
    Value value;
    std::string error;
    if (!node->eval(EvalContext{}, value, error)) fail(column, "invalid expression", error);
    return make_literal(value);
  }

  const std::vector<Token>& tokens_;
  ContextKind kind_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

NodePtr parse_condition(const std::vector<Token>& tokens, ContextKind kind) {
  return Parser(tokens, kind).condition();
}

}  // namespace spanflow::ottl::detail
