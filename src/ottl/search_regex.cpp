#include "ottl/search_regex.h"

namespace spanflow::ottl::detail {

namespace {

// Our own words: libstdc++'s what() texts vary between releases and name internals.
std::string describe(std::regex_constants::error_type code) {
  namespace rc = std::regex_constants;
  switch (code) {
    case rc::error_collate:
      return "invalid collating element";
    case rc::error_ctype:
      return "invalid character class";
    case rc::error_escape:
      return "invalid escape or trailing backslash";
    case rc::error_backref:
      return "invalid back-reference";
    case rc::error_brack:
      return "unbalanced '[' and ']'";
    case rc::error_paren:
      return "unbalanced '(' and ')'";
    case rc::error_brace:
      return "unbalanced '{' and '}'";
    case rc::error_badbrace:
      return "invalid repetition count in '{}'";
    case rc::error_range:
      return "invalid character range";
    case rc::error_badrepeat:
      return "'*', '+', '?' or '{' with nothing to repeat";
    default:
      return "pattern too complex";
  }
}

// The first `(?x` group with x other than ':', '=' or '!' (outside escapes and classes), as in
// RE2's (?i) or (?P<name>...); npos when there is none.
std::size_t unsupported_group(const std::string& pattern) {
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    } else if (c == '(' && i + 1 < pattern.size() && pattern[i + 1] == '?') {
      const char kind = i + 2 < pattern.size() ? pattern[i + 2] : '\0';
      if (kind != ':' && kind != '=' && kind != '!') return i;
    }
  }
  return std::string::npos;
}

bool has_backreference(const std::string& pattern) {
  bool in_class = false;
  for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (!in_class && pattern[i + 1] >= '1' && pattern[i + 1] <= '9') return true;
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    }
  }
  return false;
}

}  // namespace

std::optional<std::regex> compile_search_regex(const std::string& pattern, std::string& problem) {
  if (const std::size_t at = unsupported_group(pattern); at != std::string::npos) {
    problem = "'" + pattern.substr(at, 3) +
              "' is not supported (ECMAScript syntax: no inline flags or named groups)";
    return std::nullopt;
  }
  if (has_backreference(pattern)) {
    problem = "back-references are not supported";
    return std::nullopt;
  }
  // Polynomial mode runs libstdc++'s breadth-first matcher: time linear in the subject and no
  // recursion per input character (the default depth-first matcher can overflow the stack on
  // long attribute values). It is why back-references are refused above.
  constexpr auto kFlags = std::regex::ECMAScript | std::regex::nosubs | std::regex::optimize |
                          std::regex_constants::__polynomial;
  try {
    const std::regex validated(pattern, kFlags);
    // An unanchored search in one pass: `[\s\S]*` consumes the text before the match. The
    // pattern compiled alone first, so wrapping it cannot change how it parses.
    return std::regex("[\\s\\S]*(?:" + pattern + ")", kFlags);
  } catch (const std::regex_error& e) {
    problem = describe(e.code());
    return std::nullopt;
  }
}

bool search(const std::regex& regex, std::string_view subject) {
  return std::regex_search(subject.begin(), subject.end(), regex,
                           std::regex_constants::match_continuous);
}

}  // namespace spanflow::ottl::detail
