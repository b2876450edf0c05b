#!/usr/bin/env bash
# PENDING (see tests/scenario/README.md): ikesh initiates the rekeys.  The
# shortest lifetimes ikesh accepts are 120 s (IKE: "lifetime 120" in the
# IKEv2 profile; CHILD: "set security-association lifetime seconds 120"),
# and the creator rekeys at 90 %, so the first rekey comes after 108 s:
# over the 90 s a scenario may take.
# Run by hand:  bash tests/scenario/pending/strongswan_rekey_ikesh_initiates.sh build/ikesh .
#
#   a 192.0.2.1 ikesh (initiator; CHILD lifetime 120 s, IKE lifetime 130 s)
#   b 192.0.2.2 strongSwan (default lifetimes: it never rekeys first)
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../../.." && pwd)}
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
ike0=$(ik_sa_spis a 192.0.2.2)
child0=$(ik_child_spis a 192.0.2.2)
gaps=0
end=$(($(date +%s) + 140))
while [ "$(date +%s)" -lt $end ]; do
	sas_present || gaps=$((gaps + 1))
	sw_log_has b "$mb" 'parsed CREATE_CHILD_SA request [0-9]+ \[ N\(REKEY_SA\)' &&
		sw_log_has b "$mb" 'IKE_SA s2s\[[0-9]+\] rekeyed between' && break
	sleep 1
done
check "ikesh rekeyed the CHILD SA (strongSwan: CREATE_CHILD_SA request with REKEY_SA)" \
	sw_log_has b "$mb" 'parsed CREATE_CHILD_SA request [0-9]+ \[ N\(REKEY_SA\)'
check "ikesh rekeyed the IKE SA (strongSwan: rekeyed between)" \
	sw_log_has b "$mb" 'IKE_SA s2s\[[0-9]+\] rekeyed between'
check "no SA missing on either side meanwhile" test "$gaps" = 0
check "afterwards one IKE SA and one CHILD SA on each side, SPIs mirrored" wait_until 10 settled
check "ikesh IKE SPIs changed" test "$(ik_sa_spis a 192.0.2.2)" != "$ike0"
check "ikesh CHILD SPIs changed" test "$(ik_child_spis a 192.0.2.2)" != "$child0"

scn_finish
