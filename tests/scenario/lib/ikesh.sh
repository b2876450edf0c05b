# ikesh router helpers (sourced; needs common.sh, topo.sh).
#
#   ik_start NODE CFG     ikesh -f CFG --no-console --socket $SCN_DIR/ik-NODE/ikesh.sock
#                         inside NODE's namespace; stdout+stderr -> ik-NODE/ikesh.log
#   ik NODE CMD...        each CMD through `ikesh -c CMD --socket ...` (one batch)
#   ik_sa NODE [detailed] `show crypto ikev2 sa [detailed]`
#
# The config file is copied into the state dir first, so `write memory` in a
# scenario never touches the source tree.  IK_ARGS adds ikesh options (e.g.
# "--dataplane userspace").

ik_dir() { echo "$SCN_DIR/ik-$1"; }
ik_sock() { echo "$SCN_DIR/ik-$1/ikesh.sock"; }
ik_logfile() { echo "$SCN_DIR/ik-$1/ikesh.log"; }
ik_pid() { cat "$(ik_dir "$1")/ikesh.pid.scn" 2>/dev/null; }
ik_alive() { alive "$(ik_pid "$1")"; }

ik_require() {
	[ -n "$IKESH" ] && [ -x "$IKESH" ] || die "ikesh binary not given or not executable: '$IKESH'"
}

# ik_start NODE CFG
ik_start() {
	local node=$1 cfg=$2 d pid i
	d=$(ik_dir "$node")
	mkdir -p "$d"
	# IKEv2 debugging into the log buffer from the first packet on ("do" runs
	# the exec command while the file is applied, before IKEv2 starts);
	# saved by ik_save_log (at ik_stop and at the end) to ik-NODE/logging.txt
	{
		[ -n "${IK_DEBUG-debug crypto ikev2}" ] && echo "do ${IK_DEBUG-debug crypto ikev2}"
		cat "$cfg"
	} >"$d/startup-config"
	: >>"$d/ikesh.log"
	scn_track_log "$d/ikesh.log"
	rm -f "$d/ikesh.sock"
	# ip netns exec execs: $! is ikesh
	# shellcheck disable=SC2086
	ip netns exec "$(ns_of "$node")" "$IKESH" -f "$d/startup-config" --no-console \
		--socket "$d/ikesh.sock" ${IK_ARGS:-} </dev/null >>"$d/ikesh.log" 2>&1 &
	pid=$!
	scn_track "$pid"
	echo "$pid" >"$d/ikesh.pid.scn"
	for ((i = 0; i < 100; i++)); do
		alive "$pid" || die "ikesh on $node exited during startup (see $d/ikesh.log)"
		[ -S "$d/ikesh.sock" ] && ik "$node" "show version" >/dev/null 2>&1 && break
		sleep 0.1
	done
	[ -S "$d/ikesh.sock" ] || die "ikesh on $node did not open its vty socket within 10 s"
	if [ ! -e "$d/logging.txt" ]; then
		: >"$d/logging.txt"
		scn_track_log "$d/logging.txt"
		scn_pre_cleanup ik_save_log "$node"
	fi
	scn_log "ikesh on $node: pid $pid"
}

# ik_save_log NODE: append the router's log buffer (show logging) to
# ik-NODE/logging.txt and clear it
ik_save_log() {
	local node=$1 d
	d=$(ik_dir "$node")
	ik_alive "$node" || return 0
	{
		echo "==== show logging at $(scn_elapsed) s (pid $(ik_pid "$node"))"
		timeout 10 "$IKESH" -c "show logging" -c "clear logging" --socket "$(ik_sock "$node")" 2>&1
	} >>"$d/logging.txt"
}

# ik_stop NODE [SIGNAL]
ik_stop() {
	local pid
	ik_save_log "$1"
	pid=$(ik_pid "$1")
	[ -n "$pid" ] && stop_pid "$pid" "${2:-TERM}"
}

