#include "processors/tail_sampling/decider.h"

namespace spanflow::processors::tail_sampling {

namespace {

constexpr const char* kPerPolicy = "otelcol_processor_tail_sampling_count_traces_sampled_total";
constexpr const char* kGlobal = "otelcol_processor_tail_sampling_global_count_traces_sampled_total";

telemetry::Labels labels(const std::string& processor, const std::string* policy,
                         const char* sampled, const char* decision) {
  telemetry::Labels out{{"processor", processor}};
  if (policy != nullptr) out.emplace_back("policy", *policy);
  out.emplace_back("sampled", sampled);
  out.emplace_back("decision", decision);
  return out;
}

}  // namespace

Decider::Decider(const Config& config, const std::string& processor,
                 const std::string& component_name, telemetry::Metrics& metrics,
                 telemetry::Counter& evaluation_errors, std::shared_ptr<spdlog::logger> logger)
    : sample_on_first_match_(config.sample_on_first_match),
      evaluation_errors_(evaluation_errors),
      logger_(std::move(logger)) {
  for (const bool drops : {true, false}) {
    for (const PolicyConfig& policy : config.policies) {
      if ((policy.type == PolicyType::kDrop) != drops) continue;
      Entry entry{policy.name, build_policy(policy)};
      const std::string label =
          component_name.empty() ? policy.name : component_name + "." + policy.name;
      const char* help = "Traces each policy decided on, by decision";
      entry.sampled =
          &metrics.counter(kPerPolicy, help, labels(processor, &label, "true", "sampled"));
      entry.not_sampled =
          &metrics.counter(kPerPolicy, help, labels(processor, &label, "false", "not_sampled"));
      entry.dropped =
          &metrics.counter(kPerPolicy, help, labels(processor, &label, "false", "dropped"));
      policies_.push_back(std::move(entry));
    }
  }
  const char* help = "Final decisions on traces";
  global_sampled_ = &metrics.counter(kGlobal, help, labels(processor, nullptr, "true", "sampled"));
  global_not_sampled_ =
      &metrics.counter(kGlobal, help, labels(processor, nullptr, "false", "not_sampled"));
  global_dropped_ = &metrics.counter(kGlobal, help, labels(processor, nullptr, "false", "dropped"));
}

Verdict Decider::decide(const TraceView& trace) {
  int first_sampled = -1;
  int first_invert_sampled = -1;
  int first_dropped = -1;
  bool any_not_sampled = false;
  bool any_invert_not_sampled = false;
  const std::string* sub_policy = nullptr;
  for (std::size_t i = 0; i < policies_.size(); ++i) {
    Entry& entry = policies_[i];
    Evaluation evaluation;
    const Decision d = entry.policy->evaluate(trace, evaluation);
    const int index = static_cast<int>(i);
    switch (d) {
      case Decision::kError:
        evaluation_errors_.add();
        logger_->debug("tail_sampling policy '{}' failed and is ignored for this trace: {}",
                       entry.name, evaluation.error);
        continue;
      case Decision::kSampled:
        entry.sampled->add();
        if (first_sampled < 0) {
          first_sampled = index;
          sub_policy = evaluation.sub_policy;
        }
        break;
      case Decision::kInvertSampled:
        entry.sampled->add();
        if (first_invert_sampled < 0) first_invert_sampled = index;
        break;
      case Decision::kNotSampled:
        entry.not_sampled->add();
        any_not_sampled = true;
        break;
      case Decision::kInvertNotSampled:
        entry.not_sampled->add();
        any_invert_not_sampled = true;
        break;
      case Decision::kDropped:
        entry.dropped->add();
        first_dropped = index;
        break;
    }
    if (d == Decision::kDropped) break;
    if (sample_on_first_match_ && d == Decision::kSampled) break;
  }

  Verdict verdict;
  if (first_dropped >= 0) {
    verdict.outcome = Verdict::Outcome::kDropped;
    verdict.policy = first_dropped;
  } else if (any_invert_not_sampled) {
    verdict.outcome = Verdict::Outcome::kNotSampled;
  } else if (first_sampled >= 0) {
    verdict.outcome = Verdict::Outcome::kSampled;
    verdict.policy = first_sampled;
    verdict.sub_policy = sub_policy;
  } else if (first_invert_sampled >= 0 && !any_not_sampled) {
    verdict.outcome = Verdict::Outcome::kSampled;
    verdict.policy = first_invert_sampled;
  }
  switch (verdict.outcome) {
    case Verdict::Outcome::kSampled:
      global_sampled_->add();
      break;
    case Verdict::Outcome::kNotSampled:
      global_not_sampled_->add();
      break;
    case Verdict::Outcome::kDropped:
      global_dropped_->add();
      break;
  }
  return verdict;
}

}  // namespace spanflow::processors::tail_sampling
