#!/usr/bin/env bash
# GRE over IPsec between ikesh (userspace data plane) and strongSwan
# (kernel-libipsec: ESP in UDP 4500 on the TUN ipsec0):
#
#   la 198.51.100.2 -- 198.51.100.1 a 192.0.2.1 == WAN == 192.0.2.2 b 203.0.113.1 -- 203.0.113.2 lb
#                  ikesh Tunnel0 gre ip 198.18.0.1/30      gre-endpoint gre1 198.18.0.2/30
#
# This kernel has no "gre" link type, so on b the GRE tunnel end is
# tests/tools/gre_endpoint.c (a TUN "gre1" and a raw IPv4 socket for
# protocol 47, 192.0.2.2 <-> 192.0.2.1).  kernel-libipsec does tunnel mode
# only, so ikesh's transform set says "mode tunnel"; the CHILD_SA protects
# protocol 47 between the endpoints (192.0.2.2/32[gre] === 192.0.2.1/32[gre],
# what an IOS GRE/IPsec tunnel proposes; kernel-libipsec needs allow_peer_ts
# for a selector equal to the IKE peer).  On b the GRE packets, and only
# they (IKE and ESP in UDP to the same address must not enter ipsec0), are
# sent into ipsec0 by policy routing: "ip rule ipproto 47 to 192.0.2.1
# lookup 100" (192.0.2.1 dev ipsec0), then "to 192.0.2.1 lookup 101"
# (192.0.2.1 dev wan0) ahead of the route charon puts in the main table;
# decrypted GRE comes out of ipsec0 and is delivered locally to the raw
# socket.
#   A  ikesh initiates: SAs up with mirrored SPIs, show crypto ipsec sa:
#      Tunnel mode, protocol-47 identities; strongSwan TUNNEL-in-UDP with
#      the [gre] selectors; pings both ways LAN to LAN; ikesh encaps/decaps
#      = swanctl packet counters = gre-endpoint rx/tx, nothing dropped by
#      gre-endpoint; 4 MiB TCP each way (sha256, MSS clamped to 1360);
#      show crypto ipsec sa detail parses with the ntc template;
#      swanctl --rekey --child during a ping every 50 ms: <= 2 lost, new
#      SPIs mirrored, still Tunnel mode.
#   B  strongSwan initiates, ikesh is responder-only with "set
#      security-association lifetime kilobytes 2560": pings, 1 MiB TCP
#      each way, then ikesh rekeys the CHILD_SA itself (kilobyte lifetime)
#      during 4000 pings of 1300 octets: <= 2 lost, new SPIs mirrored,
#      still tunnel mode, and its CREATE_CHILD_SA requests carry no
#      USE_TRANSPORT_MODE (the SA it rekeys is in tunnel mode).
#
# usage: ikesh_strongswan_gre.sh IKESH SRCDIR   (root; < 60 s)
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
. "$SRC/tests/scenario/lib/traffic.sh"
scn_init ikesh_strongswan_gre "${1:-}" "$SRC"
ik_require
skip() { echo "SKIP  $SCN_NAME: $*"; exit 77; }
GRE_EP=$(dirname "$IKESH")/gre-endpoint
[ -x "$GRE_EP" ] || skip "no gre-endpoint next to ikesh ($GRE_EP; built by CMake)"
[ -x "$SW_CHARON" ] && command -v "$SW_SWANCTL" >/dev/null &&
	[ -e /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ] ||
	skip "strongSwan with kernel-libipsec not installed (scripts/install-deps.sh --test)"
{ ip rule help 2>&1 || true; } | qgrep ipproto || skip "ip rule has no ipproto selector (iproute2 too old)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
sw_require
PY=/usr/bin/python3
PARSE="$SRC/tests/conformance/parse.py"
TPL="$SRC/tests/conformance/templates"
IK_DEBUG=${IK_DEBUG-}	# per-packet quiet; IKE debugging would fill the log buffer

topo_up a=192.0.2.1 b=192.0.2.2
lan_up la a 198.51.100.2 198.51.100.1
lan_up lb b 203.0.113.2 203.0.113.1

