#!/usr/bin/env bash
# Regenerates the expected output of every golden diagnostics case:
# tests/golden/diag/NAME.err holds what `saker-rulec validate` prints for
# tests/golden/diag/NAME.yaml (run from the repository root): its stdout,
# then its stderr (empty unless the command itself fails), then a line
# `exit: N`. tests/golden/test_golden_diag.c compares against the same shape.
# Usage: tools/update_golden.sh BUILD_DIR (from any directory)
set -euo pipefail
if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
rulec=$build/saker-rulec
if [ ! -x "$rulec" ]; then
	echo "$0: no $rulec (build the saker-rulec target first)" >&2
	exit 1
fi
cd "$(dirname "$0")/.."
errout=$(mktemp)
trap 'rm -f "$errout"' EXIT
n=0
for y in tests/golden/diag/*.yaml; do
	err=${y%.yaml}.err
	rc=0
	"$rulec" validate "$y" >"$err" 2>"$errout" || rc=$?
	cat "$errout" >>"$err"
	echo "exit: $rc" >>"$err"
	n=$((n + 1))
done
echo "updated $n cases"
