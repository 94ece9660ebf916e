#!/usr/bin/env bash
# Builds the pure C++ core with CMake and runs its GoogleTest unit tests.
# Leaves the ctest log in build/core/unit.log.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/core
cmake -S . -B build/core -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCDP_BUILD_BENCH=OFF >build/core/cmake.log 2>&1 \
  || { cat build/core/cmake.log; exit 1; }
cmake --build build/core -j"$(nproc)" >build/core/build.log 2>&1 \
  || { tail -50 build/core/build.log; exit 1; }
(cd build/core && ctest --output-on-failure -j"$(nproc)") 2>&1 | tee build/core/unit.log
exit "${PIPESTATUS[0]}"
