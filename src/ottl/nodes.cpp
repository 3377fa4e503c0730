// Literal, boolean, comparison and arithmetic nodes.
#include <cmath>
#include <limits>

#include "ottl/node.h"

namespace spanflow::ottl::detail {

namespace {

bool is_number(const Value& v) {
  return v.type() == Type::kInt || v.type() == Type::kDouble;
}

std::string op_name(char op) {
  return std::string("'") + op + "'";
}

class Literal final : public Node {
 public:
  explicit Literal(Value value) : Node(bit(value.type()), true), value_(value.owning_copy()) {}
  bool eval(const EvalContext&, Value& out, std::string&) const override {
    out = value_;
    return true;
  }
  const Value* literal() const override { return &value_; }

 private:
  Value value_;
};

class Not final : public Node {
 public:
  explicit Not(NodePtr operand)
      : Node(bit(Type::kBool), operand->constant()), operand_(std::move(operand)) {}
  bool eval(const EvalContext& ctx, Value& out, std::string& error) const override {
    if (!operand_->eval(ctx, out, error)) return false;
    out = Value::boolean(!out.as_bool());
    return true;
  }

 private:
  NodePtr operand_;
};

class Logical final : public Node {
 public:
  Logical(bool is_and, std::vector<NodePtr> operands)
      : Node(bit(Type::kBool), false), is_and_(is_and), operands_(std::move(operands)) {}
  bool eval(const EvalContext& ctx, Value& out, std::string& error) const override {
    // An error stops evaluation, as in OTTL: `a or b` fails when `a` fails.
    for (const NodePtr& operand : operands_) {
      if (!operand->eval(ctx, out, error)) return false;
      if (out.as_bool() != is_and_) return true;
    }
    out = Value::boolean(is_and_);
    return true;
  }

 private:
  bool is_and_;
  std::vector<NodePtr> operands_;
};

class Comparison final : public Node {
 public:
  Comparison(NodePtr left, CompareOp op, NodePtr right)
      : Node(bit(Type::kBool), left->constant() && right->constant()),
        left_(std::move(left)),
        right_(std::move(right)),
        op_(op) {}
  bool eval(const EvalContext& ctx, Value& out, std::string& error) const override {
    Value left;
    if (!left_->eval(ctx, left, error) || !right_->eval(ctx, out, error)) return false;
    out = Value::boolean(compare(left, out, op_));
    return true;
  }

 private:
  NodePtr left_;
  NodePtr right_;
  CompareOp op_;
};

// Go's int64 arithmetic: wraps on overflow; only division by zero is an error.
bool apply_int(char op, std::int64_t a, std::int64_t b, std::int64_t& out) {
  const auto ua = static_cast<std::uint64_t>(a);
  const auto ub = static_cast<std::uint64_t>(b);
  switch (op) {
    case '+':
      out = static_cast<std::int64_t>(ua + ub);
      return true;
    case '-':
      out = static_cast<std::int64_t>(ua - ub);
      return true;
    case '*':
      out = static_cast<std::int64_t>(ua * ub);
      return true;
    default:
      if (b == 0) return false;
      out = (a == std::numeric_limits<std::int64_t>::min() && b == -1) ? a : a / b;
      return true;
  }
}

bool apply_double(char op, double a, double b, double& out) {
  switch (op) {
    case '+':
      out = a + b;
      return true;
    case '-':
      out = a - b;
      return true;
    case '*':
      out = a * b;
      return true;
    default:
      if (b == 0) return false;
      out = a / b;
      return true;
  }
}

class Arithmetic final : public Node {
 public:
  Arithmetic(TypeSet types, bool constant, NodePtr first, std::vector<MathStep> steps)
      : Node(types, constant), first_(std::move(first)), steps_(std::move(steps)) {}

