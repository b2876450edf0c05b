#!/bin/bash
# Traffic through an sVTI between two ikesh routers (userspace data plane):
#
#   lanA 198.51.100.2 -- 198.51.100.1 A 192.0.2.1 == WAN == 192.0.2.2 B 203.0.113.1 -- 203.0.113.2 lanB
#                                     Tunnel0 198.18.0.1/30  <->  198.18.0.2/30 Tunnel0
#
# Each router runs `ikesh -f CFG --no-console --socket S` in its namespace
# (configs/ikesh-traffic-router.cfg: sVTI Tunnel0, "ip route <other LAN>
# Tunnel0", ip tcp adjust-mss); the LAN hosts are namespaces of their own
# routed through the routers (IP forwarding on).  ESP between the routers is
# plain IP protocol 50 (no NAT), through the raw ESP socket.  Checks, for
# AES-GCM-128 and then AES-CBC-256/SHA-256:
#   - the tunnel comes up by itself: TUN device Tu0 with the tunnel address
#     and the static route through it;
#   - ping lanA -> lanB and lanB -> lanA through the tunnel, and between the
#     tunnel addresses;
#   - show crypto ipsec sa: A's encaps = B's decaps (and the reverse), grown
#     by the pings sent;
#   - an 8 MiB TCP transfer in each direction, intact (sha256); the
#     receiver's MSS shows the SYN was clamped (ip tcp adjust-mss 1360);
#   - show crypto ipsec sa peer / interface filters; the detail output parses
#     with the ntc-templates template (tests/conformance/parse.py), as does
#     show crypto session detail; clear crypto sa counters;
#   - CHILD_SA rekeys during a continuous ping (4000 x 1300 octets): set
#     security-association lifetime kilobytes 2560 (the IOS minimum), new SAs
#     by clear crypto sa [peer]: new SPIs, at most 2 pings lost;
#   - (once) no ip route / ip route ... Tunnel0 removes / installs the route;
#     shutdown and no interface Tunnel0 remove Tu0, the peer's Tu0 goes down
#     with the line protocol; ikesh's exit removes Tu0; no sanitizer report.
#
# Usage: ikesh_ikesh_traffic.sh IKESH SOURCE-DIR   (root; < 90 s)
set -eu -o pipefail
SRC_ARG=${2:-}
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/topo.sh"
. "$(dirname "$0")/lib/ikesh.sh"
. "$(dirname "$0")/lib/traffic.sh"
scn_init ikesh_ikesh_traffic "${1:-}" "$SRC_ARG"
ik_require
PY=/usr/bin/python3
PARSE="$SRC/tests/conformance/parse.py"
TPL="$SRC/tests/conformance/templates"

# ---------------------------------------------------------------- topology
topo_up a=192.0.2.1 b=192.0.2.2

lan_up la a 198.51.100.2 198.51.100.1
lan_up lb b 203.0.113.2 203.0.113.1

# ---------------------------------------------------------------- routers
IK_DEBUG=${IK_DEBUG-}	# the log buffer would fill with per-exchange debugging

# router_conf NODE SUITE [IPSEC_EXTRA]
router_conf() {
	local node=$1 suite=$2 extra=${3:-} out
	out="$SCN_DIR/$node-$suite.cfg"
	local ike_encr ike_integ transform
	case $suite in
	gcm128) ike_encr=aes-gcm-128 ike_integ="" transform="esp-gcm 128" ;;
	cbc256) ike_encr=aes-cbc-256 ike_integ=" integrity sha256" transform="esp-aes 256 esp-sha256-hmac" ;;
	*) die "unknown suite $suite" ;;
	esac
	if [ "$node" = a ]; then
		render "$SCN_CONF/ikesh-traffic-router.cfg" "$out" HOST=RA LOCAL=192.0.2.1 \
			PEER=192.0.2.2 LAN=198.51.100.1 TUNADDR=198.18.0.1 REMOTE_LAN=203.0.113.0 \
			IKE_ENCR="$ike_encr" IKE_INTEG="$ike_integ" TRANSFORM="$transform" IPSEC_EXTRA="$extra"
	else
		render "$SCN_CONF/ikesh-traffic-router.cfg" "$out" HOST=RB LOCAL=192.0.2.2 \
			PEER=192.0.2.1 LAN=203.0.113.1 TUNADDR=198.18.0.2 REMOTE_LAN=198.51.100.0 \
			IKE_ENCR="$ike_encr" IKE_INTEG="$ike_integ" TRANSFORM="$transform" IPSEC_EXTRA="$extra"
	fi
	echo "$out"
}

