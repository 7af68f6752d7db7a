#!/usr/bin/env bash
# Regenerates the expected output of every golden diagnostics case:
# tests/golden/diag/NAME.err holds what `saker-rulec validate` prints for
# tests/golden/diag/NAME.yaml (run from the repository root), then a line
# `exit: N`. Usage: tools/update_golden.sh BUILD_DIR
set -euo pipefail
if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."
for y in tests/golden/diag/*.yaml; do
	err=${y%.yaml}.err
	set +e
	"$build/saker-rulec" validate "$y" >"$err" 2>&1
	rc=$?
	set -e
	echo "exit: $rc" >>"$err"
done
echo "updated $(ls tests/golden/diag/*.err | wc -l) cases"
