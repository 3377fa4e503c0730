// The `file` exporter: OTLP/JSON lines or length-prefixed protobuf, buffered, flushed every
// flush_interval and on shutdown, with size-based rotation.
//
// Threads: consume() may be called concurrently; each call encodes outside the lock and only
// appends under it. A flusher thread writes the buffer every flush_interval. What consume()
// accepted is in this process's buffer: written on the next flush and on shutdown. When
// writes fail and the buffer passes its cap, consume() refuses (retryable) instead of growing.
// Spans count as sent once the buffer holding them is written out, and as failed when it still
// cannot be written at shutdown.
//
// Page cache: the file is written once and read by someone else, later. Every kCacheWindow
// bytes the exporter starts writeback of the newest window and hands the window before it
// (on disk by then) back to the kernel, so a node agent's trace file keeps ~2 windows in the
// page cache (Kubernetes charges a pod's page cache to its memory cgroup) and rewrites pages
// that are already mapped instead of touching fresh memory.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/component.h"
#include "core/factory.h"
#include "exporters/common/exporter_telemetry.h"
#include "exporters/file/config.h"

namespace spanflow::exporters::file {

class FileExporter final : public Exporter {
 public:
  FileExporter(const CreateSettings& settings, const Config& config);
  ~FileExporter() override;

  void start(Host& host) override;
  void shutdown(Deadline deadline) override;
  ConsumeResult consume(TraceBatch&& batch) override;
  // format proto writes the request's protobuf as it is; json encodes the decoded request.
  bool reads_spans() const override { return config_.format == "json"; }

 private:
  void flush_locked();
  void release_written_pages_locked();
  void open_locked();
  void rotate_locked();
  void flusher();
  std::string take_spare();
  void give_back_locked(std::string&& buffer);

  CreateSettings settings_;
  Config config_;
  ExporterTelemetry telemetry_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::string buffer_;
  std::uint64_t buffer_spans_ = 0;  // spans with bytes in buffer_
  std::vector<std::string> spare_;  // emptied encode buffers, capacity kept
  int fd_ = -1;
  std::uint64_t file_bytes_ = 0;
  bool regular_file_ = false;         // a pipe or a device keeps no page cache
  std::uint64_t writeback_from_ = 0;  // [released_to_, writeback_from_): being written back
  std::uint64_t released_to_ = 0;
  bool running_ = false;
  bool write_failing_ = false;
  std::thread flusher_;
};

}  // namespace spanflow::exporters::file
