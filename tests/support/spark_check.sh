#!/usr/bin/env bash
# Check `strata sql --dialect spark` on Apache Spark in local mode against `strata run`:
# the demo (each RFM method), the R rfm fixture (text ids) and the benchmark kit.
# usage: tests/support/spark_check.sh [CUSTOMERS]   (bench kit size, default 100000)
# Needs Java 17; installs PySpark into $HOME/.cache/strata-spark-venv on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
datasets="${STRATA_DATASETS:-$root/../shared/datasets}"
bench="${STRATA_BENCH:-$root/../shared/bench}"
n="${1:-100000}"
venv="$HOME/.cache/strata-spark-venv"
if ! "$venv/bin/python" -c "import pyspark, numpy, pandas" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pyspark numpy pandas
fi
py="$venv/bin/python"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
strata="${CARGO_TARGET_DIR:-$root/target}/release/strata"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

check() { # WS TABLE=PATH...
  local ws="$1"; shift
  "$strata" sql "$ws" --dialect spark -o "$work/q.sql"
  "$strata" run "$ws" --out "$work/m.csv" 2>/dev/null
  printf '%s: ' "$(basename "$ws")"
  "$py" "$here/sql_spark.py" "$work/q.sql" "$work/m.csv" "$@" 2>/dev/null
}

"$strata" demo --out "$work/demo" --customers 3000 >/dev/null
for m in ntile quantile rfm_r; do
  sed "s/rfm_method = \"ntile\"/rfm_method = \"$m\"/" "$work/demo/demo.strata.toml" > "$work/demo/$m.strata.toml"
  check "$work/demo/$m.strata.toml" customers="$work/demo/customers.csv" orders="$work/demo/orders.csv"
done

orders="$datasets/rfm_package_fixture/rfm_data_orders.csv"
cat > "$work/rfm.strata.toml" <<TOML
version = 1
[data]
orders = "$orders"
as_of = "2006-12-31"
[columns]
order_customer_id = "customer_id"
order_date = "order_date"
amount = "revenue"
[purchase_history]
rfm_method = "rfm_r"
[criteria.rfm]
step = "purchase_history"
segments = [
  { name = "Champions", when = "r_score >= 4 AND f_score >= 4 AND m_score >= 4" },
  { name = "O'Brien \"x\"; --", when = "rfm_cell IN ('333', '334') OR first_name LIKE 'Ab%'" },
]
TOML
check "$work/rfm.strata.toml" orders="$orders"

"$py" "$bench/gen.py" "$work/bench" "$n" 5 >/dev/null
cp "$bench/bench.strata.toml" "$work/bench/"
check "$work/bench/bench.strata.toml" customers="$work/bench/customers.csv" orders="$work/bench/orders.csv"
