#include "core/otlp_wire.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "core/otlp.h"

namespace spanflow {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;

// What the scanner does with a length-delimited field of a message. Everything else (other
// wire types, unknown fields, bytes fields other than span ids) is skipped, as the parser does.
enum class Kind : std::uint8_t { kSkip, kString, kMessage, kTraceId, kSpanId, kParentId };

struct Field {
  Kind kind = Kind::kSkip;
  std::uint16_t message = 0;  // for kMessage: the index of its type in the schema
};

struct Message {
  std::vector<Field> fields;  // indexed by field number
  bool is_span = false;

  Field field(std::uint32_t number) const {
    return number < fields.size() ? fields[number] : Field{};
  }
};

// The message types reachable from ExportTraceServiceRequest, read from the generated
// descriptors once, so that the scanner follows the same .proto files as the parser.
class Schema {
 public:
  Schema() { add(otlp::ExportRequest::descriptor()); }
  const Message& operator[](std::uint16_t index) const { return messages_[index]; }

 private:
  std::uint16_t add(const Descriptor* type) {
    if (const auto it = index_.find(type); it != index_.end()) return it->second;
    const auto index = static_cast<std::uint16_t>(messages_.size());
    index_.emplace(type, index);
    messages_.emplace_back();
    Message message;
    message.is_span = type == otlp::Span::descriptor();
    int max_number = 0;
    for (int i = 0; i < type->field_count(); ++i) {
      max_number = std::max(max_number, type->field(i)->number());
    }
    message.fields.resize(static_cast<std::size_t>(max_number) + 1);
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* f = type->field(i);
      Field& field = message.fields[static_cast<std::size_t>(f->number())];
      if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
        field = {Kind::kMessage, add(f->message_type())};
      } else if (f->type() == FieldDescriptor::TYPE_STRING) {
        // proto3 strings must be UTF-8; the parser refuses a request where one is not.
        if (type->file()->syntax() == FileDescriptor::SYNTAX_PROTO3) field.kind = Kind::kString;
      } else if (f->is_repeated() && f->type() != FieldDescriptor::TYPE_BYTES) {
        // A packed repeated scalar would have its contents parsed; OTLP traces have none.
        throw std::logic_error("otlp_wire: packed field " + f->full_name() + " is not scanned");
      } else if (message.is_span && f->name() == "trace_id") {
        field.kind = Kind::kTraceId;
      } else if (message.is_span && f->name() == "span_id") {
        field.kind = Kind::kSpanId;
      } else if (message.is_span && f->name() == "parent_span_id") {
        field.kind = Kind::kParentId;
      }
    }
    messages_[index] = std::move(message);
    return index;
  }

  std::vector<Message> messages_;
  std::unordered_map<const Descriptor*, std::uint16_t> index_;
};

// protobuf's recursion limit: the request may hold 100 levels of nested messages and groups.
constexpr int kMaxDepth = 100;

using Byte = std::uint8_t;

// A varint of at most `max_bytes` bytes; the one-byte case (most tags, lengths under 128,
// small integers) first.
bool read_varint(const Byte*& p, const Byte* end, int max_bytes, std::uint64_t& out) {
  if (p < end && *p < 0x80) {
    out = *p++;
    return true;
  }
  std::uint64_t value = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (p == end) return false;
    const Byte b = *p++;
    value |= static_cast<std::uint64_t>(b & 0x7F) << (7 * i);
    if (b < 0x80) {
      out = value;
      return true;
    }
  }
  return false;
}

// Tags are at most 5 bytes; bits past 32 are dropped, as the parser drops them.
bool read_tag(const Byte*& p, const Byte* end, std::uint32_t& tag) {
  std::uint64_t value = 0;
  if (!read_varint(p, end, 5, value)) return false;
  tag = static_cast<std::uint32_t>(value);
  return true;
}

// A length: at most 5 bytes, below 2^31, within the bytes left.
bool read_length(const Byte*& p, const Byte* end, std::size_t& length) {
  std::uint64_t value = 0;
  if (!read_varint(p, end, 5, value) || value > 0x7FFFFFFF ||
      value > static_cast<std::uint64_t>(end - p)) {
    return false;
  }
  length = static_cast<std::size_t>(value);
  return true;
}

bool all_zero(std::string_view id) {
  return std::all_of(id.begin(), id.end(), [](char c) { return c == 0; });
}

class Scanner {
 public:
  explicit Scanner(const Schema& schema) : schema_(schema) {}