# ---------------------------------------------------------------- configs
# ikesh_conf OUT IPSEC_EXTRA: router a, GRE/IP Tunnel0, AES-GCM-128 for IKE
# and ESP, tunnel mode
ikesh_conf() {
	cat >"$1" <<EOF
hostname RA
!
crypto ikev2 proposal PROP
 encryption aes-gcm-128
 prf sha256
 group 19
!
crypto ikev2 policy POL
 proposal PROP
!
crypto ikev2 keyring KR
 peer PEER
  address 192.0.2.2
  pre-shared-key gre-sw-psk-0123456789
!
crypto ikev2 profile PROF
 match identity remote address 192.0.2.2 255.255.255.255
 authentication remote pre-share
 authentication local pre-share
 keyring local KR
!
crypto ipsec transform-set TS esp-gcm 128
 mode tunnel
!
crypto ipsec profile GRE
 set transform-set TS
 set ikev2-profile PROF
$2
!
interface GigabitEthernet0/0
 ip address 192.0.2.1 255.255.255.0
!
interface GigabitEthernet0/1
 ip address 198.51.100.1 255.255.255.0
!
interface Tunnel0
 ip address 198.18.0.1 255.255.255.252
 ip tcp adjust-mss 1360
 tunnel source GigabitEthernet0/0
 tunnel mode gre ip
 tunnel destination 192.0.2.2
 tunnel protection ipsec profile GRE
!
ip route 203.0.113.0 255.255.255.0 Tunnel0
!
end
EOF
}
sw_psk_conf "$SCN_DIR/b.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1 \
	PROPOSALS=aes128gcm16-prfsha256-ecp256 ESP=aes128gcm16 PSK=gre-sw-psk-0123456789 \
	LOCAL_TS="192.0.2.2/32[gre]" REMOTE_TS="192.0.2.1/32[gre]"

# ---------------------------------------------------------------- node b
# gre_up: charon (kernel-libipsec) and gre-endpoint on b, GRE into ipsec0
gre_up() {
	local g
	# kernel-libipsec refuses a remote selector equal to the IKE peer ("can't
	# install route ... conflicts with IKE traffic", TS_UNACCEPTABLE) unless
	# allow_peer_ts; the routing is ours (SW_ROUTES=no, ip rule below)
	printf '%s\n' 'charon { plugins { kernel-libipsec { allow_peer_ts = yes } } }' >"$SCN_DIR/b-extra.conf"
	sw_start b "$SCN_DIR/b.conf" "$SCN_DIR/b-extra.conf"
	wait_until 5 nsx b ip link show ipsec0 || die "b: no ipsec0 (kernel-libipsec TUN missing?)"
	# kernel-libipsec installs "192.0.2.1 dev ipsec0" in the main table for
	# the CHILD_SA whatever install_routes says; these rules come first:
	# GRE to the peer into ipsec0, everything else to it (IKE, ESP in UDP)
	# out of wan0
	nsx b ip rule add pref 100 ipproto 47 to 192.0.2.1 lookup 100 &&
		nsx b ip route add 192.0.2.1/32 dev ipsec0 table 100 &&
		nsx b ip rule add pref 101 to 192.0.2.1 lookup 101 &&
		nsx b ip route add 192.0.2.1/32 dev wan0 table 101 || die "b: policy routing (ip rule ipproto 47)"
	# decrypted GRE arrives on ipsec0 although 192.0.2.1 is reached via wan0
	nsx b sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.ipsec0.rp_filter=0
	ip netns exec "$(ns_of b)" "$GRE_EP" --dev gre1 --local 192.0.2.2 --remote 192.0.2.1 \
		</dev/null >"$SCN_DIR/gre-endpoint.log" 2>&1 &
	g=$!
	scn_track "$g"
	scn_track_log "$SCN_DIR/gre-endpoint.log"
	echo "$g" >"$SCN_DIR/gre-endpoint.pid"
	wait_until 5 nsx b ip link show gre1 || die "b: gre-endpoint did not create gre1"
	# GRE (4) + delivery header (20) inside ipsec0's MTU (kernel-libipsec: 1400)
	local mtu=$(($(nsx b cat /sys/class/net/ipsec0/mtu) - 24))
	nsx b sysctl -qw net.ipv6.conf.gre1.disable_ipv6=1
	nsx b ip addr add 198.18.0.2/30 dev gre1
	nsx b ip link set gre1 mtu "$mtu" up
	nsx b ip route add 198.51.100.0/24 dev gre1
	scn_log "b: gre-endpoint pid $g on gre1 (mtu $mtu), GRE routed into ipsec0 by ip rule ipproto 47"
}
# gre_stats: "TX RX DROPS" of gre-endpoint now (SIGUSR1 makes it print them;
# DROPS is the sum over every reason)
gre_stats() {
	local f="$SCN_DIR/gre-endpoint.log" n
	n=$(grep -c 'drops:' "$f")
	kill -USR1 "$(cat "$SCN_DIR/gre-endpoint.pid")" 2>/dev/null || { echo "0 0 -1"; return; }
	wait_until 2 eval '[ "$(grep -c "drops:" "$f")" -gt "$n" ]' || { echo "0 0 -1"; return; }
	grep 'drops:' "$f" | tail -n 1 | awk '{ d = 0; for (i = 1; i <= NF; i++) if ($i ~ /=/) { split($i, kv, "="); d += kv[2] }
		print $3, $5, d }'
}

