#!/usr/bin/env bash
# make soak: the long reliability run, on the KASAN flavour of the base and
# the patched 6.12 kernels (configs/kasan.config), on each arch: fault
# injection at every allocation site of the move path, moves racing with
# access, unmapping and fork, the differential tester over several seeds
# (base against patched, exactly), stress-ng's mremap, bigheap, vm and
# mmapfork stressors with verification, and trinity on the mm system calls
# (scripts/soak-plan.sh). Any splat, divergence, inconsistency or lost data
# fails it. Ends with "N passed, N failed"; figures in build/soak/figures.txt.
# Needs the trees (make tree). Settings (environment):
#   ARCHES       x86_64 arm64
#   SOAK_OPS     differential operations per arch, all seeds (1000000)
#   SOAK_SEEDS   seeds they are split over (10)
#   SOAK_ROUNDS  rounds of the fault injection run (10)
#   SOAK_SECS    seconds of the race run and of stress-ng (600)
#   SOAK_TRINITY_OPS  system calls trinity makes (200000)
#   SOAK_JOBS    guests at a time: 2 (the base and the patched kernel of an
#                arch side by side) when the machine has 2 CPUs or more, else 1
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
S=$top/scripts
B=$top/build
out=$B/soak
R=$out/results.txt
arches=${ARCHES:-x86_64 arm64}
ops=${SOAK_OPS:-1000000}
seeds=${SOAK_SEEDS:-10}
rounds=${SOAK_ROUNDS:-10}
secs=${SOAK_SECS:-600}
tops=${SOAK_TRINITY_OPS:-200000}
jobs=${SOAK_JOBS:-$(( $(nproc) > 1 ? 2 : 1 ))}
t0=$(date +%s)
declare -A tree=([base]=$B/base [patched]=$B/linux)

rm -rf "$out"
mkdir -p "$out"
: >"$R"
stage() { printf '\n== %s (at %ds)\n' "$*" $(( $(date +%s) - t0 )); }
record() { echo "$1" | tee -a "$R"; }
for v in base patched; do
	[ -e "${tree[$v]}/.git" ] || { echo "soak: no ${tree[$v]} (run make tree)" >&2; exit 1; }
done
"$S/soak-plan.sh" "$ops" "$seeds" "$rounds" "$secs" "$tops" >"$out/soak.plan"
echo "soak: $ops differential ops per arch over $seeds seed(s), $rounds injection round(s), ${secs}s race and stress-ng, $tops trinity calls"

for arch in $arches; do
	declare -A img=()
	for v in base patched; do
		stage "build $arch/$v kernel with KASAN"
		if img[$v]=$(FLAVOUR=kasan "$S/build-kernel.sh" "${tree[$v]}" "$arch" \
			"$top/configs" 2>"$out/build-$arch-$v.log"); then
			record "PASS build:$arch/$v/kasan"
		else
			record "FAIL build:$arch/$v/kasan (see $out/build-$arch-$v.log)"
			continue 2
		fi
	done

	stage "guest userspace for $arch, with stress-ng and trinity"
	g=$out/guest-$arch
	if ! bb=$("$S/fetch-static-bin.sh" "$arch" "$B/cache/static-$arch" busybox) ||
	   ! bash_bin=$("$S/fetch-static-bin.sh" "$arch" "$B/cache/static-$arch" bash) ||
	   ! HDR=${tree[patched]}/out-$arch-kasan/usr/include BUSYBOX=$bb BASH_STATIC=$bash_bin \
		"$S/build-guest.sh" "${tree[patched]}" "$arch" "$g" \
		$(make -s --no-print-directory -C "$top" -f Makefile print-selftests ARCH="$arch") >/dev/null ||
	   ! sn=$("$S/fetch-guest-tool.sh" "$arch" "$B/cache/tools-$arch" stress-ng usr/bin/stress-ng) ||
	   ! tr=$("$S/fetch-guest-tool.sh" "$arch" "$B/cache/tools-$arch" trinity usr/bin/trinity); then
		record "FAIL guest:$arch/soak userspace (see above)"
		continue
	fi
	{ cat "$sn" "$tr" | sort -u; echo "file /bin/tap-run $top/guest/tap-run 0755 0 0"; } >"$g/tools.list"
	"$g/gen_init_cpio" "$g/tools.list" >"$g/tools.cpio"
	cat "$g/tools.cpio" >>"$g/initramfs.cpio"

	for v in base patched; do
		stage "$arch/$v soak"
		if [ "$jobs" -gt 1 ]; then
			"$S/run-plan.sh" "$arch" "$v" "${img[$v]}" "$g" "$out/soak.plan" \
				"$out" "$R" >"$out/$arch-$v.verdict" 2>&1 &
		else
			"$S/run-plan.sh" "$arch" "$v" "${img[$v]}" "$g" "$out/soak.plan" "$out" "$R"
		fi
	done
	wait
	[ "$jobs" -gt 1 ] && cat "$out/$arch-base.verdict" "$out/$arch-patched.verdict"
	stage "$arch: differential runs, base against patched"
	for s in $(seq 1 "$seeds"); do
		if cmp=$("$S/compare-difftest.sh" -n "difftest-$s" "$out/$arch-base.log" \
			"$out/$arch-patched.log" 2>&1); then
			record "PASS difftest-$s:$arch $(tail -n 1 <<<"$cmp")"
		else
			record "FAIL difftest-$s:$arch $(tail -n 1 <<<"$cmp")"
		fi
	done
	"$S/soak-figures.sh" "$arch" "$out/$arch-base.log" "$out/$arch-patched.log" >>"$out/figures.txt"
done

stage "summary"
echo "make soak took $(( $(date +%s) - t0 ))s; results in $R, figures in $out/figures.txt"
cat "$out/figures.txt" 2>/dev/null
"$S/summarize.sh" "$R"
