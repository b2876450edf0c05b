#!/bin/bash
# Two ikesh routers with the kernel XFRM data plane (--dataplane kernel),
# LAN to LAN through an sVTI.  Runs INSIDE the test VM (tests/vm/run.sh boots
# it: this needs a kernel with ESP and xfrm interfaces), as root:
#
#   lanA 198.51.100.2 -- 198.51.100.1 A 192.0.2.1 ==wan== 192.0.2.2 B 203.0.113.1 -- 203.0.113.2 lanB
#                                     Tunnel0 198.18.0.1/30  <->  198.18.0.2/30 Tunnel0
#                                     (xfrm interface Tu0, if_id 1)
#
# Checks: IKE and the tunnel come up; Tu0 is an xfrm interface with the
# tunnel address and the route; ip xfrm state/policy hold the SAs and the
# policies with if_id 1; pings both ways; the per-SA counters of `show crypto
# engine connections active` grow with the pings, agree between the routers
# and with `ip -s xfrm state`; a TCP transfer arrives intact; `clear crypto
# sa` gives new SPIs and traffic resumes; a volume lifetime (2560 KB) makes
# the kernel report a soft expiry (XFRM_MSG_EXPIRE) and the CHILD_SA is
# rekeyed during a transfer; ikesh's exit removes Tu0, the SAs and policies.
#
# Then GRE over IPsec: the same routers with "tunnel mode gre ip" and a
# transport-mode transform set.  Tu0 is a gre link (local 192.0.2.1 remote
# 192.0.2.2), the CHILD_SA protects protocol 47 between the endpoints with
# transport-mode SAs and plain (no if_id) policies; pings and a TCP transfer
# LAN to LAN; show crypto ipsec sa's counters agree between the routers and
# with ip -s xfrm state.
#
# Usage: kernel_dataplane.sh IKESH SOURCE-DIR [LOG-DIR]
set -u
IKESH=$1
SRC=$2
LOGS=${3:-$(mktemp -d /tmp/ikvm.XXXXXX)}
P=ikvm
# log ok bad check wait_until nsx, topology, ik start tunnel_up ping_ok,
# xfrm_pkts ipsec_sa sa_ctr out_spi near, tcp_xfer; the EXIT trap
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# diag NAME: the routers' kernel and IKE state into LOGS/NAME-NODE.txt
diag() {
	local n
	for n in a b; do
		{
			echo "== ip -s xfrm state"; nsx $n ip -s xfrm state
			echo "== ip xfrm policy"; nsx $n ip xfrm policy
			echo "== ip -d link / route"; nsx $n ip -d link show; nsx $n ip route
			ik $n "show crypto engine connections active" "show crypto engine brief" \
				"show crypto ikev2 sa detailed" "show logging"
		} >"$LOGS/$1-$n.txt" 2>&1
	done
}

# ---------------------------------------------------------------- topology
topology

# ---------------------------------------------------------------- routers
MODE=svti	# svti | gre: the Tunnel0 of render
render() { # NODE OUT
	local gre=()
	[ "$MODE" = gre ] && gre=(-e "s/tunnel mode ipsec ipv4/tunnel mode gre ip/" -e "s/^ mode tunnel/ mode transport/")
	if [ "$1" = a ]; then
		set -- "$2" RA 192.0.2.1 192.0.2.2 198.51.100.1 198.18.0.1 203.0.113.0
	else
		set -- "$2" RB 192.0.2.2 192.0.2.1 203.0.113.1 198.18.0.2 198.51.100.0
	fi
	{ echo "do debug crypto ikev2"; sed -e "s/@HOST@/$2/" -e "s/@LOCAL@/$3/" -e "s/@PEER@/$4/" -e "s/@LAN@/$5/" \
		-e "s/@TUNADDR@/$6/" -e "s/@REMOTE_LAN@/$7/" -e "s/@IKE_ENCR@/aes-gcm-128/" \
		-e "/@IKE_INTEG@/d" -e "s/@TRANSFORM@/esp-gcm 128/" -e "/@IPSEC_EXTRA@/d" "${gre[@]}" \
		"$SRC/tests/vm/router.cfg"; } >"$1"
}
start a
start b
if wait_until 60 tunnel_up a && wait_until 20 tunnel_up b; then
	ok "IKE up, Tunnel0 up on both routers (kernel data plane)"
