#include "core/tracestate_lookup.h"

#include <algorithm>

namespace spanflow {

namespace {

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 256) return false;
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' ||
           c == '/' || c == '@';
  };
  if (!((key[0] >= 'a' && key[0] <= 'z') || (key[0] >= '0' && key[0] <= '9'))) return false;
  return std::all_of(key.begin(), key.end(), allowed);
}

bool valid_value(std::string_view value) {
  if (value.empty() || value.size() > 256 || value.back() == ' ') return false;
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7E && c != ',' && c != '='; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

TraceStateEntry find_tracestate_entry(std::string_view header, std::string_view key) {
  constexpr TraceStateEntry kInvalid{false, std::nullopt};
  TraceStateEntry entry;
  int members = 0;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    const std::string_view member = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (member.empty()) continue;
    const std::size_t eq = member.find('=');
    if (eq == std::string_view::npos || ++members > 32) return kInvalid;
    const std::string_view k = member.substr(0, eq);
    const std::string_view v = member.substr(eq + 1);
    if (!valid_key(k) || !valid_value(v)) return kInvalid;
    if (k == key) {
      if (entry.value) return kInvalid;  // a duplicate key makes the tracestate invalid
      entry.value = v;
    }
  }
  return entry;
}

}  // namespace spanflow
