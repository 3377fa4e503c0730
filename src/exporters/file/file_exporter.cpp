#include "exporters/file/file_exporter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "codec/otlp_json.h"

namespace spanflow::exporters::file {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kWriteThreshold = 256 * 1024;       // write early past this
constexpr std::size_t kBufferCap = 64 * 1024 * 1024;      // refuse past this while failing
constexpr std::size_t kSpareBuffers = 4;                  // encode buffers kept for reuse
constexpr std::size_t kSpareCapacity = 64 * 1024 * 1024;  // larger ones are freed
constexpr std::uint64_t kCacheWindow = 32 * 1024 * 1024;  // see the header: page cache

// "dir/name-2022-09-14T05-02-14.173.ext": the Collector's (lumberjack's) backup naming.
fs::path backup_name(const fs::path& path, bool localtime) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  if (localtime) {
    localtime_r(&t, &tm);
  } else {
    gmtime_r(&t, &tm);
  }
  char stamp[96];
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d-%02d-%02d.%03d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  const std::string base = path.stem().string() + "-" + stamp;
  fs::path name = path.parent_path() / (base + path.extension().string());
  // Two rotations within a millisecond must not overwrite each other's backup.
  for (int n = 1; fs::exists(name); ++n) {
    name = path.parent_path() / (base + "-" + std::to_string(n) + path.extension().string());
  }
  return name;
}

// Removes backups beyond max_backups (oldest first) and older than max_days.
void prune_backups(const fs::path& path, const RotationConfig& rotation) {
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  const std::string prefix = path.stem().string() + "-";
  const std::string ext = path.extension().string();
  std::vector<fs::path> backups;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > prefix.size() + ext.size() && name.starts_with(prefix) &&
        name.ends_with(ext) && entry.path() != path) {
      backups.push_back(entry.path());
    }
  }
  std::sort(backups.begin(), backups.end());  // timestamps sort by name
  const auto now = fs::file_time_type::clock::now();
  for (std::size_t i = 0; i < backups.size(); ++i) {
    const bool too_many = rotation.max_backups > 0 &&
                          backups.size() - i > static_cast<std::size_t>(rotation.max_backups);
    bool too_old = false;
    if (rotation.max_days > 0) {
      const auto age = now - fs::last_write_time(backups[i], ec);
      too_old = !ec && age > std::chrono::hours(24 * rotation.max_days);
    }
    if (too_many || too_old) fs::remove(backups[i], ec);
  }
}

}  // namespace

FileExporter::FileExporter(const CreateSettings& settings, const Config& config)
    : settings_(settings), config_(config), telemetry_(settings) {}

FileExporter::~FileExporter() {
  shutdown(std::chrono::steady_clock::now());
}

void FileExporter::start(Host&) {
  std::lock_guard lock(mu_);
  if (config_.create_directory) {
    std::error_code ec;
    const fs::path dir = fs::path(config_.path).parent_path();
    if (!dir.empty()) fs::create_directories(dir, ec);
    if (ec) {
      throw std::runtime_error("exporter " + settings_.id.to_string() + ": cannot create " +
                               dir.string() + ": " + ec.message());
    }
  }
  open_locked();
  running_ = true;
  flusher_ = std::thread([this] { flusher(); });
}

void FileExporter::open_locked() {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (config_.append ? O_APPEND : O_TRUNC);
  fd_ = ::open(config_.path.c_str(), flags, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("exporter " + settings_.id.to_string() + ": cannot open " +
                             config_.path + ": " + std::strerror(errno));
  }
  struct stat st {};
  const bool stat_ok = ::fstat(fd_, &st) == 0;
  file_bytes_ = stat_ok ? static_cast<std::uint64_t>(st.st_size) : 0;
  regular_file_ = stat_ok && S_ISREG(st.st_mode);
  writeback_from_ = released_to_ = file_bytes_;
}

void FileExporter::shutdown(Deadline) {
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    running_ = false;
  }
  wake_.notify_all();
  flusher_.join();
  std::lock_guard lock(mu_);
  flush_locked();
  if (!buffer_.empty()) {
    telemetry_.send_failed.add(buffer_spans_);
    settings_.logger->error(
        "exporter {}: {} spans ({} bytes) could not be written to {} at shutdown",
        settings_.id.to_string(), buffer_spans_, buffer_.size(), config_.path);
  }
  ::close(fd_);
  fd_ = -1;
}

