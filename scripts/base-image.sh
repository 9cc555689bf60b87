#!/usr/bin/env bash
# The Dockerfile's base, debian:bookworm-slim, made from Debian's packages with debootstrap (no
# container registry is reachable here) and imported into the podman storage of the peers' cache.
# Idempotent: once the image exists nothing runs; the rootfs tarball is kept so a wiped storage
# re-imports in seconds instead of a new debootstrap (about 1.5 min).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/podman.sh
base=docker.io/library/debian:bookworm-slim
if podman_ image exists "$base"; then exit 0; fi
mkdir -p "$IMAGE_CACHE"
tarball=$IMAGE_CACHE/debian-bookworm-minbase.tar
if [ ! -s "$tarball" ]; then
  rootfs=$(mktemp -d "$IMAGE_CACHE/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$IMAGE_CACHE/debootstrap.log" 2>&1 ||
    { tail -20 "$IMAGE_CACHE/debootstrap.log" >&2; exit 1; }
  # Like the official slim image: no downloaded packages, apt lists or caches, no docs, and dpkg
  # told to leave docs, man pages and locales out of what the Dockerfile installs later (without
  # this the base was 153 MB).
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' 'path-exclude /usr/share/man/*' \
    'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' 'path-exclude /usr/share/lintian/*' >"$rootfs"/etc/dpkg/dpkg.cfg.d/docker
  printf '%s\n' 'APT::Install-Recommends "false";' >"$rootfs"/etc/apt/apt.conf.d/docker-no-recommends
  tar -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
fi
podman_ import --quiet "$tarball" "$base" >/dev/null
echo "imported $base from $tarball"
