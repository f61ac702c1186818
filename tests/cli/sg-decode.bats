#!/usr/bin/env bats
# sg-decode: options, inputs, concatenated streams, and every kind of damage:
# flipped bits, truncation, garbage, hostile headers, lost, repeated and
# reordered frames. Damage exits 65 with one line naming frame and offset.

load test_helper

# What every report of damage looks like.
DAMAGE='^sg-decode: .*: frame [0-9]+ at offset [0-9]+: '

setup() {
	sg_setup
	printf 'hello\nworld\n' >hw
	# The small stream: BEGIN, two DATA, END (about 390 bytes).
	sg-chunk -n 1 hw >hw.sg
}

# ------------------------------------------------------------ options

@test "--help and -h: usage on stdout, exit 0" {
	local opt
	for opt in --help -h; do
		run --separate-stderr sg-decode "$opt"
		assert_success
		assert_line --index 0 --regexp '^usage: sg-decode '
		assert_output --partial '--list'
		assert_stderr ''
	done
}

@test "--version and -V: 'sg-decode (sg) X.Y.Z', exit 0" {
	local opt
	for opt in --version -V; do
		run --separate-stderr sg-decode "$opt"
		assert_success
		assert_output --regexp '^sg-decode \(sg\) [0-9]+\.[0-9]+\.[0-9]+$'
		assert_stderr ''
	done
	# The same version as sg-chunk.
	[ "$(sg-decode --version | awk '{ print $3 }')" = "$(sg-chunk --version | awk '{ print $3 }')" ]
}

@test "an unknown option exits 64 with usage on stderr and nothing on stdout" {
	local opt
	for opt in --bogus -x; do
		run --separate-stderr sg-decode "$opt" hw.sg
		assert_failure 64
		assert_output ''
		assert_stderr --regexp 'usage: sg-decode'
	done
}

@test "sg-decode -T: usage errors exit 64; -T 0 and -T 256 work" {
	local t
	for t in -1 abc 257 ''; do
		run --separate-stderr sg-decode -T "$t" hw.sg
		assert_failure 64
		assert_output ''
		assert_stderr --partial "Try 'sg-decode --help'"
	done
	for t in 0 1 256; do
		run --separate-stderr sg-decode -T "$t" hw.sg
		assert_success
		assert_output "$(cat hw)"
	done
}

@test "--help names --frames and -T; --frames to a terminal is refused (64)" {
	run --separate-stderr sg-decode --help
	assert_success
	assert_output --partial '--frames'
	assert_output --partial '--threads'
	run script -qec "sg-decode --frames hw.sg" /dev/null
	assert_failure 64
	assert_line --index 0 --regexp '^sg-decode: .*terminal'
	# --list and plain bytes still go to a terminal.
	run script -qec "sg-decode --list hw.sg" /dev/null
	assert_success
}

# ------------------------------------------------------------ inputs

@test "stdin: no FILE, '-', and a pipe" {
	run --separate-stderr sg-decode <hw.sg
	assert_success
	assert_output "$(cat hw)"
	assert_stderr ''
	run --separate-stderr sg-decode - <hw.sg
	assert_success
	assert_output "$(cat hw)"
	run --separate-stderr bash -c 'cat hw.sg | sg-decode -'
	assert_success
	assert_output "$(cat hw)"
	# Messages call stdin (stdin).
	run --separate-stderr sg-decode </dev/null
	assert_failure 65
	assert_one_stderr_line '^sg-decode: \(stdin\): frame 0 at offset 0: '
}

@test "-l and --list: one JSON object per frame, the common keys" {
	run --separate-stderr sg-decode --list hw.sg
	assert_success
	assert_stderr ''
	printf '%s\n' "$output" >list.ndjson
	check_list_structure
	run --separate-stderr sg-decode -l hw.sg
	assert_success
	diff list.ndjson <(printf '%s\n' "$output")
	run jq -r '"\(.frame) \(.type) \(.seq) \(.offset) \(.size)"' list.ndjson
	assert_output "$(printf '0 begin 0 0 %s\n1 data 1 0 6\n2 data 2 6 6\n3 end 3 12 %s' \
	    "$(jq -r 'select(.type == "begin") | .size' list.ndjson)" \
	    "$(jq -r 'select(.type == "end") | .size' list.ndjson)")"
	run jq -r 'select(.type == "begin") | .name' list.ndjson
	assert_output hw
	run jq -r 'select(.type == "end") | "\(.total) \(.frames)"' list.ndjson
	assert_output '12 2'
	# Frame offsets in the input add up to the stream's length.
	run jq -s -e --argjson len "$(file_size hw.sg)" \
	    '.[-1].at + 64 + .[-1].stored == $len and ([.[].at] == ([.[].at] | sort))' list.ndjson
	assert_success
}

