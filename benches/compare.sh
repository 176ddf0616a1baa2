#!/usr/bin/env bash
# strata beside DuckDB on the same segmentation and the same files, one process each, one session.
#
# usage: benches/compare.sh CUSTOMERS [PYTHON]
#   CUSTOMERS  demo size: `strata demo --customers N` writes N customers and about 5.7 N order
#              lines (kept in $STRATA_BENCH_DATA, default ~/.cache/strata-bench/N, and reused)
#   PYTHON     a Python with duckdb (default: python3)
# DuckDB runs the query `strata sql --dialect duckdb` writes for the same workspace, so both do
# exactly the same segmentation (the tests check that their memberships are equal); polars (when
# PYTHON has it) runs benches/polars_peer.py, the same segmentation written by hand.
# strata runs twice: cold (an empty cache of its own, filled by that run) and warm (the second
# run of the unchanged workspace).
# With STRATA_BENCH pointing at the maintainers' benchmark kit (gen.py, peers.py), its hand-written
# DuckDB, polars and pandas versions run too, on the kit's data of the same size.
set -euo pipefail
n=${1:?usage: benches/compare.sh CUSTOMERS [PYTHON]}
py=${2:-python3}
here=$(cd "$(dirname "$0")/.." && pwd)
strata="${STRATA_BIN:-${CARGO_TARGET_DIR:-$here/target}/release/strata}"
[ -x "$strata" ] || { echo "build strata first: cargo build --release (or set STRATA_BIN)" >&2; exit 2; }
"$py" -c "import duckdb" 2>/dev/null || { echo "$py has no duckdb: $py -m pip install duckdb" >&2; exit 2; }

measure() { # prints "seconds peak_MB" of one command
  /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f %.0f\n", $1, $2/1024}'
}

dir="${STRATA_BENCH_DATA:-$HOME/.cache/strata-bench/$n}"
if [ ! -f "$dir/demo.strata.toml" ]; then
  rm -rf "$dir"
  "$strata" demo --customers "$n" --out "$dir" >/dev/null
fi
ws="$dir/demo.strata.toml"
"$strata" sql "$ws" --dialect duckdb -o "$dir/query.sql"

echo "demo, $n customers: $(( $(wc -l <"$dir/orders.csv") - 1 )) order lines"
echo "tool            wall_s  peak_MB   (one process each: load + segmentation + membership file)"
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
read -r st sm < <(STRATA_CACHE_DIR="$cache" measure "$strata" run "$ws" --out "$dir/strata.csv")
echo "strata cold     $st  $sm"
read -r wt wm < <(STRATA_CACHE_DIR="$cache" measure "$strata" run "$ws" --out "$dir/strata-warm.csv")
echo "strata warm     $wt  $wm"
cmp -s "$dir/strata.csv" "$dir/strata-warm.csv" || echo "note: cold and warm membership differ" >&2
read -r dt dm < <(measure "$py" "$here/benches/duckdb_peer.py" "$dir/query.sql" "$dir/duckdb.csv" \
  "customers=$dir/customers.csv" "orders=$dir/orders.csv")
echo "duckdb (sql)    $dt  $dm"
if "$py" -c "import polars" 2>/dev/null; then
  read -r pt pm < <(measure "$py" "$here/benches/polars_peer.py" "$dir" "$dir/polars.csv")
  echo "polars          $pt  $pm"
  cmp -s "$dir/strata.csv" "$dir/polars.csv" || echo "note: polars' membership differs from strata's" >&2
fi
awk -v a="$st" -v b="$dt" -v c="$sm" -v d="$dm" -v w="$wt" \
  'BEGIN { printf "strata / duckdb: cold time %.2f×, peak memory %.2f×; warm time %.2f×\n", a/b, c/d, w/b }'
if ! cmp -s "$dir/strata.csv" "$dir/duckdb.csv"; then
  echo "note: the two membership files differ" >&2
fi

if [ -n "${STRATA_BENCH:-}" ] && [ -f "$STRATA_BENCH/gen.py" ]; then
  kit="$dir-kit"
  [ -f "$kit/orders.csv" ] || { mkdir -p "$kit"; "$py" "$STRATA_BENCH/gen.py" "$kit" "$n" 5 >/dev/null; }
  cp "$STRATA_BENCH/bench.strata.toml" "$kit/"
  echo "benchmark kit, $n customers:"
  kcache=$(mktemp -d)
  read -r st sm < <(STRATA_CACHE_DIR="$kcache" measure "$strata" run "$kit/bench.strata.toml" --summary "$kit/strata-summary.json")
  echo "strata cold     $st  $sm"
  read -r wt wm < <(STRATA_CACHE_DIR="$kcache" measure "$strata" run "$kit/bench.strata.toml" --summary "$kit/strata-summary.json")
  echo "strata warm     $wt  $wm"
  rm -rf "$kcache"
  for eng in duckdb polars pandas; do
    if "$py" -c "import $eng" 2>/dev/null; then
      read -r t m < <(measure "$py" "$STRATA_BENCH/peers.py" "$kit" "$eng" --repeat 1 --no-digest)
      printf "%-15s %s  %s\n" "$eng" "$t" "$m"
      [ "$eng" = duckdb ] && awk -v a="$st" -v b="$t" -v c="$sm" -v d="$m" -v w="$wt" \
        'BEGIN { printf "  strata / duckdb: cold time %.2f×, peak memory %.2f×; warm time %.2f×\n", a/b, c/d, w/b }'
    fi
  done
fi