else
	bad "Tunnel0 not up within 80 s"
	ik a "show crypto ikev2 sa" "show logging"
	exit 1
fi

check "show crypto engine brief names the kernel XFRM engine" \
	eval 'ik a "show crypto engine brief" | grep -q "crypto engine name:  Linux kernel XFRM"'
check "Tu0 is an xfrm interface with if_id 1" \
	eval 'nsx a ip -d link show Tu0 | grep -qE "xfrm .*if_id 0x1"'
check "Tu0 has 198.18.0.1/30" eval 'nsx a ip -o addr show dev Tu0 | grep -q "inet 198.18.0.1/30"'
check "A routes 203.0.113.0/24 through Tu0" eval 'nsx a ip route show 203.0.113.0/24 | grep -q "dev Tu0"'
check "ip xfrm state on A: 2 ESP SAs with if_id 1" \
	eval '[ "$(nsx a ip xfrm state | grep -c "if_id 0x1")" = 2 ] &&
	      nsx a ip xfrm state | grep -q "rfc4106(gcm(aes))"'
check "ip xfrm policy on A: in/out/fwd with if_id 1" \
	eval 'for d in in out fwd; do nsx a ip xfrm policy | grep -A3 "dir $d" | grep -q "if_id 0x1" || exit 1; done'

# ---- pings, counters
# conn_sum NODE COLUMN: sum of "Encrypt" (4) or "Decrypt" (5) over the SAs
conn_sum() {
	ik "$1" "show crypto engine connections active" |
		awk -v c="$2" '$2 == "IPsec" { s += $c } END { print s + 0 }'
}
diag up
wait_until 10 ping_ok la 203.0.113.2 || true
enc_a0=$(conn_sum a 4)
check "ping lanA -> lanB (20)" nsx la ping -c 20 -i 0.05 -W 2 -q 203.0.113.2
check "ping lanB -> lanA (20)" nsx lb ping -c 20 -i 0.05 -W 2 -q 198.51.100.2
check "ping tunnel address A -> B" ping_ok a 198.18.0.2
enc_a=$(conn_sum a 4) dec_a=$(conn_sum a 5) enc_b=$(conn_sum b 4) dec_b=$(conn_sum b 5)
xo_a=$(xfrm_pkts a out) xi_b=$(xfrm_pkts b in)
log "A encrypt $enc_a0 -> $enc_a decrypt $dec_a; B encrypt $enc_b decrypt $dec_b; ip -s xfrm: A out $xo_a, B in $xi_b"
check "A's encrypt counter grew by >= 41 and equals B's decrypt (+-2)" \
	eval '[ $((enc_a - enc_a0)) -ge 41 ] && [ $(( (enc_a - dec_b) * (enc_a - dec_b) )) -le 4 ]'
check "B's encrypt counter equals A's decrypt (+-2), >= 40" \
	eval '[ "$enc_b" -ge 40 ] && [ $(( (enc_b - dec_a) * (enc_b - dec_a) )) -le 4 ]'
check "the counters are the kernel's (ip -s xfrm state: A out $xo_a, B in $xi_b)" \
	eval '[ $(( (enc_a - xo_a) * (enc_a - xo_a) )) -le 4 ] && [ $(( (dec_b - xi_b) * (dec_b - xi_b) )) -le 4 ]'
ik a "show crypto engine connections active" >/dev/null

# ---- show crypto ipsec sa / session with the kernel's counters
xo_a=$(xfrm_pkts a out) xi_b=$(xfrm_pkts b in)
ipsec_sa a b
ea=$(sa_ctr a encaps) db=$(sa_ctr b decaps) eb=$(sa_ctr b encaps) da=$(sa_ctr a decaps)
log "show crypto ipsec sa: A encaps $ea decaps $da; B encaps $eb decaps $db; ip -s xfrm: A out $xo_a, B in $xi_b"
check "show crypto ipsec sa: #pkts encaps on A ($ea) = #pkts decaps on B ($db), >= 41" \
	eval '[ "${ea:-0}" -ge 41 ] && near "$ea" "$db"'
