#!/usr/bin/env bash
# Install the Debian packages the harness needs, once. Says which one is missing
# when apt cannot provide it.
set -euo pipefail

pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils
	ccache sparse git perl python3 python3-ply python3-git
	qemu-system-x86 qemu-system-arm qemu-utils ipxe-qemu
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	rsync kmod python3-sphinx python3-sphinx-rtd-theme
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages (${missing[*]}); run as root or install them" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
install() { apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/install-deps.log 2>&1; }
# A fresh machine may have no (or stale) package lists: update once and retry.
if ! install; then
	apt-get update -q >/dev/null 2>&1 || { echo "install-deps: apt-get update failed" >&2; exit 1; }
	if ! install; then
		for p in "${missing[@]}"; do
			apt-cache show "$p" >/dev/null 2>&1 ||
				{ echo "install-deps: package '$p' is not available from apt" >&2; exit 1; }
		done
		echo "install-deps: apt-get install failed, see /tmp/install-deps.log:" >&2
		tail -n 5 /tmp/install-deps.log >&2
		exit 1
	fi
fi
