// Paths of the span and span-event contexts, resolved at compile time to a field selector.
#include <algorithm>
#include <span>

#include "config/config_error.h"
#include "core/tracestate_lookup.h"
#include "ottl/node.h"

namespace spanflow::ottl::detail {

namespace {

enum class Field {
  kName,
  kKind,
  kStatusCode,
  kStatusMessage,
  kAttributes,
  kResourceAttributes,
  kScopeName,
  kScopeVersion,
  kScopeAttributes,
  kTraceId,
  kSpanId,
  kParentSpanId,
  kTraceState,
  kStartTime,
  kEndTime,
  kDuration,
  kDroppedAttributes,
  kDroppedEvents,
  kDroppedLinks,
  kEventName,
  kEventAttributes,
  kEventTime,
  kEventDroppedAttributes,
};

enum class Indexing {
  kNone,        // a scalar field
  kMap,         // optional keys; the first is a string key
  kTraceState,  // optional single string key: a W3C tracestate member
};

struct PathSpec {
  std::string_view name;
  Field field;
  TypeSet types;  // without keys
  Indexing indexing = Indexing::kNone;
};

constexpr TypeSet kString = bit(Type::kString);
constexpr TypeSet kInt = bit(Type::kInt);
constexpr TypeSet kMap = bit(Type::kMap);

// Shared by both contexts: the resource and scope of the span.
constexpr PathSpec kCommonPaths[] = {
    {"resource.attributes", Field::kResourceAttributes, kMap, Indexing::kMap},
    {"instrumentation_scope.name", Field::kScopeName, kString},
    {"instrumentation_scope.version", Field::kScopeVersion, kString},
    {"instrumentation_scope.attributes", Field::kScopeAttributes, kMap, Indexing::kMap},
};

// The span's own fields: bare in the span context, after `span.` in the span-event context.
constexpr PathSpec kSpanPaths[] = {
    {"name", Field::kName, kString},
    {"kind", Field::kKind, kInt},
    {"status.code", Field::kStatusCode, kInt},
    {"status.message", Field::kStatusMessage, kString},
    {"attributes", Field::kAttributes, kMap, Indexing::kMap},
    {"trace_id.string", Field::kTraceId, kString},
    {"span_id.string", Field::kSpanId, kString},
    {"parent_span_id.string", Field::kParentSpanId, kString},
    {"trace_state", Field::kTraceState, kString, Indexing::kTraceState},
    {"start_time_unix_nano", Field::kStartTime, kInt},
    {"end_time_unix_nano", Field::kEndTime, kInt},
    {"duration", Field::kDuration, kInt},
    {"dropped_attributes_count", Field::kDroppedAttributes, kInt},
    {"dropped_events_count", Field::kDroppedEvents, kInt},
    {"dropped_links_count", Field::kDroppedLinks, kInt},
};

constexpr PathSpec kEventPaths[] = {
    {"name", Field::kEventName, kString},
    {"attributes", Field::kEventAttributes, kMap, Indexing::kMap},
    {"time_unix_nano", Field::kEventTime, kInt},
    {"dropped_attributes_count", Field::kEventDroppedAttributes, kInt},
};

constexpr std::string_view kSpanPrefix = "span.";

const PathSpec* find_in(std::span<const PathSpec> table, std::string_view name) {
  for (const PathSpec& spec : table) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

const PathSpec* find_path(std::string_view name, ContextKind kind) {
  if (const PathSpec* common = find_in(kCommonPaths, name)) return common;
  if (kind == ContextKind::kSpan) return find_in(kSpanPaths, name);
  if (name.starts_with(kSpanPrefix)) return find_in(kSpanPaths, name.substr(kSpanPrefix.size()));
  return find_in(kEventPaths, name);
}

std::vector<std::string> known_paths(ContextKind kind) {
  std::vector<std::string> out;
  for (const PathSpec& spec : kCommonPaths) out.emplace_back(spec.name);
  for (const PathSpec& spec : kind == ContextKind::kSpan ? std::span<const PathSpec>(kSpanPaths)
                                                         : std::span<const PathSpec>(kEventPaths)) {
    out.emplace_back(spec.name);
  }
  if (kind == ContextKind::kSpanEvent) {
    for (const PathSpec& spec : kSpanPaths)
      out.push_back(std::string(kSpanPrefix) + std::string(spec.name));
  }
  return out;
}

[[noreturn]] void unknown_path(const std::string& name, ContextKind kind, int column) {
  std::string detail = "'" + name + "'";
  if (kind == ContextKind::kSpanEvent && find_in(kSpanPaths, name) != nullptr) {
    detail += " is not a span event field (for the event's span write 'span." + name + "')";
  } else if (kind == ContextKind::kSpan && find_in(kEventPaths, name) != nullptr) {
    detail += " is a span event field; use it in 'traces.spanevent' conditions";
  } else if (find_path(name + ".string", kind) != nullptr) {
    detail += " (write '" + name + ".string': ids are compared as lowercase hex strings)";
  } else if (const std::string hint = config::did_you_mean(name, known_paths(kind));
             !hint.empty()) {
    detail += " (did you mean '" + hint + "'?)";
  }
  fail(column, "unknown path", detail);
}

std::string hex_id(const std::string& id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  if (std::all_of(id.begin(), id.end(), [](char c) { return c == 0; })) return {};
  std::string out;
  out.reserve(id.size() * 2);
  for (const char c : id) {
    out.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

// The value of `key` in a W3C tracestate: "" when absent, nil when the tracestate is malformed
// (as OpenTelemetry Go's trace.ParseTraceState and OTTL's trace_state["k"]).
Value tracestate_member(std::string_view state, std::string_view key) {
  const TraceStateEntry entry = find_tracestate_entry(state, key);
  if (!entry.valid) return {};
  return Value::borrowed_string(entry.value.value_or(std::string_view()));
}

class Path final : public Node {
 public:
  Path(const PathSpec& spec, std::vector<PathKey> keys)
      : Node(keys.empty() ? spec.types : kAnyType, false),
        field_(spec.field),
        keys_(std::move(keys)) {}

  bool eval(const EvalContext& ctx, Value& out, std::string& error) const override {
    const otlp::Span& span = *ctx.span;
    const auto integer = [&out](auto v) {
      out = Value::integer(static_cast<std::int64_t>(v));
      return true;
    };
    switch (field_) {
      case Field::kName:
        out = Value::borrowed_string(span.name());
        return true;
      case Field::kKind:
        return integer(span.kind());
      case Field::kStatusCode:
        return integer(span.status().code());
      case Field::kStatusMessage:
        out = Value::borrowed_string(span.status().message());
        return true;
      case Field::kAttributes:
        return index(span.attributes(), out, error);
      case Field::kResourceAttributes:
        return index(ctx.resource->attributes(), out, error);
      case Field::kScopeName:
        out = Value::borrowed_string(ctx.scope->name());
        return true;
      case Field::kScopeVersion:
        out = Value::borrowed_string(ctx.scope->version());
        return true;
      case Field::kScopeAttributes:
        return index(ctx.scope->attributes(), out, error);
      case Field::kTraceId:
        out = Value::owned_string(hex_id(span.trace_id()));
        return true;
      case Field::kSpanId:
        out = Value::owned_string(hex_id(span.span_id()));
        return true;
      case Field::kParentSpanId:
        out = Value::owned_string(hex_id(span.parent_span_id()));
        return true;
      case Field::kTraceState:
        out = keys_.empty() ? Value::borrowed_string(span.trace_state())
                            : tracestate_member(span.trace_state(), keys_.front().text);
        return true;
      case Field::kStartTime:
        return integer(span.start_time_unix_nano());
      case Field::kEndTime:
        return integer(span.end_time_unix_nano());
      case Field::kDuration:
        return integer(span.end_time_unix_nano() - span.start_time_unix_nano());
      case Field::kDroppedAttributes:
        return integer(span.dropped_attributes_count());
      case Field::kDroppedEvents:
        return integer(span.dropped_events_count());
      case Field::kDroppedLinks:
        return integer(span.dropped_links_count());
      case Field::kEventName:
        out = Value::borrowed_string(ctx.event->name());
        return true;
      case Field::kEventAttributes:
        return index(ctx.event->attributes(), out, error);
      case Field::kEventTime:
        return integer(ctx.event->time_unix_nano());
      case Field::kEventDroppedAttributes:
        return integer(ctx.event->dropped_attributes_count());
    }
    return false;
  }

 private:
  // OTTL's map indexing: a missing key is nil; indexing anything but a map (by string) or an
  // array (by int, in range) is an error.
  bool index(const Attributes& map, Value& out, std::string& error) const {
    if (keys_.empty()) {
      out = Value::map(map);
      return true;
    }
    const otlp::AnyValue* current = nullptr;
    const Attributes* entries = &map;
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      const PathKey& key = keys_[i];
      if (i > 0) {
        if (current->has_kvlist_value() && key.is_string) {
          entries = &current->kvlist_value().values();
        } else if (current->has_array_value() && !key.is_string) {
          const Elements& elements = current->array_value().values();
          if (key.index < 0 || key.index >= elements.size()) {
            error = "index " + std::to_string(key.index) + " out of bounds (array of " +
                    std::to_string(elements.size()) + ")";
            return false;
          }
          current = &elements[static_cast<int>(key.index)];
          continue;
        } else {
          const Value here = Value::from_any(*current);
          error = std::string(describe(here.type())) + " cannot be indexed by " +
                  (key.is_string ? "\"" + key.text + "\"" : std::to_string(key.index));
          return false;
        }
      }
      const auto found =
          std::find_if(entries->begin(), entries->end(),
                       [&key](const otlp::KeyValue& kv) { return kv.key() == key.text; });
      if (found == entries->end()) {
        out = Value();
        return true;
      }
      current = &found->value();
    }
    out = Value::from_any(*current);
    return true;
  }

  Field field_;
  std::vector<PathKey> keys_;
};

}  // namespace

NodePtr make_path(const std::vector<std::string>& segments, std::vector<PathKey> keys,
                  ContextKind kind, int column) {
  std::string name;
  for (const std::string& segment : segments) {
    if (!name.empty()) name += '.';
    name += segment;
  }
  // Newer Collector configs may name the context explicitly: `span.name`, `spanevent.name`.
  const std::string_view own_prefix = kind == ContextKind::kSpan ? "span." : "spanevent.";
  const std::string bare =
      name.starts_with(own_prefix) ? name.substr(own_prefix.size()) : std::string(name);
  const PathSpec* spec = find_path(bare, kind);
  if (spec == nullptr) unknown_path(bare, kind, column);
  if (!keys.empty()) {
    if (spec->indexing == Indexing::kNone) {
      fail(keys.front().column, "syntax error", "'" + bare + "' cannot be indexed");
    }
    if (!keys.front().is_string) {
      fail(keys.front().column, "syntax error", "'" + bare + "' must be indexed by a string key");
    }
    if (spec->indexing == Indexing::kTraceState && keys.size() > 1) {
      fail(keys[1].column, "syntax error", "'trace_state' takes exactly one key");
    }
  }
  return std::make_unique<Path>(*spec, std::move(keys));
}

}  // namespace spanflow::ottl::detail
