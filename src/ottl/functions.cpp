// Converters: IsMatch, IsRootSpan, HasPrefix, HasSuffix, Len, Int, Double, String, Duration.
#include <algorithm>
#include <charconv>
#include <optional>
#include <regex>

#include "config/config_error.h"
#include "config/config_node.h"
#include "ottl/node.h"
#include "ottl/search_regex.h"

namespace spanflow::ottl::detail {

namespace {

constexpr TypeSet kBool = bit(Type::kBool);

[[noreturn]] void bad_argument(const Argument& arg, std::string_view function,
                               const std::string& detail) {
  fail(arg.column, "invalid argument", std::string(function) + ": " + detail);
}

void require_types(const Argument& arg, std::string_view function, TypeSet accepted,
                   std::string_view expected) {
  if ((arg.node->types() & accepted) == 0) {
    bad_argument(
        arg, function,
        "expected " + std::string(expected) + ", found " + describe_types(arg.node->types()));
  }
}

std::string literal_string(const Argument& arg, std::string_view function, std::string_view what) {
  const Value* value = arg.node->literal();
  if (value == nullptr || value->type() != Type::kString) {
    bad_argument(arg, function, std::string(what) + " must be a string literal");
  }
  return std::string(value->as_string());
}

std::string runtime_type_error(std::string_view function, std::string_view expected,
                               const Value& found) {
  return std::string(function) + ": expected " + std::string(expected) + ", found " +
         std::string(describe(found.type()));
}

class IsMatch final : public Node {
 public:
  IsMatch(NodePtr target, std::regex regex)
      : Node(kBool, target->constant()), target_(std::move(target)), regex_(std::move(regex)) {}
  bool eval(const EvalContext& ctx, Value& out, std::string& error) const override {
    if (!target_->eval(ctx, out, error)) return false;
    if (out.is_nil()) {
      out = Value::boolean(false);
      return true;
    }
    std::string text;
    std::string_view subject = out.as_string();
    if (out.type() != Type::kString) {
      to_string_like(out, text);
      subject = text;
    }
    out = Value::boolean(search(regex_, subject));
    return true;
  }

 private:
  NodePtr target_;
  std::regex regex_;
};

class IsRootSpan final : public Node {
 public:
  IsRootSpan() : Node(kBool, false) {}
  bool eval(const EvalContext& ctx, Value& out, std::string&) const override {
    const std::string& parent = ctx.span->parent_span_id();
    out = Value::boolean(std::all_of(parent.begin(), parent.end(), [](char c) { return c == 0; }));
    return true;
  }
};

class Affix final : public Node {
 public:
  Affix(NodePtr target, std::string affix, bool suffix)
      : Node(kBool, target->constant()),
        target_(std::move(target)),
        affix_(std::move(affix)),
        suffix_(suffix) {}
  bool eval(const EvalContext& ctx, Value& out, std::string& error) const override {
    if (!target_->eval(ctx, out, error)) return false;
    if (out.type() != Type::kString) {
      error = runtime_type_error(suffix_ ? "HasSuffix" : "HasPrefix", "a string", out);
      return false;
    }
    const std::string_view s = out.as_string();
    out = Value::boolean(suffix_ ? s.ends_with(affix_) : s.starts_with(affix_));
    return true;
  }

 private:
  NodePtr target_;
  std::string affix_;
  bool suffix_;
};

// A one-argument converter: `convert` maps the evaluated argument to the result in place.
using Conversion = bool (*)(Value& value, std::string& error);

class Unary final : public Node {
 public:
  Unary(TypeSet types, NodePtr arg, Conversion convert)
      : Node(types, arg->constant()), arg_(std::move(arg)), convert_(convert) {}
  bool eval(const EvalContext& ctx, Value& out, std::string& error) const override {
    return arg_->eval(ctx, out, error) && convert_(out, error);
  }

