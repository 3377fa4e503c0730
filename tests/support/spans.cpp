#include "support/spans.h"

namespace spanflow::testing {

namespace {
std::string id_bytes(std::uint64_t n, int size) {
  std::string out(static_cast<std::size_t>(size), '\0');
  for (int i = 0; i < 8 && i < size; ++i) {
    out[static_cast<std::size_t>(size - 1 - i)] = static_cast<char>((n >> (8 * i)) & 0xff);
  }
  out[0] = static_cast<char>(0x5a);  // never all zero
  return out;
}
}  // namespace

std::string trace_id(std::uint64_t n) {
  return id_bytes(n, 16);
}
std::string span_id(std::uint64_t n) {
  return id_bytes(n, 8);
}

std::string hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

otlp::KeyValue* add_attribute(google::protobuf::RepeatedPtrField<otlp::KeyValue>* attrs,
                              const std::string& key, const std::string& value) {
  auto* kv = attrs->Add();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
  return kv;
}

otlp::ExportRequest make_request(int spans, std::uint64_t first_id, const std::string& service,
                                 const std::string& prefix) {
  otlp::ExportRequest request;
  auto* rs = request.add_resource_spans();
  add_attribute(rs->mutable_resource()->mutable_attributes(), "service.name", service);
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("spanflow.test");
  ss->mutable_scope()->set_version("1.0.0");
  for (int i = 0; i < spans; ++i) {
    const std::uint64_t id = first_id + static_cast<std::uint64_t>(i);
    auto* span = ss->add_spans();
    span->set_trace_id(trace_id(id));
    span->set_span_id(span_id(id));
    span->set_name(prefix + "-" + std::to_string(id));
    span->set_kind(otlp::Span::SPAN_KIND_SERVER);
    span->set_start_time_unix_nano(1'700'000'000'000'000'000ULL + id);
    span->set_end_time_unix_nano(1'700'000'000'000'000'000ULL + id + 1'000'000);
    add_attribute(span->mutable_attributes(), "http.route", "/api/items");
    auto* code = span->add_attributes();
    code->set_key("http.status_code");
    code->mutable_value()->set_int_value(200);
  }
  return request;
}

otlp::ExportRequest rich_request() {
  otlp::ExportRequest request = make_request(2, 100);
  auto* rs = request.mutable_resource_spans(0);
  rs->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
  auto* span = rs->mutable_scope_spans(0)->mutable_spans(0);
  span->set_parent_span_id(span_id(99));
  span->set_trace_state("ot=th:8,vendor=x");
  span->set_flags(0x301);
  span->set_dropped_attributes_count(3);
  span->mutable_status()->set_code(otlp::Status::STATUS_CODE_ERROR);
  span->mutable_status()->set_message("boom");
  auto* attrs = span->mutable_attributes();
  add_attribute(attrs, "empty", "");
  add_attribute(attrs, "unicode", "한국어 ✓ \xF0\x9F\x9A\x80 \"quoted\" \\ \n\t");
  add_attribute(attrs, "big", std::string(64 * 1024, 'x'));
  auto* b = attrs->Add();
  b->set_key("bool");
  b->mutable_value()->set_bool_value(true);
  auto* d = attrs->Add();
  d->set_key("double");
  d->mutable_value()->set_double_value(-1.25e-300);
  auto* i = attrs->Add();
  i->set_key("int");
  i->mutable_value()->set_int_value(-9223372036854775807LL);
  auto* bytes = attrs->Add();
  bytes->set_key("bytes");
  bytes->mutable_value()->set_bytes_value(std::string("\x00\xff\x10", 3));
  auto* arr = attrs->Add();
  arr->set_key("array");
  arr->mutable_value()->mutable_array_value()->add_values()->set_string_value("a");
  arr->mutable_value()->mutable_array_value()->add_values()->set_int_value(7);
  auto* kv = attrs->Add();
  kv->set_key("kvlist");
  auto* inner = kv->mutable_value()->mutable_kvlist_value()->add_values();
  inner->set_key("nested");
  inner->mutable_value()->mutable_array_value()->add_values()->set_bool_value(false);
  auto* ev = span->add_events();
  ev->set_name("exception");
  ev->set_time_unix_nano(1'700'000'000'000'000'500ULL);
  add_attribute(ev->mutable_attributes(), "exception.message", "oops");
  auto* link = span->add_links();
  link->set_trace_id(trace_id(7));
  link->set_span_id(span_id(7));
  link->set_flags(1);
  link->set_trace_state("k=v");
  return request;
}

}  // namespace spanflow::testing
