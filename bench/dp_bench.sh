#!/usr/bin/env bash
# Data-plane benchmark: single-stream TCP throughput LAN-to-LAN (iperf3)
# through two routers, in one run:
#
#   la 198.51.100.2 -- 198.51.100.1 a 192.0.2.1 == WAN == 192.0.2.2 b 203.0.113.1 -- 203.0.113.2 lb
#
#   plain       a and b route the LANs to each other over the WAN (baseline)
#   strongswan  strongSwan <-> strongSwan, kernel-libipsec (ESP in UDP 4500,
#               userspace, TUN ipsec0): the reference on a kernel without ESP
#   ikesh       ikesh <-> ikesh, sVTI Tunnel0, userspace data plane (TUN Tu0,
#               raw ESP)
# ESP AES-GCM-128 in both tunnels (IOS "esp-gcm 128", strongSwan aes128gcm16).
# Printed per case: Mbit/s (received), TCP retransmits, CPU of the router
# processes (utime+stime over the run, % of one core), the whole machine's
# busy time (% of all cores x 100), and the ratio ikesh / strongSwan.
#
# --perf: one more ikesh run with `perf record -g` on both ikesh processes
# and a system-wide `perf record -a` (where the two cores go: by command);
# the top symbols (self time) are printed and the data kept in OUTDIR.
#
# Uses the scenario harness (tests/scenario/lib): namespaces iks<pid>-*,
# documentation addresses only, everything stopped and removed at the end.
#
# DP_TUN_QLEN=N (environment): set the txqueuelen of both Tu0 to N first.
#
# usage: bench/dp_bench.sh [--perf] [--time S] [--out OUTDIR] [IKESH]   (root)
#   IKESH defaults to build/ikesh; OUTDIR (results.tsv, perf-*.data/.txt)
#   defaults to ./dp_bench-out
set -uo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
PERF=0 T=10 OUT=$PWD/dp_bench-out IK=$SRC/build/ikesh
while [ $# -gt 0 ]; do
	case $1 in
	--perf) PERF=1 ;;
	--time) T=$2; shift ;;
	--out) OUT=$2; shift ;;
	-h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "unknown option $1" >&2; exit 64 ;;
	*) IK=$1 ;;
	esac
	shift
done
IK=$(cd "$(dirname "$IK")" && pwd)/$(basename "$IK")
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
. "$SRC/tests/scenario/lib/traffic.sh"
SCN_TIMEOUT=${SCN_TIMEOUT:-$((T * 4 + 150))}
scn_init dp_bench "$IK" "$SRC"
sw_require
ik_require
command -v iperf3 >/dev/null || die "iperf3 not installed (scripts/install-deps.sh --test)"
[ $PERF = 0 ] || command -v perf >/dev/null || die "perf not installed (apt-get install linux-perf)"
mkdir -p "$OUT"
IK_DEBUG=""	# no IKE debugging in the log buffer
HZ=$(getconf CLK_TCK)

topo_up a=192.0.2.1 b=192.0.2.2
lan_up la a 198.51.100.2 198.51.100.1
lan_up lb b 203.0.113.2 203.0.113.1
nsx lb iperf3 -s -B 203.0.113.2 >"$SCN_DIR/iperf3-server.log" 2>&1 &
scn_track $!
wait_until 5 eval 'nsx lb ss -ltn | qgrep "203.0.113.2:5201"' || die "iperf3 server did not start"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
sys_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }

RES="$OUT/results.tsv"
printf 'case\tMbit/s\tretrans\trouterA_cpu%%\trouterB_cpu%%\tsystem_busy%%\n' >"$RES"

# measure CASE PID-A PID-B: one iperf3 run la -> lb; a line in results.tsv;
# sets MBPS
measure() {
	local name=$1 pa=$2 pb=$3 a0 b0 a1 b1 s0 s1 json r
	a0=$(cpu_ticks "$pa") b0=$(cpu_ticks "$pb") s0=$(sys_ticks)
	json=$(nsx la iperf3 -c 203.0.113.2 -t "$T" -J 2>&1) || true
	a1=$(cpu_ticks "$pa") b1=$(cpu_ticks "$pb") s1=$(sys_ticks)
	printf '%s\n' "$json" >"$OUT/iperf3-$name.json"
	r=$(/usr/bin/python3 - "$name" "$T" "$HZ" "$((a1 - a0))" "$((b1 - b0))" "$s0" "$s1" "$pa" "$pb" \
		"$OUT/iperf3-$name.json" <<'PY'
import json, sys
name, t, hz, da, db, s0, s1, pa, pb, jf = sys.argv[1:]
t, hz = float(t), float(hz)
try:
    e = json.load(open(jf))["end"]
    mbps = e["sum_received"]["bits_per_second"] / 1e6
    rtx = e["sum_sent"].get("retransmits", 0)
except Exception:
    mbps, rtx = 0.0, -1
s0, s1 = [float(x) for x in s0.split()], [float(x) for x in s1.split()]
busy = (s1[0] - s0[0]) / max(s1[1] - s0[1], 1) * 100
cpu = lambda d, p: "-" if p == "-" else "%.0f" % (int(d) / hz / t * 100)
print("%s\t%.0f\t%d\t%s\t%s\t%.0f" % (name, mbps, rtx, cpu(da, pa), cpu(db, pb), busy))
PY
	)
	printf '%s\n' "$r" >>"$RES"
	MBPS=$(printf '%s\n' "$r" | cut -f2)
	check "$name: iperf3 ran ($MBPS Mbit/s)" eval '[ "${MBPS:-0}" -gt 0 ]'
}

