#!/usr/bin/env bash
# make profile-call: where the instructions of one mremap() call go, on each
# kernel of KERNELS (base, patched: 6.12; mainline, patched-7.3: 7.3). Boots
# the kernel's bench build (made here if missing) under QEMU -icount with the
# profile/call-tree.c plugin running mremap-bench's CASE, and prints every
# kernel function that ran inside the syscall with its instructions per
# call, inclusive (with what it called) and exclusive (its own), and its
# entries per call (per 512 calls where a kernel needs one call per VMA
# of move-512-vmas, 6.12). A KERNEL of the form NAME=TREE profiles another
# work tree (an experiment: a git worktree of build/linux, say).
# Raw counts in build/profile-call/ARCH-KERNEL-CASE.txt.
# Usage: profile-call.sh ARCH CASE KERNEL...
set -uo pipefail

arch=${1:?usage: profile-call.sh ARCH CASE KERNEL...}
case=${2:?usage: profile-call.sh ARCH CASE KERNEL...}
shift 2
[ $# -gt 0 ] || { echo "profile-call: no KERNEL given (base, patched, mainline, patched-7.3)" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
S=$top/scripts
B=$top/build
out=$B/profile-call
me=profile-call
. "$S/kernel-trees.sh"

case $arch in
x86_64) entry=__x64_sys_mremap ;;
arm64) entry=__arm64_sys_mremap ;;
*) echo "$me: unknown ARCH '$arch' (x86_64 or arm64)" >&2; exit 2 ;;
esac
names=()
for v in "$@"; do
	if [ "${v#*=}" != "$v" ]; then
		ktree[${v%%=*}]=$(realpath "${v#*=}")
		v=${v%%=*}
	fi
	names+=("$v")
	[ -n "${ktree[$v]:-}" ] || { echo "$me: unknown KERNEL '$v' (base, patched, mainline, patched-7.3, or NAME=TREE)" >&2; exit 2; }
	[ -e "${ktree[$v]}/.git" ] || { echo "$me: no tree ${ktree[$v]} for '$v' (make tree, or SERIES=7.3 make tree)" >&2; exit 1; }
done

rm -f "$out/results.txt"
LABEL=$me "$S/profile-prepare.sh" "$out" call-tree "$arch" "$case" || exit

files=()
for v in "${names[@]}"; do
	src=${ktree[$v]}
	img=$(FLAVOUR=bench "$S/build-kernel.sh" "$src" "$arch" "$top/configs" \
		2>"$out/build-$arch-$v.log") ||
		{ echo "$me: $arch/$v kernel did not build (see $out/build-$arch-$v.log)" >&2; exit 1; }
	counts=$out/$arch-$v-$case.txt
	rm -f "$counts"
	PLUGIN="$out/call-tree.so,map=$src/out-$arch-bench/System.map,entry=$entry,out=$counts,arch=$arch" \
		ICOUNT=1 "$S/run-plan.sh" "$arch" "$v" "$img" "$B/guest/$arch" \
		"$out/profile.plan" "$out" "$out/results.txt" >/dev/null ||
		{ echo "$me: the $v guest run failed (see $out/$arch-$v.log)" >&2; exit 1; }
	if fail=$(grep "^FAIL $arch/$v:" "$out/results.txt"); then
		echo "$me: the $v guest run failed: $fail (see $out/$arch-$v.log)" >&2
		exit 1
	fi
	[ -s "$counts" ] && ! grep -q '^calls 0$' "$counts" ||
		{ echo "$me: no calls of $entry counted on $v (see $out/$arch-$v.log)" >&2; exit 1; }
	# 6.12 moves the 512 VMAs of move-512-vmas in 512 calls: per operation.
	grep -q "bench-mode: $case one call per VMA" "$out/$arch-$v.log" && echo "scale 512" >>"$counts"
	files+=("$v=$counts")
done
echo "$arch $case: instructions per call of $entry, inclusive and exclusive, entries per call"
"$S/profile-call-table.sh" "${files[@]}"
