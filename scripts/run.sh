#!/usr/bin/env bash
# `make run`: matterops on the sandbox. Registers the bot and /k8s in the sandbox Mattermost, serves
# it in the background (log: .sandbox/logs/bot.log), and opens the terminal prompt in front. Leaving
# the prompt stops the bot; the sandbox keeps running (make sandbox-down stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; . .sandbox/env; set +a
export MATTEROPS_LOG_LEVEL="${MATTEROPS_LOG_LEVEL:-warn}"
bin/matterops register --write-env .sandbox/bot.env
set -a; . .sandbox/bot.env; set +a
bin/matterops serve >> .sandbox/logs/bot.log 2>&1 &
bot=$!
trap 'kill $bot 2>/dev/null || true' EXIT
node -e 'const u=`http://${process.env.MATTEROPS_HTTP_LISTEN}/readyz`;(async()=>{for(let i=0;i<100;i++){try{if((await fetch(u)).ok)return}catch{}await new Promise(r=>setTimeout(r,200))}console.error("the bot is not ready: see .sandbox/logs/bot.log")})()'
echo "matterops serves the sandbox Mattermost at $MM_URL (team ops): try  make chat AS=alice CMD='/k8s status mattermost'"
bin/matterops
