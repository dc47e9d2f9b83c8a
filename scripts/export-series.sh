#!/usr/bin/env bash
# Write base..HEAD of the kernel work tree to PATCHDIR as git format-patch
# files plus a 'series' file. Deterministic: unchanged commits give
# byte-identical files, and files whose content is unchanged are not rewritten.
# Usage: export-series.sh TREE PATCHDIR
set -euo pipefail

tree=${1:?usage: export-series.sh TREE PATCHDIR}
pdir=${2:?}
me=export

git -C "$tree" rev-parse -q --verify base >/dev/null ||
	{ echo "$me: $tree has no 'base' tag; run 'make tree' first" >&2; exit 1; }
if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "$me: warning: $tree has uncommitted edits; they are not exported" >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --zero-commit and --no-numbered keep a patch's bytes independent of the
# commit hash (which 'git am' changes) and of the series length.
git -C "$tree" format-patch -q --no-numbered --zero-commit --no-signature -o "$tmp" base..HEAD

mkdir -p "$pdir"
: >"$tmp/series"
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	basename "$f" >>"$tmp/series"
done

changed=0
for f in "$tmp"/series "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	dst=$pdir/$(basename "$f")
	if ! cmp -s "$f" "$dst"; then
		cp "$f" "$dst"
		changed=$((changed + 1))
	fi
done
for f in "$pdir"/*.patch; do
	[ -e "$f" ] || continue
	if [ ! -e "$tmp/$(basename "$f")" ]; then
		rm -f "$f"
		changed=$((changed + 1))
	fi
done
echo "$me: $(grep -c . "$tmp/series" || true) patch(es) in $pdir, $changed file(s) changed"
