#include "exporters/googlecloudpubsub/cloudevents.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <limits>

namespace spanflow::exporters::googlecloudpubsub {

std::string ce_source(const std::string& version) {
  return "/opentelemetry/collector/googlecloudpubsub/" + version;
}

std::optional<std::string> random_uuid() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return std::nullopt;
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 15]);
  }
  return out;
}

std::string format_rfc3339_nano(std::int64_t unix_nanos) {
  using namespace std::chrono;
  const sys_time<nanoseconds> time{nanoseconds(std::max<std::int64_t>(unix_nanos, 0))};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{floor<seconds>(time - day)};
  char text[64];
  int n = std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d",
                        static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                        static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                        static_cast<int>(clock.minutes().count()),
                        static_cast<int>(clock.seconds().count()));
  std::string out(text, static_cast<std::size_t>(n));
  const auto fraction = (time - floor<seconds>(time)).count();
  if (fraction != 0) {
    n = std::snprintf(text, sizeof text, ".%09lld", static_cast<long long>(fraction));
    std::string digits(text, static_cast<std::size_t>(n));
    while (digits.back() == '0') digits.pop_back();
    out += digits;
  }
  out.push_back('Z');
  return out;
}

std::int64_t watermark(const otlp::ExportRequest& request, const WatermarkConfig& config,
                       std::int64_t now_unix_nanos) {
  if (config.behavior == WatermarkBehavior::kCurrent) return now_unix_nanos;
  const bool limited = config.allowed_drift.count() > 0;
  const std::int64_t lowest =
      limited ? std::max<std::int64_t>(0, now_unix_nanos - config.allowed_drift.count()) : 0;
  std::int64_t result = now_unix_nanos;
  for (const auto& rs : request.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& span : ss.spans()) {
        const std::uint64_t start = span.start_time_unix_nano();
        if (start >= static_cast<std::uint64_t>(result)) continue;
        const auto t = static_cast<std::int64_t>(start);
        if (limited && t < lowest) return lowest;
        result = t;
      }
    }
  }
  return result;
}

std::map<std::string, std::string> message_attributes(const Config& config,
                                                      const std::string& source,
                                                      const std::string& id,
                                                      std::int64_t ce_time_unix_nanos) {
  std::map<std::string, std::string> out{{"ce-type", kTracesCeType},
                                         {"content-type", "application/protobuf"}};
  for (const auto& [key, value] : config.attributes) out[key] = value;
  if (out["ce-type"].empty()) return out;
  out["ce-specversion"] = "1.0";
  out["ce-id"] = id;
  out["ce-source"] = source;
  out["ce-time"] = format_rfc3339_nano(ce_time_unix_nanos);
  if (config.gzip) out["content-encoding"] = "gzip";
  return out;
}

}  // namespace spanflow::exporters::googlecloudpubsub
