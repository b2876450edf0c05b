#!/usr/bin/env bash
# Harness self-test: strongSwan <-> strongSwan in the scenario topology, no
# ikesh.  It proves that everything the ikesh scenarios rely on works on this
# machine: namespaces, isolated charons, CHILD_SA installation through
# kernel-libipsec (the kernel has no ESP), list-sas parsing, rekeys, delete,
# DPD, the COOKIE trigger and IKE fragmentation.
#
#   a 192.0.2.1 (LAN 198.51.100.1)  initiator
#   b 192.0.2.2 (LAN 203.0.113.1)   responder
#   c 192.0.2.3                     helper that leaves a half-open IKE_SA on b
#
# usage: strongswan_selftest.sh IKESH SRCDIR   (IKESH is not used)
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
scn_init strongswan_selftest "${1:-}" "$SRC"
sw_require

topo_up a=192.0.2.1 b=192.0.2.2 c=192.0.2.3
topo_lan a 198.51.100.1
topo_lan b 203.0.113.1

# two distinct CHILD_SAs (a rekeyed one is logged as "inbound/outbound CHILD_SA net{N} established")
child_established_twice() { [ "$(grep -oE 'CHILD_SA net\{[0-9]+\} established' "$(sw_logfile a)" | sort -u | wc -l)" -ge 2 ]; }
b_halfopen_from_c() { sw_sas b | qgrep '^IKE [^ ]* [0-9]* CONNECTING .* 192\.0\.2\.3\['; }
b_no_sa_with_a() { ! sw_sas b | qgrep '^IKE s2s .* 192\.0\.2\.1\['; }

child_algs_both() {
	sw_sas a | qgrep "^CHILD s2s net [0-9]* INSTALLED TUNNEL-in-UDP $1 " &&
		sw_sas b | qgrep "^CHILD s2s net [0-9]* INSTALLED TUNNEL-in-UDP $1 "
}

# quick failure detection for the DPD phase
cat >"$SCN_DIR/fast-retransmit.conf" <<'EOF'
charon {
    retransmit_timeout = 1.0
    retransmit_base = 1.4
    retransmit_tries = 2
}
EOF

# ---------------------------------------------------------------- phase 1
# PSK, aes-gcm-256/prf-sha384/ecp384, LAN-to-LAN selectors, data plane,
# CHILD_SA rekey every 6 s and IKE_SA rekey at 12 s driven by a.
sw_psk_conf "$SCN_DIR/a.conf" LOCAL=192.0.2.1 REMOTE=192.0.2.2 LOCAL_ID=192.0.2.1 REMOTE_ID=192.0.2.2 \
	LOCAL_TS=198.51.100.0/24 REMOTE_TS=203.0.113.0/24 \
	IKE_REKEY=12s IKE_OVER=30s CHILD_REKEY=6s CHILD_LIFE=30s DPD_DELAY=2s
sw_psk_conf "$SCN_DIR/b.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1 \
	LOCAL_TS=203.0.113.0/24 REMOTE_TS=198.51.100.0/24
SW_ROUTES=yes sw_start b "$SCN_DIR/b.conf"
SW_ROUTES=yes sw_start a "$SCN_DIR/a.conf" "$SCN_DIR/fast-retransmit.conf"

ma=$(sw_mark a)
check "initiate s2s/net from a (swanctl --initiate)" sw_initiate a net s2s
check "a: IKE_SA ESTABLISHED with 192.0.2.2" sw_ike_established a s2s 192.0.2.2
check "b: IKE_SA ESTABLISHED with 192.0.2.1" sw_ike_established b s2s 192.0.2.1
check "a: CHILD_SA net INSTALLED (kernel-libipsec)" sw_child_installed a net
check "b: CHILD_SA net INSTALLED (kernel-libipsec)" sw_child_installed b net
algs_a=$(sw_ike_algs a s2s)
check "a: IKE algorithms AES_GCM_16-256/PRF_HMAC_SHA2_384/ECP_384 ($algs_a)" \
	test "$algs_a" = AES_GCM_16-256/PRF_HMAC_SHA2_384/ECP_384
