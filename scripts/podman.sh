# Sourced by the image scripts: podman as it works on this kind of machine (reference: the
# container image section of test/peers/README.md). crun refuses hybrid cgroups, so runc with
# cgroupfs; podman's default rlimits are above what the machine allows, so set them at or below
# `ulimit -n` / `ulimit -u`; storage (base image and build layers) lives with the peers' cache,
# outside the repository, so a warm run reuses every layer.
PEERS_DIR=${MATTEROPS_PEERS_DIR:-$HOME/.cache/matterops-peers}
IMAGE_CACHE=$PEERS_DIR/image
podman_() {
  podman --root "$IMAGE_CACHE/storage" --runroot "${XDG_RUNTIME_DIR:-/run}/matterops-podman" \
    --runtime /usr/sbin/runc --cgroup-manager=cgroupfs "$@"
}
PODMAN_LIMITS=(--ulimit nofile=20000:20000 --ulimit nproc=4096:4096)
# A container of the image on the host's network (the sandbox listens on loopback).
podman_run() {
  podman_ run --network=host "${PODMAN_LIMITS[@]}" "$@"
}
