# test_helper.bash: what every tests/cli/*.bats file shares.
#
# SG_BIN (default: the repository's bin/) is put first in PATH, so the tests
# run `sg-chunk` and `sg-decode` by name; `make cli-san` points it at the
# ASan+UBSan builds and sets SG_SANITIZED=1, which shrinks the biggest loops
# (every case keeps its coverage, on smaller inputs or fewer repetitions).
# Each test runs in its own $BATS_TEST_TMPDIR.

bats_require_minimum_version 1.5.0

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

SG_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
SG_BIN=${SG_BIN:-$SG_ROOT/bin}
PATH=$SG_BIN:$PATH
CORPORA=$(cd "$BATS_TEST_DIRNAME/../../../shared/corpora" 2>/dev/null && pwd)
export SG_BIN PATH CORPORA
# Byte semantics everywhere: awk lengths, tr, sed and sort work on bytes.
export LC_ALL=C

# A round trip with a small --size reads at most FRAME_BUDGET chunks' worth
# of its input (a prefix), so `-b 1` on a 5 MiB file stays quick; a --list
# check, which runs jq and awk over every frame, LIST_BUDGET. Sizes of 4K
# and up always see the whole file.
if [ -n "${SG_SANITIZED:-}" ]; then
	FRAME_BUDGET=16384
	LIST_BUDGET=1024
	PROPERTY_CASES=10
else
	FRAME_BUDGET=65536
	LIST_BUDGET=4096
	PROPERTY_CASES=30
fi

# The --size values of the round-trip matrix, per strategy.
SIZES_BYTES="1 5 64 4K 64K 1M 4M auto"
SIZES_TEXT="4 5 64 4K 64K 1M 4M auto"
STRATEGIES="bytes utf8 lines"

sizes_for() {
	if [ "$1" = bytes ]; then echo "$SIZES_BYTES"; else echo "$SIZES_TEXT"; fi
}

sg_setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	[ -x "$SG_BIN/sg-chunk" ] && [ -x "$SG_BIN/sg-decode" ] ||
		{ fail "no sg-chunk and sg-decode in SG_BIN=$SG_BIN (run make first)"; return 1; }
	[ -d "$CORPORA" ] ||
		{ fail "no corpora at $BATS_TEST_DIRNAME/../../../shared/corpora"; return 1; }
}

# Helpers fail with `{ fail MESSAGE; return 1; }`: a bare `|| fail` would
# not stop a helper that runs where set -e is off (after `||`, in `if`).

# ---------------------------------------------------------------- stderr

# `run --separate-stderr` leaves stderr in $stderr; bats-assert 2.1 has no
# assertions for it, so lend it the ones for $output.
assert_stderr() { local output=$stderr; assert_output "$@"; }
refute_stderr() { local output=$stderr; refute_output "$@"; }

# stderr is exactly one line and matches the extended regex $1.
assert_one_stderr_line() {
	# $stderr has lost its final newline (command substitution).
	[ -n "$stderr" ] && [[ $stderr != *$'\n'* ]] ||
		{ fail "$(printf 'want exactly one line on stderr, got:\n%s' "$stderr")"; return 1; }
	[[ $stderr =~ $1 ]] ||
		{ fail "$(printf 'stderr does not match /%s/:\n%s' "$1" "$stderr")"; return 1; }
}

# ---------------------------------------------------------------- inputs

# A --size in bytes, for budgets: 4K -> 4096, 1M -> 1048576; 0 for auto
# and other spellings (no budget).
size_bytes() {
	case $1 in
	*[!0-9KM]* | '') echo 0 ;;
	*K) echo $((${1%K} << 10)) ;;
	*M) echo $((${1%M} << 20)) ;;
	*) echo "$1" ;;
	esac
}

file_size() { stat -c %s "$1"; }

# Hex pairs on stdin -> bytes on stdout.
unhex() { xxd -r -p; }

