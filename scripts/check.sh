#!/usr/bin/env bash
# make check: every test of the series, on both arches, on three kernels:
# the patched 6.12 kernel, the base 6.12 kernel it must equal outside its
# deliberate changes, and mainline (7.3) whose mremap() it must equal.
# Each stage appends "PASS|FAIL|SKIP name detail" lines to the results file;
# the run ends with summarize.sh's "N passed, N failed" and its exit status.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
S=$top/scripts
B=$top/build
ver=${BASE_VERSION:-6.12.117-1~deb12u1}
mlver=${MAINLINE_VERSION:-7.3.4-1~bpo13+1}
mlsuite=${MAINLINE_SUITE:-trixie-backports}
tree=$B/linux
basetree=$B/base
mltree=$B/linux-7.3
mlbase=$B/base-7.3
out=$B/check
R=$out/results.txt
arches=${ARCHES:-x86_64 arm64}
t0=$(date +%s)

rm -rf "$out"
mkdir -p "$out"
: >"$R"
# What was checked, for the cover letters (scripts/cover-letter.sh).
git -C "$top" describe --always --dirty >"$out/commit" 2>/dev/null || echo unknown >"$out/commit"
stage() { printf '\n== %s (at %ds)\n' "$*" $(( $(date +%s) - t0 )); }
finish() {
	stage "summary"
	echo "make check took $(( $(date +%s) - t0 ))s; results in $R"
	"$S/summarize.sh" "$R" | tee "$out/summary"
	exit "${PIPESTATUS[0]}"
}
record() { echo "$1" | tee -a "$R"; }
npatches() { grep -cv '^\s*\(#\|$\)' "$1/series" || true; }

stage "harness self-tests"
"$top/tests/run-harness-tests.sh" "$R"

stage "dependencies and work trees"
"$S/install-deps.sh" || { record "FAIL setup:deps see the message above"; finish; }
src=$("$S/fetch-source.sh" linux-source-6.12 "$ver" "$B/cache") ||
	{ record "FAIL setup:base linux-source-6.12=$ver unavailable (see above)"; finish; }
mlsrc=$("$S/fetch-source.sh" linux-source-7.3 "$mlver" "$B/cache" "$mlsuite") ||
	{ record "FAIL setup:mainline linux-source-7.3=$mlver unavailable (see above)"; finish; }
"$S/make-tree.sh" "$src" "$tree" "$basetree" "$top/patches" ||
	{ record "FAIL setup:tree the 6.12 series does not apply (see above)"; finish; }
record "PASS setup:tree (base $ver + $(npatches patches) patch(es))"
"$S/make-tree.sh" "$mlsrc" "$mltree" "$mlbase" "$top/patches-7.3" ||
	{ record "FAIL setup:tree-7.3 the 7.3 series does not apply (see above)"; finish; }
record "PASS setup:tree-7.3 (mainline $mlver + $(npatches patches-7.3) patch(es))"

# The 7.3 series (patches-7.3/) is built, booted and tested like the 6.12
# one when it has patches; its base is the mainline kernel.
variants="patched base mainline"
[ "$(npatches patches-7.3)" -gt 0 ] && variants="$variants patched-7.3"

stage "checkpatch --strict"
"$S/check-patches.sh" "$tree" "$top/patches" "$R"
LABEL=checkpatch-7.3 "$S/check-patches.sh" "$mltree" "$top/patches-7.3" "$R"

stage "documentation (make SPHINXDIRS=mm htmldocs)"
"$S/check-docs.sh" "$tree" "$basetree" "$out/docs-6.12" "$R"
LABEL=docs-7.3 "$S/check-docs.sh" "$mltree" "$mlbase" "$out/docs-7.3" "$R"

stage "mail-ready series (make mail, with a test sender)"
for s in 6.12 7.3; do
	t=$tree
	[ $s = 7.3 ] && t=$mltree
	if "$S/make-mail.sh" "make check <mail-check@example.org>" "$t" \
		"$top/cover-letters/$s.txt" "$out/mail/$s" >/dev/null; then
		LABEL=mail-$s "$S/verify-mail.sh" "$t" "$out/mail/$s" | tee -a "$R"
	else
		record "FAIL mail-$s:make-mail (see above)"
	fi