  // The fields from p to end as message `type`, `depth` levels of nesting still allowed.
  bool message(std::uint16_t type, const Byte* p, const Byte* end, int depth) {
    const Message& m = schema_[type];
    std::array<std::string_view, 3> ids;  // trace, span, parent: the last one of each counts
    while (p < end) {
      std::uint32_t tag = 0;
      if (!read_tag(p, end, tag)) return false;
      if (tag >> 3 == 0) return false;
      if ((tag & 7) != 2) {
        if (!skip(tag, p, end, depth)) return false;
        continue;
      }
      std::size_t length = 0;
      if (!read_length(p, end, length)) return false;
      const Byte* body = p;
      p += length;
      const std::string_view bytes(reinterpret_cast<const char*>(body), length);
      const Field field = m.field(tag >> 3);
      switch (field.kind) {
        case Kind::kSkip:
          break;
        case Kind::kString:
          if (!valid_utf8(bytes)) return false;
          break;
        case Kind::kMessage:
          if (depth == 0 || !message(field.message, body, p, depth - 1)) return false;
          break;
        case Kind::kTraceId:
          ids[0] = bytes;
          break;
        case Kind::kSpanId:
          ids[1] = bytes;
          break;
        case Kind::kParentId:
          ids[2] = bytes;
          break;
      }
    }
    if (m.is_span) {
      ++result.spans;
      const bool valid = ids[0].size() == 16 && !all_zero(ids[0]) && ids[1].size() == 8 &&
                         !all_zero(ids[1]) && (ids[2].empty() || ids[2].size() == 8);
      if (!valid) ++result.invalid_ids;
    }
    return true;
  }

  WireScan result;

 private:
  // A field the schema does not look into (any wire type but length-delimited).
  static bool skip(std::uint32_t tag, const Byte*& p, const Byte* end, int depth) {
    switch (tag & 7) {
      case 0: {
        std::uint64_t ignored = 0;
        return read_varint(p, end, 10, ignored);
      }
      case 1:
        return skip_bytes(p, end, 8);
      case 5:
        return skip_bytes(p, end, 4);
      case 3:
        return depth > 0 && group(tag >> 3, p, end, depth - 1);
      default:  // an end-group outside a group, or wire types 6 and 7
        return false;
    }
  }

  static bool skip_bytes(const Byte*& p, const Byte* end, std::size_t n) {
    if (static_cast<std::size_t>(end - p) < n) return false;
    p += n;
    return true;
  }

  // An unknown group's fields, up to its end-group tag.
  static bool group(std::uint32_t number, const Byte*& p, const Byte* end, int depth) {
    for (;;) {
      std::uint32_t tag = 0;
      if (!read_tag(p, end, tag) || tag >> 3 == 0) return false;
      if ((tag & 7) == 4) return tag >> 3 == number;
      if ((tag & 7) == 2) {
        std::size_t length = 0;
        if (!read_length(p, end, length)) return false;
        p += length;
      } else if (!skip(tag, p, end, depth)) {
        return false;
      }
    }
  }

  const Schema& schema_;
};

}  // namespace

std::optional<WireScan> scan_export_request(std::string_view wire) {
  static const Schema schema;  // immutable once built
  Scanner scanner(schema);
  const auto* begin = reinterpret_cast<const Byte*>(wire.data());
  if (!scanner.message(0, begin, begin + wire.size(), kMaxDepth)) return std::nullopt;
  return scanner.result;
}

bool valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const Byte*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    // ASCII eight bytes at a time: most attribute keys and values are.
    while (end - p >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ULL) != 0) break;
      p += 8;
    }
    if (p == end) break;
    const Byte c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    // The well-formed sequences of Unicode's table 3-7: the second byte's range depends on
    // the first (no overlong forms, no surrogates, nothing past U+10FFFF).
    int continuation = 0;
    Byte low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      continuation = 1;
    } else if (c == 0xE0) {
      continuation = 2;
      low = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      continuation = 2;
    } else if (c == 0xED) {
      continuation = 2;
      high = 0x9F;
    } else if (c == 0xF0) {
      continuation = 3;
      low = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      continuation = 3;
    } else if (c == 0xF4) {
      continuation = 3;
      high = 0x8F;
    } else {
      return false;
    }
    if (end - p <= continuation || p[1] < low || p[1] > high) return false;
    for (int i = 2; i <= continuation; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
    }
    p += continuation + 1;
  }
  return true;
}

}  // namespace spanflow
