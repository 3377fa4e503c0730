// The compiled form of a condition: a tree of immutable nodes. Internal to src/ottl/.
//
// Every node knows at compile time which value types it may produce, so the parser rejects
// `name and true`, `"a" + 1` or `Len(x)` as a condition before any span is seen. Operator nodes
// are in nodes.cpp, paths in paths.cpp, converters in functions.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ottl/condition.h"
#include "ottl/value.h"

namespace spanflow::ottl::detail {

using TypeSet = std::uint16_t;
constexpr TypeSet bit(Type t) {
  return static_cast<TypeSet>(1u << static_cast<unsigned>(t));
}
constexpr TypeSet kAnyType = 0xff;
constexpr TypeSet kNumber = bit(Type::kInt) | bit(Type::kDouble);

// "a string", "an int or nil", "any value": for messages.
std::string describe_types(TypeSet types);

class Node {
 public:
  // `constant`: the result depends on no span, so the parser may evaluate it once.
  Node(TypeSet types, bool constant) : types_(types), constant_(constant) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Writes the result to `out`; on failure returns false with `error` set.
  virtual bool eval(const EvalContext& ctx, Value& out, std::string& error) const = 0;

  TypeSet types() const { return types_; }
  bool constant() const { return constant_; }
  // True for a literal node (the value is known without evaluating anything).
  virtual const Value* literal() const { return nullptr; }

 private:
  TypeSet types_;
  bool constant_;
};
using NodePtr = std::unique_ptr<Node>;

// Thrown by the compiler's parts; Condition::compile turns it into a CompileError.
struct CompileFailure {
  CompileError error;
};
// Throws CompileFailure with "<what> at column <column>: <detail>".
[[noreturn]] void fail(int column, std::string_view what, const std::string& detail);

NodePtr make_literal(Value value);
NodePtr make_not(NodePtr operand);
// `is_and`: all operands true (stops at the first false); otherwise any true (stops at the first
// true). N-ary, so long chains do not make deep trees.
NodePtr make_logical(bool is_and, std::vector<NodePtr> operands);
NodePtr make_comparison(NodePtr left, CompareOp op, NodePtr right);

// One step of a left-to-right chain of + - or * /.
struct MathStep {
  char op;
  NodePtr operand;
  int column;
};
NodePtr make_arithmetic(NodePtr first, std::vector<MathStep> steps);
NodePtr make_negate(NodePtr operand, int column);

// A key in `attributes["k"][0]`.
struct PathKey {
  bool is_string;
  std::string text;
  std::int64_t index;
  int column;
};
// `segments` are the dotted names ("resource", "attributes"). Throws on unknown paths.
NodePtr make_path(const std::vector<std::string>& segments, std::vector<PathKey> keys,
                  ContextKind kind, int column);

struct Argument {
  NodePtr node;
  int column;
};
// Throws when `name` is not a converter available in `kind` conditions.
void check_function(const std::string& name, ContextKind kind, int column);
// A converter call; throws on an unknown function, wrong arity or an unusable argument.
NodePtr make_call(const std::string& name, std::vector<Argument> args, ContextKind kind,
                  int column);

}  // namespace spanflow::ottl::detail
