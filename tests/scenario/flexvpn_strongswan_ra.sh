#!/usr/bin/env bash
# FlexVPN server: strongSwan as a remote-access client (vips = 0.0.0.0,
# PSK) connects to the ikesh hub:
#
#   la 198.51.100.2 -- 198.51.100.1 a 192.0.2.1 == WAN == 192.0.2.2 b
#                       ikesh hub (Virtual-Template1,       strongSwan RA client
#                       pool 198.18.0.10-.20)               (kernel-libipsec)
#
# Checks: strongSwan gets 198.18.0.10 and the hub LAN as its selector, the
# DNS server in the CFG_REPLY;
# ikesh shows the session (Assigned host addr / Remote subnets), the pool
# lease, Virtual-Access1 (up, in show ip interface brief, not in the
# running-config, show derived-config), the route to the client via it;
# the data plane: a TUN device Vi1 with the session route in Linux,
# `show crypto session` naming Virtual-Access1, a ping from the client's
# address to a host on the hub LAN, counted on Virtual-Access1;
# swanctl --terminate removes the interface, the TUN, the routes and the
# lease.
#
# usage: flexvpn_strongswan_ra.sh IKESH SRCDIR   (root)
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
. "$SRC/tests/scenario/lib/traffic.sh"
scn_init flexvpn_strongswan_ra "${1:-}" "$SRC"
sw_require
ik_require

topo_up a=192.0.2.1 b=192.0.2.2
lan_up la a 198.51.100.2 198.51.100.1

PSK=flexvpn-ra-psk-0123456789
cat >"$SCN_DIR/hub.cfg" <<EOF
hostname HUB
aaa new-model
aaa authorization network FLEX local
crypto ikev2 authorization policy RA
 pool RA-POOL
 dns 198.51.100.53
 def-domain example.net
 route set access-list HUB-LAN
crypto ikev2 proposal P
 encryption aes-gcm-256
 prf sha384
 group 20
crypto ikev2 policy POL
 proposal P
crypto ikev2 profile FLEX-SERVER
 match identity remote fqdn domain example.net
 identity local fqdn hub.example.net
 authentication remote pre-share key $PSK
 authentication local pre-share key $PSK
 aaa authorization group psk list FLEX RA
 virtual-template 1
crypto ipsec transform-set TS esp-gcm 256
 mode tunnel
crypto ipsec profile FLEX-IPSEC
 set transform-set TS
 set ikev2-profile FLEX-SERVER
 responder-only
interface Loopback0
 ip address 198.51.100.1 255.255.255.0
interface GigabitEthernet0/0
 ip address 192.0.2.1 255.255.255.0
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
 tunnel source GigabitEthernet0/0
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile FLEX-IPSEC
ip local pool RA-POOL 198.18.0.10 198.18.0.20
ip access-list standard HUB-LAN
 permit 198.51.100.0 0.0.0.255
end
EOF

cat >"$SCN_DIR/ra.conf" <<EOF
connections {
    ra {
        version = 2
        local_addrs = 192.0.2.2
        remote_addrs = 192.0.2.1
        encap = yes
        proposals = aes256gcm16-prfsha384-ecp384
        vips = 0.0.0.0
        keyingtries = 1
        rand_time = 0s
        local {
            auth = psk
            id = ra1.example.net
        }
        remote {
            auth = psk
            id = hub.example.net
        }
        children {
            lan {
                local_ts = dynamic
                remote_ts = 0.0.0.0/0
                esp_proposals = aes256gcm16
                start_action = none
                close_action = none
            }
        }
    }
}
secrets {
    ike-ra {
        id-a = ra1.example.net
        id-b = hub.example.net
        secret = "$PSK"
    }
}
EOF

sw_vip() { sw b --list-sas 2>/dev/null | qgrep -E "@ 192\.0\.2\.2\[[0-9]+\] \[198\.18\.0\.10\]"; }
va_gone() { ! ik a "show ip interface brief" | qgrep "^Virtual-Access1 "; }
lease_held() { ik a "show ip local pool RA-POOL" | qgrep -E "198\.18\.0\.10 .*ra1\.example\.net"; }

SW_LOG="cfg=2" sw_start b "$SCN_DIR/ra.conf"
ik_start a "$SCN_DIR/hub.cfg"

