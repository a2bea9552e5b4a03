#!/usr/bin/env bash
# Runs every libFuzzer target over its committed corpus for a bounded time, one after another.
#
#   tests/fuzz/run_fuzzers.sh [BUILD_DIR] [TARGET...]     (default build-fuzz, all targets)
#   FRESHET_FUZZ_SECONDS=N   seconds per target (default 15)
#
# New inputs a run finds go to a scratch directory, not into tests/fuzz/corpus/ (add the ones
# worth keeping by hand, e.g. a regression seed). Exits non-zero if any target crashes, leaks,
# times out (10 s per input) or runs out of memory, and prints the reproducer path and the
# command that replays it.
set -uo pipefail
cd "$(dirname "$0")/../.."

build=${1:-build-fuzz}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(ingest ingest_file query stream api)
seconds=${FRESHET_FUZZ_SECONDS:-15}
out=${FRESHET_FUZZ_OUT:-$build/fuzz-out}
mkdir -p "$out"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

failed=0
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/${t}_fuzzer
  seeds=tests/fuzz/corpus/$t
  if [ ! -x "$bin" ]; then
    echo "fuzz: $bin is missing (configure with -DFRESHET_FUZZ=ON and build)" >&2
    failed=1
    continue
  fi
  scratch=$out/$t-corpus
  rm -rf "$scratch" && mkdir -p "$scratch"
  rm -f "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-* "$out/$t"-slow-unit-*
  log=$out/$t.log
  start=$(date +%s)
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/$t-" "$scratch" "$seeds" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  echo "fuzz: $t: ${runs:-?} runs in $(($(date +%s) - start)) s, ${cov:-cov: ?}, exit $rc"
  if [ $rc -ne 0 ]; then
    failed=1
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -5 >&2
    grep -A12 -m1 -E '^==[0-9]+==ERROR|runtime error' "$log" | grep -E '^ +#[0-9]+ ' | head -12 >&2
    for a in "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-*; do
      [ -e "$a" ] || continue
      echo "fuzz: $t: reproducer $a (replay: $bin $a; full log $log)" >&2
    done
  fi
done
exit $failed