check "b: same IKE algorithms" test "$(sw_ike_algs b s2s)" = "$algs_a"
a_in_udp() { sw_sas a | qgrep '^CHILD s2s net [0-9]* INSTALLED TUNNEL-in-UDP '; }
check "a: CHILD_SA is TUNNEL-in-UDP (faked NAT, port 4500)" a_in_udp
spis_a=$(sw_child_spis a net)
spis_b=$(sw_child_spis b net)
check "CHILD_SA SPIs mirror each other (a in/out $spis_a, b in/out $spis_b)" \
	test "${spis_a% *}" = "${spis_b#* }" -a "${spis_a#* }" = "${spis_b% *}" -a "${spis_a% *}" != -
check "LAN-to-LAN ping through the tunnel (198.51.100.1 -> 203.0.113.1)" \
	nsx a ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1
ike_uid=$(sw_ike_uid a s2s)
child_uid=$(sw_child_uid a net)

scn_log "waiting for the CHILD_SA rekey (6 s) and the IKE_SA rekey (12 s)"
check "a: IKE_SA rekeyed (log: IKE_SA ... rekeyed between)" \
	wait_until 20 sw_log_has a "$ma" 'rekeyed between'
check "a: CHILD_SA rekeyed (a second CHILD_SA net established)" wait_until 5 child_established_twice
check "a: IKE_SA still ESTABLISHED after the rekeys" sw_ike_established a s2s 192.0.2.2
check "b: IKE_SA still ESTABLISHED after the rekeys" sw_ike_established b s2s 192.0.2.1
check "a: exactly one ESTABLISHED IKE_SA" test "$(sw_ike_count a s2s ESTABLISHED)" = 1
check "a: IKE_SA unique id changed ($ike_uid -> $(sw_ike_uid a s2s))" test "$(sw_ike_uid a s2s)" != "$ike_uid"
check "a: CHILD_SA unique id changed ($child_uid -> $(sw_child_uid a net))" test "$(sw_child_uid a net)" != "$child_uid"
check "b: CHILD_SA net INSTALLED after the rekeys" sw_child_installed b net
check "ping still passes after the rekeys" nsx a ping -c 2 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1

# delete from the responder side
sw b --terminate --ike s2s --timeout 10 >/dev/null 2>&1
check "b: swanctl --terminate removes the IKE_SA on b" wait_until 5 sw_no_sas b
check "  ... and the peer a deletes it too" wait_until 5 sw_no_sas a

# the three proposal suites of the issue, as the ikesh scenarios use them
for suite in $SW_SUITES; do
	sw_psk_conf "$SCN_DIR/a-$suite.conf" LOCAL=192.0.2.1 REMOTE=192.0.2.2 LOCAL_ID=192.0.2.1 REMOTE_ID=192.0.2.2 \
		LOCAL_TS=198.51.100.0/24 REMOTE_TS=203.0.113.0/24 DPD_DELAY=2s \
		PROPOSALS="$(sw_suite_proposal $suite)" ESP="$(sw_suite_esp $suite)"
	sw_psk_conf "$SCN_DIR/b-$suite.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1 \
		LOCAL_TS=203.0.113.0/24 REMOTE_TS=198.51.100.0/24 \
		PROPOSALS="$(sw_suite_proposal $suite)" ESP="$(sw_suite_esp $suite)"
	cp "$SCN_DIR/a-$suite.conf" "$(sw_dir a)/swanctl/swanctl.conf"
	cp "$SCN_DIR/b-$suite.conf" "$(sw_dir b)/swanctl/swanctl.conf"
	sw_load a && sw_load b || fail "$suite: reload the configurations"
	if sw_initiate a net s2s; then
		check "$suite: a: IKE_SA $(sw_suite_algs $suite)" test "$(sw_ike_algs a s2s)" = "$(sw_suite_algs $suite)"
		check "$suite: b: IKE_SA $(sw_suite_algs $suite)" test "$(sw_ike_algs b s2s)" = "$(sw_suite_algs $suite)"
		check "$suite: a+b: CHILD_SA $(sw_suite_esp_algs $suite) INSTALLED" \
			child_algs_both "$(sw_suite_esp_algs $suite)"
	else
		fail "$suite: initiate"
	fi
	sw a --terminate --ike s2s --timeout 10 >/dev/null 2>&1
	wait_until 5 sw_no_sas b || fail "$suite: terminate"
