#!/usr/bin/env bash
# Deleting SAs from either side, ikesh <-> strongSwan.
#   A  strongSwan initiates, ikesh is responder-only (nothing comes back by
#      itself): swanctl --terminate --ike, swanctl --terminate --child (the
#      IKE SA stays), clear crypto ikev2 sa, clear crypto ikev2 sa remote X
#   B  ikesh initiates (sVTI): after swanctl --terminate and after
#      clear crypto ikev2 sa the tunnel comes back with a new IKE SA
# Both sides are checked after each step.
#
#   a 192.0.2.1 ikesh      b 192.0.2.2 strongSwan (kernel-libipsec)
#
# usage: strongswan_delete.sh IKESH SRCDIR
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
scn_init strongswan_delete "${1:-}" "$SRC"
sw_require
ik_require

topo_up a=192.0.2.1 b=192.0.2.2

up() { both_sides_up a b 192.0.2.2 192.0.2.1 s2s net; }
sw_has_no_sa() { sw_no_sas b; }
ik_has_no_sa() { ik_no_sa a 192.0.2.2; }
sw_no_child() { [ "$(sw_child_count b net)" = 0 ]; }
ik_no_child() { [ "$(ik_child_count a 192.0.2.2)" = 0 ]; }

# ---------------------------------------------------------------- A
sw_psk_conf "$SCN_DIR/b.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1
ik_svti_conf "$SCN_DIR/a-resp.cfg" SUITE=gcm256 IPSEC_EXTRA=" responder-only"
sw_start b "$SCN_DIR/b.conf"
ik_start a "$SCN_DIR/a-resp.cfg"

sw_initiate b net s2s && wait_until 10 up || die "A: SA up (strongSwan initiator)"
pass "A: SA up, strongSwan initiated"
sw b --terminate --ike s2s --timeout 10 >/dev/null 2>&1
check "A: swanctl --terminate --ike: strongSwan has no SA" wait_until 5 sw_has_no_sa
check "A: swanctl --terminate --ike: ikesh has no SA" wait_until 5 ik_has_no_sa

sw_initiate b net s2s && wait_until 10 up || die "A: SA up again"
sw b --terminate --child net --timeout 10 >/dev/null 2>&1
check "A: swanctl --terminate --child: strongSwan CHILD_SA gone" wait_until 5 sw_no_child
check "A: swanctl --terminate --child: ikesh CHILD SA gone" wait_until 5 ik_no_child
check "A: ... the IKE SA stays READY on ikesh" ik_sa_ready a 192.0.2.2
check "A: ... and ESTABLISHED on strongSwan" sw_ike_established b s2s 192.0.2.1
mb=$(sw_mark b)
ik a "clear crypto ikev2 sa" >/dev/null
check "A: clear crypto ikev2 sa: ikesh has no SA" wait_until 5 ik_has_no_sa
check "A: clear crypto ikev2 sa: strongSwan got the DELETE" \
	wait_until 5 sw_log_has b "$mb" 'received DELETE for IKE_SA s2s'
check "A: clear crypto ikev2 sa: strongSwan has no SA" wait_until 5 sw_has_no_sa

sw_initiate b net s2s && wait_until 10 up || die "A: SA up again"
mb=$(sw_mark b)
ik a "clear crypto ikev2 sa remote 192.0.2.2" >/dev/null
check "A: clear crypto ikev2 sa remote 192.0.2.2: ikesh has no SA" wait_until 5 ik_has_no_sa
check "A: clear crypto ikev2 sa remote 192.0.2.2: strongSwan has no SA" wait_until 5 sw_has_no_sa
check "A: ... strongSwan logged the DELETE" sw_log_has b "$mb" 'received DELETE for IKE_SA s2s'
ik_stop a

# ---------------------------------------------------------------- B
ik_svti_conf "$SCN_DIR/a-init.cfg" SUITE=gcm256
ik_start a "$SCN_DIR/a-init.cfg"
wait_until 20 up || die "B: SA up (ikesh initiator)"
pass "B: SA up, ikesh initiated"
uid0=$(sw_ike_uid b s2s)
spi0=$(ik_sa_spis a 192.0.2.2)
sw b --terminate --ike s2s --timeout 10 >/dev/null 2>&1
gone() { [ -z "$(sw_sas b | awk -v u="$uid0" '$1 == "IKE" && $3 == u')" ]; }
check "B: swanctl --terminate: the IKE SA is gone on strongSwan" wait_until 5 gone
new_sa() { up && [ "$(ik_sa_spis a 192.0.2.2)" != "$spi0" ] && [ "$(ik_sa_count a 192.0.2.2)" = 1 ]; }
check "B: ikesh brings Tunnel0 back with a new IKE SA (both sides)" wait_until 30 new_sa
uid0=$(sw_ike_uid b s2s)
spi0=$(ik_sa_spis a 192.0.2.2)
mb=$(sw_mark b)
ik a "clear crypto ikev2 sa" >/dev/null
check "B: clear crypto ikev2 sa: strongSwan got the DELETE" \
	wait_until 5 sw_log_has b "$mb" 'received DELETE for IKE_SA s2s'
check "B: clear crypto ikev2 sa: the old IKE SA is gone on strongSwan" wait_until 5 gone
check "B: ikesh brings Tunnel0 back with a new IKE SA (both sides)" wait_until 20 new_sa

scn_finish
