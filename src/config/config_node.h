// ConfigNode: the typed reader component configs use to parse their section.
//
// Reads keep the target's in-class default when a key is absent, and record an error with the
// key's file:line:col when it is present with the wrong type. Every key asked about (present
// or not) is "known"; finish() reports the present keys nobody asked about as unknown, with a
// "did you mean" among the known ones.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config_value.h"

namespace spanflow::config {

class ConfigNode {
 public:
  // `path` names this node in messages ("receivers::otlp::protocols").
  ConfigNode(const ConfigValue& value, std::string path, ConfigErrors& errors);

  const std::string& path() const { return path_; }
  const Mark& mark() const { return value_->mark; }
  ConfigValue::Kind kind() const { return value_->kind; }
  bool is_null() const { return value_->kind == ConfigValue::Kind::kNull; }
  const ConfigValue& value() const { return *value_; }
  ConfigErrors& errors() const { return *errors_; }

  // True when the key is present (null values count as present). Marks it known and used.
  bool has(std::string_view key);
  // The child at key (marked used), or nullopt when absent. A null child is returned as such.
  std::optional<ConfigNode> child(std::string_view key);
  // Like child() but an absent key is an error ("missing required key 'x'").
  std::optional<ConfigNode> required_child(std::string_view key);

  // Typed reads; `out` is unchanged when the key is absent or the value is invalid.
  void read(std::string_view key, std::string& out);
  void read(std::string_view key, bool& out);
  void read(std::string_view key, int& out);
  void read(std::string_view key, std::int64_t& out);
  void read(std::string_view key, std::uint32_t& out);
  void read(std::string_view key, std::uint64_t& out);
  void read(std::string_view key, double& out);
  // Go durations ("200ms", "1m30s", "0"); a bare integer is nanoseconds, as in the Collector.
  void read(std::string_view key, std::chrono::nanoseconds& out);
  // A list of strings; a single scalar is an error ("expected a list").
  void read(std::string_view key, std::vector<std::string>& out);
  // A string that must be one of `allowed` (case-sensitive); otherwise an error listing them
  // with a did-you-mean.
  void read_enum(std::string_view key, std::string& out,
                 std::initializer_list<std::string_view> allowed);
  // An error when the key is absent (and marks it known).
  void require(std::string_view key);

  // Children of a map (all marked used), in document order; empty for null. Error if a scalar
  // or a list.
  std::vector<std::pair<std::string, ConfigNode>> entries();
  // Items of a list; empty for null. Error if not a list.
  std::vector<ConfigNode> items();
  // The scalar text of this node; error if not a scalar.
  std::optional<std::string> as_string();

  // Errors located at this node, or at one of its keys.
  void error(std::string message, std::string hint = {}) const;
  void error_at(std::string_view key, std::string message, std::string hint = {}) const;
  void warn(std::string message, std::string hint = {}) const;

  // Reports every present key that nothing asked about. Call once after parsing the section.
  void finish();

 private:
  const ConfigValue* lookup(std::string_view key);
  std::string child_path(std::string_view key) const;
  Mark key_mark(std::string_view key) const;
  // The scalar at key; nullptr when absent or null, or (reported as "expected <expected>") when
  // it is a map or a list.
  const ConfigValue* scalar_at(std::string_view key, std::string_view expected);
  template <typename T>
  void read_integer(std::string_view key, T& out);
  // True for a map; reports "expected a map" once for a scalar or a list.
  bool check_map();

  const ConfigValue* value_;
  std::string path_;
  ConfigErrors* errors_;
  std::set<std::string, std::less<>> known_;
  bool shape_reported_ = false;
};

// Parses a Go duration ("1h2m3.5s", "300ms", "10us", "0"); nullopt when malformed.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

}  // namespace spanflow::config
