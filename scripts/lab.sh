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
# address from the hub's pool (198.18.0.0/24) and the hub's routes; the hub
# clones Virtual-Template1 into one Virtual-Access per spoke (TUN device ViN)
# and learns the spoke's LAN.  On the hub try:
#   show crypto session / show crypto ikev2 sa detailed / show ip route
#   show interfaces virtual-access 1 / show ip local pool / show crypto ipsec sa
# From another terminal (while the lab runs):
#   ip netns exec lab-spoke1 ping -I 203.0.113.1 198.51.100.1
#   ip netns exec lab-spoke1 ping -I 203.0.113.1 203.0.113.65
#   ./scripts/lab.sh attach spoke1          # the console of a spoke
#
# Usage: scripts/lab.sh [start]     build the lab and attach to the hub (a
#                                   pipe works too: echo "show crypto session" | scripts/lab.sh)
#        scripts/lab.sh check       build the lab, show the sessions, ping
#                                   through it, tear it down; exit 0 when all worked
#        scripts/lab.sh attach NODE  attach to hub|spoke1|spoke2 of a running lab
#        scripts/lab.sh down         tear a left-over lab down
# Environment: IKESH (default build/ikesh), LAB_PREFIX (namespace prefix,
# default "lab"), LAB_STATE (default /run/ikesh-$LAB_PREFIX), LAB_WAIT
# (seconds to wait for the tunnels, default 30).
set -eu -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
IKESH=${IKESH:-$top/build/ikesh}
PFX=${LAB_PREFIX:-lab}
STATE=${LAB_STATE:-/run/ikesh-$PFX}
WAIT=${LAB_WAIT:-30}
NODES="hub spoke1 spoke2"
declare -A WAN=([hub]=192.0.2.1 [spoke1]=192.0.2.11 [spoke2]=192.0.2.12)
declare -A LAN=([hub]=198.51.100.1/24 [spoke1]=203.0.113.1/26 [spoke2]=203.0.113.65/26)

say() { printf 'lab: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
ns() { echo "$PFX-$1"; }
sock() { echo "$STATE/$1.sock"; }
vty() { "$IKESH" --socket "$(sock "$1")" -c "$2" 2>/dev/null; }
nsx() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }

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
	# anything else still inside the lab's namespaces was started by it
	for n in $NODES wan; do
		for pid in $(ip netns pids "$(ns "$n")" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null || true
		done
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

sessions_up() { vty hub "show crypto session" | grep -c "Session status: UP-ACTIVE" || true; }

# Build the lab and wait for both spokes; 0 when both came up.
up() {
	[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
	[ -x "$IKESH" ] || "$top/scripts/build.sh" "$(dirname "$IKESH")" >/dev/null
	ip netns list | grep -q "^$PFX-hub\b" && die "a lab is already running ($0 attach hub, or $0 down)"
	mkdir -p "$STATE"
	trap down EXIT
	trap 'exit 130' INT TERM
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
	say "hub and two spokes started; waiting for the tunnels (up to $WAIT s)"
	local i up=0
	for ((i = 0; i < WAIT * 2; i++)); do
		up=$(sessions_up)
		[ "$up" -ge 2 ] && break
		sleep 0.5
	done
	if [ "$up" -ge 2 ]; then
		say "both spokes are up"
		return 0
	fi
	say "only $up of 2 spokes came up; logs in $STATE/*.log"
	return 1
}

start() {
	up || true
	say "you are on the hub's vty; 'exit' ends the lab"
	"$IKESH" connect --socket "$(sock hub)" || true
}

# check: what a person would look at, asserted
ok=0
bad=0
step() { # DESC CMD...
	local d=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ok    $d"
		ok=$((ok + 1))
	else
		echo "FAIL  $d"
		bad=$((bad + 1))
	fi
}
retry() { # TRIES CMD...: CMD succeeds within TRIES half-second attempts
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.5
	done
	return 1
}
has_va() { vty hub "show crypto session" | grep -q "^Interface: Virtual-Access$1$"; }
hub_lan_route() { vty hub "show ip route" | grep -Eq "S +$1 is directly connected, Virtual-Access"; }
ping_from() { nsx "$1" ping -q -c 1 -W 1 -I "$2" "$3"; }

check() {
	up || true
	echo "hub# show crypto session"
	vty hub "show crypto session" || true
	step "two sessions UP-ACTIVE on the hub" test "$(sessions_up)" -ge 2
	step "hub: Interface: Virtual-Access1 and Virtual-Access2" eval "has_va 1 && has_va 2"
	step "hub: TUN devices Vi1 and Vi2" eval "nsx hub ip link show Vi1 && nsx hub ip link show Vi2"
	local s a
	for s in spoke1 spoke2; do
		a=$(nsx "$s" ip -o -4 addr show dev Tu0 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4 }')
		step "$s: pool address on Tu0 (${a:-none})" eval "[[ '$a' == 198.18.0.* ]]"
		eval "POOL_$s=\$a"
	done
	step "hub: learnt both spoke LANs" retry 10 eval "hub_lan_route 203.0.113.0 && hub_lan_route 203.0.113.64"
	step "ping spoke1 LAN -> hub LAN" retry 10 ping_from spoke1 203.0.113.1 198.51.100.1
	step "ping spoke2 LAN -> hub LAN" retry 10 ping_from spoke2 203.0.113.65 198.51.100.1
	step "ping spoke1 LAN -> spoke2 LAN via the hub" retry 10 ping_from spoke1 203.0.113.1 203.0.113.65
	step "ping spoke1 -> spoke2 pool addresses via the hub" \
		retry 10 ping_from spoke1 "${POOL_spoke1:-0.0.0.0}" "${POOL_spoke2:-0.0.0.0}"
	echo "lab check: $ok ok, $bad failed"
	[ "$bad" -eq 0 ]
}

case "${1:-start}" in
start) start ;;
check) check ;;
attach) [ -S "$(sock "${2:-hub}")" ] || die "no running lab node '${2:-hub}'"
	exec "$IKESH" connect --socket "$(sock "${2:-hub}")" ;;
down) down ;;
*) die "usage: $0 [start | check | attach NODE | down]" ;;
esac
