#!/usr/bin/env bash
# LAN-to-LAN traffic between ikesh (sVTI, userspace data plane) and
# strongSwan (kernel-libipsec: ESP in UDP 4500 on the TUN ipsec0):
#
#   la 198.51.100.2 -- 198.51.100.1 a 192.0.2.1 == WAN == 192.0.2.2 b 203.0.113.1 -- 203.0.113.2 lb
#                       ikesh Tunnel0 (198.18.0.1/30)       strongSwan ipsec0
#
# ikesh: configs/ikesh-traffic-router.cfg (Tunnel0 with tunnel protection,
# "ip route 203.0.113.0 ... Tunnel0", adjust-mss 1360), AES-GCM-128.
# strongSwan: 0.0.0.0/0 selectors (what the sVTI proposes), so charon
# installs no route: "ip route 198.51.100.0/24 dev ipsec0" on b does it.
#   A  ikesh initiates.  Pings both ways; show crypto ipsec sa encaps/decaps
#      against swanctl --list-sas packet counters (same CHILD_SA on both
#      sides, so they must agree within the packets in flight); 8 MiB TCP
#      each way (sha256); counters again (roughly); show crypto ipsec sa
#      detail / show crypto session detail parse with the ntc templates;
#      swanctl --rekey --child during a ping every 50 ms: <= 2 lost, new
#      SPIs mirrored on both sides.
#   B  strongSwan initiates, ikesh is responder-only with "set
#      security-association lifetime kilobytes 2560" (the IOS minimum):
#      pings, 2 MiB TCP each way, then ikesh itself rekeys the CHILD_SA
#      (its kilobyte lifetime runs out) during 4000 pings of 1300 octets:
#      <= 2 lost, new SPIs mirrored.
#
# usage: ikesh_strongswan_traffic.sh IKESH SRCDIR   (root; < 85 s)
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
. "$SRC/tests/scenario/lib/traffic.sh"
scn_init ikesh_strongswan_traffic "${1:-}" "$SRC"
sw_require
ik_require
PY=/usr/bin/python3
PARSE="$SRC/tests/conformance/parse.py"
TPL="$SRC/tests/conformance/templates"
IK_DEBUG=${IK_DEBUG-}	# per-packet quiet; IKE debugging would fill the log buffer

topo_up a=192.0.2.1 b=192.0.2.2
lan_up la a 198.51.100.2 198.51.100.1
lan_up lb b 203.0.113.2 203.0.113.1

# ikesh_conf OUT IPSEC_EXTRA: router a, AES-GCM-128 for IKE and ESP
ikesh_conf() {
	render "$SCN_CONF/ikesh-traffic-router.cfg" "$1" HOST=RA LOCAL=192.0.2.1 \
		PEER=192.0.2.2 LAN=198.51.100.1 TUNADDR=198.18.0.1 REMOTE_LAN=203.0.113.0 \
		IKE_ENCR=aes-gcm-128 IKE_INTEG="" TRANSFORM="esp-gcm 128" IPSEC_EXTRA="$2"
}
sw_psk_conf "$SCN_DIR/b.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1 \
	PROPOSALS=aes128gcm16-prfsha256-ecp256 ESP=aes128gcm16 PSK=traffic-psk-0123456789

# pings_both_ways PART: 20 pings each way through the tunnel
pings_both_ways() {
	check "$1: ping lanA -> lanB (20 x 50 ms)" ping_ok la 203.0.113.2 20 0.05
	check "$1: ping lanB -> lanA (20 x 50 ms)" ping_ok lb 198.51.100.2 20 0.05
}

# tcp_both_ways PART SIZE
tcp_both_ways() {
	local part=$1 size=$2 dir r
	for dir in "la lb 203.0.113.2" "lb la 198.51.100.2"; do
		set -- $dir
		r=$(tcp_xfer "$1" "$2" "$3" "$size")
		scn_log "$part: TCP $1 -> $2: $r (octets, seconds)"
		check "$part: $((size / 1048576)) MiB TCP $1 -> $2 intact (sha256)" eval '[ "${r%% *}" = OK ]'
	done
}

# ================================================================ A
ikesh_conf "$SCN_DIR/a-A.cfg" ""
sw_start b "$SCN_DIR/b.conf"
nsx b ip route add 198.51.100.0/24 dev ipsec0 || die "b: no route into ipsec0 (kernel-libipsec TUN missing?)"
ik_start a "$SCN_DIR/a-A.cfg"
wait_until 20 sw_s2s_up || die "A: SA up on both sides within 20 s (ikesh initiator)"
pass "A: ikesh initiated; READY / ESTABLISHED, CHILD SPIs mirrored"
wait_until 5 ping_ok la 203.0.113.2 || true

