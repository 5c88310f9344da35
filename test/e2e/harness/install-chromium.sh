#!/usr/bin/env bash
# Debian's Chromium for the editor checks: Playwright cannot download its browsers on these
# machines, so the suite drives /usr/bin/chromium through playwright-core. Installs it with apt-get
# when it is missing and this runs as root (as CI does); otherwise says how to install it.
# Prints the browser's path.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
log() { printf '[install-chromium] %s\n' "$*" >&2; }

if [ -x "$CHROMIUM" ]; then
	printf '%s\n' "$CHROMIUM"
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	log "$CHROMIUM is missing: install it with 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH)"
	exit 1
fi
log "installing Debian's chromium (about a minute)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq chromium >&2
printf '%s\n' "$CHROMIUM"
