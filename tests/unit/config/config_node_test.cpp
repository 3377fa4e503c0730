#include "config/config_node.h"

#include <catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "config/yaml_document.h"

using namespace std::chrono_literals;
using spanflow::config::ConfigErrors;
using spanflow::config::ConfigNode;
using spanflow::config::ConfigValue;
using spanflow::config::parse_duration;
using Kind = spanflow::config::ConfigValue::Kind;

namespace {

// A parsed document whose `processors: batch:` section is read in the tests.
struct Doc {
  ConfigErrors errors;
  ConfigValue root;

  explicit Doc(std::string_view yaml)
      : root(spanflow::config::parse_yaml(
            yaml, "c.yaml", [](const std::string&) { return std::optional<std::string>(); },
            errors)) {}

  ConfigNode node() { return ConfigNode(root, "", errors); }
  ConfigNode batch() {
    std::optional<ConfigNode> processors = node().child("processors");
    REQUIRE(processors);
    std::optional<ConfigNode> batch = processors->child("batch");
    REQUIRE(batch);
    return *batch;
  }
  std::string report() const { return errors.report(); }
};

// "processors:\n  batch:\n" followed by `body`, whose first line is line 3.
Doc batch_doc(const std::string& body) {
  return Doc("processors:\n  batch:\n" + body);
}

}  // namespace

// --- strings, presence, paths -------------------------------------------------------------------

TEST_CASE("a string is read and an absent key keeps the default") {
  Doc doc = batch_doc("    name: primary\n");
  ConfigNode batch = doc.batch();
  std::string name = "default";
  std::string other = "kept";
  batch.read("name", name);
  batch.read("other", other);
  CHECK(name == "primary");
  CHECK(other == "kept");
  batch.finish();
  CHECK(doc.report().empty());
}

TEST_CASE("a null value keeps the default of any scalar target") {
  Doc doc = batch_doc("    name:\n    enabled: ~\n    size: null\n    timeout:\n    tags:\n");
  ConfigNode batch = doc.batch();
  std::string name = "default";
  bool enabled = true;
  int size = 7;
  std::chrono::nanoseconds timeout = 200ms;
  std::vector<std::string> tags{"a"};
  batch.read("name", name);
  batch.read("enabled", enabled);
  batch.read("size", size);
  batch.read("timeout", timeout);
  batch.read("tags", tags);
  CHECK(name == "default");
  CHECK(enabled);
  CHECK(size == 7);
  CHECK(timeout == 200ms);
  CHECK(tags == std::vector<std::string>{"a"});
  batch.finish();
  CHECK(doc.report().empty());
}

TEST_CASE("child nodes are named by their parent's path and key joined with ::") {
  Doc doc = batch_doc("    limits:\n      size: 1\n");
  ConfigNode batch = doc.batch();
  CHECK(batch.path() == "processors::batch");
  std::optional<ConfigNode> limits = batch.child("limits");
  REQUIRE(limits);
  CHECK(limits->path() == "processors::batch::limits");
  CHECK(limits->kind() == Kind::kMap);
  CHECK(limits->mark().line == 4);
  CHECK_FALSE(batch.child("absent"));
}

TEST_CASE("has reports present keys, null ones included") {
  Doc doc = batch_doc("    grpc:\n    http: {}\n");
  ConfigNode batch = doc.batch();
  CHECK(batch.has("grpc"));
  CHECK(batch.has("http"));
  CHECK_FALSE(batch.has("thrift"));
  std::optional<ConfigNode> grpc = batch.child("grpc");
  REQUIRE(grpc);
  CHECK(grpc->is_null());
  batch.finish();
  CHECK(doc.report().empty());
}

TEST_CASE("a map where a string is expected is an error at the value") {
  Doc doc = batch_doc("    name: {first: a}\n");
  ConfigNode batch = doc.batch();
  std::string name = "default";
  batch.read("name", name);
  CHECK(name == "default");
  CHECK(doc.report() ==
        "c.yaml:3:11: error: processors::batch::name: expected a string, found a map\n");
}

// --- booleans -----------------------------------------------------------------------------------

TEST_CASE("booleans accept true and false in the YAML 1.2 core spellings") {
  Doc doc = batch_doc(
      "    a: true\n    b: True\n    c: TRUE\n    d: false\n    e: False\n    f: FALSE\n");
  ConfigNode batch = doc.batch();
  bool a = false, b = false, c = false, d = true, e = true, f = true;
  batch.read("a", a);
  batch.read("b", b);
  batch.read("c", c);
  batch.read("d", d);
  batch.read("e", e);
  batch.read("f", f);
  CHECK((a && b && c));
  CHECK_FALSE((d || e || f));
  CHECK(doc.report().empty());
}

