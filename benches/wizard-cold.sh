#!/usr/bin/env bash
# The wizard opened on a workspace with an empty cache, as a ratio to `strata run --no-cache`,
# measured one after the other in one session: time to the first frame with results, and the
# peak memory 5 s after it (the cache entries written, the rest read meanwhile).
#
# usage: benches/wizard-cold.sh WORKSPACE [ROUNDS]   e.g. benches/wizard-cold.sh kit/bench.strata.toml 3
# Builds the release binary and the wizard benchmark first (cargo, release profile).
# Needs GNU time (/usr/bin/time) and bc.
set -euo pipefail
export LC_ALL=C
[ $# -ge 1 ] || { echo "usage: benches/wizard-cold.sh WORKSPACE [ROUNDS]" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt install time" >&2; exit 2; }
command -v bc >/dev/null || { echo "needs bc: apt install bc" >&2; exit 2; }
ws=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rounds=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
cargo build --release --quiet
strata="${CARGO_TARGET_DIR:-$here/target}/release/strata"
wizard=$(cargo bench --bench wizard --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -1)
[ -x "$wizard" ] || { echo "the wizard benchmark was not built" >&2; exit 1; }

work=
trap 'if [ -n "$work" ]; then rm -rf "$work"; fi' EXIT
echo "round  run_no_cache_s  MB   wizard_cold_frame_s  MB_5s_after   time_ratio  memory_ratio"
for r in $(seq "$rounds"); do
  work=$(mktemp -d)
  # the reference: a cold run (its exit status checked: a failed run is no reference)
  /usr/bin/time -f "%x %e %M" -o "$work/time" \
    env STRATA_CACHE_DIR="$work/unused" "$strata" --no-cache run "$ws" --summary "$work/s.json" >/dev/null
  read -r rx rt rk <"$work/time"
  [ "$rx" = 0 ] || { echo "the run failed (exit $rx)" >&2; exit 1; }
  rm=$((rk / 1024))
  out=$("$wizard" --workspace "$ws" --cache "$work/cache" --one cold --linger 5)
  ft=$(echo "$out" | sed -n 's/.*first frame with results in \([0-9.]*\) s/\1/p')
  fm=$(echo "$out" | sed -n 's/.*peak memory \([0-9.]*\) MB.*/\1/p')
  [ -n "$ft" ] && [ -n "$fm" ] || { echo "unexpected output from the wizard benchmark: $out" >&2; exit 1; }
  rm -rf "$work"; work=
  printf "%5s  %14s %5s  %19s %12s   %9.2f×  %11.2f×\n" "$r" "$rt" "$rm" "$ft" "$fm" \
    "$(echo "$ft / $rt" | bc -l)" "$(echo "$fm / $rm" | bc -l)"
done
