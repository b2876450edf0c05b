#!/usr/bin/env bash
# Dead peer detection between ikesh and strongSwan.
#   - strongSwan sends a DPD (empty INFORMATIONAL) every 2 s: ikesh must
#     answer them and the SA stays up on both sides;
#   - ikesh is killed (SIGKILL, no Delete): strongSwan's DPD detects it
#     within a few seconds (retransmit_timeout 1 s, 2 tries) and removes
#     the IKE_SA.
# ikesh has "dpd 10 2 periodic" (shown in show crypto ikev2 sa detailed).
# ikesh detecting a killed strongSwan takes 10 s + 126 s with the engine's
# retransmission schedule: pending/strongswan_dpd_ikesh_detects.sh.
#
#   a 192.0.2.1 ikesh (initiator)     b 192.0.2.2 strongSwan (kernel-libipsec)
#
# usage: strongswan_dpd.sh IKESH SRCDIR
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
scn_init strongswan_dpd "${1:-}" "$SRC"
sw_require
ik_require

topo_up a=192.0.2.1 b=192.0.2.2

cat >"$SCN_DIR/fast-retransmit.conf" <<'EOT'
charon {
    retransmit_timeout = 1.0
    retransmit_base = 1.4
    retransmit_tries = 2
}
EOT
sw_psk_conf "$SCN_DIR/b.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1 \
	DPD_DELAY=2s DPD_ACTION=clear
ik_svti_conf "$SCN_DIR/a.cfg" SUITE=gcm256 PROFILE_EXTRA=" dpd 10 2 periodic"
sw_start b "$SCN_DIR/b.conf" "$SCN_DIR/fast-retransmit.conf"
ik_start a "$SCN_DIR/a.cfg"
up() { both_sides_up a b 192.0.2.2 192.0.2.1 s2s net; }
wait_until 20 up || die "SA up on both sides"
pass "SA up on both sides"
check "ikesh: DPD configured for 10 seconds, retry 2" ik_sa_has a 192.0.2.2 "DPD configured for 10 seconds, retry 2"

mb=$(sw_mark b)
uid=$(sw_ike_uid b s2s)
spis=$(ik_sa_spis a 192.0.2.2)
sleep 7
ndpd=$(sw_log_count b "$mb" 'parsed INFORMATIONAL response [0-9]+ \[ \]')
check "strongSwan: DPD requests answered by ikesh in 7 s ($ndpd, expected >= 2)" test "$ndpd" -ge 2
check "strongSwan: no retransmission of a DPD request" \
	test "$(sw_log_count b "$mb" 'retransmit [0-9]+ of request')" = 0
if up && [ "$(sw_ike_uid b s2s)" = "$uid" ] && [ "$(ik_sa_spis a 192.0.2.2)" = "$spis" ]; then
	pass "the same IKE SA is still up on both sides after the DPDs"
else
	fail "the same IKE SA is still up on both sides after the DPDs"
fi

mb=$(sw_mark b)
ik_stop a KILL
scn_log "ikesh killed (SIGKILL)"
t0=$(date +%s)
check "strongSwan: DPD detects the dead ikesh and removes the IKE_SA" wait_until 15 sw_no_sas b
check "strongSwan: took $(($(date +%s) - t0)) s, after retransmitting the DPD" \
	sw_log_has b "$mb" 'giving up after [0-9]+ retransmits'

scn_finish
