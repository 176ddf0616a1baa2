#!/usr/bin/env bash
# How cost grows with size: a cold run, a warm run and one-criterion edits, at each size given.
#
# usage: benches/scale.sh N [N ...]        e.g. benches/scale.sh 100000 1000000 10000000
#   N  demo size: `strata demo --customers N` (N customers, about 5.7 N order lines), written once
#      under $STRATA_BENCH_DATA/N (default ~/.cache/strata-bench/N) and reused
# Cold: `strata run --summary` with an empty cache of its own (the run fills it); warm: the same
# run again. Edits: `cargo bench --bench segmentation` re-evaluating each criterion of the demo
# (with its exclusivity and valuation), the fastest and slowest criterion's median.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: benches/scale.sh N [N ...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
strata="${STRATA_BIN:-${CARGO_TARGET_DIR:-$here/target}/release/strata}"
[ -x "$strata" ] || { echo "build strata first: cargo build --release (or set STRATA_BIN)" >&2; exit 2; }

measure() { # prints "seconds peak_MB" of one command
  /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f %.0f\n", $1, $2/1024}'
}

echo "customers  order_lines  cold_s  cold_MB  warm_s  warm_MB  edit_ms"
for n in "$@"; do
  dir="${STRATA_BENCH_DATA:-$HOME/.cache/strata-bench}/$n"
  if [ ! -f "$dir/demo.strata.toml" ]; then
    rm -rf "$dir"
    "$strata" demo --customers "$n" --out "$dir" >/dev/null
  fi
  ws="$dir/demo.strata.toml"
  lines=$(( $(wc -l <"$dir/orders.csv") - 1 ))
  cache=$(mktemp -d)
  read -r ct cm < <(STRATA_CACHE_DIR="$cache" measure "$strata" run "$ws" --summary "$cache/cold.json")
  read -r wt wm < <(STRATA_CACHE_DIR="$cache" measure "$strata" run "$ws" --summary "$cache/warm.json")
  cmp -s "$cache/cold.json" "$cache/warm.json" || echo "note: cold and warm summaries differ" >&2
  rm -rf "$cache"
  edits=$(cd "$here" && cargo bench -q --bench segmentation -- --workspace "$ws" --repeat 1 2>/dev/null \
    | awk '/recompute/ { v = $(NF-1); if (min == "" || v < min) min = v; if (v > max) max = v }
           END { printf "%s-%s", min, max }')
  printf "%9s  %11s  %6s  %7s  %6s  %7s  %s\n" "$n" "$lines" "$ct" "$cm" "$wt" "$wm" "$edits"
done
