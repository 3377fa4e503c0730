// SegmentLog: the file_storage extension's RecordLog, a crash-safe on-disk queue in one
// directory.
//
// Layout: `seg-<first index>.log` files of frames [u32 length][u32 weight][u64 index]
// [u32 crc32 of the 16 header bytes and the payload][payload] (little-endian), appended in
// index order and rolled over at `segment_bytes`; `acks.log` of 13-byte frames
// [u8 kind][u64 index][u32 crc32] recording records handed out ('D'), acked ('A') and the
// index below which everything is acked ('W'); `LOCK`, flock()ed by the owner.
//
// Durability: append() returns after the frame is written and, with `fsync`, fdatasync()ed
// (a new segment also fsyncs the directory). Acks and hand-out marks are written without
// fsync: a process crash keeps them (page cache); losing them in an OS crash only means
// redelivery. Recovery: the first frame that is short or fails its checksum ends a segment
// (the tail of the last segment is truncated there, a torn write); acked records are
// skipped; segments whose records are all acked are deleted (the one being appended to
// stays). Thread-safe: one mutex.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "core/storage.h"

namespace spanflow::extensions::file_storage {

struct LogOptions {
  bool fsync = true;
  std::uint64_t segment_bytes = 8 * 1024 * 1024;  // roll over past this size
};

// What opening found (and segments deleted since).
struct RecoveryReport {
  std::uint64_t records = 0;           // waiting records recovered
  std::uint64_t redelivered = 0;       // of them, handed out before (possible duplicates)
  std::uint64_t torn_bytes = 0;        // cut from the tail of the last segment
  std::uint64_t corrupt_segments = 0;  // segments (not the last) cut short by a bad frame
  std::uint64_t deleted_segments = 0;  // fully acked segments removed (since opening)
};

class SegmentLog final : public RecordLog {
 public:
  // Opens or creates the log in `dir` (created if missing) and recovers it; throws
  // std::runtime_error when the directory cannot be used or another owner holds it.
  SegmentLog(std::filesystem::path dir, LogOptions options, std::shared_ptr<spdlog::logger> logger);
  ~SegmentLog() override;
  SegmentLog(const SegmentLog&) = delete;
  SegmentLog& operator=(const SegmentLog&) = delete;

  bool append(std::string_view data, std::uint32_t weight, std::string& error) override;
  std::optional<Record> next(std::string& error) override;
  void ack(std::uint64_t index) override;
  Waiting waiting() const override;

  const RecoveryReport& recovery() const { return recovery_; }
  std::size_t segment_count() const;

 private:
  class Fd {
   public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd& operator=(Fd&& o) noexcept;
    ~Fd();
    int get() const { return fd_; }

   private:
    int fd_;
  };
  struct Segment {
    std::filesystem::path path;
    Fd fd;
    std::uint64_t size = 0;   // bytes of valid frames
    std::uint64_t count = 0;  // records
  };
  struct Entry {
    std::uint64_t segment;  // first index of its segment
    std::uint64_t offset;
    std::uint32_t length;
    std::uint32_t weight;
    bool handed_out = false;
    bool redelivered = false;
  };

  void recover();
  void scan_segment(std::uint64_t first, Segment& segment, bool last,
                    const std::map<std::uint64_t, char>& marks, std::uint64_t watermark);
  bool roll(std::string& error);
  void write_mark(char kind, std::uint64_t index);
  void rewrite_acks();
  void delete_acked_segments();
  std::uint64_t watermark() const;

  std::filesystem::path dir_;
  LogOptions options_;
  std::shared_ptr<spdlog::logger> logger_;
  RecoveryReport recovery_;

  mutable std::mutex mu_;
  Fd lock_;
  Fd acks_;
  std::uint64_t acks_size_ = 0;
  std::map<std::uint64_t, Segment> segments_;  // by first index
  std::map<std::uint64_t, Entry> pending_;     // appended, not acked
  std::uint64_t next_index_ = 0;               // of the next append
  std::uint64_t cursor_ = 0;                   // lowest index not handed out
  Waiting waiting_;
};

}  // namespace spanflow::extensions::file_storage
