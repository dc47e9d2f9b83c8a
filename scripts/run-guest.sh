#!/usr/bin/env bash
# Boot a test kernel in QEMU with the guest initramfs plus a plan, and write
# the console to LOG. TCG unless a working KVM is there (ACCEL= overrides);
# ICOUNT=1 runs single-threaded TCG with -icount shift=0 for repeatable
# guest timings. MODE=shell gives an interactive console instead of a log.
# PLUGIN="lib.so,args" loads a QEMU TCG plugin (make profile).
# Usage: run-guest.sh ARCH KERNEL INITRAMFS PLAN LOG [TIMEOUT_SECONDS]
set -euo pipefail

arch=${1:?usage: run-guest.sh ARCH KERNEL INITRAMFS PLAN LOG [TIMEOUT]}
kernel=${2:?}
initramfs=${3:?}
plan=${4:?}
log=${5:?}
timeout=${6:-1800}
me=run-guest
mem=${GUEST_MEM:-4G}
smp=${GUEST_SMP:-2}

for f in "$kernel" "$initramfs" "$plan"; do
	[ -f "$f" ] || { echo "$me: $f not found" >&2; exit 1; }
done

accel=${ACCEL:-}
if [ -n "${ICOUNT:-}" ]; then
	accel=tcg
	extra=(-icount shift=0)
	smp=1
elif [ -z "$accel" ]; then
	if "$(dirname "$0")/kvm-works.sh" "$arch"; then accel=kvm; else accel=tcg,thread=multi; fi
	extra=()
else
	extra=()
fi
[ -n "${PLUGIN:-}" ] && extra+=(-plugin "$PLUGIN")

case $arch in
x86_64)
	qemu=qemu-system-x86_64
	machine=(-M pc -cpu max)
	[ "${accel%%,*}" = kvm ] && machine=(-M pc -cpu host)
	console=ttyS0
	;;
arm64)
	qemu=qemu-system-aarch64
	# pauth-impdef: the architected pointer-auth algorithm is slow under TCG.
	machine=(-M virt -cpu max,pauth-impdef=on)
	console=ttyAMA0
	;;
*) echo "$me: unknown ARCH '$arch'" >&2; exit 1 ;;
esac
command -v "$qemu" >/dev/null || { echo "$me: $qemu not found (run scripts/install-deps.sh)" >&2; exit 1; }

# The kernel unpacks concatenated cpio archives: add the plan as /etc/plan.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gen=$(dirname "$initramfs")/gen_init_cpio
printf 'dir /etc 0755 0 0\nfile /etc/plan %s 0644 0 0\n' "$(realpath "$plan")" >"$work/plan.list"
"$gen" "$work/plan.list" >"$work/plan.cpio"
cat "$initramfs" "$work/plan.cpio" >"$work/initrd"

# loglevel 7: KUnit prints its results at KERN_INFO.
cmdline="console=$console panic=-1 loglevel=7 ${GUEST_CMDLINE:-}"
args=("${machine[@]}" -accel "$accel" "${extra[@]}" -m "$mem" -smp "$smp"
	-kernel "$kernel" -initrd "$work/initrd" -append "$cmdline"
	-nographic -no-reboot)

if [ "${MODE:-}" = shell ]; then
	exec "$qemu" "${args[@]}"
fi

mkdir -p "$(dirname "$log")"
rc=0
timeout -k 10 "$timeout" "$qemu" "${args[@]}" </dev/null >"$log" 2>&1 || rc=$?
if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "harness-host: guest timed out after ${timeout}s" >>"$log"
elif [ $rc != 0 ]; then
	echo "harness-host: qemu exited with status $rc" >>"$log"
fi
exit 0
