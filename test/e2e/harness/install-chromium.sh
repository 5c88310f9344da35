#!/usr/bin/env bash
# Debian's Chromium for the editor checks: Playwright cannot download its browsers on these
# machines, so the suite drives /usr/bin/chromium through playwright-core. Installs it with apt-get
# when it is missing or does not start and this runs as root (as CI does); otherwise says how to
# install it. apt-get's output goes to a log file. Prints the browser's path.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
LOGS="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-parallel-task-group-e2e}/logs"
LOG_FILE="$LOGS/chromium.log"
log() { printf '[install-chromium] %s\n' "$*" >&2; }

# A browser that is present but does not start (a half-finished install) counts as missing.
works() { [ -x "$CHROMIUM" ] && "$CHROMIUM" --headless=new --no-sandbox --version >/dev/null 2>&1; }

if works; then
	printf '%s\n' "$CHROMIUM"
	exit 0
fi
[ -e "$CHROMIUM" ] && log "$CHROMIUM is there but does not start ('$CHROMIUM --version' fails)"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	log "what to do: install Chromium with 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH"
	log "to a Chromium or Chrome binary), then run the same command again."
	exit 1
fi
mkdir -p "$LOGS"
# One apt-get at a time on the machine: two suites (or another apt user) wait for each other.
if command -v flock >/dev/null 2>&1; then
	exec 8>"${TMPDIR:-/tmp}/install-chromium.lock"
	flock 8
	if works; then
		printf '%s\n' "$CHROMIUM"
		exit 0
	fi
fi
log "installing Debian's chromium with apt-get (about 100 MB, usually 1-2 min; log: $LOG_FILE)"
started=$SECONDS
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=600)
if ! { "${APT[@]}" update -qq && "${APT[@]}" install -y -qq --reinstall chromium; } >"$LOG_FILE" 2>&1; then
	log "FAILED: apt-get install chromium. Last lines of $LOG_FILE:"
	tail -n 15 "$LOG_FILE" | sed 's/^/    /' >&2
	log "what to do: check that the Debian mirrors are reachable (apt-get update), then run the same command again."
	exit 1
fi
if ! works; then
	log "FAILED: chromium was installed but '$CHROMIUM --version' still fails; see $LOG_FILE"
	exit 1
fi
log "chromium installed and checked in $((SECONDS - started)) s"
printf '%s\n' "$CHROMIUM"
