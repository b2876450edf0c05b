#!/usr/bin/env bash
# ikesh initiates (sVTI Tunnel0 with tunnel protection) -> strongSwan
# responder, for each of the issue's proposal suites:
#   gcm256  aes-gcm-256 / prf sha384 / group 20   ESP aes-gcm-256
#   cbc256  aes-cbc-256 / sha256 / group 14       ESP aes-cbc-256 + sha256
#   cbc128  aes-cbc-128 / sha1 / group 31         ESP aes-cbc-128 + sha1
# Both sides are checked: show crypto ikev2 sa [detailed] / session detailed
# on ikesh, swanctl --list-sas on strongSwan (state, algorithms, CHILD_SA
# SPIs mirrored).
#
#   a 192.0.2.1 ikesh      b 192.0.2.2 strongSwan (kernel-libipsec)
#
# usage: strongswan_ikesh_initiator.sh IKESH SRCDIR
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
scn_init strongswan_ikesh_initiator "${1:-}" "$SRC"
sw_require
ik_require

topo_up a=192.0.2.1 b=192.0.2.2
topo_lan a 198.51.100.1
topo_lan b 203.0.113.1

first=1
for suite in $SW_SUITES; do
	sw_psk_conf "$SCN_DIR/b-$suite.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 \
		LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1 \
		PROPOSALS="$(sw_suite_proposal $suite)" ESP="$(sw_suite_esp $suite)"
	ik_svti_conf "$SCN_DIR/a-$suite.cfg" SUITE=$suite
	if [ $first = 1 ]; then
		sw_start b "$SCN_DIR/b-$suite.conf"
		first=0
	else
		cp "$SCN_DIR/b-$suite.conf" "$(sw_dir b)/swanctl/swanctl.conf"
		sw_load b || fail "$suite: reload strongSwan"
	fi
	mb=$(sw_mark b)
	ik_start a "$SCN_DIR/a-$suite.cfg"
	if wait_until 20 both_sides_up a b 192.0.2.2 192.0.2.1 s2s net; then
		pass "$suite: ikesh READY, strongSwan ESTABLISHED + CHILD_SA INSTALLED, SPIs mirrored ($(scn_elapsed) s)"
	else
		fail "$suite: SA up on both sides within 20 s"
		ik_sa a detailed | sed 's/^/      /'
		sw b --list-sas | sed 's/^/      /'
	fi
	check "$suite: ikesh: $(ik_suite_ike $suite)" ik_sa_has a 192.0.2.2 "$(ik_suite_ike $suite)"
	check "$suite: ikesh: initiator of the SA" ik_sa_has a 192.0.2.2 "Initiator of SA : Yes"
	check "$suite: ikesh: CHILD SA $(ik_suite_child $suite), tunnel mode" \
		test "$(ik_child_algs a 192.0.2.2)" = "$(ik_suite_child $suite)"
	check "$suite: strongSwan: IKE $(sw_suite_algs $suite)" test "$(sw_ike_algs b s2s)" = "$(sw_suite_algs $suite)"
	check "$suite: strongSwan: CHILD_SA $(sw_suite_esp_algs $suite)" \
		test "$(sw_child_algs b net)" = "$(sw_suite_esp_algs $suite)"
	check "$suite: strongSwan: selectors 0.0.0.0/0 === 0.0.0.0/0 (sVTI)" \
		sw_log_has b "$mb" 'CHILD_SA net\{[0-9]+\} established .* TS 0\.0\.0\.0/0 === 0\.0\.0\.0/0'
	check "$suite: exactly one IKE SA on each side" \
		test "$(ik_sa_count a 192.0.2.2)" = 1 -a "$(sw_ike_count b s2s)" = 1
	ik_stop a
	sw b --terminate --ike s2s --force >/dev/null 2>&1
	wait_until 5 sw_no_sas b || fail "$suite: strongSwan SA removed after the test"
done

scn_finish
