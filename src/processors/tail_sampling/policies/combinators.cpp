// and, drop and composite: policies over sub-policies.
#include <map>
#include <mutex>

#include "processors/tail_sampling/policies/makers.h"

namespace spanflow::processors::tail_sampling::policies {

namespace {

using Policies = std::vector<std::unique_ptr<Policy>>;

// Evaluates `subs` in order: kError at the first error; kNotSampled at the first NotSampled or
// InvertNotSampled (inverted results collapse, as in the Collector); else `all_matched`.
Decision all_sampled(Policies& subs, const TraceView& trace, Evaluation& out,
                     Decision all_matched) {
  for (const auto& sub : subs) {
    const Decision d = sub->evaluate(trace, out);
    if (d == Decision::kError) return d;
    if (d == Decision::kNotSampled || d == Decision::kInvertNotSampled) {
      return Decision::kNotSampled;
    }
  }
  return all_matched;
}

class And final : public Policy {
 public:
  explicit And(Policies subs) : subs_(std::move(subs)) {}
  Decision evaluate(const TraceView& trace, Evaluation& out) override {
    return all_sampled(subs_, trace, out, Decision::kSampled);
  }

 private:
  Policies subs_;
};

// Dropped when every sub-policy samples; the processor evaluates drop policies first, and one
// Dropped verdict drops the trace whatever the other policies say.
class Drop final : public Policy {
 public:
  explicit Drop(Policies subs) : subs_(std::move(subs)) {}
  Decision evaluate(const TraceView& trace, Evaluation& out) override {
    return all_sampled(subs_, trace, out, Decision::kDropped);
  }

 private:
  Policies subs_;
};

// Spans-per-second budgets over 1-second windows of the clock. Sub-policies are tried in list
// order; the first that samples decides: the trace is kept if its spans fit both that
// sub-policy's budget and max_total_spans_per_second, else it is not sampled (no fall-through,
// as in the Collector). Budgets: percent% of max_total; an entry with percent 0 gets
// max_total / number of sub-policies; a sub-policy without an entry gets 0.
class Composite final : public Policy {
 public:
  Composite(const PolicyConfig& config, Policies subs)
      : max_total_(config.composite.max_total_spans_per_second) {
    const double total = static_cast<double>(max_total_);
    const double equal_share = subs.empty() ? 0 : total / static_cast<double>(subs.size());
    std::map<std::string, double> allocated;
    for (const RateAllocation& a : config.composite.rate_allocation) {
      allocated[a.policy] =
          a.percent > 0 ? static_cast<double>(a.percent) / 100 * total : equal_share;
    }
    for (std::size_t i = 0; i < subs.size(); ++i) {
      const std::string& name = config.sub_policies[i].name;
      const auto it = allocated.find(name);
      subs_.push_back({name, std::move(subs[i]),
                       it == allocated.end() ? 0 : static_cast<std::int64_t>(it->second), 0});
    }
  }

  Decision evaluate(const TraceView& trace, Evaluation& out) override {
    std::lock_guard lock(mu_);
    const auto second =
        std::chrono::duration_cast<std::chrono::seconds>(trace.now.time_since_epoch()).count();
    if (second != current_second_) {
      current_second_ = second;
      total_ = 0;
      for (Sub& sub : subs_) sub.sampled = 0;
    }
    const auto spans = static_cast<std::int64_t>(trace.span_count);
    for (Sub& sub : subs_) {
      const Decision d = sub.policy->evaluate(trace, out);
      if (d == Decision::kError) return d;
      if (d != Decision::kSampled && d != Decision::kInvertSampled) continue;
      if (sub.sampled + spans <= sub.allocated && total_ + spans <= max_total_) {
        sub.sampled += spans;
        total_ += spans;
        out.sub_policy = &sub.name;
        return Decision::kSampled;
      }
      return Decision::kNotSampled;
    }
    return Decision::kNotSampled;
  }

 private:
  struct Sub {
    std::string name;
    std::unique_ptr<Policy> policy;
    std::int64_t allocated;  // spans per second
    std::int64_t sampled;    // spans kept in the current second
  };

  std::mutex mu_;
  const std::int64_t max_total_;
  std::vector<Sub> subs_;
  std::int64_t current_second_ = -1;
  std::int64_t total_ = 0;
};

}  // namespace

std::unique_ptr<Policy> make_and(Policies subs) {
  return std::make_unique<And>(std::move(subs));
}
std::unique_ptr<Policy> make_drop(Policies subs) {
  return std::make_unique<Drop>(std::move(subs));
}
std::unique_ptr<Policy> make_composite(const PolicyConfig& config, Policies subs) {
  return std::make_unique<Composite>(config, std::move(subs));
}

}  // namespace spanflow::processors::tail_sampling::policies
