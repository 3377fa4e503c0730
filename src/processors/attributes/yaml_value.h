// Attribute values written in config, typed as the Collector types them (yaml.v3, then
// pcommon's FromRaw), so `value: 200` is an int and `value: "200"` a string.
#pragma once

#include "config/config_value.h"
#include "core/otlp.h"

namespace spanflow::processors::attributes {

// A plain scalar becomes null (an empty value), a bool (true/True/TRUE, false/...), an int
// (decimal, 0x, 0o, 0b or leading-0 octal, '_' separators ignored; past int64 it wraps as
// a uint64 does in the Collector), a double (digits with '.' or an exponent, .inf, .nan) or
// else a string; a quoted or block scalar is always a string. Lists become array values and
// maps key/value lists, recursively, in document order.
otlp::AnyValue to_any_value(const config::ConfigValue& value);

}  // namespace spanflow::processors::attributes