# Deterministic pseudo-random bytes: random_bytes BYTES SEED, to stdout.
random_bytes() {
	awk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed)
		for (i = 0; i < n; i++) {
			printf "%02x", int(rand() * 256)
			if (i % 32 == 31) printf "\n"
		}
	}' | unhex
}

# Text of about LINES lines mixing ASCII with 2-, 3- and 4-byte characters,
# empty lines and long lines; ends with a newline.
gen_text() {
	awk -v n="$2" 'BEGIN {
		w[0] = "alpha"; w[1] = "βήτα"; w[2] = "ガンマ"; w[3] = "😀"
		w[4] = "d"; w[5] = "épsilon"; w[6] = "ζ-𝔷"; w[7] = "eta,"
		for (i = 1; i <= n; i++) {
			len = (i * 7) % 23
			if (i % 97 == 0) len = 400
			line = ""
			for (j = 0; j < len; j++)
				line = line w[(i + j * 3) % 8] " "
			print line i
		}
	}' >"$1"
}

# Invalid UTF-8 of every kind, NUL bytes, valid characters in between, and
# pseudo-random bytes; ends inside a truncated 4-byte sequence.
gen_invalid() {
	{
		awk 'BEGIN {
			p[0] = "00"; p[1] = "ff"; p[2] = "c080"; p[3] = "eda080"
			p[4] = "f4908080"; p[5] = "e282"; p[6] = "80bf"; p[7] = "0a"
			p[8] = "f09f98"; p[9] = "c3a9"; p[10] = "e282ac"; p[11] = "f09f9880"
			p[12] = "fe"; p[13] = "c1bf"; p[14] = "e080af"; p[15] = "0d0a"
			p[16] = "f8888080"; p[17] = "000000"
			for (i = 0; i < 6000; i++) {
				printf "%s", p[(i * 7 + int(i / 18)) % 18]
				for (j = 0; j < i % 5; j++) printf "61"
				if (i % 16 == 15) printf "\n"
			}
		}' | unhex
		random_bytes 32768 7
		printf 'x\360\237\230'
	} >"$1"
}

# A 4-byte character (U+1F600) starting at 2^k - D for k = 2..22, 'a' in
# between, so a cut at any power of two of 4 and up lands D bytes into one.
gen_straddle() {
	local f=$1 d=$2 pos=0 k at
	: >"$f"
	for k in $(seq 2 22); do
		at=$(((1 << k) - d))
		head -c $((at - pos)) /dev/zero | tr '\0' a >>"$f"
		printf '\360\237\230\200' >>"$f"
		pos=$((at + 4))
	done
	printf 'tail\n' >>"$f"
}

# One line of 5 MiB (mixed characters, a newline only at the end).
gen_long_line() {
	{
		yes 'héllo wörld 😀 ΑΒΓ ' | tr -d '\n' | head -c $((5 * 1024 * 1024 - 1))
		printf '\n'
	} >"$1"
}

# The small edge-case inputs, into directory $1.
gen_edge_inputs() {
	local d=$1
	mkdir -p "$d"
	: >"$d/empty"
	printf 'x' >"$d/one-byte"
	printf '\n' >"$d/one-newline"
	printf '\377' >"$d/one-invalid"
	gen_text "$d/text" 3000
	head -c -1 "$d/text" >"$d/no-final-newline"
	sed 's/$/\r/' "$d/text" >"$d/crlf"
	tr '\n' '\r' <"$d/text" >"$d/cr-only"
	gen_invalid "$d/invalid-nul"
}

