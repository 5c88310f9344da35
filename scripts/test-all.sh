#!/usr/bin/env bash
# `npm run test:all`: lint, typecheck, the packed-package lint, jest, the soak tests, then the
# real-n8n e2e suite. What only the e2e suite needs, and a bare machine lacks (n8n 2.x and 1.x,
# Chromium, Redis and Postgres: about 10 minutes there), is installed in the background from the
# start, while the first steps run; the e2e step waits for it. Those installs are the e2e
# suite's own scripts: if one fails here, the e2e step runs it again and stops with its message.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[test:all] %s\n' "$*" >&2; }
started=$SECONDS

set -m # the background installs get their own process group, so one kill stops all of them
(
	bash test/e2e/harness/install-n8n.sh >/dev/null &
	n8n=$!
	status=0
	# apt-get takes one caller at a time: Chromium first, then Redis and Postgres.
	{ bash test/e2e/harness/install-chromium.sh >/dev/null && bash test/e2e/harness/install-queue-services.sh >/dev/null; } || status=1
	wait "$n8n" || status=1
	exit "$status"
) &
installs=$!
set +m
trap '[ -n "${installs:-}" ] && kill -- -"$installs" 2>/dev/null || true' EXIT
say "installing what the e2e suite needs in the background (lines marked [install-...])"

for script in lint typecheck lint:package test test:soak; do
	say "npm run $script ($((SECONDS - started)) s so far)"
	npm run "$script"
done

say "waiting for the background installs ($((SECONDS - started)) s so far)"
if wait "$installs"; then
	say "background installs done ($((SECONDS - started)) s so far)"
else
	say "a background install failed (its message is above); the e2e step runs it again"
fi
installs=''
say "npm run test:e2e ($((SECONDS - started)) s so far)"
npm run test:e2e
say "passed in $((SECONDS - started)) s"
