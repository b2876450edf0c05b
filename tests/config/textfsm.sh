#!/bin/sh
# Show outputs must parse with the ntc-templates TextFSM templates (copied in
# tests/conformance/templates) and the parsed fields must be what was
# configured.
set -eu
IKESH=$1; top=$2; . "$top/tests/config/lib.inc"
py=/usr/bin/python3
$py -c 'import textfsm' 2>/dev/null || fail "python3-textfsm is not installed (scripts/install-deps.sh --test)"
T=$top/tests/conformance/templates
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
# The output of one show command from a piped session.
show() { # config-file command
	printf 'enable\nterminal length 0\n%s\n' "$2" | "$IKESH" --offline -f "$1" 2>/dev/null |
		sed -n "/#$2\$/,\$p" | sed '1d;$d'
}
parse() { # template
	$py "$top/tests/conformance/parse.py" "$T/$1.textfsm"
}
cfg=$dir/r.cfg
cat > "$cfg" <<'CFG'
interface GigabitEthernet0/0
 ip address 192.0.2.1 255.255.255.0
interface Tunnel0
 ip address 198.18.255.1 255.255.255.252
 tunnel source GigabitEthernet0/0
 tunnel mode ipsec ipv4
 tunnel destination 192.0.2.2
 tunnel protection ipsec profile default
interface Loopback0
 ip address 198.51.100.1 255.255.255.0
 shutdown
ip route 203.0.113.0 255.255.255.0 192.0.2.2
CFG
rows=$(show "$cfg" "show ip interface brief" | parse cisco_ios_show_ip_interface_brief) || fail "show ip interface brief: no rows"
expect_contains "$rows" '"INTERFACE": "GigabitEthernet0/0"' "brief: interface"
expect_contains "$rows" '"IP_ADDRESS": "192.0.2.1"' "brief: address"
expect_contains "$rows" '"IP_ADDRESS": "198.18.255.1"' "brief: tunnel address"
expect_contains "$rows" '"STATUS": "administratively down"' "brief: shutdown loopback"
[ "$(printf '%s' "$rows" | grep -c '"INTERFACE"')" -eq 3 ] || fail "brief: 3 rows expected: $rows"

rows=$(show "$cfg" "show interfaces Tunnel0" | parse cisco_ios_show_interfaces) || fail "show interfaces Tunnel0: no rows"
expect_contains "$rows" '"INTERFACE": "Tunnel0"' "show interfaces: name"
expect_contains "$rows" '"IP_ADDRESS": "198.18.255.1"' "show interfaces: address"
expect_contains "$rows" '"PREFIX_LENGTH": "30"' "show interfaces: prefix length"
expect_contains "$rows" '"HARDWARE_TYPE": "Tunnel"' "show interfaces: hardware"

rows=$(show "$cfg" "show ip route" | parse cisco_ios_show_ip_route) || fail "show ip route: no rows"
expect_contains "$rows" '"NETWORK": "203.0.113.0"' "route: static"
expect_contains "$rows" '"NEXTHOP_IP": "192.0.2.2"' "route: next hop"
expect_contains "$rows" '"NETWORK": "192.0.2.0"' "route: connected"
echo "textfsm: ok"