# Random text-like data for property tests: gen_mixed FILE UNITS SEED.
# Units are ASCII, spaces, LF, CR, CRLF, valid 2/3/4-byte characters, NUL,
# invalid and truncated sequences, and now and then a long run without a
# newline (an oversize record for small sizes).
gen_mixed() {
	awk -v n="$2" -v seed="$3" 'BEGIN {
		srand(seed)
		u[0] = "61"; u[1] = "62"; u[2] = "20"; u[3] = "0a"; u[4] = "0d"
		u[5] = "0d0a"; u[6] = "c3a9"; u[7] = "e282ac"; u[8] = "f09f9880"
		u[9] = "00"; u[10] = "ff"; u[11] = "80"; u[12] = "e282"
		u[13] = "f09f98"; u[14] = "eda080"; u[15] = "c0af"; u[16] = "f4908080"
		u[17] = "e4b8ad"; u[18] = "cebb"; u[19] = "7a"
		for (i = 0; i < n; i++) {
			r = rand()
			if (r < 0.002) {
				len = int(rand() * 6000)
				k = int(rand() * 4)
				for (j = 0; j < len; j++) printf "%s", (k == 0 ? "78" : k == 1 ? "c3a9" : k == 2 ? "e282ac" : "f09f9880")
			} else if (r < 0.45) {
				printf "%s", u[int(rand() * 3)]
			} else {
				printf "%s", u[int(rand() * 20)]
			}
			if (i % 64 == 63) printf "\n"
		}
	}' | unhex >"$1"
}

# ---------------------------------------------------------------- checks

# budget_input FILE SIZE BUDGET PREFIX: prints FILE, or, when SIZE is below
# 4K and FILE longer than BUDGET chunks, PREFIX after writing that many
# chunks' worth of FILE's first bytes to it.
budget_input() {
	local n
	n=$(size_bytes "$2")
	if [ "$n" -gt 0 ] && [ "$n" -lt 4096 ] && [ "$(file_size "$1")" -gt $(($n * $3)) ]; then
		head -c $(($n * $3)) "$1" >"$4"
		echo "$4"
	else
		echo "$1"
	fi
}

# roundtrip FILE STRATEGY SIZE [OPTION...]: sg-chunk | sg-decode | cmp is
# exact, every stage exits 0 and nothing goes to stderr. With a size below
# 4K, a large FILE is cut to FRAME_BUDGET chunks' worth first.
roundtrip() {
	local f=$1 s=$2 b=$3 src st
	shift 3
	src=$(budget_input "$f" "$b" "$FRAME_BUDGET" rt.prefix)
	sg-chunk -s "$s" -b "$b" "$@" -- "$src" 2>rt.cerr | sg-decode 2>rt.derr |
	    cmp - "$src" >rt.cmp 2>&1 && st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	if [ "${st[*]}" != "0 0 0" ] || [ -s rt.cerr ] || [ -s rt.derr ]; then
		fail "$(printf 'round trip of %s (%s bytes) failed: sg-chunk -s %s -b %s %s\nexit: sg-chunk %s, sg-decode %s, cmp %s\nsg-chunk: %s\nsg-decode: %s\ncmp: %s' \
		    "$f" "$(file_size "$src")" "$s" "$b" "$*" "${st[0]}" "${st[1]}" "${st[2]}" \
		    "$(head -c 500 rt.cerr)" "$(head -c 500 rt.derr)" "$(head -c 500 rt.cmp)")"
	fi
}

# Every strategy and size of the matrix on FILE.
roundtrip_matrix() {
	local s b
	for s in $STRATEGIES; do
		for b in $(sizes_for "$s"); do
			roundtrip "$1" "$s" "$b" || return 1
		done
	done
}

# list_of FILE [OPTION...]: sg-decode --list of sg-chunk's frames for FILE,
# into list.ndjson; both must succeed silently.
list_of() {
	local f=$1 st
	shift
	sg-chunk "$@" -- "$f" 2>lo.cerr | sg-decode --list >list.ndjson 2>lo.derr &&
	    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	if [ "${st[*]}" != "0 0" ] || [ -s lo.cerr ] || [ -s lo.derr ]; then
		fail "$(printf 'sg-chunk %s %s | sg-decode --list: exit %s %s\n%s\n%s' \
		    "$*" "$f" "${st[0]}" "${st[1]}" "$(head -c 500 lo.cerr)" "$(head -c 500 lo.derr)")"
	fi
}

