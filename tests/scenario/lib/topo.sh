# Topology helpers (sourced; needs lib/common.sh).
#
# A WAN "switch": one namespace ($SCN_P-wan) holding a bridge; every node is
# a namespace $SCN_P-NODE with one veth "wan0" plugged into that bridge.
#
#     NODE a            NODE b            NODE c ...
#   wan0 192.0.2.1    wan0 192.0.2.2    wan0 192.0.2.3
#        |                 |                 |
#   [-------------- br0 in $SCN_P-wan ---------------]
#
# Optional LAN address: topo_lan NODE 198.51.100.1 (a /32 on the node's lo).
#
# Only RFC 5737 documentation ranges are used: WAN 192.0.2.0/24, LANs
# 198.51.100.0/24 and 203.0.113.0/24.  Nothing leaves these namespaces: the
# bridge namespace has no other interface and no routes.

ns_of() { echo "$SCN_P-$1"; }

# nsx NODE CMD...   run CMD inside NODE's namespace
nsx() {
	local n=$1
	shift
	ip netns exec "$(ns_of "$n")" "$@"
}

_topo_check_addr() {
	case "$1" in
	192.0.2.* | 198.51.100.* | 203.0.113.*) ;;
	*) die "topology: address $1 is outside 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24" ;;
	esac
}

# topo_up NODE=ADDR...   e.g. topo_up a=192.0.2.1 b=192.0.2.2
topo_up() {
	local hub spec node addr ns
	command -v ping >/dev/null || die "ping not installed (apt-get install iputils-ping)"
	hub=$(ns_of wan)
	ip netns add "$hub" || die "cannot create namespace $hub"
	scn_track_netns "$hub"
	ip -n "$hub" link set lo up
	ip -n "$hub" link add br0 type bridge || die "cannot create bridge in $hub"
	ip -n "$hub" link set br0 up
	for spec in "$@"; do
		node=${spec%%=*}
		addr=${spec#*=}
		_topo_check_addr "$addr"
		ns=$(ns_of "$node")
		ip netns add "$ns" || die "cannot create namespace $ns"
		scn_track_netns "$ns"
		ip -n "$ns" link set lo up
		ip link add wan0 netns "$ns" type veth peer name "p-$node" netns "$hub" ||
			die "cannot create veth for $node"
		ip -n "$hub" link set "p-$node" master br0
		ip -n "$hub" link set "p-$node" up
		ip -n "$ns" addr add "$addr/24" dev wan0
		ip -n "$ns" link set wan0 up
		ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.default.rp_filter=0
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.wan0.rp_filter=0
		eval "ADDR_$node=$addr"
	done
	# wait for the links (veth carrier + bridge forwarding; no STP) and
	# check every node reaches every other one
	for spec in "$@"; do
		node=${spec%%=*}
		for other in "$@"; do
			[ "$other" = "$spec" ] && continue
			wait_until 5 nsx "$node" ping -c1 -W1 "${other#*=}" ||
				die "topology: $node cannot ping ${other#*=}"
		done
	done
	scn_log "topology up: $* (bridge in $hub)"
}

# topo_lan NODE ADDR   a LAN address (/32 on lo: this kernel has no dummy
# interfaces) so that NODE owns an address inside its traffic selector and
# can source LAN-to-LAN pings from it (ping -I ADDR)
topo_lan() {
	local node=$1 a=${2%/*}
	_topo_check_addr "$a"
	ip -n "$(ns_of "$node")" addr add "$a/32" dev lo || die "cannot add $a to $node"
}

# topo_cut NODE / topo_heal NODE: take NODE's WAN link down / up (from the
# bridge side, so the node itself sees no change)
topo_cut() { ip -n "$(ns_of wan)" link set "p-$1" down; }
topo_heal() { ip -n "$(ns_of wan)" link set "p-$1" up; }
