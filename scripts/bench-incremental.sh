#!/usr/bin/env bash
# Incremental run against a full one, on the same idle machine: day one is
# a generated catalogue (seed 42) run in full; day two is the same
# catalogue with a share of the partner source's titles changed (generate
# --change-titles), run in full and with --previous set to day one's
# output. Prints wall time, peak RSS, pairs scored and F1 of each run.
# Issue 15's target: the incremental run within 25% of the full run's time.
# Usage: scripts/bench-incremental.sh [RECORDS]   (default 100000; CHANGE=0.01)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${LINKBEAM:-./bin/linkbeam} # another build to compare: LINKBEAM=/path/to/linkbeam
n=${1:-100000}
share=${CHANGE:-0.01}
dir=out/bench-incremental-$n
[ -f "$dir/day1/truth.csv" ] || "$bin" generate --records "$n" --seed 42 --out "$dir/day1" >/dev/null
[ -f "$dir/day2-$share/truth.csv" ] ||
  "$bin" generate --records "$n" --seed 42 --out "$dir/day2-$share" --change-titles "$share" --change-source partner >/dev/null
printf '%-28s %8s %9s %12s %7s\n' run wall_s rss_mib scored_pairs F1
run() { # name config output [run flags]
  local name=$1 cfg=$2 out=$3 log=$dir/$1.log
  shift 3
  rm -rf "$out"
  /usr/bin/time -v "$bin" run --config "$cfg" --output "$out" "$@" >"$log" 2>&1
  local wall rss scored f1
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%d", $2/1024}' "$log")
  scored=$(awk '/^candidate pairs/ {gsub(",", "", $5); print $5}' "$log")
  f1=$("$bin" evaluate --output "$out" --truth "$dir/day1/truth.csv" | awk '/^pairwise/ {print $7}')
  printf '%-28s %8.1f %9d %12s %7s\n' "$name" "$wall" "$rss" "$scored" "$f1"
}
run day1-full "$dir/day1/pipeline.yaml" "$dir/out-day1"
run day2-full "$dir/day2-$share/pipeline.yaml" "$dir/out-day2-full"
run day2-incremental "$dir/day2-$share/pipeline.yaml" "$dir/out-day2-inc" --previous "$dir/out-day1"
