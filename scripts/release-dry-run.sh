#!/usr/bin/env bash
# The release workflow's steps (.github/workflows/release.yml) without publishing:
#   1. the GitHub release notes of this version from CHANGELOG.md ([Unreleased] stands in for a
#      version that is not dated yet) and the npm dist-tag the publish would use;
#   2. actionlint on the workflow files;
#   3. build, and the packed-tarball scan as n8n's community package scanner does it
#      (skipped with --skip-scan when npm run test:all has just run it);
#   4. `n8n-node release` on its CI path (what the publish job runs): lint, build, then
#      `npm publish` with RELEASE_MODE and NPM_CONFIG_PROVENANCE=true, here with --dry-run and a
#      registry address that cannot be reached, so nothing can be published from here.
# Not provable here: the OIDC token, the signed provenance statement and the upload itself
# (npm makes no provenance in a dry run); see docs/releasing.md.
set -euo pipefail
cd "$(dirname "$0")/.."

skip_scan=false
[ "${1:-}" = --skip-scan ] && skip_scan=true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log() { printf '[release-dry-run] %s\n' "$*"; }

name="$(node -p 'require("./package.json").name')"
version="$(node -p 'require("./package.json").version')"
dist_tag=latest
case "$version" in *-*) dist_tag=next ;; esac

log "1/4 release notes of $name $version (npm dist-tag $dist_tag)"
npx tsx scripts/release-notes.ts --preview --out "$work/notes.md"
sed 's/^/    | /' "$work/notes.md" | head -n 8
log "    ... $(wc -l < "$work/notes.md") lines in all"

log "2/4 actionlint on .github/workflows"
npx tsx scripts/lint-workflows.ts

if [ "$skip_scan" = true ]; then
	log "3/4 packed-tarball scan: skipped (npm run test:all ran it)"
else
	log "3/4 build and scan the packed tarball"
	npm run lint:package
fi

log "4/4 n8n-node release, CI path, npm publish --dry-run with provenance"
GITHUB_ACTIONS=true NPM_CONFIG_DRY_RUN=true NPM_CONFIG_PROVENANCE=true NPM_CONFIG_TAG="$dist_tag" \
	NPM_CONFIG_REGISTRY=http://127.0.0.1:9/ NODE_AUTH_TOKEN='' \
	npm run release 2>&1 | tee "$work/release.log"
if ! grep -q "^+ $name@$version\$" "$work/release.log" ||
	! grep -q "with tag $dist_tag and default access (dry-run)" "$work/release.log"; then
	log "npm publish --dry-run did not report '+ $name@$version' with tag $dist_tag"
	exit 1
fi
files="$(grep -c '^npm notice [0-9.]*[kMG]\?B ' "$work/release.log" || true)"
log "passed: $name@$version would be published to '$dist_tag' with provenance ($files files)"
