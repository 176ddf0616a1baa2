#!/usr/bin/env bash
# Tables in PostgreSQL: a cold pull beside a cold run on the same rows as CSV files, and
# `run --in-database` beside both. One private server, one session, the runs alternated.
#
# usage: benches/postgres.sh KIT_DIR [REPEAT]
#   KIT_DIR  the benchmark kit's data: customers.csv, orders.csv and bench.strata.toml as the
#            kit's gen.py writes them (python3 gen.py KIT_DIR 1000000 5; then copy
#            bench.strata.toml into KIT_DIR)
#   REPEAT   rounds of the three runs (default 3)
# Needs PostgreSQL's server binaries (apt install postgresql); run as root, the server runs as
# the postgres user.
set -euo pipefail
kit=${1:?usage: benches/postgres.sh KIT_DIR [REPEAT]}
repeat=${2:-3}
kit=$(cd "$kit" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
strata="${STRATA_BIN:-${CARGO_TARGET_DIR:-$here/target}/release/strata}"
[ -x "$strata" ] || { echo "build strata first: cargo build --release (or set STRATA_BIN)" >&2; exit 2; }
for f in customers.csv orders.csv bench.strata.toml; do
  [ -f "$kit/$f" ] || { echo "$kit has no $f (see the usage at the top of this script)" >&2; exit 2; }
done
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "no PostgreSQL server binaries: apt install postgresql" >&2; exit 2; }

work=$(mktemp -d)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
password=bench-$RANDOM$RANDOM
echo "$password" >"$work/pw"
[ "$(id -u)" = 0 ] && chown postgres "$work/pw"
cleanup() { as_pg "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
as_pg "$bin/initdb" -D "$work/data" -U strata --auth-local=trust --auth-host=scram-sha-256 \
  --pwfile="$work/pw" >/dev/null
as_pg "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $work -c shared_buffers=256MB" start >/dev/null
psql() { as_pg "$bin/psql" -h "$work" -p "$port" -U strata -d postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -f - <"$here/benches/kit_tables.sql"
psql -c "COPY kit.customers FROM STDIN (FORMAT csv, HEADER true)" <"$kit/customers.csv"
psql -c "COPY kit.orders FROM STDIN (FORMAT csv, HEADER true)" <"$kit/orders.csv"
psql -c "VACUUM ANALYZE kit.customers"
psql -c "VACUUM ANALYZE kit.orders"

url="postgresql://strata@127.0.0.1:$port/postgres?sslmode=disable"
sed -e "s|^customers = \"customers.csv\"|customers = { url = \"$url\", table = \"kit.customers\" }|" \
    -e "s|^orders = \"orders.csv\"|orders = { url = \"$url\", table = \"kit.orders\" }|" \
    "$kit/bench.strata.toml" >"$work/server.strata.toml"
grep -q "kit.customers" "$work/server.strata.toml" || { echo "bench.strata.toml has no customers.csv line" >&2; exit 2; }
export PGPASSWORD=$password

measure() { # prints "seconds peak_MB" of one command
  /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f %.0f\n", $1, $2/1024}'
}
echo "kit: $(( $(wc -l <"$kit/customers.csv") - 1 )) customers, $(( $(wc -l <"$kit/orders.csv") - 1 )) orders; PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on this machine"
# The server's share of a pull, alone: its COPY of both tables into /dev/null through psql, the
# orders split by block range over this machine's cores as strata splits them, beside the
# customers. A cold pull cannot take less than this plus a CSV run's reading.
cores=$(nproc); pages=$(psql -At -c "SELECT relpages FROM pg_class WHERE oid = 'kit.orders'::regclass")
server_copy() {
  psql -c "COPY kit.customers TO STDOUT" >/dev/null &
  local p from to
  for p in $(seq 0 $((cores - 1))); do
    from=$((pages * p / cores)); to=$((pages * (p + 1) / cores))
    [ "$p" = $((cores - 1)) ] && to=$((pages + 1000000))
    psql -c "COPY (SELECT * FROM kit.orders WHERE ctid >= '($from,0)'::tid AND ctid < '($to,0)'::tid) TO STDOUT" >/dev/null &
  done
  wait
}
echo "round  csv_cold_s  MB   pull_cold_s  MB   ratio   server_copy_s  ratio   unchanged_s  in_database_s  MB   ratio"
for r in $(seq "$repeat"); do
  cache=$(mktemp -d)
  read -r cs cm < <(STRATA_CACHE_DIR="$cache" measure "$strata" run "$kit/bench.strata.toml" --no-cache --summary "$work/csv.json")
  # a pull from nothing: an empty cache, every table pulled, then the run on the copies
  start=$(date +%s.%N); server_copy; sc=$(echo "$(date +%s.%N) - $start" | bc -l)
  rm -rf "$cache"; cache=$(mktemp -d)
  read -r ps pm < <(STRATA_CACHE_DIR="$cache" measure "$strata" run "$work/server.strata.toml" --summary "$work/pull.json")
  # the next run: one question to the server (unchanged), the rest from the cache
  read -r ws _ < <(STRATA_CACHE_DIR="$cache" measure "$strata" run "$work/server.strata.toml" --summary "$work/pull.json")
  read -r ds dm < <(STRATA_CACHE_DIR="$cache" measure "$strata" run "$work/server.strata.toml" --in-database --summary "$work/db.json")
  rm -rf "$cache"
  printf "%5s  %10s %5s  %11s %5s  %5.2f×  %13.2f  %5.2f×  %11s  %13s %5s  %5.2f×\n" "$r" "$cs" "$cm" "$ps" "$pm" \
    "$(echo "$ps / $cs" | bc -l)" "$sc" "$(echo "$sc / $cs" | bc -l)" "$ws" "$ds" "$dm" "$(echo "$ds / $cs" | bc -l)"
done
python3 - "$work/csv.json" "$work/pull.json" "$work/db.json" <<'PY'
import json, sys
a, b, c = (json.load(open(p)) for p in sys.argv[1:])
ok = all(x["customers"] == a["customers"] and abs(x["value_total"] - a["value_total"]) <= 1e-9 * abs(a["value_total"]) for x in (b, c))
print("the three summaries agree (customers, value total)" if ok else "WARNING: the summaries disagree")
PY
