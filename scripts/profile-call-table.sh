#!/usr/bin/env bash
# Print call-tree plugin outputs side by side: per call of the entry
# function, each function's inclusive and exclusive instructions and its
# entries on each kernel, sorted by the first kernel's inclusive count (then
# the next's); rows where every figure is below half an instruction per call
# are left out (a file's "scale N" line makes its figures per N calls).
# The first row is the path: the exclusive instructions of the functions
# entered at least 0.9 times per call (n/a for a file with a scale), which
# is steadier between runs than the whole call, as that takes in the
# interrupts and softirq work that happen to run. The next row is the entry
# function: the whole call.
# Usage: profile-call-table.sh NAME=FILE...
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: profile-call-table.sh NAME=FILE..." >&2; exit 2; }
names=()
for a in "$@"; do
	f=${a#*=}
	[ -r "$f" ] || { echo "profile-call-table: cannot read $f" >&2; exit 1; }
	grep -q '^calls [1-9]' "$f" || { echo "profile-call-table: $f counted no calls" >&2; exit 1; }
	names+=("${a%%=*}")
done
files=("${@#*=}")
awk -v names="${names[*]}" '
	FNR == 1 { k++; n = k }
	$1 == "calls" { c[k] = $2; next }
	$1 == "scale" { c[k] /= $2; scaled[k] = $2; next }
	$1 == "lost" { lost[k] = $2; next }
	{ inc[$1, k] += $2; exc[$1, k] += $3; ent[$1, k] += $4; seen[$1] = 1 }
	# Functions entered on (nearly) every call: the path itself, without
	# the interrupts and deferred work that come and go between runs.
	{ if ($4 >= 0.9 * c[k]) path[k] += $3 }
	END {
		split(names, nm, " ")
		printf "%-36s", "function"
		for (i = 1; i <= n; i++)
			printf " %21s", nm[i] " incl/excl/entries"
		printf "\n"
		for (f in seen) {
			keep = 0; line = sprintf("%-36s", f); key = ""
			for (i = 1; i <= n; i++) {
				a = inc[f, i] / c[i]; b = exc[f, i] / c[i]; e = ent[f, i] / c[i]
				if (a >= 0.5 || b >= 0.5)
					keep = 1
				line = line sprintf(" %8.0f %6.0f %5.2f", a, b, e)
				key = key sprintf(" %012.1f", a)
			}
			if (keep)
				print key "\t" line
		}
		# Sorted right below the header ("function..."), above the rows.
		line = sprintf("e\t%-36s", "(path: every-call functions, excl.)")
		for (i = 1; i <= n; i++)
			line = line (scaled[i] ? sprintf(" %8s %6s %5s", "", "n/a", "") : \
				     sprintf(" %8s %6.0f %5s", "", path[i] / c[i], ""))
		print line
		for (i = 1; i <= n; i++)
			if (scaled[i])
				printf "note: %s: figures per %d calls\n", nm[i], scaled[i] > "/dev/stderr"
		for (i = 1; i <= n; i++)
			if (lost[i])
				printf "note: %s: the shadow stack overflowed %d time(s)\n", nm[i], lost[i] > "/dev/stderr"
	}' "${files[@]}" | sort -r | cut -f2-