# check_chunking FILE STRATEGY SIZE [OPTION...]: the --list of FILE (or of
# its first LIST_BUDGET chunks' worth, for sizes below 4K) is well formed
# and every cut obeys the strategy (check_cuts, "full").
check_chunking() {
	local f=$1 s=$2 b=$3 src
	shift 3
	src=$(budget_input "$f" "$b" "$LIST_BUDGET" cc.prefix)
	list_of "$src" -s "$s" -b "$b" "$@" || return 1
	check_list_structure || { fail "with sg-chunk -s $s -b $b $*"; return 1; }
	check_cuts "$src" list.ndjson full || { fail "with sg-chunk -s $s -b $b $*"; return 1; }
}

# The frame structure of a listing of one stream written by sg-chunk,
# checked with jq: every line one JSON object with the common keys; per
# source one BEGIN (seq 0, with a name) first and one END last; DATA (codec
# none, stored == size) seq 1, 2, ... with contiguous offsets from 0; END's
# offset, total and frames agree with the DATA. Sources 0..n-1 appear in
# order. Frames of other types (PROGRESS) are left out of the order checks.
check_list_structure() {
	local list=${1:-list.ndjson}
	jq -e -s --argjson lines "$(wc -l <"$list")" '
	    length == $lines
	    and all(.[]; type == "object" and has("type") and has("source")
		and has("seq") and has("offset") and has("size") and has("stored")
		and has("codec") and has("flags") and (.flags | type) == "array")
	    and ([.[] | select(.type == "begin" or .type == "data" or .type == "end")]
	    | (([.[].source] | unique) as $ids | $ids == [range(0; $ids | length)])
	    and ([.[].source] == ([.[].source] | sort))
	    and all(group_by(.source)[];
		. as $f
		| ($f[0].type == "begin" and $f[0].seq == 0 and $f[0].offset == 0
		   and ($f[0].name | type) == "string")
		and ($f[-1].type == "end")
		and ([$f[] | select(.type == "begin" or .type == "end")] | length) == 2
		and ([$f[] | .seq] == [range(0; $f | length)])
		and ([$f[] | select(.type == "data")] as $d
		     | (reduce $d[] as $x ({ok: true, next: 0};
			    .ok = (.ok and $x.offset == .next and $x.size > 0
				   and $x.stored == $x.size and $x.codec == "none")
			    | .next = $x.offset + $x.size)) as $r
		     | $r.ok and $f[-1].offset == $r.next and $f[-1].total == $r.next
		       and $f[-1].frames == ($d | length))))' "$list" >/dev/null ||
		fail "$(printf '%s is not one JSON object a line with type/source/seq/offset/size/stored/codec/flags, or its frames are not contiguous and in order:\n%s' "$list" \
		    "$(jq -c '[.type, .source, .seq, .offset, .size, .flags]' "$list" 2>&1 | head -40)")"
}

# check_cuts FILE [LIST] [full]: the cuts recorded in the one-source LIST
# (default list.ndjson) of FILE obey its strategy, read from BEGIN:
#   bytes  at most --size bytes
#   utf8   at most --size, never inside a valid UTF-8 character
#   lines  at most --size (unless --oversize=keep), after a newline unless
#          the frame is flagged oversize; an oversize frame holds no newline
#          and still ends between characters; at most --records newlines
# With "full" (regular files only; a live input is cut whenever it pauses):
# chunks are as large as allowed, i.e. every bytes chunk but the last is
# exactly --size, a utf8 chunk is at least --size - 3 bytes, and no newline
# that a lines chunk could have ended at lies within its window.
check_cuts() {
	local f=$1 list=${2:-list.ndjson} full=${3:-}
	jq -r '
	    if .type == "begin" then "B \(.chunk_size) \(.strategy) \(.records) \(.oversize)"
	    elif .type == "data" then "D \(.offset) \(.size) \(any(.flags[]; . == "oversize"))"
	    elif .type == "end" then "E \(.total)"
	    else empty end' "$list" >cuts.txt
	xxd -p -c 64 "$f" |
	    awk -v total="$(file_size "$f")" -v full="$full" "$CHECK_CUTS_AWK" cuts.txt - >cuts.err 2>&1 ||
		fail "$(printf 'bad cuts in %s:\n%s' "$f" "$(head -20 cuts.err)")"
}

