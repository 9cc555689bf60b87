#!/usr/bin/env bash
# The tiers that need real peers, as `make test` runs them: the browser tier first (no peers), then
# side by side the cluster and chat tiers on one sandbox and the end-to-end files in
# E2E_SHARDS shards (default 3), each on a sandbox of its own (test/support/e2e-shards.ts says how
# files are dealt). Each vitest run's global setup starts its sandbox (or reuses a running one:
# .sandbox for the cluster and chat tiers, .sandbox-e2e-<n> for a shard) and stops what it started.
# Each run writes to test-results/tiers/<name>.log; a log is printed whole when its run ends, so
# runs never interleave. Fails when any run fails, after all have ended.
set -uo pipefail
cd "$(dirname "$0")/.."
shards=${E2E_SHARDS:-3}
logs=test-results/tiers
mkdir -p "$logs"

vitest run --project browser || exit 1

names=() pids=()
start() {
  local name=$1; shift
  ( "$@" >"$logs/$name.log" 2>&1 ) &
  names+=("$name") pids+=($!)
  echo "::: started $name"
}
# Deal the end-to-end files first, and refuse to go on unless every file is in exactly one shard:
# a shard list that failed or dropped files must never make a green run with fewer tests.
dealt=()
for i in $(seq 1 "$shards"); do
  list=$(node test/support/e2e-shards.ts "$shards" "$i") || { echo "::: cannot deal the e2e files into $shards shards"; exit 1; }
  dealt+=("$list")
done
every=$(ls test/e2e/*.test.ts | sort)
if [ "$(printf '%s\n' "${dealt[@]}" | grep -v '^$' | sort)" != "$every" ]; then
  echo "::: the e2e shards do not hold every file of test/e2e exactly once"; exit 1
fi

start cluster-chat vitest run --project cluster --project chat
for i in $(seq 1 "$shards"); do
  mapfile -t files <<<"${dealt[$((i - 1))]}"
  [ -n "${files[0]}" ] || continue
  start "e2e-$i" env MATTEROPS_SANDBOX_DIR="$PWD/.sandbox-e2e-$i" vitest run --project e2e "${files[@]}"
done

failed=()
# Print each run's log as it ends (wait -n over the runs still going), then the verdict.
pending=("${!pids[@]}")
while [ ${#pending[@]} -gt 0 ]; do
  left=()
  for k in "${pending[@]}"; do left+=("${pids[$k]}"); done
  ended=''
  wait -n -p ended "${left[@]}"; rc=$?
  next=()
  for k in "${pending[@]}"; do
    if [ "${pids[$k]}" = "$ended" ]; then
      echo "::: ${names[$k]} ended (exit $rc)"; cat "$logs/${names[$k]}.log"
      [ "$rc" -eq 0 ] || failed+=("${names[$k]}")
    else
      next+=("$k")
    fi
  done
  # A wait that names no run cannot happen with live children; refuse rather than loop or pass.
  if [ -z "$ended" ]; then echo "::: lost track of the runs (wait: $rc)"; exit 1; fi
  pending=("${next[@]}")
done
if [ ${#failed[@]} -gt 0 ]; then echo "::: failed: ${failed[*]} (logs in $logs/)"; exit 1; fi
echo "::: every tier passed"