@test "--list on a damaged stream: the frames before the defect, then 65" {
	local at
	at=$(frame_at hw.sg 2)
	flip_bit hw.sg c.sg $((at + 64 + 2)) 1
	run --separate-stderr sg-decode --list c.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: c.sg: frame 2 at offset $at: "
	run jq -r '"\(.frame) \(.type)"' <<<"$output"
	assert_success
	assert_output "$(printf '0 begin\n1 data')"
}

@test "several FILE arguments decode to their concatenation, '-' among them" {
	gen_text a 500
	gen_invalid b
	printf 'c\n' >c
	sg-chunk -b 4K a >a.sg
	sg-chunk -s bytes -b 64 b >b.sg
	sg-chunk c >c.sg
	sg-decode a.sg b.sg c.sg >got
	cat a b c | cmp - got
	sg-decode a.sg - c.sg <b.sg >got
	cat a b c | cmp - got
}

@test "concatenated streams decode like one: cat a.sg b.sg | sg-decode is a+b" {
	gen_text a 500
	gen_invalid b
	: >empty
	sg-chunk -b 4K a >a.sg
	sg-chunk -s utf8 -b 100 b >b.sg
	sg-chunk a b >ab.sg
	sg-chunk empty >empty.sg
	cat a.sg b.sg | sg-decode >got
	cat a b | cmp - got
	cat ab.sg empty.sg b.sg ab.sg | sg-decode >got
	cat a b b a b | cmp - got
	# --list numbers the sources of each stream from 0.
	cat a.sg ab.sg | sg-decode --list >list.ndjson
	run jq -r 'select(.type == "begin") | "\(.source) \(.name)"' list.ndjson
	assert_output "$(printf '0 a\n0 a\n1 b')"
}

@test "a missing file among others: named on stderr, exit 66, the others still decoded" {
	gen_text a 100
	sg-chunk a >a.sg
	run --separate-stderr bash -c 'sg-decode a.sg missing hw.sg >got'
	assert_failure 66
	assert_one_stderr_line '^sg-decode: missing: '
	cat a hw | cmp - got
}

@test "a directory argument is refused (66), the others still decoded" {
	mkdir dir
	run --separate-stderr bash -c 'sg-decode dir hw.sg >got'
	assert_failure 66
	assert_one_stderr_line '^sg-decode: dir: .*[Dd]irectory'
	cmp hw got
}

@test "a corrupt file among others: exit 65 naming it, the others still decoded" {
	gen_text a 100
	sg-chunk a >a.sg
	flip_bit hw.sg bad.sg $(($(file_size hw.sg) - 1)) 0
	run --separate-stderr bash -c 'sg-decode a.sg bad.sg a.sg >got'
	assert_failure 65
	assert_one_stderr_line '^sg-decode: bad.sg: frame 3 at offset [0-9]+: '
	cat a hw a | cmp - got
}

@test "writing to a terminal is allowed" {
	run script -qec "sg-decode hw.sg" /dev/null
	assert_success
	[ "$(printf '%s' "$output" | tr -d '\r')" = "$(cat hw)" ] || fail "terminal got: $output"
}

@test "a write error exits 74 with one message, for bytes and for --list" {
	run --separate-stderr bash -c 'sg-decode hw.sg >/dev/full'
	assert_failure 74
	assert_one_stderr_line '^sg-decode: .*(write|No space)'
	run --separate-stderr bash -c 'sg-decode --list hw.sg >/dev/full'
	assert_failure 74
	assert_one_stderr_line '^sg-decode: .*(write|No space)'
}

# ------------------------------------------------------------ flipped bits