# tunnel_up NODE: Tunnel0's line protocol is up and the TUN device is up
tunnel_up() {
	ik "$1" "show interfaces Tunnel0" | qgrep 'Tunnel0 is up, line protocol is up' &&
		nsx "$1" ip link show Tu0 | qgrep -E '<[^>]*\bUP\b'
}

start_routers() { # SUITE [IPSEC_EXTRA]
	ik_start a "$(router_conf a "$@")"
	ik_start b "$(router_conf b "$@")"
	wait_until 20 tunnel_up a && wait_until 10 tunnel_up b ||
		die "$1: Tunnel0 not up on both routers within 20 s"
	scn_log "$1: Tunnel0 up on both routers"
}

stop_routers() {
	ik_stop a
	ik_stop b
}

ping_ok() { # NODE DST [COUNT]
	nsx "$1" ping -c "${3:-3}" -i 0.2 -W 2 "$2" >/dev/null 2>&1
}

# ================================================================ per suite
# run_suite SUITE TRANSFORM-NAME (as show crypto ipsec sa prints it) CLEAR-COMMAND
run_suite() {
	local suite=$1 tname=$2 clear=$3 r dir rows out sent recv spi0 spi1 spi2 c1 c2
	local enc_a0 dec_b0 enc_b0 dec_a0 enc_a dec_b enc_b dec_a
	start_routers "$suite"

	check "$suite: A has the TUN Tu0 with 198.18.0.1/30" \
		eval 'nsx a ip -o addr show dev Tu0 | qgrep "inet 198.18.0.1/30"'
	check "$suite: A routes 203.0.113.0/24 through Tu0" \
		eval 'nsx a ip route show 203.0.113.0/24 | qgrep "dev Tu0"'
	check "$suite: B routes 198.51.100.0/24 through Tu0" \
		eval 'nsx b ip route show 198.51.100.0/24 | qgrep "dev Tu0"'

	# ---- pings both ways; the counters of both ends agree
	wait_until 5 ping_ok la 203.0.113.2 1 || true
	enc_a0=$(ik_ipsec_counter a encaps) dec_b0=$(ik_ipsec_counter b decaps)
	enc_b0=$(ik_ipsec_counter b encaps) dec_a0=$(ik_ipsec_counter a decaps)
	check "$suite: ping lanA -> lanB (20 packets)" nsx la ping -c 20 -i 0.05 -W 2 -q 203.0.113.2
	check "$suite: ping lanB -> lanA (20 packets)" nsx lb ping -c 20 -i 0.05 -W 2 -q 198.51.100.2
	check "$suite: ping tunnel address A -> B" ping_ok a 198.18.0.2
	enc_a=$(ik_ipsec_counter a encaps) dec_b=$(ik_ipsec_counter b decaps)
	enc_b=$(ik_ipsec_counter b encaps) dec_a=$(ik_ipsec_counter a decaps)
	scn_log "$suite: A encaps $enc_a0 -> $enc_a, B decaps $dec_b0 -> $dec_b; B encaps $enc_b, A decaps $dec_a"
	check "$suite: A encaps grew by >= 43 pings and = B decaps (+-2)" \
		eval '[ $((enc_a - enc_a0)) -ge 43 ] && [ $(( (enc_a - dec_b) * (enc_a - dec_b) )) -le 4 ]'
	check "$suite: B encaps grew by >= 43 and = A decaps (+-2)" \
		eval '[ $((enc_b - enc_b0)) -ge 43 ] && [ $(( (enc_b - dec_a) * (enc_b - dec_a) )) -le 4 ]'

	# ---- TCP through the tunnel, both directions (MSS clamped to 1360)
	for dir in "la lb 203.0.113.2" "lb la 198.51.100.2"; do
		set -- $dir
		r=$(tcp_xfer "$1" "$2" "$3" $((8 * 1024 * 1024)))
		scn_log "$suite: TCP $1 -> $2: $r (octets, seconds)"
		check "$suite: 8 MiB TCP $1 -> $2 intact (sha256)" eval '[ "${r%% *}" = OK ]'
	done
	# the receiver's MSS: its peer's SYN was clamped to 1360 by the router
	check "$suite: ip tcp adjust-mss 1360: receiver's MSS $(cat "$SCN_DIR/sink.mss" 2>/dev/null) <= 1360" \
		eval '[ "$(cat "$SCN_DIR/sink.mss" 2>/dev/null || echo 9999)" -le 1360 ]'

	# ---- show commands: filters, templates
	check "$suite: show crypto ipsec sa peer 192.0.2.2 shows Tunnel0" \
		eval 'ik a "show crypto ipsec sa peer 192.0.2.2" | qgrep "^interface: Tunnel0$"'
	check "$suite: show crypto ipsec sa peer 192.0.2.9 shows nothing" \
		eval '[ -z "$(ik a "show crypto ipsec sa peer 192.0.2.9")" ]'
	check "$suite: show crypto ipsec sa interface Tunnel0: transform $tname" \
		eval 'ik b "show crypto ipsec sa interface Tunnel0" | qgrep "transform: $tname ,"'
	ik a "show crypto ipsec sa detail" >"$SCN_DIR/$suite-ipsec-sa-detail.txt"
	rows=$($PY "$PARSE" "$TPL/cisco_ios_show_crypto_ipsec_sa_detail.textfsm" \
		<"$SCN_DIR/$suite-ipsec-sa-detail.txt" 2>&1) || rows=""
	check "$suite: show crypto ipsec sa detail parses with the ntc template (2 SAs, Tunnel0, peer, $tname)" eval '
		[ "$(printf "%s\n" "$rows" | grep -c "\"SA_SPI_HEX\"")" -eq 2 ] &&
		printf "%s\n" "$rows" | qgrep "\"INTERFACE\": \"Tunnel0\"" &&
		printf "%s\n" "$rows" | qgrep "\"CURRENT_PEER\": \"192.0.2.2\"" &&
		printf "%s\n" "$rows" | qgrep "\"SA_TRANSFORM\": \"$tname\"" &&
		printf "%s\n" "$rows" | qgrep "\"PKTS_ENCAPS\": \"$(ik_ipsec_counter a encaps)\""'
	ik b "show crypto session detail" >"$SCN_DIR/$suite-session-detail.txt"
	rows=$($PY "$PARSE" "$TPL/cisco_ios_show_crypto_session_detail.textfsm" \
		<"$SCN_DIR/$suite-session-detail.txt" 2>&1) || rows=""
	check "$suite: show crypto session detail parses with the ntc template (UP-ACTIVE, peer)" eval '
		printf "%s\n" "$rows" | qgrep "\"SESSION_STATUS\": \"UP-ACTIVE\"" &&
		printf "%s\n" "$rows" | qgrep "\"PEER\": \"192.0.2.1\"" &&
		printf "%s\n" "$rows" | qgrep "\"ACTIVE_SA\": \"2\""'

	ik a "clear crypto sa counters" >/dev/null
	check "$suite: clear crypto sa counters: encaps 0 on A" eval '[ "$(ik_ipsec_counter a encaps)" = 0 ]'

	# ---- CHILD_SA rekeys during a continuous ping: lifetime 2560 KB (the
	# IOS minimum) on both routers; clear crypto sa [peer] makes SAs with it
	for r in a b; do
		ik_conf $r "crypto ipsec profile VTI" "set security-association lifetime kilobytes 2560" >/dev/null
	done
	spi0=$(ik_out_spi a)
	ik a "$clear" >/dev/null
	wait_until 10 eval '[ "$(ik_out_spi a)" != "$spi0" ] && [ "$(ik_out_spi a)" != 0x0 ] && ping_ok la 203.0.113.2 1' ||
		true
	spi1=$(ik_out_spi a)
	check "$suite: $clear: new SAs, traffic again (SPI $spi0 -> $spi1)" \
		eval '[ -n "$spi1" ] && [ "$spi1" != "$spi0" ] && ping_ok la 203.0.113.2 1'
	check "$suite: the new SAs have the 2560 KB lifetime" \
		eval 'ik a "show crypto ipsec sa" | qgrep "remaining key lifetime (k/sec): (25[0-9][0-9]/"'
	c1=$(newest_conn a)
	# 4000 x 1300 octets every 2 ms: ~5.3 MB each way, two rekeys or more
	out=$(nsx la ping -c 4000 -i 0.002 -s 1300 -W 1 -q 203.0.113.2 2>&1) || true
	sent=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1/p')
	recv=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\2/p')
	spi2=$(ik_out_spi a)
	c2=$(newest_conn a)
	scn_log "$suite: rekey ping: sent $sent received $recv; SPI $spi1 -> $spi2; $(( (c2 - c1) / 2 )) new CHILD SAs"
	check "$suite: CHILD_SA rekeyed during the ping ($(( (c2 - c1) / 2 )) new, SPI $spi1 -> $spi2)" \
		eval '[ -n "$spi2" ] && [ "$spi2" != "$spi1" ] && [ $((c2 - c1)) -ge 4 ]'
	check "$suite: at most 2 of ${sent:-?} pings lost across the rekeys (lost $((${sent:-0} - ${recv:-0})))" \
		eval '[ "${sent:-0}" -ge 3900 ] && [ $((sent - recv)) -le 2 ]'
	check "$suite: one IKE SA on each router after the rekeys" \
		eval '[ "$(ik_sa_count a 192.0.2.2)" = 1 ] && [ "$(ik_sa_count b 192.0.2.1)" = 1 ]'
}