# Reads the cuts (B, D and E lines), then the file as hex, 64 bytes a line.
CHECK_CUTS_AWK='
function bad(msg) { if (++nbad <= 10) print msg; }
function lead_len(x) {
	if (x < 128) return 1
	if (x >= 194 && x <= 223) return 2
	if (x >= 224 && x <= 239) return 3
	if (x >= 240 && x <= 244) return 4
	return 0
}
function second_ok(l, x) {
	if (l == 224) return x >= 160 && x <= 191
	if (l == 237) return x >= 128 && x <= 159
	if (l == 240) return x >= 144 && x <= 191
	if (l == 244) return x >= 128 && x <= 143
	return x >= 128 && x <= 191
}
# Whether a complete, valid UTF-8 character starts before p and ends after.
function spans(p,    j, s, l, k, x, ok) {
	for (j = 1; j <= 3; j++) {
		s = p - j
		if (s < 0) return 0
		l = lead_len(b[s])
		if (l <= j || s + l > total) continue
		ok = 1
		for (k = 1; k < l; k++) {
			x = b[s + k]
			if (k == 1 ? !second_ok(b[s], x) : (x < 128 || x > 191)) { ok = 0; break }
		}
		if (ok) return 1
	}
	return 0
}
# A newline at byte pos: count it for its chunk, and (full) check that the
# chunk before did not stop short of it.
function newline(pos) {
	while (j < n && pos >= fin[j]) j++
	nl[j]++
	if (full && j > 1 && pos < off[j - 1] + S && !(rec > 0 && nl[j - 1] == rec))
		bad("chunk " j - 1 " at " off[j - 1] " (" sz[j - 1] " bytes) stops short of the newline at " pos " within --size " S)
}
BEGIN { for (i = 0; i < 256; i++) hexv[sprintf("%02x", i)] = i; j = 1 }
NR == FNR {
	if ($1 == "B") { S = $2 + 0; strat = $3; rec = $4 + 0; pol = $5 }
	else if ($1 == "E") { etotal = $2 + 0 }
	else if ($1 == "D") {
		n++; off[n] = $2 + 0; sz[n] = $3 + 0; ov[n] = ($4 == "true")
		if (off[n] != expect) bad("frame " n ": offset " off[n] ", expected " expect)
		expect = off[n] + sz[n]; fin[n] = expect
		# The bytes around each inner cut, as an increasing list.
		if (fin[n] < total)
			for (k = fin[n] - 3; k <= fin[n] + 2; k++)
				if (k >= 0 && k < total && (nneed == 0 || k > needpos[nneed]))
					needpos[++nneed] = k
	}
	next
}
{
	len = length($0) / 2
	while (np < nneed && needpos[np + 1] < base + len) {
		q = needpos[++np]
		b[q] = hexv[substr($0, 2 * (q - base) + 1, 2)]
	}
	if (strat == "lines") {
		s = $0; at = 0
		while ((k = index(s, "0a")) > 0) {
			if ((at + k - 1) % 2 == 0) newline(base + (at + k - 1) / 2)
			s = substr(s, k + 1); at += k
		}
	}
	base += len
}
END {
	if (base != total) bad("read " base " bytes of " total)
	if (expect != total) bad("chunks cover " expect " bytes of " total)
	if (etotal != total) bad("END total " etotal ", file has " total)
	for (i = 1; i <= n; i++) {
		p = fin[i]; inner = p < total
		what = "chunk " i " [" off[i] ", " p ")"
		if (sz[i] <= 0) bad(what ": empty")
		if (sz[i] > S && !(strat == "lines" && pol == "keep")) bad(what ": larger than --size " S)
		if (strat == "bytes") {
			if (full && inner && sz[i] != S) bad(what ": not --size " S " bytes")
			if (ov[i]) bad(what ": flagged oversize")
		} else if (strat == "utf8") {
			if (ov[i] && S >= 4) bad(what ": flagged oversize")
			if (inner && spans(p)) bad(what ": cut inside a UTF-8 character")
			if (full && inner && sz[i] < S - 3) bad(what ": shorter than --size - 3")
		} else if (strat == "lines") {
			if (ov[i]) {
				if (pol != "split") bad(what ": flagged oversize with --oversize=" pol)
				if (nl[i] > 0) bad(what ": flagged oversize but holds a newline")
				if (inner && spans(p)) bad(what ": oversize cut inside a UTF-8 character")
				if (full && inner && sz[i] < S - 3) bad(what ": oversize cut shorter than --size - 3")
			} else if (inner && b[p - 1] != 10) {
				bad(what ": cut mid-line (byte before the cut is " b[p - 1] ") without the oversize flag")
			}
			if (rec > 0 && nl[i] > rec) bad(what ": " nl[i] " records, more than --records " rec)
			if (sz[i] > S && nl[i] > 1) bad(what ": kept oversize chunk holds " nl[i] " records")
		} else {
			bad("unknown strategy " strat)
		}
	}
	if (nbad > 0) { print nbad " problem(s)"; exit 1 }
}'

