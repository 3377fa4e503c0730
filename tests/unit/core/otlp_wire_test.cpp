#include "core/otlp_wire.h"

#include <google/protobuf/stubs/logging.h>

#include <catch.hpp>
#include <random>

#include "core/trace_batch.h"
#include "support/spans.h"

using spanflow::scan_export_request;
using spanflow::valid_utf8;
namespace otlp = spanflow::otlp;
namespace testing = spanflow::testing;

namespace {

// protobuf logs every string it refuses as invalid UTF-8; the comparisons below make many.
struct QuietProtobuf {
  QuietProtobuf() : previous(google::protobuf::SetLogHandler(nullptr)) {}
  ~QuietProtobuf() { google::protobuf::SetLogHandler(previous); }
  google::protobuf::LogHandler* previous;
};

bool parses(const std::string& wire) {
  otlp::ExportRequest request;
  return request.ParseFromString(wire);
}

std::string with_span_name(const std::string& name) {
  // A placeholder of the same length, then its bytes replaced by ones the setter would refuse
  // (no length changes).
  const std::string placeholder(name.size(), '#');
  otlp::ExportRequest request = testing::make_request(1);
  request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name(
      placeholder);
  std::string wire = request.SerializeAsString();
  const auto at = wire.find(placeholder);
  REQUIRE(at != std::string::npos);
  return wire.replace(at, name.size(), name);
}

// A span attribute whose value is `depth` arrays nested in each other.
std::string nested_arrays(int depth) {
  otlp::ExportRequest request = testing::make_request(1);
  otlp::AnyValue* value = request.mutable_resource_spans(0)
                              ->mutable_scope_spans(0)
                              ->mutable_spans(0)
                              ->add_attributes()
                              ->mutable_value();
  for (int i = 0; i < depth; ++i) value = value->mutable_array_value()->add_values();
  value->set_string_value("deep");
  // Serializing goes past the parser's limit without complaint.
  return request.SerializeAsString();
}

}  // namespace

TEST_CASE("a scan counts the spans of a request without decoding it") {
  otlp::ExportRequest request = testing::make_request(5);
  request.add_resource_spans()->CopyFrom(testing::rich_request().resource_spans(0));
  const auto scan = scan_export_request(request.SerializeAsString());
  REQUIRE(scan);
  CHECK(scan->spans == spanflow::count_spans(request));
  CHECK(scan->invalid_ids == 0);
  CHECK(scan_export_request("")->spans == 0);
}

TEST_CASE("a scan finds spans whose ids the receiver must reject") {
  otlp::ExportRequest request = testing::make_request(6);
  auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  spans->Mutable(0)->set_trace_id(std::string(16, '\0'));
  spans->Mutable(1)->set_span_id("1234567");
  spans->Mutable(2)->clear_trace_id();
  spans->Mutable(3)->set_parent_span_id("123");
  spans->Mutable(4)->set_parent_span_id("12345678");  // valid
  const auto scan = scan_export_request(request.SerializeAsString());
  REQUIRE(scan);
  CHECK(scan->spans == 6);
  CHECK(scan->invalid_ids == 4);
}

TEST_CASE("strings are checked for UTF-8 as the parser checks them") {
  const QuietProtobuf quiet;
  const std::vector<std::pair<std::string, bool>> names = {
      {"plain", true},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", true},
      {"\xed\x9f\xbf", true},       // U+D7FF, just below the surrogates
      {"\xf4\x8f\xbf\xbf", true},   // U+10FFFF
      {"\xed\xa0\x80", false},      // a surrogate
      {"\xc0\x80", false},          // overlong NUL
      {"\xe0\x80\xaf", false},      // overlong
      {"\xf4\x90\x80\x80", false},  // past U+10FFFF
      {"abc\xe2\x82", false},       // cut short
      {"\x80", false},              // a lone continuation byte
      {"12345678\xff", false},      // after the ASCII fast path
  };
  for (const auto& [name, valid] : names) {
    INFO("name " << testing::hex(name));
    CHECK(valid_utf8(name) == valid);
    const std::string wire = with_span_name(name);
    CHECK(parses(wire) == valid);
    CHECK(scan_export_request(wire).has_value() == valid);
  }
}

