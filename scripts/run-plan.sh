#!/usr/bin/env bash
# Boot one kernel with one plan and judge it: expand the plan for the arch,
# run the guest, append the verdict to RESULTS. With --show, also print the
# guest's side of the console (from init's start) and the verdict.
# A plan line "memory SIZE" sets the guest's RAM (default: run-guest.sh's).
# RUN_TAG=name keeps a second plan on the same kernel apart: its log is
# ARCH-VARIANT-name.log and its results are labelled ARCH/VARIANT/name.
# Usage: run-plan.sh ARCH VARIANT KERNEL GUESTDIR PLAN LOGDIR RESULTS [--show]
set -euo pipefail

arch=${1:?usage: run-plan.sh ARCH VARIANT KERNEL GUESTDIR PLAN LOGDIR RESULTS [--show]}
variant=${2:?}
kernel=${3:?}
guest=${4:?}
plan=${5:?}
logdir=${6:?}
results=${7:?}
show=${8:-}
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$logdir"
name=$arch-$variant${RUN_TAG:+-$RUN_TAG}
label=$arch/$variant${RUN_TAG:+/$RUN_TAG}
p=$logdir/$name.plan
log=$logdir/$name.log
"$here/expand-plan.sh" "$plan" "$arch" "$variant" >"$p"
# Allow every test its own timeout plus two minutes for boot and setup.
budget=$(awk '$1 == "run" { t += $3 } END { print t + 120 }' "$p")
mem=$(awk '$1 == "memory" { m = $2 } END { print m }' "$p")

start=$(date +%s)
GUEST_MEM=${mem:-${GUEST_MEM:-}} "$here/run-guest.sh" "$arch" "$kernel" "$guest/initramfs.cpio" "$p" "$log" "$budget"
[ -n "$show" ] && sed -n '/^harness: start/,$p' "$log" | tr -d '\r'
echo "== $label guest: $(( $(date +%s) - start ))s, console in $log"
"$here/console-verdict.sh" "$log" "$p" "$label" "$results" | sed 's/^/  /'