# decode_damaged FILE WHAT: sg-decode FILE exits 65 with exactly one line
# on stderr naming frame and offset, and its stdout is a prefix of hw.
decode_damaged() {
	local rc=0 out=
	sg-decode "$1" >d.out 2>d.err || rc=$?
	# No forks: this runs a thousand times.
	IFS= read -r -d '' stderr <d.err || true
	[ "$rc" -eq 65 ] || { fail "$2: exit $rc, want 65; stderr: $stderr"; return 1; }
	[[ $stderr == *$'\n' ]] || { fail "$2: stderr does not end in a newline: $stderr"; return 1; }
	stderr=${stderr%$'\n'}
	assert_one_stderr_line "$DAMAGE" || { fail "$2"; return 1; }
	IFS= read -r -d '' out <d.out || true
	[[ $'hello\nworld\n' == "$out"* ]] ||
		{ fail "$2: stdout is not a prefix of the original: $(od -c d.out | head -3)"; return 1; }
}

# bats test_tags=slow
@test "a flipped bit anywhere in a small stream: exit 65, one line naming frame and offset" {
	local hex n i bit v
	n=$(file_size hw.sg)
	[ "$n" -gt 250 ] && [ "$n" -lt 500 ] || fail "the small stream has $n bytes"
	hex=$(xxd -p -c 100000 hw.sg)
	# Every byte, the bit position rotating.
	for ((i = 0; i < n; i++)); do
		bit=$((i % 8))
		v=$(printf '%02x' $((0x${hex:2*i:2} ^ (1 << bit))))
		printf '%s' "${hex:0:2*i}$v${hex:2*i+2}" | xxd -r -p >c.sg
		decode_damaged c.sg "byte $i bit $bit"
	done
	# All 8 bits of a few bytes: magic, frame size, header length, version,
	# type, flags, seq, size, both checksums, payloads, END's last byte.
	for i in 0 3 4 8 10 11 14 24 40 48 56 63 64 100 $((n - 40)) $((n - 1)); do
		for bit in 0 1 2 3 4 5 6 7; do
			v=$(printf '%02x' $((0x${hex:2*i:2} ^ (1 << bit))))
			printf '%s' "${hex:0:2*i}$v${hex:2*i+2}" | xxd -r -p >c.sg
			decode_damaged c.sg "byte $i bit $bit"
		done
	done
}

# bats test_tags=slow
@test "every truncation of a small stream: exit 65 naming frame and offset" {
	local n len at
	n=$(file_size hw.sg)
	for ((len = 0; len < n; len++)); do
		head -c "$len" hw.sg >t.sg
		decode_damaged t.sg "truncated to $len bytes"
		# Through a pipe as well, now and then.
		if [ $((len % 37)) -eq 0 ]; then
			run --separate-stderr bash -c "head -c $len hw.sg | sg-decode"
			assert_failure 65
			assert_one_stderr_line '^sg-decode: \(stdin\): frame [0-9]+ at offset [0-9]+: '
		fi
	done
	# The messages say what ended where: inside a header, inside a payload,
	# between frames.
	head -c 30 hw.sg >t.sg
	run --separate-stderr sg-decode t.sg
	assert_one_stderr_line '^sg-decode: t.sg: frame 0 at offset 0: .*truncated'
	at=$(frame_at hw.sg 3)
	head -c "$at" hw.sg >t.sg
	run --separate-stderr sg-decode t.sg
	assert_failure 65
	assert_output "$(cat hw)"
	assert_one_stderr_line "^sg-decode: t.sg: frame 3 at offset $at: .*truncated"
}

@test "garbage input: random bytes, a text file, a zstd file, a foreign skippable frame" {
	random_bytes 10000 99 >random.bin
	run --separate-stderr sg-decode random.bin
	assert_failure 65
	assert_output ''
	assert_one_stderr_line '^sg-decode: random.bin: frame 0 at offset 0: .*not an sg frame'
	run --separate-stderr sg-decode hw
	assert_failure 65
	assert_one_stderr_line '^sg-decode: hw: frame 0 at offset 0: .*not an sg frame'
	zstd -q hw -o hw.zst
	run --separate-stderr sg-decode hw.zst
	assert_failure 65
	assert_one_stderr_line '^sg-decode: hw.zst: frame 0 at offset 0: .*not an sg frame'
	printf '\x50\x2a\x4d\x18\x04\x00\x00\x00abcd' >skip.bin
	run --separate-stderr sg-decode skip.bin
	assert_failure 65
	assert_one_stderr_line '^sg-decode: skip.bin: frame 0 at offset 0: .*not an sg frame'
	# An empty input holds no stream.
	: >empty.sg
	run --separate-stderr sg-decode empty.sg
	assert_failure 65
	assert_one_stderr_line '^sg-decode: empty.sg: frame 0 at offset 0: '
}