# ---------------------------------------------------------------- plain
nsx a ip route add 203.0.113.0/24 via 192.0.2.2
nsx b ip route add 198.51.100.0/24 via 192.0.2.1
wait_until 5 nsx la ping -c1 -W1 203.0.113.2 || die "plain: no LAN-to-LAN ping"
measure plain - -
PLAIN=$MBPS
nsx a ip route del 203.0.113.0/24
nsx b ip route del 198.51.100.0/24

# ---------------------------------------------------------------- strongSwan
for n in a b; do
	if [ $n = a ]; then l=192.0.2.1 r=192.0.2.2; else l=192.0.2.2 r=192.0.2.1; fi
	sw_psk_conf "$SCN_DIR/sw-$n.conf" LOCAL=$l REMOTE=$r LOCAL_ID=$l REMOTE_ID=$r \
		PROPOSALS=aes128gcm16-prfsha256-ecp256 ESP=aes128gcm16
	sw_start $n "$SCN_DIR/sw-$n.conf"
done
sw_initiate a net s2s || die "strongSwan: CHILD_SA not up"
# 0.0.0.0/0 selectors (like an sVTI): charon installs no routes
nsx a ip route add 203.0.113.0/24 dev ipsec0
nsx b ip route add 198.51.100.0/24 dev ipsec0
wait_until 5 nsx la ping -c1 -W1 203.0.113.2 || die "strongSwan: no LAN-to-LAN ping"
check "strongSwan: ESP AES_GCM_16-128, UDP-encapsulated" \
	eval 'sw_sas a | qgrep "^CHILD s2s net [0-9]* INSTALLED TUNNEL-in-UDP ESP:AES_GCM_16-128 "'
measure strongswan "$(sw_pid a)" "$(sw_pid b)"
SWAN=$MBPS
sw_stop a
sw_stop b

# ---------------------------------------------------------------- ikesh
for n in a b; do
	if [ $n = a ]; then
		set -- HOST=RA LOCAL=192.0.2.1 PEER=192.0.2.2 LAN=198.51.100.1 TUNADDR=198.18.0.1 REMOTE_LAN=203.0.113.0
	else
		set -- HOST=RB LOCAL=192.0.2.2 PEER=192.0.2.1 LAN=203.0.113.1 TUNADDR=198.18.0.2 REMOTE_LAN=198.51.100.0
	fi
	render "$SCN_CONF/ikesh-traffic-router.cfg" "$SCN_DIR/ik-$n.cfg" "$@" \
		IKE_ENCR=aes-gcm-128 IKE_INTEG="" TRANSFORM="esp-gcm 128" IPSEC_EXTRA=""
	ik_start $n "$SCN_DIR/ik-$n.cfg"
done
wait_until 20 eval 'ik_sa_ready a 192.0.2.2 && nsx la ping -c1 -W1 203.0.113.2' ||
	die "ikesh: tunnel not up / no LAN-to-LAN ping"
# experiment knob: a longer TUN queue than the kernel's 500 packets
if [ -n "${DP_TUN_QLEN:-}" ]; then
	for n in a b; do nsx $n ip link set Tu0 txqueuelen "$DP_TUN_QLEN"; done
	scn_log "ikesh: Tu0 txqueuelen $DP_TUN_QLEN"
