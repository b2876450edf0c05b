# Scenario test helpers (sourced by tests/scenario/*.sh): results, waits,
# process tracking, a watchdog and the cleanup trap.
#
#   . "$SRC/tests/scenario/lib/common.sh"
#   scn_init NAME "$@"            # sets IKESH SRC SCN_DIR SCN_P, installs the trap
#   ...
#   scn_finish                     # prints the summary, exits 0/1
#
# Environment:
#   SCN_KEEP=1      keep the state dir (logs, configs) and print its path
#   SCN_TIMEOUT=N   watchdog: the scenario is stopped after N s (default 85)
#   SCN_VERBOSE=1   print the log tails even when everything passed
#
# Everything a scenario starts is recorded (scn_track) and killed by PID on
# exit, whatever the reason (failure, set -e, watchdog, Ctrl-C).  The network
# namespaces it created are deleted; any process still inside them can only
# be one this scenario started (the namespaces are new and private), so it is
# killed by the PID that `ip netns pids` reports.

SCN_PASS=0
SCN_FAIL=0
SCN_PIDS=()
SCN_NETNS=()
SCN_LOGS=()
SCN_DIR=""
SCN_P=""
SCN_NAME=""
SCN_T0=$(date +%s.%N)
SCN_WATCHDOG=""
SCN_PRE_CLEANUP=()

scn_init() {
	SCN_NAME=$1
	IKESH=${2:-}
	SRC=${3:-}
	[ -n "$SRC" ] || SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
	SRC=$(cd "$SRC" && pwd)
	SCN_CONF="$SRC/tests/scenario/configs"
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP  $SCN_NAME: needs root (network namespaces)"
		exit 77
	fi
	# Short unique prefix: namespace names and nothing else (interface
	# names are chosen inside the namespaces, so they cannot collide).
	SCN_P="iks$$"
	SCN_DIR=$(mktemp -d "/tmp/ikscn-$SCN_NAME.XXXXXX")
	chmod 755 "$SCN_DIR"
	trap 'scn_cleanup' EXIT
	trap 'echo "FAIL  $SCN_NAME: interrupted"; SCN_FAIL=$((SCN_FAIL + 1)); exit 130' INT
	trap 'echo "FAIL  $SCN_NAME: stopped by the watchdog after ${SCN_TIMEOUT:-85} s"; SCN_FAIL=$((SCN_FAIL + 1)); exit 124' TERM
	# watchdog: TERM to this shell (its trap cleans up)
	(
		sleep "${SCN_TIMEOUT:-85}" &
		echo $! >"$SCN_DIR/watchdog.pid"
		wait $!
		kill -TERM $$ 2>/dev/null
	) </dev/null >/dev/null 2>&1 &
	SCN_WATCHDOG=$!
	echo "== $SCN_NAME (state $SCN_DIR)"
}

# seconds since scn_init, one decimal
scn_elapsed() { awk -v a="$SCN_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

scn_log() { echo "   [$(scn_elapsed)s] $*"; }

pass() {
	SCN_PASS=$((SCN_PASS + 1))
	echo "PASS  $*"
}

fail() {
	SCN_FAIL=$((SCN_FAIL + 1))
	echo "FAIL  $*"
}

# qgrep ARGS...: grep -q that reads all of its input.  In a pipeline under
# "set -o pipefail", grep -q may exit before the writer is done, the writer
# dies of SIGPIPE and the pipeline fails although grep matched.
qgrep() { grep "$@" >/dev/null; }

# check DESC CMD...   PASS/FAIL by the exit status of CMD
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# die MSG: a setup step failed: FAIL and stop the scenario (cleanup runs)
die() {
	fail "$*"
	exit 1
}

# wait_until TIMEOUT_S CMD...   poll CMD every 0.2 s; 0 when it succeeded
wait_until() {
	local timeout=$1
	shift
	local end=$(($(date +%s%N) / 1000000 + timeout * 1000))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ $(($(date +%s%N) / 1000000)) -lt $end ] || return 1
		sleep 0.2
	done
}

# wait_while TIMEOUT_S CMD...   poll until CMD fails; 0 when it did
wait_while() {
	local timeout=$1
	shift
	wait_until "$timeout" _scn_not "$@"
}
_scn_not() { ! "$@"; }

# holds_for SECONDS CMD...   CMD keeps succeeding for SECONDS (polled)
holds_for() {
	local secs=$1
	shift
	local end=$(($(date +%s%N) / 1000000 + secs * 1000))
	while [ $(($(date +%s%N) / 1000000)) -lt $end ]; do
		"$@" >/dev/null 2>&1 || return 1
		sleep 0.3
	done
	return 0
}