TEST_CASE("nesting is limited to the parser's 100 levels") {
  const QuietProtobuf quiet;
  // ResourceSpans, ScopeSpans, Span, KeyValue, AnyValue, then two levels per array: 47 arrays
  // are 99 levels, 48 are 101.
  CHECK(parses(nested_arrays(47)));
  CHECK_FALSE(parses(nested_arrays(48)));
  for (int depth = 44; depth <= 50; ++depth) {
    INFO("nested arrays " << depth);
    const std::string wire = nested_arrays(depth);
    CHECK(scan_export_request(wire).has_value() == parses(wire));
  }
}

TEST_CASE("unknown fields, groups and malformed tags are read as the parser reads them") {
  const QuietProtobuf quiet;
  const std::string valid = testing::make_request(2).SerializeAsString();
  const std::vector<std::pair<std::string, std::string>> suffixes = {
      {"unknown varint", "\xf8\x01\x05"},  // field 31, varint
      {"unknown fixed64", std::string("\x19", 1) + std::string(8, '\x01')},
      {"unknown fixed32", "\x1d\x01\x02\x03\x04"},
      {"unknown group", "\x1b\x08\x01\x1c"},  // field 3: start, varint, end
      {"mismatched group end", "\x1b\x08\x01\x24"},
      {"unterminated group", "\x1b\x08\x01"},
      {"stray group end", "\x1c"},
      {"field number 0", std::string("\x00\x01", 2)},
      {"tag 0", std::string("\x00", 1)},
      {"wire type 6", "\x0e"},
      {"wire type 7", "\x0f"},
      {"truncated varint", "\x18\xff"},
      {"11-byte varint", "\x18\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"},
      {"length past the end", "\x0a\x05\x01"},
      {"resource_spans as a varint", "\x08\x01"},  // wrong wire type: an unknown field
      {"long tag", "\x88\x80\x80\x80\x00\x01"},
  };
  for (const auto& [what, suffix] : suffixes) {
    INFO(what);
    const std::string wire = valid + suffix;
    CHECK(scan_export_request(wire).has_value() == parses(wire));
  }
}

TEST_CASE("the scan accepts exactly what the parser accepts, over mutated requests") {
  const QuietProtobuf quiet;
  otlp::ExportRequest base = testing::rich_request();
  base.add_resource_spans()->CopyFrom(testing::make_request(3).resource_spans(0));
  const std::string original = base.SerializeAsString();
  std::mt19937 random(20261122);
  const auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
  };
  int accepted = 0, refused = 0;
  for (int round = 0; round < 30'000; ++round) {
    std::string wire = original;
    const int mutations = 1 + static_cast<int>(pick(3));
    for (int m = 0; m < mutations && !wire.empty(); ++m) {
      const std::size_t at = pick(wire.size());
      switch (pick(5)) {
        case 0:  // one byte changed
          wire[at] = static_cast<char>(pick(256));
          break;
        case 1:  // one bit flipped
          wire[at] = static_cast<char>(wire[at] ^ (1 << pick(8)));
          break;
        case 2:  // cut short
          wire.resize(at);
          break;
        case 3:  // a byte inserted
          wire.insert(at, 1, static_cast<char>(pick(256)));
          break;
        case 4:  // a range repeated
          wire.insert(at, wire.substr(pick(wire.size()), 1 + pick(16)));
          break;
      }
    }
    otlp::ExportRequest parsed;
    const bool parser = parsed.ParseFromString(wire);
    const auto scan = scan_export_request(wire);
    INFO("round " << round << " bytes " << testing::hex(wire));
    REQUIRE(scan.has_value() == parser);
    if (parser) {
      REQUIRE(scan->spans == spanflow::count_spans(parsed));
      ++accepted;
    } else {
      ++refused;
    }
  }
  // Both outcomes were exercised many times.
  CHECK(accepted > 1000);
  CHECK(refused > 1000);
}