# ik NODE CMD...: run the commands in one vty batch session; the output goes
# to stdout and is appended to ik-NODE/cli.log; the exit status is ikesh's
ik() {
	local node=$1 c rc=0 out
	shift
	local args=()
	for c in "$@"; do args+=(-c "$c"); done
	out=$(timeout 20 "$IKESH" "${args[@]}" --socket "$(ik_sock "$node")" 2>&1) || rc=$?
	{
		echo "[$(scn_elapsed)s] ${*}"
		printf '%s\n' "$out"
	} >>"$(ik_dir "$node")/cli.log"
	printf '%s\n' "$out"
	return $rc
}

# ik_conf NODE LINE...: configure terminal, LINEs, end
ik_conf() {
	local node=$1
	shift
	ik "$node" "configure terminal" "$@" "end"
}

ik_sa() { ik "$1" "show crypto ikev2 sa${2:+ $2}"; }

# ik_sa_parse: `show crypto ikev2 sa` (IOS layout) to records, one per SA:
#   SA TUNNEL-ID LOCAL REMOTE FVRF/IVRF STATUS
# e.g.  SA 1 192.0.2.1/4500 192.0.2.2/4500 none/none READY
ik_sa_parse() {
	awk '$1 ~ /^[0-9]+$/ && $2 ~ /\/[0-9]+$/ && $3 ~ /\/[0-9]+$/ { print "SA", $1, $2, $3, $4, $NF }'
}

# ik_sa_status NODE PEER-IP: the status of the (last listed) IKE SA with that
# remote address
ik_sa_status() {
	ik_sa "$1" | ik_sa_parse | awk -v r="$2" 'index($4, r "/") == 1 { s = $6 } END { print s }'
}

# ik_sa_ready NODE PEER-IP: an IKE SA with that peer is READY (during a
# rekey the old one may be listed too, in another state)
ik_sa_ready() { [ "$(ik_sa_count "$1" "$2" READY)" -ge 1 ]; }

# ik_sa_count NODE PEER-IP [STATUS]
ik_sa_count() {
	ik_sa "$1" | ik_sa_parse | awk -v r="$2" -v s="${3:-}" '
		index($4, r "/") == 1 && (s == "" || $6 == s) { c++ } END { print c + 0 }'
}

# ik_no_sa NODE PEER-IP: no IKE SA with that peer
ik_no_sa() { [ "$(ik_sa_count "$1" "$2")" -eq 0 ]; }

# ik_sa_detail_has NODE REGEX: `show crypto ikev2 sa detailed` matches REGEX
ik_sa_detail_has() { ik_sa "$1" detailed | qgrep -E -- "$2"; }

# ik_sa_spis NODE PEER-IP: "LOCALSPI REMOTESPI" of the (first) SA with the peer,
# from `show crypto ikev2 sa detailed` ("Local spi: X  Remote spi: Y")
ik_sa_spis() {
	ik_sa "$1" detailed | awk -v r="$2" '
		$1 ~ /^[0-9]+$/ && $3 ~ /\/[0-9]+$/ { cur = (index($3, r "/") == 1) }
		cur && /Local spi:/ {
			for (i = 1; i <= NF; i++) {
				if ($i == "spi:" && $(i-1) == "Local") l = $(i+1)
				if ($i == "spi:" && $(i-1) == "Remote") rr = $(i+1)
			}
			print l, rr; exit
		}'
}

ik_mark() { stat -c %s "$(ik_logfile "$1")"; }
ik_since() { tail -c +"$(($2 + 1))" "$(ik_logfile "$1")"; }
ik_log_has() { ik_since "$1" "$2" | qgrep -E -- "$3"; }

