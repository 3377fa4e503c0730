// FakeSender: a Sender for QueuedExporter tests that answers from a script, records every
// attempt, and can be held (sends block until released or their deadline).
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/factory.h"
#include "exporters/common/sender.h"
#include "support/spans.h"

namespace spanflow::testing {

class FakeSender final : public exporters::Sender {
 public:
  using SendResult = exporters::SendResult;
  struct Attempt {
    std::chrono::steady_clock::time_point at;
    Deadline deadline;
    std::size_t spans;
  };

  // Answers with `answers` in order, then with `then` for ever.
  void script(std::vector<SendResult> answers, SendResult then = SendResult::ok()) {
    std::lock_guard lock(mu_);
    answers_.assign(answers.begin(), answers.end());
    then_ = std::move(then);
  }
  void hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void release() {
    std::lock_guard lock(mu_);
    held_ = false;
    changed_.notify_all();
  }

  SendResult send(const TraceBatch& batch, Deadline deadline) override {
    std::unique_lock lock(mu_);
    attempts_.push_back({std::chrono::steady_clock::now(), deadline, batch.span_count()});
    changed_.notify_all();
    // A held send waits like a slow backend: until released or its deadline.
    if (!changed_.wait_until(lock, deadline, [this] { return !held_; })) {
      return SendResult::retryable("deadline exceeded");
    }
    SendResult answer = then_;
    if (!answers_.empty()) {
      answer = answers_.front();
      answers_.pop_front();
    }
    if (answer.kind == SendResult::Kind::kOk) {
      delivered_spans_ += batch.span_count();
      delivered_.push_back(batch.request());
    }
    changed_.notify_all();
    return answer;
  }

  // Waits (bounded) until `condition(*this)` holds under the lock.
  template <class F>
  bool await(F condition, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return condition(*this); });
  }

  // Read under the lock, or after the exporter stopped.
  std::vector<Attempt> attempts() {
    std::lock_guard lock(mu_);
    return attempts_;
  }
  std::size_t attempt_count() {
    std::lock_guard lock(mu_);
    return attempts_.size();
  }
  std::size_t delivered_spans() {
    std::lock_guard lock(mu_);
    return delivered_spans_;
  }
  std::vector<otlp::ExportRequest> delivered() {
    std::lock_guard lock(mu_);
    return delivered_;
  }

  // For await() conditions (called with the lock held).
  std::size_t attempts_locked() const { return attempts_.size(); }
  std::size_t delivered_locked() const { return delivered_spans_; }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<SendResult> answers_;
  SendResult then_;
  bool held_ = false;
  std::vector<Attempt> attempts_;
  std::size_t delivered_spans_ = 0;
  std::vector<otlp::ExportRequest> delivered_;
};

// A logger that keeps its formatted lines for the test to read (thread-safe).
class CapturedLog {
 public:
  CapturedLog()
      : sink_(std::make_shared<Sink>()), logger(std::make_shared<spdlog::logger>("test", sink_)) {}

  std::string text() const { return sink_->text(); }
  std::size_t count(const std::string& needle) const {
    const std::string t = text();
    std::size_t n = 0;
    for (auto pos = t.find(needle); pos != std::string::npos; pos = t.find(needle, pos + 1)) ++n;
    return n;
  }

 private:
  class Sink final : public spdlog::sinks::base_sink<std::mutex> {
   public:
    std::string text() {
      std::lock_guard lock(base_sink<std::mutex>::mutex_);
      return text_;
    }

   protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
      spdlog::memory_buf_t formatted;
      base_sink<std::mutex>::formatter_->format(msg, formatted);
      text_.append(formatted.data(), formatted.size());
    }
    void flush_() override {}

   private:
    std::string text_;
  };
  std::shared_ptr<Sink> sink_;

 public:
  std::shared_ptr<spdlog::logger> logger;
};

inline TraceBatch batch_of(int spans, std::uint64_t first = 1) {
  TraceBatch batch;
  batch.mutable_request() = make_request(spans, first);
  return batch;
}

}  // namespace spanflow::testing
