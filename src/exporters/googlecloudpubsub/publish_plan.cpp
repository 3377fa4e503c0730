#include "exporters/googlecloudpubsub/publish_plan.h"

#include <algorithm>
#include <map>

#include "codec/gzip.h"
#include "core/trace_batch.h"
#include "core/value_text.h"
#include "exporters/googlecloudpubsub/cloudevents.h"

namespace spanflow::exporters::googlecloudpubsub {

namespace {

namespace pubsub = google::pubsub::v1;

// Bytes of a length-delimited field holding `size` bytes: tag, length varint, payload.
std::size_t field_bytes(std::size_t size) {
  std::size_t varint = 1;
  for (std::size_t v = size; v >= 0x80; v >>= 7) ++varint;
  return 1 + varint + size;
}

// Fields of a newer OTLP version survive the split.
void copy_unknown_fields(const google::protobuf::Message& from, google::protobuf::Message& to) {
  to.GetReflection()->MutableUnknownFields(&to)->MergeFrom(
      from.GetReflection()->GetUnknownFields(from));
}

// A resource spans (or scope spans) without its children.
otlp::ResourceSpans resource_shell(const otlp::ResourceSpans& rs) {
  otlp::ResourceSpans out;
  if (rs.has_resource()) *out.mutable_resource() = rs.resource();
  out.set_schema_url(rs.schema_url());
  copy_unknown_fields(rs, out);
  return out;
}

otlp::ScopeSpans scope_shell(const otlp::ScopeSpans& ss) {
  otlp::ScopeSpans out;
  if (ss.has_scope()) *out.mutable_scope() = ss.scope();
  out.set_schema_url(ss.schema_url());
  copy_unknown_fields(ss, out);
  return out;
}

// Encodes the requests of one ordering group into messages of at most `data_limit` data bytes.
class GroupEncoder {
 public:
  GroupEncoder(const Config& config, const MessageContext& context, std::string key,
               std::size_t data_limit)
      : config_(config), context_(context), key_(std::move(key)), data_limit_(data_limit) {}

  // False when a ce-id could not be made.
  bool encode(const otlp::ExportRequest& request) {
    if (!config_.gzip && request.ByteSizeLong() > data_limit_) return split(request);
    std::string data;
    request.SerializeToString(&data);
    if (data.empty()) return true;  // nothing to publish, as in the Collector
    if (config_.gzip) data = codec::gzip(data);
    if (data.size() > data_limit_) return split(request);
    const auto id = random_uuid();
    if (!id) return false;
    pubsub::PubsubMessage& message = messages_.emplace_back();
    message.set_data(std::move(data));
    const std::int64_t ce_time = watermark(request, config_.watermark, context_.now_unix_nanos);
    for (auto& [k, v] : message_attributes(config_, context_.ce_source, *id, ce_time)) {
      (*message.mutable_attributes())[k] = v;
    }
    message.set_ordering_key(key_);
    return true;
  }

  std::vector<pubsub::PubsubMessage>& messages() { return messages_; }
  long rejected_spans() const { return rejected_spans_; }

 private:
  bool split(const otlp::ExportRequest& request) {
    const std::size_t spans = count_spans(request);
    if (spans < 2) {
      rejected_spans_ += static_cast<long>(spans);
      return true;
    }
    otlp::ExportRequest first;
    otlp::ExportRequest second;
    split_in_two(request, first, second);
    return encode(first) && encode(second);
  }

