// Looking up one key of a W3C tracestate header the way OpenTelemetry Go's
// trace.ParseTraceState reads it, which is what the Collector's components (OTTL's
// trace_state["k"], tail_sampling's trace_state policy) see: at most 32 list members, keys
// [a-z0-9][a-z0-9_-*/@]{0,255}, values of 1-256 printable ASCII characters other than ',' and
// '=' without a trailing space, no key twice. Any violation makes the whole header invalid.
#pragma once

#include <optional>
#include <string_view>

namespace spanflow {

struct TraceStateEntry {
  bool valid = true;                      // the header parses
  std::optional<std::string_view> value;  // the key's value (a view into the header)
};

TraceStateEntry find_tracestate_entry(std::string_view header, std::string_view key);

}  // namespace spanflow
