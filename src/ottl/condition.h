// OTTL conditions: compiled once from text into an immutable tree, evaluated per span or event.
//
// The supported subset (grammar, paths, converters, value rules) is documented under
// "processors / filter" in docs/configuration.md. Compilation is control-plane code and reports
// the first problem with its column; evaluation never throws and never allocates except where a
// converter builds a string. A Condition is cheap to copy (the tree is shared) and safe to
// evaluate from several threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/otlp.h"

namespace spanflow::ottl {

namespace detail {
class Node;
}

using SpanEvent = otlp::Span::Event;

// Which telemetry a condition reads: a span (with its resource and scope), or one span event
// (with its span, whose fields are reached through `span.`).
enum class ContextKind { kSpan, kSpanEvent };

// What a condition is evaluated against. `event` is set exactly for kSpanEvent conditions; the
// other pointers are never null.
struct EvalContext {
  const otlp::Resource* resource = nullptr;
  const otlp::Scope* scope = nullptr;
  const otlp::Span* span = nullptr;
  const SpanEvent* event = nullptr;
};

struct CompileError {
  int column = 0;       // 1-based byte offset in the condition text
  std::string message;  // "syntax error at column 15: expected ')', found 'and'"
};

class Condition {
 public:
  enum class Result { kFalse, kTrue, kError };

  // The condition, or nullopt with `error` set.
  static std::optional<Condition> compile(std::string_view text, ContextKind kind,
                                          CompileError& error);

  // kError sets `error` (what failed and why); the caller applies its error mode.
  Result evaluate(const EvalContext& ctx, std::string& error) const;

  const std::string& text() const { return text_; }
  ContextKind kind() const { return kind_; }

 private:
  Condition(std::string text, ContextKind kind, std::shared_ptr<const detail::Node> root);

  std::string text_;
  ContextKind kind_;
  std::shared_ptr<const detail::Node> root_;
};

}  // namespace spanflow::ottl
