#!/usr/bin/env bash
# Builds the real test peers from the Go module proxy (and PostgreSQL 15 from Debian) into a cache
# outside the repository. Idempotent: a peer whose binary reports its pinned version is skipped.
# Recipes and timings: test/peers/README.md.
set -euo pipefail

PEERS="${MATTEROPS_PEERS_DIR:-$HOME/.cache/matterops-peers}"
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
ETCD_VERSION=3.6.16
K8S_VERSION=1.36.3
K8S_STAGING=0.36.3
KWOK_VERSION=0.8.0
OPERATOR_VERSION=1.24.0-rc.1
MM_MODULE_VERSION=v8.0.0-20240520151130-4bdd8bb18e47
MM_PUBLIC_VERSION=v0.1.3
MM_VERSION=9.9.0
# SeaweedFS has no module tags the proxy serves; this pseudo-version is release 4.53.
SEAWEEDFS_MODULE_VERSION=v0.0.0-20261109003541-7506e5f91cd6
SEAWEEDFS_VERSION=4.53
# v0.32 and later embed a built web UI their module zip lacks and do not build; 0.31.1 does.
ALERTMANAGER_VERSION=0.31.1
HELM_VERSION=4.3.1
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# The binaries are stripped (-s -w), so the compiler need not write debug info either.
NODWARF=-gcflags=all=-dwarf=false

mkdir -p "$PEERS/bin" "$PEERS/src" "$PEERS/logs" "$PEERS/stamps"
started=$(date +%s)

