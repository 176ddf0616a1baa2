#!/usr/bin/env bash
# The wizard opened on a workspace with an empty cache, as a ratio to `strata run --no-cache`,
# measured one after the other in one session: time to the first frame with results, and the
# peak memory 5 s after it (the cache entries written, the rest read meanwhile).
#
# usage: benches/wizard-cold.sh WORKSPACE [ROUNDS]   e.g. benches/wizard-cold.sh kit/bench.strata.toml 3
# Builds the release binary and the wizard benchmark first (cargo, release profile).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: benches/wizard-cold.sh WORKSPACE [ROUNDS]" >&2; exit 2; }
ws=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rounds=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
cargo build --release --quiet
strata="${CARGO_TARGET_DIR:-$here/target}/release/strata"
wizard=$(cargo bench --bench wizard --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -1)
[ -x "$wizard" ] || { echo "the wizard benchmark was not built" >&2; exit 1; }

measure() { # prints "seconds peak_MB" of one command
  /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f %.0f\n", $1, $2/1024}'
}
echo "round  run_no_cache_s  MB   wizard_cold_frame_s  MB_5s_after   time_ratio  memory_ratio"
for r in $(seq "$rounds"); do
  work=$(mktemp -d)
  read -r rt rm < <(STRATA_CACHE_DIR="$work/unused" measure "$strata" --no-cache run "$ws" --summary "$work/s.json")
  out=$("$wizard" --workspace "$ws" --cache "$work/cache" --one cold --linger 5)
  ft=$(echo "$out" | sed -n 's/.*first frame with results in \([0-9.]*\) s/\1/p')
  fm=$(echo "$out" | sed -n 's/.*peak memory \([0-9.]*\) MB.*/\1/p')
  rm -rf "$work"
  printf "%5s  %14s %5s  %19s %12s   %9.2f×  %11.2f×\n" "$r" "$rt" "$rm" "$ft" "$fm" \
    "$(echo "$ft / $rt" | bc -l)" "$(echo "$fm / $rm" | bc -l)"
done