# newest_conn NODE: the highest "conn id" of Tunnel0's SAs (2000 + 2 x CHILD_SA id)
newest_conn() {
	ik "$1" "show crypto ipsec sa interface Tunnel0" |
		sed -n 's/.*conn id: \([0-9]*\),.*/\1/p' | sort -n | tail -n1
}

run_suite gcm128 "esp-gcm" "clear crypto sa"

# ---- routes follow the configuration while the tunnel is up
ik_conf a "no ip route 203.0.113.0 255.255.255.0 Tunnel0" >/dev/null
check "no ip route ... Tunnel0 removes the route on A" \
	wait_while 5 eval 'nsx a ip route show 203.0.113.0/24 | qgrep "dev Tu0"'
ik_conf a "ip route 203.0.113.0 255.255.255.0 Tunnel0" >/dev/null
check "ip route ... Tunnel0 installs it again, ping" \
	wait_until 5 eval 'nsx a ip route show 203.0.113.0/24 | qgrep "dev Tu0" && ping_ok la 203.0.113.2 1'
check "show crypto session: UP-ACTIVE with peer 192.0.2.2" \
	eval 'ik a "show crypto session" | qgrep "^Session status: UP-ACTIVE" &&
	      ik a "show crypto session remote 192.0.2.2" | qgrep "^Peer: 192.0.2.2 port 500"'