scn_track() { SCN_PIDS+=("$1"); }
# scn_pre_cleanup CMD...: run CMD (e.g. save a router's log buffer) before
# the processes are stopped
scn_pre_cleanup() { SCN_PRE_CLEANUP+=("$*"); }
scn_track_netns() { SCN_NETNS+=("$1"); }
scn_track_log() { SCN_LOGS+=("$1"); }

# alive PID: running and not a zombie
alive() {
	local s
	[ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
	s=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ "$s" != Z ]
}

# stop_pid PID [SIGNAL]: signal (TERM), wait up to 3 s, then KILL
stop_pid() {
	local pid=$1 sig=${2:-TERM} i
	alive "$pid" || return 0
	kill "-$sig" "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 30; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	return 0
}

# render TEMPLATE OUT KEY=VALUE...   copy TEMPLATE to OUT replacing @KEY@
# by VALUE (literally; VALUE may span lines; an empty VALUE on a line of
# its own leaves no blank line).  Every @KEY@ must be given.
render() {
	local in=$1 out=$2 kv n=0
	shift 2
	local keys=()
	for kv in "$@"; do
		n=$((n + 1))
		keys+=("${kv%%=*}")
		export "SCN_RENDER_V$n=${kv#*=}"
	done
	SCN_RENDER_KEYS="${keys[*]}" awk '
	BEGIN { nk = split(ENVIRON["SCN_RENDER_KEYS"], k, " ") }
	{
		line = $0
		for (i = 1; i <= nk; i++) {
			pat = "@" k[i] "@"
			val = ENVIRON["SCN_RENDER_V" i]
			if (line == pat && val == "") { line = "\001"; break }
			res = ""
			while ((p = index(line, pat)) > 0) {
				res = res substr(line, 1, p - 1) val
				line = substr(line, p + length(pat))
			}
			line = res line
		}
		if (line != "\001") print line
	}' "$in" >"$out"
	for ((kv = 1; kv <= n; kv++)); do unset "SCN_RENDER_V$kv"; done
	if grep -q '@[A-Z_][A-Z_0-9]*@' "$out"; then
		echo "render: unreplaced placeholder in $out:" >&2
		grep -n '@[A-Z_][A-Z_0-9]*@' "$out" >&2
		return 1
	fi
}

scn_dump_logs() {
	local f
	for f in "${SCN_LOGS[@]}"; do
		[ -s "$f" ] || continue
		echo "---- last 40 lines of $f"
		tail -n 40 "$f"
	done
}

scn_cleanup() {
	local rc=$? pid ns i
	trap - EXIT INT TERM
	set +e
	if [ -n "$SCN_WATCHDOG" ]; then
		kill "$SCN_WATCHDOG" 2>/dev/null
		[ -r "$SCN_DIR/watchdog.pid" ] && kill "$(cat "$SCN_DIR/watchdog.pid")" 2>/dev/null
		wait "$SCN_WATCHDOG" 2>/dev/null
	fi
	for i in "${SCN_PRE_CLEANUP[@]}"; do
		eval "$i" >/dev/null 2>&1
	done
	# the processes we started, newest first
	for ((i = ${#SCN_PIDS[@]} - 1; i >= 0; i--)); do
		stop_pid "${SCN_PIDS[$i]}"
	done
	# anything left inside our namespaces was started by us too
	for ns in "${SCN_NETNS[@]}"; do
		[ -e "/run/netns/$ns" ] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
	done
	for ((i = ${#SCN_NETNS[@]} - 1; i >= 0; i--)); do
		ip netns del "${SCN_NETNS[$i]}" 2>/dev/null
	done
	if [ "$rc" -ne 0 ] || [ "$SCN_FAIL" -ne 0 ] || [ -n "${SCN_VERBOSE:-}" ]; then
		scn_dump_logs
	fi
	if [ -n "${SCN_KEEP:-}" ]; then
		echo "state kept in $SCN_DIR"
	elif [ -n "$SCN_DIR" ]; then
		rm -rf "$SCN_DIR"
	fi
	if [ "$rc" -eq 0 ] && [ "$SCN_FAIL" -ne 0 ]; then
		rc=1
	fi
	exit "$rc"
}

# print the summary and exit (the EXIT trap cleans up)
scn_finish() {
	echo "$SCN_NAME: $SCN_PASS passed, $SCN_FAIL failed ($(scn_elapsed) s)"
	[ "$SCN_FAIL" -eq 0 ] || exit 1
	exit 0
}
