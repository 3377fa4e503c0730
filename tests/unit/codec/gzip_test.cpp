#include "codec/gzip.h"

#include <catch.hpp>

using spanflow::codec::gzip;
using spanflow::codec::inflate;
using spanflow::codec::InflateStatus;

TEST_CASE("gzip data inflates back to the original") {
  const std::string original(100000, 'a');
  std::string out, error;
  REQUIRE(inflate(gzip(original), false, 1 << 20, out, error) == InflateStatus::kOk);
  CHECK(out == original);
}

TEST_CASE("concatenated gzip members inflate to the concatenation") {
  std::string out, error;
  REQUIRE(inflate(gzip("hello ") + gzip("world"), false, 1024, out, error) == InflateStatus::kOk);
  CHECK(out == "hello world");
}

TEST_CASE("inflation stops at the limit instead of allocating a decompression bomb") {
  std::string out, error;
  CHECK(inflate(gzip(std::string(10'000'000, '\0')), false, 1000, out, error) ==
        InflateStatus::kTooLarge);
  CHECK(out.size() <= 1001);
}

TEST_CASE("output of exactly the limit is accepted") {
  std::string out, error;
  CHECK(inflate(gzip(std::string(1000, 'z')), false, 1000, out, error) == InflateStatus::kOk);
  CHECK(out.size() == 1000);
}

TEST_CASE("a truncated gzip stream is corrupt and says so") {
  std::string gz = gzip(std::string(5000, 'q') + "tail");
  gz.resize(gz.size() - 6);
  std::string out, error;
  CHECK(inflate(gz, false, 1 << 20, out, error) == InflateStatus::kCorrupt);
  CHECK(error == "truncated gzip stream");
}

TEST_CASE("bytes that are not gzip are corrupt") {
  std::string out, error;
  CHECK(inflate("this is not gzip", false, 1 << 20, out, error) == InflateStatus::kCorrupt);
  CHECK_FALSE(error.empty());
  CHECK(inflate("", false, 1 << 20, out, error) == InflateStatus::kCorrupt);
}
