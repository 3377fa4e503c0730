#include "exporters/common/queued_exporter.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/storage.h"
#include "exporters/common/exporter_telemetry.h"
#include "exporters/common/request_queue.h"

namespace spanflow::exporters {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::nanoseconds;
constexpr auto kNoTimeout = std::chrono::hours(24 * 365);

// The log's name in the storage: the Collector's "<kind>_<type>_<name>_<signal>" shape.
std::string log_name(const ComponentId& id) {
  const auto clean = [](std::string text) {
    for (char& c : text) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
    }
    return text;
  };
  return "exporter_" + clean(id.type) + (id.name.empty() ? "" : "_" + clean(id.name)) + "_traces";
}

std::string seconds(nanoseconds d) {
  return fmt::format("{:.3g}s", std::chrono::duration<double>(d).count());
}

}  // namespace

class QueuedExporter::Impl {
 public:
  Impl(const CreateSettings& settings, const DeliveryConfig& config, std::unique_ptr<Sender> sender,
       JitterSource jitter)
      : settings_(settings),
        config_(config),
        sender_(std::move(sender)),
        jitter_(std::move(jitter)),
        telemetry_(settings, config.sending_queue) {}

  ~Impl() { shutdown(Clock::now()); }

  bool reads_spans() const { return sender_->reads_spans(); }

  void start(Host& host) {
    sender_->start();
    try {
      open_queue(host);
    } catch (...) {
      sender_->shutdown();
      throw;
    }
    std::lock_guard lock(mu_);
    state_ = State::kRunning;
    if (queue_) {
      for (int i = 0; i < config_.sending_queue.num_consumers; ++i) {
        consumers_.emplace_back([this] { consume_queue(); });
      }
    }
  }

  void open_queue(Host& host) {
    const QueueConfig& q = config_.sending_queue;
    if (q.enabled && q.storage) {
      queue_ = make_persistent_queue(q, open_log(host, *q.storage), *telemetry_.queue_size,
                                     [this](const std::string& e) { telemetry_.loss(e); });
      const QueueTotals left = queue_->waiting();
      if (left.requests > 0) {
        settings_.logger->info(
            "exporter {}: {} requests ({} spans) recovered from the "
            "persistent queue",
            id(), left.requests, left.spans);
      }
    } else if (q.enabled) {
      queue_ = make_memory_queue(q, *telemetry_.queue_size);
    }
  }

  void shutdown(Deadline deadline) {
    {
      std::lock_guard lock(mu_);
      if (state_ != State::kRunning) {
        state_ = State::kStopped;
        return;
      }
      state_ = State::kStopping;
      deadline_ = deadline;
      abort_waits_ = queue_ && queue_->durable();
    }
    wake_.notify_all();
    if (queue_) queue_->close();
    for (auto& consumer : consumers_) consumer.join();
    consumers_.clear();
    {
      std::unique_lock lock(mu_);
      calls_done_.wait(lock, [this] { return active_calls_ == 0; });
      state_ = State::kStopped;
    }
    sender_->shutdown();
    report_leftovers();
  }

  ConsumeResult consume(TraceBatch&& batch) {
    const std::uint64_t spans = batch.span_count();
    if (!queue_) return send_now(batch, spans);
    if (spans == 0) return ConsumeResult::ok();
    {
      std::lock_guard lock(mu_);
      if (state_ != State::kRunning) return not_running();
    }
    std::string error;
    switch (queue_->offer(std::move(batch), error)) {
      case RequestQueue::Offer::kOk:
        return ConsumeResult::ok();
      case RequestQueue::Offer::kFull:
        telemetry_.enqueue_failed.add(spans);
        telemetry_.retry(fmt::format(
            "exporter {}: sending queue is full (queue_size {} {}); refusing "
            "{} spans",
            id(), config_.sending_queue.queue_size, config_.sending_queue.sizer, spans));
        return ConsumeResult::retryable("sending queue is full", full_queue_hint());
      case RequestQueue::Offer::kTooLarge:
        telemetry_.enqueue_failed.add(spans);
        telemetry_.loss(fmt::format(
            "exporter {}: a request of {} spans is larger than the whole "
            "sending queue (queue_size {} {}); dropping it",
            id(), spans, config_.sending_queue.queue_size, config_.sending_queue.sizer));
        return ConsumeResult::permanent("request is larger than the sending queue's capacity");
      case RequestQueue::Offer::kClosed:
        telemetry_.enqueue_failed.add(spans);
        return not_running();
      case RequestQueue::Offer::kFailed:
        break;
    }
    telemetry_.enqueue_failed.add(spans);
    telemetry_.loss(
        fmt::format("exporter {}: cannot write to the persistent queue, refusing {} "
                    "spans: {}",
                    id(), spans, error));
    return ConsumeResult::retryable("persistent queue write failed: " + error,
                                    std::chrono::seconds(1));
  }

