#!/usr/bin/env bash
# The benchmark in one command: installs what is missing (gnuplot, util-linux's taskset),
# builds spanflow and spanflow-loadgen in Release, runs bench/bench.py.
#   bench/run.sh [--duration 10s]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/install-deps.sh
if ! command -v gnuplot >/dev/null; then
  apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null
fi
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPANFLOW_TESTS=OFF >/dev/null
cmake --build build-release --target spanflow spanflow-loadgen -j "$(nproc)"
exec python3 bench/bench.py --build build-release "$@"