check "show crypto ipsec sa: #pkts encaps on B ($eb) = #pkts decaps on A ($da), >= 40" \
	eval '[ "${eb:-0}" -ge 40 ] && near "$eb" "$da"'
check "show crypto ipsec sa counters are ip -s xfrm state's (A out $xo_a, B in $xi_b)" \
	eval 'near "$ea" "$xo_a" && near "$db" "$xi_b"'
spi_hex=$(printf '0x%08x' "$(out_spi a)")
check "current outbound spi of A ($spi_hex) is A's outbound SA in the kernel" \
	eval 'nsx a ip xfrm state | awk "/^src 192.0.2.1 dst 192.0.2.2/ { getline; print \$4 }" | grep -qx "$spi_hex"'
PARSE="$SRC/tests/conformance/parse.py"
TPL="$SRC/tests/conformance/templates"
ik a "show crypto ipsec sa detail" >"$LOGS/ipsec-sa-detail-a.txt"
rows=$(python3 "$PARSE" "$TPL/cisco_ios_show_crypto_ipsec_sa_detail.textfsm" <"$LOGS/ipsec-sa-detail-a.txt" 2>&1) || rows=""
check "show crypto ipsec sa detail parses with the ntc template (2 SAs, encaps $ea)" eval '
	[ "$(printf "%s\n" "$rows" | grep -c "\"SA_SPI_HEX\"")" -eq 2 ] &&
	printf "%s\n" "$rows" | grep -q "\"PKTS_ENCAPS\": \"$ea\""'
ik b "show crypto session detail" >"$LOGS/session-detail-b.txt"
rows=$(python3 "$PARSE" "$TPL/cisco_ios_show_crypto_session_detail.textfsm" <"$LOGS/session-detail-b.txt" 2>&1) || rows=""
check "show crypto session detail parses (UP-ACTIVE, 2 SAs) and B's dec'ed = $db" eval '
	printf "%s\n" "$rows" | grep -q "\"SESSION_STATUS\": \"UP-ACTIVE\"" &&
	printf "%s\n" "$rows" | grep -q "\"ACTIVE_SA\": \"2\"" &&
	grep -q "Inbound:  #pkts dec.ed $db drop 0" "$LOGS/session-detail-b.txt"'

# ---- TCP through the tunnel
r=$(tcp_xfer la lb 203.0.113.2 $((2 * 1024 * 1024)))
log "TCP lanA -> lanB: $r"
check "2 MiB TCP lanA -> lanB intact (sha256)" eval '[ "${r%% *}" = OK ]'

# ---- ip tcp adjust-mss 1360: nf_tables rules clamp the forwarded SYNs
check "nf_tables table ip ikesh on A clamps SYNs out of and into Tu0 to 1360" \
	eval 't=$(nsx a nft list table ip ikesh) &&
	      echo "$t" | grep -q "oifname \"Tu0\" tcp flags syn / syn,rst tcp option maxseg size > 1360 tcp option maxseg size set 1360" &&
	      echo "$t" | grep -q "iifname \"Tu0\" tcp flags syn / syn,rst tcp option maxseg size > 1360"'
mss=$(mss_seen la lb 203.0.113.2)
log "MSS lanB got from lanA (1460 sent, Tu0 MTU 1399): $mss"
check "lanB got a SYN MSS <= 1360 from lanA (got $mss)" eval '[ "${mss:-9999}" -le 1360 ] && [ "$mss" -ge 500 ]'

# ---- clear crypto sa: new SAs, traffic resumes
ipsec_sa a
ea_before=$(sa_ctr a encaps)
spis() { nsx "$1" ip xfrm state | awk '/proto esp spi/ { print $4 }' | sort | tr '\n' ' '; }
spi0=$(spis a)
for n in a b; do
	ik $n "configure terminal" "crypto ipsec profile VTI" \
		"set security-association lifetime kilobytes 2560" "end" >/dev/null
