#!/usr/bin/env bash
# Compare two insn-count plugin outputs ("function instructions entries"):
# per call of ENTRY (the syscall), the instructions each function executed
# on the base and the patched kernel, for the functions where they differ by
# at least half an instruction, and the whole run (boot and setup included,
# so only its difference means anything).
# Usage: profile-table.sh ENTRY BASE PATCHED
set -euo pipefail
usage="usage: profile-table.sh ENTRY BASE PATCHED"
entry=${1:?$usage}
base=${2:?$usage}
patched=${3:?$usage}
for f in "$base" "$patched"; do
	[ -r "$f" ] || { echo "profile-table: cannot read $f" >&2; exit 1; }
done
# Static functions of the same name are summed, as they were counted.
calls() { awk -v e="$entry" '$1 == e { n += $3 } END { print n + 0 }' "$1"; }
nb=$(calls "$base")
np=$(calls "$patched")
[ "$nb" -gt 0 ] && [ "$np" -gt 0 ] ||
	{ echo "profile-table: $entry did not run on both kernels" >&2; exit 1; }
echo "per call of $entry ($nb calls on base, $np on patched)"
awk -v nb="$nb" -v np="$np" '
	FNR == 1 { k++ }
	{ v[$1, k] += $2; seen[$1] = 1 }
	END {
		for (f in seen) {
			b = v[f, 1] / nb; p = v[f, 2] / np; tb += b; tp += p
			if (p - b >= 0.5 || b - p >= 0.5)
				printf "0 %+f %-40s %10.1f %10.1f %+8.1f\n", p - b, f, b, p, p - b
		}
		printf "1 0 %-40s %10.1f %10.1f %+8.1f\n", "whole-run", tb, tp, tp - tb
	}' "$base" "$patched" | sort -k1,1n -k2,2g | cut -d' ' -f3- |
	{ printf "%-40s %10s %10s %8s\n" function base patched diff; cat; }