# ---- the TUN device follows the interface: shutdown, no interface, exit
ik_conf a "interface Tunnel0" "shutdown" >/dev/null
check "shutdown of Tunnel0 on A removes Tu0" wait_while 5 nsx a ip link show Tu0
check "... and B's Tu0 goes down with the line protocol" \
	wait_until 10 eval 'nsx b ip link show Tu0 | qgrep -v "[<,]UP[,>]" && ik b "show interfaces Tunnel0" | qgrep "line protocol is down"'
ik_conf a "interface Tunnel0" "no shutdown" >/dev/null
check "no shutdown: Tu0 back on A, tunnel up, ping" \
	wait_until 15 eval 'tunnel_up a && tunnel_up b && ping_ok la 203.0.113.2 1'
ik_conf b "no interface Tunnel0" >/dev/null
check "no interface Tunnel0 on B removes Tu0" wait_while 5 nsx b ip link show Tu0
stop_routers
check "ikesh exit removes Tu0 (A)" eval '! nsx a ip link show Tu0 >/dev/null 2>&1'
for r in a b; do
	check "router $r: no sanitizer report" eval '! grep -qE "Sanitizer|runtime error:" "$(ik_logfile $r)"'
done

run_suite cbc256 "esp-256-aes esp-sha256-hmac" "clear crypto sa peer 192.0.2.2"
stop_routers
for r in a b; do
	check "router $r (cbc256): no sanitizer report" eval '! grep -qE "Sanitizer|runtime error:" "$(ik_logfile $r)"'
done

scn_finish
