// Graph: the running components of every traces pipeline and the edges between them.
//
// A receiver named by several pipelines is one instance feeding a fan-out into each of them
// (fan-in is several receivers feeding one pipeline). Processors are created per pipeline, in
// order. An exporter is one instance shared by every pipeline that names it.
// Start: exporters, processors (last to first), receivers. Shutdown: the reverse, so every
// component drains into consumers that are still running.
#pragma once

#include <spdlog/logger.h>

#include <map>
#include <memory>
#include <vector>

#include "service/counting.h"
#include "service/fanout.h"
#include "service/service_config.h"

namespace spanflow::service {

class Graph {
 public:
  // Creates every component; throws std::runtime_error when one cannot be created.
  Graph(const ServiceConfig& config, std::shared_ptr<spdlog::logger> logger,
        telemetry::Metrics& metrics);
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Starts everything; on failure stops what started and rethrows.
  void start(Host& host);
  void shutdown(Deadline deadline);

 private:
  struct Pipeline {
    std::string name;
    std::unique_ptr<Fanout> exporters;                   // null with a single exporter
    std::vector<std::unique_ptr<Processor>> processors;  // in pipeline order
    std::vector<std::unique_ptr<CountingEdge>> edges;    // around the processors
    TraceConsumer* entry = nullptr;

    CountingEdge& add_edge(TraceConsumer& next, std::vector<telemetry::Counter*> counters) {
      edges.push_back(std::make_unique<CountingEdge>(next, std::move(counters)));
      return *edges.back();
    }
  };
  struct Started {
    Component* component;
    std::string description;
  };

  void start_one(Component& component, std::string description, Host& host);

  std::shared_ptr<spdlog::logger> logger_;
  std::map<ComponentId, std::unique_ptr<Exporter>> exporters_;
  std::vector<Pipeline> pipelines_;
  std::vector<std::unique_ptr<Fanout>> receiver_fanouts_;
  std::vector<std::pair<ComponentId, std::unique_ptr<Receiver>>> receivers_;
  std::vector<Started> started_;  // in start order
};

}  // namespace spanflow::service
