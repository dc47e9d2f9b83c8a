#!/usr/bin/env bash
# Unpack Debian's static busybox for ARCH (a shell for 'make shell') into
# DIR; prints the path of the binary.
# Usage: fetch-busybox.sh ARCH DIR
set -euo pipefail
arch=${1:?usage: fetch-busybox.sh ARCH DIR}
dir=${2:?}
case $arch in
x86_64) deb_arch=amd64 ;;
arm64) deb_arch=arm64 ;;
*) echo "fetch-busybox: unknown ARCH '$arch'" >&2; exit 1 ;;
esac
bin=$dir/bin/busybox
[ -x "$bin" ] && { echo "$bin"; exit 0; }
if [ "$deb_arch" != "$(dpkg --print-architecture)" ] &&
   ! dpkg --print-foreign-architectures | grep -qx "$deb_arch"; then
	dpkg --add-architecture "$deb_arch"
	apt-get update -q >/dev/null 2>&1 || true
fi
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q "busybox-static:$deb_arch" >/dev/null 2>&1) ||
	{ echo "fetch-busybox: apt-get download busybox-static:$deb_arch failed" >&2; exit 1; }
dpkg -x "$tmp"/busybox-static_*.deb "$tmp/x"
install -D -m 0755 "$tmp/x/bin/busybox" "$bin"
echo "$bin"
