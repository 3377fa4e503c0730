// Process-wide settings of the gRPC runtime, applied once at the start of main().
#pragma once

namespace spanflow::net {

// gRPC's locks are absl::Mutex; Debian's absl build leaves their deadlock detection on, which
// updates a lock graph on every acquisition (about 1-2% of spanflow's CPU under load). Turns it
// off, as release builds of absl do.
void configure_grpc_runtime();

}  // namespace spanflow::net
