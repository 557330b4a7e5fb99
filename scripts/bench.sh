#!/usr/bin/env bash
# End-to-end benchmark: generate a synthetic catalogue of each size, run the
# job on prism, and report wall time, records/s, candidate pairs, pairs/s,
# peak RSS and pairwise F1 against the generated truth.
# Usage: scripts/bench.sh [RECORDS ...]   (default: 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${LINKBEAM:-./bin/linkbeam} # another build to compare: LINKBEAM=/path/to/linkbeam
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
# A fixed CPU reference printed with the figures: this VM's speed drifts
# (the same 1M run took 46 s and 65 s on one day), so runs are compared
# at the same reference.
ref=$("${GO:-go}" test -run '^$' -bench 'BenchmarkJaroWinkler/fast$' -benchtime 2s ./matchers/ | awk '/ns\/op/ {print $3}')
echo "host reference: JaroWinkler (bit-parallel) ${ref} ns/op"
printf '%10s %9s %10s %12s %10s %9s %7s\n' records wall_s records/s cand_pairs pairs/s rss_mib F1
for n in "${sizes[@]}"; do
  dir=out/bench-$n
  [ -f "$dir/data/truth.csv" ] || "$bin" generate --records "$n" --seed 42 --out "$dir/data" >/dev/null
  log=$dir/run.log
  /usr/bin/time -v "$bin" run --config "$dir/data/pipeline.yaml" --output "$dir/out" >"$log" 2>&1
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%d", $2/1024}' "$log")
  pairs=$(awk '/^candidate pairs/ {gsub(",", "", $3); print $3}' "$log")
  f1=$("$bin" evaluate --output "$dir/out" --truth "$dir/data/truth.csv" | awk '/^pairwise/ {print $7}')
  awk -v n="$n" -v w="$wall" -v p="$pairs" -v r="$rss" -v f="$f1" \
    'BEGIN { printf "%10d %9.1f %10.0f %12d %10.0f %9d %7s\n", n, w, n / w, p, p / w, r, f }'
done
