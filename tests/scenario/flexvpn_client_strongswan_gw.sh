#!/usr/bin/env bash
# FlexVPN client against a strongSwan remote-access gateway:
#
#   ikesh FlexVPN client a 192.0.2.1 == WAN == 192.0.2.2 b strongSwan gateway -- lan0 198.51.100.1 -- 198.51.100.2 lb
#   (Tunnel0: tunnel destination dynamic,       (pools: 198.18.1.0/24, local_ts =
#    ip address negotiated)                       198.51.100.0/24, kernel-libipsec)
#
# Checks: both sides have the SA (ikesh READY, strongSwan ESTABLISHED with
# the CHILD_SA INSTALLED and the same SPIs); the client got 198.18.1.1 from
# the gateway's pool (Tu0 in Linux, show crypto ikev2 client flexvpn) and
# the gateway's LAN as a route (the pool's `subnet` attribute, a CFG_REPLY
# INTERNAL_IP4_SUBNET, installed via Tu0); the CHILD_SA is narrowed by the
# gateway to 198.18.1.1/32 === 198.51.100.0/24; the client pings a host on
# the gateway's LAN from its pool address, counted on both sides.
#
# usage: flexvpn_client_strongswan_gw.sh IKESH SRCDIR   (root)
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
. "$SRC/tests/scenario/lib/traffic.sh"
. "$SRC/tests/scenario/lib/flexvpn.sh"
scn_init flexvpn_client_strongswan_gw "${1:-}" "$SRC"
sw_require
ik_require

topo_up a=192.0.2.1 b=192.0.2.2
lan_up lb b 198.51.100.2 198.51.100.1
topo_lan a 203.0.113.1

PSK=flexvpn-gw-psk-0123456789
cat >"$SCN_DIR/gw.conf" <<EOF2
connections {
    rw {
        version = 2
        local_addrs = 192.0.2.2
        proposals = aes256gcm16-prfsha384-ecp384
        pools = rw_pool
        rand_time = 0s
        local {
            auth = psk
            id = gw.example.net
        }
        remote {
            auth = psk
            id = %any
        }
        children {
            net {
                local_ts = 198.51.100.0/24
                esp_proposals = aes256gcm16
            }
        }
    }
}
pools {
    rw_pool {
        addrs = 198.18.1.1-198.18.1.20
        dns = 198.51.100.53
        subnet = 198.51.100.0/24
    }
}
secrets {
    ike-gw {
        secret = "$PSK"
    }
}
EOF2
fv_spoke_conf "$SCN_DIR/client.cfg" HOST=CLIENT ID=client.example.net WAN=192.0.2.1 \
	LAN=203.0.113.1 LANNET=203.0.113.0 PEERS="  peer 1 192.0.2.2" LKEY="$PSK" RKEY="$PSK"

sw_start b "$SCN_DIR/gw.conf"
ik_start a "$SCN_DIR/client.cfg"

# (both_sides_up cannot be used: with a virtual IP swanctl prints it after
# the peer's address)
sas_up() {
	local spis
	ik_sa_ready a 192.0.2.2 && sw_ike_established b rw && sw_child_installed b net || return 1
	spis=$(sw_child_spis b net)
	ik_child_has_spis a 192.0.2.2 "${spis#* } ${spis% *}"
}
check "both sides: IKE SA up, CHILD_SA installed, SPIs mirrored" wait_until 15 sas_up
check "strongSwan: 198.18.1.1 handed to client.example.net" \
	eval "sw b --list-sas | qgrep -E \"remote 'client\\.example\\.net' @ 192\\.0\\.2\\.1\\[[0-9]+\\] \\[198\\.18\\.1\\.1\\]\""
check "strongSwan: CHILD_SA 198.51.100.0/24 === 198.18.1.1/32" \
	eval "sw b --list-sas | qgrep -E 'remote +198\\.18\\.1\\.1/32'"
check "ikesh: Tu0 has 198.18.1.1" wait_until 5 eval '[ "$(fv_tun_addr a)" = 198.18.1.1 ]'
check "ikesh: show crypto ikev2 client flexvpn: Assigned ip address 198.18.1.1" \
	qgrep -E 'Assigned ip address: +198\.18\.1\.1' <(ik a "show crypto ikev2 client flexvpn")
check "ikesh: the gateway LAN routed via Tunnel0 (show ip route)" \
	qgrep -E 'S +198\.51\.100\.0/24 is directly connected, Tunnel0' <(ik a "show ip route")
check "ikesh: Linux route 198.51.100.0/24 dev Tu0" wait_until 5 fv_linux_route a 198.51.100.0/24 Tu0
check "ikesh: CHILD_SA selectors narrowed to 198.18.1.1/32 === 198.51.100.0/24" \
	qgrep -E 'remote ident \(addr/mask/prot/port\): \(198\.51\.100\.0/255\.255\.255\.0/0/0\)' \
	<(ik a "show crypto ipsec sa interface Tunnel0")

# the gateway's way back: kernel-libipsec's TUN (routes are not installed
# by the scenario's charon, routing_table = 0)
nsx b ip route replace 198.18.1.0/24 dev ipsec0
check "ping from the client's pool address to the gateway LAN host" \
	wait_until 10 nsx a ping -q -c 1 -W 1 198.51.100.2
sent=$(ping_loss a 198.51.100.2 -c 5 -i 0.2 -W 1)
check "5 more pings, none lost ($sent)" test "$sent" = "5 5"
check "ikesh: Tunnel0 encaps >= 6 and decaps >= 6" \
	eval '[ "$(ik_ipsec_counter a encaps)" -ge 6 ] && [ "$(ik_ipsec_counter a decaps)" -ge 6 ]'
check "strongSwan: the CHILD_SA counted the packets" \
	eval "sw b --list-sas | qgrep -E 'in +[0-9a-f]+s?,? +[0-9]+ bytes, +([6-9]|[1-9][0-9]+) packets'"

scn_finish
