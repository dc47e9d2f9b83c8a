#!/usr/bin/env bash
# Compare the mremap-difftest digests (guest/mremap-difftest.c) of two guest
# console logs, a base and a patched kernel run of the same plan. Chunks are
# compared in order; a log may hold several runs (seeds). On the first chunk
# whose digest differs, print the steps to rerun with -v A -t B on both
# kernels (then diff the records) and exit 1. Exit 0 when all chunks and
# final digests match. Exit 1 as well if a log has no digests, a run lacks
# its final line (crash, timeout), or the logs are of different runs.
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

b=$(records "$base")
p=$(records "$patched")
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
	echo "$me: first divergence in chunk $k (steps $steps), seed $seed: rerun with -v ${steps%-*} -t ${steps#*-}"
	echo "$me: base digest ${bdig:-missing}, patched digest ${pdig:-missing}"
	exit 1
fi

bf=$(grep '^F ' <<<"$b")
pf=$(grep '^F ' <<<"$p")
nrun=$(grep -c . <<<"$bf")
if [ "$bf" != "$pf" ] || [ "$nrun" != "$(grep -c 'seed [0-9]* ops [0-9]* window' <(tr -d '\r' <"$base"))" ]; then
	echo "$me: final lines differ or are missing:"
	diff <(echo "$bf") <(echo "$pf") | sed "s/^/$me: /" || true
	exit 1
fi
echo "$me: $(grep -c '^C ' <<<"$b") chunks identical ($nrun run(s): $(awk '{ printf "%sseed %s ops %s digest %s", (NR > 1 ? ", " : ""), $2, $3, $4 }' <<<"$bf"))"
exit 0