# ---- pings: ikesh and strongSwan count the same packets
e0=$(ik_ipsec_counter a encaps) d0=$(ik_ipsec_counter a decaps)
pings_both_ways A
e1=$(ik_ipsec_counter a encaps) d1=$(ik_ipsec_counter a decaps)
read -r sib sip sob sop <<<"$(sw_child_counters b net)"
scn_log "A: ikesh encaps $e0 -> $e1, decaps $d0 -> $d1; strongSwan in $sip pkts/$sib B, out $sop pkts/$sob B"
check "A: ikesh encaps and decaps grew by >= 40 (the pings)" eval '[ $((e1 - e0)) -ge 40 ] && [ $((d1 - d0)) -ge 40 ]'
check "A: strongSwan in packets ($sip) = ikesh encaps ($e1) +-2" near "$sip" "$e1" 2
check "A: strongSwan out packets ($sop) = ikesh decaps ($d1) +-2" near "$sop" "$d1" 2

# ---- TCP both ways.  The counters still agree once the ESP datagrams the
# kernel dropped at charon's UDP socket (receive buffer full: kernel-libipsec
# decrypts in one thread and falls behind a TCP burst) are added; the lost
# segments were retransmitted, the sha256 checks hold.
u0=$(udp_rcvbuf_errors b)
tcp_both_ways A $((8 * 1024 * 1024))
check "A: ip tcp adjust-mss 1360: receiver's MSS $(cat "$SCN_DIR/sink.mss" 2>/dev/null) <= 1360" \
	eval '[ "$(cat "$SCN_DIR/sink.mss" 2>/dev/null || echo 9999)" -le 1360 ]'
e2=$(ik_ipsec_counter a encaps) d2=$(ik_ipsec_counter a decaps)
read -r sib sip sob sop <<<"$(sw_child_counters b net)"
u=$(($(udp_rcvbuf_errors b) - u0))
scn_log "A: after TCP: ikesh encaps $e2 decaps $d2; strongSwan in $sip pkts/$sib B, out $sop pkts/$sob B; UDP receive-buffer drops on b: $u"
check "A: TCP: ikesh encaps+decaps grew by >= 12000 (2 x 8 MiB / 1348)" eval '[ $((e2 + d2 - e1 - d1)) -ge 12000 ]'
check "A: strongSwan in packets ($sip) + UDP drops on b ($u) = ikesh encaps ($e2) (+-1 %)" \
	near $((sip + u)) "$e2" $((e2 / 100 + 2))
check "A: strongSwan out packets ($sop) = ikesh decaps ($d2) (+-1 %)" near "$sop" "$d2" $((d2 / 100 + 2))
check "A: strongSwan in/out octets ($sib/$sob) >= 8 MiB" eval '[ "$sib" -ge 8388608 ] && [ "$sob" -ge 8388608 ]'

# ---- the show commands parse with the ntc templates
ik a "show crypto ipsec sa detail" >"$SCN_DIR/ipsec-sa-detail.txt"
rows=$($PY "$PARSE" "$TPL/cisco_ios_show_crypto_ipsec_sa_detail.textfsm" <"$SCN_DIR/ipsec-sa-detail.txt" 2>&1) || rows=""
spis=$(sw_child_spis b net)
spi_in=$(printf '%s\n' "${spis%% *}" | sed 's/^0*//')	# swanctl pads to 8 digits, IOS does not
check "A: show crypto ipsec sa detail parses (2 SAs, Tunnel0, peer 192.0.2.2 port 4500, esp-gcm, encaps)" eval '
	[ "$(printf "%s\n" "$rows" | grep -c "\"SA_SPI_HEX\"")" -eq 2 ] &&
	printf "%s\n" "$rows" | qgrep "\"INTERFACE\": \"Tunnel0\"" &&
	printf "%s\n" "$rows" | qgrep "\"CURRENT_PEER\": \"192.0.2.2\"" &&
	printf "%s\n" "$rows" | qgrep "\"SA_TRANSFORM\": \"esp-gcm\"" &&
	printf "%s\n" "$rows" | qgrep -i "\"SA_SPI_HEX\": \"0x${spi_in}\"" &&
	printf "%s\n" "$rows" | qgrep "\"PKTS_ENCAPS\": \"[1-9][0-9]*\""'
