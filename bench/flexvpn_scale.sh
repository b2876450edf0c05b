#!/usr/bin/env bash
# FlexVPN hub scale try (bench/README.md, "FlexVPN hub scale"): how many
# spokes one ikesh hub holds on this machine and how fast they come up.
# Not a test; root (network namespaces), strongSwan for the load generator.
#
#   bench/flexvpn_scale.sh [IKESH] [SRC]
#
#   hub 192.0.2.1 (ikesh, Virtual-Template1, pool 198.18.0.1-198.18.3.254)
#    |  lan0 198.51.100.1 -- la 198.51.100.2 (hub LAN host)
#   WAN bridge
#    |- ra 192.0.2.2   one charon, N remote-access clients (vips = 0.0.0.0)
#    |- s1..sM 192.0.2.11..   M ikesh FlexVPN spokes (LAN 203.0.113.K on lo)
#
# Environment: COUNTS ("50 100 200 500 1000": N per strongSwan run, in
# order; the pool holds 1022; the first N that does not come up completely
# ends the series), SPOKES (10: ikesh spokes in a last run, 0 skips it, at
# most 60), DPD (hub `dpd` arguments, "" = none, the default), POLL=hub
# (ask the hub every 0.1 s from the start instead of the cheap signals),
# PERF=N (perf record --call-graph dwarf of the hub during the run with N
# clients: perf-N.data in the state dir, top symbols printed), KEEP=1 keeps
# the state dir.
#
# Per run: a fresh hub; t0 = `swanctl --load-all` of the N connections
# (start_action = start: all initiate at once); "est s" = t0 -> charon
# logged N CHILD_SAs established and the hub's namespace has N TUNs Vi*
# (polled every 0.1 s without asking the hub: `show crypto session` is
# itself O(N^2), ~1 s at N=1000); "up s" = t0 -> the hub's `show crypto
# session | count UP-ACTIVE` is N.  Then: Virtual-Access interfaces
# (`show ip interface brief`), TUNs, pool addresses in use (`show ip local
# pool`), the hub's VmRSS before / after, CPU seconds of the hub and of
# charon over the bring-up (all threads, /proc/PID/task/*/schedstat), UDP
# receive-buffer drops in the hub's namespace, charon's retransmits, the
# time of one `show crypto session`; "down s" = charon stopped (it deletes
# every IKE SA) -> no Virtual-Access left.
# The ikesh run: M spokes (tests/scenario/configs/flexvpn-spoke.cfg.in, a
# /32 LAN each) started at once; up = M UP-ACTIVE on the hub, then one ping
# per spoke LAN -> hub LAN host.
#
# charon has no data plane here: the kernel has no ESP, so its CHILD_SAs go
# to kernel-libipsec (userspace ESP behind one TUN, ipsec0), which accepts
# any number of them at the cost of a little memory; no traffic is sent.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${2:-$(cd "$HERE/.." && pwd)}
IKESH_BIN=${1:-$SRC/build/ikesh}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
. "$SRC/tests/scenario/lib/traffic.sh"
. "$SRC/tests/scenario/lib/flexvpn.sh"
. "$HERE/flexvpn_scale_conf.sh"

COUNTS=${COUNTS:-"50 100 200 500 1000"}
SPOKES=${SPOKES:-10}
DPD=${DPD:-}
POLL=${POLL:-quiet}
[ "$SPOKES" -le 60 ] || { echo "SPOKES must be 0..60" >&2; exit 2; }
SCN_TIMEOUT=${SCN_TIMEOUT:-3600}
SCN_KEEP=${KEEP:-}
IK_DEBUG=""	# no debug logging in the measured hub
scn_init flexvpn_scale "$IKESH_BIN" "$SRC"
sw_require
ik_require
ROWS="$SCN_DIR/rows.txt"
: >"$ROWS"

nodes=(hub=192.0.2.1 ra=192.0.2.2)
for ((k = 1; k <= SPOKES; k++)); do nodes+=("s$k=192.0.2.$((10 + k))"); done
topo_up "${nodes[@]}"
lan_up la hub 198.51.100.2 198.51.100.1
for ((k = 1; k <= SPOKES; k++)); do topo_lan "s$k" "203.0.113.$k"; done
# kernel-libipsec installs a route for each CHILD_SA sourced from the
# virtual IP and fails when that is not a local address (charon itself
# installs no virtual IP here): the whole pool goes on ra's lo beforehand
for ((k = 1; k <= 1022; k++)); do
	echo "addr add 198.18.$((k / 256)).$((k % 256))/32 dev lo"
done | ip -n "$(ns_of ra)" -batch - || die "pool addresses on ra's lo"

ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1000 }'; }
nsec() { awk -v c="$1" 'BEGIN { printf "%.2f", c / 1e9 }'; }
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' /proc/"$1"/status 2>/dev/null; }
# count REGEX in the output of a hub command (ikesh's own "| count")
hub_count() { ik hub "$1 | count $2" | sed -n 's/^Number of lines which match regexp = //p'; }
hub_up() { hub_count "show crypto session" "UP-ACTIVE"; }
hub_va() { hub_count "show ip interface brief" "^Virtual-Access"; }
hub_tuns() { nsx hub ip -o link 2>/dev/null | grep -c ': Vi[0-9]'; }
# UDP datagrams dropped for a full receive buffer in the hub's namespace
hub_rcvbuf_err() { nsx hub cat /proc/net/snmp | awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $6 }'; }
# pool addresses in use: the "In use" column of `show ip local pool`
hub_pool() { ik hub "show ip local pool" | awk '$1 == "SCALE-POOL" { print $NF }'; }

