#!/bin/bash
# The kernel data plane tests in ONE boot of a throw-away QEMU VM running
# Debian's 6.1 kernel (scripts/kernel-vm.sh): the host's kernel may lack ESP,
# xfrm interfaces and gre links.  In order: tests/vm/kernel_dataplane.sh
# (ikesh <-> ikesh) and tests/vm/strongswan_kernel.sh (ikesh <-> strongSwan
# with kernel-netlink); both run even when the first fails.  Uses the
# host-built ikesh of BUILD_DIR and the host's strongSwan (nothing is built or
# installed in the VM); the kernel and initramfs are cached in
# BUILD_DIR/kernel-vm (downloaded once with apt-get, ~15 s), logs go to
# BUILD_DIR/Testing/vm/TEST.  Needs root (apt-get download, QEMU, namespaces
# in the guest) and qemu-system-x86 (scripts/install-deps.sh --test).
#
# Usage: tests/vm/run.sh BUILD_DIR     exit status: 0 when every test passed
# VM_TESTS="kernel_dataplane strongswan_kernel" (the default) picks the tests.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
[ -x "$build/ikesh" ] || { echo "$0: no ikesh in $build" >&2; exit 2; }
export KERNEL_VM_CACHE=${KERNEL_VM_CACHE:-$build/kernel-vm}
vm=$top/scripts/kernel-vm.sh
t0=$(date +%s)
if [ ! -f "$KERNEL_VM_CACHE/kernel-vm.conf" ] || [ ! -f "$KERNEL_VM_CACHE/base.cpio" ]; then
	"$vm" prepare
fi
logs=$build/Testing/vm
rm -rf "$logs"
mkdir -p "$logs"
tests=${VM_TESTS:-kernel_dataplane strongswan_kernel}
rc=0
# the build dir is shared read-write (logs); the source tree is read through
# the read-only host root.  In the guest: each test with its own log dir,
# exit 1 when any failed.
"$vm" run --share "$build" --timeout "${VM_TIMEOUT:-900}" -- \
	bash -c 'top=$1 ikesh=$2 logs=$3 rc=0; shift 3
		for t in "$@"; do
			s=$(date +%s)
			bash "$top/tests/vm/$t.sh" "$ikesh" "$top" "$logs/$t"; r=$?
			echo "VM test $t: exit $r after $(($(date +%s) - s)) s"
			[ $r = 0 ] || rc=1
		done
		exit $rc' vm "$top" "$build/ikesh" "$logs" $tests || rc=$?
echo "kernel data plane VM tests ($tests): exit $rc after $(($(date +%s) - t0)) s (logs: $logs)"
exit $rc