# step NAME CMD...: runs CMD with its output in a log file; on failure names the step and the log.
step() {
  local name=$1; shift
  local log="$PEERS/logs/$name.log" t0; t0=$(date +%s)
  # A line when it starts and one when it ends: steps in the background print between them.
  printf '  %-28s started\n' "$name"
  # Not inside `if`: bash ignores errexit in a condition, which would hide a failing command.
  local rc
  set +e
  ( set -e; "$@" ) >"$log" 2>&1
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    printf '  %-28s ok (%ss)\n' "$name" "$(( $(date +%s) - t0 ))"
  else
    printf '  %-28s FAILED\n' "$name"
    echo "peer build step '$name' failed; see $log" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

# fresh NAME VERSION CHECK...: true when CHECK's output contains VERSION (the binary is current).
# grep reads all of it (no -q): a grep that quits at the first match can kill a CHECK still
# writing with SIGPIPE, and pipefail then calls a current binary stale (etcd was rebuilt so).
fresh() {
  local name=$1 version=$2; shift 2
  if "$@" 2>/dev/null | grep -F -- "$version" >/dev/null; then
    printf '  %-28s up to date (%s)\n' "$name" "$version"
    return 0
  fi
  return 1
}

# Stamps stand in for a version flag where a binary has none that names our pin (the operator has
# no --version; `mattermost version` needs a database).
stamp_ok() { [ -x "$2" ] && [ "$(cat "$PEERS/stamps/$1" 2>/dev/null)" = "$3" ]; }
stamp() { echo "$2" >"$PEERS/stamps/$1"; }

etcd_get() {
  mkdir -p "$PEERS/src/etcd" && cd "$PEERS/src/etcd"
  [ -f go.mod ] || go mod init local/etcd-build
  go get -tool "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
}

etcd_build() {
  cd "$PEERS/src/etcd"
  go build -trimpath "$NODWARF" -ldflags "-s -w" -o "$PEERS/bin/etcd" go.etcd.io/etcd/server/v3
}

k8s_get() {
  mkdir -p "$PEERS/src/k8s" && cd "$PEERS/src/k8s"
  printf 'module local/k8s-peers\n\ngo 1.26.0\n\ngodebug default=go1.26\n' >go.mod
  local m
  for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider \
    cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api \
    cri-client cri-streaming csi-translation-lib dynamic-resource-allocation endpointslice externaljwt \
    kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics \
    mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller streaming; do
    go mod edit "-replace=k8s.io/$m=k8s.io/$m@v$K8S_STAGING"
  done
  go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-controller-manager@v$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-scheduler@v$K8S_VERSION"
}

k8s_build() {
  cd "$PEERS/src/k8s"
  local minor; minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  go build -p 2 -trimpath "$NODWARF" -tags=selinux,notest,grpcnotrace \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
    -o "$PEERS/bin/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler
}

# Downloads what `go install kwok@version` needs into the module cache (a throwaway module whose
# requirements are kwok's own), so the install itself only compiles.
kwok_get() {
  mkdir -p "$PEERS/src/kwok" && cd "$PEERS/src/kwok"
  [ -f go.mod ] || go mod init local/kwok-fetch
  go get -tool "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
}

kwok_build() {
  GOBIN="$PEERS/bin" go install "$NODWARF" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  # The stage files ship in the module; keep a copy beside the binary for the sandbox.
  local mod; mod="$(go env GOMODCACHE)/sigs.k8s.io/kwok@v$KWOK_VERSION"
  rm -rf "$PEERS/kwok-stages" && cp -r "$mod/kustomize/stage" "$PEERS/kwok-stages" && chmod -R u+w "$PEERS/kwok-stages"
}

operator_get() {
  mkdir -p "$PEERS/src/operator" && cd "$PEERS/src/operator"
  [ -f go.mod ] || go mod init local/operator
  go get -tool "github.com/mattermost/mattermost-operator@v$OPERATOR_VERSION"
}

operator_build() {
  cd "$PEERS/src/operator"
  go build -trimpath "$NODWARF" -ldflags "-s -w" -o "$PEERS/bin/mattermost-operator" github.com/mattermost/mattermost-operator
  # The CRDs come from the same module version as the binary.
  local mod; mod="$(go env GOMODCACHE)/github.com/mattermost/mattermost-operator@v$OPERATOR_VERSION"
  rm -rf "$PEERS/operator-crds" && cp -r "$mod/config/crd/bases" "$PEERS/operator-crds" && chmod -R u+w "$PEERS/operator-crds"
}

mattermost_get() {
  mkdir -p "$PEERS/src/mattermost" && cd "$PEERS/src/mattermost"
  rm -f go.mod go.sum && go mod init local/mattermost-build
  # The commands import enterprise packages that the proxy does not serve (they sit behind build
  # tags we do not use), so `go get` of the commands fails; require the module, declare the
  # commands as tools, and let `go mod tidy -e` fill go.sum while tolerating those imports.
  local mm=github.com/mattermost/mattermost/server
  go mod edit "-require=$mm/v8@$MM_MODULE_VERSION" "-require=$mm/public@$MM_PUBLIC_VERSION" \
    "-tool=$mm/v8/cmd/mattermost" "-tool=$mm/v8/cmd/mmctl"
  go mod tidy -e
  grep -q "$mm/public $MM_PUBLIC_VERSION" go.mod # the pin must survive tidy (see real-peers.md)
}

mattermost_build() {
  cd "$PEERS/src/mattermost"
  local mm=github.com/mattermost/mattermost/server
  local home="$PEERS/mattermost"
  mkdir -p "$home/bin"
  go build -p 2 -trimpath "$NODWARF" -ldflags "-s -w" -o "$home/bin/" "$mm/v8/cmd/mattermost" "$mm/v8/cmd/mmctl"
  # The server wants its i18n, templates and fonts beside the binary (the module cache is read-only).
  local mod; mod="$(go env GOMODCACHE)/$mm/v8@$MM_MODULE_VERSION"
  local d
  for d in i18n templates fonts; do rm -rf "${home:?}/$d"; cp -r "$mod/$d" "$home/$d"; done
  chmod -R u+w "$home"
}

seaweedfs_get() {
  mkdir -p "$PEERS/src/seaweedfs" && cd "$PEERS/src/seaweedfs"
  [ -f go.mod ] || go mod init local/seaweedfs-build
  go get -tool "github.com/seaweedfs/seaweedfs/weed@$SEAWEEDFS_MODULE_VERSION"
}

seaweedfs_build() {
  cd "$PEERS/src/seaweedfs"
  go build -p 2 -trimpath "$NODWARF" -ldflags "-s -w" -o "$PEERS/bin/weed" github.com/seaweedfs/seaweedfs/weed
}

alertmanager_get() {
  mkdir -p "$PEERS/src/alertmanager" && cd "$PEERS/src/alertmanager"
  [ -f go.mod ] || go mod init local/alertmanager-build
  go get -tool "github.com/prometheus/alertmanager/cmd/alertmanager@v$ALERTMANAGER_VERSION" \
    "github.com/prometheus/alertmanager/cmd/amtool@v$ALERTMANAGER_VERSION"
}

alertmanager_build() {
  cd "$PEERS/src/alertmanager"
  # The version flags are what `alertmanager --version` prints (and what `fresh` checks).
  local v=github.com/prometheus/common/version
  go build -p 2 -trimpath "$NODWARF" -ldflags "-s -w -X $v.Version=$ALERTMANAGER_VERSION" -o "$PEERS/bin/" \
    github.com/prometheus/alertmanager/cmd/alertmanager github.com/prometheus/alertmanager/cmd/amtool
}

helm_get() {
  mkdir -p "$PEERS/src/helm" && cd "$PEERS/src/helm"
  [ -f go.mod ] || go mod init local/helm-build
  go get -tool "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION"
}

helm_build() {
  cd "$PEERS/src/helm"
  # Without the version flag `helm version` says only v4.3.
  go build -p 2 -trimpath "$NODWARF" -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=v$HELM_VERSION" \
    -o "$PEERS/bin/helm" helm.sh/helm/v4/cmd/helm
}

# promparse (test/peers/promparse): the Prometheus project's own text parser (prometheus/common
# expfmt, a module alertmanager already brings) behind a 60-line main, so tests read /metrics as
# Prometheus does. Its stamp is the hash of its sources.
promparse_src() { cat "$REPO/test/peers/promparse/main.go" "$REPO/test/peers/promparse/go.mod" "$REPO/test/peers/promparse/go.sum" | sha256sum | cut -c1-16; }
promparse_build() {
  cd "$REPO/test/peers/promparse"
  go build -trimpath "$NODWARF" -ldflags "-s -w" -o "$PEERS/bin/promparse" .
}

install_postgres() {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15
}

echo "matterops peers -> $PEERS"

# What is out of date. Each check on its own line: a step on the left of && or || would run with
# errexit ignored.
need_etcd=1 need_k8s=1 need_kwok=1 need_operator=1 need_mattermost=1 need_seaweedfs=1 need_alertmanager=1 need_helm=1
if fresh etcd "$ETCD_VERSION" "$PEERS/bin/etcd" --version; then need_etcd=0; fi
if fresh kube-apiserver "v$K8S_VERSION" "$PEERS/bin/kube-apiserver" --version &&
   fresh kube-controller-manager "v$K8S_VERSION" "$PEERS/bin/kube-controller-manager" --version &&
   fresh kube-scheduler "v$K8S_VERSION" "$PEERS/bin/kube-scheduler" --version; then need_k8s=0; fi
if fresh kwok "v$KWOK_VERSION" "$PEERS/bin/kwok" --version && [ -d "$PEERS/kwok-stages" ]; then need_kwok=0; fi
if stamp_ok operator "$PEERS/bin/mattermost-operator" "$OPERATOR_VERSION" && [ -d "$PEERS/operator-crds" ]; then
  printf '  %-28s up to date (%s)\n' mattermost-operator "$OPERATOR_VERSION"; need_operator=0
fi
if stamp_ok mattermost "$PEERS/mattermost/bin/mattermost" "$MM_VERSION" && [ -x "$PEERS/mattermost/bin/mmctl" ]; then
  printf '  %-28s up to date (%s)\n' mattermost "$MM_VERSION"; need_mattermost=0
fi
# `weed version` prints "version 30GB 4.53  linux amd64" (30GB: the build's volume size limit).
if fresh seaweedfs "30GB $SEAWEEDFS_VERSION" "$PEERS/bin/weed" version; then need_seaweedfs=0; fi
if fresh alertmanager "version $ALERTMANAGER_VERSION" "$PEERS/bin/alertmanager" --version &&
   [ -x "$PEERS/bin/amtool" ]; then need_alertmanager=0; fi
if fresh helm "v$HELM_VERSION" "$PEERS/bin/helm" version; then need_helm=0; fi
need_promparse=1
if stamp_ok promparse "$PEERS/bin/promparse" "$(promparse_src)"; then
  printf '  %-28s up to date\n' promparse; need_promparse=0
fi

# Downloads wait on the network and compiles on the CPU: the other peers' modules are fetched in
# the background while Kubernetes, the longest compile, builds. The module cache takes concurrent
# go commands (it locks). Each fetch is a step with its own log; its failure stops the build.
declare -A fetching=()
# Each fetch runs in a process group of its own (job control on while it starts), so that on exit
# (a failed step, Ctrl-C) the trap stops the go commands under it too, not only its subshell.
trap 'for job in $(jobs -p); do kill -- -"$job" 2>/dev/null || true; done' EXIT
prefetch() { set -m; step "$1-get" "$1_get" & fetching[$1]=$!; set +m; }
fetched() { if [ -n "${fetching[$1]:-}" ]; then wait "${fetching[$1]}" || exit 1; else step "$1-get" "$1_get"; fi; }
if [ "$need_etcd" = 1 ]; then prefetch etcd; fi
if [ "$need_kwok" = 1 ]; then prefetch kwok; fi
if [ "$need_operator" = 1 ]; then prefetch operator; fi
if [ "$need_mattermost" = 1 ]; then prefetch mattermost; fi
if [ "$need_seaweedfs" = 1 ]; then prefetch seaweedfs; fi
if [ "$need_alertmanager" = 1 ]; then prefetch alertmanager; fi
if [ "$need_helm" = 1 ]; then prefetch helm; fi

if [ "$need_k8s" = 1 ]; then
  # No kubectl: it would add minutes to a cold build, and the sandbox needs none (CRDs go in over
  # plain HTTPS); use your own kubectl with .sandbox/kubeconfig.
  step k8s-get k8s_get
  step k8s-build k8s_build
fi
if [ "$need_etcd" = 1 ]; then fetched etcd; step etcd etcd_build; fi
if [ "$need_kwok" = 1 ]; then fetched kwok; step kwok kwok_build; fi
if [ "$need_operator" = 1 ]; then
  fetched operator; step mattermost-operator operator_build
  stamp operator "$OPERATOR_VERSION"
fi
if [ "$need_mattermost" = 1 ]; then
  fetched mattermost; step mattermost mattermost_build
  stamp mattermost "$MM_VERSION"
fi
if [ "$need_seaweedfs" = 1 ]; then fetched seaweedfs; step seaweedfs seaweedfs_build; fi
if [ "$need_alertmanager" = 1 ]; then fetched alertmanager; step alertmanager alertmanager_build; fi
if [ "$need_helm" = 1 ]; then fetched helm; step helm helm_build; fi
if [ "$need_promparse" = 1 ]; then step promparse promparse_build; stamp promparse "$(promparse_src)"; fi
if [ -x /usr/lib/postgresql/15/bin/postgres ]; then
  printf '  %-28s present (Debian)\n' postgresql-15
else
  step postgresql-15 install_postgres
fi
echo "peers ready in $(( $(date +%s) - started ))s ($(du -sh "$PEERS" | cut -f1) in $PEERS)"
