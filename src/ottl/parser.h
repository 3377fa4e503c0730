// The OTTL condition parser: recursive descent over the tokens. Internal to src/ottl/.
#pragma once

#include <vector>

#include "ottl/lexer.h"
#include "ottl/node.h"

namespace spanflow::ottl::detail {

// The tree of a whole condition (a boolean expression). Throws CompileFailure.
NodePtr parse_condition(const std::vector<Token>& tokens, ContextKind kind);

}  // namespace spanflow::ottl::detail
