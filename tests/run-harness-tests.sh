#!/usr/bin/env bash
# Tests of the harness itself, on canned inputs: the console verdict (every
# tests/console/NAME.log against NAME.expected), the summary's exit status,
# plan expansion, and the series round trip (apply, export, determinism,
# a patch that does not apply). Appends one result per case to RESULTS.
# Usage: run-harness-tests.sh [RESULTS]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
S=$here/../scripts
results=${1:-/dev/null}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

result() { # NAME OK(0|1) DETAIL
	if [ "$2" = 0 ]; then
		echo "PASS harness:$1" | tee -a "$results"
	else
		echo "FAIL harness:$1 $3" | tee -a "$results"
		fails=$((fails + 1))
	fi
}

# Console verdicts.
for log in "$here"/console/*.log; do
	name=$(basename "$log" .log)
	plan=$here/console/$name.plan
	[ -f "$plan" ] || plan=$here/console/two.plan
	"$S/console-verdict.sh" "$log" "$plan" t "$tmp/r" >"$tmp/got" 2>&1
	if diff -u "$here/console/$name.expected" "$tmp/got" >"$tmp/diff"; then
		result "verdict-$name" 0
	else
		result "verdict-$name" 1 "$(grep -m1 '^[-+][^-+]' "$tmp/diff")"
	fi
done

# make profile's table: per-call figures, the total, and a missing entry point.
printf 'a 100 10\n__x64_sys_mremap 70 10\nb 50 5\n' >"$tmp/pb"
printf 'a 130 10\n__x64_sys_mremap 70 10\nc 20 2\n' >"$tmp/pp"
out=$("$S/profile-table.sh" __x64_sys_mremap "$tmp/pb" "$tmp/pp" 2>&1)
[ "$(awk '{ print $1, $NF }' <<<"$out" | tail -n 4 | tr '\n' ' ')" = "b -5.0 c +2.0 a +3.0 whole-run +0.0 " ]
result profile-table $? "$out"
out=$("$S/profile-table.sh" __arm64_sys_mremap "$tmp/pb" "$tmp/pp" 2>&1)
[ $? != 0 ] && grep -q "__arm64_sys_mremap did not run on both kernels" <<<"$out"
result profile-table-no-entry $? "$out"

# make soak's figures from a console log: ops, sites, moves, bogo-ops, calls.
cat >"$tmp/soak.log" <<'LOG'
harness: begin inject
# site vma-copy (vm_area_dup): 12 injected failure(s)
# site pte-table (__pte_alloc): 3 injected failure(s)
harness: begin race
# move-thp: 4.1 s, 38 moves (4 dontunmap, 12 grow+shrink), 42 batches
# unmap-race: 4.0 s, 258 moves (60 dontunmap, 64 grow+shrink), 91 batches
harness: begin difftest-1
difftest: seed 1 ops 60000 digest 74153b6e67fb8648
harness: begin difftest-2
difftest: seed 2 ops 40000 digest 84153b6e67fb8648
harness: begin stress-mremap
# stress-ng: metrc: [284] mremap              123     65.53      0.00
harness: begin trinity
# [main] Ran 10000 syscalls. Successes: 6672  Failures: 3323
LOG
out=$("$S/soak-figures.sh" x86_64 "$tmp/soak.log" 2>&1)
[ "$(tail -n 1 <<<"$out")" = "soak: difftest 100000 ops; injected by site: vma-copy (vm_area_dup): 12, pte-table (__pte_alloc): 3; race 296 moves; stress-ng bogo-ops: mremap 123; trinity: [main] Ran 10000 syscalls. Successes: 6672  Failures: 3323" ]
result soak-figures $? "$out"

# make profile-call's table: per call, the path, a scaled file, a row
# below half an instruction left out.
printf 'calls 2\nsys 200 10 2\nwork 150 150 2\nirq 40 40 1\ntiny 0 0 1\n' >"$tmp/pc1"
printf 'calls 1\nsys 160 5 1\nwork 120 120 1\nscale 2\n' >"$tmp/pc2"
out=$("$S/profile-call-table.sh" a="$tmp/pc1" b="$tmp/pc2" 2>"$tmp/pcerr")
exp='function                               a incl/excl/entries   b incl/excl/entries
(path: every-call functions, excl.)               80                   n/a      
sys                                       100      5  1.00      320     10  2.00
work                                       75     75  1.00      240    240  2.00
irq                                        20     20  0.50        0      0  0.00'
[ "$out" = "$exp" ] && [ "$(cat "$tmp/pcerr")" = "note: b: figures per 2 calls" ]
result profile-call-table $? "$out"

# A guest clock judged by its last clocksource switch (jiffies, then tsc: fine).
printf 'clocksource: Switched to clocksource refined-jiffies\r\n' >"$tmp/j1"
cp "$tmp/j1" "$tmp/j2"
printf 'clocksource: Switched to clocksource tsc\r\n' >>"$tmp/j2"
"$S/guest-clock-is-jiffies.sh" "$tmp/j1" && ! "$S/guest-clock-is-jiffies.sh" "$tmp/j2"
result guest-clock-jiffies $?

# Summary: closing line and exit status.
printf 'PASS a\nSKIP b\n' >"$tmp/s1"
printf 'PASS a\nFAIL b why\n' >"$tmp/s2"
: >"$tmp/s3"
printf 'PASS x86_64/base:t\nFAIL x86_64/patched:t oops\n' >"$tmp/s4"
o1=$("$S/summarize.sh" "$tmp/s1"); r1=$?
o2=$("$S/summarize.sh" "$tmp/s2"); r2=$?
o3=$("$S/summarize.sh" "$tmp/s3"); r3=$?
o4=$("$S/summarize.sh" "$tmp/s4"); r4=$?
[ $r1 = 0 ] && [ "$(tail -n1 <<<"$o1")" = "1 passed, 0 failed, 1 skipped" ]
result summary-pass $? "exit $r1: $(tail -n1 <<<"$o1")"
[ $r2 = 1 ] && [ "$(tail -n1 <<<"$o2")" = "1 passed, 1 failed, 0 skipped" ]
result summary-fail $? "exit $r2: $(tail -n1 <<<"$o2")"
[ $r3 = 1 ] && [ "$(tail -n1 <<<"$o3")" = "0 passed, 0 failed, 0 skipped" ]
result summary-nothing-ran-fails $? "exit $r3"
[ $r4 = 1 ] && grep -q '^REGRESSION x86_64/patched:t' <<<"$o4"
result summary-regression $? "exit $r4: $o4"

# Differential tester comparison, on logs of host runs (tests/difftest/,
# "mremap-difftest -s 7 -n 3000" on a 6.18 host, whose mremap() is
# mainline's for the tester: base.log with -M (the model emulates),
# patched.log without (the kernel acts), so both agree; diverged.log:
# patched with -P 2500, which falsifies the record of step 2500;
# truncated.log: base without its last four lines; cross.log: -M -X).
d=$here/difftest
out=$("$S/compare-difftest.sh" "$d/base.log" "$d/patched.log" 2>&1)
[ $? = 0 ] && grep -q '3 chunks identical.*model: base 0 native 129 emulated, patched 129 native 0 emulated' <<<"$out"
result difftest-identical $? "$out"
out=$("$S/compare-difftest.sh" "$d/base.log" "$d/diverged.log" 2>&1)
[ $? = 1 ] && grep -q 'first divergence in chunk 2 (steps 2000-3000), seed 7' <<<"$out"
result difftest-divergence $? "$out"
out=$("$S/compare-difftest.sh" "$d/base.log" "$d/truncated.log" 2>&1)
[ $? = 1 ] && grep -q 'no final digest' <<<"$out"
result difftest-truncated $? "$out"
out=$("$S/compare-difftest.sh" "$d/base.log" "$d/cross.log" 2>&1)
[ $? = 1 ] && grep -q 'different runs' <<<"$out"
result difftest-cross-mismatch $? "$out"

# The model's counts (a line before the final digest) against the roles:
# the base kernel emulates, patched and mainline act natively, nobody has an
# unpredicted call, and both sides' models acted on as many calls.
cnt() { # LOG NATIVE EMULATED UNPREDICTED
	sed -E "s/model native [0-9]+ emulated [0-9]+ unpredicted [0-9]+/model native $2 emulated $3 unpredicted $4/" "$1"
}
out=$("$S/compare-difftest.sh" "$d/base.log" "$d/base.log" 2>&1)
[ $? = 1 ] && grep -q 'model check failed: log B (patched) was run with -M (seed 7); log B (patched) needed emulation for 129 call(s)' <<<"$out"
result difftest-model-patched-emulated $? "$out"
out=$("$S/compare-difftest.sh" "$d/patched.log" "$d/patched.log" 2>&1)
[ $? = 1 ] && grep -q 'model check failed: log A (base) was not run with -M (seed 7); log A (base) made 129 call(s) natively' <<<"$out"
result difftest-model-base-native $? "$out"
cnt "$d/patched.log" 128 0 1 >"$tmp/unpredicted.log"
out=$("$S/compare-difftest.sh" -r base,mainline "$d/base.log" "$tmp/unpredicted.log" 2>&1)
[ $? = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] &&
	grep -q 'log B (mainline) had 1 unpredicted call(s) (seed 7); the model acted on 129 call(s) in log A, 128 in log B (seed 7)' <<<"$out"
result difftest-model-unpredicted $? "$out"
cnt "$d/base.log" 0 0 0 >"$tmp/idle.log"
out=$("$S/compare-difftest.sh" "$tmp/idle.log" "$d/patched.log" 2>&1)
[ $? = 1 ] && grep -q 'log A (base) emulated nothing' <<<"$out"
result difftest-model-base-idle $? "$out"
out=$("$S/compare-difftest.sh" -r emu,any "$d/base.log" "$tmp/unpredicted.log" 2>&1)
[ $? = 0 ]
result difftest-model-any $? "$out"
# A divergence is still named, last line the digests (check.sh records it).
cnt "$d/diverged.log" 129 0 2 >"$tmp/div.log"
out=$("$S/compare-difftest.sh" "$d/base.log" "$tmp/div.log" 2>&1)
[ $? = 1 ] && grep -q 'first divergence in chunk 2 (steps 2000-3000), seed 7' <<<"$out" &&
	grep -q 'log B (patched) had 2 unpredicted' <<<"$out" && tail -n 1 <<<"$out" | grep -q '^difftest: base digest'
result difftest-model-divergence $? "$out"

# -n RUN: two runs in one console log, told apart by the harness markers.
{ echo "harness: begin difftest"; cat "$d/base.log"; echo "harness: end difftest result=pass exit=0 secs=1"
  echo "harness: begin difftest-cross"; cat "$d/cross.log"; echo "harness: end difftest-cross result=pass exit=0 secs=1"; } |
	sed 's/$/\r/' >"$tmp/two-a.log"
{ echo "harness: begin difftest"; cat "$d/patched.log"; echo "harness: end difftest result=pass exit=0 secs=1"; } >"$tmp/two-b.log"
out=$("$S/compare-difftest.sh" -n difftest "$tmp/two-a.log" "$tmp/two-b.log" 2>&1)
[ $? = 0 ] && grep -q '3 chunks identical (1 run(s)' <<<"$out"
result difftest-run-name $? "$out"
out=$("$S/compare-difftest.sh" -r emu,any -n difftest-cross "$tmp/two-a.log" "$tmp/two-b.log" 2>&1)
[ $? = 1 ] && grep -q 'no chunk digests in log B .*(run difftest-cross)' <<<"$out"
result difftest-run-name-missing $? "$out"
# -n A,B: two runs of one log (mainline's cross run and its emulation test).
{ echo "harness: begin difftest-emu"; cat "$d/base.log"; echo "harness: end difftest-emu result=pass exit=0 secs=1"
  cat "$tmp/two-b.log"; } >"$tmp/two-c.log"
out=$("$S/compare-difftest.sh" -r emu,mainline -n difftest-emu,difftest "$tmp/two-c.log" "$tmp/two-c.log" 2>&1)
[ $? = 0 ] && grep -q 'model: emu 0 native 129 emulated, mainline 129 native 0 emulated' <<<"$out"
result difftest-run-names $? "$out"

# Plan expansion per arch.
printf 'run a 1 a\n@x86_64 run b 1 b\n@arm64 run c 1 c\n' >"$tmp/p"
[ "$("$S/expand-plan.sh" "$tmp/p" x86_64 | paste -sd,)" = "run a 1 a,run b 1 b" ] &&
[ "$("$S/expand-plan.sh" "$tmp/p" arm64 | paste -sd,)" = "run a 1 a,run c 1 c" ]
result expand-plan $? "arch filter wrong"
printf '@patched kunit s\nrun a 1 a\n@base run b 1 b\n' >"$tmp/p"
[ "$("$S/expand-plan.sh" "$tmp/p" arm64 patched | paste -sd,)" = "kunit s,run a 1 a" ] &&
[ "$("$S/expand-plan.sh" "$tmp/p" arm64 base | paste -sd,)" = "run a 1 a,run b 1 b" ]
result expand-plan-variant $? "variant filter wrong"
printf 'run d {{T:60}} d -n {{OPS:100}}\n' >"$tmp/p"
[ "$(OPS=7 "$S/expand-plan.sh" "$tmp/p" x86_64)" = "run d 60 d -n 7" ]
result expand-plan-knobs $? "{{NAME:default}} substitution wrong"
printf '@x86_64 @patched run a 1 a\n@patched @arm64 run b 1 b\n@base @x86_64 run c 1 c\n' >"$tmp/p"
[ "$("$S/expand-plan.sh" "$tmp/p" x86_64 patched | paste -sd,)" = "run a 1 a" ] &&
[ "$("$S/expand-plan.sh" "$tmp/p" arm64 patched | paste -sd,)" = "run b 1 b" ]
result expand-plan-two-tags $? "a line with two tags must match both"

# Benchmark table: ratio base/patched per case and mode, n/a kept.
b=$tmp/bench
mkdir -p "$b"
printf 'x\r\nbench: move-a 200 10\r\nbench: move-b n/a no mTHP\n' >"$b/x86_64-base-icount.log"
printf 'bench: move-a 100 10\nbench: move-b n/a no mTHP\n' >"$b/x86_64-patched-icount.log"
out=$("$S/bench-table.sh" x86_64 "$b" icount 2>&1)
grep -Eq '^x86_64 +move-a +200 +100 +2\.00$' <<<"$out" &&
	grep -Eq '^x86_64 +move-b +n/a +n/a +n/a$' <<<"$out"
result bench-table $? "$out"
out=$("$S/bench-table.sh" x86_64 "$b" tcg 2>&1)
[ $? != 0 ] && grep -q 'x86_64-base-tcg.log not found' <<<"$out"
result bench-table-missing-log $? "$out"

# Series round trip on a toy tree: make-tree, two commits, export twice.
src=$tmp/linux-9.9.9
mkdir -p "$src/mm" "$tmp/patches"
printf 'int a;\nint b;\nint c;\n' >"$src/mm/mremap.c"
: >"$tmp/patches/series"
git_quiet() { git -c user.name=t -c user.email=t@t "$@" >/dev/null 2>&1; }
"$S/make-tree.sh" "$src" "$tmp/tree" "$tmp/basetree" "$tmp/patches" >/dev/null 2>&1
result tree-empty-series $? "make-tree failed on an empty series"
sed -i 's/int b;/int b2;/' "$tmp/tree/mm/mremap.c"
git_quiet -C "$tmp/tree" commit -qam "mm/mremap: one" -m "Signed-off-by: t <t@t>"
sed -i 's/int c;/int c2;/' "$tmp/tree/mm/mremap.c"
git_quiet -C "$tmp/tree" commit -qam "mm/mremap: two" -m "Signed-off-by: t <t@t>"
"$S/export-series.sh" "$tmp/tree" "$tmp/patches" >/dev/null 2>&1
cp -a "$tmp/patches" "$tmp/first"
out=$("$S/export-series.sh" "$tmp/tree" "$tmp/patches" 2>&1)
diff -r "$tmp/first" "$tmp/patches" >/dev/null && grep -q '0 file(s) changed' <<<"$out" &&
	[ "$(wc -l <"$tmp/patches/series")" = 2 ]
result export-deterministic $? "second export changed files: $out"

# Recreate from the patches and export again: the bytes must not change.
FORCE=1 "$S/make-tree.sh" "$src" "$tmp/tree" "$tmp/basetree" "$tmp/patches" >/dev/null 2>&1 &&
	"$S/export-series.sh" "$tmp/tree" "$tmp/patches" >/dev/null 2>&1 &&
	diff -r "$tmp/first" "$tmp/patches" >/dev/null
result export-roundtrip $? "re-applied series exports differently"

# Unexported work is not thrown away without FORCE.
echo "int d;" >>"$tmp/tree/mm/mremap.c"
git_quiet -C "$tmp/tree" commit -qam "mm/mremap: three"
out=$("$S/make-tree.sh" "$src" "$tmp/tree" "$tmp/basetree" "$tmp/patches" 2>&1)
[ $? != 0 ] && grep -q 'not exported' <<<"$out"
result tree-guards-unexported $? "$out"

# A patch that does not apply names itself and the failing hunk.
sed -i 's/^-int c;/-int zzz;/' "$tmp/patches/0002-mm-mremap-two.patch"
out=$(FORCE=1 "$S/make-tree.sh" "$src" "$tmp/tree" "$tmp/basetree" "$tmp/patches" 2>&1)
[ $? != 0 ] && grep -q '0002-mm-mremap-two.patch does not apply: error: patch failed: mm/mremap.c:' <<<"$out"
result tree-bad-patch-named $? "$out"

# A series entry without a file.
cp "$tmp/first"/* "$tmp/patches/"
echo "0003-missing.patch" >>"$tmp/patches/series"
out=$(FORCE=1 "$S/make-tree.sh" "$src" "$tmp/tree" "$tmp/basetree" "$tmp/patches" 2>&1)
[ $? != 0 ] && grep -q "lists '0003-missing.patch'" <<<"$out"
result tree-missing-patch-named $? "$out"

# make mail: no sender, no mail (one line, nothing written); the sender
# from variables; the placeholder of patches/ is no sender.
noid=(env -u MAIL_NAME -u MAIL_EMAIL HOME="$tmp" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1)
out=$("${noid[@]}" "$S/mail.sh" "$tmp/mail" 2>&1)
[ $? != 0 ] && [ "$(grep -c . <<<"$out")" = 1 ] && grep -q '^mail: no sender' <<<"$out" &&
	[ ! -e "$tmp/mail" ]
result mail-no-sender-refused $? "$out"
out=$("${noid[@]}" MAIL_NAME="A Sender" MAIL_EMAIL=a.sender@example.com "$S/mail-sender.sh" 2>&1)
[ "$out" = "A Sender <a.sender@example.com>" ]
result mail-sender-from-variables $? "$out"
out=$("${noid[@]}" MAIL_NAME="x" MAIL_EMAIL=mremap-series@example.org "$S/mail-sender.sh" 2>&1)
[ $? != 0 ] && grep -q 'placeholder' <<<"$out"
result mail-placeholder-refused $? "$out"

exit $((fails > 0))