 private:
  enum class State { kNew, kRunning, kStopping, kStopped };
  enum class Outcome { kDelivered, kDropped, kAbandoned };
  struct Delivery {
    Outcome outcome;
    SendResult last;
  };

  std::string id() const { return settings_.id.to_string(); }

  std::unique_ptr<RecordLog> open_log(Host& host, const ComponentId& storage_id) {
    Extension* extension = host.extension(storage_id);
    const std::string where = "exporter " + id() + ": sending_queue::storage: ";
    if (extension == nullptr) {
      throw std::runtime_error(where + "extension " + storage_id.to_string() +
                               " is not running; define it under extensions and list it in "
                               "service::extensions");
    }
    auto* storage = dynamic_cast<Storage*>(extension);
    if (storage == nullptr) {
      throw std::runtime_error(where + "extension " + storage_id.to_string() +
                               " is not a storage extension");
    }
    try {
      return storage->open_log(log_name(settings_.id));
    } catch (const std::exception& e) {
      throw std::runtime_error(where + e.what());
    }
  }

  ConsumeResult not_running() const {
    return ConsumeResult::retryable("exporter " + id() + " is not running");
  }

  // The hint a refused sender gets: a queue that is full because the backend refuses will not
  // drain before the next retry.
  std::chrono::milliseconds full_queue_hint() const {
    const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(
        config_.retry_on_failure.initial_interval);
    return std::clamp<std::chrono::milliseconds>(interval, std::chrono::seconds(1),
                                                 std::chrono::seconds(10));
  }

  // Queue disabled: one delivery (with its retries) on the caller's thread.
  ConsumeResult send_now(const TraceBatch& batch, std::uint64_t spans) {
    {
      std::lock_guard lock(mu_);
      if (state_ != State::kRunning) return not_running();
      ++active_calls_;
    }
    const Delivery d = spans == 0 ? Delivery{Outcome::kDelivered, {}} : deliver(batch, spans);
    {
      std::lock_guard lock(mu_);
      if (--active_calls_ == 0) calls_done_.notify_all();
    }
    switch (d.outcome) {
      case Outcome::kDelivered: {
        ConsumeResult ok = ConsumeResult::ok();  // a partial success goes back to the client
        ok.rejected_spans = d.last.rejected_spans;
        if (ok.rejected_spans > 0) ok.message = d.last.message;
        return ok;
      }
      case Outcome::kAbandoned:
        telemetry_.send_failed.add(spans);
        return ConsumeResult::retryable(d.last.message, d.last.retry_after);
      case Outcome::kDropped:
        break;
    }
    if (d.last.kind == SendResult::Kind::kPermanent) {
      return ConsumeResult::permanent(d.last.message);
    }
    return ConsumeResult::retryable(d.last.message, d.last.retry_after);
  }

  void consume_queue() {
    while (std::optional<QueuedRequest> request = queue_->take()) {
      if (request->redelivered && telemetry_.redelivered)
        telemetry_.redelivered->add(request->spans);
      Delivery d{Outcome::kAbandoned, {}};
      if (!past_deadline()) d = deliver(request->batch, request->spans);
      if (d.outcome == Outcome::kAbandoned) {
        if (queue_->durable()) {
          kept_requests_.fetch_add(1, std::memory_order_relaxed);
          kept_spans_.fetch_add(request->spans, std::memory_order_relaxed);
          continue;  // not acked: on disk for the next start
        }
        telemetry_.send_failed.add(request->spans);
        dropped_requests_.fetch_add(1, std::memory_order_relaxed);
        dropped_spans_.fetch_add(request->spans, std::memory_order_relaxed);
      }
      queue_->done(*request);
    }
  }

  // Sends with retries until delivered, dropped (permanent, retries off or exhausted) or
  // abandoned (shutdown). Counts sent and failed spans except for abandoned ones.
  Delivery deliver(const TraceBatch& batch, std::uint64_t spans) {
    const auto start = Clock::now();
    Backoff backoff(config_.retry_on_failure, jitter_);
    for (int attempt = 1;; ++attempt) {
      SendResult result = send_once(batch);
      if (result.kind == SendResult::Kind::kOk) {
        const auto rejected =
            std::min<std::uint64_t>(static_cast<std::uint64_t>(result.rejected_spans), spans);
        telemetry_.sent.add(spans - rejected);
        if (rejected > 0 || !result.message.empty()) {
          telemetry_.send_failed.add(rejected);
          telemetry_.loss(
              fmt::format("exporter {}: partial success: the backend rejected {} of {} "
                          "spans (not retried): {}",
                          id(), rejected, spans, result.message));
        }
        return {Outcome::kDelivered, std::move(result)};
      }
      if (result.kind == SendResult::Kind::kPermanent) {
        return drop(spans, std::move(result), "not retryable error");
      }
      if (!config_.retry_on_failure.enabled) {
        return drop(spans, std::move(result), "retry_on_failure is disabled");
      }
      const nanoseconds delay = std::max<nanoseconds>(backoff.next(), result.retry_after);
      const auto wake = Clock::now() + delay;
      const nanoseconds max_elapsed = config_.retry_on_failure.max_elapsed_time;
      if (max_elapsed.count() > 0 && wake - start > max_elapsed) {
        return drop(spans, std::move(result),
                    fmt::format("no more retries left after {} attempts in {}", attempt,
                                seconds(Clock::now() - start)));
      }
      telemetry_.retry(
          fmt::format("exporter {}: sending {} spans failed (attempt {}), retrying in "
                      "{}: {}",
                      id(), spans, attempt, seconds(delay), result.message));
      if (!wait_for_retry(wake)) return {Outcome::kAbandoned, std::move(result)};
    }
  }