TEST_CASE("anything else where a boolean is expected is an error quoting the text") {
  Doc doc = batch_doc("    enabled: yes please\n    insecure: [true]\n");
  ConfigNode batch = doc.batch();
  bool enabled = false;
  bool insecure = false;
  batch.read("enabled", enabled);
  batch.read("insecure", insecure);
  CHECK_FALSE(enabled);
  CHECK(doc.report() ==
        "c.yaml:3:14: error: processors::batch::enabled: expected a boolean (true/false), found "
        "\"yes please\"\n"
        "c.yaml:4:15: error: processors::batch::insecure: expected a boolean (true/false), found "
        "a list\n");
}

// --- integers and numbers -----------------------------------------------------------------------

TEST_CASE("integers are read as decimal, with a minus sign for signed targets") {
  Doc doc = batch_doc(
      "    a: 8192\n    b: -42\n    c: 4294967295\n    d: -9223372036854775808\n"
      "    e: 18446744073709551615\n    f: 0\n");
  ConfigNode batch = doc.batch();
  int a = 0;
  int b = 0;
  std::uint32_t c = 0;
  std::int64_t d = 0;
  std::uint64_t e = 0;
  std::uint32_t f = 9;
  batch.read("a", a);
  batch.read("b", b);
  batch.read("c", c);
  batch.read("d", d);
  batch.read("e", e);
  batch.read("f", f);
  CHECK(a == 8192);
  CHECK(b == -42);
  CHECK(c == 4294967295u);
  CHECK(d == INT64_MIN);
  CHECK(e == UINT64_MAX);
  CHECK(f == 0);
  CHECK(doc.report().empty());
}

TEST_CASE("a malformed integer is an error quoting the text") {
  Doc doc = batch_doc("    a: 12x\n    b: 1.5\n    c: 0x10\n    d: ' 7'\n    e: {}\n");
  ConfigNode batch = doc.batch();
  int a = 1;
  std::int64_t b = 2;
  std::uint32_t c = 3;
  std::uint64_t d = 4;
  int e = 5;
  batch.read("a", a);
  batch.read("b", b);
  batch.read("c", c);
  batch.read("d", d);
  batch.read("e", e);
  CHECK((a == 1 && b == 2 && c == 3 && d == 4 && e == 5));
  CHECK(doc.report() ==
        "c.yaml:3:8: error: processors::batch::a: expected an integer, found \"12x\"\n"
        "c.yaml:4:8: error: processors::batch::b: expected an integer, found \"1.5\"\n"
        "c.yaml:5:8: error: processors::batch::c: expected an integer, found \"0x10\"\n"
        "c.yaml:6:8: error: processors::batch::d: expected an integer, found \" 7\"\n"
        "c.yaml:7:8: error: processors::batch::e: expected an integer, found a map\n");
}

TEST_CASE("an integer out of range names the target type") {
  Doc doc = batch_doc(
      "    a: 4294967296\n    b: -1\n    c: 2147483648\n    d: 9223372036854775808\n"
      "    e: 18446744073709551616\n");
  ConfigNode batch = doc.batch();
  std::uint32_t a = 1;
  std::uint32_t b = 2;
  int c = 3;
  std::int64_t d = 4;
  std::uint64_t e = 5;
  batch.read("a", a);
  batch.read("b", b);
  batch.read("c", c);
  batch.read("d", d);
  batch.read("e", e);
  CHECK((a == 1 && b == 2 && c == 3 && d == 4 && e == 5));
  CHECK(doc.report() ==
        "c.yaml:3:8: error: processors::batch::a: value 4294967296 is out of range for an "
        "unsigned 32-bit integer\n"
        "c.yaml:4:8: error: processors::batch::b: value -1 is out of range for an unsigned "
        "32-bit integer\n"
        "c.yaml:5:8: error: processors::batch::c: value 2147483648 is out of range for a 32-bit "
        "integer\n"
        "c.yaml:6:8: error: processors::batch::d: value 9223372036854775808 is out of range for "
        "a 64-bit integer\n"
        "c.yaml:7:8: error: processors::batch::e: value 18446744073709551616 is out of range "
        "for an unsigned 64-bit integer\n");
}

