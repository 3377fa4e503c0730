#include "config/config_node.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <type_traits>

namespace spanflow::config {

namespace {

using Kind = ConfigValue::Kind;

constexpr std::string_view kBoolean = "a boolean (true/false)";
constexpr std::string_view kInteger = "an integer";
constexpr std::string_view kNumber = "a number";
constexpr std::string_view kDuration = R"(a duration like "200ms" or "1m30s")";

// What a value is, for "found ..." in messages: the quoted text of a scalar, else its kind.
std::string found(const ConfigValue& value) {
  if (value.kind == Kind::kScalar) return "\"" + value.scalar + "\"";
  return describe(value.kind);
}

std::string mismatch(std::string_view expected, const ConfigValue& value) {
  return "expected " + std::string(expected) + ", found " + found(value);
}

std::string hint_for(const std::string& suggestion) {
  return suggestion.empty() ? std::string() : "did you mean '" + suggestion + "'?";
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_digit(c)) return false;
  }
  return true;
}

template <typename T>
std::string integer_type_name() {
  const std::string bits = std::to_string(std::numeric_limits<T>::digits + std::is_signed_v<T>);
  return std::is_signed_v<T> ? "a " + bits + "-bit integer"
                             : "an unsigned " + bits + "-bit integer";
}

enum class Parsed { kOk, kInvalid, kOutOfRange };

// Decimal digits with an optional leading '-'; nothing else.
template <typename T>
Parsed parse_integer(std::string_view text, T& out) {
  const bool negative = !text.empty() && text.front() == '-';
  if (!all_digits(negative ? text.substr(1) : text)) return Parsed::kInvalid;
  if (std::is_unsigned_v<T> && negative) {
    if (text.find_first_not_of("-0") != std::string_view::npos) return Parsed::kOutOfRange;
    out = 0;
    return Parsed::kOk;
  }
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) return Parsed::kOutOfRange;
  if (ec != std::errc() || end != text.data() + text.size()) return Parsed::kInvalid;
  out = value;
  return Parsed::kOk;
}

// Nanoseconds per duration unit, as Go's time.ParseDuration accepts them.
std::optional<std::uint64_t> unit_nanoseconds(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return 1'000'000'000;
  if (unit == "m") return 60'000'000'000;
  if (unit == "h") return 3'600'000'000'000;
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  std::uint64_t total = 0;
  if (all_digits(text)) {  // "0", or a bare integer of nanoseconds
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), total);
    if (ec != std::errc() || total > kMax) return std::nullopt;
    text = {};
  }
  while (!text.empty()) {
    std::size_t i = 0;
    std::uint64_t whole = 0;
    bool has_digits = false;
    for (; i < text.size() && is_digit(text[i]); ++i, has_digits = true) {
      if (whole > (kMax - 9) / 10) return std::nullopt;
      whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }
    std::uint64_t fraction = 0;  // digits after '.', scaled by `scale`
    double scale = 1;
    if (i < text.size() && text[i] == '.') {
      for (++i; i < text.size() && is_digit(text[i]); ++i, has_digits = true) {
        if (fraction > (kMax - 9) / 10) continue;  // further digits are below precision
        fraction = fraction * 10 + static_cast<std::uint64_t>(text[i] - '0');
        scale *= 10;
      }
    }
    if (!has_digits) return std::nullopt;
    std::size_t unit_end = i;
    while (unit_end < text.size() && text[unit_end] != '.' && !is_digit(text[unit_end])) {
      ++unit_end;
    }
    const std::optional<std::uint64_t> unit = unit_nanoseconds(text.substr(i, unit_end - i));
    if (!unit || whole > kMax / *unit) return std::nullopt;
    const std::uint64_t value =
        whole * *unit + static_cast<std::uint64_t>(static_cast<double>(fraction) *
                                                   (static_cast<double>(*unit) / scale));
    if (value > kMax - total) return std::nullopt;
    total += value;
    text.remove_prefix(unit_end);
  }
  const auto signed_total = static_cast<std::int64_t>(total);
  return std::chrono::nanoseconds(negative ? -signed_total : signed_total);
}

