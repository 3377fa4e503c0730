#include "ottl/condition.h"

#include "ottl/lexer.h"
#include "ottl/node.h"
#include "ottl/parser.h"

namespace spanflow::ottl {

Condition::Condition(std::string text, ContextKind kind, std::shared_ptr<const detail::Node> root)
    : text_(std::move(text)), kind_(kind), root_(std::move(root)) {}

std::optional<Condition> Condition::compile(std::string_view text, ContextKind kind,
                                            CompileError& error) {
  try {
    detail::NodePtr root = detail::parse_condition(detail::tokenize(text), kind);
    return Condition(std::string(text), kind, std::shared_ptr<const detail::Node>(std::move(root)));
  } catch (const detail::CompileFailure& failure) {
    error = failure.error;
    return std::nullopt;
  }
}

Condition::Result Condition::evaluate(const EvalContext& ctx, std::string& error) const {
  Value value;
  if (!root_->eval(ctx, value, error)) return Result::kError;
  return value.as_bool() ? Result::kTrue : Result::kFalse;
}

}  // namespace spanflow::ottl