TEST_CASE("numbers are read as doubles") {
  Doc doc = batch_doc("    a: 0.25\n    b: -3\n    c: 1e3\n");
  ConfigNode batch = doc.batch();
  double a = 0, b = 0, c = 0;
  batch.read("a", a);
  batch.read("b", b);
  batch.read("c", c);
  CHECK(a == 0.25);
  CHECK(b == -3.0);
  CHECK(c == 1000.0);
  CHECK(doc.report().empty());
}

TEST_CASE("a malformed or infinite number is an error") {
  Doc doc = batch_doc("    a: half\n    b: nan\n    c: 1e999\n    d: [1]\n");
  ConfigNode batch = doc.batch();
  double a = 1, b = 2, c = 3, d = 4;
  batch.read("a", a);
  batch.read("b", b);
  batch.read("c", c);
  batch.read("d", d);
  CHECK((a == 1 && b == 2 && c == 3 && d == 4));
  CHECK(doc.report() ==
        "c.yaml:3:8: error: processors::batch::a: expected a number, found \"half\"\n"
        "c.yaml:4:8: error: processors::batch::b: expected a number, found \"nan\"\n"
        "c.yaml:5:8: error: processors::batch::c: value 1e999 is out of range for a 64-bit "
        "floating-point number\n"
        "c.yaml:6:8: error: processors::batch::d: expected a number, found a list\n");
}

// --- durations ----------------------------------------------------------------------------------

TEST_CASE("durations parse like Go's time.ParseDuration, a bare integer being nanoseconds") {
  const std::pair<const char*, std::chrono::nanoseconds> valid[] = {
      {"0", 0ns},          {"5000", 5000ns},
      {"200ms", 200ms},    {"1s", 1s},
      {"1.5s", 1500ms},    {".5s", 500ms},
      {"1.s", 1s},         {"1m30s", 90s},
      {"1h30m", 90min},    {"2h45m30.5s", 2h + 45min + 30500ms},
      {"10ns", 10ns},      {"10us", 10us},
      {"10\u00b5s", 10us}, {"10\u03bcs", 10us},
      {"0.001ms", 1us},    {"+3s", 3s},
      {"-1.5h", -90min},   {"2562047h", 2562047h},
  };
  for (const auto& [text, expected] : valid) {
    INFO(text);
    std::optional<std::chrono::nanoseconds> parsed = parse_duration(text);
    REQUIRE(parsed);
    CHECK(parsed->count() == expected.count());
  }
}

TEST_CASE("malformed durations are rejected") {
  for (const char* text : {"", "fast", "s", ".s", "1.5", "1h30", "5 s", "5sec", "1d", "--1s",
                           "1s-2s", "1..5s", "2562048h", "99999999999999999999", "1e3s"}) {
    INFO(text);
    CHECK_FALSE(parse_duration(text));
  }
}

TEST_CASE("a duration is read from the config and a malformed one is an error") {
  Doc doc = batch_doc("    timeout: 1m30s\n    check_interval: fast\n    flush: 12\n");
  ConfigNode batch = doc.batch();
  std::chrono::nanoseconds timeout = 0ns;
  std::chrono::nanoseconds check_interval = 5s;
  std::chrono::nanoseconds flush = 0ns;
  batch.read("timeout", timeout);
  batch.read("check_interval", check_interval);
  batch.read("flush", flush);
  CHECK(timeout == 90s);
  CHECK(check_interval == 5s);
  CHECK(flush == 12ns);
  CHECK(doc.report() ==
        "c.yaml:4:21: error: processors::batch::check_interval: expected a duration like "
        "\"200ms\" or \"1m30s\", found \"fast\"\n");
}

TEST_CASE("a negative duration is an error") {
  Doc doc = batch_doc("    timeout: -5s\n");
  ConfigNode batch = doc.batch();
  std::chrono::nanoseconds timeout = 1s;
  batch.read("timeout", timeout);
  CHECK(timeout == 1s);
  CHECK(doc.report() ==
        "c.yaml:3:14: error: processors::batch::timeout: expected a non-negative duration, "
        "found \"-5s\"\n");
}

// --- lists and enums ----------------------------------------------------------------------------

TEST_CASE("a list of strings is read in order") {
  Doc doc = batch_doc("    receivers: [otlp, jaeger]\n    exporters:\n      - debug\n");
  ConfigNode batch = doc.batch();
  std::vector<std::string> receivers;
  std::vector<std::string> exporters{"old"};
  batch.read("receivers", receivers);
  batch.read("exporters", exporters);
  CHECK(receivers == std::vector<std::string>{"otlp", "jaeger"});
  CHECK(exporters == std::vector<std::string>{"debug"});
  CHECK(doc.report().empty());
}

