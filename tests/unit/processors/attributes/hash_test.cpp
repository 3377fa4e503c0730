// The hash action: the Collector's SHA-256 over each type's bytes, and the HMAC-SHA-256 of
// hash_key. Expected digests were computed independently with Python's hashlib/hmac:
//   hashlib.sha256(b"alice"), hashlib.sha256(struct.pack('<q', 42)), ...
#include <catch.hpp>
#include <functional>
#include <map>

#include "unit/processors/attributes/fixture.h"

using namespace spanflow;
using namespace spanflow::testing::attributes;

namespace {

constexpr const char* kHashV = "actions: [{key: v, action: hash}]";

std::string hash_of(const std::string& yaml, const std::function<void(otlp::AnyValue&)>& set,
                    const std::map<std::string, std::string>& env = {}) {
  Attributes attrs;
  set(put(attrs, "v"));
  Harness harness(yaml, env);
  return harness.run_attributes(attrs);
}

}  // namespace

TEST_CASE("hash replaces a string with the lowercase hex SHA-256 of its UTF-8 bytes") {
  CHECK(hash_of(kHashV, [](auto& v) { v.set_string_value("alice"); }) ==
        "v=Str(2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90)");
  CHECK(hash_of(kHashV, [](auto& v) { v.set_string_value("환자-7"); }) ==
        "v=Str(78b4ee7c98992f60254fc34c725d24e2f8e8faeebb1c41a96ab4e159bf28a4d2)");
}

TEST_CASE("hash of a bool hashes the single byte 1 or 0") {
  CHECK(hash_of(kHashV, [](auto& v) { v.set_bool_value(true); }) ==
        "v=Str(4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a)");
  CHECK(hash_of(kHashV, [](auto& v) { v.set_bool_value(false); }) ==
        "v=Str(6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d)");
}

TEST_CASE("hash of an int hashes its 8 little-endian two's complement bytes") {
  CHECK(hash_of(kHashV, [](auto& v) { v.set_int_value(42); }) ==
        "v=Str(ed049108bc18f2c64369e8d0ea42850bdd1a7d1dd340cfde716315579702a76c)");
  CHECK(hash_of(kHashV, [](auto& v) { v.set_int_value(-1); }) ==
        "v=Str(12a3ae445661ce5dee78d0650d33362dec29c4f82af05e7e57fb595bbbacf0ca)");
}

TEST_CASE("hash of a double hashes the 8 little-endian bytes of its IEEE-754 bits") {
  CHECK(hash_of(kHashV, [](auto& v) { v.set_double_value(3.14); }) ==
        "v=Str(2ee9194f7fa84ec9aec9742f02ba1a7f76b6b61b6ecf961a925fa9b4a67b22aa)");
}

TEST_CASE("hash of a map, an array, bytes, an empty value or an empty string gives \"\"") {
  CHECK(hash_of(kHashV, [](auto& v) { v.mutable_kvlist_value()->add_values()->set_key("k"); }) ==
        "v=Str()");
  CHECK(hash_of(kHashV, [](auto& v) { v.mutable_array_value()->add_values(); }) == "v=Str()");
  CHECK(hash_of(kHashV, [](auto& v) { v.set_bytes_value("abc"); }) == "v=Str()");
  CHECK(hash_of(kHashV, [](auto&) {}) == "v=Str()");
  CHECK(hash_of(kHashV, [](auto& v) { v.set_string_value(""); }) == "v=Str()");
}

TEST_CASE("hash of a missing key changes nothing") {
  Attributes attrs;
  put_str(attrs, "other", "alice");
  Harness harness(kHashV);
  CHECK(harness.run_attributes(attrs) == "other=Str(alice)");
}

TEST_CASE("hash by pattern hashes every attribute whose name matches") {
  Attributes attrs;
  put_str(attrs, "user.email", "alice");
  put_int(attrs, "user.number", 42);
  put_str(attrs, "http.route", "alice");
  Harness harness("actions: [{action: hash, pattern: '^user\\.'}]");
  CHECK(harness.run_attributes(attrs) ==
        "user.email=Str(2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90), "
        "user.number=Str(ed049108bc18f2c64369e8d0ea42850bdd1a7d1dd340cfde716315579702a76c), "
        "http.route=Str(alice)");
}

TEST_CASE(
    "an attribute named by key that also matches pattern is hashed twice, as in the Collector") {
  // sha256(hex(sha256("alice"))), computed with hashlib.
  CHECK(hash_of("actions: [{key: v, action: hash, pattern: '^v$'}]", [](auto& v) {
          v.set_string_value("alice");
        }) == "v=Str(77555306307cbe22a6ee527f56c73377eebe0c6f0e649d393d917fa96fea30ed)");
}

TEST_CASE("hash_key makes the digest an HMAC-SHA-256 under that key") {
  const std::string yaml = R"(
actions:
  - key: v
    action: hash
    hash_key: ${env:HASH_KEY}
)";
  const std::map<std::string, std::string> env{{"HASH_KEY", "secret-key"}};
  // hmac.new(b"secret-key", b"alice", hashlib.sha256) and the same over struct.pack('<q', 42).
  CHECK(hash_of(
            yaml, [](auto& v) { v.set_string_value("alice"); }, env) ==
        "v=Str(5c7dff8695e1bf7eab3bf03a9c7950b11f00f74f0712340fb6a84885091392ab)");
  CHECK(hash_of(
            yaml, [](auto& v) { v.set_int_value(42); }, env) ==
        "v=Str(b62bb05eec7b6432dd7d89f582ca920d8142d3295c931f6cc219b8bbed8e458c)");
}
