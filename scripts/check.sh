#!/usr/bin/env bash
# make check: every test of the series, base and patched, on both arches.
# Each stage appends "PASS|FAIL|SKIP name detail" lines to the results file;
# the run ends with summarize.sh's "N passed, N failed" and its exit status.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
S=$top/scripts
B=$top/build
ver=${BASE_VERSION:-6.12.117-1~deb12u1}
tree=$B/linux
basetree=$B/base
out=$B/check
R=$out/results.txt
arches=${ARCHES:-x86_64 arm64}
t0=$(date +%s)

rm -rf "$out"
mkdir -p "$out"
: >"$R"
stage() { printf '\n== %s (at %ds)\n' "$*" $(( $(date +%s) - t0 )); }
finish() {
	stage "summary"
	echo "make check took $(( $(date +%s) - t0 ))s; results in $R"
	"$S/summarize.sh" "$R"
	exit $?
}
record() { echo "$1" | tee -a "$R"; }

stage "harness self-tests"
"$top/tests/run-harness-tests.sh" "$R"

stage "dependencies and work tree"
"$S/install-deps.sh" || { record "FAIL setup:deps see the message above"; finish; }
src=$("$S/fetch-base.sh" "$ver" "$B/cache") || { record "FAIL setup:base linux-source-6.12=$ver unavailable"; finish; }
"$S/make-tree.sh" "$src" "$tree" "$basetree" "$top/patches" ||
	{ record "FAIL setup:tree the series does not apply (see above)"; finish; }
record "PASS setup:tree (base $ver + $(grep -cv '^\s*\(#\|$\)' patches/series) patch(es))"

stage "checkpatch --strict"
"$S/check-patches.sh" "$tree" "$top/patches" "$R"

stage "every prefix of the series compiles (x86_64)"
"$S/check-prefixes.sh" "$tree" "$B/prefix" "$top/configs" "$R"

declare -A built
for arch in $arches; do
	for variant in patched base; do
		[ $variant = patched ] && ksrc=$tree || ksrc=$basetree
		stage "build $arch/$variant kernel"
		if img=$("$S/build-kernel.sh" "$ksrc" "$arch" "$top/configs" 2>"$out/build-$arch-$variant.log"); then
			record "PASS build:$arch/$variant"
			built[$arch-$variant]=$img
		else
			record "FAIL build:$arch/$variant $(grep -m1 -E 'error|Error' "$out/build-$arch-$variant.log")"
			sed 's/^/    /' "$out/build-$arch-$variant.log" | tail -n 15
		fi
	done
done

stage "sparse and W=1 against base (x86_64)"
"$S/check-warnings.sh" "$tree" "$basetree" "$top/configs" "$R"

for arch in $arches; do
	stage "guest userspace for $arch"
	[ -n "${built[$arch-patched]:-}" ] || { record "FAIL guest:$arch no patched kernel headers"; continue; }
	if ! bb=$("$S/fetch-busybox.sh" "$arch" "$B/cache/busybox-$arch") ||
	   ! BUSYBOX=$bb "$S/build-guest.sh" "$tree" "$arch" "$B/guest/$arch" \
		$(make -s --no-print-directory -f Makefile print-selftests ARCH="$arch") >/dev/null; then
		record "FAIL guest:$arch userspace did not build"
		continue
	fi
	for variant in patched base; do
		[ -n "${built[$arch-$variant]:-}" ] || continue
		stage "$arch/$variant guest: plans/check.plan"
		"$S/run-plan.sh" "$arch" "$variant" "${built[$arch-$variant]}" "$B/guest/$arch" \
			"$top/plans/check.plan" "$out" "$R"
	done
	if [ $arch = x86_64 ] && [ -n "${built[$arch-patched]:-}" ]; then
		stage "$arch/patched guest: plans/full-validation.plan"
		RUN_TAG=full "$S/run-plan.sh" "$arch" patched "${built[$arch-patched]}" \
			"$B/guest/$arch" "$top/plans/full-validation.plan" "$out" "$R"
	fi
	[ -n "${built[$arch-base]:-}" ] || continue
	stage "$arch: differential tester, base against patched"
	if cmp=$("$S/compare-difftest.sh" "$out/$arch-base.log" "$out/$arch-patched.log" 2>&1); then
		record "PASS difftest:$arch $(tail -n 1 <<<"$cmp")"
	else
		record "FAIL difftest:$arch $(tail -n 1 <<<"$cmp")"
		# "first divergence in chunk K (steps A-B), seed S: ..."
		if [[ $cmp =~ steps\ ([0-9]+)-([0-9]+)\),\ seed\ ([0-9]+) ]]; then
			"$S/difftest-replay.sh" "$arch" "${built[$arch-base]}" "${built[$arch-patched]}" \
				"$B/guest/$arch" "${BASH_REMATCH[3]}" "${BASH_REMATCH[1]}" \
				"${BASH_REMATCH[2]}" "$out/replay-$arch"
		fi
	fi
done

finish