TEST_CASE("a single string where a list is expected is an error") {
  Doc doc = batch_doc("    receivers: otlp\n");
  ConfigNode batch = doc.batch();
  std::vector<std::string> receivers{"kept"};
  batch.read("receivers", receivers);
  CHECK(receivers == std::vector<std::string>{"kept"});
  CHECK(doc.report() ==
        "c.yaml:3:16: error: processors::batch::receivers: expected a list of strings, found "
        "\"otlp\"\n");
}

TEST_CASE("a list item that is not a string is an error at the item") {
  Doc doc = batch_doc("    receivers:\n      - otlp\n      - {name: x}\n");
  ConfigNode batch = doc.batch();
  std::vector<std::string> receivers{"kept"};
  batch.read("receivers", receivers);
  CHECK(receivers == std::vector<std::string>{"kept"});
  CHECK(doc.report() ==
        "c.yaml:5:9: error: processors::batch::receivers[1]: expected a string, found a map\n");
}

TEST_CASE("read_enum accepts an allowed value") {
  Doc doc = batch_doc("    compression: zstd\n");
  ConfigNode batch = doc.batch();
  std::string compression = "gzip";
  batch.read_enum("compression", compression, {"none", "gzip", "zstd"});
  CHECK(compression == "zstd");
  CHECK(doc.report().empty());
}

TEST_CASE("read_enum lists the allowed values and suggests the closest") {
  Doc doc = batch_doc("    compression: gzp\n    mode: fast\n");
  ConfigNode batch = doc.batch();
  std::string compression = "none";
  std::string mode = "sync";
  batch.read_enum("compression", compression, {"none", "gzip", "zstd"});
  batch.read_enum("mode", mode, {"sync"});
  CHECK(compression == "none");
  CHECK(mode == "sync");
  CHECK(doc.report() ==
        "c.yaml:3:18: error: processors::batch::compression: expected one of \"none\", "
        "\"gzip\" or \"zstd\", found \"gzp\" (did you mean 'gzip'?)\n"
        "c.yaml:4:11: error: processors::batch::mode: expected \"sync\", found \"fast\"\n");
}

// --- unknown and required keys ------------------------------------------------------------------

TEST_CASE("an unknown key is reported at the key with a did-you-mean among known keys") {
  Doc doc = batch_doc("    timeout: 1s\n    send_batch_sise: 10\n");
  ConfigNode batch = doc.batch();
  std::chrono::nanoseconds timeout{};
  std::uint32_t send_batch_size = 8192;
  std::uint32_t send_batch_max_size = 0;
  batch.read("timeout", timeout);
  batch.read("send_batch_size", send_batch_size);
  batch.read("send_batch_max_size", send_batch_max_size);
  batch.finish();
  CHECK(send_batch_size == 8192);
  CHECK(doc.report() ==
        "c.yaml:4:5: error: processors::batch: unknown key 'send_batch_sise' "
        "(did you mean 'send_batch_size'?)\n");
}

TEST_CASE("an unknown key with no known key close to it gets no hint") {
  Doc doc = batch_doc("    timeout: 1s\n    compression: gzip\n");
  ConfigNode batch = doc.batch();
  std::chrono::nanoseconds timeout{};
  batch.read("timeout", timeout);
  batch.finish();
  CHECK(doc.report() == "c.yaml:4:5: error: processors::batch: unknown key 'compression'\n");
}

TEST_CASE("finish does not report keys that were read, asked about or taken as children") {
  Doc doc = batch_doc(
      "    a: 1\n    b: 2\n    c: {}\n    d: 4\n    e: x\n    f: [y]\n    g: ~\n"
      "    h: z\n");
  ConfigNode batch = doc.batch();
  int a = 0;
  std::string e;
  std::vector<std::string> f;
  std::string h;
  batch.read("a", a);
  CHECK(batch.has("b"));
  CHECK(batch.child("c"));
  batch.require("d");
  batch.read("e", e);
  batch.read("f", f);
  CHECK(batch.required_child("g"));
  batch.read_enum("h", h, {"z"});
  batch.finish();
  CHECK(doc.report().empty());
}

TEST_CASE("a missing required key is an error at the section") {
  Doc doc = batch_doc("    timeout: 1s\n");
  ConfigNode batch = doc.batch();
  batch.require("check_interval");
  CHECK_FALSE(batch.required_child("limits"));
  std::chrono::nanoseconds timeout{};
  batch.read("timeout", timeout);
  batch.finish();
  CHECK(doc.report() ==
        "c.yaml:3:5: error: processors::batch: missing required key 'check_interval'\n"
        "c.yaml:3:5: error: processors::batch: missing required key 'limits'\n");
}

