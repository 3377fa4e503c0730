// Endpoint: "host:port" as written in config ("0.0.0.0:4317", "localhost:4318", "[::1]:13133").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spanflow::net {

struct Endpoint {
  std::string host;  // without brackets; "" means all interfaces
  std::uint16_t port = 0;

  // nullopt when the text is not host:port with a port in 0..65535.
  static std::optional<Endpoint> parse(std::string_view text);
  // "host:port", with brackets around IPv6 hosts.
  std::string to_string() const;
};

}  // namespace spanflow::net