done
ik a "clear crypto sa" >/dev/null
new_sas() { [ "$(spis a)" != "$spi0" ] && [ -n "$(spis a)" ] && ping_ok la 203.0.113.2; }
check "clear crypto sa: new SPIs ($spi0-> $(spis a)), ping again" wait_until 30 new_sas
check "the old SAs are gone from the kernel" \
	eval 'for s in $spi0; do nsx a ip xfrm state | grep -q "spi $s" && exit 1; done; exit 0'

# ---- volume lifetime: the kernel's soft expiry starts a rekey
spi1=$(spis a)
r=$(tcp_xfer la lb 203.0.113.2 $((4 * 1024 * 1024)))
log "TCP 4 MiB across the rekey: $r"
check "4 MiB TCP across the volume rekey intact" eval '[ "${r%% *}" = OK ]'
rekeyed() { [ "$(spis a)" != "$spi1" ] && ping_ok la 203.0.113.2; }
check "soft expiry (2560 KB) rekeyed the CHILD_SA: SPIs $spi1-> $(spis a)" wait_until 30 rekeyed
# the counters run on across clear crypto sa and the rekey (IOS)
ipsec_sa a
ea_after=$(sa_ctr a encaps)
log "show crypto ipsec sa: A encaps $ea_before before clear crypto sa, $ea_after after it, 4 MiB and the rekey"
check "A's #pkts encaps ran on across clear crypto sa and the rekey ($ea_before -> $ea_after, >= +3000)" \
	eval '[ "${ea_after:-0}" -ge $((ea_before + 3000)) ]'
ik a "clear crypto sa counters" >/dev/null
ipsec_sa a
ea0=$(sa_ctr a encaps)
ping_ok la 203.0.113.2 5 >/dev/null
ipsec_sa a
ea1=$(sa_ctr a encaps)
check "clear crypto sa counters: A's #pkts encaps $ea_after -> $ea0 (<= 2), then 5 pings -> $ea1" \
	eval '[ "${ea0:-99}" -le 2 ] && [ "$((ea1 - ea0))" -ge 5 ] && [ "$((ea1 - ea0))" -le 7 ]'
check "show crypto engine brief counted the kernel's soft expiry events" \
	eval '{ ik a "show crypto engine brief"; ik b "show crypto engine brief"; } |
	      grep -qE "Expiry events \(s/h\):  [1-9]"'
check "no data-plane errors logged (show logging)" \
	eval '! { ik a "show logging"; ik b "show logging"; } | grep -q "IPSEC-3-DATAPLANE"'

# ---- exit removes what ikesh installed
[ "$FAILS" = 0 ] || diag failed
kill "$PID_a" "$PID_b"
wait "$PID_a" "$PID_b" 2>/dev/null
PIDS=()
check "ikesh exit removes Tu0" eval '! nsx a ip link show Tu0'
check "ikesh exit removes the SAs and policies" \
	eval '[ -z "$(nsx a ip xfrm state)" ] && [ -z "$(nsx a ip xfrm policy)" ] && [ -z "$(nsx b ip xfrm state)" ]'

