#!/usr/bin/env bash
# Exit 0 if QEMU can run an ARCH guest under KVM here: an x86_64 guest on an
# x86_64 host whose /dev/kvm is writable and whose CPU has vmx or svm.
# (/dev/kvm may exist and open without them: KVM then hangs the guest.)
# Usage: kvm-works.sh ARCH
arch=${1:?usage: kvm-works.sh ARCH}
[ "$arch" = x86_64 ] && [ "$(uname -m)" = x86_64 ] && [ -w /dev/kvm ] &&
	grep -qE '\b(vmx|svm)\b' /proc/cpuinfo
