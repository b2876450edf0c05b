#!/usr/bin/env bash
# CHILD_SA and IKE SA rekeys between ikesh and strongSwan without losing
# the SAs.  strongSwan drives the rekeys (ikesh's shortest lifetimes, 120 s,
# would rekey only after 108 s):
#   A  ikesh initiated the IKE SA (Tunnel0 -> strongSwan); strongSwan
#      rekey_time 6 s for the CHILD_SA (PFS ecp384 = ikesh "set pfs group20")
#      and 14 s for the IKE SA
#   B  strongSwan initiated the IKE SA (ikesh responder-only); explicit
#      swanctl --rekey --child / --rekey --ike
# During A both sides are polled continuously: an SA may never be missing.
# After each rekey: new SPIs, mirrored on both sides, one IKE SA and one
# CHILD SA left on each side.
#
#   a 192.0.2.1 ikesh      b 192.0.2.2 strongSwan (kernel-libipsec)
#
# usage: strongswan_rekey.sh IKESH SRCDIR
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
scn_init strongswan_rekey "${1:-}" "$SRC"
sw_require
ik_require

topo_up a=192.0.2.1 b=192.0.2.2
topo_lan a 198.51.100.1
topo_lan b 203.0.113.1

# one IKE SA and one INSTALLED CHILD_SA left on each side
settled() {
	[ "$(ik_sa_count a 192.0.2.2)" = 1 ] && [ "$(ik_child_count a 192.0.2.2)" = 1 ] &&
		[ "$(sw_ike_count b s2s)" = 1 ] && [ "$(sw_child_count b net)" = 1 ] &&
		both_sides_up a b 192.0.2.2 192.0.2.1 s2s net
}
# an IKE SA and a CHILD SA exist on both sides (old or new)
sas_present() {
	ik_sa_ready a 192.0.2.2 && [ "$(ik_child_count a 192.0.2.2)" -ge 1 ] &&
		sw_ike_established b s2s 192.0.2.1 && sw_child_installed b net
}
# distinct CHILD_SAs established since MARK (strongSwan logs a rekeyed one
# twice: "inbound/outbound CHILD_SA net{N} established")
sw_child_rekeys() { sw_since b "$1" | grep -oE 'CHILD_SA net\{[0-9]+\} established' | sort -u | wc -l; }
sw_ike_rekeys() { sw_log_count b "$1" 'IKE_SA s2s\[[0-9]+\] rekeyed between'; }

# ---------------------------------------------------------------- A
sw_psk_conf "$SCN_DIR/b-A.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1 \
	PROPOSALS=aes256gcm16-prfsha384-ecp384 ESP=aes256gcm16-ecp384 \
	CHILD_REKEY=6s CHILD_LIFE=60s IKE_REKEY=14s IKE_OVER=60s
ik_svti_conf "$SCN_DIR/a-A.cfg" SUITE=gcm256 IPSEC_EXTRA=" set pfs group20"
sw_start b "$SCN_DIR/b-A.conf"
mb=$(sw_mark b)
ik_start a "$SCN_DIR/a-A.cfg"
if ! wait_until 20 both_sides_up a b 192.0.2.2 192.0.2.1 s2s net; then
	ik a "show crypto ikev2 session detailed" | sed 's/^/      /'
	die "A: SA up on both sides"
fi
pass "A: ikesh initiated, SA up on both sides"
ike0=$(ik_sa_spis a 192.0.2.2)
child0=$(ik_child_spis a 192.0.2.2)
scn_log "A: IKE SPIs $ike0, CHILD SPIs $child0; polling both sides until 2 CHILD_SA rekeys and 1 IKE SA rekey"
gaps=0
polls=0
end=$(($(date +%s) + 24))
while [ "$(date +%s)" -lt $end ]; do
	polls=$((polls + 1))
	sas_present || { gaps=$((gaps + 1)); scn_log "A: an SA is missing on one side"; }
	[ "$(sw_child_rekeys "$mb")" -ge 3 ] && [ "$(sw_ike_rekeys "$mb")" -ge 1 ] && break
	sleep 0.3