ConfigNode::ConfigNode(const ConfigValue& value, std::string path, ConfigErrors& errors)
    : value_(&value), path_(std::move(path)), errors_(&errors) {}

bool ConfigNode::check_map() {
  if (value_->kind == Kind::kMap) return true;
  if (value_->kind != Kind::kNull && !shape_reported_) {
    shape_reported_ = true;
    error(mismatch("a map", *value_));
  }
  return false;
}

const ConfigValue* ConfigNode::lookup(std::string_view key) {
  known_.emplace(key);
  return check_map() ? value_->find(key) : nullptr;
}

std::string ConfigNode::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "::" + std::string(key);
}

Mark ConfigNode::key_mark(std::string_view key) const {
  if (value_->kind == Kind::kMap) {
    for (const ConfigValue::Entry& entry : value_->map) {
      if (entry.key == key) return entry.key_mark;
    }
  }
  return value_->mark;
}

bool ConfigNode::has(std::string_view key) {
  return lookup(key) != nullptr;
}

std::optional<ConfigNode> ConfigNode::child(std::string_view key) {
  const ConfigValue* value = lookup(key);
  if (value == nullptr) return std::nullopt;
  return ConfigNode(*value, child_path(key), *errors_);
}

std::optional<ConfigNode> ConfigNode::required_child(std::string_view key) {
  std::optional<ConfigNode> node = child(key);
  // A section that is not a map at all has been reported as such already.
  if (!node && !shape_reported_) error("missing required key '" + std::string(key) + "'");
  return node;
}

void ConfigNode::require(std::string_view key) {
  if (!has(key) && !shape_reported_) error("missing required key '" + std::string(key) + "'");
}

const ConfigValue* ConfigNode::scalar_at(std::string_view key, std::string_view expected) {
  const ConfigValue* value = lookup(key);
  if (value == nullptr || value->kind == Kind::kNull) return nullptr;
  if (value->kind != Kind::kScalar) {
    errors_->error(value->mark, child_path(key), mismatch(expected, *value));
    return nullptr;
  }
  return value;
}

void ConfigNode::read(std::string_view key, std::string& out) {
  if (const ConfigValue* value = scalar_at(key, "a string")) out = value->scalar;
}

void ConfigNode::read(std::string_view key, bool& out) {
  const ConfigValue* value = scalar_at(key, kBoolean);
  if (value == nullptr) return;
  const std::string& text = value->scalar;
  if (text == "true" || text == "True" || text == "TRUE") {
    out = true;
  } else if (text == "false" || text == "False" || text == "FALSE") {
    out = false;
  } else {
    errors_->error(value->mark, child_path(key), mismatch(kBoolean, *value));
  }
}

template <typename T>
void ConfigNode::read_integer(std::string_view key, T& out) {
  const ConfigValue* value = scalar_at(key, kInteger);
  if (value == nullptr) return;
  switch (parse_integer(value->scalar, out)) {
    case Parsed::kOk:
      break;
    case Parsed::kInvalid:
      errors_->error(value->mark, child_path(key), mismatch(kInteger, *value));
      break;
    case Parsed::kOutOfRange:
      errors_->error(value->mark, child_path(key),
                     "value " + value->scalar + " is out of range for " + integer_type_name<T>());
      break;
  }
}

void ConfigNode::read(std::string_view key, int& out) {
  read_integer(key, out);
}
void ConfigNode::read(std::string_view key, std::int64_t& out) {
  read_integer(key, out);
}
void ConfigNode::read(std::string_view key, std::uint32_t& out) {
  read_integer(key, out);
}
void ConfigNode::read(std::string_view key, std::uint64_t& out) {
  read_integer(key, out);
}

void ConfigNode::read(std::string_view key, double& out) {
  const ConfigValue* value = scalar_at(key, kNumber);
  if (value == nullptr) return;
  const std::string& text = value->scalar;
  double parsed = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec == std::errc::result_out_of_range) {
    errors_->error(value->mark, child_path(key),
                   "value " + text + " is out of range for a 64-bit floating-point number");
  } else if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(parsed)) {
    errors_->error(value->mark, child_path(key), mismatch(kNumber, *value));
  } else {
    out = parsed;
  }
}

