// The CloudEvents 1.0 attributes (Pub/Sub binary content mode) the Collector's
// googlecloudpubsub exporter puts on every message, byte for byte.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/otlp.h"
#include "exporters/googlecloudpubsub/config.h"

namespace spanflow::exporters::googlecloudpubsub {

inline constexpr char kTracesCeType[] = "org.opentelemetry.otlp.traces.v1";

// "/opentelemetry/collector/googlecloudpubsub/<version>" (the Collector puts its own version).
std::string ce_source(const std::string& version);

// A random (version 4, RFC 4122 variant) UUID in lowercase 8-4-4-4-12 form, from OpenSSL's
// CSPRNG; nullopt only when the CSPRNG fails.
std::optional<std::string> random_uuid();

// Go's time.Time.UTC().MarshalText(): RFC 3339 in UTC with up to 9 fraction digits, trailing
// zeros trimmed (no fraction at all for whole seconds), "Z" suffix. `unix_nanos` >= 0.
std::string format_rfc3339_nano(std::int64_t unix_nanos);

// The ce-time of a message holding `request`, in Unix nanoseconds. kCurrent: `now`.
// kEarliest, as the Collector: starts at `now`; walks the spans (resource, scope, span order)
// taking any earlier start time; a start time before now - allowed_drift yields
// now - allowed_drift and ends the walk. allowed_drift 0 means unlimited. Never before 1970.
std::int64_t watermark(const otlp::ExportRequest& request, const WatermarkConfig& config,
                       std::int64_t now_unix_nanos);

// The attributes of one message, as the Collector builds them: ce-type and content-type, with
// the user's traces.attributes over them; then, unless ce-type ended up empty, ce-specversion,
// ce-id, ce-source, ce-time and (with gzip) content-encoding over those.
std::map<std::string, std::string> message_attributes(const Config& config,
                                                      const std::string& source,
                                                      const std::string& id,
                                                      std::int64_t ce_time_unix_nanos);

}  // namespace spanflow::exporters::googlecloudpubsub