  // One attempt; a Sender that breaks its never-throw contract costs a retry, not the process.
  SendResult send_once(const TraceBatch& batch) {
    try {
      return sender_->send(batch, attempt_deadline());
    } catch (const std::exception& e) {
      return SendResult::retryable(std::string("sender failed: ") + e.what());
    }
  }

  Delivery drop(std::uint64_t spans, SendResult result, const std::string& why) {
    telemetry_.send_failed.add(spans);
    telemetry_.loss(
        fmt::format("exporter {}: dropping {} spans ({}): {}", id(), spans, why, result.message));
    return {Outcome::kDropped, std::move(result)};
  }

  // now + timeout, but never past the shutdown deadline.
  Deadline attempt_deadline() const {
    const nanoseconds timeout =
        config_.timeout.count() > 0 ? config_.timeout : nanoseconds(kNoTimeout);
    Deadline d = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
    std::lock_guard lock(mu_);
    return deadline_ ? std::min(d, *deadline_) : d;
  }

  bool past_deadline() const {
    std::lock_guard lock(mu_);
    return deadline_ && Clock::now() >= *deadline_;
  }

  // Waits until `wake`; false when shutdown means the retry will not happen.
  bool wait_for_retry(Deadline wake) {
    std::unique_lock lock(mu_);
    const bool aborted = wake_.wait_until(
        lock, wake, [&] { return abort_waits_ || (deadline_ && *deadline_ < wake); });
    return !aborted;
  }

  void report_leftovers() {
    if (!queue_) return;
    if (queue_->durable()) {
      const QueueTotals waiting = queue_->waiting();
      const auto requests = waiting.requests + kept_requests_.load();
      const auto spans = waiting.spans + kept_spans_.load();
      if (requests > 0) {
        settings_.logger->info(
            "exporter {}: {} requests ({} spans) stay in the persistent queue "
            "for the next start",
            id(), requests, spans);
      }
      return;
    }
    if (dropped_requests_.load() > 0) {
      settings_.logger->error(
          "exporter {}: {} requests ({} spans) could not be sent by the "
          "shutdown deadline and were dropped",
          id(), dropped_requests_.load(), dropped_spans_.load());
    }
  }

  CreateSettings settings_;
  DeliveryConfig config_;
  std::unique_ptr<Sender> sender_;
  JitterSource jitter_;
  ExporterTelemetry telemetry_;

  std::unique_ptr<RequestQueue> queue_;
  std::vector<std::thread> consumers_;

  mutable std::mutex mu_;
  std::condition_variable wake_;        // retry waits; notified at shutdown
  std::condition_variable calls_done_;  // active_calls_ reached 0
  State state_ = State::kNew;
  std::optional<Deadline> deadline_;  // set at shutdown
  bool abort_waits_ = false;          // persistent queue shutting down: stop retrying now
  int active_calls_ = 0;              // send_now() calls in progress

  std::atomic<std::uint64_t> dropped_requests_{0};
  std::atomic<std::uint64_t> dropped_spans_{0};
  std::atomic<std::uint64_t> kept_requests_{0};
  std::atomic<std::uint64_t> kept_spans_{0};
};

QueuedExporter::QueuedExporter(const CreateSettings& settings, const DeliveryConfig& config,
                               std::unique_ptr<Sender> sender, JitterSource jitter)
    : impl_(std::make_unique<Impl>(settings, config, std::move(sender), std::move(jitter))) {}

QueuedExporter::~QueuedExporter() = default;

void QueuedExporter::start(Host& host) {
  impl_->start(host);
}

void QueuedExporter::shutdown(Deadline deadline) {
  impl_->shutdown(deadline);
}

ConsumeResult QueuedExporter::consume(TraceBatch&& batch) {
  return impl_->consume(std::move(batch));
}

bool QueuedExporter::reads_spans() const {
  return impl_->reads_spans();
}

}  // namespace spanflow::exporters
