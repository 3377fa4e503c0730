// Builders for OTLP test data.
#pragma once

#include <cstdint>
#include <string>

#include "core/otlp.h"

namespace spanflow::testing {

// 16-byte trace id / 8-byte span id derived from n (never all zero).
std::string trace_id(std::uint64_t n);
std::string span_id(std::uint64_t n);
std::string hex(const std::string& bytes);

// A request with one resource (service.name = service) and one scope holding `spans` spans
// named "<prefix>-<i>", ids from `first_id` on, each with a few attributes.
otlp::ExportRequest make_request(int spans, std::uint64_t first_id = 1,
                                 const std::string& service = "checkout",
                                 const std::string& prefix = "span");

// A request with every kind of attribute value and every span field set (two spans).
otlp::ExportRequest rich_request();

otlp::KeyValue* add_attribute(google::protobuf::RepeatedPtrField<otlp::KeyValue>* attrs,
                              const std::string& key, const std::string& value);

}  // namespace spanflow::testing
