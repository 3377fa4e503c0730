#include "processors/attributes/re2_pattern.h"

#include <algorithm>

namespace spanflow::processors::attributes {

namespace {

#if defined(__GLIBCXX__)
// libstdc++ extension: run with the NFA-simulation executor, whose stack use and time are
// bounded by pattern size times input size; back-references are then rejected, as in RE2.
constexpr auto kPolynomial = std::regex_constants::__polynomial;
#else
constexpr auto kPolynomial = std::regex_constants::syntax_option_type{};
#endif

constexpr std::size_t kNone = std::string_view::npos;

struct Translation {
  std::string ecmascript;
  std::vector<std::string> names;
  std::vector<std::size_t> offsets;
  bool icase = false;
};

bool is_word(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Copies the bracket expression that opens at p[i] to `out`; returns the index after it.
// RE2 reads a ']' right after "[" or "[^" as a literal; ECMAScript needs it escaped.
std::size_t copy_class(std::string_view p, std::size_t i, std::string& out) {
  out += '[';
  ++i;
  if (i < p.size() && p[i] == '^') {
    out += '^';
    ++i;
  }
  if (i < p.size() && p[i] == ']') {
    out += "\\]";
    ++i;
  }
  while (i < p.size()) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      out.append(p.substr(i, 2));
      i += 2;
      continue;
    }
    if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {
      const std::size_t end = p.find(":]", i + 2);
      if (end != kNone) {
        out.append(p.substr(i, end + 2 - i));
        i = end + 2;
        continue;
      }
    }
    out += c;
    ++i;
    if (c == ']') break;
  }
  return i;  // an unterminated class is left for std::regex to report
}

// Where the name of a named group opening at p[i] starts, or kNone for any other "(?".
std::size_t name_start(std::string_view p, std::size_t i) {
  const std::string_view rest = p.substr(i);
  if (rest.starts_with("(?P<")) return i + 4;
  if (rest.starts_with("(?<") && rest.size() > 3 && rest[3] != '=' && rest[3] != '!') return i + 3;
  return kNone;
}

std::optional<Translation> translate(std::string_view p, std::string& error) {
  Translation t;
  std::size_t i = 0;
  if (p.starts_with("(?i)")) {
    t.icase = true;
    i = 4;
  }
  // True where a repetition operator would have nothing to repeat (std::regex then reports a
  // misleading "mismatched parentheses").
  bool at_operand_start = true;
  while (i < p.size()) {
    const char c = p[i];
    const bool operand_start = at_operand_start;
    at_operand_start = c == '|';
    if (operand_start && (c == '*' || c == '+' || c == '?')) {
      error = "missing argument to repetition operator \"" + std::string(1, c) + "\"";
      return std::nullopt;
    }
    if (c == '\\' && i + 1 < p.size()) {
      const char next = p[i + 1];
      if (next == 'p' || next == 'P' || next == 'Q' || next == 'C') {
        error = "\"\\" + std::string(1, next) +
                "\" is not supported (no Unicode classes, \\Q...\\E quoting or \\C)";
        return std::nullopt;
      }
      if (next == 'A') {
        t.ecmascript += '^';
      } else if (next == 'z') {
        t.ecmascript += '$';
      } else {
        t.ecmascript.append(p.substr(i, 2));
      }
      i += 2;
    } else if (c == '[') {
      i = copy_class(p, i, t.ecmascript);
    } else if (c != '(') {
      t.ecmascript += c;
      ++i;
    } else if (i + 1 >= p.size() || p[i + 1] != '?') {
      t.names.emplace_back();
      t.offsets.push_back(i);
      t.ecmascript += '(';
      at_operand_start = true;
      ++i;
    } else if (const std::size_t start = name_start(p, i); start != kNone) {
      const std::size_t close = p.find('>', start);
      if (close == kNone) {
        error = "unterminated group name at offset " + std::to_string(i);
        return std::nullopt;
      }
      std::string name(p.substr(start, close - start));
      if (name.empty() || !std::all_of(name.begin(), name.end(), is_word)) {
        error = "invalid capture group name \"" + name + "\": use letters, digits and '_'";
        return std::nullopt;
      }
      if (std::find(t.names.begin(), t.names.end(), name) != t.names.end()) {
        error = "duplicate capture group name \"" + name + "\"";
        return std::nullopt;
      }
      t.names.push_back(std::move(name));
      t.offsets.push_back(i);
      t.ecmascript += '(';
      at_operand_start = true;
      i = close + 1;
    } else if (i + 2 < p.size() && (p[i + 2] == ':' || p[i + 2] == '=' || p[i + 2] == '!')) {
      t.ecmascript.append(p.substr(i, 3));
      at_operand_start = true;
      i += 3;
    } else {
      const std::size_t end = p.find_first_of(":)", i);
      error = "inline flags \"" + std::string(p.substr(i, end == kNone ? kNone : end + 1 - i)) +
              "\" are not supported; only a leading \"(?i)\" is";
      return std::nullopt;
    }
  }
  return t;
}

}  // namespace

std::optional<Re2Pattern> Re2Pattern::compile(std::string_view pattern, std::string& error) {
  std::optional<Translation> t = translate(pattern, error);
  if (!t) return std::nullopt;
  auto flags = std::regex::ECMAScript | std::regex::optimize | kPolynomial;
  if (t->icase) flags |= std::regex::icase;
  Re2Pattern out;
  try {
    out.exact_ = std::make_shared<const std::regex>(t->ecmascript, flags);
    out.anywhere_ =
        std::make_shared<const std::regex>("[\\s\\S]*?(?:" + t->ecmascript + ")", flags);
  } catch (const std::regex_error& e) {
    error = e.what();
    return std::nullopt;
  }
  if (out.exact_->mark_count() != t->names.size()) {
    error = "unsupported group syntax";
    return std::nullopt;
  }
  out.source_ = std::string(pattern);
  out.names_ = std::move(t->names);
  out.offsets_ = std::move(t->offsets);
  return out;
}

bool Re2Pattern::search(std::string_view text) const {
  // One pass from the start: the lazy prefix tries every start position in the same NFA run,
  // where std::regex_search would restart the whole match at each position.
  return std::regex_search(text.data(), text.data() + text.size(), *anywhere_,
                           std::regex_constants::match_continuous);
}

bool Re2Pattern::find(std::string_view text, std::cmatch& match) const {
  // The linear check first: a value that does not match costs one pass, not one per position.
  return search(text) && std::regex_search(text.data(), text.data() + text.size(), match, *exact_);
}

}  // namespace spanflow::processors::attributes
