#!/usr/bin/env bash
# Build the mm documentation (make SPHINXDIRS=mm htmldocs, Debian's Sphinx)
# of the patched and the base tree and record one result: FAIL if the
# patched build fails or has a warning the base build does not have (line
# numbers aside), or if a document the series adds under Documentation/mm
# is not in the output.
# Usage: check-docs.sh TREE BASETREE OUTDIR RESULTS   (LABEL=, default docs)
set -uo pipefail

tree=$(realpath "${1:?usage: check-docs.sh TREE BASETREE OUTDIR RESULTS}")
basetree=$(realpath "${2:?}")
out=${3:?}
results=${4:?}
label=${LABEL:-docs}
record() { echo "$1" | tee -a "$results"; }

build() { # SRC NAME -> warnings, path and line numbers dropped, in OUT/NAME.warnings
	local src=$1 name=$2
	rm -rf "$out/$name"
	mkdir -p "$out/$name"
	# Sphinx from Debian, not whatever python3 comes first on PATH.
	PATH=/usr/bin:$PATH make -s -C "$src" O="$out/$name" SPHINXDIRS=mm htmldocs \
		>"$out/$name.log" 2>&1 || return 1
	grep -E 'WARNING|ERROR' "$out/$name.log" | sed -e "s|$src/||g" -e 's/:[0-9]*: /: /' |
		sort -u >"$out/$name.warnings"
}

build "$basetree" base || { record "FAIL $label:base the base tree's docs do not build ($out/base.log)"; exit 0; }
build "$tree" patched ||
	{ record "FAIL $label:build $(grep -m1 -E 'ERROR|Error|error' "$out/patched.log")"; exit 0; }
new=$(comm -13 "$out/base.warnings" "$out/patched.warnings")
if [ -n "$new" ]; then
	record "FAIL $label:warnings $(grep -c . <<<"$new") new: $(head -n 1 <<<"$new")"
	sed 's/^/    /' <<<"$new" | head -n 10 >&2
	exit 0
fi
added=$(git -C "$tree" diff --name-only --diff-filter=A base HEAD -- 'Documentation/mm/*.rst')
for f in $added; do
	html=$out/patched/Documentation/output/mm/$(basename "$f" .rst).html
	[ -f "$html" ] || { record "FAIL $label:build $f is not in the output"; exit 0; }
done
record "PASS $label:mm htmldocs, no new warnings (added: ${added:-none})"
