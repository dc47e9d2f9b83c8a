#!/usr/bin/env bash
# make profile: where the patched kernel spends more or fewer instructions
# than the base in one mremap-bench case. Boots the two bench kernels of
# 'make bench' (built here if missing) under QEMU -icount with the
# profile/insn-count.c plugin, which counts the instructions executed in
# each kernel function, and prints the functions whose count per mremap()
# call differs, with the total. Inlining differs between the kernels, so
# read it per call path rather than per function.
# Usage: profile.sh ARCH CASE   (CASE: a name from guest/mremap-bench.c)
set -uo pipefail

arch=${1:?usage: profile.sh ARCH CASE}
case=${2:?usage: profile.sh ARCH CASE}
top=$(cd "$(dirname "$0")/.." && pwd)
S=$top/scripts
B=$top/build
out=$B/profile
me=profile

case $arch in
x86_64) entry=__x64_sys_mremap ;;
arm64) entry=__arm64_sys_mremap ;;
*) echo "$me: unknown ARCH '$arch' (x86_64 or arm64)" >&2; exit 2 ;;
esac
grep -q "\"$case\"," "$top/guest/mremap-bench.c" ||
	{ echo "$me: no case '$case' in guest/mremap-bench.c" >&2; exit 2; }

rm -rf "$out"
mkdir -p "$out"
gcc -O2 -Wall -shared -fPIC -o "$out/insn-count.so" "$top/profile/insn-count.c" ||
	{ echo "$me: the QEMU plugin did not build" >&2; exit 1; }
make -s --no-print-directory -C "$top" guest ARCH="$arch" >/dev/null ||
	{ echo "$me: $arch guest userspace did not build" >&2; exit 1; }
cat >"$out/profile.plan" <<PLAN
memory 4G
write /proc/sys/kernel/randomize_va_space 0
run mremap-bench 900 mremap-bench $case
PLAN

for variant in base patched; do
	[ $variant = patched ] && src=$B/linux || src=$B/base
	img=$(FLAVOUR=bench "$S/build-kernel.sh" "$src" "$arch" "$top/configs" \
		2>"$out/build-$variant.log") ||
		{ echo "$me: $arch/$variant kernel did not build (see $out/build-$variant.log)" >&2; exit 1; }
	PLUGIN="$out/insn-count.so,map=$src/out-$arch-bench/System.map,out=$out/$variant.txt" \
		ICOUNT=1 "$S/run-plan.sh" "$arch" "$variant" "$img" "$B/guest/$arch" \
		"$out/profile.plan" "$out" "$out/results.txt" >/dev/null ||
		{ echo "$me: the $variant guest run failed (see $out/$arch-$variant.log)" >&2; exit 1; }
	[ -s "$out/$variant.txt" ] ||
		{ echo "$me: no counts from the $variant guest (see $out/$arch-$variant.log)" >&2; exit 1; }
done
grep '^FAIL' "$out/results.txt" && { echo "$me: a guest run failed" >&2; exit 1; }
"$S/profile-table.sh" "$entry" "$out/base.txt" "$out/patched.txt"
