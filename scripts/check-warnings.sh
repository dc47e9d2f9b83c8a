#!/usr/bin/env bash
# sparse (C=2) and W=1 on mm/mremap.o and every other kernel .c file the
# series touches, for the base and the patched tree (x86_64). Fails on any
# warning the base does not already have (compared without line numbers).
# Usage: check-warnings.sh TREE BASETREE CONFIGDIR RESULTS
# LABEL= names the results (default: warnings), to keep two series' results apart.
set -uo pipefail

tree=${1:?usage: check-warnings.sh TREE BASETREE CONFIGDIR RESULTS}
basetree=${2:?}
cfgdir=${3:?}
results=${4:?}
here=$(cd "$(dirname "$0")" && pwd)
arch=x86_64
command -v sparse >/dev/null || { echo "FAIL ${LABEL:-warnings}: sparse not installed (apt-get install sparse)" | tee -a "$results"; exit 0; }

mapfile -t files < <( { echo mm/mremap.c; git -C "$tree" diff --name-only base..HEAD -- '*.c'; } |
	grep -v '^tools/' | sort -u)

warnings() { # SRC FILE.o -> normalised warnings on stdout
	local src=$1 obj=$2 log
	log=$(mktemp)
	"$here/build-kernel.sh" "$src" "$arch" "$cfgdir" C=2 W=1 "$obj" >"$log" 2>&1
	grep -E 'warning|error' "$log" | sed -E 's/:[0-9]+(:[0-9]+)?:/:/' | sort -u
	rm -f "$log"
}

for f in "${files[@]}"; do
	[ -e "$tree/$f" ] || continue
	obj=${f%.c}.o
	new=$(comm -13 <( [ -e "$basetree/$f" ] && warnings "$basetree" "$obj") <(warnings "$tree" "$obj"))
	if [ -z "$new" ]; then
		echo "PASS ${LABEL:-warnings}:$obj (sparse, W=1: nothing new over base)"
	else
		echo "FAIL ${LABEL:-warnings}:$obj $(printf '%s\n' "$new" | head -n 1)"
		printf '%s\n' "$new" | sed 's/^/    /' >&2
	fi
done | tee -a "$results"
