#!/bin/sh
# Install the Debian 12 packages ikesh needs.
#   install-deps.sh          build and run
#   install-deps.sh --test   also what the test suite needs (strongSwan, textfsm, clang fuzzer runtime,
#                            QEMU for the kernel data plane VM test: tests/vm/run.sh)
set -eu
build="build-essential cmake pkg-config bison flex libssl-dev libnl-3-dev
       libnl-route-3-dev libnl-xfrm-3-dev libreadline-dev check iproute2"
test="strongswan-charon strongswan-swanctl libcharon-extra-plugins
      libstrongswan-extra-plugins iputils-ping python3 python3-textfsm clang
      libclang-rt-14-dev nftables procps iperf3
      qemu-system-x86 xz-utils zstd"
want=$build
[ "${1:-}" = "--test" ] && want="$build $test"

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing:$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
