#!/usr/bin/env bash
# strata run beside DuckDB, polars and pandas (../shared/bench/peers.py) on the same files, one session.
# usage: benches/compare.sh DATADIR [PYTHON]
#   DATADIR holds customers.csv and orders.csv from ../shared/bench/gen.py (bench.strata.toml is copied in)
#   PYTHON has duckdb, polars, pandas, pyarrow (default: python3)
set -euo pipefail
dir=$1
py=${2:-python3}
here=$(cd "$(dirname "$0")/.." && pwd)
shared="$here/../shared/bench"
strata="${STRATA_BIN:-$here/target/release/strata}"
cp "$shared/bench.strata.toml" "$dir/"
measure() { # prints "seconds peak_MB"
  /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f %.0f\n", $1, $2/1024}'
}
echo "tool      wall_s  peak_MB   (one process each: load + segmentation + output)"
read -r st sm < <(measure "$strata" run "$dir/bench.strata.toml" --summary "$dir/strata-summary.json")
echo "strata    $st  $sm"
for eng in duckdb polars pandas; do
  if "$py" -c "import $eng" 2>/dev/null; then
    read -r t m < <(measure "$py" "$shared/peers.py" "$dir" "$eng" --repeat 1 --no-digest)
    echo "$eng    $t  $m"
    if [ "$eng" = duckdb ]; then dt=$t; dm=$m; fi
  fi
done
if [ -n "${dt:-}" ]; then
  awk -v a="$st" -v b="$dt" -v c="$sm" -v d="$dm" 'BEGIN { printf "strata / duckdb: time %.2f×, peak memory %.2f×\n", a/b, c/d }'
fi
