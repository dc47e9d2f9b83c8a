#!/usr/bin/env bash
# After compare-difftest.sh named a diverging chunk: boot both kernels once
# more with the tester printing the records of steps FROM..TO, and print
# the first difference (the step and both results), then the notes of the
# tester's mainline model for those steps ("# model: CLASS (why): ...",
# see guest/difftest/model.c).
# ROLES are compare-difftest.sh's (default base,patched): base and emu run
# the tester with -M. -X runs both in cross-version mode.
# Usage: difftest-replay.sh [-r ROLE_A,ROLE_B] [-X] ARCH KERNEL_A KERNEL_B GUESTDIR SEED FROM TO OUTDIR
set -euo pipefail

usage() { echo "usage: difftest-replay.sh [-r ROLE_A,ROLE_B] [-X] ARCH KERNEL_A KERNEL_B GUESTDIR SEED FROM TO OUTDIR" >&2; exit 2; }
roles=base,patched
xarg=
while getopts r:X opt; do
	case $opt in
	r) roles=$OPTARG ;;
	X) xarg=" -X" ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 8 ] || usage
arch=$1 ka=$2 kb=$3 guest=$4 seed=$5 from=$6 to=$7 out=$8
ra=${roles%%,*} rb=${roles#*,}
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$out"
for side in a b; do
	if [ $side = a ]; then role=$ra k=$ka; else role=$rb k=$kb; fi
	case $role in base|emu) m=" -M" ;; *) m= ;; esac
	plan=$out/replay-$side.plan
	{
		echo "write /proc/sys/vm/nr_hugepages 128"
		echo "run difftest-replay 1500 mremap-difftest$m$xarg -s $seed -n $to -v $from -t $to"
	} >"$plan"
	"$here/run-guest.sh" "$arch" "$k" "$guest/initramfs.cpio" "$plan" "$out/replay-$side.log" 1700
	tr -d '\r' <"$out/replay-$side.log" |
		sed -n '/^harness: begin difftest-replay/,/^harness: end difftest-replay/p' >"$out/run-$side.txt"
	grep -E '^(step | )' "$out/run-$side.txt" >"$out/records-$side.txt" || true
done
echo "difftest: $arch seed $seed steps $from-$to, $ra (-) against $rb (+):"
diff -U3 "$out/records-a.txt" "$out/records-b.txt" | sed -n '3,40p' || true
for side in a b; do
	if [ $side = a ]; then role=$ra; else role=$rb; fi
	echo "difftest: model notes, $role:"
	grep -E '^(# model:|step )' "$out/run-$side.txt" | grep -v '^# model: calls' | grep -A1 '^# model:' | grep -v '^--' | head -n 40 || true
done
