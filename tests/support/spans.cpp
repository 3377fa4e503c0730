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

}  // namespace spanflow::testing
