// Attribute values as text, and text as numbers, with the Collector's (Go's) exact rules, so
// that converted and hashed values come out byte for byte as the Collector writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/otlp.h"

namespace spanflow {

// pcommon Value.AsString: strings as they are, ints in decimal, doubles in the shortest form
// that reads back exactly (exponent form below 1e-6 and from 1e21), bools "true"/"false",
// bytes in padded base64, maps and arrays as JSON (map keys sorted, HTML characters escaped,
// "" when a double inside is not finite), an empty value as "".
std::string as_string(const otlp::AnyValue& value);

// A double as Go's strconv.FormatFloat(d, 'f', -1, 64): the shortest exact digits, never an
// exponent. Writes into `buffer` and returns the text.
std::string_view format_fixed(double d, char (&buffer)[400]);

// strconv.ParseInt(text, 10, 64): an optional sign and decimal digits, nothing else.
std::optional<std::int64_t> parse_int(std::string_view text);
// strconv.ParseFloat(text, 64): decimal or hex ("0x1p-2") with an optional sign, "inf",
// "infinity" and "nan" in any case; nullopt when malformed or when the value overflows.
std::optional<double> parse_float(std::string_view text);

// The name of a value's type as the Collector prints it: "Str", "Bool", "Int", "Double",
// "Map", "Slice", "Bytes" or "Empty".
std::string_view type_name(const otlp::AnyValue& value);

}  // namespace spanflow
