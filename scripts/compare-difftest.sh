#!/usr/bin/env bash
# Compare the mremap-difftest digests (guest/mremap-difftest.c) of two guest
# console logs, a base and a patched kernel run of the same plan. Chunks are
# compared in order; a log may hold several runs (seeds). On the first chunk
# whose digest differs, print the steps to rerun with -v A -t B on both
# kernels (then diff the records) and exit 1. Exit 0 when all chunks and
# final digests match. Exit 1 as well if a log has no digests, a run lacks
# its final line (crash, timeout), or the logs are of different runs.
# The tester models the patched kernel's multi-VMA mremap() moves and
# emulates them on a kernel that refuses them (the base), so the digests
# agree; its "multi-vma native N emulated M unpredicted U" lines must show
# no emulated move on the patched kernel, no native one on the base kernel,
# and no call that the model did not predict on either (exit 1 otherwise,
# with one line saying which). Logs without these lines are not checked.
# Usage: compare-difftest.sh BASE_LOG PATCHED_LOG
set -euo pipefail

base=${1:?usage: compare-difftest.sh BASE_LOG PATCHED_LOG}
patched=${2:?usage: compare-difftest.sh BASE_LOG PATCHED_LOG}
me=difftest

for f in "$base" "$patched"; do
	[ -f "$f" ] || { echo "$me: $f not found" >&2; exit 1; }
done

# One line per record: "C SEED K A-B DIGEST" per chunk, "F SEED OPS DIGEST"
# per finished run. Console lines may carry "\r" or be interleaved with
# kernel messages, so match the records anywhere in a line.
records() {
	tr -d '\r' <"$1" |
		grep -oE 'difftest: (seed [0-9]+ ops [0-9]+ (window|digest [0-9a-f]{16})|chunk [0-9]+ steps [0-9]+-[0-9]+ digest [0-9a-f]{16})' |
		awk '$2 == "seed" && $6 == "window" { seed = $3; next }
		     $2 == "seed" { print "F", $3, $5, $7; next }
		     { print "C", seed, $3, $5, $7 }' || true
}

# "SEED NATIVE EMULATED UNPREDICTED" per run with the multi-VMA counters.
mvcounts() {
	tr -d '\r' <"$1" |
		grep -oE 'difftest: seed [0-9]+ multi-vma native [0-9]+ emulated [0-9]+ unpredicted [0-9]+' |
		awk '{ print $3, $6, $8, $10 }' || true
}

# One line saying what is wrong with the counters ("SIDE SEED N E U" lines
# in), or nothing.
mvcheck() {
	awk '
	function add(k, s) { if (k in seeds) s = seeds[k] "," s; seeds[k] = s }
	$1 == "base" && $3 != 0 { n["bn"] += $3; add("bn", $2) }
	$1 == "patched" && $4 != 0 { n["pe"] += $4; add("pe", $2) }
	$5 != 0 { n[$1 "u"] += $5; add($1 "u", $2) }
	END {
		if ("bn" in n)
			out = out sprintf("; the base kernel made %d multi-VMA move(s) itself (seed %s)", n["bn"], seeds["bn"])
		if ("pe" in n)
			out = out sprintf("; the patched kernel refused %d move(s) that the model expects, emulated (seed %s)", n["pe"], seeds["pe"])
		if ("baseu" in n)
			out = out sprintf("; base accepted %d multi-VMA call(s) that the model refuses (seed %s)", n["baseu"], seeds["baseu"])
		if ("patchedu" in n)
			out = out sprintf("; patched accepted %d multi-VMA call(s) that the model refuses (seed %s)", n["patchedu"], seeds["patchedu"])
		if (out != "")
			print substr(out, 3)
	}'
}

b=$(records "$base")
p=$(records "$patched")
bm=$(mvcounts "$base")
pm=$(mvcounts "$patched")
mvbad=$({ sed '/./s/^/base /' <<<"$bm"; sed '/./s/^/patched /' <<<"$pm"; } | mvcheck)
[ -z "$mvbad" ] || mvbad="$me: multi-vma model check failed: $mvbad"
rc=0
for side in base patched; do
	if [ $side = base ]; then r=$b log=$base; else r=$p log=$patched; fi
	if ! grep -q '^C ' <<<"$r"; then
		echo "$me: no chunk digests in $side log $log"
		rc=1
	elif ! grep -q '^F ' <<<"$r"; then
		echo "$me: no final digest line in $side log $log (crash or timeout?)"
		rc=1
	fi
done
[ $rc = 0 ] || exit 1

# First differing chunk; a chunk missing on one side counts as different.
div=$(paste -d'|' <(grep '^C ' <<<"$b") <(grep '^C ' <<<"$p") |
	awk -F'|' '$1 != $2 { print $1 "|" $2; exit }')
if [ -n "$div" ]; then
	read -r _ seed k steps bdig <<<"${div%%|*}"
	read -r _ pseed pk psteps pdig <<<"${div#*|}"
	if [ -z "${seed:-}" ]; then
		seed=$pseed k=$pk steps=$psteps bdig=missing
	fi
	[ -z "$mvbad" ] || echo "$mvbad"
	echo "$me: first divergence in chunk $k (steps $steps), seed $seed: rerun with -v ${steps%-*} -t ${steps#*-}"
	echo "$me: base digest ${bdig:-missing}, patched digest ${pdig:-missing}"
	exit 1
fi

bf=$(grep '^F ' <<<"$b")
pf=$(grep '^F ' <<<"$p")
nrun=$(grep -c . <<<"$bf")
if [ "$bf" != "$pf" ] || [ "$nrun" != "$(grep -c 'seed [0-9]* ops [0-9]* window' <(tr -d '\r' <"$base"))" ]; then
	[ -z "$mvbad" ] || echo "$mvbad"
	echo "$me: final lines differ or are missing:"
	diff <(echo "$bf") <(echo "$pf") | sed "s/^/$me: /" || true
	exit 1
fi
if [ -n "$mvbad" ]; then
	echo "$mvbad"
	exit 1
fi
mv=
if [ -n "$bm$pm" ]; then
	mv=", multi-VMA moves: $(awk '{ n += $2 } END { print n + 0 }' <<<"$pm") native on patched, $(awk '{ n += $3 } END { print n + 0 }' <<<"$bm") emulated on base"
fi
echo "$me: $(grep -c '^C ' <<<"$b") chunks identical ($nrun run(s): $(awk '{ printf "%sseed %s ops %s digest %s", (NR > 1 ? ", " : ""), $2, $3, $4 }' <<<"$bf"))$mv"
exit 0
