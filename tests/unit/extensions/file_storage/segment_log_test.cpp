#include "extensions/file_storage/segment_log.h"

#include <fcntl.h>
#include <spdlog/sinks/null_sink.h>
#include <unistd.h>

#include <catch.hpp>
#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"

using namespace spanflow;
using spanflow::extensions::file_storage::LogOptions;
using spanflow::extensions::file_storage::SegmentLog;
using spanflow::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<spdlog::logger> quiet() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

std::unique_ptr<SegmentLog> open(const TempDir& dir, LogOptions options = {}) {
  return std::make_unique<SegmentLog>(dir.path() / "q", options, quiet());
}

void append(SegmentLog& log, const std::string& data, std::uint32_t weight = 1) {
  std::string error;
  REQUIRE(log.append(data, weight, error));
  REQUIRE(error.empty());
}

RecordLog::Record next(SegmentLog& log) {
  std::string error;
  auto record = log.next(error);
  INFO(error);
  REQUIRE(record);
  return *record;
}

std::vector<fs::path> segments(const TempDir& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir.path() / "q")) {
    if (e.path().filename().string().starts_with("seg-")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("records come out in order, once, with their weight, and acks are remembered") {
  TempDir dir;
  {
    auto log = open(dir);
    append(*log, "first", 3);
    append(*log, "second", 5);
    append(*log, "third", 7);
    CHECK(log->waiting().records == 3);
    CHECK(log->waiting().bytes == 16);
    CHECK(log->waiting().weight == 15);
    const auto a = next(*log);
    CHECK(a.data == "first");
    CHECK(a.weight == 3);
    CHECK_FALSE(a.redelivered);
    const auto b = next(*log);
    CHECK(b.data == "second");
    CHECK(log->waiting().records == 1);
    log->ack(a.index);
    // "second" was handed out but not acked; "third" never handed out.
  }
  auto log = open(dir);
  CHECK(log->recovery().records == 2);
  CHECK(log->recovery().redelivered == 1);
  CHECK(log->waiting().records == 2);
  const auto b = next(*log);
  CHECK(b.data == "second");
  CHECK(b.redelivered);
  const auto c = next(*log);
  CHECK(c.data == "third");
  CHECK_FALSE(c.redelivered);
  std::string error;
  CHECK_FALSE(log->next(error));
  CHECK(error.empty());
}

TEST_CASE("acks out of order are kept across a restart and nothing acked comes back") {
  TempDir dir;
  {
    auto log = open(dir);
    for (int i = 0; i < 5; ++i) append(*log, "r" + std::to_string(i));
    std::vector<RecordLog::Record> out;
    for (int i = 0; i < 5; ++i) out.push_back(next(*log));
    log->ack(out[1].index);
    log->ack(out[3].index);
    log->ack(out[4].index);
  }
  auto log = open(dir);
  CHECK(next(*log).data == "r0");
  CHECK(next(*log).data == "r2");
  std::string error;
  CHECK_FALSE(log->next(error));
  // New records continue the numbering, after everything the old run used.
  append(*log, "r5");
  const auto r5 = next(*log);
  CHECK(r5.data == "r5");
  CHECK(r5.index == 5);
}

TEST_CASE("a torn record at the end of the last segment is cut off and appends continue") {
  TempDir dir;
  {
    auto log = open(dir);
    append(*log, "whole-1");
    append(*log, "whole-2");
  }
  const auto seg = segments(dir).at(0);
  const auto whole_size = fs::file_size(seg);
  SECTION("a header cut short") {
    std::ofstream(seg, std::ios::app | std::ios::binary) << std::string("\x05\x00\x00", 3);
  }
  SECTION("a full header whose payload never made it") {
    std::string header(20, '\0');
    header[0] = 100;  // length 100, but nothing follows
    header[8] = 2;    // the right index
    std::ofstream(seg, std::ios::app | std::ios::binary) << header << "partial";
  }
  SECTION("a record whose bytes do not match its checksum") {
    {
      auto log = open(dir);
      append(*log, "whole-3");
    }
    // Flip a payload byte of the last record.
    const int fd = ::open(seg.c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    REQUIRE(::pwrite(fd, "X", 1, static_cast<off_t>(fs::file_size(seg) - 1)) == 1);
    ::close(fd);
  }
  auto log = open(dir);
  CHECK(log->recovery().records == 2);
  CHECK(log->recovery().torn_bytes > 0);
  CHECK(fs::file_size(seg) == whole_size);
  append(*log, "after");
  CHECK(next(*log).data == "whole-1");
  CHECK(next(*log).data == "whole-2");
  CHECK(next(*log).data == "after");
  log.reset();
  auto again = open(dir);  // the appended record is readable after the cut
  CHECK(again->recovery().records == 3);
  CHECK(again->recovery().torn_bytes == 0);
}

TEST_CASE("segments roll over and are deleted once every record in them is acked") {
  TempDir dir;
  LogOptions options;
  options.segment_bytes = 150;  // three records of 20 header + 30 payload bytes per segment
  auto log = open(dir, options);
  const std::string data(30, 'x');
  for (int i = 0; i < 9; ++i) append(*log, data);
  REQUIRE(segments(dir).size() == 3);
  std::vector<RecordLog::Record> out;
  for (int i = 0; i < 9; ++i) out.push_back(next(*log));
  // Acking all of the second segment deletes nothing: the first still has unacked records.
  for (int i = 3; i < 6; ++i) log->ack(out[i].index);
  CHECK(segments(dir).size() == 3);
  for (int i = 0; i < 3; ++i) log->ack(out[i].index);
  CHECK(segments(dir).size() == 1);
  // The segment being appended to stays, even when fully acked.
  for (int i = 6; i < 9; ++i) log->ack(out[i].index);
  CHECK(segments(dir).size() == 1);
  CHECK(log->waiting().records == 0);
  log.reset();
  auto again = open(dir, options);
  CHECK(again->recovery().records == 0);
  append(*again, "next");
  CHECK(next(*again).index == 9);
}

TEST_CASE("a second owner of the same log is refused") {
  TempDir dir;
  auto log = open(dir);
  CHECK_THROWS_WITH(open(dir), Catch::Contains("is in use by another process"));
}

TEST_CASE("the acks file is compacted and still remembers acks after many records") {
  TempDir dir;
  LogOptions options;
  options.fsync = false;  // 60000 fsyncs would only make the test slow
  {
    auto log = open(dir, options);
    for (int i = 0; i < 60000; ++i) {
      append(*log, "r");
      log->ack(next(*log).index);
    }
    append(*log, "last");
    CHECK(fs::file_size(dir.path() / "q" / "acks.log") < 2 * 1024 * 1024);
  }
  auto log = open(dir, options);
  CHECK(log->recovery().records == 1);
  CHECK(next(*log).data == "last");
}
