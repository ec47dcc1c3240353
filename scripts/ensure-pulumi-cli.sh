#!/usr/bin/env bash
# Makes sure the pulumi CLI pinned in package.json (devDependencies.pulumi, the
# npm launcher, which runs ~/.pulumi/versions/<version>/bin/pulumi) is installed,
# together with a Node.js language host and the dynamic-provider launcher.
#
#   1. reuse an install that answers `pulumi version` with the pinned version;
#   2. else Pulumi's official installer, when it can be reached;
#   3. else build from the Go module proxy (scripts/pulumi-cli/go.mod pins the
#      modules): the CLI from github.com/pulumi/pulumi/pkg/v3/cmd/pulumi, and our
#      own small language host (scripts/pulumi-cli/langhost: Pulumi's host module
#      is not served by the proxy we can reach; see the comment in main.go).
# Go's module and build caches make a second build fast.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
version="${PULUMI_CLI_VERSION:-$(node -p "require('$root/package.json').devDependencies.pulumi")}"
home="${PULUMI_HOME:-$HOME/.pulumi}"
bin="$home/versions/$version/bin"
launcher_src="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

log() { echo "[ensure-pulumi-cli] $*" >&2; }

have_cli() {
  [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ -x "$bin/pulumi-resource-pulumi-nodejs" ] &&
    [ "$("$bin/pulumi" version 2>/dev/null)" = "v$version" ]
}

install_launcher() {
  # The engine starts dynamic providers through this script, found on PATH next to the CLI.
  if [ ! -x "$bin/pulumi-resource-pulumi-nodejs" ]; then
    if [ ! -f "$launcher_src" ]; then
      log "missing $launcher_src: run npm ci first"; return 1
    fi
    install -m 0755 "$launcher_src" "$bin/pulumi-resource-pulumi-nodejs"
  fi
}

if have_cli; then
  log "pulumi v$version is at $bin"
  exit 0
fi
mkdir -p "$bin"

# 2. The official installer (needs the internet; fails fast without it).
if [ -z "${PULUMI_CLI_FORCE_BUILD:-}" ] && command -v curl >/dev/null 2>&1; then
  tmp="$(mktemp -d)"
  if curl -fsSL --connect-timeout 5 --max-time 30 -o "$tmp/install.sh" https://get.pulumi.com 2>/dev/null &&
     sh "$tmp/install.sh" --version "$version" --install-root "$home/versions/$version" --no-edit-path >&2 2>/dev/null; then
    install_launcher
    if have_cli; then rm -rf "$tmp"; log "installed pulumi v$version with the official installer"; exit 0; fi
  fi
  rm -rf "$tmp"
  log "official installer not reachable; building from the Go module proxy"
fi

# 3. Build from source modules.
if ! command -v go >/dev/null 2>&1; then
  log "no Go toolchain. Install the pulumi CLI v$version yourself (https://www.pulumi.com/docs/install/)"
  log "so that $bin/pulumi exists, or install Go and run this script again."
  exit 1
fi
ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"
tags="osusergo,grpcnotrace"
start=$(date +%s)
(
  cd "$here/pulumi-cli"
  out="$(mktemp -d)"
  log "go build pulumi v$version (first build downloads modules and takes several minutes)"
  go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$out/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$out/pulumi-language-nodejs" ./langhost
  mv -f "$out/pulumi" "$out/pulumi-language-nodejs" "$bin/"
  rm -rf "$out"
) || { log "building the pulumi CLI failed (see above). Install pulumi v$version by hand into $bin."; exit 1; }
install_launcher
if ! have_cli; then
  log "built, but '$bin/pulumi version' does not print v$version"; exit 1
fi
log "built pulumi v$version into $bin in $(( $(date +%s) - start ))s"
