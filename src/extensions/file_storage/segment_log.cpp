#include "extensions/file_storage/segment_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace spanflow::extensions::file_storage {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kHeader = 20;                        // length, weight, index, crc
constexpr std::size_t kMark = 13;                          // kind, index, crc
constexpr std::uint32_t kMaxRecord = 1024u * 1024 * 1024;  // a larger length is garbage
constexpr std::uint64_t kCompactAcksAt = 1024 * 1024;

void put32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
void put64(unsigned char* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint32_t get32(const unsigned char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint64_t get64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint32_t crc(const unsigned char* header, std::size_t n, std::string_view payload = {}) {
  uLong c = crc32(0L, header, static_cast<uInt>(n));
  c = crc32(c, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<std::uint32_t>(c);
}

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

bool write_all(int fd, const void* data, std::size_t n, std::uint64_t offset) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
  return true;
}

bool read_all(int fd, void* data, std::size_t n, std::uint64_t offset) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
    offset += static_cast<std::uint64_t>(r);
  }
  return true;
}

void sync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string segment_name(std::uint64_t first) {
  char name[40];
  std::snprintf(name, sizeof name, "seg-%020llu.log", static_cast<unsigned long long>(first));
  return name;
}

}  // namespace

SegmentLog::Fd& SegmentLog::Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

SegmentLog::Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

