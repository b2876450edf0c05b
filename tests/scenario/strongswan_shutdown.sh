#!/usr/bin/env bash
# ikesh leaving: a --no-console ikesh that gets SIGTERM/SIGINT sends an
# INFORMATIONAL Delete for its IKE SAs and waits at most ~1 s for the
# answers, so strongSwan drops the SA at once instead of keeping it until
# DPD.
#   A  ikesh initiated (sVTI), SIGTERM: strongSwan has no SA within 2 s
#   B  strongSwan initiated (ikesh responder-only), SIGINT: the same
#   C  strongSwan unreachable (WAN cut), SIGTERM: ikesh still exits in
#      about 1 s (the wait for the answer is bounded)
#
#   a 192.0.2.1 ikesh      b 192.0.2.2 strongSwan (kernel-libipsec)
#
# usage: strongswan_shutdown.sh IKESH SRCDIR
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
scn_init strongswan_shutdown "${1:-}" "$SRC"
sw_require
ik_require

topo_up a=192.0.2.1 b=192.0.2.2

up() { both_sides_up a b 192.0.2.2 192.0.2.1 s2s net; }
ms() { echo $(($(date +%s%N) / 1000000)); }
ik_gone() { ! ik_alive a; }

# signal_ikesh SIGNAL: save its log buffer, send SIGNAL, set T_SIG (ms)
signal_ikesh() {
	local pid
	ik_save_log a
	pid=$(ik_pid a)
	T_SIG=$(ms)
	kill "-$1" "$pid"
}

# leaves LABEL SIGNAL: SIGNAL to ikesh; strongSwan got the Delete and has
# no SA within 2 s; ikesh exited
leaves() {
	local label=$1 sig=$2 mb t
	mb=$(sw_mark b)
	signal_ikesh "$sig"
	check "$label: strongSwan has no SA within 2 s of SIG$sig" wait_until 2 sw_no_sas b
	scn_log "$label: strongSwan empty after $(($(ms) - T_SIG)) ms"
	check "$label: strongSwan logged the Delete from ikesh" \
		sw_log_has b "$mb" 'received DELETE for IKE_SA s2s'
	check "$label: ikesh exited" wait_until 3 ik_gone
	t=$(($(ms) - T_SIG))
	check "$label: ikesh exited within 2 s (${t} ms)" test "$t" -lt 2000
}

sw_psk_conf "$SCN_DIR/b.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1
sw_start b "$SCN_DIR/b.conf"

# ---------------------------------------------------------------- A
ik_svti_conf "$SCN_DIR/a-init.cfg" SUITE=gcm256
ik_start a "$SCN_DIR/a-init.cfg"
wait_until 20 up || die "A: SA up (ikesh initiator)"
pass "A: SA up, ikesh initiated"
leaves A TERM

# ---------------------------------------------------------------- B
ik_svti_conf "$SCN_DIR/a-resp.cfg" SUITE=gcm256 IPSEC_EXTRA=" responder-only"
ik_start a "$SCN_DIR/a-resp.cfg"
sw_initiate b net s2s && wait_until 10 up || die "B: SA up (strongSwan initiator)"
pass "B: SA up, strongSwan initiated"
leaves B INT

# ---------------------------------------------------------------- C
ik_start a "$SCN_DIR/a-init.cfg"
wait_until 20 up || die "C: SA up (ikesh initiator)"
topo_cut b
signal_ikesh TERM
check "C: ikesh exited although the peer does not answer" wait_until 4 ik_gone
t=$(($(ms) - T_SIG))
check "C: ... after the bounded wait (${t} ms: >= 900, < 2500)" test "$t" -ge 900 -a "$t" -lt 2500
topo_heal b

scn_finish
