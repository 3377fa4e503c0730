#include "processors/filter/filter_processor.h"

#include <fmt/format.h>

namespace spanflow::processors::filter {

namespace {

// Removes, keeping order, the elements for which `drop` is true. `drop` sees every element
// once, in order, so it may consume decisions recorded by an earlier walk in the same order.
template <typename T, typename Drop>
void erase_if(google::protobuf::RepeatedPtrField<T>& items, Drop drop) {
  int kept = 0;
  for (int i = 0; i < items.size(); ++i) {
    if (drop(*items.Mutable(i))) continue;
    if (kept != i) items.SwapElements(kept, i);
    ++kept;
  }
  if (kept < items.size()) items.DeleteSubrange(kept, items.size() - kept);
}

}  // namespace

// One decision per span (in request order), then one per event of each kept span when there
// are spanevent conditions.
struct FilterProcessor::Plan {
  std::vector<bool> drop_span;
  std::vector<bool> drop_event;
  std::uint64_t dropped_spans = 0;
  bool changes = false;  // something to remove (including scopes or resources already empty)
};

FilterProcessor::FilterProcessor(const CreateSettings& settings, const Config& config,
                                 TraceConsumer& next)
    : Processor(next),
      settings_(settings),
      config_(config),
      filtered_(settings.metrics->counter("otelcol_processor_filter_spans_filtered_total",
                                          "Spans dropped by the filter processor",
                                          {{"filter", settings.id.to_string()}})),
      ignored_log_(settings.logger, spdlog::level::warn) {}

ConsumeResult FilterProcessor::consume(TraceBatch&& batch) {
  Plan decisions;
  decisions.drop_span.reserve(batch.span_count());
  std::string error;
  if (!plan(batch.request(), decisions, error)) {
    return ConsumeResult::permanent(settings_.id.to_string() + ": " + error);
  }
  if (decisions.changes) {
    // Copy-on-write happens here, and only when something is removed.
    std::size_t span = 0;
    std::size_t event = 0;
    const bool events = !config_.spanevent_conditions.empty();
    erase_if(*batch.mutable_request().mutable_resource_spans(), [&](otlp::ResourceSpans& rs) {
      erase_if(*rs.mutable_scope_spans(), [&](otlp::ScopeSpans& ss) {
        erase_if(*ss.mutable_spans(), [&](otlp::Span& s) {
          if (decisions.drop_span[span++]) return true;
          if (events) {
            erase_if(*s.mutable_events(),
                     [&](const ottl::SpanEvent&) { return decisions.drop_event[event++]; });
          }
          return false;
        });
        return ss.spans_size() == 0;
      });
      return rs.scope_spans_size() == 0;
    });
    filtered_.add(decisions.dropped_spans);
  }
  if (batch.span_count() == 0) return ConsumeResult::ok();
  return next_.consume(std::move(batch));
}

bool FilterProcessor::plan(const otlp::ExportRequest& request, Plan& out, std::string& error) {
  const bool events = !config_.spanevent_conditions.empty();
  for (const otlp::ResourceSpans& rs : request.resource_spans()) {
    out.changes = out.changes || rs.scope_spans_size() == 0;
    for (const otlp::ScopeSpans& ss : rs.scope_spans()) {
      out.changes = out.changes || ss.spans_size() == 0;
      ottl::EvalContext ctx{&rs.resource(), &ss.scope(), nullptr, nullptr};
      for (const otlp::Span& span : ss.spans()) {
        ctx.span = &span;
        ctx.event = nullptr;
        const auto verdict = matches(config_.span_conditions, ctx, error);
        if (verdict == ottl::Condition::Result::kError) return false;
        const bool drop = verdict == ottl::Condition::Result::kTrue;
        out.drop_span.push_back(drop);
        if (drop) {
          ++out.dropped_spans;
          out.changes = true;
          continue;
        }
        if (!events) continue;
        for (const ottl::SpanEvent& event : span.events()) {
          ctx.event = &event;
          const auto event_verdict = matches(config_.spanevent_conditions, ctx, error);
          if (event_verdict == ottl::Condition::Result::kError) return false;
          const bool drop_event = event_verdict == ottl::Condition::Result::kTrue;
          out.drop_event.push_back(drop_event);
          out.changes = out.changes || drop_event;
        }
      }
    }
  }
  return true;
}

ottl::Condition::Result FilterProcessor::matches(const std::vector<ottl::Condition>& conditions,
                                                 const ottl::EvalContext& ctx, std::string& error) {
  for (const ottl::Condition& condition : conditions) {
    switch (condition.evaluate(ctx, error)) {
      case ottl::Condition::Result::kTrue:
        return ottl::Condition::Result::kTrue;
      case ottl::Condition::Result::kFalse:
        break;
      case ottl::Condition::Result::kError:
        if (config_.error_mode == ErrorMode::kPropagate) {
          error = "condition '" + condition.text() + "' failed: " + error;
          return ottl::Condition::Result::kError;
        }
        if (config_.error_mode == ErrorMode::kIgnore) log_ignored(condition, error);
        break;
    }
  }
  return ottl::Condition::Result::kFalse;
}

void FilterProcessor::log_ignored(const ottl::Condition& condition, const std::string& error) {
  ignored_log_.write_with([&] {
    return fmt::format("{}: condition '{}' failed and counts as false (error_mode: ignore): {}",
                       settings_.id.to_string(), condition.text(), error);
  });
}

}  // namespace spanflow::processors::filter
