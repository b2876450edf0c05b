#!/usr/bin/env bash
# The FlexVPN lab (scripts/lab.sh, examples/lab/) as a CI check, twice:
#   1. `scripts/lab.sh check`: hub + two spokes come up, show crypto session
#      lists Virtual-Access1/2, pool addresses, the spokes' LANs on the hub,
#      pings LAN -> hub and spoke -> spoke through the hub;
#   2. `echo "show crypto session" | scripts/lab.sh`: the attach path (the
#      hub's vty reads the pipe) prints both sessions;
# and after each run nothing is left: no namespace with the lab's prefix,
# no process started with the lab's state directory.
#
# usage: lab.sh IKESH SRCDIR   (root)
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
scn_init lab "${1:-}" "$SRC"
[ -x "$IKESH" ] || die "ikesh binary not given or not executable: '$IKESH'"

export IKESH
export LAB_PREFIX="lk$$"
export LAB_STATE="$SCN_DIR/lab"
# if this script is stopped half-way, the lab goes too
scn_pre_cleanup "$SRC/scripts/lab.sh" down

left_over() { # namespaces or processes of the lab still there?
	ip netns list | qgrep "^$LAB_PREFIX-" && return 0
	grep -qsF "$LAB_STATE/" /proc/[0-9]*/cmdline
}

out=$(timeout 60 "$SRC/scripts/lab.sh" check 2>&1)
rc=$?
printf '%s\n' "$out" >"$SCN_DIR/check.out"
scn_track_log "$SCN_DIR/check.out"
check "scripts/lab.sh check exits 0" test $rc -eq 0
printf '%s\n' "$out" | grep -E '^(ok|FAIL) ' | sed 's/^/      lab: /'
check "check mode: show crypto session lists Virtual-Access1 and Virtual-Access2" \
	eval "printf '%s\n' \"\$out\" | qgrep '^Interface: Virtual-Access1\$' && printf '%s\n' \"\$out\" | qgrep '^Interface: Virtual-Access2\$'"
check "check mode: every lab step ok" eval "printf '%s\n' \"\$out\" | qgrep -E '^lab check: [0-9]+ ok, 0 failed'"
check "after check: no namespace, no process left" _scn_not left_over

out=$(echo "show crypto session" | timeout 60 "$SRC/scripts/lab.sh" 2>&1)
rc=$?
printf '%s\n' "$out" >"$SCN_DIR/attach.out"
scn_track_log "$SCN_DIR/attach.out"
check "piped attach: exits 0" test $rc -eq 0
check "piped attach: the hub's vty shows two UP-ACTIVE sessions" \
	test "$(printf '%s\n' "$out" | grep -c '^Session status: UP-ACTIVE')" -eq 2
check "piped attach: prompt HUB#" eval "printf '%s\n' \"\$out\" | qgrep '^HUB#show crypto session'"
check "after attach: no namespace, no process left" _scn_not left_over

scn_finish
