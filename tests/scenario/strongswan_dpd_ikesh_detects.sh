#!/usr/bin/env bash
# PENDING (see tests/scenario/README.md): ikesh's DPD detects a killed
# strongSwan.  With "dpd 10 2 periodic" the engine probes after 10 s of
# silence and then retransmits after 2, 4, 8, 16, 32 s and gives up 64 s
# after the last one: about 136 s, over the 90 s a scenario may take.
# Run by hand:  bash tests/scenario/pending/strongswan_dpd_ikesh_detects.sh build/ikesh .
#
#   a 192.0.2.1 ikesh (initiator, dpd 10 2 periodic)
#   b 192.0.2.2 strongSwan, killed with SIGKILL once the SA is up
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
SCN_TIMEOUT=${SCN_TIMEOUT:-200}
scn_init strongswan_dpd_ikesh_detects "${1:-}" "$SRC"
sw_require
ik_require
IK_DPD_LIMIT=${IK_DPD_LIMIT:-150}	# seconds allowed for the detection

topo_up a=192.0.2.1 b=192.0.2.2
sw_psk_conf "$SCN_DIR/b.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1
ik_svti_conf "$SCN_DIR/a.cfg" SUITE=gcm256 PROFILE_EXTRA=" dpd 10 2 periodic"
sw_start b "$SCN_DIR/b.conf"
ik_start a "$SCN_DIR/a.cfg"
up() { both_sides_up a b 192.0.2.2 192.0.2.1 s2s net; }
wait_until 20 up || die "SA up on both sides"
pass "SA up on both sides"
spis=$(ik_sa_spis a 192.0.2.2)
sw_stop b KILL
scn_log "strongSwan killed (SIGKILL)"
t0=$(date +%s)
# the old IKE SA must go (a new attempt of the tunnel may show up, never READY)
old_gone() { [ "$(ik_sa_spis a 192.0.2.2)" != "$spis" ] && ! ik_sa_ready a 192.0.2.2; }
check "ikesh: DPD removes the IKE SA of the dead peer within $IK_DPD_LIMIT s" wait_until "$IK_DPD_LIMIT" old_gone
scn_log "detected after $(($(date +%s) - t0)) s"
ik_save_log a
check "ikesh: the log says why (SA_DOWN / peer not responding)" \
	qgrep -E 'SA_DOWN|not responding|Maximum number of retransmissions' "$(ik_dir a)/logging.txt"

scn_finish