void ConfigNode::read(std::string_view key, std::chrono::nanoseconds& out) {
  const ConfigValue* value = scalar_at(key, kDuration);
  if (value == nullptr) return;
  const std::optional<std::chrono::nanoseconds> parsed = parse_duration(value->scalar);
  if (!parsed) {
    errors_->error(value->mark, child_path(key), mismatch(kDuration, *value));
  } else if (parsed->count() < 0) {
    errors_->error(value->mark, child_path(key), mismatch("a non-negative duration", *value));
  } else {
    out = *parsed;
  }
}

void ConfigNode::read(std::string_view key, std::vector<std::string>& out) {
  const ConfigValue* value = lookup(key);
  if (value == nullptr || value->kind == Kind::kNull) return;
  if (value->kind != Kind::kSequence) {
    errors_->error(value->mark, child_path(key), mismatch("a list of strings", *value));
    return;
  }
  std::vector<std::string> items;
  bool ok = true;
  for (std::size_t i = 0; i < value->seq.size(); ++i) {
    const ConfigValue& item = value->seq[i];
    if (item.kind == Kind::kScalar) {
      items.push_back(item.scalar);
    } else {
      errors_->error(item.mark, child_path(key) + "[" + std::to_string(i) + "]",
                     mismatch("a string", item));
      ok = false;
    }
  }
  if (ok) out = std::move(items);
}

void ConfigNode::read_enum(std::string_view key, std::string& out,
                           std::initializer_list<std::string_view> allowed) {
  const ConfigValue* value = scalar_at(key, "a string");
  if (value == nullptr) return;
  std::vector<std::string> candidates(allowed.begin(), allowed.end());
  for (const std::string& candidate : candidates) {
    if (candidate == value->scalar) {
      out = value->scalar;
      return;
    }
  }
  std::string expected = candidates.size() == 1 ? "" : "one of ";
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0) expected += i + 1 == candidates.size() ? " or " : ", ";
    expected += "\"" + candidates[i] + "\"";
  }
  errors_->error(value->mark, child_path(key), mismatch(expected, *value),
                 hint_for(did_you_mean(value->scalar, candidates)));
}

std::vector<std::pair<std::string, ConfigNode>> ConfigNode::entries() {
  std::vector<std::pair<std::string, ConfigNode>> out;
  if (!check_map()) return out;
  for (const ConfigValue::Entry& entry : value_->map) {
    known_.insert(entry.key);
    out.emplace_back(entry.key, ConfigNode(entry.value, child_path(entry.key), *errors_));
  }
  return out;
}

std::vector<ConfigNode> ConfigNode::items() {
  std::vector<ConfigNode> out;
  if (value_->kind == Kind::kNull) return out;
  if (value_->kind != Kind::kSequence) {
    error(mismatch("a list", *value_));
    return out;
  }
  for (std::size_t i = 0; i < value_->seq.size(); ++i) {
    out.emplace_back(value_->seq[i], path_ + "[" + std::to_string(i) + "]", *errors_);
  }
  return out;
}

std::optional<std::string> ConfigNode::as_string() {
  if (value_->kind == Kind::kScalar) return value_->scalar;
  error(mismatch("a string", *value_));
  return std::nullopt;
}

void ConfigNode::error(std::string message, std::string hint) const {
  errors_->error(value_->mark, path_, std::move(message), std::move(hint));
}

void ConfigNode::error_at(std::string_view key, std::string message, std::string hint) const {
  errors_->error(key_mark(key), child_path(key), std::move(message), std::move(hint));
}

void ConfigNode::warn(std::string message, std::string hint) const {
  errors_->warn(value_->mark, path_, std::move(message), std::move(hint));
}

void ConfigNode::finish() {
  if (!check_map()) return;
  const std::vector<std::string> candidates(known_.begin(), known_.end());
  for (const ConfigValue::Entry& entry : value_->map) {
    if (known_.contains(entry.key)) continue;
    errors_->error(entry.key_mark, path_, "unknown key '" + entry.key + "'",
                   hint_for(did_you_mean(entry.key, candidates)));
  }
}

}  // namespace spanflow::config
