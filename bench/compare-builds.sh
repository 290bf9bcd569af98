#!/usr/bin/env bash
# bench/compare-builds.sh BASE NEW — check that two builds of the tracetriage CLI print the same things
# (what a refactor that should change no output is checked with; see bench/README.md).
#
# BASE and NEW are directories that each hold dist/cli/main.js (run as `node DIR/dist/cli/main.js`).
# Every (command, input) pair below is run once with each build, with cwd = the repository
# (REPO, default the repository this script is in) so that paths in messages are equal. stdout,
# stderr and the exit status go to OUT/{base,new}/<cmd>/<input>.{out,err,rc} (OUT, default .bench/compare;
# in the file names a '/' of the input path is written '__'), then each of the three is compared
# with cmp. One line per difference:
#     DIFF <cmd> <input> <stdout|stderr|status>
# and at the end "N runs, M differ" (a run = one (cmd, input) pair, run with both builds).
# Exit status: 0 when nothing differs, 1 when something does, 2 on a usage error.
#
# Commands (<cmd> label: arguments after `node main.js`, then the input):
#     stats           stats
#     validate        validate
#     sessions        sessions --no-config
#     sessions-json   sessions --no-config --format json
#     analyze         analyze --no-config --fail-on none
#     analyze-json    analyze --no-config --fail-on none --format json
#     analyze-junit   analyze --no-config --fail-on none --format junit
#     analyze-sarif   analyze --no-config --fail-on none --format sarif
#     search          search --filter-string "status = 'ERROR'"
#     report-md       report --no-config --format markdown
# (stats, validate and search do not accept --no-config; analyze has no markdown format.)
#
# Inputs (relative to REPO): each entry directly under samples/; each file under test/fixtures/
# (recursively); each top-level entry of test/stores/ (the store directories hold an mlruns/
# file store or an mlflow.db SQLite store; SOURCES.md too); each file of test/fuzz/found/ except
# README.md; and the directories samples and test/fixtures as wholes.
#
# Normalisation: only one. `stats` ends its text with
#     read 0.13 MB in 0.041 s (3.2 MB/s)
# whose elapsed seconds and MB/s are wall-clock timings; in stats stdout only, those two numbers
# are replaced by placeholders before comparing (the MB read is still compared). The raw output
# stays in <input>.out; the compared text is <input>.out.cmp. BASE-vs-BASE runs showed nothing
# else nondeterministic (no temp-dir paths or timings on stderr, none in the other commands).
#
# Each command has a 120 s timeout (exit status 124 then; reported as TIMEOUT on stderr).
# Jobs run 2 at a time (JOBS overrides), stdin is /dev/null, FORCE_COLOR is unset in the
# commands' environment (output is never a terminal, so it has no colour).

set -u -o pipefail

STATS_TIMING_SED='s/^(read [0-9]+\.[0-9]{2} MB in )[0-9]+\.[0-9]{3} s \([0-9]+\.[0-9] MB\/s\)$/\1<secs> s (<rate> MB\/s)/'

# The one place that maps a label to its arguments.
cmd_args() {
  case "$1" in
    stats)         ARGS=(stats) ;;
    validate)      ARGS=(validate) ;;
    sessions)      ARGS=(sessions --no-config) ;;
    sessions-json) ARGS=(sessions --no-config --format json) ;;
    analyze)       ARGS=(analyze --no-config --fail-on none) ;;
    analyze-json)  ARGS=(analyze --no-config --fail-on none --format json) ;;
    analyze-junit) ARGS=(analyze --no-config --fail-on none --format junit) ;;
    analyze-sarif) ARGS=(analyze --no-config --fail-on none --format sarif) ;;
    search)        ARGS=(search --filter-string "status = 'ERROR'") ;;
    report-md)     ARGS=(report --no-config --format markdown) ;;
    *) echo "compare-builds.sh: unknown command label $1" >&2; return 1 ;;
  esac
}
CMDS=(stats validate sessions sessions-json analyze analyze-json analyze-junit analyze-sarif search report-md)

