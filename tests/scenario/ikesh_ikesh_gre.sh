#!/bin/bash
# GRE over IPsec between two ikesh routers (userspace data plane):
#
#   lanA 198.51.100.2 -- 198.51.100.1 A 192.0.2.1 == WAN == 192.0.2.2 B 203.0.113.1 -- 203.0.113.2 lanB
#                                     Tunnel0 198.18.0.1/30  <->  198.18.0.2/30 Tunnel0
#
# "interface Tunnel0" in the IOS default tunnel mode (gre ip) with "tunnel
# protection ipsec profile GRE"; the CHILD_SA protects protocol 47 between
# 192.0.2.1 and 192.0.2.2.  ESP is plain IP protocol 50 (no NAT).
#   Part 1, transform set "mode transport" (what Cisco GRE/IPsec guides
#   configure):
#   - the tunnel comes up by itself: Tu0 up with the tunnel address, the
#     route to the other LAN through it, MTU = 1500 - ESP - GRE overhead;
#   - show interfaces Tunnel0: line protocol up, GRE/IP, protection;
#     show crypto ipsec sa: Transport, protocol-47 host identities;
#   - on the wire (a packet socket on A's wan0): a 1000-octet ping is an ESP
#     packet of exactly the transport-mode size (tunnel mode is 20 more);
#   - ping lanA <-> lanB, A's encaps = B's decaps; a 4 MiB TCP transfer each
#     way, intact (sha256), SYN MSS clamped (ip tcp adjust-mss 1360);
#   - clear crypto sa: new SAs in transport mode again, traffic again;
#   - a DF ping larger than the tunnel MTU gets "fragmentation needed".
#   Part 2, "mode tunnel": Tunnel in use settings, the wire size 20 octets
#   larger, MTU 20 lower, ping both ways, a TCP transfer.
#
# Usage: ikesh_ikesh_gre.sh IKESH SOURCE-DIR   (root; < 60 s)
set -eu -o pipefail
SRC_ARG=${2:-}
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/topo.sh"
. "$(dirname "$0")/lib/ikesh.sh"
. "$(dirname "$0")/lib/traffic.sh"
scn_init ikesh_ikesh_gre "${1:-}" "$SRC_ARG"
ik_require
PY=/usr/bin/python3
IK_DEBUG=${IK_DEBUG-}

# ---------------------------------------------------------------- topology
topo_up a=192.0.2.1 b=192.0.2.2

lan_up la a 198.51.100.2 198.51.100.1
lan_up lb b 203.0.113.2 203.0.113.1

# ---------------------------------------------------------------- routers
# router_conf NODE MODE (transport|tunnel): the config file's path
router_conf() {
	local node=$1 mode=$2 out host local peer lan tun rlan
	out="$SCN_DIR/$node-$mode.cfg"
	if [ "$node" = a ]; then
		host=RA local=192.0.2.1 peer=192.0.2.2 lan=198.51.100.1 tun=198.18.0.1 rlan=203.0.113.0
	else
		host=RB local=192.0.2.2 peer=192.0.2.1 lan=203.0.113.1 tun=198.18.0.2 rlan=198.51.100.0
	fi
	cat >"$out" <<EOF
hostname $host
!
crypto ikev2 proposal PROP
 encryption aes-gcm-256
 prf sha256
 group 19
!
crypto ikev2 policy POL
 proposal PROP
!
crypto ikev2 keyring KR
 peer PEER
  address $peer
  pre-shared-key gre-psk-0123456789
!
crypto ikev2 profile PROF
 match identity remote address $peer 255.255.255.255
 authentication remote pre-share
 authentication local pre-share
 keyring local KR
!
crypto ipsec transform-set TS esp-gcm 256
 mode $mode
!
crypto ipsec profile GRE
 set transform-set TS
 set ikev2-profile PROF
!
interface GigabitEthernet0/0
 ip address $local 255.255.255.0
!
interface GigabitEthernet0/1
 ip address $lan 255.255.255.0
!
interface Tunnel0
 ip address $tun 255.255.255.252
 ip tcp adjust-mss 1360
 tunnel source GigabitEthernet0/0
 tunnel destination $peer
 tunnel protection ipsec profile GRE
!
ip route $rlan 255.255.255.0 Tunnel0
!
end
EOF
	echo "$out"
}

tunnel_up() {
	ik "$1" "show interfaces Tunnel0" | qgrep 'Tunnel0 is up, line protocol is up' &&
		nsx "$1" ip link show Tu0 | qgrep -E '<[^>]*\bUP\b'
}