FMT='%-10s %4s %6s %6s %6s %4s %4s %4s %6s %6s %6s %6s %5s %4s %7s %6s  %s'
# shellcheck disable=SC2059
HDR=$(printf "$FMT" peers N est_s up_s up-act VA TUN pool rss0MB rss1MB hubcpu swcpu rcvbf retx show_ms down_s status)

# run_ra N: one charon with N clients against a fresh hub; prints a row,
# returns 1 when not all N came up
run_ra() {
	local n=$1 hpid cpid t0 t1 tr=0 up=0 c0 c1 s0 s1 u0 u1 rss0 st=ok end rc=0 perfpid=""
	gen_fs_hub "$DPD" >"$SCN_DIR/hub.cfg"
	gen_fs_ra "$n" >"$SCN_DIR/ra-$n.conf"
	: >"$SCN_DIR/empty.conf"
	ik_start hub "$SCN_DIR/hub.cfg" >/dev/null
	hpid=$(ik_pid hub)
	sw_start ra "$SCN_DIR/empty.conf" >/dev/null
	cpid=$(sw_pid ra)
	cp "$SCN_DIR/ra-$n.conf" "$(sw_dir ra)/swanctl/swanctl.conf"
	sleep 0.5
	if [ "${PERF:-}" = "$n" ] && command -v perf >/dev/null; then
		perf record --call-graph dwarf,16384 -F 199 -p "$hpid" -o "$SCN_DIR/perf-$n.data" >"$SCN_DIR/perf-$n.out" 2>&1 &
		perfpid=$!
		scn_track "$perfpid"
		sleep 0.5
	fi
	rss0=$(rss_mb "$hpid")
	c0=$(cpu_ns "$hpid")
	s0=$(cpu_ns "$cpid")
	u0=$(hub_rcvbuf_err)
	t0=$(ms)
	sw_load ra || { st="swanctl --load-all failed"; rc=1; }
	end=$((t0 + (60 + n / 5) * 1000))
	# cheap signals first (charon's log, the hub's TUNs: the hub is not
	# asked, so the polling costs it nothing), then the hub's own view
	while [ "$rc" = 0 ]; do
		alive "$hpid" || { st="hub died"; rc=1; break; }
		if [ "$tr" = 0 ] && [ "$(grep -c 'CHILD_SA s[0-9]*{[0-9]*} established' "$(sw_logfile ra)")" -ge "$n" ] &&
			[ "$(hub_tuns)" -ge "$n" ]; then
			tr=$(ms)
		fi
		if [ "$tr" != 0 ] || [ "$POLL" = hub ]; then
			up=$(hub_up)
			if [ "${up:-0}" -ge "$n" ]; then
				t1=$(ms)
				[ "$tr" = 0 ] && tr=$t1
				break
			fi
		fi
		[ "$(ms)" -lt "$end" ] || { st="timeout: $(hub_up) of $n UP-ACTIVE after $(secs "$t0" "$(ms)") s"; rc=1; break; }
		sleep 0.1
	done
	[ "$rc" = 0 ] || t1=$(ms)
	c1=$(cpu_ns "$hpid")
	s1=$(cpu_ns "$cpid")
	u1=$(hub_rcvbuf_err)
	if [ -n "$perfpid" ]; then
		kill -INT "$perfpid" 2>/dev/null
		wait "$perfpid" 2>/dev/null
		perf report -i "$SCN_DIR/perf-$n.data" --children --sort sym --stdio -g none 2>/dev/null |
			grep '%' | head -n 40 >"$SCN_DIR/perf-$n.top"
		scn_log "perf, hub, N=$n (children / self):"
		sed 's/^/      /' "$SCN_DIR/perf-$n.top"
	fi
	local va tuns pool rss1 retr est tdown tshow
	tshow=$(ms)
	hub_up >/dev/null
	tshow=$(($(ms) - tshow))
	va=$(hub_va)
	tuns=$(hub_tuns)
	pool=$(hub_pool)
	rss1=$(rss_mb "$hpid")
	est=$(sw "ra" --list-sas 2>/dev/null | grep -c ': #[0-9]*, ESTABLISHED')
	retr=$(grep -c 'retransmit [0-9]* of request' "$(sw_logfile ra)")
	# teardown: charon deletes its IKE SAs when stopped
	tdown=$(ms)
	sw_stop ra
	wait_until 60 eval '[ "$(hub_va)" = 0 ]' || st="$st; VAs left after charon stop: $(hub_va)"
	tdown=$(secs "$tdown" "$(ms)")
	# shellcheck disable=SC2059
	printf "$FMT\n" strongswan "$n" "$(secs "$t0" "$tr")" "$(secs "$t0" "$t1")" \
		"$up" "$va" "$tuns" "$pool" "$rss0" "$rss1" "$(nsec $((c1 - c0)))" "$(nsec $((s1 - s0)))" \
		$((u1 - u0)) "$retr" "$tshow" "$tdown" "$st (charon: $est established)" | tee -a "$ROWS"
	ik_stop hub
	return $rc
}

