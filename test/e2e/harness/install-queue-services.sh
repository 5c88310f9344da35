#!/usr/bin/env bash
# Redis and Postgres for the queue-mode scenarios, from Debian's packages: installed with apt-get
# when missing and this runs as root (as CI does); otherwise says how to install them. Checks
# that what is there runs, then prints two lines for test/e2e/harness/queueServices.ts:
#   redis <path of redis-server> <version>
#   postgres <folder of the postgres binaries> <version>
# QUEUE_E2E_REDIS_SERVER and QUEUE_E2E_PG_BIN point at other builds.
set -euo pipefail

log() { printf '[install-queue-services] %s\n' "$*" >&2; }

find_redis() {
	if [ -n "${QUEUE_E2E_REDIS_SERVER:-}" ]; then printf '%s\n' "$QUEUE_E2E_REDIS_SERVER"; return; fi
	command -v redis-server 2>/dev/null || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; } || true
}

# Debian puts each major under /usr/lib/postgresql/<major>/bin (not on PATH); take the newest.
find_pg_bin() {
	if [ -n "${QUEUE_E2E_PG_BIN:-}" ]; then printf '%s\n' "$QUEUE_E2E_PG_BIN"; return; fi
	local dir
	dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
	if [ -n "$dir" ] && [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ]; then printf '%s\n' "$dir"; return; fi
	local postgres
	postgres="$(command -v postgres 2>/dev/null || true)"
	if [ -n "$postgres" ]; then dirname "$(readlink -f "$postgres")"; fi
}

missing=()
[ -n "$(find_redis)" ] || missing+=(redis-server)
[ -n "$(find_pg_bin)" ] || missing+=(postgresql)

if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		log "missing: ${missing[*]}. Install them with 'sudo apt-get install -y ${missing[*]}'"
		log "(or set QUEUE_E2E_REDIS_SERVER / QUEUE_E2E_PG_BIN), or leave queue mode out with --skip-queue."
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	log "installing Debian's ${missing[*]} (apt-get update, then apt-get install; about a minute)"
	apt-get update -qq >&2
	# The packages' own services are not used: the suite starts its own on free ports. policy-rc.d
	# keeps apt from starting them (there may be no init system at all).
	policy=/usr/sbin/policy-rc.d
	created_policy=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
	fi
	status=0
	apt-get install -y --no-install-recommends "${missing[@]}" >&2 || status=$?
	if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi
	[ "$status" = 0 ] || { log "apt-get install ${missing[*]} failed ($status)"; exit "$status"; }
	log "installed: ${missing[*]}"
fi

redis="$(find_redis)"
pg_bin="$(find_pg_bin)"
[ -n "$redis" ] || { log "redis-server still missing after the install"; exit 1; }
[ -n "$pg_bin" ] || { log "postgres still missing after the install"; exit 1; }
redis_version="$("$redis" --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')"
pg_version="$("$pg_bin/postgres" --version | sed -n 's/^postgres (PostgreSQL) \([0-9.]*\).*/\1/p')"
[ -n "$redis_version" ] || { log "$redis --version printed no version"; exit 1; }
[ -n "$pg_version" ] || { log "$pg_bin/postgres --version printed no version"; exit 1; }
"$pg_bin/initdb" --version >/dev/null || { log "$pg_bin/initdb does not run"; exit 1; }
log "redis-server $redis_version ($redis), postgres $pg_version ($pg_bin)"
printf 'redis %s %s\n' "$redis" "$redis_version"
printf 'postgres %s %s\n' "$pg_bin" "$pg_version"
