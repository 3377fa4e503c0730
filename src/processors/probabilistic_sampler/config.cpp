#include "processors/probabilistic_sampler/config.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

#include "processors/probabilistic_sampler/threshold.h"

namespace spanflow::processors::probabilistic_sampler {

namespace {

constexpr std::string_view kPercentage = "sampling_percentage";
constexpr std::string_view kPrecision = "sampling_precision";
constexpr std::string_view kModeKey = "mode";
constexpr std::string_view kAttributeSource = "attribute_source";

// Go's %f of a float32.
std::string go_fixed(float value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  std::array<char, 64> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%f", static_cast<double>(value));
  return n > 0 && static_cast<std::size_t>(n) < buf.size() ? std::string(buf.data(), n) : "?";
}

// Go's %g of a float32: the shortest digits that read back as the same float32.
std::string go_general(float value) {
  std::array<char, 64> buf{};
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::general);
  return ec == std::errc() ? std::string(buf.data(), end) : "?";
}

// Reports at the value of `key` (present), like the typed reads do.
void error_at(config::ConfigNode& node, std::string_view key, std::string message,
              std::string hint = {}) {
  if (std::optional<config::ConfigNode> child = node.child(key)) {
    node.errors().error(child->mark(), child->path(), std::move(message), std::move(hint));
  }
}

void warn_at(config::ConfigNode& node, std::string_view key, std::string message) {
  if (std::optional<config::ConfigNode> child = node.child(key)) {
    node.errors().warn(child->mark(), child->path(), std::move(message));
  }
}

// The Collector's Validate() on the percentage, in its order and words. False on an error.
bool check_percentage(config::ConfigNode& node, float percentage) {
  if (std::isinf(percentage) || std::isnan(percentage)) {
    error_at(node, kPercentage, "sampling rate is invalid: " + go_fixed(percentage) + "%");
    return false;
  }
  const double ratio = static_cast<double>(percentage) / 100.0;
  if (ratio < 0) {
    error_at(node, kPercentage, "sampling rate is negative: " + go_fixed(percentage) + "%");
    return false;
  }
  if (ratio > 0 && ratio < 1.0 / static_cast<double>(kNeverSample)) {
    error_at(node, kPercentage, "sampling rate is too small: " + go_general(percentage) + "%");
    return false;
  }
  return true;
}

Mode parse_mode(config::ConfigNode& node) {
  std::string text;
  node.read(kModeKey, text);
  if (text == "hash_seed" || text.empty()) return Mode::kHashSeed;
  if (text == "proportional") return Mode::kProportional;
  if (text == "equalizing") return Mode::kEqualizing;
  const std::vector<std::string> modes{"hash_seed", "proportional", "equalizing"};
  const std::string suggestion = config::did_you_mean(text, modes);
  error_at(node, kModeKey, "unsupported sampler mode \"" + text + "\"",
           suggestion.empty() ? "expected hash_seed, proportional or equalizing"
                              : "did you mean '" + suggestion + "'?");
  return Mode::kHashSeed;
}

}  // namespace

std::string_view to_string(Mode mode) {
  switch (mode) {
    case Mode::kHashSeed:
      return "hash_seed";
    case Mode::kProportional:
      return "proportional";
    case Mode::kEqualizing:
      return "equalizing";
  }
  return "hash_seed";
}

Config Config::parse(config::ConfigNode& node) {
  Config c;
  bool valid_percentage = true;
  if (node.has(kPercentage)) {
    // The Collector decodes the YAML number as a float64, then stores it in a float32.
    double percentage = 0;
    node.read(kPercentage, percentage);
    c.sampling_percentage = static_cast<float>(percentage);
    valid_percentage = check_percentage(node, c.sampling_percentage);
  } else {
    node.warn("'sampling_percentage' is not set: it defaults to 0, so every span is dropped");
  }
  node.read("hash_seed", c.hash_seed);
  c.mode = parse_mode(node);
  node.read("fail_closed", c.fail_closed);

  if (node.has(kPrecision)) {
    node.read(kPrecision, c.sampling_precision);
    if (c.sampling_precision < 1) {
      error_at(node, kPrecision,
               "invalid sampling precision: " + std::to_string(c.sampling_precision));
    } else if (c.sampling_precision > kHexDigits) {
      error_at(node, kPrecision,
               "sampling precision is too great, should be <= 14: " +
                   std::to_string(c.sampling_precision));
    }
  }

  node.read(kAttributeSource, c.attribute_source);
  if (c.attribute_source != "traceID" && c.attribute_source != "record" &&
      !c.attribute_source.empty()) {
    error_at(node, kAttributeSource,
             "invalid attribute source: " + c.attribute_source + ". Expected: traceID or record");
  }
  node.read("from_attribute", c.from_attribute);
  node.read("sampling_priority", c.sampling_priority);
  for (const std::string_view key : {kAttributeSource, std::string_view("from_attribute"),
                                     std::string_view("sampling_priority")}) {
    warn_at(node, key,
            "'" + std::string(key) +
                "' applies to logs only; spanflow samples traces, so it is ignored");
  }

  if (valid_percentage && c.mode == Mode::kHashSeed && c.sampling_percentage > 0 &&
      hash_seed_rate(c.sampling_percentage) == 0) {
    warn_at(node, kPercentage,
            "sampling rate " + go_general(c.sampling_percentage) +
                "% is below the hash_seed resolution (100/16384 %, about 0.0061%): no span is "
                "sampled");
  }
  return c;
}

}  // namespace spanflow::processors::probabilistic_sampler