TEST_CASE("a missing required key in an empty section is reported at the section's key") {
  Doc doc("processors:\n  memory_limiter:\n");
  std::optional<ConfigNode> limiter = doc.node().child("processors")->child("memory_limiter");
  REQUIRE(limiter);
  CHECK(limiter->is_null());
  limiter->require("check_interval");
  limiter->finish();
  CHECK(doc.report() ==
        "c.yaml:2:3: error: processors::memory_limiter: missing required key 'check_interval'\n");
}

TEST_CASE("reading keys of a section that is not a map is a single error") {
  Doc doc("processors:\n  batch: 5\n");
  ConfigNode batch = doc.batch();
  int size = 1;
  batch.read("size", size);
  CHECK_FALSE(batch.has("timeout"));
  batch.require("check_interval");
  CHECK(batch.entries().empty());
  batch.finish();
  CHECK(size == 1);
  CHECK(doc.report() == "c.yaml:2:10: error: processors::batch: expected a map, found \"5\"\n");
}

// --- entries, items, as_string
// --------------------------------------------------------------------

TEST_CASE("entries lists a map's children in document order and marks them used") {
  Doc doc("exporters:\n  otlp/2: {}\n  debug:\n  otlp: {endpoint: x}\n");
  std::optional<ConfigNode> exporters = doc.node().child("exporters");
  REQUIRE(exporters);
  std::vector<std::pair<std::string, ConfigNode>> entries = exporters->entries();
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].first == "otlp/2");
  CHECK(entries[1].first == "debug");
  CHECK(entries[1].second.is_null());
  CHECK(entries[2].first == "otlp");
  CHECK(entries[2].second.path() == "exporters::otlp");
  CHECK(entries[2].second.mark().line == 4);
  exporters->finish();
  CHECK(doc.report().empty());
}

TEST_CASE("entries of null is empty and entries of a list is an error") {
  Doc doc("extensions:\nexporters: [otlp]\n");
  ConfigNode root = doc.node();
  CHECK(root.child("extensions")->entries().empty());
  CHECK(root.child("exporters")->entries().empty());
  CHECK(doc.report() == "c.yaml:2:12: error: exporters: expected a map, found a list\n");
}

TEST_CASE("items lists a list's children with indexed paths") {
  Doc doc("headers:\n  - a\n  - {b: 1}\n");
  std::optional<ConfigNode> headers = doc.node().child("headers");
  REQUIRE(headers);
  std::vector<ConfigNode> items = headers->items();
  REQUIRE(items.size() == 2);
  CHECK(items[0].as_string() == "a");
  CHECK(items[1].path() == "headers[1]");
  CHECK(items[1].kind() == Kind::kMap);
  CHECK(items[1].mark().line == 3);
  CHECK(doc.report().empty());
}

TEST_CASE("items of null is empty and items of a map is an error") {
  Doc doc("a:\nb: {c: 1}\n");
  ConfigNode root = doc.node();
  CHECK(root.child("a")->items().empty());
  CHECK(root.child("b")->items().empty());
  CHECK(doc.report() == "c.yaml:2:4: error: b: expected a list, found a map\n");
}

TEST_CASE("as_string returns a scalar's text and is an error for anything else") {
  Doc doc("a: text\nb: [1]\nc:\n");
  ConfigNode root = doc.node();
  CHECK(root.child("a")->as_string() == "text");
  CHECK_FALSE(root.child("b")->as_string());
  CHECK_FALSE(root.child("c")->as_string());
  CHECK(doc.report() ==
        "c.yaml:2:4: error: b: expected a string, found a list\n"
        "c.yaml:3:1: error: c: expected a string, found null\n");
}

// --- reporting helpers --------------------------------------------------------------------------

TEST_CASE("error_at points at a key; error and warn at the node itself") {
  Doc doc = batch_doc("    limit_mib: 10\n    spike_limit_mib: 20\n");
  ConfigNode batch = doc.batch();
  batch.error_at("spike_limit_mib", "must be less than limit_mib", "lower it");
  batch.error_at("absent", "falls back to the section");
  batch.warn("deprecated");
  CHECK(doc.report() ==
        "c.yaml:3:5: error: processors::batch::absent: falls back to the section\n"
        "c.yaml:3:5: warning: processors::batch: deprecated\n"
        "c.yaml:4:5: error: processors::batch::spike_limit_mib: must be less than limit_mib "
        "(lower it)\n");
}
