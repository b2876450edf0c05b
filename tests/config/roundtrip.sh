#!/bin/sh
# Every example config loads without a problem, and its running-config parses
# back to an identical running-config.
set -eu
IKESH=$1; top=$2; . "$top/tests/config/lib.inc"
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
n=0
for f in "$top"/examples/*.cfg "$top"/examples/lab/*.cfg "$top"/examples/startup-config; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	name=$(basename "$f")
	"$IKESH" --check "$f" > "$dir/check" 2>&1 || { cat "$dir/check"; fail "$name: --check reports problems"; }
	running_config_of "$f" > "$dir/$name.1"
	running_config_of "$dir/$name.1" > "$dir/$name.2"
	diff -u "$dir/$name.1" "$dir/$name.2" || fail "$name: running-config does not round-trip"
	"$IKESH" --check "$dir/$name.1" > "$dir/check" 2>&1 || { cat "$dir/check"; fail "$name: its running-config has problems"; }
done
[ $n -ge 1 ] || fail "no example configs found"
echo "round trip: $n configs ok"
