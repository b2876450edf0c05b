#!/bin/sh
# Build every fuzz/fuzz_*.c with clang + libFuzzer (and ASan/UBSan) against
# the whole core, then run each for a bounded time (default 30 s).
# Crashes are kept under build-fuzz/crashes/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-30}
dir=$top/build-fuzz
cmake -S "$top" -B "$dir" -DCMAKE_C_COMPILER=clang -DIKESH_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$dir" -j"$(nproc)" --target fuzzers
mkdir -p "$dir/crashes"
for f in "$dir"/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus="$dir/corpus-$name"
	mkdir -p "$corpus"
	[ -d "$top/fuzz/corpus/$name" ] && cp -n "$top/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null || true
	echo "fuzzing $name for ${secs}s"
	"$f" -max_total_time="$secs" -max_len=4096 -artifact_prefix="$dir/crashes/$name-" "$corpus" 2>"$dir/$name.log" || {
		tail -50 "$dir/$name.log"
		echo "$name: crash (see $dir/crashes)"
		exit 1
	}
	grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "$dir/$name.log" | tail -1
done
