#!/bin/bash
# Two ikesh routers in two network namespaces (192.0.2.1 and 192.0.2.2 on a
# veth pair) with a static VTI protected by IKEv2 with pre-shared keys, each
# started as a service from a startup-config.  Both bring the IKE SA up by
# themselves; checked with "ikesh -c 'show crypto ikev2 sa'" on both sides,
# then "clear crypto ikev2 sa" and the SA must come back.
#
# Usage: ikesh_ikesh_ike.sh IKESH SOURCE-DIR   (needs root; at most 60 s)
set -u
IKESH=$1
top=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces)"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no iproute2"; exit 77; }

ns_a=ikrt-a-$$
ns_b=ikrt-b-$$
if_a=ikra$$
if_b=ikrb$$
dir=$(mktemp -d /tmp/ikesh-ike.XXXXXX)
pids=()
start_s=$SECONDS

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	ip netns del "$ns_a" 2>/dev/null
	ip netns del "$ns_b" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "FAIL: $*"
	for r in a b; do
		echo "---- router $r log"
		cat "$dir/$r.log" 2>/dev/null
		echo "---- router $r: show crypto ikev2 sa detailed / stats"
		"$IKESH" -c "show crypto ikev2 sa detailed" -c "show crypto ikev2 stats" \
			--socket "$dir/$r.sock" 2>&1
	done
	exit 1
}

# ---- network: two namespaces, one veth pair, 192.0.2.0/24
ip netns add "$ns_a" || fail "cannot create namespace"
ip netns add "$ns_b" || fail "cannot create namespace"
ip link add "$if_a" type veth peer name "$if_b" || fail "cannot create veth pair"
ip link set "$if_a" netns "$ns_a"
ip link set "$if_b" netns "$ns_b"
ip -n "$ns_a" addr add 192.0.2.1/24 dev "$if_a"
ip -n "$ns_b" addr add 192.0.2.2/24 dev "$if_b"
for ns in "$ns_a" "$ns_b"; do
	ip -n "$ns" link set lo up
done
ip -n "$ns_a" link set "$if_a" up
ip -n "$ns_b" link set "$if_b" up

# ---- configurations (A names its WAN interface, B uses the address)
cat > "$dir/a.cfg" <<'EOF'
hostname RA
crypto ikev2 proposal PROP
 encryption aes-cbc-256
 integrity sha256
 group 14
crypto ikev2 policy POL
 proposal PROP
crypto ikev2 keyring KR
 peer RB
  address 192.0.2.2
  pre-shared-key ikesh-test-secret
crypto ikev2 profile TO-RB
 match identity remote address 192.0.2.2 255.255.255.255
 authentication remote pre-share
 authentication local pre-share
 keyring local KR
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode tunnel
crypto ipsec profile VTI
 set transform-set TS
 set ikev2-profile TO-RB
interface GigabitEthernet0/0
 ip address 192.0.2.1 255.255.255.0
interface Tunnel0
 ip address 198.18.255.1 255.255.255.252
 tunnel source GigabitEthernet0/0
 tunnel mode ipsec ipv4
 tunnel destination 192.0.2.2
 tunnel protection ipsec profile VTI
end
EOF
cat > "$dir/b.cfg" <<'EOF'
hostname RB
crypto ikev2 proposal PROP
 encryption aes-cbc-256
 integrity sha256
 group 14
crypto ikev2 policy POL
 proposal PROP
crypto ikev2 keyring KR
 peer RA
  address 192.0.2.1
  pre-shared-key ikesh-test-secret
crypto ikev2 profile TO-RA
 match identity remote address 192.0.2.1 255.255.255.255
 authentication remote pre-share
 authentication local pre-share
 keyring local KR
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode tunnel
crypto ipsec profile VTI
 set transform-set TS
 set ikev2-profile TO-RA
interface Tunnel0
 ip address 198.18.255.2 255.255.255.252
 tunnel source 192.0.2.2
 tunnel mode ipsec ipv4
 tunnel destination 192.0.2.1
 tunnel protection ipsec profile VTI
end
EOF

# ---- routers
ip netns exec "$ns_a" "$IKESH" -f "$dir/a.cfg" --no-console --socket "$dir/a.sock" \
	>"$dir/a.log" 2>&1 &
pids+=($!)
ip netns exec "$ns_b" "$IKESH" -f "$dir/b.cfg" --no-console --socket "$dir/b.sock" \
	>"$dir/b.log" 2>&1 &
pids+=($!)

show() { # router command
	"$IKESH" -c "$2" --socket "$dir/$1.sock" 2>&1
}

# One READY IKE SA between the two addresses on router $1, within $2 s.
wait_ready() {
	local r=$1 limit=$2 t=0 out n
	while [ "$t" -lt $((limit * 5)) ]; do
		out=$(show "$r" "show crypto ikev2 sa")
		n=$(printf '%s\n' "$out" | grep -cE '^[0-9]+ +192\.0\.2\.[12]/500 +192\.0\.2\.[12]/500 +none/none +READY')
		if [ "$n" = 1 ] && ! printf '%s\n' "$out" | grep -q 'IN-NEG\|DELETE'; then
			return 0
		fi
		sleep 0.2
		t=$((t + 1))
	done
	return 1
}

for r in a b; do
	wait_ready "$r" 20 || fail "router $r: no single READY IKE SA within 20 s"
done

