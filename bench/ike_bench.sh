#!/usr/bin/env bash
# IKE setup benchmark: ikesh against strongSwan 5.9.8, side by side, in one
# run on this machine (see bench/README.md, "IKE setup").  Needs root
# (network namespaces) and strongSwan (scripts/install-deps.sh --test).
#
#   bench/ike_bench.sh [IKESH] [SRC]
#
# Environment: N (SAs per run, default 50), RUNS (default 3, the median is
# shown), MODES ("seq load"), PROPS ("aes256gcm16-prfsha256-ecp256
# aes256-sha256-modp2048"), INITIATOR=0 skips "ikesh as initiator",
# KEEP=1 keeps the state dir, OUT=FILE also writes the raw rows there.
#
# One SA = IKE_SA_INIT + IKE_AUTH (PSK) with one CHILD_SA (ESP aes128gcm16).
# Responder role: the same load generator, a strongSwan initiator with N
# connections (unique identities and PSKs) in namespace i, drives
#   strongswan  charon responder in namespace r (DoS thresholds off), or
#   ikesh       ikesh responder in namespace r (one keyring peer per identity)
# seq  = N x "swanctl --initiate" one after the other,
# load = all N connections loaded at once with start_action = start.
# Initiator role (load): ikesh with N sVTI tunnels towards a charon
# responder holding N addresses, against the charon initiator of the load
# rows; its rate is taken from the responder's log (first IKE_SA_INIT ->
# last CHILD_SA), as ikesh starts its tunnels itself 0-0.4 s after boot.
# CPU per SA = CPU time of the measured process (all threads, from
# /proc/PID/task/*/schedstat) over the run, divided by N.  For ikesh as
# initiator it is its whole life, start-up included (an upper bound).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${2:-$(cd "$HERE/.." && pwd)}
IKESH_BIN=${1:-$SRC/build/ikesh}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
. "$HERE/ike_conf.sh"

N=${N:-50}
RUNS=${RUNS:-3}
MODES=${MODES:-"seq load"}
PROPS=${PROPS:-"aes256gcm16-prfsha256-ecp256 aes256-sha256-modp2048"}
[ "$N" -ge 1 ] && [ "$N" -le 99 ] || { echo "N must be 1..99" >&2; exit 2; }
SCN_TIMEOUT=${SCN_TIMEOUT:-3000}
SCN_KEEP=${KEEP:-}
IK_DEBUG=""			# no debug logging in the measured ikesh
scn_init ike_bench "$IKESH_BIN" "$SRC"
sw_require
ik_require
ROWS="$SCN_DIR/rows.tsv"
: >"$ROWS"

topo_up i=192.0.2.1 r=192.0.2.2
for ((k = 1; k <= N; k++)); do	# selectors' addresses (kernel-libipsec), responder addresses
	ip -n "$(ns_of i)" addr add "198.51.100.$k/32" dev lo
	ip -n "$(ns_of r)" addr add "203.0.113.$k/32" dev lo
	ip -n "$(ns_of r)" addr add "192.0.2.$((100 + k))/24" dev wan0
done

ms() { echo $(($(date +%s%N) / 1000000)); }
# CPU time of a process, all its threads, in ns: the first field of
# /proc/PID/task/*/schedstat (ns on CPU; /proc/PID/stat's utime+stime in
# 10 ms ticks is too coarse for ~1 ms per SA)
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'; }
cpu_ms_per_sa() { awk -v t="$1" -v n="$N" 'BEGIN { printf "%.2f", t / 1e6 / n }'; }

# established CHILD_SAs in a charon log since a mark: count REGEX
count_since() { sw_since "$1" "$2" | grep -Ec -- "$3"; }

