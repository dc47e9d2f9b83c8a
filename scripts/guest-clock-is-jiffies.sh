#!/usr/bin/env bash
# Exit 0 if the guest whose console is LOG last switched its clocksource to
# jiffies (an x86 guest under plain TCG whose TSC could not be calibrated):
# its clock_gettime() then moves in 4 ms steps and timings are meaningless.
# Usage: guest-clock-is-jiffies.sh LOG
set -uo pipefail
log=${1:?usage: guest-clock-is-jiffies.sh LOG}
tr -d '\r' <"$log" | grep -a 'Switched to clocksource' | tail -n 1 | grep -q 'jiffies$'
