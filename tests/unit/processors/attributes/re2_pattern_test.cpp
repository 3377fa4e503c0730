// Re2Pattern: RE2 (Go) syntax translated for std::regex, matched with RE2's semantics.
#include "processors/attributes/re2_pattern.h"

#include <catch.hpp>

using spanflow::processors::attributes::Re2Pattern;

namespace {

Re2Pattern compiled(const std::string& pattern) {
  std::string error;
  auto p = Re2Pattern::compile(pattern, error);
  INFO(pattern << ": " << error);
  REQUIRE(p);
  return *p;
}

std::string compile_error(const std::string& pattern) {
  std::string error;
  CHECK_FALSE(Re2Pattern::compile(pattern, error));
  return error;
}

}  // namespace

TEST_CASE("both named group forms are captured by index with their names") {
  const Re2Pattern p = compiled(R"(^(?P<scheme>\w+)://(?<host>[^/:]+)(?::(\d+))?)");
  CHECK(p.group_names() == std::vector<std::string>{"scheme", "host", ""});
  CHECK(p.group_offsets() == std::vector<std::size_t>{1, 19, 38});
  std::cmatch m;
  REQUIRE(p.find("https://example.org:8443/x", m));
  CHECK(m[1].str() == "https");
  CHECK(m[2].str() == "example.org");
  CHECK(m[3].str() == "8443");
}

TEST_CASE("escaped parentheses, parentheses in classes and non-capturing groups are not groups") {
  const Re2Pattern p = compiled(R"(\((?P<a>[()]+)\)(?:x)(?=y))");
  CHECK(p.group_names() == std::vector<std::string>{"a"});
  std::cmatch m;
  REQUIRE(p.find("z(()())xy", m));
  CHECK(m[1].str() == "()()");
}

TEST_CASE("RE2 spellings are translated: \\A, \\z, a leading (?i), ']' first in a class") {
  CHECK(compiled(R"(\Aab\z)").search("ab"));
  CHECK_FALSE(compiled(R"(\Aab\z)").search("xab"));
  CHECK_FALSE(compiled(R"(\Aab\z)").search("abx"));
  CHECK(compiled("(?i)^get$").search("GET"));
  CHECK_FALSE(compiled("^get$").search("GET"));
  CHECK(compiled("[]a]+$").search("x]a]"));
  CHECK(compiled("[^]a]").search("]]b"));
  CHECK_FALSE(compiled("[^]a]").search("]a]"));
  CHECK(compiled("^[[:alpha:]]+[[:digit:]]$").search("abc1"));
}

TEST_CASE("search is unanchored unless the pattern anchors itself") {
  CHECK(compiled("ment").search("payment-service"));
  CHECK(compiled("^pay").search("payment-service"));
  CHECK_FALSE(compiled("^ment").search("payment-service"));
  CHECK(compiled("").search("anything"));
  CHECK(compiled("^$").search(""));
}

TEST_CASE("patterns that RE2 rejects or std::regex would misread are errors") {
  CHECK(compile_error("(?P<a>x)(?P<a>y)") == "duplicate capture group name \"a\"");
  CHECK(compile_error("(?P<>x)") == "invalid capture group name \"\": use letters, digits and '_'");
  CHECK(compile_error("(?P<a") == "unterminated group name at offset 0");
  CHECK(compile_error("a(?s:.)") ==
        "inline flags \"(?s:\" are not supported; only a leading \"(?i)\" is");
  CHECK(compile_error("+a") == "missing argument to repetition operator \"+\"");
  CHECK(compile_error("(?:?a)") == "missing argument to repetition operator \"?\"");
  CHECK_FALSE(compile_error("a(b").empty());
  CHECK_FALSE(compile_error(R"((a)\1)").empty());
}
