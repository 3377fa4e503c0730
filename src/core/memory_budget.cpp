#include "core/memory_budget.h"

namespace spanflow {

std::optional<Reservation> MemoryBudget::try_reserve(std::uint64_t bytes) {
  auto& used = state_->used;
  std::uint64_t now = used.load(std::memory_order_relaxed);
  do {
    if (now + bytes > state_->capacity.load(std::memory_order_relaxed)) return std::nullopt;
  } while (!used.compare_exchange_weak(now, now + bytes, std::memory_order_relaxed));
  return Reservation(state_, bytes);
}

bool MemoryBudget::owns(const Reservation& r) const {
  return r.state_ == state_;
}

Reservation& Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

void Reservation::resize(std::uint64_t bytes) {
  if (!state_) return;
  if (bytes > bytes_) {
    state_->used.fetch_add(bytes - bytes_, std::memory_order_relaxed);
  } else {
    state_->used.fetch_sub(bytes_ - bytes, std::memory_order_relaxed);
  }
  bytes_ = bytes;
}

void Reservation::release() {
  if (state_ && bytes_ > 0) state_->used.fetch_sub(bytes_, std::memory_order_relaxed);
  bytes_ = 0;
  state_.reset();
}

}  // namespace spanflow