fi
check "ikesh: transform esp-gcm (128)" eval 'ik a "show crypto ikev2 session detailed" | qgrep "Encr: AES-GCM, keysize: 128, esp_hmac: None"'
# where packets are lost: the kernel drops what it cannot queue to the TUN
# (ikesh does not read fast enough), and what does not fit into the receive
# buffer of ikesh's raw ESP socket
drops() {
	local n
	for n in a b; do
		printf '%s:tun_tx_dropped=%s %s:raw_esp_drops=%s ' $n \
			"$(nsx $n cat /sys/class/net/Tu0/statistics/tx_dropped)" $n \
			"$(nsx $n awk 'NR > 1 && $2 ~ /:0032$/ { d += $NF } END { print d + 0 }' /proc/net/raw)"
	done
}
d0=$(drops)
measure ikesh "$(ik_pid a)" "$(ik_pid b)"
IKESH_MBPS=$MBPS
DROPS="before: $d0
  after:  $(drops)"

if [ $PERF = 1 ]; then
	for n in a b; do
		perf record -g -p "$(ik_pid $n)" -o "$OUT/perf-$n.data" -- sleep "$T" \
			>"$OUT/perf-record-$n.log" 2>&1 &
		scn_track $!
		eval "PERF_$n=$!"
	done
	perf record -a -o "$OUT/perf-all.data" -- sleep "$T" >"$OUT/perf-record-all.log" 2>&1 &
	scn_track $!
	PERF_all=$!
	# system calls and task switches of each router (batching at work)
	for n in a b; do
		perf stat -x, -o "$OUT/perf-stat-$n.txt" -p "$(ik_pid $n)" \
			-e context-switches -e 'syscalls:sys_enter_read' -e 'syscalls:sys_enter_writev' \
			-e 'syscalls:sys_enter_write' -e 'syscalls:sys_enter_sendmmsg' \
			-e 'syscalls:sys_enter_recvmmsg' -e 'syscalls:sys_enter_sendto' \
			-e 'syscalls:sys_enter_epoll_wait' -- sleep "$T" >/dev/null 2>&1 &
		scn_track $!
		eval "PSTAT_$n=$!"
	done
	sleep 0.5
	measure ikesh+perf "$(ik_pid a)" "$(ik_pid b)"
	wait "$PERF_a" "$PERF_b" "$PERF_all" "$PSTAT_a" "$PSTAT_b" 2>/dev/null
	perf report -i "$OUT/perf-all.data" --stdio --sort comm,dso --percent-limit 2 2>/dev/null |
		awk '/^ +[0-9.]+%/ { printf "  %s %s %s\n", $1, $2, $3 }' >"$OUT/perf-all-top.txt"
	for n in a b; do
		perf report -i "$OUT/perf-$n.data" --stdio --no-children --sort symbol \
			>"$OUT/perf-$n.txt" 2>/dev/null
		{
			perf report -i "$OUT/perf-$n.data" --stdio --no-children --sort dso -g none \
				--percent-limit 1 2>/dev/null | awk '/^ +[0-9.]+%/ { printf "%s %s, ", $1, $2 } END { print "" }'
			perf report -i "$OUT/perf-$n.data" --stdio --no-children --sort symbol -g none \
				--percent-limit 1.5 2>/dev/null | awk '/^ +[0-9.]+%/ { print "  " $1, $2, $3 }'
		} >"$OUT/perf-$n-top.txt"
	done
fi
ik_stop a
ik_stop b

# ---------------------------------------------------------------- report
echo
echo "single-stream TCP, la -> lb, $T s, ESP AES-GCM-128 (CPU: % of one core; system: % of all cores)"
column -t -s "$(printf '\t')" "$RES"
RATIO=$(awk -v i="$IKESH_MBPS" -v s="$SWAN" 'BEGIN { printf "%.2f", (s > 0 ? i / s : 0) }')
echo "ikesh / strongSwan: ${RATIO}x   (ikesh / plain: $(awk -v i="$IKESH_MBPS" -v p="$PLAIN" 'BEGIN { printf "%.2f", (p > 0 ? i / p : 0) }'))"
echo "ratio	$RATIO" >>"$RES"
echo "ikesh run, drop counters"
echo "  $DROPS"
if [ $PERF = 1 ]; then
	for n in a b; do
		echo
		echo "perf: top symbols of ikesh on $n ($([ $n = a ] && echo "encrypts the data" || echo "decrypts the data"); $OUT/perf-$n.txt)"
		head -n 15 "$OUT/perf-$n-top.txt"
		printf '  counts over %s s:' "$T"
		awk -F, '$1 ~ /^[0-9]+$/ { e = $3; sub(/^syscalls:sys_enter_/, "", e); printf " %s=%s", e, $1 } END { print "" }' \
			"$OUT/perf-stat-$n.txt" 2>/dev/null
	done
	echo
	echo "perf: the whole machine during the ikesh run, by command and DSO ($OUT/perf-all.data)"
	head -n 20 "$OUT/perf-all-top.txt"
fi
echo "results: $RES"
scn_finish
