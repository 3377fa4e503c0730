// UTF-8 and string-scanning helpers shared by the JSON reader and the OTLP/JSON encoder.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace spanflow::codec::detail {

// Length of the well-formed UTF-8 sequence starting with the non-ASCII byte at `p` (2 to 4), or 0
// if it is malformed, overlong, a surrogate, above U+10FFFF or cut off by `end`.
inline std::size_t utf8_sequence_length(const char* p, const char* end) {
  const auto byte = [p](std::size_t i) { return static_cast<unsigned char>(p[i]); };
  const auto continuation = [&](std::size_t i) { return (byte(i) & 0xC0) == 0x80; };
  const std::ptrdiff_t available = end - p;
  const unsigned char lead = byte(0);
  if (lead < 0xC2) return 0;
  if (lead < 0xE0) return available >= 2 && continuation(1) ? 2 : 0;
  if (lead < 0xF0) {
    if (available < 3 || !continuation(1) || !continuation(2)) return 0;
    if (lead == 0xE0 && byte(1) < 0xA0) return 0;   // overlong
    if (lead == 0xED && byte(1) >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (lead < 0xF5) {
    if (available < 4 || !continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (lead == 0xF0 && byte(1) < 0x90) return 0;   // overlong
    if (lead == 0xF4 && byte(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// Index (0-7) of the first of the 8 bytes at `p` that is a control character, '"', '\\' or
// non-ASCII, or 8 if there is none. Only the lowest flagged byte is exact, which is all we need.
inline std::size_t first_special_byte(const char* p) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const std::uint64_t below_space = (word - kOnes * 0x20) & ~word & kHigh;
  const std::uint64_t flagged = below_space | has_zero(word ^ (kOnes * '"')) |
                                has_zero(word ^ (kOnes * '\\')) | (word & kHigh);
  if (flagged == 0) return 8;
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<std::size_t>(std::countr_zero(flagged)) / 8;
  } else {
    return 0;  // the caller then looks at the bytes one by one
  }
}

}  // namespace spanflow::codec::detail