@test "garbage after a valid stream: the stream is written, then 65 at the garbage's offset" {
	{ cat hw.sg; printf 'trailing junk\n'; } >j.sg
	run --separate-stderr sg-decode j.sg
	assert_failure 65
	assert_output "$(cat hw)"
	assert_one_stderr_line "^sg-decode: j.sg: frame 4 at offset $(file_size hw.sg): .*not an sg frame"
}

# ------------------------------------------------------------ hostile headers

# decode_quickly FILE: sg-decode FILE, at most 10 s, and (unsanitized) in
# 200 MB of address space, so a huge allocation would fail.
decode_quickly() {
	if [ -n "${SG_SANITIZED:-}" ]; then
		# ASan reserves terabytes of shadow memory: no ulimit -v.
		run --separate-stderr timeout 10 sg-decode "$1"
	else
		run --separate-stderr bash -c "ulimit -v 200000 && exec timeout 10 sg-decode '$1'"
	fi
}

@test "a header declaring a 4 GiB payload: 65 at once, without allocating it" {
	mk_frame big.sg type=2 size=0xFFFFFFFF stored=0xFFFFFFFF frame_size=0xFFFFFFFF
	decode_quickly big.sg
	assert_failure 65
	assert_one_stderr_line '^sg-decode: big.sg: frame 0 at offset 0: '
	# The same after a valid stream.
	cat hw.sg big.sg >big2.sg
	decode_quickly big2.sg
	assert_failure 65
	assert_output "$(cat hw)"
	assert_one_stderr_line "^sg-decode: big2.sg: frame 4 at offset $(file_size hw.sg): "
	# A compressed payload claiming 4 GiB on the wire.
	mk_frame big3.sg type=2 codec=1 size=1000 stored=0xFFFFFFFF
	decode_quickly big3.sg
	assert_failure 65
	assert_one_stderr_line '^sg-decode: big3.sg: frame 0 at offset 0: '
	# Metadata (BEGIN) of 4 GiB - 16.
	mk_frame big4.sg type=1 seq=0 size=0xFFFFFFF0
	decode_quickly big4.sg
	assert_failure 65
	assert_one_stderr_line '^sg-decode: big4.sg: frame 0 at offset 0: '
	# The largest header length.
	mk_frame big5.sg hdr_len=0xFFFF
	decode_quickly big5.sg
	assert_failure 65
	assert_one_stderr_line '^sg-decode: big5.sg: frame 0 at offset 0: '
}

@test "a header declaring the largest allowed payload, then nothing: 65 truncated, bounded memory" {
	mk_frame max.sg type=2 size=$((64 << 20))
	decode_quickly max.sg
	assert_failure 65
	assert_one_stderr_line '^sg-decode: max.sg: frame 0 at offset 0: .*truncated'
}

# ------------------------------------------------------------ lost frames

@test "output written before a defect is kept: corrupt last DATA frame, earlier chunks exact" {
	local frame at off
	gen_text t 400
	sg-chunk -b 1K t >t.sg
	sg-decode --list t.sg >list.ndjson
	# The last DATA frame: its number, where it is, and its source offset.
	read -r frame at off < <(jq -r 'select(.type == "data") | "\(.frame) \(.at) \(.offset)"' list.ndjson | tail -1)
	[ "$frame" -ge 10 ] || fail "only $frame frames"
	flip_bit t.sg c.sg $((at + 64 + 5)) 3
	run --separate-stderr bash -c 'sg-decode c.sg >got'
	assert_failure 65
	assert_one_stderr_line "^sg-decode: c.sg: frame $frame at offset $at: .*checksum"
	[ "$(file_size got)" -eq "$off" ] || fail "kept $(file_size got) bytes, want $off"
	head -c "$off" t | cmp - got
	# The same through a pipe.
	cat c.sg | sg-decode >got2 2>/dev/null || true
	cmp got got2
}