# ---- what both routers show
for r in a b; do
	if [ $r = a ]; then me=192.0.2.1; peer=192.0.2.2; else me=192.0.2.2; peer=192.0.2.1; fi
	out=$(show $r "show crypto ikev2 sa")
	printf '%s\n' "$out" | grep -qx ' IPv4 Crypto IKEv2  SA ' || fail "$r: no IPv4 header: $out"
	printf '%s\n' "$out" | grep -qx 'Tunnel-id Local                 Remote                fvrf/ivrf            Status ' ||
		fail "$r: column header: $out"
	printf '%s\n' "$out" | grep -qE "^[0-9]+ +$me/500 +$peer/500 +none/none +READY  \$" ||
		fail "$r: SA line: $out"
	printf '%s\n' "$out" | grep -qx '      Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK' ||
		fail "$r: Encr line: $out"
	printf '%s\n' "$out" | grep -qE '^      Life/Active Time: 86400/[0-9]+ sec$' || fail "$r: Life line: $out"

	out=$(show $r "show crypto ikev2 sa detailed")
	printf '%s\n' "$out" | grep -qx "      Local id: $me" || fail "$r: local id: $out"
	printf '%s\n' "$out" | grep -qx "      Remote id: $peer" || fail "$r: remote id: $out"
	printf '%s\n' "$out" | grep -qx '      Status Description: Negotiation done' || fail "$r: status: $out"

	out=$(show $r "show crypto ikev2 session")
	printf '%s\n' "$out" | grep -qE '^Session-id:[0-9]+, Status:UP-ACTIVE, IKE count:1, CHILD count:1$' ||
		fail "$r: session: $out"
	printf '%s\n' "$out" | grep -qx 'Child sa: local selector  0.0.0.0/0 - 255.255.255.255/65535' ||
		fail "$r: child selectors: $out"
	printf '%s\n' "$out" | grep -qE '^          ESP spi in/out: 0x[0-9A-F]+/0x[0-9A-F]+  $' ||
		fail "$r: ESP SPIs: $out"

	out=$(show $r "show interfaces Tunnel0")
	printf '%s\n' "$out" | grep -q 'Tunnel0 is up, line protocol is up' ||
		fail "$r: Tunnel0 line protocol: $out"
done

# the two routers agree on the SPIs
spis_a=$(show a "show crypto ikev2 sa detailed" | sed -n 's/^      Local spi: \([0-9A-F]*\) *Remote spi: \([0-9A-F]*\)$/\1 \2/p')
spis_b=$(show b "show crypto ikev2 sa detailed" | sed -n 's/^      Local spi: \([0-9A-F]*\) *Remote spi: \([0-9A-F]*\)$/\2 \1/p')
[ -n "$spis_a" ] && [ "$spis_a" = "$spis_b" ] || fail "IKE SPIs differ: A '$spis_a' B '$spis_b'"

# ---- port 4500 demultiplexing on B: a NAT-T keepalive (ignored), ESP in
# UDP with an unknown SPI (counted and dropped), a non-ESP-marked message
# that is no valid IKE (goes to the engine, which drops it)
ip netns exec "$ns_a" bash -c '
	printf "\xff" > /dev/udp/192.0.2.2/4500
	printf "\x11\x22\x33\x44\x00\x00\x00\x01espdata!" > /dev/udp/192.0.2.2/4500
	printf "\x00\x00\x00\x00not-ike" > /dev/udp/192.0.2.2/4500' ||
	fail "cannot send to 192.0.2.2:4500"
ok=0
for _ in $(seq 1 25); do
	out=$(show b "show crypto ikev2 stats")
	if printf '%s\n' "$out" | grep -q '^IKEv2 messages in/out: [0-9]*/[0-9]*, retransmissions: [0-9]*, NAT-T keepalives in/out: 1/0$' &&
		printf '%s\n' "$out" | grep -q '^ESP in UDP received: 0, dropped (no matching SA): 1$' &&
		printf '%s\n' "$out" | grep -q '^IKEv2 packets dropped at dispatch: 1 '; then
		ok=1
		break
	fi
	sleep 0.2
done
[ $ok = 1 ] || fail "port 4500 counters on B: $out"
wait_ready b 1 || fail "B lost its SA after the port 4500 datagrams"

# ---- clear on A: the SA goes and comes back (new SPIs)
show a "clear crypto ikev2 sa" >/dev/null
sleep 0.5
for r in a b; do
	wait_ready "$r" 15 || fail "router $r: the IKE SA did not come back after clear"
done
spis_a2=$(show a "show crypto ikev2 sa detailed" | sed -n 's/^      Local spi: \([0-9A-F]*\) *Remote spi: \([0-9A-F]*\)$/\1 \2/p')
[ -n "$spis_a2" ] && [ "$spis_a2" != "$spis_a" ] || fail "no new IKE SA after clear: '$spis_a2'"

# ---- shutting the tunnel down on B takes the SA away on both sides
"$IKESH" -c "configure terminal" -c "interface Tunnel0" -c "shutdown" -c "end" \
	--socket "$dir/b.sock" >/dev/null 2>&1
gone=0
for _ in $(seq 1 50); do
	if ! show a "show crypto ikev2 sa" | grep -q READY &&
		! show b "show crypto ikev2 sa" | grep -q READY; then
		gone=1
		break
	fi
	sleep 0.2
done
[ $gone = 1 ] || fail "the IKE SA stayed after shutdown of Tunnel0 on B"

# ---- both routers stop cleanly on SIGTERM, without sanitizer reports
for p in "${pids[@]}"; do
	kill -TERM "$p" 2>/dev/null
done
for p in "${pids[@]}"; do
	wait "$p" 2>/dev/null
done
pids=()
for r in a b; do
	if grep -qE 'Sanitizer|runtime error:' "$dir/$r.log"; then
		fail "router $r: sanitizer report"
	fi
done

echo "ikesh_ikesh_ike: ok ($((SECONDS - start_s)) s)"