# ---------------------------------------------------------------- frames

# Byte surgery on streams.
# flip_bit IN OUT BYTE BIT: a copy of IN with bit BIT of byte BYTE flipped.
flip_bit() {
	local in=$1 out=$2 at=$3 bit=$4 v
	v=$(od -An -tu1 -j "$at" -N 1 "$in")
	{
		head -c "$at" "$in"
		printf "\\$(printf '%03o' $((v ^ (1 << bit))))"
		tail -c +$((at + 2)) "$in"
	} >"$out"
}

# split_frames STREAM PREFIX: each frame of a valid STREAM (v1 headers, as
# sg-chunk writes them) into PREFIX.0, PREFIX.1, ...; prints the count.
split_frames() {
	local at stored i=0
	sg-decode --list "$1" | jq -r '"\(.at) \(.stored)"' >"$2.index"
	while read -r at stored; do
		tail -c +$((at + 1)) "$1" | head -c $((64 + stored)) >"$2.$i"
		i=$((i + 1))
	done <"$2.index"
	echo "$i"
}

# frame_at STREAM N: the byte offset of frame N of a valid STREAM.
frame_at() {
	sg-decode --list "$1" | jq -r --argjson n "$2" 'select(.frame == $n) | .at'
}

# A hand-built frame with a valid header checksum (computed with the
# system's libxxhash, as the tools do): mk_frame OUT key=value...
# Keys: magic frame_size hdr_len version type codec reserved flags source
# context seq offset size stored payload_sum (numbers, 0x... allowed);
# payload=FILE appends FILE's bytes and defaults size, stored and
# payload_sum from them; ext=HEX adds header bytes past the 64 of v1 (and
# raises hdr_len). Unset keys describe an empty DATA frame of seq 1;
# frame_size defaults to what hdr_len, codec and stored imply.
mk_frame() {
	python3 - "$@" <<'EOF'
import ctypes, ctypes.util, struct, sys
lib = ctypes.CDLL(ctypes.util.find_library("xxhash") or "libxxhash.so.0")
lib.XXH3_64bits.restype = ctypes.c_uint64
lib.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
lib.XXH3_64bits_withSeed.restype = ctypes.c_uint64
lib.XXH3_64bits_withSeed.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64]
out, args = sys.argv[1], dict(a.split("=", 1) for a in sys.argv[2:])
payload = open(args.pop("payload"), "rb").read() if "payload" in args else b""
ext = bytes.fromhex(args.pop("ext")) if "ext" in args else b""
v = {k: int(x, 0) for k, x in args.items()}
g = lambda k, d=0: v.get(k, d)
hdr_len = g("hdr_len", 64 + len(ext))
size = g("size", len(payload))
stored = g("stored", size)
frame_size = g("frame_size", (hdr_len - 8 + (stored if g("codec") == 0 else 0)) & 0xFFFFFFFF)
h = struct.pack("<IIHBBBBHIIQQIIQ", g("magic", 0x184D2A53), frame_size, hdr_len,
                g("version", 1), g("type", 2), g("codec"), g("reserved"), g("flags"),
                g("source"), g("context"), g("seq", 1), g("offset"), size, stored,
                g("payload_sum", lib.XXH3_64bits(payload, len(payload))))
