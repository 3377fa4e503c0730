// Re2Pattern: a regular expression in the Collector's RE2 (Go) syntax, compiled once at config
// load for std::regex.
//
// Translated at compile time: named groups "(?P<name>re)" and "(?<name>re)" become plain groups
// whose names are kept by index; "\A" and "\z" become "^" and "$"; a leading "(?i)" becomes
// case-insensitive matching; "]" first in a class is a literal. Everything else is read as
// ECMAScript, which agrees with RE2 on the common syntax.
//
// Matching uses libstdc++'s polynomial (NFA simulation) executor: stack use does not grow with
// the input and there is no exponential backtracking, which matters because attribute values
// come from untrusted senders. Remaining differences from RE2: patterns see bytes, not UTF-8
// runes, and where a group's alternatives match different lengths from the same start the
// longest is taken (RE2 takes the first listed).
// Thread-safety: immutable after compile(); any number of threads may match concurrently.
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace spanflow::processors::attributes {

class Re2Pattern {
 public:
  // The compiled pattern, or nullopt with `error` set to why not (the regex library's reason
  // for a syntax error, or an invalid or duplicate group name).
  static std::optional<Re2Pattern> compile(std::string_view pattern, std::string& error);

  const std::string& source() const { return source_; }
  // True when the pattern matches anywhere in `text` (Go's MatchString); time linear in `text`.
  bool search(std::string_view text) const;
  // The leftmost match and its groups; false when there is none.
  bool find(std::string_view text, std::cmatch& match) const;
  // One entry per capturing group, in order (group 1 first): its name, "" when unnamed.
  const std::vector<std::string>& group_names() const { return names_; }
  // Where each capturing group's "(" is in source(), in the same order (for messages).
  const std::vector<std::size_t>& group_offsets() const { return offsets_; }

 private:
  std::string source_;
  std::shared_ptr<const std::regex> exact_;     // the translated pattern
  std::shared_ptr<const std::regex> anywhere_;  // [\s\S]*?(?:pattern), anchored at the start
  std::vector<std::string> names_;
  std::vector<std::size_t> offsets_;
};

}  // namespace spanflow::processors::attributes
