# Helpers shared by the VM tests (kernel_dataplane.sh, strongswan_kernel.sh);
# sourced INSIDE the test VM after the script has set IKESH, SRC, LOGS and P
# (the namespace prefix).  The topology (topology):
#
#   lanA 198.51.100.2 -- 198.51.100.1 A 192.0.2.1 ==wan0== 192.0.2.2 B 203.0.113.1 -- 203.0.113.2 lanB
#
# namespaces $P-a, $P-b (routers), $P-la, $P-lb (LAN hosts).  ikesh routers
# are started with start NODE, which needs the script's render NODE OUT.
mkdir -p "$LOGS"
# vty sockets on a local file system (the log dir may be a 9p share)
SOCKS=$(mktemp -d /run/ikvm.XXXXXX 2>/dev/null || mktemp -d /tmp/ikvm-sock.XXXXXX)
FAILS=0
PIDS=()
T0=$(date +%s)

log() { echo "[$(($(date +%s) - T0))s] $*"; }
ok() { log "ok   - $*"; }
bad() { log "FAIL - $*"; FAILS=$((FAILS + 1)); }
check() { # DESCRIPTION COMMAND...
	local d=$1
	shift
	if ("$@") >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi
}
# wait_until SECONDS COMMAND...: poll every 0.3 s
wait_until() {
	local end=$(($(date +%s) + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.3
	done
}
nsx() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for p in a b la lb; do ip netns del "$P-$p" 2>/dev/null; done
}
trap cleanup EXIT

# ---------------------------------------------------------------- topology
topology() {
	sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	for n in a b la lb; do
		ip netns add "$P-$n"
		ip -n "$P-$n" link set lo up
	done
	ip link add wan0 netns "$P-a" type veth peer name wan0 netns "$P-b"
	ip -n "$P-a" addr add 192.0.2.1/24 dev wan0
	ip -n "$P-b" addr add 192.0.2.2/24 dev wan0
	lan a la 198.51.100.2 198.51.100.1
	lan b lb 203.0.113.2 203.0.113.1
	for n in a b; do
		ip -n "$P-$n" link set wan0 up
		nsx $n sysctl -qw net.ipv4.ip_forward=1
	done
	wait_until 10 nsx a ping -c1 -W1 192.0.2.2 || bad "topology: A cannot reach B"
}
lan() { # ROUTER HOST HOST-ADDR ROUTER-ADDR
	ip link add eth0 netns "$P-$2" type veth peer name lan0 netns "$P-$1"
	ip -n "$P-$2" addr add "$3/24" dev eth0
	ip -n "$P-$1" addr add "$4/24" dev lan0
	ip -n "$P-$2" link set eth0 up
	ip -n "$P-$1" link set lan0 up
	ip -n "$P-$2" route add default via "$4"
}

# ---------------------------------------------------------------- ikesh
ik() { # NODE CMD...: one vty batch
	local n=$1 c args=()
	shift
	for c in "$@"; do args+=(-c "$c"); done
	timeout 30 "$IKESH" "${args[@]}" --socket "$SOCKS/$n.sock" 2>&1 | tee -a "$LOGS/$n-cli.log"
}
start() { # NODE: ikesh --dataplane kernel on the config of render NODE OUT
	render "$1" "$LOGS/$1-$MODE.cfg"
	rm -f "$SOCKS/$1.sock"
	ip netns exec "$P-$1" "$IKESH" -f "$LOGS/$1-$MODE.cfg" --no-console --socket "$SOCKS/$1.sock" \
		--dataplane kernel </dev/null >>"$LOGS/$1.log" 2>&1 &
	PIDS+=($!)
	eval "PID_$1=$!"
	wait_until 20 test -S "$SOCKS/$1.sock" || bad "ikesh on $1 did not open its vty socket"
}
tunnel_up() {
	ik "$1" "show interfaces Tunnel0" | grep -q 'Tunnel0 is up, line protocol is up' &&
		nsx "$1" ip link show Tu0 | grep -qE '<[^>]*\bUP\b'
}
ping_ok() { nsx "$1" ping -c "${3:-1}" -i 0.2 -W 2 "$2"; }

# xfrm_pkts NODE DIR: packets of the SAs from (out) / to (in) the node
xfrm_pkts() {
	local me
	me=$([ "$1" = a ] && echo 192.0.2.1 || echo 192.0.2.2)
	nsx "$1" ip -s xfrm state | awk -v me="$me" -v dir="$2" '
		/^src / { mine = (dir == "out" ? $2 == me : $4 == me) }
		mine && /^[ \t]*[0-9]+\(bytes\), [0-9]+\(packets\)/ { sub(/\(packets\).*/, "", $2); s += $2 }
		END { print s + 0 }'
}

# ipsec_sa NODE...: show crypto ipsec sa interface Tunnel0 into LOGS/sa-NODE.txt
ipsec_sa() { local n; for n in "$@"; do ik "$n" "show crypto ipsec sa interface Tunnel0" >"$LOGS/sa-$n.txt"; done; }
# sa_ctr NODE encaps|decaps, out_spi NODE ("current outbound spi", decimal):
# from the last ipsec_sa NODE
sa_ctr() { sed -n "s/.*#pkts $2: \([0-9]*\),.*/\1/p" "$LOGS/sa-$1.txt" | head -1; }
out_spi() { sed -n 's/.*current outbound spi: 0x[0-9A-F]*(\([0-9]*\)).*/\1/p' "$LOGS/sa-$1.txt" | head -1; }
near() { [ $(( ($1 - $2) * ($1 - $2) )) -le 4 ]; }

# ---------------------------------------------------------------- TCP
PORT=5201
# mss_seen FROM TO TO-ADDR: the MSS the receiver got in the SYN (TCP_MAXSEG
# of the accepted connection: the smaller of its own and the advertised)
mss_seen() {
	local from=$1 to=$2 addr=$3 pid
	PORT=$((PORT + 1))
	nsx "$to" python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); s.settimeout(20)
c, _ = s.accept(); print(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG))' "$addr" "$PORT" >"$LOGS/mss.out" 2>&1 &
	pid=$!
	nsx "$from" python3 -c '
