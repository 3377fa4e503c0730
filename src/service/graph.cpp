#include "service/graph.h"

#include <stdexcept>

namespace spanflow::service {

namespace {

template <class F>
const F& factory_of(const ComponentSection& section) {
  return static_cast<const F&>(*section.factory);
}

}  // namespace

Graph::Graph(const ServiceConfig& config, std::shared_ptr<spdlog::logger> logger,
             telemetry::Metrics& metrics)
    : logger_(std::move(logger)) {
  const auto settings = [&](const ComponentId& id) {
    return CreateSettings{id, logger_, &metrics};
  };

  for (const auto& p : config.pipelines) {
    for (const auto& id : p.exporters) {
      if (exporters_.contains(id)) continue;
      const auto& section = config.exporters.at(id);
      exporters_[id] = factory_of<ExporterFactory>(section).create(settings(id), *section.config);
    }
  }

  pipelines_.reserve(config.pipelines.size());
  for (const auto& p : config.pipelines) {
    Pipeline pipeline;
    pipeline.name = p.name;
    std::vector<TraceConsumer*> outs;
    for (const auto& id : p.exporters) outs.push_back(exporters_.at(id).get());
    TraceConsumer* next = outs.front();
    if (outs.size() > 1) {
      pipeline.exporters = std::make_unique<Fanout>(std::move(outs));
      next = pipeline.exporters.get();
    }
    // Built from the exporters backwards. The edge after processor i counts i's outgoing and
    // the next processor's incoming items in one place.
    pipeline.processors.resize(p.processors.size());
    std::vector<telemetry::Counter*> entering;  // incoming counter of the processor after i
    for (std::size_t i = p.processors.size(); i-- > 0;) {
      const auto& id = p.processors[i];
      entering.push_back(&processor_outgoing_items(metrics, id.to_string()));
      next = &pipeline.add_edge(*next, std::move(entering));
      const auto& section = config.processors.at(id);
      pipeline.processors[i] =
          factory_of<ProcessorFactory>(section).create(settings(id), *section.config, *next);
      next = pipeline.processors[i].get();
      entering = {&processor_incoming_items(metrics, id.to_string())};
    }
    if (!entering.empty()) next = &pipeline.add_edge(*next, std::move(entering));
    pipeline.entry = next;
    pipelines_.push_back(std::move(pipeline));
  }

  std::map<ComponentId, std::vector<TraceConsumer*>> receiver_targets;
  for (std::size_t i = 0; i < config.pipelines.size(); ++i) {
    for (const auto& id : config.pipelines[i].receivers) {
      receiver_targets[id].push_back(pipelines_[i].entry);
    }
  }
  for (auto& [id, targets] : receiver_targets) {
    TraceConsumer* next = targets.front();
    if (targets.size() > 1) {
      receiver_fanouts_.push_back(std::make_unique<Fanout>(std::move(targets)));
      next = receiver_fanouts_.back().get();
    }
    const auto& section = config.receivers.at(id);
    receivers_.emplace_back(
        id, factory_of<ReceiverFactory>(section).create(settings(id), *section.config, *next));
  }
}

Graph::~Graph() {
  shutdown(std::chrono::steady_clock::now());
}

void Graph::start_one(Component& component, std::string description, Host& host) {
  component.start(host);
  logger_->debug("started {}", description);
  started_.push_back({&component, std::move(description)});
}

void Graph::start(Host& host) {
  try {
    for (auto& [id, exporter] : exporters_)
      start_one(*exporter, "exporter " + id.to_string(), host);
    for (auto& pipeline : pipelines_) {
      for (auto it = pipeline.processors.rbegin(); it != pipeline.processors.rend(); ++it) {
        start_one(**it, "processor in pipeline " + pipeline.name, host);
      }
    }
    for (auto& [id, receiver] : receivers_)
      start_one(*receiver, "receiver " + id.to_string(), host);
  } catch (...) {
    shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    throw;
  }
}

void Graph::shutdown(Deadline deadline) {
  // Reverse start order: receivers, then processors front to back, then exporters.
  while (!started_.empty()) {
    Started s = started_.back();
    started_.pop_back();
    s.component->shutdown(deadline);
    logger_->debug("stopped {}", s.description);
  }
}

}  // namespace spanflow::service