tunnel_mode_gre() {	# PART: both SAs Tunnel mode with the protocol-47 identities
	local f="$SCN_DIR/$1-ipsec-sa.txt"
	ik a "show crypto ipsec sa" >"$f"
	[ "$(grep -c "in use settings ={Tunnel UDP-Encaps, }" "$f")" -eq 2 ] &&
		qgrep -F "local  ident (addr/mask/prot/port): (192.0.2.1/255.255.255.255/47/0)" "$f" &&
		qgrep -F "remote ident (addr/mask/prot/port): (192.0.2.2/255.255.255.255/47/0)" "$f"
}
sw_gre_child() {	# strongSwan: TUNNEL-in-UDP, selectors protocol 47 host to host
	sw b --list-sas >"$SCN_DIR/sw-list-sas.txt" 2>&1
	qgrep -E "net: #[0-9]+, reqid [0-9]+, INSTALLED, TUNNEL-in-UDP" "$SCN_DIR/sw-list-sas.txt" &&
		qgrep -E "local +192\.0\.2\.2/32\[gre\]$" "$SCN_DIR/sw-list-sas.txt" &&
		qgrep -E "remote +192\.0\.2\.1/32\[gre\]$" "$SCN_DIR/sw-list-sas.txt"
}
pings_both_ways() {
	check "$1: ping lanA -> lanB (20 x 50 ms)" ping_ok la 203.0.113.2 20 0.05
	check "$1: ping lanB -> lanA (20 x 50 ms)" ping_ok lb 198.51.100.2 20 0.05
	check "$1: ping tunnel address a -> b (198.18.0.2)" ping_ok a 198.18.0.2 2
}
tcp_both_ways() {	# PART SIZE
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
gre_up
ik_start a "$SCN_DIR/a-A.cfg"
wait_until 20 sw_s2s_up || die "A: SA up on both sides within 20 s (ikesh initiator)"
pass "A: ikesh initiated; READY / ESTABLISHED, CHILD SPIs mirrored"
check "A: ikesh: Tunnel mode, protocol-47 identities 192.0.2.1 <-> 192.0.2.2" tunnel_mode_gre A
check "A: strongSwan: TUNNEL-in-UDP, 192.0.2.2/32[gre] === 192.0.2.1/32[gre]" sw_gre_child
wait_until 5 ping_ok la 203.0.113.2 || true

# ---- pings: ikesh, strongSwan and gre-endpoint count the same packets
e0=$(ik_ipsec_counter a encaps) d0=$(ik_ipsec_counter a decaps)
pings_both_ways A
e1=$(ik_ipsec_counter a encaps) d1=$(ik_ipsec_counter a decaps)
read -r sib sip sob sop <<<"$(sw_child_counters b net)"
read -r gtx grx gdrop <<<"$(gre_stats)"
scn_log "A: ikesh encaps $e0 -> $e1, decaps $d0 -> $d1; strongSwan in $sip pkts/$sib B, out $sop pkts/$sob B; gre-endpoint tx $gtx rx $grx dropped $gdrop"
check "A: ikesh encaps and decaps grew by >= 42 (the pings)" eval '[ $((e1 - e0)) -ge 42 ] && [ $((d1 - d0)) -ge 42 ]'
check "A: strongSwan in packets ($sip) = ikesh encaps ($e1) +-2" near "$sip" "$e1" 2
check "A: strongSwan out packets ($sop) = ikesh decaps ($d1) +-2" near "$sop" "$d1" 2
check "A: gre-endpoint rx ($grx) = ikesh encaps ($e1) +-2, tx ($gtx) = ikesh decaps ($d1) +-2, none dropped" \
	eval 'near "$grx" "$e1" 2 && near "$gtx" "$d1" 2 && [ "$gdrop" = 0 ]'

# ---- TCP both ways (the MSS is clamped on ikesh's Tunnel0).  The counters
# still agree once the ESP datagrams the kernel dropped at charon's UDP
# socket are added (kernel-libipsec decrypts in one thread and falls behind
# a TCP burst; TCP retransmits, the sha256 checks hold)
u0=$(udp_rcvbuf_errors b)
tcp_both_ways A $((4 * 1024 * 1024))
check "A: ip tcp adjust-mss 1360: receiver's MSS $(cat "$SCN_DIR/sink.mss" 2>/dev/null) <= 1360" \
	eval '[ "$(cat "$SCN_DIR/sink.mss" 2>/dev/null || echo 9999)" -le 1360 ]'
e2=$(ik_ipsec_counter a encaps) d2=$(ik_ipsec_counter a decaps)
read -r sib sip sob sop <<<"$(sw_child_counters b net)"
read -r gtx grx gdrop <<<"$(gre_stats)"
u=$(($(udp_rcvbuf_errors b) - u0))
scn_log "A: after TCP: ikesh encaps $e2 decaps $d2; strongSwan in $sip pkts/$sib B, out $sop pkts/$sob B; UDP receive-buffer drops on b: $u; gre-endpoint tx $gtx rx $grx dropped $gdrop"
check "A: TCP: ikesh encaps+decaps grew by >= 6000 (2 x 4 MiB / 1348)" eval '[ $((e2 + d2 - e1 - d1)) -ge 6000 ]'
check "A: strongSwan out packets ($sop) = ikesh decaps ($d2) (+-1 %)" near "$sop" "$d2" $((d2 / 100 + 2))
check "A: strongSwan in packets ($sip) + UDP drops on b ($u) = ikesh encaps ($e2) (+-1 %)" \
	near $((sip + u)) "$e2" $((e2 / 100 + 2))
check "A: gre-endpoint rx ($grx) = strongSwan in ($sip), tx ($gtx) = strongSwan out ($sop) (+-2)" \
	eval 'near "$grx" "$sip" 2 && near "$gtx" "$sop" 2'
check "A: strongSwan in/out octets ($sib/$sob) >= 4 MiB" eval '[ "$sib" -ge 4194304 ] && [ "$sob" -ge 4194304 ]'
check "A: gre-endpoint dropped nothing ($gdrop)" eval '[ "$gdrop" = 0 ]'

# ---- show crypto ipsec sa detail parses with the ntc template
ik a "show crypto ipsec sa detail" >"$SCN_DIR/ipsec-sa-detail.txt"
rows=$($PY "$PARSE" "$TPL/cisco_ios_show_crypto_ipsec_sa_detail.textfsm" <"$SCN_DIR/ipsec-sa-detail.txt" 2>&1) || rows=""
spis=$(sw_child_spis b net)
spi_in=$(printf '%s\n' "${spis%% *}" | sed 's/^0*//')	# swanctl pads to 8 digits, IOS does not
check "A: show crypto ipsec sa detail parses (2 SAs, Tunnel0, prot 47 identities, peer 192.0.2.2 port 4500, Tunnel, SPI)" eval '
	[ "$(printf "%s\n" "$rows" | grep -c "\"SA_SPI_HEX\"")" -eq 2 ] &&
	printf "%s\n" "$rows" | qgrep "\"INTERFACE\": \"Tunnel0\"" &&
	printf "%s\n" "$rows" | qgrep "\"LOCAL_IDENT_PROT\": \"47\"" &&
	printf "%s\n" "$rows" | qgrep "\"REMOTE_IDENT_ADDR\": \"192.0.2.2\"" &&
	printf "%s\n" "$rows" | qgrep "\"CURRENT_PEER\": \"192.0.2.2\"" &&
	printf "%s\n" "$rows" | qgrep "\"PORT\": \"4500\"" &&
	printf "%s\n" "$rows" | qgrep "\"SA_IN_USE_SETTINGS\": \"Tunnel UDP-Encaps\"" &&
	printf "%s\n" "$rows" | qgrep -i "\"SA_SPI_HEX\": \"0x$spi_in\"" &&
	printf "%s\n" "$rows" | qgrep "\"PKTS_ENCAPS\": \"[1-9][0-9]*\""'

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
check "A: the new CHILD_SA: Tunnel mode, protocol-47 identities, GRE selectors on strongSwan" \
	eval 'tunnel_mode_gre A-rekeyed && sw_gre_child'
check "A: traffic through the new SAs both ways" eval 'ping_ok la 203.0.113.2 3 && ping_ok lb 198.51.100.2 3'
ik_stop a
sw b --terminate --ike s2s --force >/dev/null 2>&1
wait_until 5 sw_no_sas b || fail "A: strongSwan SA removed after ikesh stopped"

# ================================================================ B
ikesh_conf "$SCN_DIR/a-B.cfg" " responder-only
 set security-association lifetime kilobytes 2560"
ik_start a "$SCN_DIR/a-B.cfg"
wait_until 10 nsx a ip link show Tu0 || true
sw_initiate b net s2s || fail "B: swanctl --initiate"
wait_until 10 sw_s2s_up || die "B: SA up on both sides (strongSwan initiator)"
pass "B: strongSwan initiated; READY / ESTABLISHED, CHILD SPIs mirrored"
check "B: ikesh is the responder" ik_sa_has a 192.0.2.2 "Initiator of SA : No"
check "B: ikesh: Tunnel mode, protocol-47 identities" tunnel_mode_gre B
check "B: ikesh's CHILD SA has the 2560 KB lifetime" \
	eval 'ik a "show crypto ipsec sa" | qgrep "remaining key lifetime (k/sec): (25[0-9][0-9]/"'
wait_until 5 ping_ok la 203.0.113.2 || true
pings_both_ways B
tcp_both_ways B $((1024 * 1024))
sw_s2s_settle B || true

# ---- ikesh rekeys (kilobyte lifetime) while 4000 x 1300 octets go each way
spi0=$(ik_out_spi a)
spis0=$(sw_child_spis b net)
mb=$(sw_mark b)
read -r sent recv <<<"$(ping_loss la 203.0.113.2 -c 4000 -i 0.002 -s 1300 -W 1)"
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
# the rekey of a tunnel-mode SA must not ask for transport mode (RFC 7296
# 1.3.1: USE_TRANSPORT_MODE only when transport is wanted); strongSwan,
# configured for tunnel mode, would ignore it, another peer might not
check "B: ikesh's rekey requests keep tunnel mode (no USE_TRANSPORT_MODE notify)" \
	eval '! sw_log_has b "$mb" "parsed CREATE_CHILD_SA request [0-9]+ \[ N\(REKEY_SA\).*N\(USE_TRANSP\)"'
check "B: the rekeyed CHILD_SA: Tunnel mode, protocol-47 identities, GRE selectors on strongSwan" \
	eval 'tunnel_mode_gre B-rekeyed && sw_gre_child'
read -r gtx grx gdrop <<<"$(gre_stats)"
scn_log "B: gre-endpoint tx $gtx rx $grx dropped $gdrop"
check "B: gre-endpoint dropped nothing ($gdrop)" eval '[ "$gdrop" = 0 ]'
ik_stop a
check "ikesh: no sanitizer report" eval '! grep -qE "Sanitizer|runtime error:" "$(ik_logfile a)"'

scn_finish
