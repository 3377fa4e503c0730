// IsMatch's regular expressions. Internal to src/ottl/.
//
// The rule: ECMAScript syntax (std::regex), matched as an unanchored search like RE2's
// MatchString in the Collector; anchor with ^ and $. Back-references are rejected (RE2 has none
// either), and so are `(?` groups other than (?:...), (?=...) and (?!...), which RE2 patterns
// use for inline flags and named groups.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace spanflow::ottl::detail {

// The compiled pattern, or nullopt with `problem` saying what is wrong with it.
std::optional<std::regex> compile_search_regex(const std::string& pattern, std::string& problem);

// Whether the pattern matches anywhere in `subject`. Time linear in the subject's length.
bool search(const std::regex& regex, std::string_view subject);

}  // namespace spanflow::ottl::detail