# latency per SA from the initiator's log (initiating IKE_SA -> CHILD_SA
# established): "median p90" in ms
latencies() {
	sw_since i "$1" | awk '
	function t(s, a) { split(s, a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
	match($0, /initiating IKE_SA c[0-9]+\[/) { n = substr($0, RSTART + 18); sub(/\[.*/, "", n); if (!(n in s)) s[n] = t($1) }
	match($0, /CHILD_SA c[0-9]+\{[0-9]+\} established/) { n = substr($0, RSTART + 9); sub(/\{.*/, "", n); if (!(n in d)) d[n] = t($1) }
	END { for (n in d) if (n in s) print d[n] - s[n] }' | sort -n |
		awk '{ v[NR] = $1 } END { if (!NR) { print "- -"; exit }
			p = int(NR * 0.9); if (p < 1) p = 1
			printf "%.0f %.0f\n", v[int((NR + 1) / 2)], v[p] }'
}

# per IKE_SA in the responder charon's log: IKE_SA_INIT request parsed ->
# its CHILD_SA established (the initiator's share: its IKE_AUTH), "med p90"
resp_latencies() {
	sw_since r "$1" | awk '
	function t(s, a) { split(s, a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
	function uid(   u) { match($0, /<([a-z]+\|)?[0-9]+>/); u = substr($0, RSTART + 1, RLENGTH - 2); sub(/.*\|/, "", u); return u }
	/parsed IKE_SA_INIT request 0/ { u = uid(); if (!(u in s)) s[u] = t($1) }
	/CHILD_SA net\{[0-9]+\} established/ { u = uid(); if (!(u in d)) d[u] = t($1) }
	END { for (u in d) if (u in s) print d[u] - s[u] }' | sort -n |
		awk '{ v[NR] = $1 } END { if (!NR) { print "- -"; exit }
			p = int(NR * 0.9); if (p < 1) p = 1
			printf "%.0f %.0f\n", v[int((NR + 1) / 2)], v[p] }'
}

# first IKE_SA_INIT request -> last CHILD_SA established in the responder
# charon's log since a mark, in ms (the same clock for both initiators)
logspan() {
	sw_since r "$1" | awk '
	function t(s, a) { split(s, a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
	/parsed IKE_SA_INIT request 0/ && first == "" { first = t($1) }
	/CHILD_SA net\{[0-9]+\} established/ { last = t($1) }
	END { printf "%.0f\n", (first == "" || last == "") ? 0 : last - first }'
}

# row ROLE PEER PROP MODE EST WALL_MS CPU_MS_PER_SA CPU_OTHER LAT RETRANS
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"; }

# responder run: RESP (strongswan|ikesh) PROP MODE
run_responder() {
	local resp=$1 prop=$2 mode=$3 rpid ipid mi r0 r1 i0 i1 t0 t1 n est retr lat
	gen_sw_init "$N" "$prop" none >"$SCN_DIR/init-seq.conf"
	gen_sw_init "$N" "$prop" start >"$SCN_DIR/init-load.conf"
	: >"$SCN_DIR/empty.conf"
	if [ "$resp" = strongswan ]; then
		gen_sw_resp "$N" "$prop" c 192.0.2.2 198.51.100.0/24 >"$SCN_DIR/resp.conf"
		echo "$SW_TUNED" >"$SCN_DIR/tuned.conf"
		sw_start r "$SCN_DIR/resp.conf" "$SCN_DIR/tuned.conf" >/dev/null
		rpid=$(sw_pid r)
	else
		gen_ik_resp "$N" "$prop" >"$SCN_DIR/resp.cfg" || return 1
		ik_start r "$SCN_DIR/resp.cfg" >/dev/null
		rpid=$(ik_pid r)
	fi
	if [ "$mode" = seq ]; then
		sw_start i "$SCN_DIR/init-seq.conf" >/dev/null
	else
		sw_start i "$SCN_DIR/empty.conf" >/dev/null
		cp "$SCN_DIR/init-load.conf" "$(sw_dir i)/swanctl/swanctl.conf"
	fi
	ipid=$(sw_pid i)
	sleep 0.5
	mi=$(sw_mark i)
	r0=$(cpu_ns "$rpid")
	i0=$(cpu_ns "$ipid")
	t0=$(ms)
	if [ "$mode" = seq ]; then
		for ((k = 1; k <= N; k++)); do
			sw i --initiate --child "c$k" --timeout 30 >/dev/null 2>&1
		done
	else
		sw_load i
	fi
	for ((k = 0; k < 6000; k++)); do	# at most 120 s
		n=$(count_since i "$mi" 'CHILD_SA c[0-9]+\{[0-9]+\} established')
		[ "$n" -ge "$N" ] && break
		sleep 0.02
	done
	t1=$(ms)
	r1=$(cpu_ns "$rpid")
	i1=$(cpu_ns "$ipid")
	if [ "$resp" = strongswan ]; then
		est=$(sw_ike_count r any ESTABLISHED)
	else
		est=$(ik_sa_count r 192.0.2.1 READY)
	fi
	retr=$(count_since i "$mi" 'retransmit [0-9]+ of request')
	lat=$(latencies "$mi")
	row responder "$resp" "$prop" "$mode" "$est" $((t1 - t0)) "$(cpu_ms_per_sa $((r1 - r0)))" \
		"$(cpu_ms_per_sa $((i1 - i0)))" "$lat" "$retr"
	sw_stop i
	if [ "$resp" = strongswan ]; then sw_stop r; else ik_stop r; fi
}

# initiator run: INIT (strongswan|ikesh) PROP; all N at once; responder charon
run_initiator() {
	local init=$1 prop=$2 ipid mr i0 i1 n est laddrs
	laddrs=$(seq -s, -f '192.0.2.%g' 101 $((100 + N)))
	if [ "$init" = ikesh ]; then
		gen_sw_resp "$N" "$prop" i "$laddrs" 0.0.0.0/0 >"$SCN_DIR/resp-i.conf"
	else
		gen_sw_resp "$N" "$prop" c 192.0.2.2 198.51.100.0/24 >"$SCN_DIR/resp-i.conf"
	fi
	echo "$SW_TUNED" >"$SCN_DIR/tuned.conf"
	sw_start r "$SCN_DIR/resp-i.conf" "$SCN_DIR/tuned.conf" >/dev/null
	mr=$(sw_mark r)
	if [ "$init" = ikesh ]; then
		gen_ik_init "$N" "$prop" >"$SCN_DIR/init.cfg" || return 1
		ik_start i "$SCN_DIR/init.cfg" >/dev/null	# tunnels start 0-0.4 s after boot
		ipid=$(ik_pid i)
	else
		gen_sw_init "$N" "$prop" start >"$SCN_DIR/init-load.conf"
		sw_start i "$SCN_DIR/empty.conf" >/dev/null
		cp "$SCN_DIR/init-load.conf" "$(sw_dir i)/swanctl/swanctl.conf"
		ipid=$(sw_pid i)
	fi
	i0=0	# ikesh: its whole life, start-up included (an upper bound)
	[ "$init" = ikesh ] || { i0=$(cpu_ns "$ipid"); sw_load i; }
	for ((k = 0; k < 6000; k++)); do
		n=$(count_since r "$mr" 'CHILD_SA net\{[0-9]+\} established')
		[ "$n" -ge "$N" ] && break
		sleep 0.02
	done
	i1=$(cpu_ns "$ipid")
	est=$(sw_ike_count r any ESTABLISHED)
	row initiator "$init" "$prop" load "$est" "$(logspan "$mr")" "$(cpu_ms_per_sa $((i1 - i0)))" - \
		"$(resp_latencies "$mr")" -
	if [ "$init" = ikesh ]; then ik_stop i; else sw_stop i; fi
	sw_stop r
}

echo "N=$N RUNS=$RUNS MODES=$MODES PROPS=$PROPS ($(nproc) cores, $(uname -r))"
for prop in $PROPS; do
	for mode in $MODES; do
		for ((run = 1; run <= RUNS; run++)); do
			for resp in strongswan ikesh; do
				run_responder "$resp" "$prop" "$mode"
				scn_log "$(tail -n 1 "$ROWS")"
			done
		done
	done
	if [ "${INITIATOR:-1}" = 1 ]; then
		for ((run = 1; run <= RUNS; run++)); do
			for init in strongswan ikesh; do
				run_initiator "$init" "$prop"
				scn_log "$(tail -n 1 "$ROWS")"
			done
		done
	fi
done
[ -n "${OUT:-}" ] && cp "$ROWS" "$OUT"
echo
"$HERE/ike_report.sh" "$ROWS" "$N"