enc() { printf '%s' "${1//\//__}"; }

# Worker: cmp.sh --job MAIN OUTDIR LABEL INPUT (run by xargs, cwd already REPO).
if [[ "${1:-}" == --job ]]; then
  main=$2 dir=$3 label=$4 input=$5
  cmd_args "$label" || exit 1
  f="$dir/$label/$(enc "$input")"
  mkdir -p "$dir/$label"
  env -u FORCE_COLOR timeout 120 node "$main" "${ARGS[@]}" "$input" </dev/null >"$f.out" 2>"$f.err"
  echo $? >"$f.rc"
  exit 0
fi

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BASE NEW   (each a directory holding dist/cli/main.js)" >&2
  exit 2
fi
REPO=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${OUT:-$REPO/.bench/compare}
JOBS=${JOBS:-2}
SELF=$(readlink -f "$0")
declare -A MAIN
for side in base new; do
  d=$([[ $side == base ]] && echo "$1" || echo "$2")
  d=$(cd "$d" 2>/dev/null && pwd) || { echo "compare-builds.sh: no directory: $d" >&2; exit 2; }
  [[ -f "$d/dist/cli/main.js" ]] || { echo "compare-builds.sh: no $d/dist/cli/main.js" >&2; exit 2; }
  MAIN[$side]="$d/dist/cli/main.js"
done
cd "$REPO" || exit 2
export LC_ALL=C

# Inputs, sorted, relative to REPO.
mapfile -t INPUTS < <(
  {
    find samples -mindepth 1 -maxdepth 1
    find test/fixtures -type f
    find test/stores -mindepth 1 -maxdepth 1
    find test/fuzz/found -mindepth 1 -maxdepth 1 -type f ! -name README.md
  } | sort
  printf '%s\n' samples test/fixtures
)
if [[ ${#INPUTS[@]} -eq 0 ]]; then echo "compare-builds.sh: no inputs found under $REPO" >&2; exit 2; fi

rm -rf "$OUT/base" "$OUT/new"
mkdir -p "$OUT/base" "$OUT/new"

start=$(date +%s)
# One job per (cmd, input, build); base and new of a pair run side by side.
for label in "${CMDS[@]}"; do
  for input in "${INPUTS[@]}"; do
    for side in base new; do
      printf '%s\0%s\0%s\0%s\0' "${MAIN[$side]}" "$OUT/$side" "$label" "$input"
    done
  done
done | xargs -0 -n 4 -P "$JOBS" "$SELF" --job

runs=0 differ=0
for label in "${CMDS[@]}"; do
  for input in "${INPUTS[@]}"; do
    runs=$((runs + 1))
    b="$OUT/base/$label/$(enc "$input")" n="$OUT/new/$label/$(enc "$input")"
    for f in "$b" "$n"; do
      if [[ $label == stats ]]; then
        sed -E "$STATS_TIMING_SED" "$f.out" >"$f.out.cmp"
      else
        cp "$f.out" "$f.out.cmp"
      fi
      [[ "$(cat "$f.rc" 2>/dev/null)" == 124 ]] && echo "TIMEOUT $label $input (${f#"$OUT"/})" >&2
    done
    bad=0
    cmp -s "$b.out.cmp" "$n.out.cmp" || { echo "DIFF $label $input stdout"; bad=1; }
    cmp -s "$b.err" "$n.err" || { echo "DIFF $label $input stderr"; bad=1; }
    cmp -s "$b.rc" "$n.rc" || { echo "DIFF $label $input status"; bad=1; }
    differ=$((differ + bad))
  done
done
echo "${#INPUTS[@]} inputs x ${#CMDS[@]} commands, $(( $(date +%s) - start )) s, output in $OUT" >&2
echo "$runs runs, $differ differ"
[[ $differ -eq 0 ]]
