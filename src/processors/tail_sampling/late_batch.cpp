#include "processors/tail_sampling/late_batch.h"

namespace spanflow::processors::tail_sampling {

void set_attribute(otlp::Span& span, std::string_view key, std::string_view value) {
  for (otlp::KeyValue& kv : *span.mutable_attributes()) {
    if (kv.key() == key) {
      kv.mutable_value()->set_string_value(std::string(value));
      return;
    }
  }
  otlp::KeyValue* kv = span.add_attributes();
  kv->set_key(std::string(key));
  kv->mutable_value()->set_string_value(std::string(value));
}

void set_attribute_on_spans(otlp::ExportRequest& request, std::string_view key,
                            std::string_view value) {
  for (otlp::ResourceSpans& rs : *request.mutable_resource_spans()) {
    for (otlp::ScopeSpans& ss : *rs.mutable_scope_spans()) {
      for (otlp::Span& span : *ss.mutable_spans()) set_attribute(span, key, value);
    }
  }
}

void LateBatch::add(const otlp::Span& span, const SpanSource& source, const std::string* policy) {
  if (!batch_) batch_.emplace(ArenaSizing{4 * 1024, 64 * 1024});
  auto [scope_it, fresh_scope] =
      scopes_.try_emplace({source.resource_key, source.scope_key}, nullptr);
  if (fresh_scope) {
    auto [rs_it, fresh_resource] = resources_.try_emplace(source.resource_key, nullptr);
    if (fresh_resource) {
      otlp::ResourceSpans* rs = batch_->mutable_request().add_resource_spans();
      rs->MergeFromString(source.resource);
      rs_it->second = rs;
    }
    otlp::ScopeSpans* ss = rs_it->second->add_scope_spans();
    ss->MergeFromString(source.scope);
    scope_it->second = ss;
  }
  otlp::Span* copy = scope_it->second->add_spans();
  copy->CopyFrom(span);
  if (policy != nullptr) {
    set_attribute(*copy, "tailsampling.policy", *policy);
    otlp::KeyValue* cached = copy->add_attributes();
    cached->set_key("tailsampling.cached_decision");
    cached->mutable_value()->set_bool_value(true);
  }
  ++spans_;
}

}  // namespace spanflow::processors::tail_sampling
