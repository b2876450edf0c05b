#!/bin/sh
# Golden transcript: feed the keystrokes in NAME.in to ikesh (offline) and
# compare the screen with NAME.out.  IKESH_UPDATE=1 rewrites NAME.out instead
# (then read the diff before committing it).
set -eu
bin=$1; in=$2
out=${in%.in}.out
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
rc=0
"$bin" --offline < "$in" > "$actual" 2>&1 || rc=$?
if [ "${IKESH_UPDATE:-0}" = 1 ]; then
	cp "$actual" "$out"
	exit 0
fi
if ! diff -u "$out" "$actual"; then
	echo "transcript $(basename "$in") differs from its golden screen (- expected, + actual)"
	exit 1
fi
if [ $rc -ne 0 ]; then
	echo "ikesh exited with status $rc"
	exit 1
fi
