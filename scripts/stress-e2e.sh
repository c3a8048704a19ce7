#!/usr/bin/env bash
# Runs the e2e suite (test/e2e) RUNS times in a row while every core is kept busy, and reports pass/fail per run:
# the proof that the suite does not depend on wall-clock margins. Not part of `npm test` (it takes a while).
#
#   scripts/stress-e2e.sh [RUNS]            (default 3)
#   STRESS_WORKERS=N                         busy workers (default: one per core, `nproc`)
#   STRESS_LOG_DIR=DIR                       where each run's output goes (default: a new temp folder)
#
# The load is Debian's stress-ng (`apt-get install stress-ng`) when installed, else one `node` busy loop per worker.
# Only the load processes this script started are stopped, by pid, when it ends (also on Ctrl-C).
# On a shared machine, take the e2e lock first: flock /tmp/floe-e2e.lock scripts/stress-e2e.sh 3
set -uo pipefail

runs="${1:-3}"
workers="${STRESS_WORKERS:-$(nproc)}"
log_dir="${STRESS_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/floe-stress-e2e.XXXXXX")}"
mkdir -p "$log_dir"
cd "$(dirname "$0")/.." || exit 2

if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [RUNS]   (RUNS: a positive number, got '$runs')" >&2
  exit 2
fi

load_pids=()
stop_load() {
  for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${load_pids[@]}"; do wait "$pid" 2>/dev/null; done
  load_pids=()
}
trap stop_load EXIT
trap 'stop_load; exit 130' INT TERM

echo "building the CLI (the e2e tests run dist/)..."
npm run build --silent || exit 1

if command -v stress-ng >/dev/null; then
  stress-ng --cpu "$workers" --quiet &
  load_pids+=("$!")
  load="stress-ng --cpu $workers"
else
  for _ in $(seq "$workers"); do
    node -e 'for (;;) {}' &
    load_pids+=("$!")
  done
  load="$workers node busy loop(s)"
fi
echo "load: $load (pid ${load_pids[*]}); logs in $log_dir"

failed=0
summary=()
for i in $(seq "$runs"); do
  log="$log_dir/run-$i.log"
  started=$(date +%s)
  NO_COLOR=1 npx vitest run test/e2e >"$log" 2>&1
  code=$?
  seconds=$(($(date +%s) - started))
  tests=$(grep -E '^ +Tests ' "$log" | tail -1 | sed -E 's/^ +Tests +//')
  if [ "$code" -eq 0 ]; then
    line="run $i: PASS  ${seconds}s  ($tests)"
  else
    failed=$((failed + 1))
    line="run $i: FAIL  ${seconds}s  (${tests:-vitest exited $code}); see $log"
  fi
  echo "$line"
  grep -E '^ FAIL ' "$log" | sed 's/^/    /'
  summary+=("$line")
done

stop_load
echo
echo "e2e under load ($load, $(nproc) cores): $((runs - failed)) of $runs runs passed"
printf '  %s\n' "${summary[@]}"
[ "$failed" -eq 0 ]
