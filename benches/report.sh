#!/usr/bin/env bash
# `strata report` after a one-number rule change, as a ratio to `strata run --no-cache`, measured
# one after the other in one session.
#
# usage: benches/report.sh N [ROUNDS]     e.g. benches/report.sh 1000000 3
#   N  demo size: `strata demo --customers N`, written once under
#      $STRATA_BENCH_DATA/N (default ~/.cache/strata-bench/N) and reused
# Each round, with an empty cache of its own: `run --no-cache --summary` (the reference), a first
# `report` (fills the cache: tables, evaluated customers, each file's audit), the age cut point
# 40 moved to 41, `report` again (the figure), and `report --no-cache` of the changed workspace,
# whose bytes the cached report must equal.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: benches/report.sh N [ROUNDS]" >&2; exit 2; }
n=$1
rounds=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
strata="${STRATA_BIN:-${CARGO_TARGET_DIR:-$here/target}/release/strata}"
[ -x "$strata" ] || { echo "build strata first: cargo build --release (or set STRATA_BIN)" >&2; exit 2; }

measure() { # prints "seconds peak_MB" of one command
  /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f %.0f\n", $1, $2/1024}'
}

dir="${STRATA_BENCH_DATA:-$HOME/.cache/strata-bench}/$n"
if [ ! -f "$dir/demo.strata.toml" ]; then
  rm -rf "$dir"
  "$strata" demo --customers "$n" --out "$dir" >/dev/null
fi
echo "round  run_no_cache_s  first_report_s  report_after_change_s  MB  ratio"
for r in $(seq "$rounds"); do
  work=$(mktemp -d)
  cp "$dir/demo.strata.toml" "$work/ws.strata.toml"
  sed -i "s#^customers = \"#customers = \"$dir/#; s#^orders = \"#orders = \"$dir/#" "$work/ws.strata.toml"
  export STRATA_CACHE_DIR="$work/cache"
  read -r rt _ < <(measure "$strata" --no-cache run "$work/ws.strata.toml" --summary "$work/s.json")
  read -r ft _ < <(measure "$strata" report "$work/ws.strata.toml" -o "$work/first.html")
  sed -i 's/edges = \[25, 40, 60\]/edges = [25, 41, 60]/' "$work/ws.strata.toml"
  grep -q 'edges = \[25, 41, 60\]' "$work/ws.strata.toml" || { echo "the age rule was not found" >&2; exit 1; }
  read -r ct cm < <(measure "$strata" report "$work/ws.strata.toml" -o "$work/changed.html")
  "$strata" --no-cache report "$work/ws.strata.toml" -o "$work/off.html" 2>/dev/null
  cmp -s "$work/changed.html" "$work/off.html" || echo "note: the cached report differs from --no-cache" >&2
  ratio=$(awk -v a="$ct" -v b="$rt" 'BEGIN { printf "%.2f", a / b }')
  printf "%5s  %14s  %14s  %21s  %4s  %5s\n" "$r" "$rt" "$ft" "$ct" "$cm" "$ratio"
  unset STRATA_CACHE_DIR
  rm -rf "$work"
done
