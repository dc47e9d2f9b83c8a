#!/usr/bin/env bash
# make bench: build the kernels of BENCH_VARIANTS for each ARCH (default:
# base and patched 6.12, mainline 7.3 and patched 7.3), boot each with
# plans/bench.plan under QEMU -icount (repeatable guest time) and under
# plain TCG, and print per arch the tables of scripts/bench-table.sh (ns per
# operation, and the ratio): the 6.12 series against its base, the 7.3
# series against its base, and what upgrading from 6.12 to 7.3 changes.
# Tables go to build/bench/ARCH.txt, and one per mode to results/bench-ARCH.txt
# (committed: the cover letters quote it).
# The kernels use configs/bench.config on top of the test config (no
# DEBUG_VM, lockdep or PAGE_TABLE_CHECK); BENCH_FLAVOUR= (empty) benchmarks
# the test kernels themselves.
# Exits non-zero if a kernel or a guest run failed.
# Usage: bench.sh ARCH...
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
S=$top/scripts
B=$top/build
out=$B/bench
[ $# -gt 0 ] || { echo "bench: no ARCH given" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
R=$out/results.txt
: >"$R"
rc=0
flavour=${BENCH_FLAVOUR-bench}
variants=${BENCH_VARIANTS:-base patched mainline patched-7.3}
. "$S/kernel-trees.sh"

for arch in "$@"; do
	case $arch in
	x86_64|arm64) ;;
	*) echo "bench: unknown ARCH '$arch'" >&2; exit 2 ;;
	esac
	declare -A img=()
	for variant in $variants; do
		src=${ktree[$variant]:-}
		[ -n "$src" ] || { echo "bench: unknown variant '$variant'" >&2; exit 2; }
		echo "== build $arch/$variant kernel"
		img[$variant]=$(FLAVOUR=$flavour "$S/build-kernel.sh" "$src" "$arch" "$top/configs" \
			2>"$out/build-$arch-$variant.log") ||
			{ echo "bench: $arch/$variant kernel did not build (see $out/build-$arch-$variant.log)" >&2; exit 1; }
	done
	make -s --no-print-directory -C "$top" guest ARCH="$arch" >/dev/null ||
		{ echo "bench: $arch guest userspace did not build" >&2; exit 1; }
	for mode in icount tcg; do
		for variant in $variants; do
			[ $mode = icount ] && icount=1 || icount=
			# Under plain TCG on a busy host an x86 guest may fail to
			# calibrate its TSC and time in jiffies: boot it again.
			for try in 1 2 3; do
				ICOUNT=$icount RUN_TAG=$mode "$S/run-plan.sh" "$arch" "$variant" \
					"${img[$variant]}" "$B/guest/$arch" "$top/plans/bench.plan" \
					"$out" "$R" || rc=1
				log=$out/$arch-$variant-$mode.log
				"$S/guest-clock-is-jiffies.sh" "$log" || break
				[ $try = 3 ] && { echo "bench: $arch/$variant/$mode: guest clock still jiffies after 3 boots, its figures are n/a"; break; }
				mv "$log" "${log%.log}.try$try.log"
				echo "bench: $arch/$variant/$mode: guest clock is jiffies, booting again (log kept as ${log%.log}.try$try.log)"
			done
		done
	done
	echo "kernels: ${flavour:-test} config" | tee "$out/$arch.txt"
	# The record the cover letters quote: one narrow table per pair and
	# mode, with the commit measured.
	rec=$top/results/bench-$arch.txt
	mkdir -p "$top/results"
	echo "make bench, $arch, $(date -u +%F), harness $(git -C "$top" describe --always --dirty)," \
		"${flavour:-test} config" >"$rec"
	for pair in base:patched mainline:patched-7.3 base:mainline; do
		[[ " $variants " == *" ${pair%%:*} "* && " $variants " == *" ${pair#*:} "* ]] || continue
		echo "-- ${pair%%:*} against ${pair#*:}" | tee -a "$out/$arch.txt"
		PAIR=$pair "$S/bench-table.sh" "$arch" "$out" icount tcg | tee -a "$out/$arch.txt"
		for mode in icount tcg; do
			echo "-- ${pair%%:*} against ${pair#*:} ($mode)" >>"$rec"
			PAIR=$pair "$S/bench-table.sh" "$arch" "$out" $mode >>"$rec"
		done
	done
done
grep -q '^FAIL' "$R" && { echo "bench: a guest run failed:"; grep '^FAIL' "$R"; rc=1; }
exit $rc
