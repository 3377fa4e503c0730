// Action: one compiled entry of the `actions` list, and how a list of them changes the
// attributes of one span, with the Collector's semantics (see docs/configuration.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/otlp.h"
#include "processors/attributes/hasher.h"
#include "processors/attributes/re2_pattern.h"

namespace spanflow::processors::attributes {

enum class ActionType { kInsert, kUpdate, kUpsert, kDelete, kHash, kExtract, kConvert };
enum class ConvertTo { kInt, kDouble, kString };

struct Action {
  ActionType type = ActionType::kInsert;
  std::string key;  // "" when delete/hash name attributes by pattern only

  // insert/update/upsert take their value from exactly one of these three.
  std::optional<otlp::AnyValue> value;
  std::string from_attribute;  // another attribute of the same span; absent: nothing happens
  // Client metadata or auth data of the request. spanflow has no request context yet, so this
  // resolves to nothing and the action does nothing (a warning says so at config load).
  std::string from_context;

  // delete/hash: attribute names to act on (besides `key`); extract: searched in the value.
  std::optional<Re2Pattern> pattern;
  // extract: the capture groups to write (0-based into pattern->group_names()), the one named
  // like `key` last so the source value stays intact while the others are copied out of it.
  std::vector<std::size_t> extract_order;

  ConvertTo converted_type = ConvertTo::kString;
  std::optional<Hasher> hasher;  // hash
};

using Attributes = google::protobuf::RepeatedPtrField<otlp::KeyValue>;

// Applies `actions` in order to one span's attributes, in place. New values are allocated on
// the attributes' arena; removal moves the last attribute into the gap, as the Collector does.
// Never throws.
void apply_actions(const std::vector<Action>& actions, Attributes& attributes);

}  // namespace spanflow::processors::attributes
