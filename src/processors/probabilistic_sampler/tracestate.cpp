#include "processors/probabilistic_sampler/tracestate.h"

#include <algorithm>

namespace spanflow::processors::probabilistic_sampler {

namespace {

constexpr std::size_t kMaxTraceState = 1024;
constexpr std::size_t kMaxListMembers = 32;  // the Collector refuses the 32nd, so 31 pass
constexpr std::size_t kMaxKey = 256;
constexpr std::size_t kMaxTenant = 241;
constexpr std::size_t kMaxSystem = 14;
constexpr std::size_t kMaxValue = 256;
constexpr std::size_t kMaxOtValue = 256;
constexpr std::string_view kOtKey = "ot";
constexpr std::string_view kRandomnessKey = "rv";
constexpr std::string_view kThresholdKey = "th";

bool is_lc_alpha(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_key_char(char c) {
  return is_lc_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' || c == '/';
}
bool key_chars(std::string_view s) {
  return std::all_of(s.begin(), s.end(), is_key_char);
}
// W3C value characters: printable ASCII but ',' and '='; the last must not be a space.
bool is_nonblank_value_char(char c) {
  return c >= 0x21 && c <= 0x7e && c != ',' && c != '=';
}
bool is_value_char(char c) {
  return c == ' ' || is_nonblank_value_char(c);
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// simple-key = lcalpha *(lcalpha / DIGIT / "_" / "-" / "*" / "/")
// multi-tenant-key = (lcalpha / DIGIT) *(...) "@" lcalpha *(...), with the W3C size limits.
bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxKey) return false;
  if (const std::size_t at = key.find('@'); at != std::string_view::npos) {
    const std::string_view tenant = key.substr(0, at);
    const std::string_view system = key.substr(at + 1);
    if (tenant.empty() || system.empty() || tenant.size() > kMaxTenant ||
        system.size() > kMaxSystem) {
      return false;
    }
    return (is_lc_alpha(tenant[0]) || is_digit(tenant[0])) && is_lc_alpha(system[0]) &&
           key_chars(tenant.substr(1)) && key_chars(system.substr(1));
  }
  return is_lc_alpha(key[0]) && key_chars(key.substr(1));
}

bool valid_value(std::string_view value) {
  if (value.empty() || value.size() > kMaxValue) return false;
  if (!is_nonblank_value_char(value.back())) return false;
  return std::all_of(value.begin(), value.end() - 1, is_value_char);
}

bool is_ot_key(std::string_view key) {
  return !key.empty() && is_lc_alpha(key[0]) && std::all_of(key.begin() + 1, key.end(), [](char c) {
    return is_lc_alpha(c) || is_digit(c);
  });
}
bool is_ot_value_char(char c) {
  return is_lc_alpha(c) || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '_' ||
         c == '-';
}

// Splits off the text up to the next `separator` (or the end) and returns it.
std::string_view next_member(std::string_view& rest, char separator) {
  const std::size_t at = rest.find(separator);
  const std::string_view member = rest.substr(0, at);
  rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + 1);
  return member;
}

}  // namespace

void TextBuffer::append(std::string_view text) {
  if (overflowed_ || text.size() > kCapacity - size_) {
    overflowed_ = true;
    return;
  }
  std::copy(text.begin(), text.end(), data_.begin() + static_cast<std::ptrdiff_t>(size_));
  size_ += text.size();
}

bool TraceState::parse(std::string_view text) {
  vendor_count_ = 0;
  ot_extra_count_ = 0;
  randomness_.reset();
  threshold_.reset();
  if (text.size() > kMaxTraceState) return false;
  std::size_t members = 0;
  for (std::string_view rest = text; !rest.empty();) {
    if (++members >= kMaxListMembers) return false;
    const std::string_view member = trim_ows(next_member(rest, ','));
    if (member.empty()) continue;  // W3C allows empty list members
    const std::size_t eq = member.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    const std::string_view key = member.substr(0, eq);
    const std::string_view value = member.substr(eq + 1);
    if (!valid_key(key) || !valid_value(value)) return false;
    if (key == kOtKey) {
      if (!parse_ot(value)) return false;  // a repeated `ot` replaces the earlier one
    } else {
      vendors_[vendor_count_++] = {key, value};
    }
  }
  return true;
}

bool TraceState::parse_ot(std::string_view value) {
  ot_extra_count_ = 0;
  randomness_.reset();
  threshold_.reset();
  if (value.size() > kMaxOtValue) return false;
  for (std::string_view rest = value;;) {
    const bool last = rest.find(';') == std::string_view::npos;
    const std::string_view member = next_member(rest, ';');
    const std::size_t colon = member.find(':');
    if (colon == std::string_view::npos) return false;
    const std::string_view key = member.substr(0, colon);
    const std::string_view sub = member.substr(colon + 1);
    if (!is_ot_key(key) || !std::all_of(sub.begin(), sub.end(), is_ot_value_char)) return false;
    if (key == kRandomnessKey) {
      randomness_ = decode_randomness(sub);
      if (!randomness_) return false;
      randomness_text_ = sub;
    } else if (key == kThresholdKey) {
      threshold_ = decode_threshold(sub);
      if (!threshold_) return false;
      threshold_text_ = sub;
    } else {
      ot_extra_[ot_extra_count_++] = {key, sub};
    }
    if (last) return true;
  }
}

std::optional<std::uint64_t> TraceState::randomness() const {
  return randomness_;
}

std::optional<std::uint64_t> TraceState::threshold() const {
  return threshold_;
}

void TraceState::set_randomness(std::uint64_t randomness) {
  encode_randomness(randomness, randomness_digits_);
  randomness_ = randomness;
  randomness_text_ = {randomness_digits_, kHexDigits};
}

bool TraceState::update_threshold(std::uint64_t threshold) {
  if (threshold_ && *threshold_ > threshold) return false;
  if (threshold >= kNeverSample) {  // not encodable: a never-sampled item carries no `th`
    clear_threshold();
    return true;
  }
  threshold_digits_ = encode_threshold(threshold);
  threshold_ = threshold;
  threshold_text_ = threshold_digits_.view();
  return true;
}

void TraceState::clear_threshold() {
  threshold_.reset();
}

void TraceState::serialize(TextBuffer& out) const {
  bool first = true;
  if (randomness_ || threshold_ || ot_extra_count_ > 0) {
    out.append("ot=");
    bool first_ot = true;
    const auto member = [&](std::string_view key, std::string_view value) {
      if (!first_ot) out.append(";");
      first_ot = false;
      out.append(key);
      out.append(":");
      out.append(value);
    };
    if (randomness_) member(kRandomnessKey, randomness_text_);
    if (threshold_) member(kThresholdKey, threshold_text_);
    for (std::size_t i = 0; i < ot_extra_count_; ++i) member(ot_extra_[i].key, ot_extra_[i].value);
    first = false;
  }
  for (std::size_t i = 0; i < vendor_count_; ++i) {
    if (!first) out.append(",");
    first = false;
    out.append(vendors_[i].key);
    out.append("=");
    out.append(vendors_[i].value);
  }
}

}  // namespace spanflow::processors::probabilistic_sampler