# the scenario's charon installs no virtual IP (install_virtual_ip = no),
# but kernel-libipsec wants its CHILD_SA source to be a local address: the
# address the hub will hand out (the pool's first) is put on lo beforehand
nsx b ip addr add 198.18.0.10/32 dev lo
ma=$(sw_mark b)
check "swanctl --initiate (RA with a virtual IP) succeeds" sw_initiate b lan ra
check "strongSwan: IKE ESTABLISHED" wait_until 10 sw_ike_established b ra
check "strongSwan: virtual IP 198.18.0.10 from the hub's pool" sw_vip
check "strongSwan: IKE_AUTH response carries CFG_REPLY with address and DNS" \
	sw_log_has b "$ma" 'parsed IKE_AUTH response .*CPRP\(ADDR DNS'
check "strongSwan: CHILD_SA 198.18.0.10/32 === 0.0.0.0/0 (narrowed to its address)" \
	sw_log_has b "$ma" 'CHILD_SA lan\{[0-9]+\} established .* TS 198\.18\.0\.10/32 === 0\.0\.0\.0/0'

check "ikesh: Assigned host addr 198.18.0.10" ik_sa_detail_has a 'Assigned host addr: 198\.18\.0\.10'
check "ikesh: Remote subnets lists the client's address" \
	ik_sa_detail_has a '198\.18\.0\.10 255\.255\.255\.255'
check "ikesh: show ip local pool: 198.18.0.10 held by ra1.example.net" lease_held
check "ikesh: Virtual-Access1 up" \
	qgrep -E '^Virtual-Access1 is up, line protocol is up' <(ik a "show interfaces virtual-access 1")
check "ikesh: Virtual-Access1 in show ip interface brief" \
	qgrep -E '^Virtual-Access1 +198\.51\.100\.1 ' <(ik a "show ip interface brief")
check "ikesh: no Virtual-Access in the running-config" \
	_scn_not qgrep Virtual-Access <(ik a "show running-config")
check "ikesh: derived config of Virtual-Access1" \
	qgrep -E '^ tunnel destination 192\.0\.2\.2$' <(ik a "show derived-config interface virtual-access 1")
check "ikesh: route to the client via Virtual-Access1" \
	qgrep -E 'S +198\.18\.0\.10 is directly connected, Virtual-Access1' <(ik a "show ip route")

# the data plane: a TUN Vi1 with the template's address (ip unnumbered
# Loopback0), the session route in Linux, show crypto session names it
vi1_up() { nsx a ip -o addr show dev Vi1 | qgrep 'inet 198\.51\.100\.1/32' && nsx a ip -o link show Vi1 | qgrep ',UP'; }
check "ikesh: TUN Vi1 up with 198.51.100.1/32" wait_until 5 vi1_up
check "ikesh: Linux route 198.18.0.10 dev Vi1" \
	wait_until 5 eval "nsx a ip route show 198.18.0.10 | qgrep 'dev Vi1'"
check "ikesh: show crypto session: Interface: Virtual-Access1, UP-ACTIVE" \
	qgrep -Pzo 'Interface: Virtual-Access1\nProfile: FLEX-SERVER\nSession status: UP-ACTIVE\nPeer: 192\.0\.2\.2 port 4500' \
	<(ik a "show crypto session")
# the route to the hub LAN through the client's TUN (routing_table = 0:
# charon's own route may live elsewhere)
nsx b ip route replace 198.51.100.0/24 dev ipsec0 src 198.18.0.10 2>/dev/null
check "ping from the client's address to the hub LAN host" \
	wait_until 10 nsx b ping -q -c 1 -W 1 -I 198.18.0.10 198.51.100.2
check "ikesh: Virtual-Access1 counts the packets (show crypto ipsec sa)" \
	test "$(ik_ipsec_counter a decaps Virtual-Access1)" -ge 1

sw b --terminate --ike ra --timeout 10 >/dev/null 2>&1
check "swanctl --terminate: strongSwan has no SA" wait_until 5 sw_no_sas b
check "ikesh: Virtual-Access1 removed" wait_until 5 va_gone
check "ikesh: lease released" wait_while 5 lease_held
check "ikesh: route removed" \
	_scn_not qgrep Virtual-Access1 <(ik a "show ip route")
check "ikesh: TUN Vi1 and its Linux route removed" \
	wait_until 5 eval "! nsx a ip link show Vi1 >/dev/null 2>&1 && ! nsx a ip route | qgrep 198.18.0.10"

scn_finish
