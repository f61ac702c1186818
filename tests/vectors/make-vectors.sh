#!/bin/sh
# make-vectors.sh: regenerate the frame test vectors in this directory.
#
# mkvec.c builds every vector field by field from the v1 layout in
# libshared/frame.h and meta.h, with libxxhash alone (nothing of libshared),
# and writes NAME.sg and an annotated NAME.hex for each. When bin/sg-chunk
# is built, the valid vectors it can make are compared with its output for
# the same files, as a check that the tool writes what the spec says.
#
# Usage: tests/vectors/make-vectors.sh     (from anywhere; CC and SG_CHUNK
#        may be set)
set -eu

dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# shellcheck disable=SC2046
${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -o "$tmp/mkvec" "$dir/mkvec.c" \
	$(pkg-config --cflags --libs libxxhash 2>/dev/null || echo -lxxhash)
(cd "$dir" && "$tmp/mkvec")
echo "make-vectors: wrote $(ls "$dir"/*.sg | wc -l) vectors in $dir"

sgchunk=${SG_CHUNK:-$dir/../../bin/sg-chunk}
if [ ! -x "$sgchunk" ]; then
	echo "make-vectors: no $sgchunk (run make): sg-chunk cross-check skipped"
	exit 0
fi
mkdir "$tmp/in"
cd "$tmp/in"
printf 'hi\n' >hi.txt
printf 'one\ntwo\nthree\n' >lines.txt
: >empty.txt
printf 'w\303\266rld \360\235\204\236\n' >wide.txt
chmod 644 ./*.txt
touch -d @1700000000 ./*.txt
status=0
check() {
	want=$1
	shift
	if "$sgchunk" "$@" | cmp -s - "$dir/$want"; then
		echo "make-vectors: $want is what sg-chunk $* writes"
	else
		echo "make-vectors: $want differs from what sg-chunk $* writes" >&2
		status=1
	fi
}
check v1-hi.sg hi.txt
check v2-two.sg -b 8 hi.txt lines.txt
check v3-empty.sg empty.txt
check v4-oversize.sg -b 8 wide.txt
exit $status