ConsumeResult FileExporter::consume(TraceBatch&& batch) {
  // Encode outside the lock (into a buffer kept from an earlier call, so a large batch does
  // not fault in fresh pages every time); only the append is serialized.
  std::string record = take_spare();
  if (config_.format == "json") {
    codec::encode_trace_request(batch.request(), record);
    record.push_back('\n');
  } else {
    const auto size = batch.wire_size();
    record.resize(4 + size);
    const auto n = static_cast<std::uint32_t>(size);
    record[0] = static_cast<char>(n >> 24);
    record[1] = static_cast<char>(n >> 16);
    record[2] = static_cast<char>(n >> 8);
    record[3] = static_cast<char>(n);
    batch.write_wire(reinterpret_cast<std::uint8_t*>(&record[4]), size);
  }
  std::lock_guard lock(mu_);
  if (!running_) return ConsumeResult::retryable("file exporter is not running");
  if (write_failing_ && buffer_.size() + record.size() > kBufferCap) {
    return ConsumeResult::retryable("file exporter cannot write to " + config_.path,
                                    std::chrono::seconds(1));
  }
  if (buffer_.empty()) {
    buffer_.swap(record);  // no copy
  } else {
    buffer_ += record;
  }
  buffer_spans_ += batch.span_count();
  if (buffer_.size() >= kWriteThreshold) flush_locked();
  give_back_locked(std::move(record));
  return ConsumeResult::ok();
}

std::string FileExporter::take_spare() {
  std::lock_guard lock(mu_);
  if (spare_.empty()) return {};
  std::string s = std::move(spare_.back());
  spare_.pop_back();
  s.clear();
  return s;
}

void FileExporter::give_back_locked(std::string&& buffer) {
  if (spare_.size() < kSpareBuffers && buffer.capacity() <= kSpareCapacity) {
    spare_.push_back(std::move(buffer));
  }
}

void FileExporter::flush_locked() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    if (config_.rotation && file_bytes_ > 0 &&
        file_bytes_ + (buffer_.size() - done) > config_.rotation->max_megabytes * 1024 * 1024) {
      buffer_.erase(0, done);
      done = 0;
      rotate_locked();
    }
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (!write_failing_) {
        settings_.logger->error("exporter {}: write to {} failed: {}; keeping {} bytes to retry",
                                settings_.id.to_string(), config_.path, std::strerror(errno),
                                buffer_.size() - done);
      }
      write_failing_ = true;
      break;
    }
    done += static_cast<std::size_t>(n);
    file_bytes_ += static_cast<std::uint64_t>(n);
  }
  buffer_.erase(0, done);
  if (done > 0) release_written_pages_locked();
  if (buffer_.empty()) {
    write_failing_ = false;
    telemetry_.sent.add(buffer_spans_);
    buffer_spans_ = 0;
  }
}

void FileExporter::release_written_pages_locked() {
  if (!regular_file_ || file_bytes_ - writeback_from_ < kCacheWindow) return;
  // Both calls are advice: when one fails the pages stay cached, as with any write.
  const auto off = [](std::uint64_t n) { return static_cast<off_t>(n); };
  (void)::sync_file_range(fd_, off(writeback_from_), off(file_bytes_ - writeback_from_),
                          SYNC_FILE_RANGE_WRITE);
  if (writeback_from_ > released_to_) {  // a length of 0 would mean "to the end"
    (void)::posix_fadvise(fd_, off(released_to_), off(writeback_from_ - released_to_),
                          POSIX_FADV_DONTNEED);
  }
  released_to_ = writeback_from_;
  writeback_from_ = file_bytes_;
}

void FileExporter::rotate_locked() {
  ::close(fd_);
  std::error_code ec;
  fs::rename(config_.path, backup_name(config_.path, config_.rotation->localtime), ec);
  if (ec) {
    settings_.logger->error("exporter {}: cannot rotate {}: {}", settings_.id.to_string(),
                            config_.path, ec.message());
  }
  const bool append = config_.append;
  config_.append = false;
  try {
    open_locked();
  } catch (const std::runtime_error& e) {
    settings_.logger->error("{}", e.what());  // writes now fail with EBADF and are retried
    fd_ = -1;
  }
  config_.append = append;
  prune_backups(config_.path, *config_.rotation);
}

void FileExporter::flusher() {
  std::unique_lock lock(mu_);
  while (running_) {
    wake_.wait_for(lock, config_.flush_interval, [this] { return !running_; });
    flush_locked();
  }
}

}  // namespace spanflow::exporters::file
