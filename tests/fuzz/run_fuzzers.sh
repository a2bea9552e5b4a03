#!/usr/bin/env bash
# Runs every libFuzzer target over its committed corpus for a bounded time.
#
#   tests/fuzz/run_fuzzers.sh [BUILD_DIR] [TARGET...]     (default build-fuzz, all targets)
#   FRESHET_FUZZ_SECONDS=N   seconds per target (default 15)
#   FRESHET_FUZZ_JOBS=N      targets run at once (default: the number of cores)
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
[ ${#targets[@]} -eq 0 ] && targets=(ingest ingest_file query stream api http_request expr http_front)
seconds=${FRESHET_FUZZ_SECONDS:-15}
out=${FRESHET_FUZZ_OUT:-$build/fuzz-out}
mkdir -p "$out"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# Runs one target; prints its summary line (and, on failure, the error, stack and reproducer).
run_one() {
  local t=$1
  local bin=$build/tests/fuzz/${t}_fuzzer seeds=tests/fuzz/corpus/$t
  if [ ! -x "$bin" ]; then
    echo "fuzz: $bin is missing (configure with -DFRESHET_FUZZ=ON and build)"
    return 1
  fi
  local scratch=$out/$t-corpus log=$out/$t.log start rc runs cov
  rm -rf "$scratch" && mkdir -p "$scratch"
  rm -f "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-* "$out/$t"-slow-unit-*
  start=$(date +%s)
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/$t-" "$scratch" "$seeds" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  echo "fuzz: $t: ${runs:-?} runs in $(($(date +%s) - start)) s, ${cov:-cov: ?}, exit $rc"
  [ $rc -eq 0 ] && return 0
  grep -m3 -E '^==[0-9]+== ?ERROR|^SUMMARY|runtime error|terminate called|what\(\)' "$log"
  grep -A24 -m1 -E '^==[0-9]+== ?ERROR|runtime error' "$log" | grep -E '^ +#[0-9]+ ' | grep -v -E 'libFuzzer|fuzzer::|libc\.so|raise|abort' | head -8
  local a
  for a in "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-*; do
    [ -e "$a" ] && echo "fuzz: $t: reproducer $a (replay: $bin $a; full log $log)"
  done
  return 1
}

jobs=${FRESHET_FUZZ_JOBS:-$(nproc)}
pids=() names=()
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$t" >"$out/$t.summary" 2>&1 &
  pids+=($!) names+=("$t")
done
failed=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed=$((failed + 1))
  cat "$out/${names[$i]}.summary"
done
echo "fuzz: $((${#pids[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
