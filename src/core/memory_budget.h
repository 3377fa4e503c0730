// MemoryBudget: bytes of span data the process may hold, shared by the receivers that admit
// data and the memory_limiter that owns the budget.
//
// A Reservation is a held share: it travels with the TraceBatch it was made for and gives its
// bytes back when the batch is gone (exported, dropped, or merged into another that took it
// over). Thread-safe; reserving and releasing are single atomic operations.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace spanflow {

class Reservation;

class MemoryBudget {
 public:
  explicit MemoryBudget(std::uint64_t capacity) : state_(std::make_shared<State>(capacity)) {}

  // A reservation of `bytes` if they fit under the capacity, else nullopt.
  std::optional<Reservation> try_reserve(std::uint64_t bytes);
  std::uint64_t used() const { return state_->used.load(std::memory_order_relaxed); }
  std::uint64_t capacity() const { return state_->capacity.load(std::memory_order_relaxed); }
  void set_capacity(std::uint64_t capacity) {
    state_->capacity.store(capacity, std::memory_order_relaxed);
  }
  bool owns(const Reservation& r) const;

 private:
  friend class Reservation;
  struct State {
    explicit State(std::uint64_t c) : capacity(c) {}
    std::atomic<std::uint64_t> capacity;
    std::atomic<std::uint64_t> used{0};
  };
  std::shared_ptr<State> state_;
};

class Reservation {
 public:
  Reservation(Reservation&& other) noexcept
      : state_(std::move(other.state_)), bytes_(std::exchange(other.bytes_, 0)) {}
  Reservation& operator=(Reservation&& other) noexcept;
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;
  ~Reservation() { release(); }

  std::uint64_t bytes() const { return bytes_; }
  // Sets the held amount to the measured size of the data (may pass the capacity: the data
  // is already in memory; later admissions see it).
  void resize(std::uint64_t bytes);

 private:
  friend class MemoryBudget;
  Reservation(std::shared_ptr<MemoryBudget::State> state, std::uint64_t bytes)
      : state_(std::move(state)), bytes_(bytes) {}
  void release();

  std::shared_ptr<MemoryBudget::State> state_;
  std::uint64_t bytes_ = 0;
};

using Reservations = std::vector<Reservation>;

}  // namespace spanflow
