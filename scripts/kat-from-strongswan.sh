#!/usr/bin/env bash
# kat-from-strongswan.sh - regenerate the IKEv2 key derivation known-answer
# vectors of tests/unit/test_ikev2_crypto.c from REAL strongSwan exchanges.
#
# For every case below it runs two isolated charon daemons (strongSwan
# 5.9.x) in two network namespaces joined by a veth pair (192.0.2.101 and
# 192.0.2.102 only), with debug level 4 for ike/chd/net/enc so that charon
# prints the raw packets, the DH secrets, SKEYSEED, SK_*, the AUTH octets,
# the SK payload plaintexts and the CHILD_SA keys.  The initiator then
#   1. sets up the IKE SA (IKE_SA_INIT + IKE_AUTH with a child, no PFS),
#   2. creates a second child with PFS (CREATE_CHILD_SA with KE),
#   3. rekeys the IKE SA (CREATE_CHILD_SA).
# Installing the CHILD_SAs may fail on a kernel without ESP: the keys are
# derived (and logged) before that, which is all that is needed here.
#
# The logs are parsed by the embedded Python which cross-checks initiator
# and responder values and writes
#   tests/data/ikev2-kat/strongswan_vectors.h   (#included by the test)
#   tests/data/ikev2-kat/<case>.log             (the relevant log lines)
#
# Usage (root): scripts/kat-from-strongswan.sh [OUTDIR]
#   OUTDIR defaults to tests/data/ikev2-kat of this repository.
# Environment: CHARON (default /usr/lib/ipsec/charon), SWANCTL (swanctl),
#   KAT_NS_PREFIX (default ikeshkat), KAT_KEEP=1 keeps the state dir.
# Only processes started here are stopped; the namespaces are deleted at
# exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$HERE/tests/data/ikev2-kat}
CHARON=${CHARON:-/usr/lib/ipsec/charon}
SWANCTL=${SWANCTL:-swanctl}
P=${KAT_NS_PREFIX:-ikeshkat}
NS_I=$P-i
NS_R=$P-r
IP_I=192.0.2.101
IP_R=192.0.2.102
PSK="ikesh-kat-psk-0123456789"
ID_I=initiator.kat.example
ID_R=responder.kat.example
PLUGINS="random nonce openssl aes sha1 sha2 hmac gcm gmp kdf drbg kernel-netlink socket-default vici"

# name | IKE proposal | ESP proposal (IKE_AUTH child) | ESP proposal (PFS child)
CASES=(
	"gcm256_sha384_ecp384|aes256gcm16-prfsha384-ecp384|aes256gcm16|aes256gcm16-ecp384"
	"cbc256_sha256_modp2048|aes256-sha256-prfsha256-modp2048|aes256-sha256|aes256-sha256-modp2048"
	"cbc128_sha1_x25519|aes128-sha1-prfsha1-curve25519|aes128-sha1|aes128-sha1-curve25519"
	"cbc192_sha512_modp2048s256|aes192-sha512-prfsha512-modp2048s256|aes128gcm16|aes128gcm16-modp2048s256"
	"gcm128_sha256_ecp521|aes128gcm16-prfsha256-ecp521|aes192-sha384|aes192-sha384-ecp521"
)