ik a "show crypto session detail" >"$SCN_DIR/session-detail.txt"
rows=$($PY "$PARSE" "$TPL/cisco_ios_show_crypto_session_detail.textfsm" <"$SCN_DIR/session-detail.txt" 2>&1) || rows=""
check "A: show crypto session detail parses (UP-ACTIVE, peer 192.0.2.2, 2 active SAs)" eval '
	printf "%s\n" "$rows" | qgrep "\"SESSION_STATUS\": \"UP-ACTIVE\"" &&
	printf "%s\n" "$rows" | qgrep "\"PEER\": \"192.0.2.2\"" &&
	printf "%s\n" "$rows" | qgrep "\"ACTIVE_SA\": \"2\""'

# ---- strongSwan rekeys the CHILD_SA while a ping runs every 50 ms
spis0=$(sw_child_spis b net)
mb=$(sw_mark b)
read -r sent recv <<<"$(sw_rekey_under_ping b net la 203.0.113.2)"
sw_s2s_settle A || true
spis1=$(sw_child_spis b net)
scn_log "A: rekey ping: sent $sent received $recv; strongSwan SPIs $spis0 -> $spis1"
check "A: swanctl --rekey --child: new CHILD_SA (SPIs $spis0 -> $spis1), one left, mirrored on ikesh" \
	eval '[ "$(sw_new_children b net "$mb")" -ge 1 ] && [ -n "$spis1" ] && [ "$spis1" != "$spis0" ] && sw_s2s_settled'
check "A: at most 2 of $sent pings lost across the rekey (lost $((sent - recv)))" \
	eval '[ "$sent" -ge 80 ] && [ $((sent - recv)) -le 2 ]'
check "A: traffic through the new SAs" ping_ok la 203.0.113.2 3
ik_stop a
sw b --terminate --ike s2s --force >/dev/null 2>&1
wait_until 5 sw_no_sas b || fail "A: strongSwan SA removed after ikesh stopped"

# ================================================================ B
ikesh_conf "$SCN_DIR/a-B.cfg" " responder-only
 set security-association lifetime kilobytes 2560"
ik_start a "$SCN_DIR/a-B.cfg"
sw_initiate b net s2s || fail "B: swanctl --initiate"
wait_until 10 sw_s2s_up || die "B: SA up on both sides (strongSwan initiator)"
pass "B: strongSwan initiated; READY / ESTABLISHED, CHILD SPIs mirrored"
check "B: ikesh is the responder" ik_sa_has a 192.0.2.2 "Initiator of SA : No"
check "B: ikesh's CHILD SA has the 2560 KB lifetime" \
	eval 'ik a "show crypto ipsec sa" | qgrep "remaining key lifetime (k/sec): (25[0-9][0-9]/"'
wait_until 5 ping_ok la 203.0.113.2 || true
pings_both_ways B
tcp_both_ways B $((2 * 1024 * 1024))
sw_s2s_settle B || true

# ---- ikesh rekeys (kilobyte lifetime) while 4000 x 1300 octets go each way
spi0=$(ik_out_spi a)
spis0=$(sw_child_spis b net)
mb=$(sw_mark b)
scn_log "B: 4000 pings of 1300 octets every 2 ms"
read -r sent recv <<<"$(ping_loss la 203.0.113.2 -c 4000 -i 0.002 -s 1300 -W 1)"
scn_log "B: ping done"
sw_s2s_settle B || true
spi1=$(ik_out_spi a)
spis1=$(sw_child_spis b net)
n=$(sw_new_children b net "$mb")
scn_log "B: rekey ping: sent $sent received $recv; ikesh out SPI $spi0 -> $spi1; strongSwan: $n new CHILD_SAs"
check "B: ikesh rekeyed the CHILD_SA at its kilobyte lifetime ($n new, SPI $spi0 -> $spi1), mirrored" \
	eval '[ "$n" -ge 1 ] && [ -n "$spi1" ] && [ "$spi1" != "$spi0" ] && [ "$spis1" != "$spis0" ] && sw_s2s_settled'
check "B: ikesh initiated them (strongSwan parsed CREATE_CHILD_SA requests with REKEY_SA)" \
	sw_log_has b "$mb" 'parsed CREATE_CHILD_SA request [0-9]+ \[ N\(REKEY_SA\)'
check "B: at most 2 of $sent pings lost across the rekeys (lost $((sent - recv)))" \
	eval '[ "$sent" -ge 3900 ] && [ $((sent - recv)) -le 2 ]'
check "B: one IKE SA on each side after the rekeys" \
	eval '[ "$(ik_sa_count a 192.0.2.2)" = 1 ] && [ "$(sw_ike_count b s2s)" = 1 ]'
ik_stop a
check "ikesh: no sanitizer report" eval '! grep -qE "Sanitizer|runtime error:" "$(ik_logfile a)"'

scn_finish