done

stage "every prefix of the series compiles (x86_64)"
"$S/check-prefixes.sh" "$tree" "$B/prefix" "$top/configs" "$R"
LABEL=prefix-7.3 "$S/check-prefixes.sh" "$mltree" "$B/prefix-7.3" "$top/configs" "$R"

# variant -> source tree of its kernel
declare -A ksrc=([patched]=$tree [base]=$basetree [mainline]=$mlbase [patched-7.3]=$mltree)
declare -A built
for arch in $arches; do
	for variant in $variants; do
		stage "build $arch/$variant kernel"
		log=$out/build-$arch-$variant.log
		if img=$("$S/build-kernel.sh" "${ksrc[$variant]}" "$arch" "$top/configs" 2>"$log"); then
			record "PASS build:$arch/$variant"
			built[$arch-$variant]=$img
		else
			record "FAIL build:$arch/$variant $(grep -m1 -E 'error|Error' "$log")"
			sed 's/^/    /' "$log" | tail -n 15
		fi
	done
	# The patched kernel with KASAN (configs/kasan.config), on x86_64.
	if [ "$arch" = x86_64 ]; then
		stage "build $arch/patched kernel with KASAN"
		log=$out/build-$arch-kasan.log
		if img=$(FLAVOUR=kasan "$S/build-kernel.sh" "$tree" "$arch" "$top/configs" 2>"$log"); then
			record "PASS build:$arch/patched/kasan"
			built[$arch-kasan]=$img
		else
			record "FAIL build:$arch/patched/kasan $(grep -m1 -E 'error|Error' "$log")"
			sed 's/^/    /' "$log" | tail -n 15
		fi
	fi
done

stage "sparse and W=1 against base (x86_64)"
"$S/check-warnings.sh" "$tree" "$basetree" "$top/configs" "$R"
[ "$(npatches patches-7.3)" -gt 0 ] &&
	LABEL=warnings-7.3 "$S/check-warnings.sh" "$mltree" "$mlbase" "$top/configs" "$R"

# The 7.3 series' KUnit suite as mainline runs it too: kunit.py, its own
# kernel per arch (the 6.12 suite runs at boot of the test kernels only).
if [ "$(npatches patches-7.3)" -gt 0 ]; then
	stage "kunit.py run, the 7.3 series' suite"
	LABEL=kunit.py-7.3 "$S/kunit.sh" "$mltree" mm/tests/mremap_kunit.kunitconfig "$out/kunit-7.3" \
		"$R" $arches
fi