# ik_svti_conf OUT KEY=VALUE...: render configs/ikesh-svti.cfg.in.  SUITE=
# gcm256|cbc256|cbc128 picks the IKE proposal and transform set of the
# issue's three suites (ENCR/INTEG_LINE/PRF/GROUP/TRANSFORM override it):
#   gcm256  aes-gcm-256 / prf sha384 / group 20   esp-gcm 256
#   cbc256  aes-cbc-256 / sha256 / group 14       esp-aes 256 esp-sha256-hmac
#   cbc128  aes-cbc-128 / sha1 / group 31         esp-aes 128 esp-sha-hmac
# strongSwan's matching proposals: sw_suite_proposal / sw_suite_esp.
ik_svti_conf() {
	local out=$1 kv suite=gcm256
	shift
	for kv in "$@"; do [ "${kv%%=*}" = SUITE ] && suite=${kv#*=}; done
	local -A v=(
		[HOST]=IKESH [LOCAL]=192.0.2.1 [PEER]=192.0.2.2 [LAN]=198.51.100.1
		[PSK]=scenario-psk-0123456789
		[GLOBAL_EXTRA]="" [PROFILE_EXTRA]="" [IPSEC_EXTRA]=""
	)
	case $suite in
	gcm256) v[ENCR]=aes-gcm-256 v[INTEG_LINE]="" v[PRF]=sha384 v[GROUP]=20 v[TRANSFORM]="esp-gcm 256" ;;
	cbc256) v[ENCR]=aes-cbc-256 v[INTEG_LINE]=" integrity sha256" v[PRF]=sha256 v[GROUP]=14
		v[TRANSFORM]="esp-aes 256 esp-sha256-hmac" ;;
	cbc128) v[ENCR]=aes-cbc-128 v[INTEG_LINE]=" integrity sha1" v[PRF]=sha1 v[GROUP]=31
		v[TRANSFORM]="esp-aes 128 esp-sha-hmac" ;;
	*) die "ik_svti_conf: unknown SUITE $suite" ;;
	esac
	for kv in "$@"; do
		[ "${kv%%=*}" = SUITE ] && continue
		v[${kv%%=*}]=${kv#*=}
	done
	local args=()
	for kv in "${!v[@]}"; do args+=("$kv=${v[$kv]}"); done
	render "$SCN_CONF/ikesh-svti.cfg.in" "$out" "${args[@]}"
}

# ik_session_parse: `show crypto ikev2 session detailed` to records:
#   SA    TUNNEL-ID LOCAL REMOTE FVRF/IVRF STATUS
#   CHILD TUNNEL-ID REMOTE SPI-IN SPI-OUT ENCR KEYSIZE ESP-HMAC MODE
# SPIs as 8 lower-case hex digits (as swanctl prints them).
ik_session_parse() {
	awk '
	function flush() {
		if (have) print "CHILD", id, rem, si, so, enc, ks, hm, mode
		have = 0
	}
	function hex(s) { sub(/^0[xX]/, "", s); s = tolower(s); while (length(s) < 8) s = "0" s; return s }
	$1 ~ /^[0-9]+$/ && $2 ~ /\/[0-9]+$/ && $3 ~ /\/[0-9]+$/ {
		flush(); id = $1; rem = $3
		print "SA", $1, $2, $3, $4, $NF
		next
	}
	/^Child sa: / { flush(); have = 1; si = "-"; so = "-"; enc = "-"; ks = "-"; hm = "-"; mode = "-"; next }
	have && /ESP spi in\/out:/ {
		split($NF, p, "/"); si = hex(p[1]); so = hex(p[2]); next
	}
	have && /^          Encr: / {
		enc = $2; sub(/,$/, "", enc); ks = $4; sub(/,$/, "", ks); hm = $6; next
	}
	have && /ah_hmac:.* mode / { mode = $NF; next }
	END { flush() }'
}

# ik_children NODE: CHILD records of every SA (see ik_session_parse)
ik_children() { ik "$1" "show crypto ikev2 session detailed" | ik_session_parse | awk '$1 == "CHILD"'; }

# ik_child_count NODE PEER-IP
ik_child_count() {
	ik_children "$1" | awk -v r="$2" 'index($3, r "/") == 1 { c++ } END { print c + 0 }'
}

# ik_child_has_spis NODE PEER-IP "SPI-IN SPI-OUT": ikesh has a CHILD SA with
# exactly these SPIs (pass the peer's "in out" swapped)
ik_child_has_spis() {
	ik_children "$1" | awk -v r="$2" -v s="$3" '
		index($3, r "/") == 1 && ($4 " " $5) == s { ok = 1 } END { exit !ok }'
}

