#include "net/grpc_runtime.h"

#include <absl/synchronization/mutex.h>

namespace spanflow::net {

void configure_grpc_runtime() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace spanflow::net
