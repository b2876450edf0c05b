#!/usr/bin/env bash
# IKE fragmentation (RFC 7383) between ikesh and strongSwan: a fragmented
# IKE_AUTH in both directions and both roles.
#   strongSwan: charon.fragment_size = 200 (IP datagram size), fragmentation = yes
#   ikesh:      crypto ikev2 fragmentation mtu 150
# With PSK the IKE_AUTH messages are ~210-260 bytes, so each side must split
# its own and reassemble the peer's.
#   A  ikesh initiator -> strongSwan responder
#   B  strongSwan initiator -> ikesh responder (responder-only)
#
#   a 192.0.2.1 ikesh      b 192.0.2.2 strongSwan (kernel-libipsec)
#
# usage: strongswan_fragmentation.sh IKESH SRCDIR
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
scn_init strongswan_fragmentation "${1:-}" "$SRC"
sw_require
ik_require

topo_up a=192.0.2.1 b=192.0.2.2
up() { both_sides_up a b 192.0.2.2 192.0.2.1 s2s net; }

cat >"$SCN_DIR/frag.conf" <<'EOT'
charon {
    fragment_size = 200
}
EOT
sw_psk_conf "$SCN_DIR/b.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1 FRAG=yes \
	PROPOSALS="$(sw_suite_proposal cbc256)" ESP="$(sw_suite_esp cbc256)"
sw_start b "$SCN_DIR/b.conf" "$SCN_DIR/frag.conf"

ik_frag_checks() { # ROLE
	check "$1: SA up on both sides" wait_until 20 up
	check "$1: ikesh fragmented its IKE_AUTH (strongSwan: received fragment #1 of N)" \
		sw_log_has b "$mb" 'received fragment #1 of [2-9]'
	check "$1: strongSwan reassembled it" sw_log_has b "$mb" 'reassembled fragmented IKE message'
	check "$1: strongSwan fragmented its IKE_AUTH (splitting IKE message into N fragments)" \
		sw_log_has b "$mb" 'splitting IKE message \([0-9]+ bytes\) into [2-9] fragments'
	check "$1: ikesh: Fragmentation configured." ik_sa_has a 192.0.2.2 "Fragmentation configured."
	check "$1: strongSwan: CHILD_SA INSTALLED after the fragmented IKE_AUTH" sw_child_installed b net
}

# ---------------------------------------------------------------- A
mb=$(sw_mark b)
ik_svti_conf "$SCN_DIR/a-A.cfg" SUITE=cbc256 GLOBAL_EXTRA="crypto ikev2 fragmentation mtu 150"
ik_start a "$SCN_DIR/a-A.cfg"
ik_frag_checks A
ik_stop a
sw b --terminate --ike s2s --force >/dev/null 2>&1
wait_until 5 sw_no_sas b || fail "A: strongSwan SA removed after the test"

# ---------------------------------------------------------------- B
mb=$(sw_mark b)
ik_svti_conf "$SCN_DIR/a-B.cfg" SUITE=cbc256 GLOBAL_EXTRA="crypto ikev2 fragmentation mtu 150" \
	IPSEC_EXTRA=" responder-only"
ik_start a "$SCN_DIR/a-B.cfg"
check "B: strongSwan initiates" sw_initiate b net s2s
ik_frag_checks B

scn_finish
