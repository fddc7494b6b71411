#!/usr/bin/env bash
# Builds native/build/libgenesis.so (Release) with cmake and a C++17 compiler.
# Called by `npm/bun install` (postinstall) and `bun run build:native`.
# Without cmake or a C++ compiler it prints one notice and succeeds: the
# TypeScript engine is used instead. A build that fails, fails (non-zero).
# Overrides (for tests and unusual hosts): CMAKE, CXX, GENESIS_NATIVE_BUILD_DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="${GENESIS_NATIVE_BUILD_DIR:-$here/build}"
cmake_bin="${CMAKE:-cmake}"

cxx="${CXX:-}"
if [[ -z "$cxx" ]]; then
  for candidate in g++ c++ clang++; do
    if command -v "$candidate" >/dev/null 2>&1; then cxx="$candidate"; break; fi
  done
fi
if ! command -v "$cmake_bin" >/dev/null 2>&1 || [[ -z "$cxx" ]] || ! command -v "$cxx" >/dev/null 2>&1; then
  echo "genesis: no C++ toolchain, the TypeScript engine will be used"
  exit 0
fi

"$cmake_bin" -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$(command -v "$cxx")" >/dev/null
"$cmake_bin" --build "$build_dir" --config Release -j "$(nproc 2>/dev/null || echo 2)"
test -f "$build_dir/libgenesis.so"
echo "genesis: built $build_dir/libgenesis.so"