ping_ok() { # NODE DST [COUNT]
	nsx "$1" ping -c "${3:-3}" -i 0.2 -W 2 "$2" >/dev/null 2>&1
}

# esp_sizes NODE SECONDS: IPv4 total lengths of the ESP packets NODE sends
# on wan0 during SECONDS (AF_PACKET socket), one per line
esp_sizes() {
	nsx "$1" $PY -c '
import socket, sys, time
# ETH_P_ALL: only those taps see outgoing packets
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(3))
s.bind(("wan0", 0))
s.settimeout(0.2)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    try:
        p, a = s.recvfrom(65535)
    except socket.timeout:
        continue
    if a[1] == 0x0800 and a[2] == socket.PACKET_OUTGOING and len(p) >= 20 and p[9] == 50:
        print(int.from_bytes(p[2:4], "big"))' "$2"
}

# ================================================================ one mode
# run_mode MODE SETTINGS(as IOS prints them) MTU WIRE-SIZE TCP-DIRECTIONS
# MTU: 1500 - (20 IP + 8 ESP + 8 IV + 3 pad + 2 trailer + 16 ICV) - GRE
# (4 in transport mode, 24 with the delivery header in tunnel mode).
# WIRE-SIZE of a 1000-octet ping (IPv4 1028): 20 + 16 + pad4(1028 + GRE
# + 2) + 16.
run_mode() {
	local mode=$1 settings=$2 mtu=$3 wire=$4 dirs=$5 r sizes spi0 spi1 clear=1 enc_a0 dec_b0 enc_b0 dec_a0 enc_a dec_b enc_b dec_a
	ik_start a "$(router_conf a "$mode")"
	ik_start b "$(router_conf b "$mode")"
	wait_until 20 tunnel_up a && wait_until 10 tunnel_up b ||
		die "$mode: Tunnel0 not up on both routers within 20 s"
	scn_log "$mode: Tunnel0 up on both routers"

	check "$mode: A has Tu0 with 198.18.0.1/30 and MTU $mtu" \
		eval 'nsx a ip -o addr show dev Tu0 | qgrep "inet 198.18.0.1/30" &&
		      nsx a ip link show Tu0 | qgrep "mtu $mtu "'
	check "$mode: A routes 203.0.113.0/24 through Tu0" \
		eval 'nsx a ip route show 203.0.113.0/24 | qgrep "dev Tu0"'
	ik a "show interfaces Tunnel0" >"$SCN_DIR/$mode-show-int.txt"
	check "$mode: show interfaces Tunnel0: line protocol up, GRE/IP, protection via profile GRE" eval '
		qgrep "^Tunnel0 is up, line protocol is up" "$SCN_DIR/$mode-show-int.txt" &&
		qgrep "Tunnel protocol/transport GRE/IP$" "$SCN_DIR/$mode-show-int.txt" &&
		qgrep "Tunnel protection via IPSec (profile \"GRE\")" "$SCN_DIR/$mode-show-int.txt"'
	ik a "show crypto ipsec sa" >"$SCN_DIR/$mode-ipsec-sa.txt"
	check "$mode: show crypto ipsec sa: in use settings ={$settings, }, protocol-47 host identities" eval '
		[ "$(grep -c "in use settings ={$settings, }" "$SCN_DIR/$mode-ipsec-sa.txt")" -eq 2 ] &&
		qgrep -F "local  ident (addr/mask/prot/port): (192.0.2.1/255.255.255.255/47/0)" "$SCN_DIR/$mode-ipsec-sa.txt" &&
		qgrep -F "remote ident (addr/mask/prot/port): (192.0.2.2/255.255.255.255/47/0)" "$SCN_DIR/$mode-ipsec-sa.txt"'

	# ---- the packet on the wire has the size of this mode
	wait_until 5 ping_ok la 203.0.113.2 1 || true
	esp_sizes a 2 >"$SCN_DIR/$mode-wire.txt" &
	r=$!
	sleep 0.5
	nsx la ping -c 3 -i 0.2 -W 1 -s 1000 -q 203.0.113.2 >/dev/null 2>&1 || true
	wait "$r" || true
	sizes=$(sort -u "$SCN_DIR/$mode-wire.txt" | tr '\n' ' ')
	scn_log "$mode: ESP sizes on A's wan0 during a 1000-octet ping: $sizes"
	check "$mode: a 1000-octet ping is a $wire-octet ESP packet on the wire" \
		eval 'qgrep -x "$wire" "$SCN_DIR/$mode-wire.txt"'

	# ---- pings both ways; both ends count the same
	enc_a0=$(ik_ipsec_counter a encaps) dec_b0=$(ik_ipsec_counter b decaps)
	enc_b0=$(ik_ipsec_counter b encaps) dec_a0=$(ik_ipsec_counter a decaps)
	check "$mode: ping lanA -> lanB (20 packets)" nsx la ping -c 20 -i 0.05 -W 2 -q 203.0.113.2
	check "$mode: ping lanB -> lanA (20 packets)" nsx lb ping -c 20 -i 0.05 -W 2 -q 198.51.100.2
	check "$mode: ping tunnel address A -> B" ping_ok a 198.18.0.2
	enc_a=$(ik_ipsec_counter a encaps) dec_b=$(ik_ipsec_counter b decaps)
	enc_b=$(ik_ipsec_counter b encaps) dec_a=$(ik_ipsec_counter a decaps)
	scn_log "$mode: A encaps $enc_a0 -> $enc_a, B decaps $dec_b0 -> $dec_b; B encaps $enc_b0 -> $enc_b, A decaps $dec_a0 -> $dec_a"
	check "$mode: A encaps grew by >= 43 and = B decaps (+-2)" \
		eval '[ $((enc_a - enc_a0)) -ge 43 ] && [ $(( (enc_a - dec_b) * (enc_a - dec_b) )) -le 4 ]'
	check "$mode: B encaps grew by >= 43 and = A decaps (+-2)" \
		eval '[ $((enc_b - enc_b0)) -ge 43 ] && [ $(( (enc_b - dec_a) * (enc_b - dec_a) )) -le 4 ]'

	# ---- TCP through the tunnel (MSS clamped to 1360)
	for r in $dirs; do
		set -- ${r//:/ }
		r=$(tcp_xfer "$1" "$2" "$3" $((4 * 1024 * 1024)))
		scn_log "$mode: TCP $1 -> $2: $r (octets, seconds)"
		check "$mode: 4 MiB TCP $1 -> $2 intact (sha256)" eval '[ "${r%% *}" = OK ]'
	done
	check "$mode: ip tcp adjust-mss 1360: receiver's MSS $(cat "$SCN_DIR/sink.mss" 2>/dev/null) <= 1360" \
		eval '[ "$(cat "$SCN_DIR/sink.mss" 2>/dev/null || echo 9999)" -le 1360 ]'

	# ---- new SAs (clear crypto sa): same mode, traffic again.  Transport
	# mode only: clear crypto sa asks for the new CHILD_SA with the glue's
	# configuration, which says transport for every GRE tunnel (see
	# docs/dataplane.md "GRE over IPsec", Not done)
	[ "$mode" = transport ] || clear=""
	if [ -n "$clear" ]; then
		spi0=$(ik_out_spi a)
		ik a "clear crypto sa" >/dev/null
		wait_until 10 eval '[ "$(ik_out_spi a)" != "$spi0" ] && [ "$(ik_out_spi a)" != 0x0 ] && ping_ok la 203.0.113.2 1' ||
			true
		spi1=$(ik_out_spi a)
		check "$mode: clear crypto sa: new SAs (SPI $spi0 -> $spi1), {$settings, }, ping both ways" eval '
			[ -n "$spi1" ] && [ "$spi1" != "$spi0" ] && ping_ok la 203.0.113.2 2 && ping_ok lb 198.51.100.2 2 &&
			[ "$(ik a "show crypto ipsec sa" | grep -c "in use settings ={$settings, }")" -eq 2 ]'
	fi

	# ---- a DF packet over the tunnel MTU: fragmentation needed, mtu given
	r=$(nsx la ping -c 1 -W 2 -M do -s $((mtu - 28 + 1)) 203.0.113.2 2>&1) || true
	check "$mode: DF ping of $((mtu + 1)) octets: fragmentation needed (mtu = $mtu)" \
		eval 'printf "%s\n" "$r" | qgrep -E "mtu ?= ?$mtu"'

	ik_stop a
	ik_stop b
	for r in a b; do
		check "$mode: router $r: no sanitizer report" \
			eval '! grep -qE "Sanitizer|runtime error:" "$(ik_logfile $r)"'
	done
	wait_while 5 nsx a ip link show Tu0 || true
	wait_while 5 nsx b ip link show Tu0 || true
}

run_mode transport Transport 1439 1088 "la:lb:203.0.113.2 lb:la:198.51.100.2"
run_mode tunnel Tunnel 1419 1108 "la:lb:203.0.113.2"

scn_finish
