#!/usr/bin/env bash
# One entry point for the README's two commands:
#   scripts/build.sh run [spanflow args...]   install deps, build, run on config/spanflow.yaml
#   scripts/build.sh test                     install deps, build, run every test
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mode="${1:-run}"
shift || true

scripts/install-deps.sh
build_dir="${BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
jobs="$(nproc)"

case "$mode" in
  run)
    cmake --build "$build_dir" --target spanflow -j "$jobs"
    if [ "$#" -eq 0 ]; then set -- --config config/spanflow.yaml; fi
    exec "$build_dir/spanflow" "$@"
    ;;
  test)
    cmake --build "$build_dir" -j "$jobs"
    scripts/check-format.sh
    ctest --test-dir "$build_dir" --output-on-failure
    ;;
  *)
    echo "usage: scripts/build.sh run|test" >&2
    exit 2
    ;;
esac
