// The OTTL condition lexer. Internal to src/ottl/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spanflow::ottl::detail {

enum class TokenKind {
  kEnd,
  kLowerIdent,  // path segments; lowercase function names are rejected by the parser
  kUpperIdent,  // converters and enum symbols
  kString,
  kInt,
  kFloat,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kAnd,
  kOr,
  kNot,
  kTrue,
  kFalse,
  kNil,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  int column = 0;        // 1-based
  std::string_view raw;  // the source text of the token
  std::string text;      // identifiers and numbers as written; strings unescaped
};

// The tokens of `source`, ending with kEnd. Throws CompileFailure on a malformed token. String
// escapes are Go's (as OTTL unquotes): \" \\ \a \b \f \n \r \t \v \ooo \xhh \uhhhh \Uhhhhhhhh.
std::vector<Token> tokenize(std::string_view source);

// "end of condition", "'and'", "\"text\"": what a message says was found.
std::string describe(const Token& token);

}  // namespace spanflow::ottl::detail
