// Storage: what a storage extension (file_storage) offers other components, so that an
// exporter's persistent queue can find it through Host::extension() and dynamic_cast without
// including the extension's headers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace spanflow {

// A crash-safe FIFO of opaque records, owned by one client (an exporter's persistent queue).
//
// Records get consecutive indexes in append order. next() hands each record out once per
// process; ack() marks it done for good. After a restart every record appended and not acked
// is handed out again, flagged `redelivered` when it had been handed out before the restart
// (the client may have delivered it already: at-least-once). Thread-safe.
class RecordLog {
 public:
  struct Record {
    std::uint64_t index = 0;
    std::string data;
    std::uint32_t weight = 0;  // the client's number stored with the record (e.g. its spans)
    bool redelivered = false;
  };
  // Records appended and not yet handed out (what a queue would call its size).
  struct Waiting {
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    std::uint64_t weight = 0;
  };

  virtual ~RecordLog() = default;
  // Appends one record. When it returns true the record is on disk (fsynced when the storage
  // is configured to); on false `error` says why and nothing was appended.
  virtual bool append(std::string_view data, std::uint32_t weight, std::string& error) = 0;
  // The oldest record not handed out yet; nullopt when there is none (never blocks). A record
  // that cannot be read back is skipped with `error` set (and acked, so it is not retried).
  virtual std::optional<Record> next(std::string& error) = 0;
  // Marks a handed-out record done (delivered or deliberately dropped).
  virtual void ack(std::uint64_t index) = 0;
  virtual Waiting waiting() const = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;
  // Opens, recovering what a previous run left, the log `name` (letters, digits, '_', '-',
  // '.'). One owner at a time, across processes too. Throws std::runtime_error with context
  // when the log cannot be used.
  virtual std::unique_ptr<RecordLog> open_log(const std::string& name) = 0;
};

}  // namespace spanflow
