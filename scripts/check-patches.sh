#!/usr/bin/env bash
# Run the tree's checkpatch.pl --strict on every patch of the series and
# record one result per patch. (checkpatch also asks for a MAINTAINERS
# update whenever a patch adds a file: list new files there.)
# Usage: check-patches.sh TREE PATCHDIR RESULTS
# LABEL= names the results (default: checkpatch), to keep two series' results apart.
set -uo pipefail

tree=${1:?usage: check-patches.sh TREE PATCHDIR RESULTS}
pdir=${2:?}
results=${3:?}
pdir=$(realpath "$pdir")

series=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$pdir/series")
[ -n "$series" ] || { echo "checkpatch: the series is empty, nothing to check"; exit 0; }
while read -r p; do
	# Debian's python3 (with python3-ply and python3-git for spdxcheck.py),
	# not whatever python3 comes first on PATH. The Debian source has no
	# git history, so checkpatch cannot look up the commits that Fixes:
	# tags name: that one check is off (the ids were checked upstream).
	out=$(cd "$tree" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --quiet --terse \
		--ignore UNKNOWN_COMMIT_ID \
		"$pdir/$p" 2>&1)
	rc=$?
	out=$(printf '%s\n' "$out" | grep -E '(ERROR|WARNING|CHECK):|Traceback|Error' || true)
	[ $rc = 0 ] || [ -n "$out" ] || out="checkpatch exited with status $rc"
	if [ -z "$out" ]; then
		echo "PASS ${LABEL:-checkpatch}:$p"
	else
		echo "FAIL ${LABEL:-checkpatch}:$p $(printf '%s\n' "$out" | head -n 1)"
		printf '%s\n' "$out" | sed 's/^/    /' | head -n 20 >&2
	fi
done <<<"$series" | tee -a "$results"
