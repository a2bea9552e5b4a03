#!/usr/bin/env bash
# Style check of what this branch changed: clang-format (--dry-run --Werror, .clang-format) on
# changed C++ files, clang-tidy (.clang-tidy: performance-*, naming) on changed .cc files.
# "Changed" is against `git merge-base HEAD main` (committed and uncommitted changes); if there is
# no such base, every file. Cheap enough for two cores: only changed files, two jobs.
#   tools/check-style.sh [BUILD_DIR]   (default build; needs its compile_commands.json for tidy)
# Exit status: 0 clean, 1 findings, 2 a tool is missing.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

for tool in clang-format clang-tidy; do
  command -v "$tool" >/dev/null || { echo "check-style: $tool not found (apt-get install -y clang-format clang-tidy)" >&2; exit 2; }
done

if base=$(git merge-base HEAD main 2>/dev/null); then
  mapfile -t files < <( { git diff --name-only --diff-filter=ACMR "$base"; git ls-files --others --exclude-standard; } |
                        sort -u | grep -E '\.(cc|h)$' | grep -v -E '^(build|third_party)/' || true)
  echo "check-style: ${#files[@]} C++ files changed since $(git rev-parse --short "$base")"
else
  mapfile -t files < <(git ls-files '*.cc' '*.h')
  echo "check-style: no merge base with main; checking all ${#files[@]} C++ files"
fi
[ ${#files[@]} -eq 0 ] && exit 0

status=0
echo "== clang-format =="
existing=()
for f in "${files[@]}"; do [ -f "$f" ] && existing+=("$f"); done
[ ${#existing[@]} -eq 0 ] && exit 0
clang-format --dry-run --Werror "${existing[@]}" || status=1

echo "== clang-tidy =="
ccs=()
for f in "${existing[@]}"; do [[ $f == *.cc ]] && ccs+=("$f"); done
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