SegmentLog::SegmentLog(fs::path dir, LogOptions options, std::shared_ptr<spdlog::logger> logger)
    : dir_(std::move(dir)), options_(options), logger_(std::move(logger)) {
  std::error_code ec;
  const bool created = fs::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("cannot create " + dir_.string() + ": " + ec.message());
  if (created && options_.fsync) sync_dir(dir_.parent_path());  // the new directory's entry
  lock_ = Fd(::open((dir_ / "LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (lock_.get() < 0) throw std::runtime_error(errno_text("cannot open " + dir_.string()));
  if (::flock(lock_.get(), LOCK_EX | LOCK_NB) != 0) {
    throw std::runtime_error(dir_.string() + " is in use by another process");
  }
  recover();
}

SegmentLog::~SegmentLog() = default;

void SegmentLog::recover() {
  // Marks from the previous run: 'A' acked, 'D' handed out; 'W' raises the watermark.
  std::map<std::uint64_t, char> marks;
  std::uint64_t watermark = 0;
  {
    std::string text;
    Fd acks(::open((dir_ / "acks.log").c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (acks.get() >= 0 && ::fstat(acks.get(), &st) == 0) {
      text.resize(static_cast<std::size_t>(st.st_size));
      if (!read_all(acks.get(), text.data(), text.size(), 0)) text.clear();
    }
    for (std::size_t off = 0; off + kMark <= text.size(); off += kMark) {
      const auto* frame = reinterpret_cast<const unsigned char*>(text.data() + off);
      if (get32(frame + 9) != crc(frame, 9)) break;  // torn: the rest is not trusted
      const std::uint64_t index = get64(frame + 1);
      if (frame[0] == 'W') {
        watermark = std::max(watermark, index);
      } else if (frame[0] == 'A' || (frame[0] == 'D' && !marks.contains(index))) {
        marks[index] = static_cast<char>(frame[0]);
      }
    }
  }
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("seg-") || !name.ends_with(".log") || name.size() != 28) continue;
    const std::uint64_t first = std::stoull(name.substr(4, 20));
    Segment segment;
    segment.path = entry.path();
    segment.fd = Fd(::open(entry.path().c_str(), O_RDWR | O_CLOEXEC));
    if (segment.fd.get() < 0) throw std::runtime_error(errno_text("cannot open " + name));
    segments_.emplace(first, std::move(segment));
  }
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    scan_segment(it->first, it->second, std::next(it) == segments_.end(), marks, watermark);
  }
  next_index_ = watermark;
  if (!segments_.empty()) {
    const auto& [first, last] = *segments_.rbegin();
    next_index_ = std::max(next_index_, first + last.count);
  }
  cursor_ = pending_.empty() ? next_index_ : pending_.begin()->first;
  delete_acked_segments();
  rewrite_acks();
}

void SegmentLog::scan_segment(std::uint64_t first, Segment& segment, bool last,
                              const std::map<std::uint64_t, char>& marks, std::uint64_t watermark) {
  struct stat st {};
  ::fstat(segment.fd.get(), &st);
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t offset = 0;
  std::string payload;
  unsigned char header[kHeader];
  while (offset < file_size) {
    const std::uint64_t index = first + segment.count;
    bool good =
        offset + kHeader <= file_size && read_all(segment.fd.get(), header, kHeader, offset);
    const std::uint32_t length = good ? get32(header) : 0;
    good = good && length <= kMaxRecord && offset + kHeader + length <= file_size &&
           get64(header + 8) == index;
    if (good) {
      payload.resize(length);
      good = read_all(segment.fd.get(), payload.data(), length, offset + kHeader) &&
             get32(header + 16) == crc(header, 16, payload);
    }
    if (!good) break;
    const auto mark = marks.find(index);
    if (index >= watermark && (mark == marks.end() || mark->second != 'A')) {
      const bool redelivered = mark != marks.end() && mark->second == 'D';
      pending_.emplace(index, Entry{first, offset, length, get32(header + 4), false, redelivered});
      ++waiting_.records;
      waiting_.bytes += length;
      waiting_.weight += get32(header + 4);
      ++recovery_.records;
      if (redelivered) ++recovery_.redelivered;
    }
    offset += kHeader + length;
    ++segment.count;
  }
  segment.size = offset;
  if (offset == file_size) return;
  if (last) {
    // A torn write: cut it off so appends continue from the last whole frame.
    recovery_.torn_bytes = file_size - offset;
    if (::ftruncate(segment.fd.get(), static_cast<off_t>(offset)) == 0) {
      ::fdatasync(segment.fd.get());
    }
    logger_->warn("file_storage: {}: cut {} bytes of an incomplete record from the end",
                  segment.path.string(), recovery_.torn_bytes);
  } else {
    ++recovery_.corrupt_segments;
    logger_->error("file_storage: {}: bad record at offset {}; {} bytes after it are skipped",
                   segment.path.string(), offset, file_size - offset);
  }
}

bool SegmentLog::append(std::string_view data, std::uint32_t weight, std::string& error) {
  if (data.size() > kMaxRecord) {
    error = "record of " + std::to_string(data.size()) + " bytes is too large";
    return false;
  }
  std::lock_guard lock(mu_);
  auto active = segments_.empty() ? segments_.end() : std::prev(segments_.end());
  if (active == segments_.end() || active->first + active->second.count != next_index_ ||
      active->second.size >= options_.segment_bytes) {
    if (!roll(error)) return false;
    active = std::prev(segments_.end());
  }
  Segment& segment = active->second;
  std::string frame(kHeader + data.size(), '\0');
  auto* header = reinterpret_cast<unsigned char*>(frame.data());
  put32(header, static_cast<std::uint32_t>(data.size()));
  put32(header + 4, weight);
  put64(header + 8, next_index_);
  put32(header + 16, crc(header, 16, data));
  std::memcpy(frame.data() + kHeader, data.data(), data.size());
  if (!write_all(segment.fd.get(), frame.data(), frame.size(), segment.size) ||
      (options_.fsync && ::fdatasync(segment.fd.get()) != 0)) {
    error = errno_text("cannot write " + segment.path.string());
    // Nothing half-written may stay in front of the next record.
    if (::ftruncate(segment.fd.get(), static_cast<off_t>(segment.size)) != 0) {
      error += "; cannot truncate it either";
    }
    return false;
  }
  pending_.emplace(next_index_, Entry{active->first, segment.size,
                                      static_cast<std::uint32_t>(data.size()), weight});
  segment.size += frame.size();
  ++segment.count;
  ++next_index_;
  ++waiting_.records;
  waiting_.bytes += data.size();
  waiting_.weight += weight;
  return true;
}

bool SegmentLog::roll(std::string& error) {
  const fs::path path = dir_ / segment_name(next_index_);
  Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    error = errno_text("cannot create " + path.string());
    return false;
  }
  if (options_.fsync) sync_dir(dir_);
  Segment segment;
  segment.path = path;
  segment.fd = std::move(fd);
  segments_.emplace(next_index_, std::move(segment));
  delete_acked_segments();
  return true;
}

std::optional<RecordLog::Record> SegmentLog::next(std::string& error) {
  std::lock_guard lock(mu_);
  auto it = pending_.lower_bound(cursor_);
  if (it == pending_.end()) return std::nullopt;
  Entry& entry = it->second;
  cursor_ = it->first + 1;
  entry.handed_out = true;
  --waiting_.records;
  waiting_.bytes -= entry.length;
  waiting_.weight -= entry.weight;
  Record record{it->first, std::string(entry.length, '\0'), entry.weight, entry.redelivered};
  unsigned char header[kHeader];
  const int fd = segments_.at(entry.segment).fd.get();
  if (!read_all(fd, header, kHeader, entry.offset) ||
      !read_all(fd, record.data.data(), entry.length, entry.offset + kHeader) ||
      get32(header + 16) != crc(header, 16, record.data)) {
    error = "record " + std::to_string(it->first) + " in " +
            segments_.at(entry.segment).path.string() + " cannot be read back; skipped";
    pending_.erase(it);
    write_mark('A', record.index);
    return std::nullopt;
  }
  write_mark('D', record.index);
  return record;
}

void SegmentLog::ack(std::uint64_t index) {
  std::lock_guard lock(mu_);
  const auto it = pending_.find(index);
  if (it == pending_.end()) return;
  if (!it->second.handed_out) {
    --waiting_.records;
    waiting_.bytes -= it->second.length;
    waiting_.weight -= it->second.weight;
  }
  const bool was_oldest = it == pending_.begin();
  pending_.erase(it);
  write_mark('A', index);
  if (was_oldest) delete_acked_segments();
  if (acks_size_ >= kCompactAcksAt) rewrite_acks();
}

RecordLog::Waiting SegmentLog::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_;
}

