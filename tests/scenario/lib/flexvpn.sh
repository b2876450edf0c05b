# FlexVPN helpers (sourced; needs common.sh, topo.sh, ikesh.sh).
#
#   fv_hub_conf OUT KEY=VALUE...    render configs/flexvpn-hub.cfg.in
#   fv_spoke_conf OUT KEY=VALUE...  render configs/flexvpn-spoke.cfg.in
#   fv_tun_addr NODE [DEV]          the IPv4 address on the TUN (Tu0) in Linux
#   fv_sessions NODE [STATUS]       how many `show crypto session` blocks of
#                                   Virtual-Access interfaces have STATUS
#                                   (UP-ACTIVE)
#   fv_linux_route NODE PREFIX DEV  Linux has PREFIX via DEV
#
# Pool addresses are handed out by the hub from 198.18.0.0/24 (RFC 2544
# benchmarking range: not a documentation range, but never routed outside
# the scenario's namespaces either).

# fv_hub_conf OUT KEY=VALUE...: defaults HOST=HUB HOST_ID=hub.example.net
# WAN=192.0.2.1 LAN=198.51.100.1 POOL="198.18.0.10 198.18.0.250"
# DPD="10 2 periodic" ROUTES=" permit 198.51.100.0 0.0.0.255"
fv_hub_conf() {
	local out=$1 kv
	shift
	local -A v=(
		[HOST]=HUB [HOST_ID]=hub.example.net [WAN]=192.0.2.1 [LAN]=198.51.100.1
		[POOL]="198.18.0.10 198.18.0.250" [DPD]="10 2 periodic"
		[ROUTES]=" permit 198.51.100.0 0.0.0.255"
	)
	for kv in "$@"; do v[${kv%%=*}]=${kv#*=}; done
	local args=()
	for kv in "${!v[@]}"; do args+=("$kv=${v[$kv]}"); done
	render "$SCN_CONF/flexvpn-hub.cfg.in" "$out" "${args[@]}"
}

# fv_spoke_conf OUT KEY=VALUE...: needs HOST ID WAN LAN LANNET (the /26 of
# LAN); defaults DPD="10 2 periodic" PEERS="  peer 1 192.0.2.1"
# LKEY=spoke-secret RKEY=hub-secret PROFILE_EXTRA=""
fv_spoke_conf() {
	local out=$1 kv
	shift
	local -A v=([DPD]="10 2 periodic" [PEERS]="  peer 1 192.0.2.1" [LKEY]=spoke-secret
		[RKEY]=hub-secret [PROFILE_EXTRA]="")
	for kv in "$@"; do v[${kv%%=*}]=${kv#*=}; done
	local args=()
	for kv in "${!v[@]}"; do args+=("$kv=${v[$kv]}"); done
	render "$SCN_CONF/flexvpn-spoke.cfg.in" "$out" "${args[@]}"
}

fv_tun_addr() {
	nsx "$1" ip -o -4 addr show dev "${2:-Tu0}" 2>/dev/null |
		awk '{ sub(/\/.*/, "", $4); print $4; exit }'
}

fv_sessions() {
	ik "$1" "show crypto session" | awk -v s="${2:-UP-ACTIVE}" '
		/^Interface: Virtual-Access[0-9]+$/ { va = 1; next }
		/^Interface: / { va = 0 }
		va && $0 == "Session status: " s { c++ }
		END { print c + 0 }'
}

fv_linux_route() { nsx "$1" ip -4 route show "$2" 2>/dev/null | qgrep "dev $3\\b"; }

# fv_va_of NODE PEER-IP: the Virtual-Access of the hub's session with that
# peer, from `show crypto session` ("" when none)
fv_va_of() {
	ik "$1" "show crypto session" | awk -v p="$2" '
		/^Interface: / { ifn = $2 }
		/^Peer: / && $2 == p { print ifn; exit }'
}