# What `show crypto ikev2 sa` prints for the suites (see ik_svti_conf)
ik_suite_ike() {
	case $1 in
	gcm256) echo "Encr: AES-GCM, keysize: 256, PRF: SHA384, Hash: None, DH Grp:20" ;;
	cbc256) echo "Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14" ;;
	cbc128) echo "Encr: AES-CBC, keysize: 128, PRF: SHA1, Hash: SHA96, DH Grp:31" ;;
	esac
}
# ... and for the CHILD SA (ik_children fields ENCR KEYSIZE ESP-HMAC)
ik_suite_child() {
	case $1 in
	gcm256) echo "AES-GCM 256 None" ;;
	cbc256) echo "AES-CBC 256 SHA256" ;;
	cbc128) echo "AES-CBC 128 SHA96" ;;
	esac
}

# ik_sa_has NODE PEER-IP TEXT: the SA with that peer shows TEXT (fixed
# string) in `show crypto ikev2 sa detailed`
ik_sa_has() {
	ik_sa "$1" detailed | awk -v r="$2" -v t="$3" '
		$1 ~ /^[0-9]+$/ && $3 ~ /\/[0-9]+$/ { cur = (index($3, r "/") == 1) }
		cur && index($0, t) { ok = 1 }
		END { exit !ok }'
}

# ik_child_algs NODE PEER-IP: "ENCR KEYSIZE ESP-HMAC" of the first CHILD SA
ik_child_algs() {
	ik_children "$1" | awk -v r="$2" 'index($3, r "/") == 1 { print $6, $7, $8; exit }'
}

# ik_child_spis NODE PEER-IP: "SPI-IN SPI-OUT" of the first CHILD SA
ik_child_spis() {
	ik_children "$1" | awk -v r="$2" 'index($3, r "/") == 1 { print $4, $5; exit }'
}

# both_sides_up IKESH-NODE SW-NODE PEER-IP-OF-SW IKESH-IP CONN CHILD: the
# IKE SA is READY on ikesh and ESTABLISHED on strongSwan, strongSwan has
# the CHILD_SA INSTALLED and ikesh holds the same SPIs (mirrored)
both_sides_up() {
	local ik=$1 sw=$2 swip=$3 ikip=$4 conn=$5 child=$6 spis
	ik_sa_ready "$ik" "$swip" || return 1
	sw_ike_established "$sw" "$conn" "$ikip" || return 1
	spis=$(sw_child_spis "$sw" "$child")
	[ -n "$spis" ] || return 1
	ik_child_has_spis "$ik" "$swip" "${spis#* } ${spis% *}"
}

# ik_ipsec_counter NODE FIELD [INTERFACE]: a counter of the interface
# (Tunnel0) from `show crypto ipsec sa interface ...`, FIELD as printed
# after "#pkts " (encaps, decaps, ...); asked again if the vty answer had
# none; 0 when there is none at all
ik_ipsec_counter() {
	local i v
	for i in 1 2 3; do
		v=$(ik "$1" "show crypto ipsec sa interface ${3:-Tunnel0}" |
			awk -v f="#pkts $2:" '{ i = index($0, f); if (i) { s = substr($0, i + length(f)); sub(/^ */, "", s); sub(/[^0-9].*/, "", s); print s; exit } }') || v=""
		[ -n "$v" ] && break
		scn_log "ik_ipsec_counter $1 $2: no answer (try $i)"
		sleep 0.2
	done
	echo "${v:-0}"
}

# ik_out_spi NODE [INTERFACE]: the current outbound SPI (0xHEX) of the
# interface (Tunnel0) from `show crypto ipsec sa interface ...`
ik_out_spi() {
	ik "$1" "show crypto ipsec sa interface ${2:-Tunnel0}" |
		sed -n 's/^ *current outbound spi: \(0x[0-9A-F]*\)(.*$/\1/p' | head -n1
}
