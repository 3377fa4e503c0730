// How one batch becomes Pub/Sub PublishRequests: grouped by ordering key, encoded (OTLP
// protobuf, gzip when configured) into messages that each fit Pub/Sub's request limit, split by
// resource spans and spans when they would not, and packed into as few requests as the limits
// allow. Pure: no I/O, safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/otlp.h"
#include "exporters/googlecloudpubsub/config.h"
#include "google/pubsub/v1/pubsub.pb.h"

namespace spanflow::exporters::googlecloudpubsub {

// Pub/Sub's documented quotas for one PublishRequest (the emulator does not enforce them).
struct PublishLimits {
  std::size_t max_request_bytes = 10'000'000;  // 10 MB, the serialized request
  std::size_t max_messages = 1000;
};

struct MessageContext {
  std::string ce_source;
  std::int64_t now_unix_nanos = 0;  // the export's processing time (ce-time, watermark)
};

struct PublishPlan {
  // In publish order. All messages of one request share one ordering key (a Pub/Sub rule).
  std::vector<google::pubsub::v1::PublishRequest> requests;
  // Spans that do not fit in a message even alone (a span over ~10 MB encoded); not planned.
  long rejected_spans = 0;
  // Non-empty when no plan could be made (the CSPRNG for ce-id failed); `requests` is empty.
  std::string error;
};

// Every span of `request` ends up in exactly one message unless counted in rejected_spans.
// One message per ordering group when it fits: the Collector's one message per export.
PublishPlan plan_publish(const otlp::ExportRequest& request, const Config& config,
                         const MessageContext& context, const PublishLimits& limits = {});

// Resource spans grouped by the ordering attribute's value (pcommon AsString), in order of first
// appearance; resources without it, or with an empty value, form the group with key "". With
// remove_resource_attribute the attribute is removed from the copies that had it.
struct OrderingGroup {
  std::string key;
  otlp::ExportRequest request;
};
std::vector<OrderingGroup> group_by_ordering_key(const otlp::ExportRequest& request,
                                                 const OrderingConfig& config);

// Splits `in` into two requests holding the first half of its spans and the rest (resource and
// scope carried into each half that has spans of theirs; resources and scopes without spans go
// to the half their position falls in). Needs at least 2 spans to make both halves non-empty.
void split_in_two(const otlp::ExportRequest& in, otlp::ExportRequest& first,
                  otlp::ExportRequest& second);

}  // namespace spanflow::exporters::googlecloudpubsub
