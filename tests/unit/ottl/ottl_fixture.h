// The fixed span and event the OTTL tests evaluate against, and a one-call evaluator.
#pragma once

#include <string>

#include "core/otlp.h"
#include "ottl/condition.h"

namespace spanflow::testing {

// One resource, scope and span with one event; every field the OTTL paths read is set:
//   resource: service.name="checkout", k8s.pod.name="probe-7f9c"
//   scope: io.opentelemetry.http 1.2.3, scope.tier="edge"
//   span "GET /api/items", SERVER, ERROR "upstream timeout", root (no parent),
//     trace 5b8efff798038103d269b633813fc60c, span eee19b7ec3c1b174,
//     trace_state "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", 1.5 s long from
//     1700000000000000000, dropped attributes/events/links 3/1/2;
//     attributes: http.route="/health", http.status_code=503, ratio=0.25, whole=503.0,
//     sampled=true, payload=bytes 01 ab ff, tags=["a","b",3], nested={inner:{deep:"x"},n:1},
//     empty="", quote=`say "hi"\path`, unset=(no value), text_num="42",
//     grpc.method="Health/Check"
//   event "exception" 0.7 s after the start: exception.type="TimeoutError", retry=2;
//     1 dropped attribute
struct OttlFixture {
  OttlFixture();

  otlp::ExportRequest request;
  const otlp::Resource& resource() const;
  const otlp::Scope& scope() const;
  const otlp::Span& span() const;
  otlp::Span& mutable_span();

  ottl::EvalContext context() const;
  ottl::EvalContext event_context() const;
};

// "true", "false", "error: <message>" or "compile error: <message>".
std::string evaluate(const std::string& text, const ottl::EvalContext& ctx,
                     ottl::ContextKind kind = ottl::ContextKind::kSpan);

}  // namespace spanflow::testing
