// OTLP -> Jaeger model (jaeger.api_v2): the Collector's pkg/translator/jaeger mapping, plus the
// OpenTelemetry specification's dropped-count tags. docs/configuration.md (### jaeger) has the
// table; in short:
//
// - One Batch per ResourceSpans; none for a ResourceSpans with neither resource attributes nor
//   scopes. Batch.process: service_name from the first `service.name` attribute (its string
//   value, else ""), "OTLPResourceNoServiceName" for a resource without attributes; every other
//   resource attribute is a process tag. Spans carry no process of their own.
// - Span ids copied (16 / 8 bytes; an id of any other length is sent as zeros, since the Jaeger
//   collector rejects a whole request over one badly sized id). flags = 1 when the W3C sampled
//   bit is set. start_time and duration (end - start) to the nanosecond.
// - References: the parent (non-zero parent_span_id) first, CHILD_OF in the span's trace; then
//   the links, FOLLOWS_FROM unless the link's `opentracing.ref_type` is "child_of"; a link to the
//   parent itself only sets the parent reference's type.
// - Tags in order: otel.scope.name, otel.scope.version (when non-empty), the attributes,
//   span.kind (internal/server/client/producer/consumer; none when unspecified),
//   otel.status_code (OK/ERROR; none when unset), error=true (ERROR), otel.status_description
//   (non-empty message), w3c.tracestate (non-empty), otel.dropped_attributes_count,
//   otel.dropped_events_count, otel.dropped_links_count (INT64, when non-zero).
// - Attribute values: string, bool, int, double and bytes map to their Jaeger types; arrays and
//   maps to STRING holding Go-compatible JSON (go_json.h); an unset value to STRING "".
// - Events -> logs: timestamp, then the field event=<name> (when the name is non-empty and no
//   attribute is named "event"), the attributes, and otel.dropped_attributes_count when non-zero.
//
// Everything is allocated on the destination's arena when it has one. Thread-safe.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include "core/otlp.h"
#include "jaeger/api_v2/model.pb.h"

namespace spanflow::exporters::jaeger {

namespace model = ::jaeger::api_v2;

// Appends one Batch per ResourceSpans that yields one (see above) to `out`.
void translate(const otlp::ExportRequest& request,
               google::protobuf::RepeatedPtrField<model::Batch>& out);

// Fills `out`, which should be empty, from one ResourceSpans. Returns false, leaving `out`
// unchanged, when the ResourceSpans yields no Batch.
bool translate(const otlp::ResourceSpans& resource_spans, model::Batch& out);

}  // namespace spanflow::exporters::jaeger
