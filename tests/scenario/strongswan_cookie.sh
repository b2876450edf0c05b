#!/usr/bin/env bash
# COOKIE exchange (RFC 7296 2.6) between ikesh and strongSwan.
#   A  strongSwan responder demands a COOKIE, ikesh initiator must retry
#      IKE_SA_INIT with it.  strongSwan's charon.cookie_threshold = N means
#      "COOKIEs while at least N half-open IKE_SAs exist" (0 disables them),
#      so the threshold is 1 and a helper charon on c leaves one half-open
#      IKE_SA on b: b's answers to c are blackholed.
#   B  ikesh responder demands one ("crypto ikev2 cookie-challenge 1", a
#      half-open IKE SA left by c the same way), strongSwan initiator retries.
# Both sides must end up with the SA and the logs must show the COOKIE.
#
#   a 192.0.2.1 ikesh     b 192.0.2.2 strongSwan     c 192.0.2.3 strongSwan helper
#
# usage: strongswan_cookie.sh IKESH SRCDIR
set -uo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/scenario/lib/common.sh"
. "$SRC/tests/scenario/lib/topo.sh"
. "$SRC/tests/scenario/lib/strongswan.sh"
. "$SRC/tests/scenario/lib/ikesh.sh"
scn_init strongswan_cookie "${1:-}" "$SRC"
sw_require
ik_require

topo_up a=192.0.2.1 b=192.0.2.2 c=192.0.2.3
up() { both_sides_up a b 192.0.2.2 192.0.2.1 s2s net; }

# ---------------------------------------------------------------- A
cat >"$SCN_DIR/b-cookie.conf" <<'EOT'
charon {
    cookie_threshold = 1
}
EOT
sw_psk_conf "$SCN_DIR/b-s2s.conf" LOCAL=192.0.2.2 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.1
sw_psk_conf "$SCN_DIR/b-aux.conf" CONN=aux LOCAL=192.0.2.2 REMOTE=192.0.2.3 LOCAL_ID=192.0.2.2 REMOTE_ID=192.0.2.3
cat "$SCN_DIR/b-s2s.conf" "$SCN_DIR/b-aux.conf" >"$SCN_DIR/b.conf"
sw_psk_conf "$SCN_DIR/c-b.conf" CONN=aux LOCAL=192.0.2.3 REMOTE=192.0.2.2 LOCAL_ID=192.0.2.3 REMOTE_ID=192.0.2.2
SW_LOG="net=2" sw_start b "$SCN_DIR/b.conf" "$SCN_DIR/b-cookie.conf"
sw_start c "$SCN_DIR/c-b.conf"
ip -n "$(ns_of b)" route add blackhole 192.0.2.3/32
(sw_initiate c net aux 3 || true) &
scn_track $!
b_halfopen() { sw_sas b | qgrep '^IKE [^ ]* [0-9]* CONNECTING .* 192\.0\.2\.3\['; }
wait_until 5 b_halfopen || die "A: b holds a half-open IKE_SA from c"
pass "A: strongSwan b holds a half-open IKE_SA (from c)"
mb=$(sw_mark b)
ik_svti_conf "$SCN_DIR/a-A.cfg" SUITE=gcm256
ik_start a "$SCN_DIR/a-A.cfg"
check "A: SA up on both sides" wait_until 20 up
check "A: strongSwan sent a COOKIE to ikesh" sw_log_has b "$mb" 'sending COOKIE notify to 192\.0\.2\.1'
check "A: strongSwan got ikesh's retry with the COOKIE first (N(COOKIE) SA KE ...)" \
	sw_log_has b "$mb" 'parsed IKE_SA_INIT request 0 \[ N\(COOKIE\) SA KE'
ik_save_log a
ik_retried() { grep -A2 'IKE_SA_INIT Exchange REQUEST' "$(ik_dir a)/logging.txt" | qgrep '^ NOTIFY(COOKIE) SA KE'; }
check "A: ikesh retried IKE_SA_INIT with the COOKIE first (debug: NOTIFY(COOKIE) SA KE ...)" ik_retried
ik_stop a
sw_stop c
sw_stop b
ip -n "$(ns_of b)" route del blackhole 192.0.2.3/32

# ---------------------------------------------------------------- B
ik_svti_conf "$SCN_DIR/a-B.cfg" SUITE=gcm256 IPSEC_EXTRA=" responder-only" \
	GLOBAL_EXTRA="crypto ikev2 cookie-challenge 1"
ik_start a "$SCN_DIR/a-B.cfg"
sw_psk_conf "$SCN_DIR/c-a.conf" CONN=aux LOCAL=192.0.2.3 REMOTE=192.0.2.1 LOCAL_ID=192.0.2.3 REMOTE_ID=192.0.2.1
sw_start c "$SCN_DIR/c-a.conf"
ip -n "$(ns_of a)" route add blackhole 192.0.2.3/32
(sw_initiate c net aux 3 || true) &
scn_track $!
a_halfopen() { ik_sa a | ik_sa_parse | awk '$4 ~ /^192\.0\.2\.3\// { ok = 1 } END { exit !ok }'; }
check "B: ikesh holds a half-open IKE SA from c" wait_until 5 a_halfopen
SW_LOG="ike=2" sw_start b "$SCN_DIR/b-s2s.conf"
mb=$(sw_mark b)
check "B: strongSwan initiates" sw_initiate b net s2s
check "B: SA up on both sides" wait_until 10 up
check "B: strongSwan received ikesh's COOKIE and retried" sw_log_has b "$mb" 'received COOKIE notify'
check "B: strongSwan's second IKE_SA_INIT carried it" \
	sw_log_has b "$mb" 'generating IKE_SA_INIT request 0 \[ N\(COOKIE\)'
stats_cookie() { ik a "show crypto ikev2 stats" | qgrep -E 'Cookie Challenged Requests: *[1-9]'; }
check "B: show crypto ikev2 stats counts the cookie challenge" stats_cookie

scn_finish
