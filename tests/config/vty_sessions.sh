#!/bin/sh
# vty sessions on the UNIX socket: ikesh -c (batch, exit status), ikesh connect
# (interactive keystrokes), several sessions at once, show users.
set -eu
IKESH=$1; . "$2/tests/config/lib.inc"
dir=$(mktemp -d)
sock=$dir/ikesh.sock
pid=""; holder=""
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null || true
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
"$IKESH" --no-console --dataplane userspace --socket "$sock" 2>"$dir/err" &
pid=$!
i=0; while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$sock" ] || fail "ikesh did not create its vty socket: $(cat "$dir/err")"

out=$("$IKESH" -c "configure terminal" -c "hostname VTYTEST" -c "end" \
	-c "show running-config | include hostname" --socket "$sock") || fail "batch commands failed: $out"
expect_contains "$out" "hostname VTYTEST" "batch config"

if out=$("$IKESH" -c "show bogus" --socket "$sock"); then fail "a bad command must fail the batch"; fi
expect_contains "$out" "% Invalid input detected at '^' marker." "batch error"

# An interactive session kept open while others come and go.
mkfifo "$dir/keys"
("$IKESH" connect --socket "$sock" < "$dir/keys" > "$dir/screen" 2>&1) &
holder=$!
exec 3>"$dir/keys"
printf 'configure terminal\n' >&3
sleep 0.3
out=$("$IKESH" -c "show users" --socket "$sock")
expect_contains "$out" "vty 0" "show users lists the interactive session"
expect_contains "$out" "*  3 vty 1" "show users marks the asking session"
# Each session has its own mode: the batch session is not in config mode.
out=$("$IKESH" -c "show running-config | include hostname" --socket "$sock")
expect_contains "$out" "hostname VTYTEST" "exec command while another session configures"
printf 'hostname ?\n' >&3
printf 'end\nexit\n' >&3
exec 3>&-
wait "$holder" || true
holder=""
screen=$(cat "$dir/screen")
expect_contains "$screen" "VTYTEST#configure terminal" "interactive echo"
expect_contains "$screen" "VTYTEST(config)#hostname ?" "interactive help"
expect_contains "$screen" "WORD  This system's network name" "interactive help text"
echo "vty sessions: ok"
