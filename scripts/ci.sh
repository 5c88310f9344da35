#!/usr/bin/env bash
# The one CI script. This repository's .ci/run and .github/workflows/ci.yml both run it, so what
# GitHub checks and what the project's own CI checks cannot drift apart.
#   1. npm ci && npm run test:all: the README's test command (strict n8n-node lint, types, build
#      and the packed-tarball scan, jest (which includes the versioning test and actionlint on
#      .github/workflows), the soak tests, and the real-n8n e2e suite on n8n 2.x and 1.x).
#   2. scripts/release-dry-run.sh: the release workflow's steps without publishing.
# Needs: Node 20.19+ and npm; as root on Debian it installs what the e2e suite needs (chromium)
# with apt-get, otherwise it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "[ci] Node $(node --version), npm $(npm --version), $(uname -sm)"
npm ci
npm run test:all
bash scripts/release-dry-run.sh --skip-scan
echo "[ci] passed"
