#!/bin/sh
# README command 2: install what is needed, build, and run every test:
#   unit, transcript and config tests, scenario tests (network namespaces,
#   strongSwan; need root), the same unit/transcript tests again under
#   AddressSanitizer + UndefinedBehaviorSanitizer, and bounded fuzz runs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh" --test
jobs=$(nproc)

echo "== build"
"$top/scripts/build.sh" "$top/build"
echo "== tests"
(cd "$top/build" && ctest --output-on-failure -j"$jobs" -LE "scenario|vm")
if [ "$(id -u)" -eq 0 ]; then
	echo "== scenario tests"
	(cd "$top/build" && ctest --output-on-failure -L scenario)
else
	echo "== scenario tests need root (network namespaces): run this script as root" >&2
	exit 1
fi

echo "== kernel data plane in a VM"
(cd "$top/build" && ctest --output-on-failure -L vm)

echo "== sanitizer build (ASan + UBSan)"
"$top/scripts/build.sh" "$top/build-asan" -DIKESH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
(cd "$top/build-asan" && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" -L "unit|transcript")

echo "== fuzzing (bounded)"
"$top/fuzz/run.sh" "${FUZZ_SECONDS:-30}"
echo "== all tests passed"