for arch in $arches; do
	stage "guest userspace for $arch"
	[ -n "${built[$arch-patched]:-}" ] || { record "FAIL guest:$arch no patched kernel headers"; continue; }
	if ! bb=$("$S/fetch-static-bin.sh" "$arch" "$B/cache/static-$arch" busybox) ||
	   ! bash_bin=$("$S/fetch-static-bin.sh" "$arch" "$B/cache/static-$arch" bash) ||
	   ! BUSYBOX=$bb BASH_STATIC=$bash_bin ML_SRC=$mlbase \
		"$S/build-guest.sh" "$tree" "$arch" "$B/guest/$arch" \
		$(make -s --no-print-directory -f Makefile print-selftests ARCH="$arch") >/dev/null; then
		record "FAIL guest:$arch userspace did not build"
		continue
	fi
	for variant in patched base mainline; do
		[ -n "${built[$arch-$variant]:-}" ] || continue
		plan=$top/plans/check.plan
		[ $variant = mainline ] && plan=$top/plans/mainline.plan
		stage "$arch/$variant guest: plans/$(basename "$plan")"
		"$S/run-plan.sh" "$arch" "$variant" "${built[$arch-$variant]}" "$B/guest/$arch" \
			"$plan" "$out" "$R"
	done
	# The 7.3 series' kernel, with the userspace of its own tree.
	if [ -n "${built[$arch-patched-7.3]:-}" ]; then
		stage "$arch/patched-7.3 guest: plans/check-7.3.plan"
		if BUSYBOX=$bb BASH_STATIC=$bash_bin "$S/build-guest.sh" "$mltree" "$arch" \
			"$B/guest-7.3/$arch" \
			$(make -s --no-print-directory -f Makefile print-selftests ARCH="$arch" SERIES=7.3) \
			>/dev/null; then
			"$S/run-plan.sh" "$arch" patched-7.3 "${built[$arch-patched-7.3]}" \
				"$B/guest-7.3/$arch" "$top/plans/check-7.3.plan" "$out" "$R"
		else
			record "FAIL guest-7.3:$arch userspace did not build"
		fi
	fi
	# The selftests, the fault injection and race programs and a short
	# differential run under KASAN; the run is compared with the base's
	# difftest-kasan (plans/check.plan).
	if [ -n "${built[$arch-kasan]:-}" ]; then
		stage "$arch/patched guest with KASAN: plans/kasan.plan"
		RUN_TAG=kasan "$S/run-plan.sh" "$arch" patched "${built[$arch-kasan]}" \
			"$B/guest/$arch" "$top/plans/kasan.plan" "$out" "$R"
		if [ -n "${built[$arch-base]:-}" ]; then
			if cmp=$("$S/compare-difftest.sh" -n difftest-kasan,difftest \
				"$out/$arch-base.log" "$out/$arch-patched-kasan.log" 2>&1); then
				record "PASS difftest-kasan:$arch $(tail -n 1 <<<"$cmp")"
			else
				record "FAIL difftest-kasan:$arch $(tail -n 1 <<<"$cmp")"
			fi
		fi
	fi
	# Base against patched, exactly; mainline against patched, cross-version
	# (-X), where the plans run it.
	for other in base mainline mainline-7.3; do
		if [ $other = mainline-7.3 ]; then
			# The 7.3 series against its base, both native: exactly.
			[ -n "${built[$arch-mainline]:-}" ] && [ -n "${built[$arch-patched-7.3]:-}" ] || continue
			stage "$arch: differential tester, 7.3 base against the 7.3 series"
			if cmp=$("$S/compare-difftest.sh" -r mainline,patched -n difftest \
				"$out/$arch-mainline.log" "$out/$arch-patched-7.3.log" 2>&1); then
				record "PASS difftest-7.3:$arch $(tail -n 1 <<<"$cmp")"
			else
				record "FAIL difftest-7.3:$arch $(tail -n 1 <<<"$cmp")"
			fi
			continue
		fi
		[ -n "${built[$arch-$other]:-}" ] && [ -n "${built[$arch-patched]:-}" ] || continue
		if [ $other = mainline ]; then
			"$S/expand-plan.sh" "$top/plans/mainline.plan" "$arch" mainline |
				grep -q '^run difftest-cross ' || continue
			stage "$arch: differential tester, mainline against patched"
			name=difftest-mainline
			args=(-r mainline,patched -n difftest-cross)
			replay=(-r mainline,patched -X)
		else
			stage "$arch: differential tester, base against patched"
			name=difftest
			args=(-n difftest)
			replay=()
		fi
		if cmp=$("$S/compare-difftest.sh" "${args[@]}" "$out/$arch-$other.log" "$out/$arch-patched.log" 2>&1); then
			record "PASS $name:$arch $(tail -n 1 <<<"$cmp")"
		else
			record "FAIL $name:$arch $(tail -n 1 <<<"$cmp")"
			# "first divergence in chunk K (steps A-B), seed S: ..."
			if [[ $cmp =~ steps\ ([0-9]+)-([0-9]+)\),\ seed\ ([0-9]+) ]]; then
				"$S/difftest-replay.sh" "${replay[@]}" "$arch" "${built[$arch-$other]}" \
					"${built[$arch-patched]}" "$B/guest/$arch" "${BASH_REMATCH[3]}" \
					"${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "$out/replay-$arch-$other"
			fi
		fi
	done
done

finish
