#!/usr/bin/env bash
# `make run`: matterops on the sandbox. Registers the bot and /k8s in the sandbox Mattermost, serves
# it in the background (log: .sandbox/logs/bot.log), and opens the terminal prompt in front. Leaving
# the prompt stops the bot; the sandbox keeps running (make sandbox-down stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; . .sandbox/env; set +a
if [ -z "${MATTEROPS_HTTP_LISTEN:-}" ]; then
  MATTEROPS_HTTP_LISTEN="127.0.0.1:$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
fi
export MATTEROPS_HTTP_LISTEN MATTEROPS_LOG_LEVEL="${MATTEROPS_LOG_LEVEL:-warn}"
node dist/cli.js register --write-env .sandbox/bot.env
set -a; . .sandbox/bot.env; set +a
node dist/cli.js serve >> .sandbox/logs/bot.log 2>&1 &
bot=$!
trap 'kill $bot 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "http://$MATTEROPS_HTTP_LISTEN/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
echo "matterops serves the sandbox Mattermost at $MM_URL (team ops): try  make chat AS=alice CMD='/k8s status mattermost'"
node dist/cli.js
