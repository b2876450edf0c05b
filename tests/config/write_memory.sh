#!/bin/sh
# write memory: atomic file replacement, and a confirmation before losing
# startup-config lines that were not understood.
set -eu
IKESH=$1; top=$2; . "$top/tests/config/lib.inc"
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cfg=$dir/startup-config
printf 'hostname ONE\nthis line is not understood\n' > "$cfg"
# Refusing keeps the file as it was.
out=$(printf 'enable\nwrite memory\nn\n' | "$IKESH" --offline -f "$cfg" 2>&1)
expect_contains "$out" "line(s) of the startup-config were not understood (line 2)" "warning"
expect_contains "$out" "Proceed? [confirm]" "confirm question"
expect_contains "$out" "% Not written" "refusal"
grep -q "this line is not understood" "$cfg" || fail "file changed although refused"
# Confirming (Enter) writes the running-config.
out=$(printf 'enable\nconfigure terminal\nhostname TWO\nend\nwrite memory\n\n' | "$IKESH" --offline -f "$cfg" 2>&1)
expect_contains "$out" "[OK]" "write after confirm"
grep -q "^hostname TWO$" "$cfg" || fail "not written"
grep -q "not understood" "$cfg" && fail "bad line still there"
[ "$(ls "$dir")" = "startup-config" ] || fail "temporary files left behind: $(ls "$dir")"
# Now the startup-config is clean: no question, and copy run start works too.
out=$(printf 'enable\nconfigure terminal\nhostname THREE\nend\ncopy running-config startup-config\nshow startup-config\n' | "$IKESH" --offline -f "$cfg" 2>&1)
expect_absent "$out" "confirm" "no question for a clean startup-config"
expect_contains "$out" "hostname THREE" "show startup-config"
# No startup-config file given: a clear error.
out=$(printf 'enable\nwrite memory\n' | "$IKESH" --offline 2>&1)
expect_contains "$out" "% No startup-config file" "write without -f"
echo "write memory: ok"
