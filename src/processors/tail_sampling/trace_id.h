// TraceId: the 16 raw bytes of a span's trace id, as a hashable value.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace spanflow::processors::tail_sampling {

struct TraceId {
  std::array<std::uint8_t, 16> bytes{};

  // The first 16 bytes of `raw`, zero-padded (OTLP ids are exactly 16 bytes; anything else
  // still groups consistently).
  static TraceId from(std::string_view raw) {
    TraceId id;
    std::memcpy(id.bytes.data(), raw.data(), raw.size() < 16 ? raw.size() : 16);
    return id;
  }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
  // A well-mixed 64-bit hash (ids are usually random, but not all senders make them so).
  std::uint64_t hash() const {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    std::memcpy(&lo, bytes.data(), 8);
    std::memcpy(&hi, bytes.data() + 8, 8);
    std::uint64_t x = lo ^ (hi * 0x9e3779b97f4a7c15ULL);
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
  }
  bool operator==(const TraceId&) const = default;
};

struct TraceIdHash {
  std::size_t operator()(const TraceId& id) const { return static_cast<std::size_t>(id.hash()); }
};

}  // namespace spanflow::processors::tail_sampling
