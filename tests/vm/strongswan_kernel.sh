#!/bin/bash
# ikesh with the kernel XFRM data plane (--dataplane kernel) against
# strongSwan with the kernel's IPsec (charon, kernel-netlink: SAs and
# policies in XFRM, ESP in the kernel), LAN to LAN.  Runs INSIDE the test VM
# (tests/vm/run.sh boots it: needs a kernel with ESP, xfrm interfaces and
# gre links), as root:
#
#   lanA 198.51.100.2 -- 198.51.100.1 A 192.0.2.1 ==wan== 192.0.2.2 B 203.0.113.1 -- 203.0.113.2 lanB
#                      ikesh Tunnel0 198.18.0.1/30  <->  198.18.0.2/30 gre1 / ipsec1  strongSwan
#
# ikesh (A) initiates, strongSwan (B) responds.
# Part GRE: ikesh "tunnel mode gre ip", transform set esp-aes 256
#   esp-sha256-hmac "mode transport" (IKE aes-cbc-256/sha256); strongSwan: a
#   kernel gre link gre1 (local 192.0.2.2 remote 192.0.2.1 ttl 255) and a
#   transport-mode CHILD_SA with local_ts = remote_ts = dynamic[gre].
# Part sVTI: ikesh "tunnel mode ipsec ipv4", esp-gcm 128; strongSwan: an
#   xfrm interface ipsec1 (if_id 7) and a tunnel-mode CHILD_SA with
#   0.0.0.0/0 selectors and if_id_in = if_id_out = 7.
# Checks (each part): the SAs up on both sides (swanctl --list-sas, show
# crypto ikev2 sa), ip xfrm state on both (mode, algorithms, if_id), pings
# both ways, 1 MiB TCP each way (sha256), show crypto ipsec sa (mode,
# identities, outbound SPI = strongSwan's inbound); after the pings and
# again after the TCP transfers: show crypto ipsec sa's packet counters =
# swanctl --list-sas's = ip -s xfrm state's on both sides, octets likewise,
# counting what the receiver's kernel dropped as replays (see counters);
# in the GRE part a CHILD_SA rekey started by strongSwan (swanctl --rekey
# --child) during a ping every 50 ms: <= 2 lost, new SPIs on both sides, one
# SA pair left, traffic after.
#
# Usage: strongswan_kernel.sh IKESH SOURCE-DIR [LOG-DIR]
set -u
IKESH=$1
SRC=$2
LOGS=${3:-$(mktemp -d /tmp/iksw.XXXXXX)}
P=iksw
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---------------------------------------------------------------- strongSwan
# One charon in namespace $P-b, as tests/scenario/lib/strongswan.sh runs it:
# its own strongswan.conf (STRONGSWAN_CONF, explicit plugin list; never
# /etc/strongswan.*), a private /run (charon hard-codes /var/run/charon.pid;
# bound from $SWD/run, so $SWD is not under /run), vici on $SWD/charon.vici.
# kernel-netlink is the IPsec backend here (NOT kernel-libipsec): the VM's
# kernel does ESP.
SW_CHARON=/usr/lib/ipsec/charon
SW_PLUGINS="random nonce openssl aes sha1 sha2 hmac gcm curve25519 gmp x509 pubkey pkcs1 pem \
kdf drbg kernel-netlink socket-default vici"
SWD=$(mktemp -d /tmp/iksw-sw.XXXXXX)
trap 'cleanup; rm -rf "$SWD"' EXIT	# cleanup (lib.sh) also stops charon