s = lib.XXH3_64bits(h, 56)
if ext:
    s = lib.XXH3_64bits_withSeed(ext, len(ext), s)
open(out, "wb").write(h + struct.pack("<Q", s) + ext + payload)
EOF
}

# ---------------------------------------------------------------- sg-encode

# encode_roundtrip FILE CHUNK_OPTS ENCODE_OPTS [DECODE_OPTS]:
# sg-chunk CHUNK_OPTS FILE | sg-encode ENCODE_OPTS | sg-decode DECODE_OPTS
# reproduces FILE exactly, every stage exits 0 and nothing goes to stderr.
# The option strings are split at spaces.
encode_roundtrip() {
	local f=$1 c=$2 e=$3 d=${4:-} st
	# shellcheck disable=SC2086
	sg-chunk $c -- "$f" 2>er.cerr | sg-encode $e 2>er.eerr | sg-decode $d 2>er.derr |
	    cmp - "$f" >er.cmp 2>&1 && st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	if [ "${st[*]}" != "0 0 0 0" ] || [ -s er.cerr ] || [ -s er.eerr ] || [ -s er.derr ]; then
		fail "$(printf 'sg-chunk %s %s | sg-encode %s | sg-decode %s (%s bytes)\nexit: %s\nsg-chunk: %s\nsg-encode: %s\nsg-decode: %s\ncmp: %s' \
		    "$c" "$f" "$e" "$d" "$(file_size "$f")" "${st[*]}" "$(head -c 500 er.cerr)" \
		    "$(head -c 500 er.eerr)" "$(head -c 500 er.derr)" "$(head -c 500 er.cmp)")"
	fi
}

# check_json_payloads NDJSON SOURCE: every DATA object of `sg-encode --json`
# for the one-source stream of SOURCE carries its chunk's bytes, which it
# reads from SOURCE at offset and size: as "text" (and no "base64") when
# they are valid UTF-8, else as "base64" (and no "text"); other frames
# carry neither. Prints "TEXT_COUNT BASE64_COUNT".
check_json_payloads() {
	python3 - "$1" "$2" 2>cjp.err <<'PY' || { fail "$(printf 'bad payloads in %s:\n%s' "$1" "$(cat cjp.err)")"; return 1; }
import base64, json, sys
src = open(sys.argv[2], "rb").read()
bad, nt, nb = [], 0, 0
for i, line in enumerate(open(sys.argv[1], "rb")):
    o = json.loads(line)
    if o["type"] != "data":
        if "text" in o or "base64" in o:
            bad.append("line %d: a %s frame with a payload key" % (i + 1, o["type"]))
        continue
    if o["context"] != 0:
        bad.append("line %d: context %d" % (i + 1, o["context"]))
        continue
    want = src[o["offset"]:o["offset"] + o["size"]]
    try:
        s = want.decode("utf-8")
    except UnicodeDecodeError:
        s = None
    if s is not None:
        nt += 1
        if "base64" in o or o.get("text") != s:
            bad.append("line %d: valid UTF-8 at %d, want exactly \"text\"" % (i + 1, o["offset"]))
    else:
        nb += 1
        if "text" in o or base64.b64decode(o.get("base64", "")) != want:
            bad.append("line %d: invalid UTF-8 at %d, want exactly \"base64\"" % (i + 1, o["offset"]))
if bad:
    sys.stderr.write("\n".join(bad[:10]) + "\n")
    sys.exit(1)
print(nt, nb)
PY
}
