// Go-compatible JSON text of OTLP array and key-value-list values.
//
// The Collector's Jaeger translator writes an array or map attribute as a STRING tag holding
// `json.Marshal(value.AsRaw())`. Byte-identical output keeps tags (and anything keyed on them)
// the same whichever collector exported the span, so this follows Go's encoding/json exactly:
// compact; map keys sorted bytewise, the last of duplicate keys winning; strings with '<', '>',
// '&', U+2028 and U+2029 written as \u escapes and each invalid UTF-8 byte as \ufffd; bytes as
// padded standard base64 (empty bytes as null); an unset value as null; doubles in Go's shortest
// form ('e' notation below 1e-6 and from 1e21 on). Go refuses NaN and infinities, and the
// translator then writes "".
#pragma once

#include <string>

#include "core/otlp.h"

namespace spanflow::exporters::jaeger {

// Appends the JSON text of `value` (any kind) to `out`. Returns false when a double inside is
// NaN or infinite; `out` then holds a partial text the caller discards.
bool append_go_json(const otlp::AnyValue& value, std::string& out);

}  // namespace spanflow::exporters::jaeger
