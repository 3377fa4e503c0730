// A span's W3C tracestate with its OpenTelemetry `ot` entry (OTEP 235 `rv` and `th`) parsed,
// read and written exactly as the Collector's pkg/sampling does. No heap: entries are views
// into the parsed text and the output goes to a fixed buffer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "processors/probabilistic_sampler/threshold.h"

namespace spanflow::processors::probabilistic_sampler {

// Fixed-capacity text; an append that does not fit marks it overflowed (and is dropped).
class TextBuffer {
 public:
  // A valid tracestate (<= 1024 bytes) plus the `rv` and `th` the sampler may add.
  static constexpr std::size_t kCapacity = 1280;

  void clear() {
    size_ = 0;
    overflowed_ = false;
  }
  void append(std::string_view text);
  bool overflowed() const { return overflowed_; }
  std::string_view view() const { return {data_.data(), size_}; }

 private:
  std::array<char, kCapacity> data_{};
  std::size_t size_ = 0;
  bool overflowed_ = false;
};

class TraceState {
 public:
  TraceState() = default;
  // Holds views into its own buffers: not copyable.
  TraceState(const TraceState&) = delete;
  TraceState& operator=(const TraceState&) = delete;

  // Replaces the content with `text`, which must outlive every later call. False when the
  // Collector refuses the tracestate: W3C syntax or size limits (1024 bytes, 31 entries),
  // an `ot` value that breaks `key:value(;key:value)*` with keys [a-z][a-z0-9]* and values
  // [A-Za-z0-9._-]* or is over 256 bytes, an `rv` that is not 14 hex digits, or a `th` that
  // is not 1-14 hex digits. The content is unspecified after a failure.
  bool parse(std::string_view text);

  std::optional<std::uint64_t> randomness() const;
  std::optional<std::uint64_t> threshold() const;
  void set_randomness(std::uint64_t randomness);
  // Records the threshold a kept span was sampled at. Refuses (returns false, changes nothing)
  // to lower an existing threshold: that would raise the probability an earlier stage applied.
  bool update_threshold(std::uint64_t threshold);
  void clear_threshold();

  // `ot=rv:...;th:...;<other ot keys>` (omitted when empty), then every other vendor's entry
  // in arrival order; whitespace and empty list members are not kept.
  void serialize(TextBuffer& out) const;

 private:
  struct Entry {
    std::string_view key;
    std::string_view value;
  };
  // 31 entries pass the Collector's count check; an `ot` value of 256 bytes holds at most 85
  // `k:` members.
  static constexpr std::size_t kMaxVendors = 31;
  static constexpr std::size_t kMaxOtMembers = 86;

  bool parse_ot(std::string_view value);

  std::array<Entry, kMaxVendors> vendors_{};
  std::size_t vendor_count_ = 0;
  std::array<Entry, kMaxOtMembers> ot_extra_{};
  std::size_t ot_extra_count_ = 0;

  std::optional<std::uint64_t> randomness_;
  std::string_view randomness_text_;  // as it arrived, or rendered into randomness_digits_
  char randomness_digits_[kHexDigits] = {};
  std::optional<std::uint64_t> threshold_;
  std::string_view threshold_text_;  // as it arrived, or rendered into threshold_digits_
  ThresholdText threshold_digits_{};
};

}  // namespace spanflow::processors::probabilistic_sampler
