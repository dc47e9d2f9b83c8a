#!/usr/bin/env bash
# Run the tree's checkpatch.pl --strict on every patch of the series and
# record one result per patch.
# Usage: check-patches.sh TREE PATCHDIR RESULTS
set -uo pipefail

tree=${1:?usage: check-patches.sh TREE PATCHDIR RESULTS}
pdir=${2:?}
results=${3:?}
pdir=$(realpath "$pdir")

n=0
while read -r p; do
	n=$((n + 1))
	out=$(cd "$tree" && ./scripts/checkpatch.pl --strict --quiet --terse "$pdir/$p" 2>&1)
	if [ -z "$out" ]; then
		echo "PASS checkpatch:$p"
	else
		echo "FAIL checkpatch:$p $(printf '%s\n' "$out" | head -n 1)"
		printf '%s\n' "$out" | sed 's/^/    /' | head -n 20 >&2
	fi
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$pdir/series") | tee -a "$results"
[ $n -gt 0 ] || echo "checkpatch: the series is empty, nothing to check"
