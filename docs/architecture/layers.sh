#!/usr/bin/env bash
# Makes docs/architecture/layers.svg from the build: the CMake target graph (cmake --graphviz,
# options in CMakeGraphVizOptions.cmake beside this script), reduced to its direct edges
# (tred: an edge implied by a longer path is left out) and laid out by dot. Needs graphviz.
#   docs/architecture/layers.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/docs/architecture/CMakeGraphVizOptions.cmake" "$work/"
cmake -S "$root" -B "$work" -G Ninja -DNOTIFY_BUILD_TESTS=OFF -DNOTIFY_BUILD_BENCH=OFF \
      --graphviz="$work/targets.dot" >/dev/null
tred "$work/targets.dot" | dot -Tsvg -o "$root/docs/architecture/layers.svg"
echo "wrote docs/architecture/layers.svg"
