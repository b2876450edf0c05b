#!/usr/bin/env bash
# ikesh initiates the rekeys (strongSwan keeps its default lifetimes, so it
# never rekeys first).  The shortest lifetimes IOS accepts are 120 s (IKE:
# "lifetime 130" in the IKEv2 profile here; CHILD: "set security-association
# lifetime seconds 120") and the creator rekeys at 90 %: the CHILD_SA rekey
# (PFS group 20) comes at ~108 s, the IKE SA rekey at ~117 s.  So this
# scenario takes ~2 min; its own watchdog is 200 s.
# Checked on both sides, polled every second: no SA missing meanwhile,
# strongSwan only answered (never sent a CREATE_CHILD_SA request), the new
# CHILD_SA has PFS (ECP_384 in strongSwan's ESP algorithms), new IKE and
# CHILD SPIs on both sides, exactly one IKE SA and one CHILD SA left.
# Also checked at the start: ikesh's IKE_SA_INIT carries
# SIGNATURE_HASH_ALGORITHMS and the Cisco vendor IDs, and ikesh recorded
# strongSwan's hash list.
#
#   a 192.0.2.1 ikesh (initiator)   b 192.0.2.2 strongSwan (default lifetimes)
#
# usage: strongswan_rekey_ikesh_initiates.sh IKESH SRCDIR
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
SCN_TIMEOUT=${SCN_TIMEOUT:-200}
scn_init strongswan_rekey_ikesh_initiates "${1:-}" "$SRC"
sw_require
ik_require

topo_up a=192.0.2.1 b=192.0.2.2
settled() {
	[ "$(ik_sa_count a 192.0.2.2)" = 1 ] && [ "$(ik_child_count a 192.0.2.2)" = 1 ] &&
		[ "$(sw_ike_count b s2s)" = 1 ] && [ "$(sw_child_count b net)" = 1 ] &&
		both_sides_up a b 192.0.2.2 192.0.2.1 s2s net
}
sas_present() {
	ik_sa_ready a 192.0.2.2 && [ "$(ik_child_count a 192.0.2.2)" -ge 1 ] &&
		sw_ike_established b s2s 192.0.2.1 && sw_child_installed b net
}
CHILD_REKEY='parsed CREATE_CHILD_SA request [0-9]+ \[ N\(REKEY_SA\) SA No KE TSi TSr \]'
IKE_REKEY='parsed CREATE_CHILD_SA request [0-9]+ \[ SA No KE \]'

sw_psk_conf "$SCN_DIR/b.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1 \
	PROPOSALS=aes256gcm16-prfsha384-ecp384 ESP=aes256gcm16-ecp384
ik_svti_conf "$SCN_DIR/a.cfg" SUITE=gcm256 PROFILE_EXTRA=" lifetime 130" \
	IPSEC_EXTRA=" set pfs group20
 set security-association lifetime seconds 120"
sw_start b "$SCN_DIR/b.conf"
mb=$(sw_mark b)
ik_start a "$SCN_DIR/a.cfg"
wait_until 20 settled || die "SA up on both sides"
pass "SA up on both sides"
# what IOS sends in IKE_SA_INIT, as strongSwan parsed it
check "ikesh's IKE_SA_INIT has SIGNATURE_HASH_ALGORITHMS and 3 vendor IDs" \
	sw_log_has b "$mb" 'parsed IKE_SA_INIT request 0 \[ .*N\(HASH_ALG\) V V V \]'
for v in 'Copyright .c. 2009' 'Delete Reason' 'FlexVPN Supported'; do
	check "strongSwan recognised the Cisco ${v/.c./(c)} vendor ID" \
		sw_log_has b "$mb" "received Cisco $v vendor ID"
done
# strongSwan sends SHA2-256/384/512 and IDENTITY (RFC 8420): bits 2-5
check "ikesh recorded strongSwan's signature hashes (0x3c)" \
	eval 'ik a "show logging" | qgrep -F "peer signature hashes (RFC 7427): 0x3c"'
ike0=$(ik_sa_spis a 192.0.2.2)
child0=$(ik_child_spis a 192.0.2.2)
sw_uid0=$(sw_ike_uid b s2s)
sw_child0=$(sw_child_spis b net)
check "the first CHILD_SA has no PFS group (made in IKE_AUTH)" \
	eval '[[ "$(sw_child_algs b net)" != *ECP_384* ]]'
gaps=0
end=$(($(date +%s) + 150))
while [ "$(date +%s)" -lt $end ]; do
	sas_present || gaps=$((gaps + 1))
	sw_log_has b "$mb" "$CHILD_REKEY" && sw_log_has b "$mb" 'IKE_SA s2s\[[0-9]+\] rekeyed between' && break
	sleep 1
done
scn_log "rekeys seen (or gave up)"
check "ikesh rekeyed the CHILD_SA with PFS (strongSwan: CREATE_CHILD_SA request with REKEY_SA and KE)" \
	sw_log_has b "$mb" "$CHILD_REKEY"
check "ikesh rekeyed the IKE SA (strongSwan: CREATE_CHILD_SA request [ SA No KE ], rekeyed between)" \
	eval 'sw_log_has b "$mb" "$IKE_REKEY" && sw_log_has b "$mb" "IKE_SA s2s\[[0-9]+\] rekeyed between"'
check "strongSwan initiated no exchange (it only answered)" \
	eval '! sw_log_has b "$mb" "generating CREATE_CHILD_SA request"'
check "no SA missing on either side meanwhile (polled every second)" test "$gaps" = 0
check "afterwards one IKE SA and one CHILD SA on each side, CHILD SPIs mirrored" wait_until 15 settled
check "the new CHILD_SA has the PFS group (strongSwan: ECP_384)" \
	eval '[[ "$(sw_child_algs b net)" == *ECP_384* ]]'
check "ikesh: new IKE SPIs" test "$(ik_sa_spis a 192.0.2.2)" != "$ike0"
check "ikesh: new CHILD SPIs" test "$(ik_child_spis a 192.0.2.2)" != "$child0"
check "strongSwan: a new IKE_SA (unique id $sw_uid0 -> $(sw_ike_uid b s2s))" \
	test "$(sw_ike_uid b s2s)" != "$sw_uid0"
check "strongSwan: new CHILD SPIs" test "$(sw_child_spis b net)" != "$sw_child0"

scn_finish
