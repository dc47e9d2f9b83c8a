#!/usr/bin/env bash
# Fetch Debian's linux-source-6.12 at the pinned version and unpack it once
# into build/cache/linux-<version>. Prints the unpacked directory.
# Usage: fetch-base.sh VERSION CACHE_DIR
set -euo pipefail

ver=${1:?usage: fetch-base.sh VERSION CACHE_DIR}
cache=${2:?usage: fetch-base.sh VERSION CACHE_DIR}
pkg=linux-source-6.12
src=$cache/linux-$ver

if [ -f "$src/.unpacked" ]; then
	echo "$src"
	exit 0
fi
mkdir -p "$cache"

deb=$(ls "$cache"/${pkg}_"${ver//:/%3a}"_all.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
	offered() { apt-cache madison "$pkg" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}'; }
	if ! offered | grep -qxF "$ver"; then
		apt-get update -q >/dev/null 2>&1 || true
	fi
	if ! offered | grep -qxF "$ver"; then
		offered=$(offered | paste -sd' ')
		echo "fetch-base: $pkg=$ver is not served by apt (offered: ${offered:-none})" >&2
		exit 1
	fi
	(cd "$cache" && apt-get download -q "$pkg=$ver" >/dev/null 2>&1) ||
		{ echo "fetch-base: apt-get download $pkg=$ver failed" >&2; exit 1; }
	deb=$(ls "$cache"/${pkg}_*_all.deb | head -1)
fi

tmp=$cache/unpack.$$
rm -rf "$tmp" "$src"
mkdir -p "$tmp"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*/linux-source-6.12.tar.xz'
tar -xJf "$tmp"/usr/src/linux-source-6.12.tar.xz -C "$tmp"
mv "$tmp"/linux-source-6.12 "$src"
rm -rf "$tmp"
touch "$src/.unpacked"
echo "$src"
