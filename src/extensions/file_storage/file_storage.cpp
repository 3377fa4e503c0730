#include "extensions/file_storage/file_storage.h"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "extensions/file_storage/segment_log.h"

namespace spanflow::extensions::file_storage {

namespace fs = std::filesystem;

FileStorage::FileStorage(const CreateSettings& settings, const Config& config)
    : settings_(settings), config_(config) {}

void FileStorage::start(Host&) {
  const std::string where =
      "extension " + settings_.id.to_string() + ": directory " + config_.directory + ": ";
  std::error_code ec;
  if (config_.create_directory && !fs::exists(config_.directory, ec)) {
    fs::create_directories(config_.directory, ec);
    if (ec) throw std::runtime_error(where + "cannot create it: " + ec.message());
    fs::permissions(config_.directory, static_cast<fs::perms>(config_.directory_permissions), ec);
  }
  if (!fs::is_directory(config_.directory, ec)) {
    throw std::runtime_error(where + "does not exist or is not a directory" +
                             (config_.create_directory ? "" : " (or set create_directory: true)"));
  }
  if (::access(config_.directory.c_str(), W_OK | X_OK) != 0) {
    throw std::runtime_error(where + "is not writable");
  }
}

std::unique_ptr<RecordLog> FileStorage::open_log(const std::string& name) {
  const bool valid = !name.empty() && name != "." && name != ".." &&
                     name.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789_-.") == std::string::npos;
  if (!valid) throw std::runtime_error("invalid storage name \"" + name + "\"");
  LogOptions options;
  options.fsync = config_.fsync;
  options.segment_bytes = config_.segment_size_mib * 1024 * 1024;
  auto log =
      std::make_unique<SegmentLog>(fs::path(config_.directory) / name, options, settings_.logger);
  settings_.logger->info(
      "extension {}: opened {} ({} waiting records, {} handed out before the "
      "last stop)",
      settings_.id.to_string(), (fs::path(config_.directory) / name).string(),
      log->recovery().records, log->recovery().redelivered);
  return log;
}

}  // namespace spanflow::extensions::file_storage
