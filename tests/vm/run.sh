#!/bin/bash
# The kernel data plane test (tests/vm/kernel_dataplane.sh) in a throw-away
# QEMU VM running Debian's 6.1 kernel (scripts/kernel-vm.sh): the host's
# kernel may lack ESP and xfrm interfaces.  Uses the host-built ikesh of
# BUILD_DIR (nothing is built in the VM); the kernel and initramfs are cached
# in BUILD_DIR/kernel-vm (downloaded once with apt-get, ~15 s), logs go to
# BUILD_DIR/Testing/vm.  Needs root (apt-get download, QEMU, namespaces in
# the guest) and qemu-system-x86 (scripts/install-deps.sh --test).
#
# Usage: tests/vm/run.sh BUILD_DIR     exit status: the test's (0 = passed)
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
rc=0
# the build dir is shared read-write (logs); the source tree is read through
# the read-only host root
"$vm" run --share "$build" --timeout "${VM_TIMEOUT:-900}" -- \
	bash "$top/tests/vm/kernel_dataplane.sh" "$build/ikesh" "$top" "$logs" || rc=$?
echo "kernel data plane VM test: exit $rc after $(($(date +%s) - t0)) s (logs: $logs)"
exit $rc