@test "lost, repeated and reordered frames are named by frame number and offset" {
	local n
	printf 'one\ntwo\nthree\nfour\n' >four
	sg-chunk -n 1 four >four.sg
	n=$(split_frames four.sg fr)
	[ "$n" -eq 6 ] || fail "$n frames, want 6"
	local at2 at3 at5
	at2=$(($(file_size fr.0) + $(file_size fr.1)))
	at3=$((at2 + $(file_size fr.2)))
	at5=$((at3 + $(file_size fr.3) + $(file_size fr.4)))
	# A DATA frame lost.
	cat fr.0 fr.1 fr.3 fr.4 fr.5 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_output 'one'
	assert_one_stderr_line "^sg-decode: x.sg: frame 2 at offset $at2: .*(sequence|missing)"
	# A DATA frame repeated.
	cat fr.0 fr.1 fr.2 fr.2 fr.3 fr.4 fr.5 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_output "$(printf 'one\ntwo')"
	assert_one_stderr_line "^sg-decode: x.sg: frame 3 at offset $at3: .*(sequence|repeated)"
	# Two DATA frames swapped.
	cat fr.0 fr.1 fr.3 fr.2 fr.4 fr.5 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: x.sg: frame 2 at offset $at2: .*(sequence|reordered)"
	# END lost.
	cat fr.0 fr.1 fr.2 fr.3 fr.4 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_output "$(cat four)"
	assert_one_stderr_line "^sg-decode: x.sg: frame 5 at offset $at5: .*truncated"
	# BEGIN lost.
	cat fr.1 fr.2 fr.3 fr.4 fr.5 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_output ''
	assert_one_stderr_line '^sg-decode: x.sg: frame 0 at offset 0: '
	# Only BEGIN and END: the data frames lost between them.
	cat fr.0 fr.5 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: x.sg: frame 1 at offset $(file_size fr.0): "
}

@test "a whole source lost from a multi-source stream, or its END's last flag" {
	local n
	printf 'a\n' >a
	printf 'b\n' >b
	sg-chunk a b >ab.sg
	n=$(split_frames ab.sg fr)
	[ "$n" -eq 6 ] || fail "$n frames, want 6"
	# Source 0 lost: source 1 comes first.
	cat fr.3 fr.4 fr.5 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_one_stderr_line '^sg-decode: x.sg: frame 0 at offset 0: .*source'
	# Source 1 lost: the stream ends after a source not flagged last.
	cat fr.0 fr.1 fr.2 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_output a
	assert_one_stderr_line "^sg-decode: x.sg: frame 3 at offset $(file_size x.sg): .*truncated"
}

@test "a DATA frame from another stream, valid on its own, is caught by END's whole-source checksum" {
	printf 'aaaa\nbbbb\n' >x
	printf 'aaaa\ncccc\n' >y
	sg-chunk -n 1 x >x.sg
	sg-chunk -n 1 y >y.sg
	split_frames x.sg fx >/dev/null
	split_frames y.sg fy >/dev/null
	cat fx.0 fx.1 fy.2 fx.3 >m.sg
	run --separate-stderr sg-decode m.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: m.sg: frame 3 at offset $(($(file_size m.sg) - $(file_size fx.3))): .*checksum"
}

# ------------------------------------------------------------ forward compatibility

@test "frames of unknown types are passed over; header bytes past v1's 64 are ignored" {
	printf 'one\ntwo\n' >two
	sg-chunk -n 1 two >two.sg
	split_frames two.sg fr >/dev/null
	printf 'opaque' >opaque
	mk_frame unknown.fr type=9 seq=0 payload=opaque
	cat fr.0 unknown.fr fr.1 fr.2 fr.3 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_success
	assert_output "$(cat two)"
	assert_stderr ''
	run --separate-stderr sg-decode --list x.sg
	assert_success
	run jq -r 'select(.frame == 1) | "\(.type) \(.type_id)"' <<<"$output"
	assert_output 'unknown 9'
	# DATA frame 1 rebuilt with 16 header bytes this reader does not know.
	printf 'one\n' >p1
	mk_frame ext.fr type=2 seq=1 offset=0 payload=p1 ext=00112233445566778899aabbccddeeff
	cat fr.0 ext.fr fr.2 fr.3 >y.sg
	run --separate-stderr sg-decode y.sg
	assert_success
	assert_output "$(cat two)"
	assert_stderr ''
	# The hand-built frames are right: the same DATA frame with no extra
	# header bytes is byte-identical to sg-chunk's.
	mk_frame plain.fr type=2 seq=1 offset=0 payload=p1
	cmp plain.fr fr.1
}

# ------------------------------------------------------------ codecs

