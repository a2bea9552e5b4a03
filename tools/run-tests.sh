#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through ctest: first a Release build
# (-O3, the build type a user is most likely to pick, and the one whose optimizer raises warnings
# -O2 does not; warnings are errors here, FRESHET_WERROR=ON), then the same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
# Before building: the style check (tools/check-style.sh --all-format: clang-format over every
# tracked C++ file, clang-tidy over the files the last commit changed); FRESHET_SKIP_STYLE=1 skips it.
# FRESHET_SKIP_SANITIZE=1 skips the sanitizer pass (quicker local runs).
# Last, the libFuzzer targets (clang, tests/fuzz/) run over their corpora for a bounded time:
# FRESHET_FUZZ_SECONDS per target (default 15); FRESHET_SKIP_FUZZ=1 skips them.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
jobs=$(nproc)

echo "== build (Release, warnings as errors) =="
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DFRESHET_WERROR=ON >/dev/null
if [ "${FRESHET_SKIP_STYLE:-0}" != 1 ]; then
  echo "== style (clang-format, clang-tidy) =="
  tools/check-style.sh --all-format build
fi
cmake --build build -j"$jobs"
echo "== tests =="
(cd build && ctest --output-on-failure -j"$jobs" --timeout 1200)

if [ "${FRESHET_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build (ASan + UBSan) =="
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFRESHET_SANITIZE=ON -DFRESHET_BUILD_BENCH=OFF \
  -DFRESHET_WERROR=ON >/dev/null
  cmake --build build-asan -j"$jobs"
  echo "== tests under ASan + UBSan =="
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     LSAN_OPTIONS=suppressions="$PWD/../tests/lsan.supp" \
     ctest --output-on-failure -j"$jobs" --timeout 1800)
fi

if [ "${FRESHET_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== build (libFuzzer + ASan + UBSan, clang) =="
  cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DFRESHET_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFRESHET_WERROR=ON >/dev/null
  cmake --build build-fuzz -j"$jobs"
  echo "== fuzz: each target ${FRESHET_FUZZ_SECONDS:-15} s over tests/fuzz/corpus/ =="
  tests/fuzz/run_fuzzers.sh build-fuzz
fi
