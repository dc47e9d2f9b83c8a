#!/usr/bin/env bash
# Unpack a static binary for ARCH from its Debian package into DIR, once,
# and print its path: busybox (busybox-static, /bin/busybox) for the
# guest's shell tools, bash (bash-static, /bin/bash-static) for
# run_vmtests.sh. The package is downloaded for ARCH with apt, adding ARCH
# as a foreign dpkg architecture if it is not the host's.
# Usage: fetch-static-bin.sh ARCH DIR busybox|bash
set -euo pipefail
me=fetch-static-bin
arch=${1:?usage: fetch-static-bin.sh ARCH DIR busybox|bash}
dir=${2:?}
tool=${3:?}
case $arch in
x86_64) deb_arch=amd64 ;;
arm64) deb_arch=arm64 ;;
*) echo "$me: unknown ARCH '$arch'" >&2; exit 1 ;;
esac
case $tool in
busybox) pkg=busybox-static path=bin/busybox ;;
bash) pkg=bash-static path=bin/bash-static ;;
*) echo "$me: unknown tool '$tool' (busybox or bash)" >&2; exit 1 ;;
esac
bin=$dir/bin/$tool
[ -x "$bin" ] && { echo "$bin"; exit 0; }
if [ "$deb_arch" != "$(dpkg --print-architecture)" ] &&
   ! dpkg --print-foreign-architectures | grep -qx "$deb_arch"; then
	dpkg --add-architecture "$deb_arch"
	apt-get update -q >/dev/null 2>&1 || true
fi
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q "$pkg:$deb_arch" >/dev/null 2>&1) ||
	{ echo "$me: apt-get download $pkg:$deb_arch failed" >&2; exit 1; }
dpkg -x "$tmp"/"${pkg}"_*.deb "$tmp/x"
[ -f "$tmp/x/$path" ] || { echo "$me: $pkg:$deb_arch has no /$path" >&2; exit 1; }
install -D -m 0755 "$tmp/x/$path" "$bin"
echo "$bin"
