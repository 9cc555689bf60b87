#!/usr/bin/env bash
# Builds the matterops image with podman (scripts/podman.sh says why each flag), on the base
# scripts/base-image.sh makes once. Layers are kept in the peers' cache: a build whose
# package-lock.json did not change reuses the npm ci layer. IMAGE (default matterops:test) names it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/podman.sh
bash scripts/base-image.sh
image=${IMAGE:-matterops:test}
secret=()
# npm inside the build reaches the registry through a TLS-inspecting proxy only with its CA.
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then secret=(--secret "id=ca,src=$NODE_EXTRA_CA_CERTS"); fi
podman_ build --pull=never --network=host --format docker "${PODMAN_LIMITS[@]}" "${secret[@]}" \
  --build-arg VERSION="$(node -p 'require("./package.json").version')" \
  --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  --layers -t "$image" . >&2
podman_ image inspect --format '{{.Size}}' "$image"
