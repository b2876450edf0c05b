#!/usr/bin/env bash
# FlexVPN hub and spokes, all ikesh, with the userspace data plane:
#
#   la 198.51.100.2 -- lan0 198.51.100.1  hub 192.0.2.1   Virtual-Template1 -> Virtual-Access1..3
#                                           |  WAN bridge
#        s1 192.0.2.11           s2 192.0.2.12           s3 192.0.2.13
#        LAN 203.0.113.1/26      LAN 203.0.113.65/26     LAN 203.0.113.129/26 (on lo)
#
# Each spoke is a FlexVPN client (Tunnel0, tunnel destination dynamic, ip
# address negotiated) and gets a pool address (198.18.0.10-12) and the
# hub's routes (hub LAN, the spokes' 203.0.113.0/24 summary, the pool).
# Checks: pool address on Tu0 and the pushed routes in Linux on every
# spoke; on the hub 3 UP-ACTIVE sessions on Virtual-Access1..3 (`show crypto
# session`), their TUNs Vi1..3 and the routes to the spokes in Linux; the
# spokes' LANs learnt by the hub (each spoke's CFG_SET) and routed via
# its Virtual-Access in Linux; pings spoke LAN -> hub LAN host and spoke
# LAN -> spoke LAN through the hub, and between pool addresses; both
# sides' ESP counters; then s3 is killed (SIGKILL)
# and the hub's DPD (dpd 10 2 periodic, the IOS minimum) removes its
# session: Virtual-Access, TUN, pool lease, routes.
#
# usage: flexvpn_hub_spokes.sh IKESH SRCDIR   (root)
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
. "$SRC/tests/scenario/lib/traffic.sh"
. "$SRC/tests/scenario/lib/flexvpn.sh"
scn_init flexvpn_hub_spokes "${1:-}" "$SRC"
ik_require

SPOKES="s1 s2 s3"
declare -A WAN=([s1]=192.0.2.11 [s2]=192.0.2.12 [s3]=192.0.2.13)
declare -A LANA=([s1]=203.0.113.1 [s2]=203.0.113.65 [s3]=203.0.113.129)
declare -A LANNET=([s1]=203.0.113.0 [s2]=203.0.113.64 [s3]=203.0.113.128)

topo_up hub=192.0.2.1 s1=192.0.2.11 s2=192.0.2.12 s3=192.0.2.13
lan_up la hub 198.51.100.2 198.51.100.1
for s in $SPOKES; do topo_lan "$s" "${LANA[$s]}"; done
nsx s1 ip link set wan0 mtu 1400

fv_hub_conf "$SCN_DIR/hub.cfg" ROUTES=" permit 198.51.100.0 0.0.0.255
 permit 203.0.113.0 0.0.0.255
 permit 198.18.0.0 0.0.0.255"
ik_start hub "$SCN_DIR/hub.cfg"

# one spoke after the other: s1 -> Virtual-Access1 / 198.18.0.10, ...
declare -A POOL
n=0
for s in $SPOKES; do
	fv_spoke_conf "$SCN_DIR/$s.cfg" HOST="${s^^}" ID="$s.example.net" WAN="${WAN[$s]}" \
		LAN="${LANA[$s]}" LANNET="${LANNET[$s]}"
	ik_start "$s" "$SCN_DIR/$s.cfg"
	want=198.18.0.$((10 + n))
	check "$s: pool address $want on Tu0" wait_until 20 eval "[ \"\$(fv_tun_addr $s)\" = $want ]"
	POOL[$s]=$(fv_tun_addr "$s")
	n=$((n + 1))
done

for s in $SPOKES; do
	check "$s: show crypto ikev2 client flexvpn: ACTIVE, ${POOL[$s]}" \
		eval "ik $s 'show crypto ikev2 client flexvpn' | qgrep -E 'Assigned ip address: +${POOL[$s]//./\\.}'"
	check "$s: Linux routes to the hub LAN and the other spokes via Tu0" \
		eval "fv_linux_route $s 198.51.100.0/24 Tu0 && fv_linux_route $s 203.0.113.0/24 Tu0"
done

check "hub: show crypto session: 3 sessions UP-ACTIVE" \
	wait_until 5 eval '[ "$(fv_sessions hub)" -eq 3 ]'
i=1
for s in $SPOKES; do
	va=$(fv_va_of hub "${WAN[$s]}")
	check "hub: $s on Virtual-Access$i (show crypto session)" test "$va" = "Virtual-Access$i"
	check "hub: TUN Vi$i, route ${POOL[$s]} dev Vi$i in Linux" \
		wait_until 5 fv_linux_route hub "${POOL[$s]}" "Vi$i"
	i=$((i + 1))
