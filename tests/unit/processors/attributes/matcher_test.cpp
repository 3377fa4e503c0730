// include / exclude: which spans the actions apply to, with the Collector's AND/OR rules.
#include <catch.hpp>

#include "support/spans.h"
#include "unit/processors/attributes/fixture.h"

using namespace spanflow;
using namespace spanflow::testing;
using namespace spanflow::testing::attributes;

namespace {

// Spans span-1 and span-2 of service "checkout", scope spanflow.test 1.0.0, kind SERVER, with
// http.route=/api/items and http.status_code=200 (int); span-2 is a CLIENT span with
// peer.service=db.
otlp::ExportRequest two_spans() {
  otlp::ExportRequest request = make_request(2);
  auto* span2 = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1);
  span2->set_kind(otlp::Span::SPAN_KIND_CLIENT);
  add_attribute(span2->mutable_attributes(), "peer.service", "db");
  return request;
}

// Names of the spans the processor marked, for a config whose action sets hit=true.
std::string processed(const std::string& match_yaml,
                      const otlp::ExportRequest& request = two_spans()) {
  Harness harness("actions: [{key: hit, action: insert, value: true}]\n" + match_yaml);
  const otlp::ExportRequest out = harness.run(request);
  std::string names;
  for (const auto& rs : out.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& span : ss.spans()) {
        for (const auto& kv : span.attributes()) {
          if (kv.key() != "hit") continue;
          names += names.empty() ? span.name() : "," + span.name();
        }
      }
    }
  }
  return names;
}

}  // namespace

TEST_CASE("without include or exclude every span is processed") {
  CHECK(processed("") == "span-1,span-2");
}

TEST_CASE("services match the resource's service.name, any listed item sufficing") {
  CHECK(processed("include: {match_type: strict, services: [checkout]}") == "span-1,span-2");
  CHECK(processed("include: {match_type: strict, services: [other, checkout]}") == "span-1,span-2");
  CHECK(processed("include: {match_type: strict, services: [check]}") == "");
  CHECK(processed("include: {match_type: regexp, services: [eck]}") == "span-1,span-2");
  CHECK(processed("include: {match_type: regexp, services: ['^out']}") == "");
}

TEST_CASE("a resource without service.name has the service name <nil-service-name>") {
  otlp::ExportRequest request = two_spans();
  request.mutable_resource_spans(0)->mutable_resource()->clear_attributes();
  CHECK(processed("include: {match_type: strict, services: [<nil-service-name>]}", request) ==
        "span-1,span-2");
}

TEST_CASE("span_names match the span's name, strict whole or regexp anywhere") {
  CHECK(processed("include: {match_type: strict, span_names: [span-2]}") == "span-2");
  CHECK(processed("include: {match_type: strict, span_names: [span]}") == "");
  CHECK(processed("include: {match_type: regexp, span_names: ['-1$']}") == "span-1");
}

TEST_CASE("span_kinds match the Collector's kind names") {
  CHECK(processed("include: {match_type: strict, span_kinds: [SPAN_KIND_CLIENT]}") == "span-2");
  CHECK(processed("include: {match_type: regexp, span_kinds: [SERVER]}") == "span-1");
}

TEST_CASE("attributes entries must all match; an entry without value asks only for the key") {
  CHECK(processed("include: {match_type: strict, attributes: [{key: peer.service}]}") == "span-2");
  CHECK(processed(R"(include:
  match_type: strict
  attributes: [{key: http.route, value: /api/items}, {key: peer.service, value: db}])") ==
        "span-2");
  CHECK(processed(R"(include:
  match_type: strict
  attributes: [{key: peer.service, value: db}, {key: missing}])") == "");
}

TEST_CASE("strict attribute values compare with their type") {
  CHECK(processed(
            "include: {match_type: strict, attributes: [{key: http.status_code, value: 200}]}") ==
        "span-1,span-2");
  CHECK(processed("include: {match_type: strict, attributes: [{key: http.status_code, value: "
                  "'200'}]}") == "");
}

TEST_CASE("regexp attribute values search the value's text, ints included") {
  CHECK(processed("include: {match_type: regexp, attributes: [{key: http.route, value: "
                  "'^/api/'}]}") == "span-1,span-2");
  CHECK(processed("include: {match_type: regexp, attributes: [{key: http.status_code, value: "
                  "'^2'}]}") == "span-1,span-2");
  CHECK(processed("include: {match_type: regexp, attributes: [{key: peer.service, value: "
                  "'^x'}]}") == "");
}

TEST_CASE("resources entries must all match the resource's attributes") {
  CHECK(processed("include: {match_type: strict, resources: [{key: service.name, value: "
                  "checkout}]}") == "span-1,span-2");
  CHECK(processed("include: {match_type: strict, resources: [{key: service.name, value: "
                  "checkout}, {key: k8s.pod.name}]}") == "");
  CHECK(processed("include: {match_type: regexp, resources: [{key: service.name, value: "
                  "'^check'}]}") == "span-1,span-2");
  CHECK(processed("include: {match_type: regexp, resources: [{key: service.name, value: "
                  "'^bill'}]}") == "");
}

TEST_CASE("libraries match the scope's name and, when given, its version") {
  CHECK(processed("include: {match_type: strict, libraries: [{name: spanflow.test}]}") ==
        "span-1,span-2");
  CHECK(processed("include: {match_type: strict, libraries: [{name: spanflow.test, version: "
                  "1.0.0}]}") == "span-1,span-2");
  CHECK(processed("include: {match_type: strict, libraries: [{name: spanflow.test, version: "
                  "'2.0'}]}") == "");
  CHECK(processed("include: {match_type: regexp, libraries: [{name: '^spanflow'}]}") ==
        "span-1,span-2");
  // The Collector's code requires every library entry to match, though its docs say "any".
  CHECK(processed("include: {match_type: strict, libraries: [{name: other}, {name: "
                  "spanflow.test}]}") == "");
}

TEST_CASE("every property set in one block must match") {
  CHECK(processed("include: {match_type: strict, services: [checkout], span_names: [span-1]}") ==
        "span-1");
  CHECK(processed("include: {match_type: strict, services: [other], span_names: [span-1]}") == "");
}

TEST_CASE("exclude skips the spans it matches") {
  CHECK(processed("exclude: {match_type: strict, span_kinds: [SPAN_KIND_CLIENT]}") == "span-1");
  CHECK(processed("exclude: {match_type: strict, services: [checkout]}") == "");
  CHECK(processed("exclude: {match_type: strict, services: [other]}") == "span-1,span-2");
}

TEST_CASE("a span is processed when include matches it and exclude does not") {
  CHECK(processed(R"(include: {match_type: regexp, span_names: ['^span-']}
exclude: {match_type: strict, attributes: [{key: peer.service}]})") == "span-1");
}

TEST_CASE("include and exclude are checked per resource and per scope") {
  otlp::ExportRequest request = two_spans();
  *request.add_resource_spans() = make_request(1, 10, "billing").resource_spans(0);
  request.mutable_resource_spans(1)->mutable_scope_spans(0)->mutable_scope()->set_name("other");
  CHECK(processed("include: {match_type: strict, services: [billing]}", request) == "span-10");
  CHECK(processed("exclude: {match_type: strict, libraries: [{name: spanflow.test}]}", request) ==
        "span-10");
}
