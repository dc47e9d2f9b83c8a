#!/usr/bin/env bash
# make mail: both series, mail-ready, under OUTDIR/6.12 and OUTDIR/7.3:
# the sender from mail-sender.sh (nothing is written without one), each
# work tree recreated from base + series (make-tree.sh, which refuses to
# drop unexported work), the mails written by make-mail.sh and checked by
# verify-mail.sh. Prints the git send-email commands; sends nothing.
# Usage: mail.sh OUTDIR
set -uo pipefail

outdir=${1:?usage: mail.sh OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
S=$top/scripts
B=$top/build
sender=$("$S/mail-sender.sh") || exit 1

declare -A pkg=([6.12]=linux-source-6.12 [7.3]=linux-source-7.3)
declare -A ver=([6.12]=${BASE_VERSION:-6.12.117-1~deb12u1} [7.3]=${MAINLINE_VERSION:-7.3.4-1~bpo13+1})
declare -A suite=([6.12]= [7.3]=${MAINLINE_SUITE:-trixie-backports})
declare -A tree=([6.12]=$B/linux [7.3]=$B/linux-7.3)
declare -A basetree=([6.12]=$B/base [7.3]=$B/base-7.3)
declare -A pdir=([6.12]=$top/patches [7.3]=$top/patches-7.3)

"$S/install-deps.sh" || exit 1
fail=0
for s in 6.12 7.3; do
	src=$("$S/fetch-source.sh" "${pkg[$s]}" "${ver[$s]}" "$B/cache" ${suite[$s]}) || exit 1
	"$S/make-tree.sh" "$src" "${tree[$s]}" "${basetree[$s]}" "${pdir[$s]}" >/dev/null || exit 1
	"$S/make-mail.sh" "$sender" "${tree[$s]}" "$top/cover-letters/$s.txt" "$outdir/$s" || exit 1
	r=$(LABEL=mail-$s "$S/verify-mail.sh" "${tree[$s]}" "$outdir/$s")
	printf '%s\n' "$r"
	grep -q '^FAIL' <<<"$r" && fail=1
done
[ $fail = 0 ] || { echo "mail: the mail directories did not pass their checks (above)"; exit 1; }
echo "Nothing was sent. To send (To/Cc and threading are in the files):"
for s in 6.12 7.3; do
	echo "  git send-email --no-thread --confirm=always $outdir/$s/*.patch"
done
