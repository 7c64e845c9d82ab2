#!/usr/bin/env bash
# Speed spread over fresh JVM launches: runs `bench windows` (one run of N events per launch) L times in each of
# the given checkouts, alternating between them launch by launch so that a host that changes mode mid-way
# (vCPUs moved between sibling hyperthreads and separate cores) affects every checkout alike. Prints one line per
# launch (the ping-pong probe, the plain-loop baseline and each engine variant) and, per checkout, min / median /
# max of each column.
#
#   jmh-benchmarks/scripts/launch-spread.sh [launches (20)] [events (5000000)] [checkout ...]   (default: this one)
#
# Each checkout must have been built (`mvn -B -DskipTests package`). Compare two builds, e.g. before and after a
# change: git worktree add --detach /tmp/before <commit>; (cd /tmp/before && mvn -B -q -DskipTests package)
set -euo pipefail
usage="usage: jmh-benchmarks/scripts/launch-spread.sh [launches (20)] [events (5000000)] [checkout ...]"
case "${1:-}" in -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
launches=${1:-20}
events=${2:-5000000}
[[ "$launches" =~ ^[1-9][0-9]*$ ]] || { echo "$usage: launches must be a positive number, was '$launches'" >&2; exit 2; }
[[ "$events" =~ ^[1-9][0-9]*$ ]] || { echo "$usage: events must be a positive number, was '$events'" >&2; exit 2; }
shift $(( $# > 2 ? 2 : $# ))
checkouts=("$@")
[ ${#checkouts[@]} -gt 0 ] || checkouts=("$(cd "$(dirname "$0")/../.." && pwd)")
out=$(mktemp -d)
for c in "${checkouts[@]}"; do
  [ -f "$c/jmh-benchmarks/target/benchmarks.jar" ] && [ -f "$c/tools/target/jvm.flags" ] \
    || { echo "launch-spread: $c is not built (no jmh-benchmarks/target/benchmarks.jar): run mvn -DskipTests package there" >&2; exit 2; }
done
printf '%-3s %-12s %10s %9s %9s %9s %9s\n' '#' checkout 'pingpong' baseline generator fused app
for ((i = 1; i <= launches; i++)); do
  for c in "${checkouts[@]}"; do
    name=$(basename "$c")
    # shellcheck disable=SC2046
    java $(cat "$c/tools/target/jvm.flags") -Xmx1g -cp "$c/jmh-benchmarks/target/benchmarks.jar" \
      io.rivulet.bench.WindowThroughputBenchmark "$events" 1 > "$out/run" 2>&1 \
      || { echo "launch $i in $c failed:" >&2; cat "$out/run" >&2; exit 1; }
    awk -v i="$i" -v name="$name" '
      /ping-pong/ { for (f = 1; f <= NF; f++) if ($f == "ns") pp = $(f - 1) }
      /primitive map \(baseline\)/ { base = rate($0) }
      /source it drives/ { gen = rate($0) }
      /source fused/ { fused = rate($0) }
      /app thread publishing/ { app = rate($0) }
      function rate(line,   m) { match(line, /[0-9.]+ M events\/s/); return substr(line, RSTART, RLENGTH - 11) }
      END { printf "%-3s %-12s %10s %9s %9s %9s %9s\n", i, name, pp, base, gen, (fused == "" ? "-" : fused), app }
    ' "$out/run" | tee -a "$out/$name.rows"
  done
done
echo
echo "per checkout: min / median / max (M events/s; ping-pong in ns)"
for c in "${checkouts[@]}"; do
  name=$(basename "$c")
  for col in 3 4 5 6 7; do
    label=$(echo "pingpong baseline generator fused app" | cut -d' ' -f$((col - 2)))
    vals=$(awk -v c="$col" '$c != "-" { print $c }' "$out/$name.rows" | sort -g)
    [ -n "$vals" ] || continue
    n=$(echo "$vals" | wc -l)
    printf '%-12s %-10s %10s / %10s / %10s\n' "$name" "$label" "$(echo "$vals" | head -1)" \
      "$(echo "$vals" | sed -n "$(( (n + 1) / 2 ))p")" "$(echo "$vals" | tail -1)"
  done
done
rm -rf "$out"
