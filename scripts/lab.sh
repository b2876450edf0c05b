#!/bin/bash
# The FlexVPN lab: one ikesh hub and two ikesh spokes, each in its own network
# namespace, started with the configs in examples/lab/, and your terminal
# attached to the hub's vty.  Leaving the hub's session (exit) tears it all
# down.  Run it after README command 1 (it builds ikesh if needed); as root.
#
#              lab-hub  GigabitEthernet0/0 192.0.2.1   LAN 198.51.100.1/24
#                 |
#   [ bridge in lab-wan: the "Internet" 192.0.2.0/24 ]
#          |                          |
#   lab-spoke1 192.0.2.11       lab-spoke2 192.0.2.12
#   LAN 203.0.113.1/26          LAN 203.0.113.65/26
#
# The spokes are FlexVPN clients (crypto ikev2 client flexvpn): each gets an
# address from the hub's pool (198.18.0.0/24) and the hub's LAN as a route;
# the hub clones Virtual-Template1 into one Virtual-Access per spoke and
# learns the spoke's LAN.  On the hub try:
#   show crypto session / show crypto ikev2 sa detailed / show ip route
#   show interfaces virtual-access 1 / show ip local pool
# From another terminal (while the lab runs):
#   ip netns exec lab-spoke1 ping -I 203.0.113.1 198.51.100.1
#   ip netns exec lab-spoke1 ping -I 203.0.113.1 203.0.113.65
#   ./scripts/lab.sh attach spoke1          # the console of a spoke
#
# Usage: scripts/lab.sh [start]     build the lab and attach to the hub
#        scripts/lab.sh attach NODE  attach to hub|spoke1|spoke2 of a running lab
#        scripts/lab.sh down         tear a left-over lab down
set -eu -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
IKESH=${IKESH:-$top/build/ikesh}
STATE=${LAB_STATE:-/run/ikesh-lab}
NODES="hub spoke1 spoke2"
declare -A WAN=([hub]=192.0.2.1 [spoke1]=192.0.2.11 [spoke2]=192.0.2.12)
declare -A LAN=([hub]=198.51.100.1/24 [spoke1]=203.0.113.1/26 [spoke2]=203.0.113.65/26)

say() { printf 'lab: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
ns() { echo "lab-$1"; }
sock() { echo "$STATE/$1.sock"; }
vty() { "$IKESH" --socket "$(sock "$1")" -c "$2" 2>/dev/null; }

down() {
	local n pid
	for n in $NODES; do
		pid=$(cat "$STATE/$n.pid" 2>/dev/null) || continue
		kill "$pid" 2>/dev/null && for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -9 "$pid" 2>/dev/null || true
	done
	for n in $NODES wan; do
		ip netns del "$(ns "$n")" 2>/dev/null || true
	done
	rm -rf "$STATE"
}

node_up() { # NODE: namespace, veth into the WAN bridge, WAN + LAN addresses
	local n=$1 nsn
	nsn=$(ns "$n")
	ip netns add "$nsn"
	ip -n "$nsn" link set lo up
	ip link add wan0 netns "$nsn" type veth peer name "p-$n" netns "$(ns wan)"
	ip -n "$(ns wan)" link set "p-$n" master br0 up
	ip -n "$nsn" addr add "${WAN[$n]}/24" dev wan0
	ip -n "$nsn" link set wan0 up
	# the LAN: an address on lo (no extra namespace needed to ping from it)
	ip -n "$nsn" addr add "${LAN[$n]}" dev lo
	ip netns exec "$nsn" sysctl -qw net.ipv4.ip_forward=1
}

start() {
	[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
	[ -x "$IKESH" ] || "$top/scripts/build.sh" "$top/build" >/dev/null
	ip netns list | grep -q '^lab-hub' && die "a lab is already running ($0 attach hub, or $0 down)"
	mkdir -p "$STATE"
	trap down EXIT
	ip netns add "$(ns wan)"
	ip -n "$(ns wan)" link add br0 type bridge
	ip -n "$(ns wan)" link set br0 up
	local n
	for n in $NODES; do
		node_up "$n"
		cp "$top/examples/lab/$n.cfg" "$STATE/$n.cfg"
		ip netns exec "$(ns "$n")" "$IKESH" -f "$STATE/$n.cfg" --no-console \
			--socket "$(sock "$n")" </dev/null >"$STATE/$n.log" 2>&1 &
		echo $! >"$STATE/$n.pid"
	done
	say "hub and two spokes started; waiting for the tunnels (up to 30 s)"
	local i up=0
	for ((i = 0; i < 60; i++)); do
		up=$(vty hub "show crypto session" | grep -c "Session status: UP-ACTIVE" || true)
		[ "$up" -ge 2 ] && break
		sleep 0.5
	done
	if [ "$up" -ge 2 ]; then
		say "both spokes are up. You are on the hub's vty; 'exit' ends the lab."
	else
		say "only $up of 2 spokes came up; logs in $STATE/*.log. Attaching anyway."
	fi
	"$IKESH" connect --socket "$(sock hub)" || true
}

case "${1:-start}" in
start) start ;;
attach) [ -S "$(sock "${2:-hub}")" ] || die "no running lab node '${2:-hub}'"
	exec "$IKESH" connect --socket "$(sock "${2:-hub}")" ;;
down) down ;;
*) die "usage: $0 [start | attach NODE | down]" ;;
esac