 private:
  NodePtr arg_;
  Conversion convert_;
};

bool len(Value& v, std::string& error) {
  switch (v.type()) {
    case Type::kString:
    case Type::kBytes:
      v = Value::integer(static_cast<std::int64_t>(v.as_string().size()));
      return true;
    case Type::kArray:
      v = Value::integer(v.as_array().size());
      return true;
    case Type::kMap:
      v = Value::integer(v.as_map().size());
      return true;
    default:
      error = runtime_type_error("Len", "a string, bytes, an array or a map", v);
      return false;
  }
}

// Go's strconv.ParseInt(s, 10, 64) / ParseFloat(s, 64): an optional sign, the whole text.
template <typename T>
bool parse_number(std::string_view text, T& out) {
  if (text.starts_with('+')) text.remove_prefix(1);
  if (text.empty() || text.front() == '+') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool to_int(Value& v, std::string& error) {
  switch (v.type()) {
    case Type::kNil:
    case Type::kInt:
      return true;
    case Type::kBool:
      v = Value::integer(v.as_bool() ? 1 : 0);
      return true;
    case Type::kDouble: {
      const double d = v.as_double();
      if (!(d >= -9.223372036854775808e18 && d < 9.223372036854775808e18)) {
        error = "Int: " + format_double(d) + " is out of the int range";
        return false;
      }
      v = Value::integer(static_cast<std::int64_t>(d));
      return true;
    }
    case Type::kString: {
      std::int64_t i = 0;
      v = parse_number(v.as_string(), i) ? Value::integer(i) : Value();
      return true;
    }
    default:
      error = runtime_type_error("Int", "a number, a string or a boolean", v);
      return false;
  }
}

bool to_double(Value& v, std::string& error) {
  switch (v.type()) {
    case Type::kNil:
    case Type::kDouble:
      return true;
    case Type::kBool:
      v = Value::real(v.as_bool() ? 1 : 0);
      return true;
    case Type::kInt:
      v = Value::real(static_cast<double>(v.as_int()));
      return true;
    case Type::kString: {
      double d = 0;
      v = parse_number(v.as_string(), d) ? Value::real(d) : Value();
      return true;
    }
    default:
      error = runtime_type_error("Double", "a number, a string or a boolean", v);
      return false;
  }
}

bool to_string(Value& v, std::string&) {
  if (v.type() == Type::kString || v.is_nil()) return true;
  std::string text;
  to_string_like(v, text);
  v = Value::owned_string(std::move(text));
  return true;
}

// Go's time.ParseDuration: like a config duration, but a bare number other than 0 has no unit.
bool to_duration(Value& v, std::string& error) {
  if (v.type() != Type::kString) {
    error = runtime_type_error("Duration", "a string", v);
    return false;
  }
  std::string_view text = v.as_string();
  std::string_view unsigned_text = text;
  if (!unsigned_text.empty() && (unsigned_text[0] == '-' || unsigned_text[0] == '+')) {
    unsigned_text.remove_prefix(1);
  }
  const bool bare_number = !unsigned_text.empty() && unsigned_text != "0" &&
                           std::all_of(unsigned_text.begin(), unsigned_text.end(),
                                       [](char c) { return c >= '0' && c <= '9'; });
  const auto parsed = bare_number ? std::nullopt : config::parse_duration(text);
  if (!parsed) {
    error = "Duration: invalid duration \"" + std::string(text) + "\"";
    return false;
  }
  v = Value::integer(parsed->count());
  return true;
}

std::regex compile_regex(const Argument& arg) {
  const std::string pattern = literal_string(arg, "IsMatch", "the pattern");
  std::string problem;
  std::optional<std::regex> regex = compile_search_regex(pattern, problem);
  if (!regex) fail(arg.column, "invalid regex", "\"" + pattern + "\": " + problem);
  return std::move(*regex);
}

struct FunctionSpec {
  std::string_view name;
  std::string_view parameters;  // for arity messages
  std::size_t arity;
  bool span_only;
  NodePtr (*build)(std::vector<Argument>& args);
};

NodePtr build_is_match(std::vector<Argument>& args) {
  std::regex regex = compile_regex(args[1]);
  return std::make_unique<IsMatch>(std::move(args[0].node), std::move(regex));
}

NodePtr build_is_root_span(std::vector<Argument>&) {
  return std::make_unique<IsRootSpan>();
}

NodePtr build_affix(std::vector<Argument>& args, bool suffix) {
  const std::string_view name = suffix ? "HasSuffix" : "HasPrefix";
  require_types(args[0], name, bit(Type::kString), "a string");
  std::string affix = literal_string(args[1], name, suffix ? "the suffix" : "the prefix");
  return std::make_unique<Affix>(std::move(args[0].node), std::move(affix), suffix);
}

NodePtr build_len(std::vector<Argument>& args) {
  constexpr TypeSet kSized =
      bit(Type::kString) | bit(Type::kBytes) | bit(Type::kArray) | bit(Type::kMap);
  require_types(args[0], "Len", kSized, "a string, bytes, an array or a map");
  return std::make_unique<Unary>(bit(Type::kInt), std::move(args[0].node), len);
}

NodePtr build_int(std::vector<Argument>& args) {
  require_types(args[0], "Int", kAnyType & ~(bit(Type::kArray) | bit(Type::kMap)), "a scalar");
  return std::make_unique<Unary>(bit(Type::kInt) | bit(Type::kNil), std::move(args[0].node),
                                 to_int);
}

NodePtr build_double(std::vector<Argument>& args) {
  require_types(args[0], "Double", kAnyType & ~(bit(Type::kArray) | bit(Type::kMap)), "a scalar");
  return std::make_unique<Unary>(bit(Type::kDouble) | bit(Type::kNil), std::move(args[0].node),
                                 to_double);
}

NodePtr build_string(std::vector<Argument>& args) {
  return std::make_unique<Unary>(bit(Type::kString) | bit(Type::kNil), std::move(args[0].node),
                                 to_string);
}

NodePtr build_duration(std::vector<Argument>& args) {
  require_types(args[0], "Duration", bit(Type::kString), "a string");
  return std::make_unique<Unary>(bit(Type::kInt), std::move(args[0].node), to_duration);
}

constexpr FunctionSpec kFunctions[] = {
    {"IsMatch", "target, pattern", 2, false, build_is_match},
    {"IsRootSpan", "", 0, true, build_is_root_span},
    {"HasPrefix", "target, prefix", 2, false,
     [](std::vector<Argument>& args) { return build_affix(args, false); }},
    {"HasSuffix", "target, suffix", 2, false,
     [](std::vector<Argument>& args) { return build_affix(args, true); }},
    {"Len", "target", 1, false, build_len},
    {"Int", "value", 1, false, build_int},
    {"Double", "value", 1, false, build_double},
    {"String", "value", 1, false, build_string},
    {"Duration", "duration", 1, false, build_duration},
};

[[noreturn]] void unknown_function(const std::string& name, int column) {
  std::vector<std::string> names;
  std::string list;
  for (const FunctionSpec& spec : kFunctions) {
    names.emplace_back(spec.name);
    list += (list.empty() ? "" : ", ") + std::string(spec.name);
  }
  std::string detail = "'" + name + "'";
  if (!name.empty() && name[0] >= 'a' && name[0] <= 'z') {
    detail += " (conditions can call only converters, whose names are Capitalized)";
  } else if (const std::string hint = config::did_you_mean(name, names); !hint.empty()) {
    detail += " (did you mean '" + hint + "'?)";
  } else {
    detail += " (spanflow supports " + list + ")";
  }
  fail(column, "unknown function", detail);
}

const FunctionSpec& find_function(const std::string& name, ContextKind kind, int column) {
  const auto spec = std::find_if(std::begin(kFunctions), std::end(kFunctions),
                                 [&name](const FunctionSpec& f) { return f.name == name; });
  if (spec == std::end(kFunctions)) unknown_function(name, column);
  if (spec->span_only && kind != ContextKind::kSpan) {
    fail(column, "unknown function",
         "'" + name +
             "' is available only in span conditions (in 'traces.spanevent' compare "
             "span.parent_span_id.string with \"\")");
  }
  return *spec;
}

}  // namespace

void check_function(const std::string& name, ContextKind kind, int column) {
  find_function(name, kind, column);
}

NodePtr make_call(const std::string& name, std::vector<Argument> args, ContextKind kind,
                  int column) {
  const FunctionSpec& spec = find_function(name, kind, column);
  if (args.size() != spec.arity) {
    const std::string expected = spec.arity == 0
                                     ? "no arguments"
                                     : std::to_string(spec.arity) +
                                           (spec.arity == 1 ? " argument (" : " arguments (") +
                                           std::string(spec.parameters) + ")";
    fail(column, "invalid call",
         name + " takes " + expected + ", found " + std::to_string(args.size()));
  }
  return spec.build(args);
}

}  // namespace spanflow::ottl::detail