  bool eval(const EvalContext& ctx, Value& out, std::string& error) const override {
    if (!first_->eval(ctx, out, error)) return false;
    Value rhs;
    for (const MathStep& step : steps_) {
      if (!step.operand->eval(ctx, rhs, error)) return false;
      if (!is_number(out) || !is_number(rhs)) {
        error = op_name(step.op) + " needs numbers, found " +
                std::string(describe(is_number(out) ? rhs.type() : out.type()));
        return false;
      }
      bool ok;
      if (out.type() == Type::kInt && rhs.type() == Type::kInt) {
        std::int64_t result = 0;
        ok = apply_int(step.op, out.as_int(), rhs.as_int(), result);
        out = Value::integer(result);
      } else {
        const auto as_double = [](const Value& v) {
          return v.type() == Type::kInt ? static_cast<double>(v.as_int()) : v.as_double();
        };
        double result = 0;
        ok = apply_double(step.op, as_double(out), as_double(rhs), result);
        out = Value::real(result);
      }
      if (!ok) {
        error = "division by zero";
        return false;
      }
    }
    return true;
  }

 private:
  NodePtr first_;
  std::vector<MathStep> steps_;
};

class Negate final : public Node {
 public:
  explicit Negate(NodePtr operand)
      : Node(operand->types() & kNumber, operand->constant()), operand_(std::move(operand)) {}
  bool eval(const EvalContext& ctx, Value& out, std::string& error) const override {
    if (!operand_->eval(ctx, out, error)) return false;
    if (out.type() == Type::kInt) {
      out = Value::integer(static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(out.as_int())));
    } else if (out.type() == Type::kDouble) {
      out = Value::real(-out.as_double());
    } else {
      error = "unary '-' needs a number, found " + std::string(describe(out.type()));
      return false;
    }
    return true;
  }

 private:
  NodePtr operand_;
};

void require_number(const Node& node, char op, int column) {
  if ((node.types() & kNumber) == 0) {
    fail(column, "type error",
         op_name(op) + " needs numbers, found " + describe_types(node.types()));
  }
}

}  // namespace

std::string describe_types(TypeSet types) {
  if (types == kAnyType) return "any value";
  std::string out;
  for (unsigned t = 0; t <= static_cast<unsigned>(Type::kMap); ++t) {
    if ((types & bit(static_cast<Type>(t))) == 0) continue;
    if (!out.empty()) out += " or ";
    out += describe(static_cast<Type>(t));
  }
  return out.empty() ? "nothing" : out;
}

void fail(int column, std::string_view what, const std::string& detail) {
  throw CompileFailure{
      {column, std::string(what) + " at column " + std::to_string(column) + ": " + detail}};
}

NodePtr make_literal(Value value) {
  return std::make_unique<Literal>(std::move(value));
}

NodePtr make_not(NodePtr operand) {
  return std::make_unique<Not>(std::move(operand));
}

NodePtr make_logical(bool is_and, std::vector<NodePtr> operands) {
  if (operands.size() == 1) return std::move(operands.front());
  return std::make_unique<Logical>(is_and, std::move(operands));
}

NodePtr make_comparison(NodePtr left, CompareOp op, NodePtr right) {
  return std::make_unique<Comparison>(std::move(left), op, std::move(right));
}

NodePtr make_arithmetic(NodePtr first, std::vector<MathStep> steps) {
  if (steps.empty()) return first;
  require_number(*first, steps.front().op, steps.front().column);
  bool constant = first->constant();
  bool all_int = (first->types() & kNumber) == bit(Type::kInt);
  bool any_double = (first->types() & kNumber) == bit(Type::kDouble);
  for (const MathStep& step : steps) {
    require_number(*step.operand, step.op, step.column);
    constant = constant && step.operand->constant();
    const TypeSet numeric = step.operand->types() & kNumber;
    all_int = all_int && numeric == bit(Type::kInt);
    any_double = any_double || numeric == bit(Type::kDouble);
  }
  const TypeSet types = all_int ? bit(Type::kInt) : any_double ? bit(Type::kDouble) : kNumber;
  return std::make_unique<Arithmetic>(types, constant, std::move(first), std::move(steps));
}

NodePtr make_negate(NodePtr operand, int column) {
  if ((operand->types() & kNumber) == 0) {
    fail(column, "type error",
         "unary '-' needs a number, found " + describe_types(operand->types()));
  }
  return std::make_unique<Negate>(std::move(operand));
}

}  // namespace spanflow::ottl::detail
