#!/usr/bin/env bash
# Print the failures and the closing "N passed, N failed" line of a results
# file (lines "PASS|FAIL|SKIP NAME detail"); exit 1 on any failure or when
# nothing was tested at all.
# Usage: summarize.sh RESULTS
set -euo pipefail
results=${1:?usage: summarize.sh RESULTS}
[ -f "$results" ] || : >"$results"

pass=$(grep -c '^PASS ' "$results" || true)
fail=$(grep -c '^FAIL ' "$results" || true)
skip=$(grep -c '^SKIP ' "$results" || true)

# A test that passes on the base kernel and fails on the patched one is a
# regression of the series; say so explicitly.
awk '$1 == "PASS" && $2 ~ /\/base:/ { p = $2; sub(/\/base:/, "/patched:", p); ok[p] = 1 }
     $1 == "FAIL" && $2 ~ /\/patched:/ { bad[$2] = 1 }
     END { for (t in bad) if (t in ok) print "REGRESSION " t " (passes on base)" }' "$results" | sort

if [ "$fail" -gt 0 ]; then
	echo "Failures:"
	grep '^FAIL ' "$results" | sed 's/^FAIL /  /'
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
