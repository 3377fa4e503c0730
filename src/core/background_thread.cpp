#include "core/background_thread.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace spanflow {

void make_background_thread() {
  sched_param param{};
  sched_setscheduler(0, SCHED_BATCH, &param);  // 0: this thread (Linux schedules threads)
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
}

}  // namespace spanflow
