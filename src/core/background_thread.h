// Background threads (batching, exporting, flushing) do long CPU work: serializing or
// encoding a whole batch takes milliseconds. Woken by a receiver thread, such a thread must not
// take the core from it before the client has its answer; marking it SCHED_BATCH (no wakeup
// preemption) with nice 10 keeps Export latency low on a busy node while still giving it the
// CPU that is left.
#pragma once

namespace spanflow {

// Applies to the calling thread only; best effort (a refused change is ignored).
void make_background_thread();

}  // namespace spanflow