done
check "hub: show interfaces virtual-access 1: up/up" \
	qgrep -E '^Virtual-Access1 is up, line protocol is up' <(ik hub "show interfaces virtual-access 1")
check "hub: Vi1 MTU 1400 (the template's ip mtu)" test "$(nsx hub cat /sys/class/net/Vi1/mtu)" = 1400
# a spoke's tunnel has a dynamic destination: its MTU comes from the path
# to the current peer (s1's WAN MTU is 1400) minus the ESP overhead
check "s1: show crypto ipsec sa: path mtu 1400 via GigabitEthernet0/0" \
	qgrep -E 'plaintext mtu 13[0-9][0-9], path mtu 1400, ip mtu 1400, ip mtu idb GigabitEthernet0/0' \
	<(ik s1 "show crypto ipsec sa interface Tunnel0")
pmtu=$(ik s1 "show crypto ipsec sa interface Tunnel0" | sed -n 's/.*plaintext mtu \([0-9]*\),.*/\1/p' | head -n1)
check "s1: Tu0 MTU = the plaintext mtu ($pmtu)" test "$(nsx s1 cat /sys/class/net/Tu0/mtu)" = "$pmtu"

# the spokes' LANs on the hub (each spoke's CFG_SET after IKE_AUTH)
i=1
for s in $SPOKES; do
	check "hub: learnt $s's LAN ${LANNET[$s]}/26 via Virtual-Access$i (show ip route, Linux dev Vi$i)" \
		wait_until 5 eval "ik hub 'show ip route' | qgrep -E 'S +${LANNET[$s]//./\\.}(/26)? is directly connected, Virtual-Access$i' && fv_linux_route hub ${LANNET[$s]}/26 Vi$i"
	i=$((i + 1))
done

check "ping s1 LAN -> hub LAN host" wait_until 10 nsx s1 ping -q -c 1 -W 1 -I 203.0.113.1 198.51.100.2
check "ping s2 LAN -> hub LAN host" wait_until 10 nsx s2 ping -q -c 1 -W 1 -I 203.0.113.65 198.51.100.2
check "ping s1 LAN -> s2 LAN through the hub" \
	wait_until 10 nsx s1 ping -q -c 1 -W 1 -I 203.0.113.1 203.0.113.65
check "ping s3 LAN -> s1 LAN through the hub" \
	wait_until 10 nsx s3 ping -q -c 1 -W 1 -I 203.0.113.129 203.0.113.1
check "ping s1 -> s2 (pool addresses) through the hub" \
	wait_until 10 nsx s1 ping -q -c 1 -W 1 -I "${POOL[s1]}" "${POOL[s2]}"
# both sides count: the hub's Virtual-Access2 decrypted what s2 sent
check "hub: Virtual-Access2 decapsulated packets (show crypto ipsec sa)" \
	test "$(ik_ipsec_counter hub decaps Virtual-Access2)" -ge 1
check "s2: Tunnel0 encapsulated packets" test "$(ik_ipsec_counter s2 encaps Tunnel0)" -ge 1

# s3 dies without a word: the hub's DPD must find out
va3=$(fv_va_of hub 192.0.2.13)
t0=$(date +%s)
ik_save_log s3
{ stop_pid "$(ik_pid s3)" KILL; } 2>/dev/null
scn_log "s3 killed (SIGKILL); waiting for the hub's DPD"
s3_gone() { [ -z "$(fv_va_of hub 192.0.2.13)" ]; }
check "hub: s3's session gone after DPD" wait_until 50 s3_gone
scn_log "hub removed s3's session after $(($(date +%s) - t0)) s"
check "hub: $va3 removed (show ip interface brief)" \
	_scn_not qgrep "^$va3 " <(ik hub "show ip interface brief")
check "hub: TUN Vi3 removed" eval "! nsx hub ip link show Vi3 >/dev/null 2>&1"
check "hub: pool address ${POOL[s3]} released" \
	_scn_not qgrep -F "${POOL[s3]} " <(ik hub "show ip local pool SPOKE-POOL")
check "hub: routes via $va3 removed (show ip route)" _scn_not qgrep "$va3" <(ik hub "show ip route")
check "hub: Linux routes via Vi3 removed" _scn_not qgrep 'dev Vi3' <(nsx hub ip route)
check "hub: 2 sessions left UP-ACTIVE" test "$(fv_sessions hub)" -eq 2
check "ping s1 -> s2 still works" wait_until 5 nsx s1 ping -q -c 1 -W 1 -I "${POOL[s1]}" "${POOL[s2]}"

scn_finish
