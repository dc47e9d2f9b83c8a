#!/usr/bin/env bash
# After compare-difftest.sh named a diverging chunk: boot the base and the
# patched kernel once more with the tester printing the records of steps
# FROM..TO, and print the first difference (the step and both results).
# Usage: difftest-replay.sh ARCH BASE_KERNEL PATCHED_KERNEL GUESTDIR SEED FROM TO OUTDIR
set -euo pipefail

arch=${1:?usage: difftest-replay.sh ARCH BASE_KERNEL PATCHED_KERNEL GUESTDIR SEED FROM TO OUTDIR}
kbase=${2:?}
kpatched=${3:?}
guest=${4:?}
seed=${5:?}
from=${6:?}
to=${7:?}
out=${8:?}
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$out"
plan=$out/replay.plan
{
	echo "write /proc/sys/vm/nr_hugepages 128"
	echo "run difftest-replay 1500 mremap-difftest -s $seed -n $to -v $from -t $to"
} >"$plan"
for v in base patched; do
	[ $v = base ] && k=$kbase || k=$kpatched
	"$here/run-guest.sh" "$arch" "$k" "$guest/initramfs.cpio" "$plan" "$out/replay-$v.log" 1700
	tr -d '\r' <"$out/replay-$v.log" |
		sed -n '/^harness: begin difftest-replay/,/^harness: end difftest-replay/p' |
		grep -E '^(step | )' >"$out/records-$v.txt" || true
done
echo "difftest: $arch seed $seed steps $from-$to, base (-) against patched (+):"
diff -U3 "$out/records-base.txt" "$out/records-patched.txt" | sed -n '3,40p'
