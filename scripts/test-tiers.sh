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
start cluster-chat vitest run --project cluster --project chat
for i in $(seq 1 "$shards"); do
  mapfile -t files < <(node test/support/e2e-shards.ts "$shards" "$i")
  [ ${#files[@]} -gt 0 ] || continue
  start "e2e-$i" env MATTEROPS_SANDBOX_DIR="$PWD/.sandbox-e2e-$i" vitest run --project e2e "${files[@]}"
done

failed=()
remaining=${#pids[@]}
declare -A done_=()
# Print each run's log as it ends (wait -n), then the verdict.
while [ "$remaining" -gt 0 ]; do
  wait -n -p ended "${pids[@]}"; rc=$?
  for k in "${!pids[@]}"; do
    if [ "${pids[$k]}" = "$ended" ] && [ -z "${done_[$k]:-}" ]; then
      done_[$k]=1; remaining=$((remaining - 1))
      echo "::: ${names[$k]} ended (exit $rc)"; cat "$logs/${names[$k]}.log"
      [ "$rc" -eq 0 ] || failed+=("${names[$k]}")
    fi
  done
done
if [ ${#failed[@]} -gt 0 ]; then echo "::: failed: ${failed[*]} (logs in $logs/)"; exit 1; fi
echo "::: every tier passed"
