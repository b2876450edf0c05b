#!/bin/sh
# A file with malformed lines, out-of-range values and unknown commands: one
# clear message per bad line with its number, every good line still applied.
set -eu
IKESH=$1; top=$2; . "$top/tests/config/lib.inc"
f=$top/tests/data/bad-input.cfg
if out=$("$IKESH" --check "$f"); then fail "--check must fail on a bad file"; fi
expected=$(sed "s|@FILE@|$f|" "$top/tests/data/bad-input.expected")
[ "$out" = "$expected" ] || { printf '%s\n' "$out" > /tmp/bad-input.actual; printf "%s\n" "$expected" | diff -u - /tmp/bad-input.actual || true; fail "--check report differs"; }
cfg=$(running_config_of "$f")
for want in "hostname GOOD" " exec-timeout 5 0" " length 20" "service timestamps debug datetime msec" "logging console warnings" "line vty 0 4"; do
	expect_contains "$cfg" "$want" "good line applied"
done
expect_absent "$cfg" "line vty 5 2" "bad line not applied"
# A clean file passes --check.
clean=$(mktemp)
printf 'hostname OK\n' > "$clean"
"$IKESH" --check "$clean" || fail "--check fails on a clean file"
rm -f "$clean"
echo "bad input: ok"
