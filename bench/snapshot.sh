#!/usr/bin/env bash
# Runs the benchmark on a snapshot of a commit (default HEAD), built on its own in
# a temporary directory, so that builds of the shared work tree (others' tests run
# `npm run build`) cannot change the code under a run. The report goes to the
# work tree's bench/results/ unless --out says otherwise.
#
#   bash bench/snapshot.sh [--commit REV] -- <npm run bench flags>
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
rev=HEAD
if [[ "${1:-}" == "--commit" ]]; then rev="$2"; shift 2; fi
[[ "${1:-}" == "--" ]] && shift
sha="$(git -C "$repo" rev-parse --short "$rev")"
snap="${TMPDIR:-/tmp}/pulumi-pbx-bench-$sha"
if [[ ! -f "$snap/dist/bench/run.js" ]]; then
  rm -rf "$snap" && mkdir -p "$snap"
  git -C "$repo" archive "$sha" | tar -x -C "$snap"
  ln -s "$repo/node_modules" "$snap/node_modules"
  echo "$sha (snapshot of the committed tree, built apart from the work tree)" > "$snap/BENCH_COMMIT"
  (cd "$snap" && node node_modules/typescript/bin/tsc -p tsconfig.build.json) || echo "snapshot.sh: the build of $sha reported errors (output emitted anyway)" >&2
fi
bash "$repo/scripts/ensure-pulumi-cli.sh" >/dev/null
args=("$@")
if ! printf '%s\n' "${args[@]}" | grep -qx -- "--out"; then
  args+=(--out "$repo/bench/results/$(date -u +%F).md")
fi
cd "$snap" && exec node dist/bench/run.js "${args[@]}"