done
nchild=$(($(sw_child_rekeys "$mb") - 1))
nike=$(sw_ike_rekeys "$mb")
check "A: strongSwan rekeyed the CHILD_SA at least twice ($nchild)" test "$nchild" -ge 2
check "A: strongSwan rekeyed the IKE SA ($nike)" test "$nike" -ge 1
check "A: no SA missing on either side during the rekeys ($polls polls)" test "$gaps" = 0
check "A: CHILD_SA rekey with PFS (strongSwan: ESP:AES_GCM_16-256/ECP_384)" \
	test "$(sw_child_algs b net)" = ESP:AES_GCM_16-256/ECP_384
check "A: afterwards one IKE SA and one CHILD SA on each side, SPIs mirrored" wait_until 5 settled
ike1=$(ik_sa_spis a 192.0.2.2)
child1=$(ik_child_spis a 192.0.2.2)
check "A: ikesh IKE SPIs changed ($ike0 -> $ike1)" test -n "$ike1" -a "$ike1" != "$ike0"
check "A: ikesh CHILD SPIs changed ($child0 -> $child1)" test -n "$child1" -a "$child1" != "$child0"
check "A: ikesh still READY with $(ik_suite_ike gcm256)" ik_sa_has a 192.0.2.2 "$(ik_suite_ike gcm256)"
ik_stop a
sw_stop b

# ---------------------------------------------------------------- B
sw_psk_conf "$SCN_DIR/b-B.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1 \
	PROPOSALS=aes256-sha256-prfsha256-modp2048 ESP=aes256-sha256
ik_svti_conf "$SCN_DIR/a-B.cfg" SUITE=cbc256 IPSEC_EXTRA=" responder-only"
sw_start b "$SCN_DIR/b-B.conf"
ik_start a "$SCN_DIR/a-B.cfg"
check "B: strongSwan initiates" sw_initiate b net s2s
check "B: SA up on both sides" wait_until 10 both_sides_up a b 192.0.2.2 192.0.2.1 s2s net
ike0=$(ik_sa_spis a 192.0.2.2)
child0=$(ik_child_spis a 192.0.2.2)
mb=$(sw_mark b)
sw b --rekey --child net >/dev/null 2>&1
check "B: swanctl --rekey --child: strongSwan logs the new CHILD_SA" \
	wait_until 5 sw_log_has b "$mb" 'CHILD_SA net\{[0-9]+\} established'
check "B: after the CHILD_SA rekey one CHILD SA each side, SPIs mirrored" wait_until 5 settled
child1=$(ik_child_spis a 192.0.2.2)
check "B: ikesh CHILD SPIs changed ($child0 -> $child1)" test -n "$child1" -a "$child1" != "$child0"
check "B: ikesh IKE SPIs unchanged by a CHILD_SA rekey" test "$(ik_sa_spis a 192.0.2.2)" = "$ike0"
mb=$(sw_mark b)
sw b --rekey --ike s2s >/dev/null 2>&1
check "B: swanctl --rekey --ike: strongSwan logs the rekey" \
	wait_until 5 sw_log_has b "$mb" 'IKE_SA s2s\[[0-9]+\] rekeyed between'
check "B: after the IKE SA rekey one IKE SA and one CHILD SA each side" wait_until 5 settled
ike1=$(ik_sa_spis a 192.0.2.2)
check "B: ikesh IKE SPIs changed ($ike0 -> $ike1)" test -n "$ike1" -a "$ike1" != "$ike0"
check "B: ikesh CHILD SA kept across the IKE SA rekey" test "$(ik_child_spis a 192.0.2.2)" = "$child1"
check "B: ikesh still READY with $(ik_suite_ike cbc256)" ik_sa_has a 192.0.2.2 "$(ik_suite_ike cbc256)"
# the rekeyed IKE SA still works: a CHILD_SA rekey over it
mb=$(sw_mark b)
sw b --rekey --child net >/dev/null 2>&1
check "B: CHILD_SA rekey over the rekeyed IKE SA" \
	wait_until 5 sw_log_has b "$mb" 'CHILD_SA net\{[0-9]+\} established'
check "B: one IKE SA and one CHILD SA each side, SPIs mirrored" wait_until 5 settled

scn_finish
