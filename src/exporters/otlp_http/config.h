// Config of the `otlp_http` exporter (alias `otlphttp`): the Collector's keys and defaults.
#pragma once

#include <map>
#include <string>

#include "config/config_node.h"
#include "exporters/common/delivery_config.h"
#include "exporters/common/grpc_client.h"
#include "exporters/otlp_http/http_util.h"

namespace spanflow::exporters::otlp_http {

struct Config {
  std::string endpoint;         // base URL; "/v1/traces" is appended
  std::string traces_endpoint;  // full URL; wins over endpoint
  TlsClientConfig tls;          // for https:// URLs (insecure is meaningless here)
  std::map<std::string, std::string> headers;
  std::string compression = "gzip";  // gzip | none
  std::string encoding = "proto";    // proto | json
  DeliveryConfig delivery;
  Url url;  // the parsed traces URL

  std::vector<ComponentId> required_extensions() const { return delivery.required_extensions(); }

  static Config parse(config::ConfigNode& node);
};

}  // namespace spanflow::exporters::otlp_http
