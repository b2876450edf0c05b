# LAN hosts and traffic through a tunnel (sourced; needs common.sh, topo.sh).
#
#   la 198.51.100.2 -- lan0 198.51.100.1 ROUTER a == WAN == ROUTER b 203.0.113.1 lan0 -- 203.0.113.2 lb
#
#   lan_up NODE ROUTER HOST GW     a LAN host namespace behind a router
#   tcp_xfer FROM TO TO-ADDR SIZE  TCP transfer of random data, checked by sha256
#   ping_loss NODE DST ARGS...     ping; prints "SENT RECEIVED"
#
# Unlike topo_lan (a /32 on the router's lo), these hosts are separate
# namespaces: their traffic is forwarded by the router, as in a real site.

# lan_up NODE ROUTER HOST-ADDR ROUTER-ADDR: a LAN host namespace behind ROUTER
# (veth eth0 <-> the router's lan0, /24, default route via the router)
lan_up() {
	local node=$1 router=$2 host=$3 gw=$4 ns rns
	ns=$(ns_of "$node")
	rns=$(ns_of "$router")
	ip netns add "$ns" || die "cannot create namespace $ns"
	scn_track_netns "$ns"
	ip -n "$ns" link set lo up
	ip link add eth0 netns "$ns" type veth peer name lan0 netns "$rns" ||
		die "cannot create the LAN veth of $node"
	ip -n "$ns" addr add "$host/24" dev eth0
	ip -n "$rns" addr add "$gw/24" dev lan0
	ip -n "$ns" link set eth0 up
	ip -n "$rns" link set lan0 up
	ip -n "$ns" route add default via "$gw"
	nsx "$router" sysctl -qw net.ipv4.conf.lan0.rp_filter=0
	wait_until 5 nsx "$node" ping -c1 -W1 "$gw" || die "$node cannot reach its router $gw"
}

# TCP transfer of SIZE octets of random data from node FROM to TO-ADDR
# (a python3 sink on node TO): "OK <bytes> <seconds>" when the sink got
# exactly what was sent (sha256), else "BAD ..." (to stdout).  The sink
# writes the MSS of its socket to $SCN_DIR/sink.mss.
TRAFFIC_PORT=${TRAFFIC_PORT:-5201}
tcp_xfer() { # FROM TO TO-ADDR SIZE
	local from=$1 to=$2 addr=$3 size=$4 got sent pid
	TRAFFIC_PORT=$((TRAFFIC_PORT + 1))
	nsx "$to" "${PY:-/usr/bin/python3}" -c '
import hashlib, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
s.settimeout(30)
c, _ = s.accept()
c.settimeout(30)
with open(sys.argv[3], "w") as f:
    f.write("%d\n" % c.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG))
h = hashlib.sha256()
n = 0
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    h.update(b)
    n += len(b)
print(n, h.hexdigest())' "$addr" "$TRAFFIC_PORT" "$SCN_DIR/sink.mss" >"$SCN_DIR/sink.out" 2>&1 &
	pid=$!
	scn_track "$pid"
	sent=$(nsx "$from" "${PY:-/usr/bin/python3}" -c '
import hashlib, os, socket, sys, time
n = int(sys.argv[3])
data = os.urandom(n)
t0 = time.time()
for _ in range(50):
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("cannot connect")
s.settimeout(30)
t0 = time.time()
s.sendall(data)
s.shutdown(socket.SHUT_WR)
s.recv(1)
s.close()
print(n, hashlib.sha256(data).hexdigest(), "%.3f" % (time.time() - t0))' "$addr" "$TRAFFIC_PORT" "$size" 2>&1) || true
	wait "$pid" 2>/dev/null || true
	got=$(cat "$SCN_DIR/sink.out")
	if [ -n "$got" ] && [ "${sent% *}" = "$got" ]; then
		echo "OK ${sent%% *} ${sent##* }"
	else
		echo "BAD sent '$sent' got '$got'"
	fi
}


# ping_loss NODE DST PING-ARGS...: "SENT RECEIVED" of a ping run (0 0 when
# ping printed no statistics)
ping_loss() {
	local node=$1 dst=$2 out s r
	shift 2
	out=$(nsx "$node" ping -q "$@" "$dst" 2>&1) || true
	s=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1/p')
	r=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\2/p')
	echo "${s:-0} ${r:-0}"
}

# udp_rcvbuf_errors NODE: UDP datagrams the kernel dropped in NODE's
# namespace for want of socket receive buffer space (Udp RcvbufErrors in
# /proc/net/snmp), e.g. ESP in UDP that kernel-libipsec did not read in time
udp_rcvbuf_errors() {
	nsx "$1" awk '$1 == "Udp:" { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 } else print $c["RcvbufErrors"] }' /proc/net/snmp
}

# ping_ok NODE DST [COUNT [INTERVAL]]: every ping answered (2 s each)
ping_ok() { nsx "$1" ping -q -c "${3:-1}" -i "${4:-0.2}" -W 2 "$2" >/dev/null 2>&1; }

# near A B D: |A - B| <= D
near() { [ $((($1 - $2) * ($1 - $2))) -le $(($3 * $3)) ]; }