done
cp "$SCN_DIR/a.conf" "$(sw_dir a)/swanctl/swanctl.conf"
cp "$SCN_DIR/b.conf" "$(sw_dir b)/swanctl/swanctl.conf"
sw_load a && sw_load b || fail "reload the phase 1 configurations"

# ---------------------------------------------------------------- phase 2
# DPD: a probes every 2 s; b is killed (SIGKILL: no DELETE is sent)
check "re-initiate from a" sw_initiate a net s2s
check "b: IKE_SA ESTABLISHED again" sw_ike_established b s2s 192.0.2.1
ma=$(sw_mark a)
sw_stop b KILL
scn_log "b killed, waiting for a's DPD"
check "a: DPD detects the killed peer and removes the IKE_SA" wait_until 20 sw_no_sas a
check "a: DPD requests were retransmitted before giving up" \
	sw_log_has a "$ma" 'retransmit [0-9]+ of request' 

# ---------------------------------------------------------------- phase 3
# COOKIE (b demands one when at least cookie_threshold half-open IKE_SAs
# exist: c leaves one, its IKE_SA_INIT answer is blackholed) and IKE
# fragmentation (fragment_size 200 on both: the PSK IKE_AUTH is split).
sw_stop a
cat >"$SCN_DIR/b-cookie-frag.conf" <<'EOF'
charon {
    cookie_threshold = 1
    fragment_size = 200
}
EOF
cat >"$SCN_DIR/a-frag.conf" <<'EOF'
charon {
    fragment_size = 200
}
EOF
sw_psk_conf "$SCN_DIR/c.conf" LOCAL=192.0.2.3 REMOTE=192.0.2.2 LOCAL_ID=192.0.2.3 REMOTE_ID=192.0.2.2
# b also accepts c (connection "aux")
sw_psk_conf "$SCN_DIR/b-aux.conf" CONN=aux LOCAL=192.0.2.2 REMOTE=192.0.2.3 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.3
cat "$SCN_DIR/b.conf" "$SCN_DIR/b-aux.conf" >"$SCN_DIR/b3.conf"
SW_LOG="net=2 ike=2" sw_start b "$SCN_DIR/b3.conf" "$SCN_DIR/b-cookie-frag.conf"
SW_LOG="net=2 ike=2" sw_start a "$SCN_DIR/a.conf" "$SCN_DIR/a-frag.conf"
sw_start c "$SCN_DIR/c.conf"
ip -n "$(ns_of b)" route add blackhole 192.0.2.3/32
(sw_initiate c net s2s 3 || true) &
scn_track $!
check "b: a half-open IKE_SA from 192.0.2.3" wait_until 5 b_halfopen_from_c
ma=$(sw_mark a)
mb=$(sw_mark b)
check "initiate s2s/net from a while b demands cookies" sw_initiate a net s2s
check "b: sent a COOKIE to 192.0.2.1" sw_log_has b "$mb" 'sending COOKIE notify to 192.0.2.1'
check "a: received the COOKIE and retried" sw_log_has a "$ma" 'received COOKIE|N\(COOKIE\)'
check "a: IKE_SA ESTABLISHED after the COOKIE exchange" sw_ike_established a s2s 192.0.2.2
check "b: IKE_SA ESTABLISHED after the COOKIE exchange" sw_ike_established b s2s 192.0.2.1
check "a: IKE_AUTH request split into fragments" sw_log_has a "$ma" 'splitting IKE message .* into [0-9]+ fragments'
check "b: IKE_AUTH reassembled from fragments" sw_log_has b "$mb" 'reassembled fragmented IKE message'
check "b: IKE_AUTH response split into fragments" sw_log_has b "$mb" 'splitting IKE message .* into [0-9]+ fragments'
check "a: CHILD_SA INSTALLED after fragmented IKE_AUTH" sw_child_installed a net
check "b: CHILD_SA INSTALLED after fragmented IKE_AUTH" sw_child_installed b net

# delete from the initiator side
sw a --terminate --ike s2s --timeout 10 >/dev/null 2>&1
check "a: swanctl --terminate removes the IKE_SA on a" wait_until 5 sw_no_sas a
check "  ... and the peer b deletes it too" wait_until 5 b_no_sa_with_a

scn_finish
