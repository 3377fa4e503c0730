#include "ottl/lexer.h"

#include <algorithm>
#include <cstdint>

#include "ottl/node.h"

namespace spanflow::ottl::detail {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || is_digit(c);
}
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

struct Punctuation {
  std::string_view text;
  TokenKind kind;
};
// Two-character operators first, so "<=" is not read as "<" then "=".
constexpr Punctuation kPunctuation[] = {
    {"==", TokenKind::kEq},      {"!=", TokenKind::kNe},    {"<=", TokenKind::kLe},
    {">=", TokenKind::kGe},      {"<", TokenKind::kLt},     {">", TokenKind::kGt},
    {"(", TokenKind::kLParen},   {")", TokenKind::kRParen}, {"[", TokenKind::kLBracket},
    {"]", TokenKind::kRBracket}, {",", TokenKind::kComma},  {".", TokenKind::kDot},
    {"+", TokenKind::kPlus},     {"-", TokenKind::kMinus},  {"*", TokenKind::kStar},
    {"/", TokenKind::kSlash},
};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    while (true) {
      while (pos_ < src_.size() && (src_[pos_] == ' ' || src_[pos_] == '\t' || src_[pos_] == '\n' ||
                                    src_[pos_] == '\r')) {
        ++pos_;
      }
      if (pos_ >= src_.size()) break;
      tokens.push_back(next());
    }
    Token end;
    end.column = column(src_.size());
    tokens.push_back(std::move(end));
    return tokens;
  }

 private:
  int column(std::size_t offset) const { return static_cast<int>(offset) + 1; }

  Token make(TokenKind kind, std::size_t start) {
    Token t;
    t.kind = kind;
    t.column = column(start);
    t.raw = src_.substr(start, pos_ - start);
    t.text = std::string(t.raw);
    return t;
  }

  Token next() {
    const std::size_t start = pos_;
    const char c = src_[pos_];
    if (c == '"') return string_literal();
    if (is_digit(c) || (c == '.' && pos_ + 1 < src_.size() && is_digit(src_[pos_ + 1]))) {
      return number();
    }
    if (is_ident_start(c)) return identifier();
    for (const Punctuation& p : kPunctuation) {
      if (src_.substr(pos_).starts_with(p.text)) {
        pos_ += p.text.size();
        return make(p.kind, start);
      }
    }
    if (c == '=') fail(column(start), "syntax error", "unexpected '=' (compare with '==')");
    if (c == '!') fail(column(start), "syntax error", "unexpected '!' (negate with 'not')");
    const auto byte = static_cast<unsigned char>(c);
    fail(column(start), "syntax error",
         "unexpected character " + (byte >= 0x20 && byte < 0x7F ? "'" + std::string(1, c) + "'"
                                                                : "byte " + std::to_string(byte)));
  }

  Token identifier() {
    const std::size_t start = pos_;
    while (pos_ < src_.size() && is_ident_char(src_[pos_])) ++pos_;
    const std::string_view word = src_.substr(start, pos_ - start);
    TokenKind kind =
        word[0] >= 'A' && word[0] <= 'Z' ? TokenKind::kUpperIdent : TokenKind::kLowerIdent;
    if (word == "and") kind = TokenKind::kAnd;
    if (word == "or") kind = TokenKind::kOr;
    if (word == "not") kind = TokenKind::kNot;
    if (word == "true") kind = TokenKind::kTrue;
    if (word == "false") kind = TokenKind::kFalse;
    if (word == "nil") kind = TokenKind::kNil;
    return make(kind, start);
  }

  // [0-9]+ | [0-9]*.[0-9]+, then an optional exponent; a letter right after is an error.
  Token number() {
    const std::size_t start = pos_;
    bool is_float = false;
    const auto digits = [this] {
      while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
    };
    digits();
    if (pos_ + 1 < src_.size() && src_[pos_] == '.' && is_digit(src_[pos_ + 1])) {
      is_float = true;
      ++pos_;
      digits();
    }
    if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
      std::size_t p = pos_ + 1;
      if (p < src_.size() && (src_[p] == '+' || src_[p] == '-')) ++p;
      if (p < src_.size() && is_digit(src_[p])) {
        is_float = true;
        pos_ = p;
        digits();
      }
    }
    if (pos_ < src_.size() && (is_ident_char(src_[pos_]) || src_[pos_] == '.')) {
      while (pos_ < src_.size() && (is_ident_char(src_[pos_]) || src_[pos_] == '.')) ++pos_;
      fail(column(start), "syntax error",
           "invalid number '" + std::string(src_.substr(start, pos_ - start)) + "'");
    }
    return make(is_float ? TokenKind::kFloat : TokenKind::kInt, start);
  }

  Token string_literal() {
    const std::size_t start = pos_++;
    std::string value;
    while (true) {
      if (pos_ >= src_.size()) fail(column(start), "syntax error", "unterminated string");
      const char c = src_[pos_];
      if (c == '"') break;
      if (c != '\\') {
        value.push_back(c);
        ++pos_;
        continue;
      }
      escape(value);
    }
    ++pos_;
    Token t = make(TokenKind::kString, start);
    t.text = std::move(value);
    return t;
  }

  void escape(std::string& value) {
    const std::size_t at = pos_++;
    if (pos_ >= src_.size()) fail(column(at), "syntax error", "unterminated string");
    const char e = src_[pos_++];
    switch (e) {
      case '"':
        value.push_back('"');
        return;
      case '\\':
        value.push_back('\\');
        return;
      case 'a':
        value.push_back('\a');
        return;
      case 'b':
        value.push_back('\b');
        return;
      case 'f':
        value.push_back('\f');
        return;
      case 'n':
        value.push_back('\n');
        return;
      case 'r':
        value.push_back('\r');
        return;
      case 't':
        value.push_back('\t');
        return;
      case 'v':
        value.push_back('\v');
        return;
      case 'x':
        value.push_back(static_cast<char>(hex_escape(at, 2)));
        return;
      case 'u':
      case 'U': {
        const std::uint32_t cp = hex_escape(at, e == 'u' ? 4 : 8);
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) bad_escape(at);
        append_utf8(cp, value);
        return;
      }
      default:
        break;
    }
    if (e >= '0' && e <= '7') {
      std::uint32_t v = static_cast<std::uint32_t>(e - '0');
      for (int i = 0; i < 2; ++i) {
        if (pos_ >= src_.size() || src_[pos_] < '0' || src_[pos_] > '7') bad_escape(at);
        v = v * 8 + static_cast<std::uint32_t>(src_[pos_++] - '0');
      }
      if (v > 255) bad_escape(at);
      value.push_back(static_cast<char>(v));
      return;
    }
    bad_escape(at);
  }

  std::uint32_t hex_escape(std::size_t at, int count) {
    std::uint32_t v = 0;
    for (int i = 0; i < count; ++i) {
      const int d = pos_ < src_.size() ? hex_digit(src_[pos_]) : -1;
      if (d < 0) bad_escape(at);
      v = v * 16 + static_cast<std::uint32_t>(d);
      ++pos_;
    }
    return v;
  }

  [[noreturn]] void bad_escape(std::size_t at) const {
    const std::size_t end = std::min(src_.size(), std::max(pos_, at + 2));
    fail(column(at), "syntax error",
         "invalid escape '" + std::string(src_.substr(at, end - at)) + "' in string");
  }

  std::string_view src_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source) {
  return Lexer(source).run();
}

std::string describe(const Token& token) {
  if (token.kind == TokenKind::kEnd) return "end of condition";
  constexpr std::size_t kMax = 40;
  const std::string raw = token.raw.size() > kMax ? std::string(token.raw.substr(0, kMax)) + "..."
                                                  : std::string(token.raw);
  return token.kind == TokenKind::kString ? raw : "'" + raw + "'";
}

}  // namespace spanflow::ottl::detail
