#!/usr/bin/env bash
# Print a series' cover letter from its template: the first line is the
# subject, the rest the body. Template lines that are a directive are
# replaced (format-patch adds the shortlog and diffstat):
#   @BENCH PAIR...@     per arch, the table of the last 'make bench' run
#                       (results/bench-ARCH.txt, with the harness revision measured)
#                       for each PAIR (e.g. base:patched), -icount figures
#   @EQUIVALENCE NAME...@  the differential runs NAME (e.g. difftest, as
#                       make check labels them) of the last 'make check'
#                       (build/check), or how to get them when there is none
# Usage: cover-letter.sh TEMPLATE
set -euo pipefail

template=${1:?usage: cover-letter.sh TEMPLATE}
top=$(cd "$(dirname "$0")/.." && pwd)
me=cover-letter
[ -f "$template" ] || { echo "$me: $template not found" >&2; exit 1; }

bench() {
	local arch f pair found=0
	for arch in x86_64 arm64; do
		f=$top/results/bench-$arch.txt
		[ -f "$f" ] || continue
		found=1
		sed -n '1p' "$f"
		for pair in "$@"; do
			awk -v want="-- ${pair%%:*} against ${pair#*:} (icount)" '
				/^-- / { on = ($0 == want) } on' "$f"
		done
		echo
	done
	[ $found = 1 ] || echo "(no benchmark recorded yet: run 'make bench')"
}

equivalence() {
	local r=$top/build/check/results.txt re
	re="^(PASS|FAIL) ($(IFS='|'; echo "$*")):"
	if [ -f "$r" ] && grep -qE "$re" "$r"; then
		echo "The last 'make check' (harness revision $(cat "$top/build/check/commit" 2>/dev/null || echo unknown)):"
		grep -E "$re" "$r" | fold -s -w 70 | sed 's/^/  /'
		grep -E '^[0-9]+ passed, [0-9]+ failed' "$top/build/check/summary" 2>/dev/null |
			sed 's/^/  make check: /' || true
	else
		echo "(no 'make check' results in build/check: run 'make check' for the figures)"
	fi
}

while IFS= read -r line; do
	case $line in
	@BENCH\ *@) line=${line#@BENCH }; bench ${line%@} ;;
	@EQUIVALENCE\ *@) line=${line#@EQUIVALENCE }; equivalence ${line%@} ;;
	@*@) echo "$me: unknown directive '$line' in $template" >&2; exit 1 ;;
	*) printf '%s\n' "$line" ;;
	esac
done <"$template"
