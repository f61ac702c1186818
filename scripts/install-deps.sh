#!/bin/sh
# Install what sg needs to build and test, from Debian packages, when it is
# missing. Run as root on Debian (make check and make demo call it). Without
# root or apt-get it prints exactly what is missing and exits 1.
#
#   scripts/install-deps.sh [build|test|all]     (default: all)
set -eu

build_pkgs="gcc make pkg-config libarchive-dev libzstd-dev liblz4-dev libxxhash-dev"
test_pkgs="libcmocka-dev bats bats-support bats-assert mandoc jq zstd lz4 parallel \
time bsdutils clang python3 xxd valgrind curl gnuplot-nox \
bzip2 xz-utils zip unzip p7zip-full ncompress pv tmux procps"

case "${1:-all}" in
build) want="$build_pkgs" ;;
test) want="$test_pkgs" ;;
all) want="$build_pkgs $test_pkgs" ;;
*) echo "usage: $0 [build|test|all]" >&2; exit 64 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: missing Debian packages:$missing" >&2
	echo "install-deps: as root, run: apt-get install$missing" >&2
	exit 1
fi

echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
