#include "ottl_fixture.h"

#include "support/spans.h"

namespace spanflow::testing {

namespace {

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

otlp::AnyValue* add(google::protobuf::RepeatedPtrField<otlp::KeyValue>* attrs,
                    const std::string& key) {
  auto* kv = attrs->Add();
  kv->set_key(key);
  return kv->mutable_value();
}

}  // namespace

OttlFixture::OttlFixture() {
  auto* rs = request.add_resource_spans();
  auto* resource_attrs = rs->mutable_resource()->mutable_attributes();
  add_attribute(resource_attrs, "service.name", "checkout");
  add_attribute(resource_attrs, "k8s.pod.name", "probe-7f9c");
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("io.opentelemetry.http");
  ss->mutable_scope()->set_version("1.2.3");
  add_attribute(ss->mutable_scope()->mutable_attributes(), "scope.tier", "edge");

  auto* span = ss->add_spans();
  span->set_trace_id(unhex("5b8efff798038103d269b633813fc60c"));
  span->set_span_id(unhex("eee19b7ec3c1b174"));
  span->set_trace_state("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  span->set_name("GET /api/items");
  span->set_kind(otlp::Span::SPAN_KIND_SERVER);
  span->set_start_time_unix_nano(1'700'000'000'000'000'000ULL);
  span->set_end_time_unix_nano(1'700'000'001'500'000'000ULL);
  span->mutable_status()->set_code(otlp::Status::STATUS_CODE_ERROR);
  span->mutable_status()->set_message("upstream timeout");
  span->set_dropped_attributes_count(3);
  span->set_dropped_events_count(1);
  span->set_dropped_links_count(2);

  auto* attrs = span->mutable_attributes();
  add_attribute(attrs, "http.route", "/health");
  add(attrs, "http.status_code")->set_int_value(503);
  add(attrs, "ratio")->set_double_value(0.25);
  add(attrs, "whole")->set_double_value(503.0);
  add(attrs, "sampled")->set_bool_value(true);
  add(attrs, "payload")->set_bytes_value(std::string("\x01\xab\xff", 3));
  auto* tags = add(attrs, "tags")->mutable_array_value();
  tags->add_values()->set_string_value("a");
  tags->add_values()->set_string_value("b");
  tags->add_values()->set_int_value(3);
  auto* nested = add(attrs, "nested")->mutable_kvlist_value();
  auto* inner = add(nested->mutable_values(), "inner")->mutable_kvlist_value();
  add_attribute(inner->mutable_values(), "deep", "x");
  add(nested->mutable_values(), "n")->set_int_value(1);
  add_attribute(attrs, "empty", "");
  add_attribute(attrs, "quote", "say \"hi\"\\path");
  add(attrs, "unset");
  add_attribute(attrs, "text_num", "42");
  add_attribute(attrs, "grpc.method", "Health/Check");

  auto* event = span->add_events();
  event->set_name("exception");
  event->set_time_unix_nano(1'700'000'000'700'000'000ULL);
  event->set_dropped_attributes_count(1);
  add_attribute(event->mutable_attributes(), "exception.type", "TimeoutError");
  add(event->mutable_attributes(), "retry")->set_int_value(2);
}

const otlp::Resource& OttlFixture::resource() const {
  return request.resource_spans(0).resource();
}
const otlp::Scope& OttlFixture::scope() const {
  return request.resource_spans(0).scope_spans(0).scope();
}
const otlp::Span& OttlFixture::span() const {
  return request.resource_spans(0).scope_spans(0).spans(0);
}
otlp::Span& OttlFixture::mutable_span() {
  return *request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0);
}

ottl::EvalContext OttlFixture::context() const {
  return {&resource(), &scope(), &span(), nullptr};
}
ottl::EvalContext OttlFixture::event_context() const {
  return {&resource(), &scope(), &span(), &span().events(0)};
}

std::string evaluate(const std::string& text, const ottl::EvalContext& ctx,
                     ottl::ContextKind kind) {
  ottl::CompileError compile_error;
  const std::optional<ottl::Condition> condition =
      ottl::Condition::compile(text, kind, compile_error);
  if (!condition) return "compile error: " + compile_error.message;
  std::string error;
  switch (condition->evaluate(ctx, error)) {
    case ottl::Condition::Result::kTrue:
      return "true";
    case ottl::Condition::Result::kFalse:
      return "false";
    case ottl::Condition::Result::kError:
      return "error: " + error;
  }
  return "?";
}

}  // namespace spanflow::testing
