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
rm -rf "$out"
"$S/profile-prepare.sh" "$out" insn-count "$arch" "$case" || exit

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
