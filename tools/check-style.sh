#!/usr/bin/env bash
# Style check: clang-format (--dry-run --Werror, .clang-format) and clang-tidy (.clang-tidy:
# performance-*, naming) on the C++ files a change touched.
# "Changed" is against `git merge-base HEAD main` (committed and uncommitted changes) on a branch;
# on main itself (the merge base is HEAD) it is the last commit's files. With no such base, every
# file. clang-tidy runs on at most FRESHET_TIDY_MAX_FILES (default 40) changed .cc files, two at a
# time, so the check stays cheap on two cores (a tree-wide commit, such as a reformat, is not
# tidied file by file: it says how many it skipped).
#   tools/check-style.sh [--all-format] [BUILD_DIR]   (default build; needs its compile_commands.json)
#   --all-format: clang-format checks every tracked C++ file, not only the changed ones (a few
#   seconds for the whole tree; the test command uses it).
# Exit status: 0 clean, 1 findings, 2 a tool is missing.
set -uo pipefail
cd "$(dirname "$0")/.."
all_format=0
if [ "${1:-}" = --all-format ]; then all_format=1; shift; fi
build=${1:-build}
tidy_max=${FRESHET_TIDY_MAX_FILES:-40}

for tool in clang-format clang-tidy; do
  command -v "$tool" >/dev/null || { echo "check-style: $tool not found (apt-get install -y clang-format clang-tidy)" >&2; exit 2; }
done

if base=$(git merge-base HEAD main 2>/dev/null); then
  if [ "$base" = "$(git rev-parse HEAD)" ] && git rev-parse -q --verify HEAD^ >/dev/null; then base=$(git rev-parse HEAD^); fi
  mapfile -t files < <( { git diff --name-only --diff-filter=ACMR "$base"; git ls-files --others --exclude-standard; } |
                        sort -u | grep -E '\.(cc|h)$' | grep -v -E '^(build|third_party)/' || true)
  echo "check-style: ${#files[@]} C++ files changed since $(git rev-parse --short "$base")"
else
  mapfile -t files < <(git ls-files '*.cc' '*.h')
  echo "check-style: no merge base with main; checking all ${#files[@]} C++ files"
fi
[ ${#files[@]} -eq 0 ] && [ $all_format = 0 ] && exit 0

status=0
existing=()
for f in "${files[@]}"; do [ -f "$f" ] && existing+=("$f"); done
if [ $all_format = 1 ]; then
  mapfile -t formatted < <(git ls-files '*.cc' '*.h' | grep -v -E '^(build|third_party)/')
  echo "== clang-format: all ${#formatted[@]} tracked C++ files =="
else
  formatted=("${existing[@]}")
  echo "== clang-format =="
fi
if [ ${#formatted[@]} -gt 0 ]; then
  clang-format --dry-run --Werror "${formatted[@]}" || status=1
fi
[ ${#existing[@]} -eq 0 ] && { [ $status -eq 0 ] && echo "check-style: clean"; exit $status; }

echo "== clang-tidy =="
ccs=()
for f in "${existing[@]}"; do [[ $f == *.cc ]] && ccs+=("$f"); done
if [ ${#ccs[@]} -gt "$tidy_max" ]; then
  echo "check-style: ${#ccs[@]} .cc files changed; clang-tidy checks the first $tidy_max (FRESHET_TIDY_MAX_FILES)"
  ccs=("${ccs[@]:0:$tidy_max}")
fi
if [ ${#ccs[@]} -gt 0 ]; then
  if [ ! -f "$build/compile_commands.json" ]; then
    echo "check-style: $build/compile_commands.json missing (configure with cmake first); clang-tidy skipped" >&2
    status=1
  else
    # Two at a time. Only findings with a file:line count (clang-tidy 14 also prints location-less
    # naming warnings from libstdc++ 12's concepts). A finding fails the check.
    printf '%s\0' "${ccs[@]}" |
      xargs -0 -n 1 -P 2 sh -c 'out=$(clang-tidy --quiet -p "$0" "$1" 2>/dev/null | \
        grep -E -A3 "^[^ ]+:[0-9]+:[0-9]+: (warning|error):"); \
        if [ -n "$out" ]; then printf "%s\n" "$out"; exit 1; fi' "$build" ||
      status=1
  fi
fi
[ $status -eq 0 ] && echo "check-style: clean"
exit $status
