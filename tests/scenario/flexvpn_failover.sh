#!/usr/bin/env bash
# FlexVPN client failover between two ikesh hubs:
#
#   h1 192.0.2.1 (pool 198.18.0.10-20)    h2 192.0.2.2 (pool 198.18.0.30-40)
#   Loopback0 198.51.100.1                Loopback0 198.51.100.1 (the "same" LAN)
#                    \       WAN bridge      /
#                     c 192.0.2.11  FlexVPN client: peer 1 192.0.2.1, peer 2 192.0.2.2
#
# The client connects to h1 (its first peer), pings 198.51.100.1 through
# the tunnel; h1 is killed (SIGKILL: no Delete, the client's DPD must find
# out: dpd 10 2 periodic, the IOS minimum); the client moves to h2, gets
# an address from h2's pool and the ping through the tunnel resumes.  The
# failover time (kill -> first ping answered through h2) is printed; the
# only bound is a generous 60 s.  Both sides are checked: the client's
# `show crypto ikev2 client flexvpn` (current peer, address), h2's `show
# crypto session` (Virtual-Access1 UP-ACTIVE), h2's TUN and route.
#
# usage: flexvpn_failover.sh IKESH SRCDIR   (root)
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
. "$SRC/tests/scenario/lib/flexvpn.sh"
scn_init flexvpn_failover "${1:-}" "$SRC"
ik_require

topo_up h1=192.0.2.1 h2=192.0.2.2 c=192.0.2.11
topo_lan h1 198.51.100.1
topo_lan h2 198.51.100.1
topo_lan c 203.0.113.1

fv_hub_conf "$SCN_DIR/h1.cfg" HOST=HUB1 HOST_ID=hub1.example.net WAN=192.0.2.1 \
	POOL="198.18.0.10 198.18.0.20"
fv_hub_conf "$SCN_DIR/h2.cfg" HOST=HUB2 HOST_ID=hub2.example.net WAN=192.0.2.2 \
	POOL="198.18.0.30 198.18.0.40"
fv_spoke_conf "$SCN_DIR/c.cfg" HOST=CLIENT ID=client.example.net WAN=192.0.2.11 \
	LAN=203.0.113.1 LANNET=203.0.113.0 PEERS="  peer 1 192.0.2.1
  peer 2 192.0.2.2"
ik_start h1 "$SCN_DIR/h1.cfg"
ik_start h2 "$SCN_DIR/h2.cfg"
ik_start c "$SCN_DIR/c.cfg"

client_on() { # PEER ADDR: the client's current peer and address
	local out
	out=$(ik c "show crypto ikev2 client flexvpn") || return 1
	# the reason for leaving a peer is shown until the next one is up
	printf '%s\n' "$out" | qgrep -E '^Last event: peer 192\.0\.2\.1 stopped answering \(DPD\)' &&
		saw_dpd=1
	printf '%s\n' "$out" | qgrep -E "^Current state: ACTIVE" &&
		printf '%s\n' "$out" | qgrep -E "^Peer : ${1//./\\.}$" &&
		[ "$(fv_tun_addr c)" = "$2" ]
}
ping_lan() { nsx c ping -q -c 1 -W 1 198.51.100.1 >/dev/null 2>&1; }

check "client: ACTIVE on h1 (peer 1) with 198.18.0.10 on Tu0" wait_until 20 client_on 192.0.2.1 198.18.0.10
check "h1: show crypto session: Virtual-Access1 UP-ACTIVE" \
	wait_until 5 eval '[ "$(fv_va_of h1 192.0.2.11)" = Virtual-Access1 ] && [ "$(fv_sessions h1)" -eq 1 ]'
check "h2: no session" test "$(fv_sessions h2 UP-ACTIVE)" -eq 0
check "ping 198.51.100.1 through the tunnel to h1" wait_until 10 ping_lan
check "h1 decrypted the pings (Virtual-Access1)" test "$(ik_ipsec_counter h1 decaps Virtual-Access1)" -ge 1

t0=$(date +%s%N)
ik_save_log h1
{ stop_pid "$(ik_pid h1)" KILL; } 2>/dev/null
scn_log "h1 killed (SIGKILL); pinging until h2 answers"
ok=0
saw_dpd=0
while [ $((($(date +%s%N) - t0) / 1000000000)) -lt 60 ]; do
	if client_on 192.0.2.2 198.18.0.30 && ping_lan; then
		ok=1
		break
	fi
	sleep 0.5
done
ms=$((($(date +%s%N) - t0) / 1000000))
if [ $ok = 1 ]; then
	pass "failover to h2: ping through the tunnel resumed $((ms / 1000)).$((ms % 1000 / 100)) s after h1 was killed"
else
	fail "no ping through h2 within 60 s of killing h1"
fi
echo "FAILOVER-TIME $((ms / 1000)).$((ms % 1000 / 100)) s"
check "client: ACTIVE on h2 (peer 2) with 198.18.0.30" client_on 192.0.2.2 198.18.0.30
check "client: Linux route to h2's LAN via Tu0" fv_linux_route c 198.51.100.0/24 Tu0
check "client: h1 declared dead (%IKEV2-5-SA_DOWN ... DPD: peer not responding)" \
	qgrep -E 'SA DOWN: Local 192\.0\.2\.11:[0-9]+ Remote 192\.0\.2\.1:[0-9]+, DPD: peer not responding' \
	<(ik c "show logging")
[ $saw_dpd = 1 ] && pass "client: showed 'Last event: peer 192.0.2.1 stopped answering (DPD)' while moving"
check "h2: show crypto session: Virtual-Access1 UP-ACTIVE for the client" \
	eval '[ "$(fv_va_of h2 192.0.2.11)" = Virtual-Access1 ] && [ "$(fv_sessions h2)" -eq 1 ]'
check "h2: TUN Vi1 with the route to 198.18.0.30" fv_linux_route h2 198.18.0.30 Vi1
check "h2 decrypted the pings (Virtual-Access1)" test "$(ik_ipsec_counter h2 decaps Virtual-Access1)" -ge 1

scn_finish