# ---------------------------------------------------------------- GRE over IPsec
MODE=gre
start a
start b
if wait_until 60 tunnel_up a && wait_until 20 tunnel_up b; then
	ok "GRE: IKE up, Tunnel0 (tunnel mode gre ip) up on both routers"
	check "GRE: Tu0 is a gre link local 192.0.2.1 remote 192.0.2.2" \
		eval 'nsx a ip -d link show Tu0 | grep -q "gre remote 192.0.2.2 local 192.0.2.1"'
	check "GRE: Tu0 has 198.18.0.1/30, A routes 203.0.113.0/24 through it" \
		eval 'nsx a ip -o addr show dev Tu0 | grep -q "inet 198.18.0.1/30" &&
		      nsx a ip route show 203.0.113.0/24 | grep -q "dev Tu0"'
	check "GRE: ip xfrm state on A: 2 transport-mode ESP SAs, no if_id" \
		eval '[ "$(nsx a ip xfrm state | grep -c "proto esp spi .* mode transport")" = 2 ] &&
		      ! nsx a ip xfrm state | grep -q if_id'
	check "GRE: ip xfrm policy on A: out/in for proto gre 192.0.2.1 <-> 192.0.2.2, transport, no if_id" \
		eval 'pol=$(nsx a ip xfrm policy) &&
		      echo "$pol" | grep -A3 "^src 192.0.2.1/32 dst 192.0.2.2/32 proto gre" | grep -q "dir out" &&
		      echo "$pol" | grep -A3 "^src 192.0.2.2/32 dst 192.0.2.1/32 proto gre" | grep -q "dir in" &&
		      echo "$pol" | grep -A4 "proto gre" | grep -q "mode transport" &&
		      ! echo "$pol" | grep -q if_id'
	wait_until 10 ping_ok la 203.0.113.2 || true
	check "GRE: ping lanA -> lanB (20)" nsx la ping -c 20 -i 0.05 -W 2 -q 203.0.113.2
	check "GRE: ping lanB -> lanA (20)" nsx lb ping -c 20 -i 0.05 -W 2 -q 198.51.100.2
	xo_a=$(xfrm_pkts a out) xi_b=$(xfrm_pkts b in)
	ipsec_sa a b
	ea=$(sa_ctr a encaps) db=$(sa_ctr b decaps) eb=$(sa_ctr b encaps) da=$(sa_ctr a decaps)
	log "GRE: show crypto ipsec sa: A encaps $ea decaps $da; B encaps $eb decaps $db; ip -s xfrm: A out $xo_a, B in $xi_b"
	check "GRE: #pkts encaps on A ($ea) = #pkts decaps on B ($db) = ip -s xfrm ($xo_a, $xi_b), >= 20" \
		eval '[ "${ea:-0}" -ge 20 ] && near "$ea" "$db" && near "$ea" "$xo_a" && near "$db" "$xi_b"'
	check "GRE: #pkts encaps on B ($eb) = #pkts decaps on A ($da), >= 20" \
		eval '[ "${eb:-0}" -ge 20 ] && near "$eb" "$da"'
	check "GRE: show crypto ipsec sa: Transport, identities protocol 47" \
		eval 'grep -q "in use settings ={Transport, }" "$LOGS/sa-a.txt" &&
		      grep -q "local  ident (addr/mask/prot/port): (192.0.2.1/255.255.255.255/47/0)" "$LOGS/sa-a.txt"'
	r=$(tcp_xfer la lb 203.0.113.2 $((2 * 1024 * 1024)))
	log "GRE: TCP lanA -> lanB: $r"
	check "GRE: 2 MiB TCP lanA -> lanB intact (sha256)" eval '[ "${r%% *}" = OK ]'
	ipsec_sa a
	check "GRE: the transfer went through ESP (A's encaps $ea -> $(sa_ctr a encaps))" \
		eval '[ "$(sa_ctr a encaps)" -ge $((ea + 1000)) ]'
	check "GRE: no data-plane errors logged" \
		eval '! { ik a "show logging"; ik b "show logging"; } | grep -q "IPSEC-3-DATAPLANE"'
else
	bad "GRE: Tunnel0 not up within 80 s"
fi
[ "$FAILS" = 0 ] || diag gre-failed
kill "$PID_a" "$PID_b"
wait "$PID_a" "$PID_b" 2>/dev/null
PIDS=()
check "GRE: ikesh exit removes Tu0, the SAs and policies" \
	eval '! nsx a ip link show Tu0 && [ -z "$(nsx a ip xfrm state)" ] && [ -z "$(nsx a ip xfrm policy)" ]'

log "RESULT: $([ $FAILS = 0 ] && echo "ALL PASSED" || echo "$FAILS FAILURE(S)") (logs: $LOGS)"
[ $FAILS = 0 ]
