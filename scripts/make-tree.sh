#!/usr/bin/env bash
# (Re)create the kernel work tree: a git repository whose first commit is the
# pristine base (tag 'base'), with the series applied on top by 'git am', one
# commit per patch. Also keeps a detached worktree of 'base' for base builds.
# Usage: make-tree.sh SRC TREE BASETREE PATCHDIR
set -euo pipefail

src=${1:?usage: make-tree.sh SRC TREE BASETREE PATCHDIR}
tree=${2:?}
basetree=${3:?}
pdir=${4:?}
me=make-tree
mkdir -p "$(dirname "$tree")" "$(dirname "$basetree")"
tree=$(realpath -m "$tree")
basetree=$(realpath -m "$basetree")
ver=$(basename "$src")
ver=${ver#linux-}
# linux-source-6.12 for 6.12.117-1~deb12u1, linux-source-7.3 for 7.3.4-...
pkg=linux-source-$(echo "$ver" | cut -d. -f1,2)

die() { echo "$me: $*" >&2; exit 1; }

series_files() {
	[ -f "$pdir/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$pdir/series"
}

# Refuse to throw away commits or edits that patches/ does not hold.
guard_unexported() {
	[ -n "${FORCE:-}" ] && return 0
	git -C "$tree" rev-parse -q --verify base >/dev/null || return 0
	if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
		die "$tree has uncommitted edits; commit and 'make export' them, or FORCE=1 to discard"
	fi
	local have want
	have=$(git -C "$tree" format-patch --stdout base..HEAD | git patch-id --stable | cut -d' ' -f1 | sort)
	want=$(series_files | while read -r p; do cat "$pdir/$p" 2>/dev/null; done |
		git patch-id --stable | cut -d' ' -f1 | sort)
	[ "$have" = "$want" ] ||
		die "$tree has commits not exported to $pdir; run 'make export' first, or FORCE=1 to discard"
}

make_base_repo() {
	echo "$me: creating $tree from $src"
	rm -rf "$tree" "$basetree"
	mkdir -p "$(dirname "$tree")"
	cp -a "$src" "$tree"
	rm -f "$tree/.unpacked"
	git -C "$tree" init -q -b series
	git -C "$tree" config user.name >/dev/null || git -C "$tree" config user.name "mremap series harness"
	git -C "$tree" config user.email >/dev/null || git -C "$tree" config user.email "harness@localhost"
	git -C "$tree" config core.autocrlf false
	git -C "$tree" config gc.auto 0
	# Build output directories live inside each source tree (see build-kernel.sh).
	printf '/out-*/\n' >>"$tree/.git/info/exclude"
	git -C "$tree" add -A -f .
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		git -C "$tree" commit -q -m "Linux $ver (Debian $pkg $ver)"
	git -C "$tree" tag base
}

if git -C "$tree" log -1 --format=%s base 2>/dev/null | grep -qF "$pkg $ver)"; then
	guard_unexported
else
	[ -d "$tree" ] && guard_unexported
	make_base_repo
fi

# The base variant is built from its own checkout so that neither tree's
# objects are invalidated when switching between them.
if [ ! -e "$basetree/.git" ]; then
	git -C "$tree" worktree prune
	rm -rf "$basetree"
	git -C "$tree" worktree add -q --detach "$basetree" base
fi

git -C "$tree" am --abort >/dev/null 2>&1 || true
git -C "$tree" checkout -q -f -B series base
git -C "$tree" clean -q -f -d

n=0
while read -r p; do
	[ -f "$pdir/$p" ] || die "$(basename "$pdir")/series lists '$p', which does not exist"
	if ! out=$(git -C "$tree" am -q --keep-cr "$(realpath "$pdir/$p")" 2>&1); then
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		where=$(printf '%s\n' "$out" | grep -m1 -E '^error: patch failed:|^error: .*does not apply|^error:|^fatal:' || true)
		die "$(basename "$pdir")/$p does not apply: ${where:-$(printf '%s\n' "$out" | head -n1)}"
	fi
	n=$((n + 1))
done < <(series_files)

for f in "$pdir"/*.patch; do
	[ -e "$f" ] || continue
	series_files | grep -qxF "$(basename "$f")" ||
		echo "$me: warning: $(basename "$f") is not listed in patches/series" >&2
done
echo "$me: $tree at base + $n patch(es)"