import socket, sys, time
end = time.time() + 15
while True:
    try:
        socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).close(); break
    except OSError:
        if time.time() > end: sys.exit(1)
        time.sleep(0.2)' "$addr" "$PORT" >/dev/null 2>&1
	wait "$pid"
	cat "$LOGS/mss.out"
}
tcp_xfer() { # FROM TO TO-ADDR SIZE: "OK ..." when the sink got exactly what was sent
	local from=$1 to=$2 addr=$3 size=$4 sent got pid
	PORT=$((PORT + 1))
	nsx "$to" python3 -c '
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); s.settimeout(30)
c, _ = s.accept(); c.settimeout(120); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(1 << 16)
    if not b: break
    h.update(b); n += len(b)
print(n, h.hexdigest())' "$addr" "$PORT" >"$LOGS/sink.out" 2>&1 &
	pid=$!
	sent=$(nsx "$from" python3 -c '
import hashlib, os, socket, sys, time
n = int(sys.argv[3]); data = os.urandom(n)
end = time.time() + 20
while True:
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3); break
    except OSError:
        if time.time() > end: sys.exit("cannot connect")
        time.sleep(0.2)
s.settimeout(120); s.sendall(data); s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
print(n, hashlib.sha256(data).hexdigest())' "$addr" "$PORT" "$size" 2>&1)
	wait "$pid"
	got=$(cat "$LOGS/sink.out")
	if [ -n "$got" ] && [ "$sent" = "$got" ]; then echo "OK $got"; else echo "BAD sent '$sent' got '$got'"; fi
}
