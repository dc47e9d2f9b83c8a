#!/usr/bin/env bash
# Check a mail-ready directory of make-mail.sh as its reader would: 'git am'
# of its patches onto the pristine base (a scratch worktree of TREE's 'base')
# must apply every one and end at the tree make-mail.sh sent; checkpatch
# --strict must be clean on every patch, and the cover letter must have no
# placeholder. One PASS/FAIL line per check on stdout (LABEL, default mail).
# Usage: verify-mail.sh TREE MAILDIR
set -uo pipefail

tree=${1:?usage: verify-mail.sh TREE MAILDIR}
dir=$(realpath "${2:?}")
label=${LABEL:-mail}
wt=$(realpath -m "$tree/../mail-am.$$")
trap 'git -C "$tree" worktree remove -f "$wt" >/dev/null 2>&1; rm -rf "$wt"' EXIT

mapfile -t mails < <(ls "$dir"/*.patch | grep -v -- '-0000-cover-letter.patch$\|/0000-cover-letter.patch$')
cover=$(ls "$dir"/*0000-cover-letter.patch 2>/dev/null)
if [ -z "$cover" ] || grep -q '\*\*\* .* HERE \*\*\*' "$cover"; then
	echo "FAIL $label:cover-letter missing, or still has a placeholder"
else
	echo "PASS $label:cover-letter ($(grep -c . "$cover") lines)"
fi

git -C "$tree" worktree add -q --detach "$wt" base || { echo "FAIL $label:am no scratch worktree"; exit 1; }
if out=$(git -C "$wt" am -q --keep-cr "${mails[@]}" 2>&1); then
	if [ "$(git -C "$wt" rev-parse 'HEAD^{tree}')" = "$(git -C "$tree" rev-parse 'refs/mail/head^{tree}')" ]; then
		echo "PASS $label:am ${#mails[@]} patch(es) apply to the base and give the series' tree"
	else
		echo "FAIL $label:am the patches apply but give a different tree than the series"
	fi
else
	echo "FAIL $label:am $(grep -m1 -E '^(error|fatal|Patch failed)' <<<"$out")"
fi

# As check-patches.sh: the Debian trees have no git history, so checkpatch
# cannot look up the commits that Fixes: tags name (UNKNOWN_COMMIT_ID).
bad=0
for m in "$cover" "${mails[@]}"; do
	o=$(cd "$tree" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --quiet --terse \
		--ignore UNKNOWN_COMMIT_ID "$m" 2>&1) || true
	o=$(grep -E '(ERROR|WARNING|CHECK):|Traceback' <<<"$o" || true)
	[ -z "$o" ] || { bad=$((bad + 1)); echo "    $(basename "$m"): $(head -n 1 <<<"$o")" >&2; }
done
if [ $bad = 0 ]; then
	echo "PASS $label:checkpatch --strict clean on the cover letter and ${#mails[@]} patch(es)"
else
	echo "FAIL $label:checkpatch $bad of $(( ${#mails[@]} + 1 )) mail(s) not clean (see above)"
fi