  const Config& config_;
  const MessageContext& context_;
  std::string key_;
  std::size_t data_limit_;
  std::vector<pubsub::PubsubMessage> messages_;
  long rejected_spans_ = 0;
};

// Data bytes a message of `key` may hold so that a request with only that message stays within
// the limit: the limit minus the topic, the framing of the message and of its data (length
// varints no longer than the limit's), and the largest attributes (a 36-character ce-id, a
// 30-character ce-time).
std::size_t data_limit(const Config& config, const MessageContext& context, const std::string& key,
                       const PublishLimits& limits) {
  pubsub::PubsubMessage sample;
  for (auto& [k, v] : message_attributes(config, context.ce_source, std::string(36, '0'), 1)) {
    (*sample.mutable_attributes())[k] = v;
  }
  sample.set_ordering_key(key);
  const std::size_t framing = field_bytes(limits.max_request_bytes) - limits.max_request_bytes;
  const std::size_t fixed = field_bytes(config.topic.size()) + 2 * framing + sample.ByteSizeLong();
  return limits.max_request_bytes > fixed ? limits.max_request_bytes - fixed : 1;
}

// Packs one group's messages, in order, into requests within the limits.
void pack(const Config& config, std::vector<pubsub::PubsubMessage>& messages,
          const PublishLimits& limits, std::vector<pubsub::PublishRequest>& out) {
  const std::size_t base = field_bytes(config.topic.size());
  pubsub::PublishRequest* current = nullptr;
  std::size_t bytes = 0;
  for (pubsub::PubsubMessage& message : messages) {
    const std::size_t size = field_bytes(message.ByteSizeLong());
    if (current == nullptr || bytes + size > limits.max_request_bytes ||
        static_cast<std::size_t>(current->messages_size()) >= limits.max_messages) {
      current = &out.emplace_back();
      current->set_topic(config.topic);
      bytes = base;
    }
    *current->add_messages() = std::move(message);
    bytes += size;
  }
}

}  // namespace

std::vector<OrderingGroup> group_by_ordering_key(const otlp::ExportRequest& request,
                                                 const OrderingConfig& config) {
  std::vector<OrderingGroup> groups;
  std::map<std::string, std::size_t> index;
  for (const auto& rs : request.resource_spans()) {
    const auto& attributes = rs.resource().attributes();
    const auto found = std::find_if(
        attributes.begin(), attributes.end(),
        [&](const otlp::KeyValue& kv) { return kv.key() == config.from_resource_attribute; });
    const bool has = found != attributes.end();
    const std::string key = has ? as_string(found->value()) : "";
    auto [it, added] = index.try_emplace(key, groups.size());
    if (added) groups.push_back({key, {}});
    otlp::ResourceSpans* copy = groups[it->second].request.add_resource_spans();
    *copy = rs;
    if (has && config.remove_resource_attribute) {
      auto* attrs = copy->mutable_resource()->mutable_attributes();
      attrs->erase(attrs->begin() + (found - attributes.begin()));
    }
  }
  return groups;
}

void split_in_two(const otlp::ExportRequest& in, otlp::ExportRequest& first,
                  otlp::ExportRequest& second) {
  const std::size_t half = std::max<std::size_t>(1, count_spans(in) / 2);
  std::size_t taken = 0;
  for (const auto& rs : in.resource_spans()) {
    otlp::ResourceSpans* rs_first = nullptr;
    otlp::ResourceSpans* rs_second = nullptr;
    for (const auto& ss : rs.scope_spans()) {
      otlp::ScopeSpans* ss_first = nullptr;
      otlp::ScopeSpans* ss_second = nullptr;
      const auto into_first = [&]() -> otlp::ScopeSpans* {
        if (rs_first == nullptr) *(rs_first = first.add_resource_spans()) = resource_shell(rs);
        if (ss_first == nullptr) *(ss_first = rs_first->add_scope_spans()) = scope_shell(ss);
        return ss_first;
      };
      const auto into_second = [&]() -> otlp::ScopeSpans* {
        if (rs_second == nullptr) *(rs_second = second.add_resource_spans()) = resource_shell(rs);
        if (ss_second == nullptr) *(ss_second = rs_second->add_scope_spans()) = scope_shell(ss);
        return ss_second;
      };
      if (ss.spans().empty()) {
        if (taken < half) {
          into_first();
        } else {
          into_second();
        }
      }
      for (const auto& span : ss.spans()) {
        *(taken < half ? into_first() : into_second())->add_spans() = span;
        ++taken;
      }
    }
    if (rs.scope_spans().empty()) *(taken < half ? first : second).add_resource_spans() = rs;
  }
}

PublishPlan plan_publish(const otlp::ExportRequest& request, const Config& config,
                         const MessageContext& context, const PublishLimits& limits) {
  PublishPlan plan;
  const auto add_group = [&](const otlp::ExportRequest& group, const std::string& key) {
    GroupEncoder encoder(config, context, key, data_limit(config, context, key, limits));
    if (!encoder.encode(group)) return false;
    plan.rejected_spans += encoder.rejected_spans();
    pack(config, encoder.messages(), limits, plan.requests);
    return true;
  };
  bool ok = true;
  if (!config.ordering.enabled) {
    ok = add_group(request, "");
  } else {
    for (const OrderingGroup& group : group_by_ordering_key(request, config.ordering)) {
      ok = ok && add_group(group.request, group.key);
    }
  }
  if (!ok) {
    plan.requests.clear();
    plan.rejected_spans = 0;
    plan.error = "no random bytes for the message's ce-id (OpenSSL RAND_bytes failed)";
  }
  return plan;
}

}  // namespace spanflow::exporters::googlecloudpubsub
