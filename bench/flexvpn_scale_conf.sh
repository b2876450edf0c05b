# Configuration generators for bench/flexvpn_scale.sh (sourced).
#
# Hub: one ikesh FlexVPN server (Virtual-Template1, pool SCALE-POOL of 1022
# addresses, authorization policy SPOKES, one symmetric PSK for everyone:
# strongSwan cannot do IOS's asymmetric local/remote keys).  Load
# generator: one charon with N remote-access connections sK (identity
# sK.example.net, vips = 0.0.0.0), all started when the file is loaded.

FS_PSK=flexvpn-scale-psk-0123456789

# gen_fs_hub [DPD] > startup-config   (DPD e.g. "10 2 periodic"; "" = none)
gen_fs_hub() {
	local dpd=${1:-}
	cat <<EOF
hostname HUB
aaa new-model
aaa authorization network FLEX local
crypto ikev2 authorization policy SPOKES
 pool SCALE-POOL
 dns 198.51.100.53
 def-domain example.net
 route set interface
 route set access-list HUB-ROUTES
crypto ikev2 proposal P
 encryption aes-gcm-256
 prf sha256 sha384
 group 19 20
crypto ikev2 policy POL
 proposal P
crypto ikev2 keyring KEYS
 peer ANY
  address 0.0.0.0 0.0.0.0
  pre-shared-key $FS_PSK
crypto ikev2 profile FLEX-SERVER
 match identity remote fqdn domain example.net
 identity local fqdn hub.example.net
 authentication remote pre-share
 authentication local pre-share
 keyring local KEYS
 aaa authorization group psk list FLEX SPOKES
EOF
	[ -n "$dpd" ] && echo " dpd $dpd"
	cat <<EOF
 virtual-template 1
crypto ipsec transform-set TS esp-gcm 256
 mode tunnel
crypto ipsec profile FLEX-IPSEC
 set transform-set TS
 set ikev2-profile FLEX-SERVER
interface Loopback0
 ip address 198.51.100.1 255.255.255.0
interface GigabitEthernet0/0
 ip address 192.0.2.1 255.255.255.0
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
 tunnel source GigabitEthernet0/0
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile FLEX-IPSEC
ip local pool SCALE-POOL 198.18.0.1 198.18.3.254
ip access-list standard HUB-ROUTES
 permit 198.51.100.0 0.0.0.255
 permit 203.0.113.0 0.0.0.255
 permit 198.18.0.0 0.0.3.255
end
EOF
}

# gen_fs_ra N > swanctl.conf: N remote-access clients s1..sN from 192.0.2.2
gen_fs_ra() {
	local n=$1 i
	echo "connections {"
	for ((i = 1; i <= n; i++)); do cat <<EOF
    s$i {
        version = 2
        local_addrs = 192.0.2.2
        remote_addrs = 192.0.2.1
        encap = yes
        mobike = no
        proposals = aes256gcm16-prfsha256-ecp256
        vips = 0.0.0.0
        keyingtries = 1
        rand_time = 0s
        local { auth = psk
                id = s$i.example.net }
        remote { auth = psk
                 id = hub.example.net }
        children {
            s$i {
                local_ts = dynamic
                remote_ts = 0.0.0.0/0
                esp_proposals = aes256gcm16
                start_action = start
                close_action = none
            }
        }
    }
EOF
	done
	echo "}"
	echo "secrets {"
	echo "    ike-hub { id = hub.example.net"
	echo "              secret = \"$FS_PSK\" }"
	echo "}"
}
