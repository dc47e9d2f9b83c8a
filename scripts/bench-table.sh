#!/usr/bin/env bash
# Print the benchmark table of one arch from the guest logs of scripts/bench.sh:
# per case, the mean ns per operation on two kernels and their ratio (above
# 1: the second is faster), for each mode (icount: QEMU -icount,
# repeatable; tcg: plain TCG, wall time). PAIR=A:B names the two variants
# (default base:patched; e.g. mainline:patched-7.3, or base:mainline for
# what an upgrade from 6.12 to 7.3 buys).
# Usage: bench-table.sh ARCH LOGDIR MODE...   (logs: LOGDIR/ARCH-VARIANT-MODE.log)
set -euo pipefail
arch=${1:?usage: bench-table.sh ARCH LOGDIR MODE...}
dir=${2:?}
shift 2
[ $# -gt 0 ] || { echo "bench-table: no mode given" >&2; exit 2; }
pair=${PAIR:-base:patched}
va=${pair%%:*}
vb=${pair#*:}

files=()
for mode in "$@"; do
	for variant in "$va" "$vb"; do
		f=$dir/$arch-$variant-$mode.log
		[ -f "$f" ] || { echo "bench-table: $f not found" >&2; exit 1; }
		files+=("$mode:$variant:$f")
	done
done

clock_is_jiffies() { "$(dirname "$0")/guest-clock-is-jiffies.sh" "$1"; }

for spec in "${files[@]}"; do
	IFS=: read -r mode variant f <<<"$spec"
	[ "$variant" = "$va" ] && role=a || role=b
	# A guest whose clock fell back to jiffies (x86 TCG: the TSC could not
	# be calibrated) timed in 4 ms steps: its figures are meaningless.
	jiffies=0
	clock_is_jiffies "$f" && jiffies=1
	tr -d '\r' <"$f" | awk -v key="$mode:$role" -v j=$jiffies '
		$1 == "bench:" { print key, $2, (j && $3 != "n/a" ? "n/a" : $3) }'
done | awk -v arch="$arch" -v modes="$*" -v va="$va" -v vb="$vb" '
	{ val[$1 " " $2] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
	function cell(m, c,    b, p) {
		b = val[m ":a " c]; p = val[m ":b " c]
		if (b == "" || p == "" || b == "n/a" || p == "n/a" || p + 0 == 0)
			return sprintf(" %12s %12s %7s", b == "" ? "-" : b, p == "" ? "-" : p, "n/a")
		return sprintf(" %12.0f %12.0f %7.2f", b, p, b / p)
	}
	END {
		nm = split(modes, m, " ")
		printf "%-7s %-20s", "arch", "case"
		for (i = 1; i <= nm; i++)
			printf " %12s %12s %7s", va "-" m[i], vb "-" m[i], "ratio"
		printf "\n"
		for (k = 1; k <= n; k++) {
			printf "%-7s %-20s", arch, order[k]
			for (i = 1; i <= nm; i++)
				printf "%s", cell(m[i], order[k])
			printf "\n"
		}
	}'
for spec in "${files[@]}"; do
	IFS=: read -r mode variant f <<<"$spec"
	clock_is_jiffies "$f" && echo "note: $mode $variant: the guest clock was jiffies, figures n/a"
done
exit 0
