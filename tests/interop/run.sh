#!/bin/sh
# CTest entry point: installs the pinned npm packages when needed, then runs the interop
# tests with node's built-in runner against NOTIFYD_BINARY. Exit 77 (skipped) without node.
set -eu
if ! command -v node >/dev/null 2>&1; then
    echo "interop tests skipped: node is not installed"
    exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
# Arguments: the test files to run (default: every file under test/).
if [ $# -gt 0 ]; then
    exec node --test --test-concurrency=1 "$@"
fi
exec node --test --test-concurrency=1 test/*.test.mjs
