#include "net/endpoint.h"

#include <catch.hpp>

using spanflow::net::Endpoint;

TEST_CASE("endpoints parse host and port in every form the Collector accepts") {
  CHECK(Endpoint::parse("0.0.0.0:4317")->host == "0.0.0.0");
  CHECK(Endpoint::parse("0.0.0.0:4317")->port == 4317);
  CHECK(Endpoint::parse("localhost:4318")->host == "localhost");
  CHECK(Endpoint::parse("[::1]:13133")->host == "::1");
  CHECK(Endpoint::parse("[::1]:13133")->to_string() == "[::1]:13133");
  CHECK(Endpoint::parse(":4317")->host.empty());
  CHECK(Endpoint::parse("127.0.0.1:0")->port == 0);
}

TEST_CASE("malformed endpoints are refused") {
  CHECK_FALSE(Endpoint::parse("4317"));
  CHECK_FALSE(Endpoint::parse("localhost:"));
  CHECK_FALSE(Endpoint::parse("localhost:65536"));
  CHECK_FALSE(Endpoint::parse("localhost:43x7"));
  CHECK_FALSE(Endpoint::parse("::1:4317"));
}
