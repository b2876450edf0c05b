#!/usr/bin/env bash
# strongSwan initiates -> ikesh responder (sVTI Tunnel0 whose IPsec profile
# is responder-only), for each of the issue's proposal suites:
#   gcm256  aes-gcm-256 / prf sha384 / group 20   ESP aes-gcm-256
#   cbc256  aes-cbc-256 / sha256 / group 14       ESP aes-cbc-256 + sha256
#   cbc128  aes-cbc-128 / sha1 / group 31         ESP aes-cbc-128 + sha1
# Both sides are checked (ikesh: show crypto ikev2 sa [detailed] / session
# detailed; strongSwan: swanctl --list-sas).
#
#   a 192.0.2.1 strongSwan (kernel-libipsec)     b 192.0.2.2 ikesh
#
# usage: strongswan_ikesh_responder.sh IKESH SRCDIR
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
scn_init strongswan_ikesh_responder "${1:-}" "$SRC"
sw_require
ik_require

topo_up a=192.0.2.1 b=192.0.2.2
topo_lan a 198.51.100.1
topo_lan b 203.0.113.1

first=1
for suite in $SW_SUITES; do
	sw_psk_conf "$SCN_DIR/a-$suite.conf" LOCAL=192.0.2.1 REMOTE=192.0.2.2 \
		LOCAL_ID=192.0.2.1 REMOTE_ID=192.0.2.2 \
		PROPOSALS="$(sw_suite_proposal $suite)" ESP="$(sw_suite_esp $suite)"
	ik_svti_conf "$SCN_DIR/b-$suite.cfg" SUITE=$suite HOST=RESPONDER LOCAL=192.0.2.2 PEER=192.0.2.1 \
		LAN=203.0.113.1 IPSEC_EXTRA=" responder-only"
	if [ $first = 1 ]; then
		sw_start a "$SCN_DIR/a-$suite.conf"
		first=0
	else
		cp "$SCN_DIR/a-$suite.conf" "$(sw_dir a)/swanctl/swanctl.conf"
		sw_load a || fail "$suite: reload strongSwan"
	fi
	ik_start b "$SCN_DIR/b-$suite.cfg"
	ma=$(sw_mark a)
	check "$suite: swanctl --initiate succeeds" sw_initiate a net s2s
	if wait_until 10 both_sides_up b a 192.0.2.1 192.0.2.2 s2s net; then
		pass "$suite: strongSwan ESTABLISHED + CHILD_SA INSTALLED, ikesh READY, SPIs mirrored"
	else
		fail "$suite: SA up on both sides"
		ik "b" "show crypto ikev2 session detailed" | sed 's/^/      /'
		sw a --list-sas | sed 's/^/      /'
	fi
	check "$suite: ikesh: $(ik_suite_ike $suite)" ik_sa_has b 192.0.2.1 "$(ik_suite_ike $suite)"
	check "$suite: ikesh: responder of the SA" ik_sa_has b 192.0.2.1 "Initiator of SA : No"
	check "$suite: ikesh: CHILD SA $(ik_suite_child $suite)" \
		test "$(ik_child_algs b 192.0.2.1)" = "$(ik_suite_child $suite)"
	check "$suite: strongSwan: IKE $(sw_suite_algs $suite)" test "$(sw_ike_algs a s2s)" = "$(sw_suite_algs $suite)"
	check "$suite: strongSwan: CHILD_SA $(sw_suite_esp_algs $suite)" \
		test "$(sw_child_algs a net)" = "$(sw_suite_esp_algs $suite)"
	check "$suite: strongSwan: selectors 0.0.0.0/0 === 0.0.0.0/0 (ikesh answers any/any)" \
		sw_log_has a "$ma" 'CHILD_SA net\{[0-9]+\} established .* TS 0\.0\.0\.0/0 === 0\.0\.0\.0/0'
	# delete from the strongSwan side
	sw a --terminate --ike s2s --timeout 10 >/dev/null 2>&1
	check "$suite: swanctl --terminate: strongSwan has no SA" wait_until 5 sw_no_sas a
	check "$suite: swanctl --terminate: ikesh removed the SA" wait_until 5 ik_no_sa b 192.0.2.1
	ik_stop b
done

scn_finish