sw() { # SWANCTL-ARGS...
	STRONGSWAN_CONF="$SWD/strongswan.conf" SWANCTL_DIR="$SWD/swanctl" \
		timeout 20 swanctl "$@" --uri "unix://$SWD/charon.vici"
}
sw_conf() {
	cat <<EOF
charon {
    load = $SW_PLUGINS
    install_routes = no
    routing_table = 0
    install_virtual_ip = no
    # the rekeyed inbound SA goes 1 s after a rekey (default 5 s)
    delete_rekeyed_delay = 1
    plugins {
        vici {
            socket = unix://$SWD/charon.vici
        }
    }
    filelog {
        vm {
            path = $LOGS/charon.log
            time_format = %H:%M:%S
            time_add_ms = yes
            ike_name = yes
            flush_line = yes
            default = 1
            knl = 2
        }
    }
    syslog {
        daemon {
            default = -1
        }
    }
}
# swanctl loads every plugin by default: ~7 s cold under TCG
swanctl {
    load = random nonce openssl pem pkcs1 x509 pubkey
}
EOF
}
sw_start() {
	local i
	mkdir -p "$SWD/run" "$SWD/swanctl"
	sw_conf >"$SWD/strongswan.conf"
	# ip netns exec, unshare (no --fork) and sh all exec: $! is charon
	STRONGSWAN_CONF="$SWD/strongswan.conf" ip netns exec "$P-b" \
		unshare --mount --propagation private \
		/bin/sh -c 'mount --bind "$1" /run || exit 97; exec "$2"' sh "$SWD/run" "$SW_CHARON" \
		</dev/null >>"$LOGS/charon.out" 2>&1 &
	SW_PID=$!
	PIDS+=($SW_PID)
	for ((i = 0; i < 100; i++)); do
		kill -0 "$SW_PID" 2>/dev/null || break
		[ -S "$SWD/charon.vici" ] && sw --stats >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
# sw_load FILE: FILE as swanctl.conf, loaded (connections no longer in it
# are unloaded)
sw_load() { cp "$1" "$SWD/swanctl/swanctl.conf" && sw --load-all --noprompt >>"$LOGS/swanctl-load.out" 2>&1; }
# swanctl.conf: one PSK connection NAME with one CHILD_SA NAME
sw_swanctl_conf() { # NAME IKE-PROPOSAL ESP-PROPOSAL CHILD-SETTINGS...
	local name=$1 ike=$2 esp=$3 kv
	shift 3
	cat <<EOF
connections {
    $name {
        version = 2
        local_addrs = 192.0.2.2
        remote_addrs = 192.0.2.1
        encap = no
        mobike = no
        proposals = $ike
        rand_time = 0s
        local {
            auth = psk
            id = 192.0.2.2
        }
        remote {
            auth = psk
            id = 192.0.2.1
        }
        children {
            $name {
                esp_proposals = $esp
                rand_time = 0s
                start_action = none
                close_action = none
EOF
	for kv in "$@"; do echo "                $kv"; done
	cat <<EOF
            }
        }
    }
}
secrets {
    ike-psk {
        id-a = 192.0.2.1
        id-b = 192.0.2.2
        secret = "traffic-psk-0123456789"
    }
}
EOF
}
# sw_child NAME: "STATE MODE ALGS SPI-IN SPI-OUT IN-BYTES IN-PKTS OUT-BYTES
# OUT-PKTS" of the newest CHILD_SA NAME in swanctl --list-sas, e.g.
#   gre: #2, reqid 1, INSTALLED, TRANSPORT, ESP:AES_CBC-256/HMAC_SHA2_256_128
#     in  c1a2b3c4,   1680 bytes,    20 packets,     0s ago
#     out d5e6f7a8,   1680 bytes,    20 packets,     0s ago
sw_child() {
	sw --list-sas 2>/dev/null | awk -v n="$1" '
		function num(w,   i) { for (i = 1; i < NF; i++) if ($(i + 1) ~ "^" w) { v = $i; gsub(/[^0-9]/, "", v); return v + 0 } return 0 }
		/^  [^ ]+: #[0-9]+, reqid / { c = ($1 == n ":"); if (c) { st = $5; m = $6; a = $7; sub(/,$/, "", st); sub(/,$/, "", m) } next }
		c && /^    in  [0-9a-f]+/ { si = $2; sub(/,$/, "", si); ib = num("bytes"); ip = num("packets"); next }
		c && /^    out [0-9a-f]+/ { so = $2; sub(/,$/, "", so); r = st " " m " " a " " si " " so " " ib " " ip " " num("bytes") " " num("packets") }
		END { print r }'
}
sw_ike_up() { sw --list-sas 2>/dev/null | grep -qE "^$1: #[0-9]+, ESTABLISHED, IKEv2"; }
# sw_settled NAME: one IKE_SA, one INSTALLED CHILD_SA and nothing else
# (a rekeyed inbound SA stays for delete_rekeyed_delay, 1 s here)
sw_settled() {
	local l
	l=$(sw --list-sas 2>/dev/null)
	[ "$(echo "$l" | grep -cE "^$1: #")" = 1 ] && [ "$(echo "$l" | grep -cE "^  $1: #")" = 1 ] &&
		echo "$l" | grep -qE "^  $1: #[0-9]+, reqid [0-9]+, INSTALLED"
}

# ---------------------------------------------------------------- ikesh
MODE=gre	# gre | svti: the Tunnel0 of render
render() { # NODE(a) OUT
	local m=()
	if [ "$MODE" = gre ]; then
		m=(-e "s/tunnel mode ipsec ipv4/tunnel mode gre ip/" -e "s/^ mode tunnel/ mode transport/"
			-e "s/@IKE_ENCR@/aes-cbc-256/" -e "s/@IKE_INTEG@/ integrity sha256/"
			-e "s/@TRANSFORM@/esp-aes 256 esp-sha256-hmac/")
	else
		m=(-e "s/@IKE_ENCR@/aes-gcm-128/" -e "/@IKE_INTEG@/d" -e "s/@TRANSFORM@/esp-gcm 128/")
	fi
	{ echo "do debug crypto ikev2"; sed -e "s/@HOST@/RA/" -e "s/@LOCAL@/192.0.2.1/" -e "s/@PEER@/192.0.2.2/" \
		-e "s/@LAN@/198.51.100.1/" -e "s/@TUNADDR@/198.18.0.1/" -e "s/@REMOTE_LAN@/203.0.113.0/" \
		-e "/@IPSEC_EXTRA@/d" "${m[@]}" "$SRC/tests/vm/router.cfg"; } >"$2"
}
ike_ready() { ik a "show crypto ikev2 sa" | grep -qE "192.0.2.1/500 +192.0.2.2/500 .*READY"; }

# diag NAME: both routers' kernel and IKE state into LOGS/NAME.txt
diag() {
	{
		for n in a b; do
			echo "==== $n: ip -s xfrm state"; nsx $n ip -s xfrm state
			echo "==== $n: ip xfrm policy"; nsx $n ip xfrm policy
			echo "==== $n: ip -d link / route"; nsx $n ip -d link show; nsx $n ip route
		done
		echo "==== swanctl --list-sas"; sw --list-sas
		ik a "show crypto ipsec sa" "show crypto ikev2 sa detailed" "show logging"
	} >"$LOGS/$1.txt" 2>&1
}

# xfrm_snap NODE: ip -s xfrm state of NODE into LOGS/xfrm-NODE.txt
xfrm_snap() { nsx "$1" ip -s xfrm state >"$LOGS/xfrm-$1.txt"; }
# xfrm_sum NODE in|out bytes|packets|drops: the sum over NODE's SAs to (in)
# or from (out) it, from the last xfrm_snap NODE; drops = the stats line's
# replay-window + replay + failed
xfrm_sum() {
	local me
	me=$([ "$1" = a ] && echo 192.0.2.1 || echo 192.0.2.2)
	awk -v me="$me" -v dir="$2" -v what="$3" '
		/^src / { mine = (dir == "out" ? $2 == me : $4 == me); st = 0; next }
		mine && /^[ \t]*[0-9]+\(bytes\), [0-9]+\(packets\)/ {
			sub(/\(bytes\),/, "", $1); sub(/\(packets\)/, "", $2)
			if (what == "bytes") s += $1; else if (what == "packets") s += $2 }
		mine && /^[ \t]*stats:/ { st = 1; next }
		mine && st && /replay-window/ { if (what == "drops") s += $2 + $4 + $6; st = 0 }
		END { print s + 0 }' "$LOGS/xfrm-$1.txt"
}
# counters PART CHILD: ikesh's show crypto ipsec sa packet counters against
# swanctl's and both kernels' (ip -s xfrm state).  What one side sent the
# other received or dropped: under TCG the two vCPUs' veth backlogs reorder
# a TCP burst by more than the replay window at times (strongSwan's is 32,
# ikesh's 64), and those drops (XfrmInStateSeqError) are counted per SA.
# Octets (inner, as the kernel counts them) likewise.
counters() {
	local part=$1 st m a si so ib ip ob op xo_a xi_a xo_b xi_b ea da dr_a dr_b ob_a ib_a
	read -r st m a si so ib ip ob op <<<"$(sw_child "$2")"
	xfrm_snap a
	xfrm_snap b
	xo_a=$(xfrm_sum a out packets) xi_a=$(xfrm_sum a in packets) ob_a=$(xfrm_sum a out bytes) ib_a=$(xfrm_sum a in bytes)
	xo_b=$(xfrm_sum b out packets) xi_b=$(xfrm_sum b in packets)
	dr_a=$(xfrm_sum a in drops) dr_b=$(xfrm_sum b in drops)
	ipsec_sa a
	ea=$(sa_ctr a encaps) da=$(sa_ctr a decaps)
	log "$part: ikesh encaps $ea decaps $da; swanctl in $ip pkts/$ib B out $op pkts/$ob B;" \
		"ip -s xfrm: A out $xo_a pkts/$ob_a B in $xi_a pkts/$ib_a B drops $dr_a, B in $xi_b out $xo_b drops $dr_b"
	check "$part: ikesh #pkts encaps ($ea) = A's kernel ($xo_a) = swanctl in packets ($ip) + dropped on B ($dr_b) = B's kernel ($xi_b), >= 40" \
		eval '[ "${ea:-0}" -ge 40 ] && near "$ea" "$xo_a" && near "$ea" $((ip + dr_b)) && near "$ip" "$xi_b"'
	check "$part: ikesh #pkts decaps ($da) + dropped on A ($dr_a) = swanctl out packets ($op) = B's kernel ($xo_b), A's ($xi_a), >= 40" \
		eval '[ "${da:-0}" -ge 40 ] && near $((da + dr_a)) "$op" && near "$da" "$xi_a" && near "$op" "$xo_b"'
	check "$part: octets: swanctl in ($ib) = A out ($ob_a), swanctl out ($ob) = A in ($ib_a) (+ dropped <= 1500 each)" \
		eval '[ "${ib:-0}" -gt 0 ] && [ "$ib" -le "$ob_a" ] && [ $((ob_a - ib)) -le $((dr_b * 1500 + 3000)) ] &&
		      [ "$ib_a" -le "$ob" ] && [ $((ob - ib_a)) -le $((dr_a * 1500 + 3000)) ]'
}

# xfrm_errs: the non-zero counters of /proc/net/xfrm_stat on A and B
xfrm_errs() { local n; for n in a b; do nsx $n awk -v n=$n '$2 != 0 { printf "%s:%s=%s ", n, $1, $2 }' /proc/net/xfrm_stat; done; }

# traffic PART CHILD: pings both ways, the counters, TCP both ways
traffic() {
	wait_until 10 ping_ok la 203.0.113.2 || true
	check "$1: ping lanA -> lanB (20)" nsx la ping -c 20 -i 0.05 -W 2 -q 203.0.113.2
	check "$1: ping lanB -> lanA (20)" nsx lb ping -c 20 -i 0.05 -W 2 -q 198.51.100.2
	check "$1: ping tunnel address A -> B" ping_ok a 198.18.0.2
	counters "$1" "$2"
	local r
	r=$(tcp_xfer la lb 203.0.113.2 $((1024 * 1024)))
	log "$1: TCP lanA -> lanB: $r"
	check "$1: 1 MiB TCP lanA -> lanB intact (sha256)" eval '[ "${r%% *}" = OK ]'
	r=$(tcp_xfer lb la 198.51.100.2 $((1024 * 1024)))
	log "$1: TCP lanB -> lanA: $r"
	check "$1: 1 MiB TCP lanB -> lanA intact (sha256)" eval '[ "${r%% *}" = OK ]'
	log "$1: xfrm_stat: $(xfrm_errs)"
	counters "$1 after TCP" "$2"
}

# stop_a: ikesh on A exits (it deletes its IKE SA); strongSwan forgets it
stop_a() {
	kill "$PID_a"
	wait "$PID_a" 2>/dev/null
	wait_until 10 eval '[ -z "$(sw --list-sas 2>/dev/null | grep -E "^[^ ]+: #")" ]' ||
		sw --terminate --ike "$1" --force >/dev/null 2>&1
}

topology
sw_start || { bad "charon did not start"; tail -20 "$LOGS/charon.log" "$LOGS/charon.out"; exit 1; }
check "charon's IPsec backend is kernel-netlink, not kernel-libipsec" \
	eval 'sw --stats | grep -q "kernel-netlink" && ! sw --stats | grep -q "kernel-libipsec"'

# ================================================================ GRE
ip -n "$P-b" link add gre1 type gre local 192.0.2.2 remote 192.0.2.1 ttl 255
ip -n "$P-b" link set gre1 mtu 1400	# like "ip mtu 1400" on IOS: no PMTU discovery round trips
ip -n "$P-b" addr add 198.18.0.2/30 dev gre1
ip -n "$P-b" link set gre1 up
ip -n "$P-b" route add 198.51.100.0/24 dev gre1
sw_swanctl_conf gre aes256-sha256-prfsha256-ecp256 aes256-sha256 "mode = transport" \
	"local_ts = dynamic[gre]" "remote_ts = dynamic[gre]" >"$LOGS/swanctl-gre.conf"
sw_load "$LOGS/swanctl-gre.conf" || bad "GRE: swanctl --load-all"
MODE=gre
start a
if wait_until 60 tunnel_up a && wait_until 10 sw_ike_up gre; then
	ok "GRE: IKE up, ikesh's Tunnel0 (tunnel mode gre ip) up"
	read -r st m a _ <<<"$(sw_child gre)"
	check "GRE: swanctl --list-sas: ESTABLISHED, CHILD_SA INSTALLED, TRANSPORT, $a" \
		eval '[ "$st $m $a" = "INSTALLED TRANSPORT ESP:AES_CBC-256/HMAC_SHA2_256_128" ]'
	check "GRE: show crypto ikev2 sa: READY with 192.0.2.2" ike_ready
	check "GRE: ip xfrm state on A and B: 2 transport-mode ESP SAs, cbc(aes) + hmac(sha256), no if_id" \
		eval 'for n in a b; do s=$(nsx $n ip xfrm state);
		      [ "$(echo "$s" | grep -c "proto esp spi .* mode transport")" = 2 ] &&
		      [ "$(echo "$s" | grep -c "enc cbc(aes)")" = 2 ] && [ "$(echo "$s" | grep -c "auth-trunc hmac(sha256)")" = 2 ] &&
		      ! echo "$s" | grep -q if_id || exit 1; done'
	check "GRE: ip xfrm policy on B (strongSwan): out/in proto gre 192.0.2.2 <-> 192.0.2.1, transport" \
		eval 'pol=$(nsx b ip xfrm policy) &&
		      echo "$pol" | grep -A3 "^src 192.0.2.2/32 dst 192.0.2.1/32 proto gre" | grep -q "dir out" &&
		      echo "$pol" | grep -A3 "^src 192.0.2.1/32 dst 192.0.2.2/32 proto gre" | grep -q "dir in" &&
		      echo "$pol" | grep -A4 "proto gre" | grep -q "mode transport"'
	check "GRE: the SPIs agree (ikesh's outbound = strongSwan's inbound and back)" \
		eval 'read -r _ _ _ si so _ <<<"$(sw_child gre)"; s=$(nsx a ip xfrm state);
		      echo "$s" | grep -A1 "^src 192.0.2.1 dst 192.0.2.2" | grep -q "spi 0x$si " &&
		      echo "$s" | grep -A1 "^src 192.0.2.2 dst 192.0.2.1" | grep -q "spi 0x$so "'
	traffic GRE gre
	check "GRE: show crypto ipsec sa: Transport, identities 192.0.2.1 protocol 47, outbound SPI = strongSwan's inbound" \
		eval 'grep -q "in use settings ={Transport, }" "$LOGS/sa-a.txt" &&
		      grep -q "local  ident (addr/mask/prot/port): (192.0.2.1/255.255.255.255/47/0)" "$LOGS/sa-a.txt" &&
		      [ "$(printf %08x "$(out_spi a)")" = "$(sw_child gre | cut -d" " -f4)" ]'

	# ---- strongSwan rekeys the CHILD_SA during a ping every 50 ms
	read -r _ _ _ si0 so0 _ <<<"$(sw_child gre)"
	nsx la ping -q -c 80 -i 0.05 -W 1 203.0.113.2 >"$LOGS/rekey-ping.out" 2>&1 &
	pp=$!
	sleep 1
	sw --rekey --child gre >>"$LOGS/rekey.out" 2>&1 || bad "GRE: swanctl --rekey --child gre"
	wait "$pp"
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1/p' "$LOGS/rekey-ping.out")
	recv=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\2/p' "$LOGS/rekey-ping.out")
	settled() { sw_settled gre && [ "$(nsx a ip xfrm state | grep -c "proto esp")" = 2 ]; }
	wait_until 15 settled || true
	read -r st _ _ si1 so1 _ <<<"$(sw_child gre)"
	log "GRE: rekey: ping sent ${sent:-0} received ${recv:-0}; strongSwan SPIs in/out $si0/$so0 -> $si1/$so1 ($st)"
	log "GRE: xfrm_stat after the rekey: $(xfrm_errs)"
	check "GRE: swanctl --rekey --child: new SPIs ($si0/$so0 -> $si1/$so1), one SA pair left on each side" \
		eval '[ -n "$si1" ] && [ "$si1" != "$si0" ] && [ "$so1" != "$so0" ] && settled'
	check "GRE: ikesh has the new SAs in the kernel (spi 0x$so1 in, 0x$si1 out)" \
		eval 's=$(nsx a ip xfrm state); echo "$s" | grep -q "spi 0x$so1 " && echo "$s" | grep -q "spi 0x$si1 "'
	check "GRE: at most 2 of ${sent:-0} pings lost across the rekey (lost $((${sent:-0} - ${recv:-0})))" \
		eval '[ "${sent:-0}" -ge 80 ] && [ $((sent - recv)) -le 2 ]'
	check "GRE: traffic through the new SAs" ping_ok la 203.0.113.2 3
	check "GRE: no data-plane errors logged by ikesh" eval '! ik a "show logging" | grep -q "IPSEC-3-DATAPLANE"'
else
	bad "GRE: Tunnel0 / strongSwan's IKE_SA not up within 70 s"
fi
[ "$FAILS" = 0 ] || diag gre-failed
stop_a gre
check "GRE: ikesh exit: strongSwan's SAs and ikesh's kernel state gone" \
	eval '[ -z "$(nsx a ip xfrm state)" ] && [ -z "$(nsx b ip xfrm state)" ] && ! nsx a ip link show Tu0'
ip -n "$P-b" link del gre1

# ================================================================ sVTI
f0=$FAILS
ip -n "$P-b" link add ipsec1 type xfrm dev wan0 if_id 7
ip -n "$P-b" link set ipsec1 mtu 1400
ip -n "$P-b" addr add 198.18.0.2/30 dev ipsec1
ip -n "$P-b" link set ipsec1 up
ip -n "$P-b" route add 198.51.100.0/24 dev ipsec1
sw_swanctl_conf vti aes128gcm16-prfsha256-ecp256 aes128gcm16 "mode = tunnel" \
	"local_ts = 0.0.0.0/0" "remote_ts = 0.0.0.0/0" "if_id_in = 7" "if_id_out = 7" >"$LOGS/swanctl-vti.conf"
sw_load "$LOGS/swanctl-vti.conf" || bad "sVTI: swanctl --load-all"
MODE=svti
start a
if wait_until 60 tunnel_up a && wait_until 10 sw_ike_up vti; then
	ok "sVTI: IKE up, ikesh's Tunnel0 (tunnel mode ipsec ipv4) up"
	read -r st m a _ <<<"$(sw_child vti)"
	check "sVTI: swanctl --list-sas: CHILD_SA INSTALLED, TUNNEL, $a" \
		eval '[ "$st $m $a" = "INSTALLED TUNNEL ESP:AES_GCM_16-128" ]'
	check "sVTI: show crypto ikev2 sa: READY with 192.0.2.2" ike_ready
	check "sVTI: ip xfrm state: 2 tunnel-mode rfc4106(gcm(aes)) SAs on A (if_id 1) and B (if_id 7)" \
		eval 'for n in a:0x1 b:0x7; do s=$(nsx ${n%:*} ip xfrm state);
		      [ "$(echo "$s" | grep -c "proto esp spi .* mode tunnel")" = 2 ] &&
		      [ "$(echo "$s" | grep -c "rfc4106(gcm(aes))")" = 2 ] &&
		      [ "$(echo "$s" | grep -c "if_id ${n#*:}$")" = 2 ] || exit 1; done'
	traffic sVTI vti
	check "sVTI: show crypto ipsec sa: Tunnel, identities 0.0.0.0/0, outbound SPI = strongSwan's inbound" \
		eval 'grep -q "in use settings ={Tunnel, }" "$LOGS/sa-a.txt" &&
		      grep -q "local  ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)" "$LOGS/sa-a.txt" &&
		      [ "$(printf %08x "$(out_spi a)")" = "$(sw_child vti | cut -d" " -f4)" ]'
	check "sVTI: strongSwan's ipsec1 carried the pings (ip -s link: RX packets >= 40)" \
		eval '[ "$(nsx b ip -s link show ipsec1 | awk "/RX:/ { getline; print \$2 }")" -ge 40 ]'
	check "sVTI: no data-plane errors logged by ikesh" eval '! ik a "show logging" | grep -q "IPSEC-3-DATAPLANE"'
else
	bad "sVTI: Tunnel0 / strongSwan's IKE_SA not up within 70 s"
fi
[ "$FAILS" = "$f0" ] || diag svti-failed
stop_a vti
check "sVTI: ikesh exit: the SAs gone on both sides" \
	eval '[ -z "$(nsx a ip xfrm state)" ] && [ -z "$(nsx b ip xfrm state)" ]'

log "RESULT: $([ $FAILS = 0 ] && echo "ALL PASSED" || echo "$FAILS FAILURE(S)") (logs: $LOGS)"
[ $FAILS = 0 ]
