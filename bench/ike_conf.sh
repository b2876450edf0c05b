# Configuration generators for bench/ike_bench.sh (sourced).
#
# Load generator: a strongSwan initiator with N connections c1..cN, each with
# its own identity cK.example.com and PSK and one CHILD_SA
# 198.51.100.K/32 <-> 203.0.113.K/32 (kernel-libipsec wants an address of the
# local selector on the node: the bench puts them on lo).
# Responders: a strongSwan "any" connection, or an ikesh keyring with one
# peer per identity and a profile matching the domain.
# ikesh as initiator: N sVTI tunnels from 192.0.2.1 to 192.0.2.(100+K), each
# with its own IKEv2 profile (local identity iK.example.com).

bench_psk() { printf 'bench-psk-%d-%04d' "$1" $(($1 * 7919 % 10000)); }

# IKE proposal (strongSwan syntax) -> the ikesh proposal lines
ik_proposal_lines() {
	case $1 in
	aes256gcm16-prfsha256-ecp256) printf ' encryption aes-gcm-256\n prf sha256\n group 19\n' ;;
	aes256-sha256-modp2048) printf ' encryption aes-cbc-256\n integrity sha256\n group 14\n' ;;
	aes256gcm16-prfsha256-x25519) printf ' encryption aes-gcm-256\n prf sha256\n group 31\n' ;;
	*) echo "ike_conf: no ikesh proposal for $1" >&2; return 1 ;;
	esac
}

# gen_sw_init N PROPOSAL START_ACTION(none|start) > swanctl.conf
gen_sw_init() {
	local n=$1 prop=$2 start=$3 i
	echo "connections {"
	for ((i = 1; i <= n; i++)); do cat <<EOF
    c$i {
        version = 2
        local_addrs = 192.0.2.1
        remote_addrs = 192.0.2.2
        encap = yes
        mobike = no
        proposals = $prop
        keyingtries = 1
        local { auth = psk
                id = c$i.example.com }
        remote { auth = psk
                 id = resp.example.com }
        children {
            c$i {
                local_ts = 198.51.100.$i/32
                remote_ts = 203.0.113.$i/32
                esp_proposals = aes128gcm16
                start_action = $start
            }
        }
    }
EOF
	done
	echo "}"
	echo "secrets {"
	for ((i = 1; i <= n; i++)); do
		echo "    ike-c$i { id-1 = c$i.example.com
              id-2 = resp.example.com
              secret = \"$(bench_psk "$i")\" }"
	done
	echo "}"
}

# gen_sw_resp N PROPOSAL PREFIX(c|i) LOCAL_ADDRS REMOTE_TS > swanctl.conf
#   one connection accepting any PREFIX<K>.example.com with its PSK
gen_sw_resp() {
	local n=$1 prop=$2 pfx=$3 laddrs=$4 rts=$5 i
	cat <<EOF
connections {
    any {
        version = 2
        local_addrs = $laddrs
        remote_addrs = 192.0.2.1
        encap = yes
        mobike = no
        proposals = $prop
        local { auth = psk
                id = resp.example.com }
        remote { auth = psk
                 id = %any }
        children {
            net {
                local_ts = 0.0.0.0/0
                remote_ts = $rts
                esp_proposals = aes128gcm16
            }
        }
    }
}
secrets {
EOF
	for ((i = 1; i <= n; i++)); do
		echo "    ike-$pfx$i { id-1 = $pfx$i.example.com
              id-2 = resp.example.com
              secret = \"$(bench_psk "$i")\" }"
	done
	echo "}"
}

# strongSwan responder DoS thresholds off ("tuned", as in the reference
# numbers' load rows): otherwise 5.9.8 blocks at 5 half-open SAs per IP
SW_TUNED='charon {
    block_threshold = 10000
    cookie_threshold = 10000
    cookie_threshold_ip = 10000
    init_limit_half_open = 0
}'

# gen_ik_resp N PROPOSAL > startup-config: ikesh responder for the load generator
gen_ik_resp() {
	local n=$1 prop=$2 i
	echo "hostname BENCH-R"
	echo "crypto ikev2 proposal P"
	ik_proposal_lines "$prop" || return 1
	echo "crypto ikev2 policy POL"
	echo " proposal P"
	echo "crypto ikev2 keyring KR"
	for ((i = 1; i <= n; i++)); do
		printf ' peer c%d\n  identity fqdn c%d.example.com\n  pre-shared-key %s\n' \
			"$i" "$i" "$(bench_psk "$i")"
	done
	cat <<EOF
crypto ikev2 profile BENCH
 match identity remote fqdn domain example.com
 identity local fqdn resp.example.com
 authentication remote pre-share
 authentication local pre-share
 keyring local KR
crypto ipsec transform-set TS esp-gcm 128
 mode tunnel
crypto ipsec profile BENCH
 set transform-set TS
 set ikev2-profile BENCH
 responder-only
interface GigabitEthernet0/0
 ip address 192.0.2.2 255.255.255.0
end
EOF
}

# gen_ik_init N PROPOSAL > startup-config: N sVTI tunnels to 192.0.2.(100+K)
gen_ik_init() {
	local n=$1 prop=$2 i
	echo "hostname BENCH-I"
	echo "crypto ikev2 proposal P"
	ik_proposal_lines "$prop" || return 1
	echo "crypto ikev2 policy POL"
	echo " proposal P"
	echo "crypto ikev2 keyring KR"
	for ((i = 1; i <= n; i++)); do
		printf ' peer r%d\n  address 192.0.2.%d\n  pre-shared-key %s\n' "$i" $((100 + i)) "$(bench_psk "$i")"
	done
	echo "crypto ipsec transform-set TS esp-gcm 128"
	echo " mode tunnel"
	for ((i = 1; i <= n; i++)); do cat <<EOF
crypto ikev2 profile P$i
 match identity remote fqdn resp.example.com
 identity local fqdn i$i.example.com
 authentication remote pre-share
 authentication local pre-share
 keyring local KR
crypto ipsec profile V$i
 set transform-set TS
 set ikev2-profile P$i
EOF
	done
	cat <<EOF
interface GigabitEthernet0/0
 ip address 192.0.2.1 255.255.255.0
interface GigabitEthernet0/1
 ip address 198.51.100.1 255.255.255.0
EOF
	for ((i = 1; i <= n; i++)); do cat <<EOF
interface Tunnel$i
 ip unnumbered GigabitEthernet0/1
 tunnel source GigabitEthernet0/0
 tunnel mode ipsec ipv4
 tunnel destination 192.0.2.$((100 + i))
 tunnel protection ipsec profile V$i
EOF
	done
	echo "end"
}