# run_spokes M: M ikesh FlexVPN spokes s1..sM, all started at once; up =
# the hub has M UP-ACTIVE sessions; then one ping per spoke, spoke LAN
# (203.0.113.K on lo) -> hub LAN host 198.51.100.2, all must answer
run_spokes() {
	local m=$1 hpid k d t0 t1 tr=0 tp c0 c1 rss0 st=ok up=0 end pings=0 tdown pids=()
	gen_fs_hub "$DPD" >"$SCN_DIR/hub.cfg"
	ik_start hub "$SCN_DIR/hub.cfg" >/dev/null
	hpid=$(ik_pid hub)
	for ((k = 1; k <= m; k++)); do
		fv_spoke_conf "$SCN_DIR/s$k.cfg" HOST="S$k" ID="s$k.example.net" WAN="192.0.2.$((10 + k))" \
			LAN="203.0.113.$k" LANNET="203.0.113.$k" LKEY="$FS_PSK" RKEY="$FS_PSK" DPD="10 2 periodic"
		# a /32 LAN per spoke (the template's are /26)
		sed -i 's/255\.255\.255\.192$/255.255.255.255/; s/ 0\.0\.0\.63$/ 0.0.0.0/' "$SCN_DIR/s$k.cfg"
		d=$(ik_dir "s$k")
		mkdir -p "$d"
		cp "$SCN_DIR/s$k.cfg" "$d/startup-config"
	done
	rss0=$(rss_mb "$hpid")
	c0=$(cpu_ns "$hpid")
	t0=$(ms)
	# started together, without ik_start's wait for each vty socket
	for ((k = 1; k <= m; k++)); do
		d=$(ik_dir "s$k")
		ip netns exec "$(ns_of "s$k")" "$IKESH" -f "$d/startup-config" --no-console \
			--socket "$d/ikesh.sock" </dev/null >>"$d/ikesh.log" 2>&1 &
		pids+=($!)
		scn_track $!
		echo $! >"$d/ikesh.pid.scn"
	done
	end=$((t0 + 60000))
	while :; do
		alive "$hpid" || { st="hub died"; break; }
		[ "$tr" = 0 ] && [ "$(hub_tuns)" -ge "$m" ] && tr=$(ms)
		if [ "$tr" != 0 ]; then
			up=$(hub_up)
			[ "${up:-0}" -ge "$m" ] && break
		fi
		[ "$(ms)" -lt "$end" ] || { st="timeout: $(hub_up) of $m UP-ACTIVE"; break; }
		sleep 0.1
	done
	t1=$(ms)
	[ "$tr" = 0 ] && tr=$t1
	c1=$(cpu_ns "$hpid")
	for ((k = 1; k <= m; k++)); do
		wait_until 10 nsx "s$k" ping -q -c 1 -W 1 -I "203.0.113.$k" 198.51.100.2 && pings=$((pings + 1))
	done
	tp=$(ms)
	[ "$pings" = "$m" ] || st="$st; pings: $pings of $m answered"
	local va tuns pool rss1 tshow
	tshow=$(ms)
	hub_up >/dev/null
	tshow=$(($(ms) - tshow))
	va=$(hub_va)
	tuns=$(hub_tuns)
	pool=$(hub_pool)
	rss1=$(rss_mb "$hpid")
	tdown=$(ms)
	for k in "${pids[@]}"; do kill -TERM "$k" 2>/dev/null; done
	for k in "${pids[@]}"; do stop_pid "$k"; done
	wait_until 60 eval '[ "$(hub_va)" = 0 ]' || st="$st; VAs left after the spokes stopped: $(hub_va)"
	tdown=$(secs "$tdown" "$(ms)")
	# shellcheck disable=SC2059
	printf "$FMT\n" ikesh "$m" "$(secs "$t0" "$tr")" "$(secs "$t0" "$t1")" "$up" "$va" "$tuns" \
		"$pool" "$rss0" "$rss1" "$(nsec $((c1 - c0)))" - - - "$tshow" "$tdown" \
		"$st; $pings/$m pings spoke LAN -> hub LAN ok $(secs "$t0" "$tp") s after start" | tee -a "$ROWS"
	ik_stop hub
}

for n in $COUNTS; do
	scn_log "strongSwan: $n clients"
	run_ra "$n" || { scn_log "stopping the series at N=$n"; break; }
done

if [ "$SPOKES" -gt 0 ]; then
	scn_log "ikesh: $SPOKES spokes"
	run_spokes "$SPOKES"
fi

echo
echo "$(nproc) cores, $(uname -r); hub DPD: ${DPD:-none}"
echo "$HDR"
cat "$ROWS"
