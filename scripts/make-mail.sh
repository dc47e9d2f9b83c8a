#!/usr/bin/env bash
# Write a mail-ready copy of a series: the commits of TREE (base..HEAD, as
# 'make tree' made them from the series) re-stamped with SENDER as author and
# in Signed-off-by (the placeholder sign-off of patches/ removed), as
# "[PATCH vN m/n]" mails threaded under a cover letter that
# cover-letter.sh fills from TEMPLATE, with To: (maintainers) and Cc:
# (reviewers, lists) from the tree's scripts/get_maintainer.pl. Then
# verify-mail.sh checks the result. Nothing is sent.
# Usage: make-mail.sh SENDER TREE TEMPLATE OUTDIR
# MAIL_VERSION=N (default 1), MAIL_PREFIX (default PATCH).
set -euo pipefail

sender=${1:?usage: make-mail.sh SENDER TREE TEMPLATE OUTDIR}
tree=${2:?}
template=${3:?}
out=${4:?}
S=$(cd "$(dirname "$0")" && pwd)
me=mail
placeholder='mremap series team <mremap-series@example.org>'
version=${MAIL_VERSION:-1}
prefix=${MAIL_PREFIX:-PATCH}
die() { echo "$me: $*" >&2; exit 1; }

[[ $version =~ ^[1-9][0-9]*$ ]] || die "MAIL_VERSION must be a positive number, not '$version'"
name=${sender% <*}
email=${sender##*<}
email=${email%>}
git -C "$tree" rev-parse -q --verify base >/dev/null || die "$tree has no 'base' tag; run 'make tree'"
n=$(git -C "$tree" rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "$tree has no commits on top of its base"

# Re-stamp each commit: same tree, same author date, the sender as author
# and committer, the placeholder's sign-off replaced by the sender's.
parent=$(git -C "$tree" rev-parse "base^{commit}")
for c in $(git -C "$tree" rev-list --reverse base..HEAD); do
	msg=$(git -C "$tree" log -1 --format=%B "$c" | grep -vxF "Signed-off-by: $placeholder" |
		git interpret-trailers --if-exists addIfDifferent \
			--trailer "Signed-off-by: $sender")
	parent=$(GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
		GIT_AUTHOR_DATE=$(git -C "$tree" log -1 --format=%aD "$c") \
		GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
		git -C "$tree" commit-tree "$c^{tree}" -p "$parent" <<<"$msg")
done
git -C "$tree" update-ref refs/mail/head "$parent"

# The patched files' maintainers in To:, reviewers and lists in Cc:. Fixes:
# lookups need git history the Debian trees lack; keyword matches (an
# "#if defined(__riscv)" in a selftest) do not make an arch's list an
# audience for the series.
gm() {
	(cd "$tree" && git format-patch -q --stdout base..refs/mail/head |
		perl scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats \
			--nofixes --nokeywords "$@" 2>/dev/null)
}
to=$(gm --m --nor --nol) || die "get_maintainer.pl failed in $tree"
cc=$(gm --nom --r --l) || die "get_maintainer.pl failed in $tree"
# A maintainer of one section may be a reviewer of another: To: only.
cc=$(grep -vxF -f <(printf '%s\n' "$to") <<<"$cc" || true)
grep -q '@' <<<"$to$cc" || die "get_maintainer.pl named nobody for the series"

tmp=$out.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
args=()
while read -r a; do [ -n "$a" ] && args+=("--to=$a"); done <<<"$to"
while read -r a; do [ -n "$a" ] && args+=("--cc=$a"); done <<<"$cc"
git -C "$tree" -c user.name="$name" -c user.email="$email" format-patch -q -o "$tmp" -v"$version" --subject-prefix="$prefix" \
	--cover-letter --thread=shallow --no-signature "${args[@]}" base..refs/mail/head

cover=$(ls "$tmp"/*0000-cover-letter.patch)
blurb=$tmp/blurb.txt
"$S/cover-letter.sh" "$template" >"$blurb" || die "the cover letter could not be written"
subject=$(head -n 1 "$blurb")
awk -v subject="$subject" -v blurb="$blurb" '
	/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subject); print; next }
	/^\*\*\* BLURB HERE \*\*\*$/ {
		getline line < blurb	# the subject
		while ((getline line < blurb) > 0) print line
		next
	}
	{ print }' "$cover" >"$cover.new"
mv "$cover.new" "$cover"
rm -f "$blurb"
! grep -q '\*\*\* .* HERE \*\*\*' "$cover" || die "the cover letter still has a placeholder"

rm -rf "$out"
mv "$tmp" "$out"
echo "$me: $out: cover letter and $n patch(es) from $sender"
