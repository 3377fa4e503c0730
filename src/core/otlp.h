// Short names for the OTLP protobuf types every stage works with.
#pragma once

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace spanflow::otlp {
using ExportRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using ExportResponse = opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;
using ResourceSpans = opentelemetry::proto::trace::v1::ResourceSpans;
using ScopeSpans = opentelemetry::proto::trace::v1::ScopeSpans;
using Span = opentelemetry::proto::trace::v1::Span;
using Status = opentelemetry::proto::trace::v1::Status;
using Resource = opentelemetry::proto::resource::v1::Resource;
using Scope = opentelemetry::proto::common::v1::InstrumentationScope;
using KeyValue = opentelemetry::proto::common::v1::KeyValue;
using AnyValue = opentelemetry::proto::common::v1::AnyValue;
using ArrayValue = opentelemetry::proto::common::v1::ArrayValue;
using KeyValueList = opentelemetry::proto::common::v1::KeyValueList;
}  // namespace spanflow::otlp
