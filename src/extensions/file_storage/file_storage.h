// The `file_storage` extension: crash-safe on-disk logs for exporters' persistent queues
// (sending_queue::storage). Each client gets a SegmentLog in <directory>/<name>/.
//
// Threads: open_log() may be called from any component's start(); the logs it returns are
// independent of the extension object (they may outlive its shutdown).
#pragma once

#include "core/component.h"
#include "core/factory.h"
#include "core/storage.h"
#include "extensions/file_storage/config.h"

namespace spanflow::extensions::file_storage {

class FileStorage final : public Extension, public Storage {
 public:
  FileStorage(const CreateSettings& settings, const Config& config);

  // Creates the directory (create_directory) or checks that it is a writable directory.
  void start(Host& host) override;
  void shutdown(Deadline) override {}
  std::unique_ptr<RecordLog> open_log(const std::string& name) override;

 private:
  CreateSettings settings_;
  Config config_;
};

}  // namespace spanflow::extensions::file_storage
