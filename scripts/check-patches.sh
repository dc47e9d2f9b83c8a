#!/usr/bin/env bash
# Run the tree's checkpatch.pl --strict on every patch of the series and
# record one result per patch. checkpatch warns about every added file
# ("does MAINTAINERS need updating?"); instead of that warning we require
# each added file to be covered by a MAINTAINERS entry, which is the
# question the warning asks.
# Usage: check-patches.sh TREE PATCHDIR RESULTS
set -uo pipefail

tree=${1:?usage: check-patches.sh TREE PATCHDIR RESULTS}
pdir=${2:?}
results=${3:?}
pdir=$(realpath "$pdir")

uncovered() { # PATCH: added files that no MAINTAINERS section lists
	local f
	grep -A3 '^diff --git' "$1" | awk '/^diff --git/ { f = substr($4, 3) } /^new file mode/ { print f }' |
	while read -r f; do
		(cd "$tree" && ./scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats -f "$f" 2>/dev/null |
			grep -v -e 'linux-kernel@vger' -e 'torvalds@' | grep -q '@') || echo "$f"
	done
}

series=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$pdir/series")
[ -n "$series" ] || { echo "checkpatch: the series is empty, nothing to check"; exit 0; }
while read -r p; do
	# Debian's python3 (with python3-ply and python3-git for spdxcheck.py),
	# not whatever python3 comes first on PATH.
	out=$(cd "$tree" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --quiet --terse \
		--ignore FILE_PATH_CHANGES "$pdir/$p" 2>&1)
	rc=$?
	out=$(printf '%s\n' "$out" | grep -E '(ERROR|WARNING|CHECK):|Traceback|Error' || true)
	[ $rc = 0 ] || [ -n "$out" ] || out="checkpatch exited with status $rc"
	for f in $(uncovered "$pdir/$p"); do
		out="$out${out:+$'\n'}$p: $f is added but no MAINTAINERS entry covers it"
	done
	if [ -z "$out" ]; then
		echo "PASS checkpatch:$p"
	else
		echo "FAIL checkpatch:$p $(printf '%s\n' "$out" | head -n 1)"
		printf '%s\n' "$out" | sed 's/^/    /' | head -n 20 >&2
	fi
done <<<"$series" | tee -a "$results"
