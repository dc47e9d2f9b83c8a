#!/usr/bin/env bash
# make soak's figures for one arch, from the base and patched console logs:
# differential operations, injected failures by site, race moves, stress-ng
# bogo-ops by stressor and trinity's system call count, per kernel.
# Usage: soak-figures.sh ARCH BASE_LOG PATCHED_LOG
set -euo pipefail
arch=${1:?usage: soak-figures.sh ARCH BASE_LOG PATCHED_LOG}
shift
echo "== $arch"
for log in "$@"; do
	[ -f "$log" ] || continue
	v=$(basename "$log" .log)
	v=${v#"$arch"-}
	tr -d '\r' <"$log" | awk -v v="$v" '
		/^harness: begin / { run = $3 }
		run ~ /^difftest-/ && match($0, /ops [0-9]+/) && /digest/ {
			ops += substr($0, RSTART + 4, RLENGTH - 4) }
		run == "inject" && /^# site / { sub(/^# site /, ""); sub(/ injected failure.*/, ""); sites = sites (sites ? ", " : "") $0 }
		run == "race" && match($0, /, [0-9]+ moves/) { moves += substr($0, RSTART + 2, RLENGTH - 8) }
		run ~ /^stress-/ && match($0, /metrc: \[[0-9]+\] [a-z]+ +[0-9]+ /) {
			split(substr($0, RSTART, RLENGTH), f, " "); bogo = bogo (bogo ? ", " : "") f[3] " " f[4] }
		run == "trinity" && /[0-9]+ syscalls/ { tri = $0; sub(/^# */, "", tri) }
		END {
			printf "%s: difftest %d ops; injected by site: %s; race %d moves; stress-ng bogo-ops: %s; trinity: %s\n",
				v, ops, sites ? sites : "none", moves, bogo ? bogo : "none", tri ? tri : "no count"
		}'
done
