// JsonReader: the JSON half of the OTLP/JSON decoder (internal to src/codec).
//
// A cursor over untrusted JSON text that validates as it goes and reads each value straight into
// its destination: object() and array() iterate, the typed readers parse one value each. Any
// failure leaves one English message in `error`: "invalid JSON at offset N: ..." for syntax, or
// "<field path>: ... (at offset N)" for a value of the wrong kind or range. Nesting is capped at
// kMaxDepth levels and nothing reads past the end of the input. Strings must be valid UTF-8.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace spanflow::codec::detail {

// An object member as OTLP/JSON spells it (lowerCamelCase) and as the .proto does (snake_case).
struct FieldName {
  std::string_view json;
  std::string_view proto;
};

// One step of the path from the root to the value being read, kept on the stack for error
// messages: a member (field set) or an array element (index set). The root has no parent; its
// field names the whole document in errors about the root value itself.
struct Path {
  const Path* parent;
  std::string_view field;
  std::size_t index;
};

struct Number;

class JsonReader {
 public:
  static constexpr int kMaxDepth = 128;

  // `json` must outlive the reader; `error` receives the message of the first failure.
  JsonReader(std::string_view json, std::string& error)
      : begin_(json.data()), p_(json.data()), end_(json.data() + json.size()), error_(error) {
    skip_whitespace();
  }

  // Reads an object: on_field(index into `fields`, member path) reads the value of each known
  // member (by either spelling). Unknown members and members whose value is null are skipped.
  template <std::size_t N, typename OnField>
  bool object(const Path& path, const FieldName (&fields)[N], OnField&& on_field);
  // Reads an array: on_element(element path) reads each element.
  template <typename OnElement>
  bool array(const Path& path, OnElement&& on_element);
  // Checks that only whitespace is left.
  bool finish();

  // Typed values. Numbers may also come as strings (proto3 JSON); integers may use integral
  // exponent forms like 1.5e3. Each reader also comes in a form that hands the value to a setter.
  bool text(const Path& path, std::string& out);
  bool boolean(const Path& path, bool& out);
  bool uint32(const Path& path, std::uint32_t& out);
  bool uint64(const Path& path, std::uint64_t& out);
  bool int64(const Path& path, std::int64_t& out);
  // A number, or "NaN", "Infinity", "-Infinity".
  bool floating(const Path& path, double& out);
  // An int32 number, or one of `names` (giving its index).
  bool enumeration(const Path& path, std::span<const std::string_view> names, int& out);
  // Case-insensitive hex for an id of `bytes` bytes; "" leaves `out` empty.
  bool hex_id(const Path& path, std::size_t bytes, std::string& out);
  // Standard or URL-safe base64, padded or not.
  bool base64(const Path& path, std::string& out);
  // An array of strings, appended to a repeated string field.
  bool strings(const Path& path, auto& repeated_out);

  template <typename Set>
  requires std::invocable<Set&, std::uint32_t>
  bool uint32(const Path& path, Set&& set) {
    return read_then<std::uint32_t>(&JsonReader::uint32, path, set);
  }
  template <typename Set>
  requires std::invocable<Set&, std::uint64_t>
  bool uint64(const Path& path, Set&& set) {
    return read_then<std::uint64_t>(&JsonReader::uint64, path, set);
  }
  template <typename Set>
  requires std::invocable<Set&, std::int64_t>
  bool int64(const Path& path, Set&& set) {
    return read_then<std::int64_t>(&JsonReader::int64, path, set);
  }
  template <typename Set>
  requires std::invocable<Set&, double>
  bool floating(const Path& path, Set&& set) {
    return read_then<double>(&JsonReader::floating, path, set);
  }
  template <typename Set>
  requires std::invocable<Set&, bool>
  bool boolean(const Path& path, Set&& set) {
    return read_then<bool>(&JsonReader::boolean, path, set);
  }

  // Fails with "<path>: <what> (at offset of the cursor)".
  bool field_error(const Path& path, std::string_view what) { return field_error(path, p_, what); }

 private:
  template <typename T, typename Set>
  bool read_then(bool (JsonReader::*read)(const Path&, T&), const Path& path, Set& set) {
    T value{};
    if (!(this->*read)(path, value)) return false;
    set(value);
    return true;
  }

  void skip_whitespace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool at(char c) const { return p_ < end_ && *p_ == c; }
  bool enter() { return ++depth_ <= kMaxDepth || too_deep(); }
  bool too_deep();
  bool read_key(std::string_view& key);
  bool read_string(std::string_view& out);
  bool unescape(const char*& p);
  bool skip_value();
  bool literal(std::string_view word);
  bool text_view(const Path& path, std::string_view& out);
  bool number(const Path& path, Number& out, const char*& start);
  bool integer(const Path& path, std::string_view type, std::uint64_t& magnitude, bool& negative,
               const char*& start);

  bool syntax_error(const char* where, std::string_view what);
  bool field_error(const Path& path, const char* where, std::string_view what);
  bool type_error(const Path& path, std::string_view expected);

  const char* const begin_;
  const char* p_;
  const char* const end_;
  std::string& error_;
  std::string scratch_;  // the last string that had escapes, unescaped
  int depth_ = 0;
};

// --- templates -----------------------------------------------------------------------------------

template <std::size_t N>
int find_field(const FieldName (&fields)[N], std::string_view key) {
  // Keys are short: comparing inline beats calling memcmp.
  const auto same = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  };
  for (std::size_t i = 0; i < N; ++i) {
    if (same(key, fields[i].json) || same(key, fields[i].proto)) return static_cast<int>(i);
  }
  return -1;
}

template <std::size_t N, typename OnField>
bool JsonReader::object(const Path& path, const FieldName (&fields)[N], OnField&& on_field) {
  if (!at('{')) return type_error(path, "an object");
  if (!enter()) return false;
  ++p_;
  skip_whitespace();
  if (at('}')) {
    ++p_;
    --depth_;
    return true;
  }
  for (;;) {
    std::string_view key;
    if (!read_key(key)) return false;
    const int field = find_field(fields, key);
    if (field < 0 || at('n')) {
      if (!skip_value()) return false;
    } else {
      const Path field_path{&path, fields[field].json, 0};
      if (!on_field(field, field_path)) return false;
    }
    skip_whitespace();
    if (at(',')) {
      ++p_;
      skip_whitespace();
    } else if (at('}')) {
      ++p_;
      --depth_;
      return true;
    } else {
      return syntax_error(p_, "expected ',' or '}'");
    }
  }
}

template <typename OnElement>
bool JsonReader::array(const Path& path, OnElement&& on_element) {
  if (!at('[')) return type_error(path, "an array");
  if (!enter()) return false;
  ++p_;
  skip_whitespace();
  if (at(']')) {
    ++p_;
    --depth_;
    return true;
  }
  for (std::size_t index = 0;; ++index) {
    const Path element_path{&path, {}, index};
    if (!on_element(element_path)) return false;
    skip_whitespace();
    if (at(',')) {
      ++p_;
      skip_whitespace();
    } else if (at(']')) {
      ++p_;
      --depth_;
      return true;
    } else {
      return syntax_error(p_, "expected ',' or ']'");
    }
  }
}

bool JsonReader::strings(const Path& path, auto& repeated_out) {
  return array(path, [&](const Path& element) { return text(element, *repeated_out.Add()); });
}

}  // namespace spanflow::codec::detail