std::size_t SegmentLog::segment_count() const {
  std::lock_guard lock(mu_);
  return segments_.size();
}

std::uint64_t SegmentLog::watermark() const {
  return pending_.empty() ? next_index_ : pending_.begin()->first;
}

void SegmentLog::write_mark(char kind, std::uint64_t index) {
  if (acks_.get() < 0) return;
  unsigned char frame[kMark];
  frame[0] = static_cast<unsigned char>(kind);
  put64(frame + 1, index);
  put32(frame + 9, crc(frame, 9));
  if (write_all(acks_.get(), frame, kMark, acks_size_)) acks_size_ += kMark;
}

// Replaces acks.log by the watermark and the marks above it, atomically (rename).
void SegmentLog::rewrite_acks() {
  const std::uint64_t low = watermark();
  std::vector<std::pair<char, std::uint64_t>> marks{{'W', low}};
  for (std::uint64_t i = low; i < next_index_; ++i) {
    const auto it = pending_.find(i);
    if (it == pending_.end()) {
      marks.emplace_back('A', i);
    } else if (it->second.handed_out || it->second.redelivered) {
      marks.emplace_back('D', i);
    }
  }
  const fs::path tmp = dir_ / "acks.log.tmp";
  Fd fd(::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  acks_ = std::move(fd);
  acks_size_ = 0;
  for (const auto& [kind, index] : marks) write_mark(kind, index);
  if (acks_.get() < 0 || ::fdatasync(acks_.get()) != 0 ||
      ::rename(tmp.c_str(), (dir_ / "acks.log").c_str()) != 0) {
    logger_->error("file_storage: {}", errno_text("cannot rewrite " + tmp.string()));
    return;
  }
  sync_dir(dir_);
}

// Removes segments, other than the one appended to, whose records are all acked.
void SegmentLog::delete_acked_segments() {
  const std::uint64_t low = watermark();
  while (segments_.size() > 1) {
    auto it = segments_.begin();
    if (it->first + it->second.count > low) break;
    std::error_code ec;
    fs::remove(it->second.path, ec);
    segments_.erase(it);
    ++recovery_.deleted_segments;
  }
}

}  // namespace spanflow::extensions::file_storage
