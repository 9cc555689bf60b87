#!/usr/bin/env bash
# `make install`: npm ci only when package.json or package-lock.json changed since the last install.
# The stamp holds their hash, not a time: a fresh checkout or a git worktree gives both files a new
# mtime, and a worktree whose node_modules is a symlink to another checkout's would then run npm ci,
# which empties the directory it installs into through the symlink, under every other user of it.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.installed
want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/.bin/tsc ]; then exit 0; fi
if [ -L node_modules ]; then
  echo "node_modules links to $(readlink node_modules), installed from another package-lock.json:" \
    "run make install there (npm ci here would empty it)" >&2
  exit 1
fi
npm ci --no-audit --no-fund
echo "$want" >"$stamp"
