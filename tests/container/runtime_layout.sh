#!/usr/bin/env bash
# Checks the container runtime layout without a Docker engine: the spanflow binary plus only
# the shared libraries ldd names, copied into an empty root, must run there (chroot).
# Usage: tests/container/runtime_layout.sh path/to/spanflow
set -euo pipefail
binary="$(realpath "$1")"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

# The Dockerfile's runtime stage installs only spdlog (and its fmt) from Debian: everything
# else must be linked in statically (CMakeLists.txt, SPANFLOW_STATIC_DEPS).
if ldd "$binary" | grep -E 'lib(grpc|gpr|protobuf|yaml-cpp|absl|ssl|crypto|z)[.-]'; then
  echo "FAIL: the daemon links the libraries above dynamically; the runtime image lacks them" >&2
  exit 1
fi

mkdir -p "$root/usr/bin" "$root/etc/spanflow" "$root/tmp"
cp "$binary" "$root/usr/bin/spanflow"
# Every library the binary needs, at the same path (the dynamic loader included).
ldd "$binary" | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp "$(dirname "$0")/../../config/container.yaml" "$root/etc/spanflow/config.yaml"

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIPPED: chroot needs root" >&2
  exit 77
fi
version="$(chroot "$root" /usr/bin/spanflow --version)"
echo "$version"
[[ "$version" == spanflow\ * ]]
chroot "$root" /usr/bin/spanflow validate --config /etc/spanflow/config.yaml
echo "runtime layout: $(du -sh "$root" | cut -f1) in $(find "$root" -type f | wc -l) files"