@test "every codec decodes: zstd, lz4, none, auto, and a mix in one stream" {
	local c
	gen_text t 400
	for c in zstd lz4 none auto; do
		sg-chunk -b 1K t | sg-encode -c "$c" >"t.$c.sg"
		run --separate-stderr bash -c "sg-decode t.$c.sg | cmp - t"
		assert_success
		assert_stderr ''
	done
	# Streams of different codecs concatenated, and given as several files.
	cat t.zstd.sg t.lz4.sg t.none.sg t.auto.sg | sg-decode | cmp - <(cat t t t t)
	sg-decode t.lz4.sg t.auto.sg | cmp - <(cat t t)
}

@test "a native frame made by the stock zstd and lz4 CLIs decodes (no content size, checksums on)" {
	local sum at
	sum=$(sg-decode --list hw.sg | jq -r 'select(.frame == 1) | .checksum')
	split_frames hw.sg fr >/dev/null
	printf 'hello\n' | zstd -q -c >p.zst
	printf 'hello\n' | lz4 -q -c >p.lz4
	mk_frame z.fr type=2 codec=1 seq=1 offset=0 size=6 stored="$(file_size p.zst)" payload=p.zst payload_sum="0x$sum"
	mk_frame l.fr type=2 codec=2 seq=1 offset=0 size=6 stored="$(file_size p.lz4)" payload=p.lz4 payload_sum="0x$sum"
	cat fr.0 z.fr fr.2 fr.3 >z.sg
	cat fr.0 l.fr fr.2 fr.3 >l.sg
	run --separate-stderr sg-decode z.sg
	assert_success
	assert_output "$(cat hw)"
	run --separate-stderr sg-decode l.sg
	assert_success
	assert_output "$(cat hw)"
	# Its own checksum is checked too: the last byte of the zstd frame is
	# in its XXH64 content checksum.
	at=$(($(file_size fr.0) + 64 + $(file_size p.zst) - 1))
	flip_bit z.sg zc.sg "$at" 0
	run --separate-stderr sg-decode zc.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: zc.sg: frame 1 at offset $(file_size fr.0): "
}

@test "a bad compressed payload among several files: one line naming file, frame and offset; the others decoded" {
	local at
	gen_text t 100
	sg-chunk -b 1K t | sg-encode -c zstd >good.sg
	sg-chunk -n 1 hw | sg-encode -c lz4 >l.sg
	at=$(frame_at l.sg 2)
	[ "$(sg-decode --list l.sg | jq -r 'select(.frame == 2) | .stored')" -eq 29 ] ||
		fail "the LZ4 frame of 'world\\n' is not 15 + 4 + 6 + 4 bytes"
	# A bit inside frame 2's LZ4 block (past the 15-byte frame header, which
	# records the content size, and the 4-byte block size): the payload
	# decodes to other bytes.
	flip_bit l.sg bad.sg $((at + 64 + 4 + 11 + 4 + 2)) 5
	run --separate-stderr bash -c 'sg-decode good.sg bad.sg good.sg >got'
	assert_failure 65
	assert_one_stderr_line "^sg-decode: bad.sg: frame 2 at offset $at: "
	{ cat t; printf 'hello\n'; cat t; } | cmp - got
	# The same with 4 threads and from stdin.
	run --separate-stderr bash -c 'cat bad.sg | sg-decode -T 4 >got'
	assert_failure 65
	assert_one_stderr_line "^sg-decode: \(stdin\): frame 2 at offset $at: "
	[ "$(cat got)" = hello ]
}

@test "NDJSON from sg-encode --json is read from files and stdin, and listed" {
	gen_text t 100
	sg-chunk -b 1K t hw >s.sg
	sg-encode --json s.sg >s.json
	sg-decode s.json | cmp - <(cat t hw)
	sg-decode - <s.json | cmp - <(cat t hw)
	cat s.json | sg-decode -T 2 | cmp - <(cat t hw)
	# Mixed with binary streams, file by file.
	sg-decode s.json hw.sg s.sg | cmp - <(cat t hw hw t hw)
	run --separate-stderr sg-decode --list s.json
	assert_success
	printf '%s\n' "$output" >list.ndjson
	[ "$(wc -l <list.ndjson)" -eq "$(sg-decode --list s.sg | wc -l)" ]
	run jq -r 'select(.type == "begin") | .name' list.ndjson
	assert_output "$(printf 't\nhw')"
}
