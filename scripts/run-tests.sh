#!/usr/bin/env bash
# Runs the whole suite. pytest's exit code 5 ("no tests ran") is a broken suite, not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
    echo "run-tests: pytest collected no tests; the suite is broken" >&2
    exit 1
fi
exit "$rc"