[ "$(id -u)" = 0 ] || { echo "must run as root (network namespaces)" >&2; exit 1; }
[ -x "$CHARON" ] || { echo "charon not found: $CHARON" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 needed" >&2; exit 1; }

WORK=$(mktemp -d /tmp/ikesh-kat.XXXXXX)
declare -A PID=()

log() { echo "kat: $*" >&2; }

stop_charon() { # side
	local pid=${PID[$1]:-}
	[ -n "$pid" ] || return 0
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
	PID[$1]=""
}

cleanup() {
	stop_charon i
	stop_charon r
	ip netns del "$NS_I" 2>/dev/null || true
	ip netns del "$NS_R" 2>/dev/null || true
	if [ "${KAT_KEEP:-0}" = 1 ]; then log "state kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

for ns in "$NS_I" "$NS_R"; do
	[ ! -e "/run/netns/$ns" ] || { echo "namespace $ns exists already" >&2; exit 1; }
done
ip netns add "$NS_I"
ip netns add "$NS_R"
ip link add "$P-vi" netns "$NS_I" type veth peer name "$P-vr" netns "$NS_R"
ip -n "$NS_I" addr add $IP_I/24 dev "$P-vi"
ip -n "$NS_R" addr add $IP_R/24 dev "$P-vr"
for x in "$NS_I:$P-vi" "$NS_R:$P-vr" "$NS_I:lo" "$NS_R:lo"; do
	ip -n "${x%%:*}" link set "${x#*:}" up
done

write_conf() { # dir local remote localid remoteid ike esp pfs_esp
	mkdir -p "$1/run"
	cat >"$1/strongswan.conf" <<EOF
charon {
    load = $PLUGINS
    install_routes = no
    install_virtual_ip = no
    plugins {
        vici {
            socket = unix://$1/charon.vici
        }
    }
    filelog {
        kat {
            path = $1/charon.log
            time_format = %H:%M:%S
            time_add_ms = yes
            ike_name = yes
            flush_line = yes
            default = 1
            ike = 4
            chd = 4
            net = 4
            enc = 4
            cfg = 2
        }
    }
    syslog {
        daemon {
            default = -1
        }
    }
}
swanctl {
    socket = unix://$1/charon.vici
}
EOF
	cat >"$1/swanctl.conf" <<EOF
connections {
    kat {
        version = 2
        local_addrs = $2
        remote_addrs = $3
        proposals = $6
        local {
            auth = psk
            id = $4
        }
        remote {
            auth = psk
            id = $5
        }
        # p first: the responder takes the first child config whose
        # traffic selectors fit, and only p accepts a KE (PFS); in IKE_AUTH
        # strongSwan ignores the DH transform, so p serves child c too
        children {
            p {
                esp_proposals = $8
                start_action = none
            }
            c {
                esp_proposals = $7
                start_action = none
            }
        }
    }
}
secrets {
    ike-kat {
        id-1 = $4
        id-2 = $5
        secret = "$PSK"
    }
}
EOF
}

start_charon() { # side ns dir
	local d=$3 i
	# private mount namespace with DIR/run on /run: charon's hard-coded
	# /var/run/charon.pid lands there; ip netns exec, unshare and sh all
	# exec, so $! is charon itself
	STRONGSWAN_CONF="$d/strongswan.conf" \
	ip netns exec "$2" unshare --mount --propagation private \
		/bin/sh -c 'mount --bind "$1" /run || exit 97; exec "$2"' sh "$d/run" "$CHARON" \
		</dev/null >"$d/charon.out" 2>&1 &
	PID[$1]=$!
	for i in $(seq 150); do
		kill -0 "${PID[$1]}" 2>/dev/null || { cat "$d/charon.out" >&2; return 1; }
		if [ -S "$d/charon.vici" ] && sw "$d" --stats >/dev/null 2>&1; then
			sw "$d" --load-all --noprompt >"$d/load.out" 2>&1 || { cat "$d/load.out" >&2; return 1; }
			return 0
		fi
		sleep 0.1
	done
	return 1
}

sw() { # dir args...
	local d=$1; shift
	STRONGSWAN_CONF="$d/strongswan.conf" SWANCTL_DIR="$d" "$SWANCTL" "$@" --uri "unix://$d/charon.vici"
}

for c in "${CASES[@]}"; do
	IFS='|' read -r name ike esp pfs <<<"$c"
	log "case $name: $ike / $esp / $pfs"
	di=$WORK/$name/i
	dr=$WORK/$name/r
	write_conf "$di" $IP_I $IP_R $ID_I $ID_R "$ike" "$esp" "$pfs"
	write_conf "$dr" $IP_R $IP_I $ID_R $ID_I "$ike" "$esp" "$pfs"
	start_charon r "$NS_R" "$dr"
	start_charon i "$NS_I" "$di"
	# a failing CHILD_SA install (no ESP in the kernel) is not an error here
	sw "$di" --initiate --ike kat --child c --timeout 20 >"$di/initiate.out" 2>&1 || true
	grep -q "IKE_SA kat\[1\] established" "$di/initiate.out" ||
		{ cat "$di/initiate.out" >&2; echo "IKE_SA not established" >&2; exit 1; }
	sw "$di" --initiate --ike kat --child p --timeout 20 >"$di/pfs.out" 2>&1 || true
	sw "$di" --rekey --ike kat >"$di/rekey.out" 2>&1 ||
		{ cat "$di/rekey.out" >&2; echo "IKE rekey failed" >&2; exit 1; }
	sleep 1
	stop_charon i
	stop_charon r
done

mkdir -p "$OUT"
python3 - "$WORK" "$OUT" "$PSK" "${CASES[@]}" <<'PYEOF'
import re, sys

work, out, psk = sys.argv[1], sys.argv[2], sys.argv[3]
cases = [c.split('|') for c in sys.argv[4:]]

LINE = re.compile(r'^(\S+) (\d+)\[(\w+)\] (?:<([^>]*)> )?(.*)$')
HDR = re.compile(r'^(.*?) => (\d+) bytes @ ')
HEX = re.compile(r'^\s*(\d+): (.*)$')

def parse_log(path):
    """-> list of (label, bytes, sub, lineno) dumps, plus kept lines"""
    dumps, open_ = [], {}
    keep = []
    for no, raw in enumerate(open(path, errors='replace'), 1):
        raw = raw.rstrip('\n')
        m = LINE.match(raw)
        if not m:
            continue
        _, th, sub, _, text = m.groups()
        key = (th, sub)
        h = HEX.match(text)
        if h and key in open_:
            d = open_[key]
            toks = [t for t in h.group(2)[:48].split()]
            need = d['len'] - len(d['data'])
            for t in toks[:min(16, need)]:
                d['data'].append(int(t, 16))
            if len(d['data']) == d['len']:
                del open_[key]
            if d['keep']:
                keep.append(raw)
            continue
        hm = HDR.match(text)
        if hm:
            label = hm.group(1).strip()
            d = {'label': label, 'len': int(hm.group(2)), 'data': bytearray(), 'sub': sub,
                 'line': no}
            d['keep'] = sub in ('IKE', 'CHD', 'NET') or label in (
                'IV', 'plain', 'padding', 'assoc', 'encrypted', 'ICV')
            dumps.append(d)
            if d['len']:
                open_[key] = d
            if d['keep']:
                keep.append(raw)
            continue
        if sub in ('IKE', 'CHD') or (sub == 'CFG' and 'proposal' in text):
            keep.append(raw)
    for d in dumps:
        assert len(d['data']) == d['len'], (path, d['label'], d['line'])
        d['data'] = bytes(d['data'])
    return dumps, keep

def find(dumps, label, nth=0, sub=None):
    hits = [d['data'] for d in dumps if d['label'] == label and (sub is None or d['sub'] == sub)]
    return hits[nth] if nth < len(hits) else None

def payloads(data, first):
    """walk a generic payload chain -> list of (type, body)"""
    res, t, off = [], first, 0
    while t != 0:
        nxt, ln = data[off], int.from_bytes(data[off + 2:off + 4], 'big')
        assert ln >= 4 and off + ln <= len(data), 'bad payload chain'
        res.append((t, data[off + 4:off + ln]))
        if t == 46:  # SK: last
            break
        t, off = nxt, off + ln
    return res

def ikemsg(raw):
    if raw[:4] == b'\0\0\0\0':  # non-ESP marker (port 4500)
        raw = raw[4:]
    m = {'raw': raw, 'spi_i': raw[0:8], 'spi_r': raw[8:16], 'exch': raw[18],
         'resp': bool(raw[19] & 0x20), 'mid': int.from_bytes(raw[20:24], 'big')}
    assert int.from_bytes(raw[24:28], 'big') == len(raw), 'IKE length'
    m['pl'] = payloads(raw[28:], raw[16])
    for i, (t, body) in enumerate(m['pl']):
        if t == 46:
            off = 28 + sum(4 + len(b) for _, b in m['pl'][:i])
            m['sk_off'] = off
            m['sk_next'] = raw[off]
    return m

def first(pl, t):
    for tt, b in pl:
        if tt == t:
            return b
    return None

def sa_proto_spi(sa):
    # first proposal: last(1) res(1) len(2) num(1) proto(1) spisize(1) n(1) spi
    return sa[5], sa[8:8 + sa[6]]

def hexs(b):
    return b.hex()

res = []
for name, ike, esp, pfs in cases:
    di, dr = f'{work}/{name}/i/charon.log', f'{work}/{name}/r/charon.log'
    I, keep_i = parse_log(di)
    R, keep_r = parse_log(dr)
    with open(f'{out}/{name}.log', 'w') as f:
        f.write(f'# strongSwan exchange {name}: IKE {ike}, ESP {esp}, PFS child {pfs}\n')
        f.write('# generated by scripts/kat-from-strongswan.sh (filtered charon logs)\n')
        f.write('# ===== initiator =====\n')
        f.write('\n'.join(keep_i) + '\n')
        f.write('# ===== responder =====\n')
        f.write('\n'.join(keep_r) + '\n')

    # every packet as received, with the log of the side that SENT it
    msgs = []
    for recv, send in ((I, R), (R, I)):
        for d in recv:
            if d['sub'] == 'NET' and d['label'] == 'received packet':
                m = ikemsg(d['data'])
                m['sender'] = send
                msgs.append(m)
    for m in msgs:
        if 'sk_off' not in m:
            continue
        body = m['sk_off'] + 4
        ivlen = 8 if 'gcm' in ike.split('-')[0] else 16
        iv = m['raw'][body:body + ivlen]
        sent = m['sender']
        for k, d in enumerate(sent):
            if d['label'] != 'IV' or d['data'] != iv:
                continue
            plain = next(x['data'] for x in sent[k + 1:] if x['label'] == 'plain')
            enc = next(x['data'] for x in sent[k + 1:] if x['label'] == 'encrypted')
            if enc not in m['raw']:
                continue  # same IV under another key
            m['plain'] = plain
            m['inner'] = payloads(plain, m['sk_next'])
            break
        else:
            raise SystemExit(f'{name}: no plaintext for message {m["exch"]}/{m["mid"]}')

    def msg(exch, resp, pred=lambda m: True):
        for m in msgs:
            if m['exch'] == exch and m['resp'] == resp and pred(m):
                return m
        raise SystemExit(f'{name}: message {exch} resp={resp} not found')

    init_q, init_r = msg(34, False), msg(34, True)
    auth_q, auth_r = msg(35, False), msg(35, True)
    is_rekey = lambda m: first(m['inner'], 33) is not None and sa_proto_spi(first(m['inner'], 33))[0] == 1
    is_pfs = lambda m: first(m['inner'], 33) is not None and first(m['inner'], 34) is not None and \
        sa_proto_spi(first(m['inner'], 33))[0] == 3
    pfs_q = msg(36, False, is_pfs)
    rk_q = msg(36, False, is_rekey)
    rk_r = msg(36, True, lambda m: m['mid'] == rk_q['mid'] and is_rekey(m))

    v = {'name': name, 'ike': ike, 'esp': esp, 'pfs': pfs, 'psk': psk.encode()}
    v['spi_i'], v['spi_r'] = init_r['spi_i'], init_r['spi_r']
    v['ni'], v['nr'] = first(init_q['pl'], 40), first(init_r['pl'], 40)
    v['ke_i'], v['ke_r'] = first(init_q['pl'], 34)[4:], first(init_r['pl'], 34)[4:]
    v['init_req'], v['init_resp'] = init_q['raw'], init_r['raw']

    def ikekeys(dumps, nth):
        k = {'gir': find(dumps, 'shared Diffie Hellman secret', nth),
             'skeyseed': find(dumps, 'SKEYSEED', nth)}
        for s in ('d', 'ai', 'ar', 'ei', 'er', 'pi', 'pr'):
            k['sk_' + s] = find(dumps, f'Sk_{s} secret', nth) or b''
        return k
    for nth, pre in ((0, ''), (1, 'rk_')):
        ki, kr = ikekeys(I, nth), ikekeys(R, nth)
        assert ki == kr and ki['gir'] and ki['skeyseed'], f'{name}: IKE keys differ ({pre})'
        for k, val in ki.items():
            v[pre + k] = val
    # AUTH: initiator's log: 1st = its own AUTH, 2nd = responder's (verified)
    for nth, who in ((0, 'i'), (1, 'r')):
        for lab, key in (("IDx'", 'id_'), ('octets = message + nonce + prf(Sk_px, IDx\')', 'octets_'),
                         ('AUTH = prf(prf(secret, keypad), octets)', 'auth_')):
            a, b = find(I, lab, nth), find(R, lab, nth)
            assert a is not None and a == b, f'{name}: {lab} differs'
            v[key + who] = a
    assert v['octets_i'].startswith(v['init_req']) and v['octets_r'].startswith(v['init_resp'])
    assert first(auth_q['inner'], 39)[4:] == v['auth_i'], f'{name}: AUTH payload'
    assert first(auth_q['inner'], 35) == v['id_i'] and first(auth_r['inner'], 36) == v['id_r']
    v['auth_req_msg'], v['auth_req_plain'] = auth_q['raw'], auth_q['plain']
    v['auth_resp_msg'], v['auth_resp_plain'] = auth_r['raw'], auth_r['plain']
    v['auth_req_body'], v['auth_resp_body'] = auth_q['sk_off'] + 4, auth_r['sk_off'] + 4

    # CHILD_SA keys from the responder (the initiator may not get that far)
    def child(nth):
        k = {'seed': find(R, 'seed', nth, 'CHD'), 'gir': find(R, 'DH secret', 0, 'CHD') if nth else b''}
        for lab, key in (('encryption initiator key', 'encr_i'), ('integrity initiator key', 'integ_i'),
                         ('encryption responder key', 'encr_r'), ('integrity responder key', 'integ_r')):
            k[key] = find(R, lab, nth, 'CHD') or b''
        return k
    c0, c1 = child(0), child(1)
    assert c0['seed'] == v['ni'] + v['nr'], f'{name}: child seed != Ni|Nr'
    # the responder's answer may be an error notify (failed install): take
    # Nr from the KEYMAT seed g^ir | Ni | Nr, Ni from the request
    v['pfs_ni'] = first(pfs_q['inner'], 40)
    pre = c1['gir'] + v['pfs_ni']
    assert c1['gir'] and c1['seed'].startswith(pre), f'{name}: PFS child seed'
    v['pfs_nr'] = c1['seed'][len(pre):]
    for k in ('encr_i', 'integ_i', 'encr_r', 'integ_r'):
        v['c_' + k], v['pfs_' + k] = c0[k], c1[k]
    v['pfs_gir'] = c1['gir']
    # IKE rekey: nonces and new SPIs from the CREATE_CHILD_SA plaintexts
    v['rk_ni'], v['rk_nr'] = first(rk_q['inner'], 40), first(rk_r['inner'], 40)
    v['rk_spi_i'] = sa_proto_spi(first(rk_q['inner'], 33))[1]
    v['rk_spi_r'] = sa_proto_spi(first(rk_r['inner'], 33))[1]
    res.append(v)

def algs(prop, esp=False):
    encr = {'aes128': (12, 128), 'aes192': (12, 192), 'aes256': (12, 256),
            'aes128gcm16': (20, 128), 'aes192gcm16': (20, 192), 'aes256gcm16': (20, 256)}
    integ = {'sha1': 2, 'sha256': 12, 'sha384': 13, 'sha512': 14}
    prf = {'prfsha1': 2, 'prfsha256': 5, 'prfsha384': 6, 'prfsha512': 7}
    dh = {'modp2048': 14, 'modp3072': 15, 'modp4096': 16, 'modp2048s256': 24, 'ecp256': 19,
          'ecp384': 20, 'ecp521': 21, 'curve25519': 31}
    e, ii, p, g = None, 0, 0, 0
    for t in prop.split('-'):
        if t in encr: e = encr[t]
        elif t in integ: ii = integ[t]
        elif t in prf: p = prf[t]
        elif t in dh: g = dh[t]
        else: raise SystemExit(f'unknown transform {t}')
    if not p and not esp:
        p = {2: 2, 12: 5, 13: 6, 14: 7}[ii]
    return e[0], e[1], ii, p, g

def cstr(b, indent='\t\t'):
    h = b.hex()
    if not h:
        return '""'
    parts = [h[i:i + 64] for i in range(0, len(h), 64)]
    return ('\n' + indent).join(f'"{p}"' for p in parts)

FIELDS = ['spi_i', 'spi_r', 'ni', 'nr', 'ke_i', 'ke_r', 'gir', 'skeyseed', 'sk_d', 'sk_ai',
          'sk_ar', 'sk_ei', 'sk_er', 'sk_pi', 'sk_pr', 'psk', 'init_req', 'init_resp', 'id_i',
          'id_r', 'octets_i', 'octets_r', 'auth_i', 'auth_r', 'auth_req_msg', 'auth_req_plain',
          'auth_resp_msg', 'auth_resp_plain', 'c_encr_i', 'c_integ_i', 'c_encr_r', 'c_integ_r',
          'pfs_ni', 'pfs_nr', 'pfs_gir', 'pfs_encr_i', 'pfs_integ_i', 'pfs_encr_r', 'pfs_integ_r',
          'rk_spi_i', 'rk_spi_r', 'rk_ni', 'rk_nr', 'rk_gir', 'rk_skeyseed', 'rk_sk_d',
          'rk_sk_ai', 'rk_sk_ar', 'rk_sk_ei', 'rk_sk_er', 'rk_sk_pi', 'rk_sk_pr']

with open(f'{out}/strongswan_vectors.h', 'w') as f:
    f.write('/* Generated by scripts/kat-from-strongswan.sh from real strongSwan exchanges:\n'
            ' * do not edit.  Hex strings; see tests/data/ikev2-kat/<name>.log for the\n'
            ' * charon log lines every value was taken from. */\n')
    f.write('#ifndef IKESH_TEST_STRONGSWAN_VECTORS_H\n#define IKESH_TEST_STRONGSWAN_VECTORS_H\n\n')
    f.write('struct ss_vector {\n\tconst char *name, *ike_proposal, *esp_proposal, *pfs_proposal;\n'
            '\tint encr, encr_keybits, integ, prf, dh;\n'
            '\tint esp_encr, esp_encr_keybits, esp_integ, pfs_dh;\n'
            '\tunsigned auth_req_body, auth_resp_body; /* offset of the SK payload IV */\n')
    for k in FIELDS:
        f.write(f'\tconst char *{k};\n')
    f.write('};\n\nstatic const struct ss_vector ss_vectors[] = {\n')
    for v in res:
        e, kb, ii, p, g = algs(v['ike'])
        ee, ekb, eii, _, _ = algs(v['esp'], True)
        _, _, _, _, pg = algs(v['pfs'], True)
        f.write('\t{\n')
        f.write(f'\t\t.name = "{v["name"]}",\n\t\t.ike_proposal = "{v["ike"]}",\n'
                f'\t\t.esp_proposal = "{v["esp"]}",\n\t\t.pfs_proposal = "{v["pfs"]}",\n')
        f.write(f'\t\t.encr = {e}, .encr_keybits = {kb}, .integ = {ii}, .prf = {p}, .dh = {g},\n')
        f.write(f'\t\t.esp_encr = {ee}, .esp_encr_keybits = {ekb}, .esp_integ = {eii}, .pfs_dh = {pg},\n')
        f.write(f'\t\t.auth_req_body = {v["auth_req_body"]}, .auth_resp_body = {v["auth_resp_body"]},\n')
        for k in FIELDS:
            f.write(f'\t\t.{k} =\n\t\t{cstr(v[k])},\n')
        f.write('\t},\n')
    f.write('};\n\n#endif\n')
print(f'wrote {out}/strongswan_vectors.h with {len(res)} exchanges', file=sys.stderr)
PYEOF
