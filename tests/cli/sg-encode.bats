#!/usr/bin/env bats
# sg-encode: exact round trips for every codec, level and thread count; the
# stock zstd and lz4 CLIs on its output; --json for jq and back; hostile
# compressed input (flipped bits, swapped payloads, bombs, lying sizes,
# truncation) refused with 65 in bounded memory; usage errors; live
# streaming; a closed stdout.

load test_helper

# How densely the bit-flip and truncation sweeps sample a stream: a bit
# flipped in every STEP-th byte (the bit rotating), every bit of the first
# NATIVE bytes of the first native zstd/lz4 frame, a cut at every TRUNC-th
# length; sg-encode checks every ENCODE_EVERY-th case as well. A sanitized
# sg-decode starts ten times slower, so it samples less.
if [ -n "${SG_SANITIZED:-}" ]; then
	STEP_SMALL=5 NATIVE_SMALL=4 STEP_TEXT=29 NATIVE_TEXT=4 STEP_AUTO=47
	TRUNC_SMALL=5 TRUNC_TEXT=241 ENCODE_EVERY=4
else
	STEP_SMALL=1 NATIVE_SMALL=16 STEP_TEXT=7 NATIVE_TEXT=16 STEP_AUTO=17
	TRUNC_SMALL=2 TRUNC_TEXT=61 ENCODE_EVERY=8
fi

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	gen_edge_inputs edge
	# About 31 KB of mixed text: several 4K chunks.
	gen_text small 300
	random_bytes 65536 11 >random
}

setup() {
	sg_setup
	[ -x "$SG_BIN/sg-encode" ] || { fail "no sg-encode in SG_BIN=$SG_BIN (run make first)"; return 1; }
	IN=$BATS_FILE_TMPDIR
	printf 'hello\nworld\n' >hw
	# BEGIN, two DATA of 6 bytes, END.
	sg-chunk -n 1 hw >hw.sg
}

teardown() {
	if [ -n "${LIVE_PID:-}" ]; then
		exec 5>&- 6<&- || true
		kill "$LIVE_PID" 2>/dev/null || true
	fi
}

# The stock CLI for a codec: zstd for zstd and auto, lz4 for lz4.
stock_of() { if [ "$1" = lz4 ]; then echo lz4; else echo zstd; fi; }

# stock_decodes CODEC WANT STREAM: the stock CLI for CODEC prints exactly
# WANT's bytes from STREAM, reading the file, and reading a pipe; it exits 0
# and writes nothing to stderr.
stock_decodes() {
	local tool st
	tool=$(stock_of "$1")
	"$tool" -dc -- "$3" 2>stock.err | cmp - "$2" >stock.cmp 2>&1 &&
	    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[*]}" = "0 0" ] && [ ! -s stock.err ] ||
		{ fail "$(printf '%s -dc %s (want %s): exit %s\n%s\n%s' "$tool" "$3" "$2" "${st[*]}" \
		    "$(head -c 500 stock.err)" "$(head -c 500 stock.cmp)")"; return 1; }
	cat -- "$3" | "$tool" -dc 2>stock.err | cmp - "$2" >stock.cmp 2>&1 &&
	    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[*]}" = "0 0 0" ] && [ ! -s stock.err ] ||
		{ fail "$(printf 'cat %s | %s -dc (want %s): exit %s\n%s\n%s' "$3" "$tool" "$2" "${st[*]}" \
		    "$(head -c 500 stock.err)" "$(head -c 500 stock.cmp)")"; return 1; }
}

# ------------------------------------------------------------ round trips

@test "round trip: every codec x level 1, 3, 19 x -T 1, 2, 4 on a small text" {
	local c l t
	for c in zstd lz4 none auto; do
		for l in 1 3 19; do
			for t in 1 2 4; do
				encode_roundtrip "$IN/small" "-b 4K" "-c $c -$l -T $t"
			done
		done
	done
	# --level N and --level=N spell the same thing.
	encode_roundtrip "$IN/small" "-b 4K" "-c zstd --level 7"
	encode_roundtrip "$IN/small" "-b 4K" "-c lz4 --level=12 -T 3"
}

@test "round trip: every edge input, one combination per codec" {
	local f n=0
	for f in "$IN"/edge/*; do
		encode_roundtrip "$f" "-s lines -b 4K" "-c zstd -19 -T 2"
		encode_roundtrip "$f" "-s bytes -b 1K" "-c lz4 -1 -T 4"
		encode_roundtrip "$f" "-s utf8 -b 1K" "-c none -T 1"
		encode_roundtrip "$f" "-s lines -b 64K" "-c auto -3"
		n=$((n + 1))
	done
	[ "$n" -ge 9 ] || fail "only $n edge inputs"
	# The random input through auto: stored chunks.
	encode_roundtrip "$IN/random" "-s bytes -b 4K" "-c auto -T 2"
}

@test "round trip: a single 5 MiB line in 1M and 4M chunks, zstd and lz4 on 4 threads" {
	gen_long_line long
	encode_roundtrip long "-s utf8 -b 1M" "-c zstd -T 4" "-T 4"
	encode_roundtrip long "-s bytes -b 4M" "-c lz4 -T 4" "-T 1"
	encode_roundtrip long "-s lines -b 4M" "-c auto -T 2"
}

@test "round trip: several sources in one stream, and concatenated encoded streams" {
	cp "$IN/small" a
	cp "$IN/edge/invalid-nul" b
	cp "$IN/edge/empty" c
	cp "$IN/edge/one-byte" d
	cat a b c d >want
	for c in zstd lz4 none auto; do
		sg-chunk -b 4K a b c d | sg-encode -c "$c" >s.sg
		sg-decode s.sg | cmp - want
		sg-decode --list s.sg >list.ndjson
		run jq -r 'select(.type == "begin") | "\(.source) \(.name)"' list.ndjson
		assert_output "$(printf '0 a\n1 b\n2 c\n3 d')"
	done
	# Streams encoded on their own, with different codecs, concatenated.
	sg-chunk a | sg-encode -c lz4 >1.sg
	sg-chunk b | sg-encode -c zstd >2.sg
	sg-chunk c d | sg-encode -c auto >3.sg
	cat 1.sg 2.sg 3.sg | sg-decode | cmp - want
}

@test "threads: repeated runs of sg-encode -T 1 and -T 2, and sg-decode -T 2 and -T 4, are all exact" {
	local i t runs=20
	[ -z "${SG_SANITIZED:-}" ] || runs=5
	cp "$IN/edge/text" a
	cp "$IN/edge/invalid-nul" b
	cp "$IN/edge/empty" c
	cp "$IN/edge/crlf" d
	cat a b c d >want
	sg-chunk -b 64K a b c d >in.sg
	for ((i = 0; i < runs; i++)); do
		for t in 1 2; do
			sg-encode -T "$t" in.sg >o.sg || fail "run $i: sg-encode -T $t exited $?"
			if ! sg-decode -T 1 o.sg 2>err | cmp -s - want; then
				fail "run $i: sg-encode -T $t exited 0 but wrote a stream that does not decode to its input: $(cat err)"
			fi
			# The same bytes every time, whatever the thread count.
			[ -f ref.sg ] || cp o.sg ref.sg
			cmp -s o.sg ref.sg || fail "run $i: sg-encode -T $t wrote other bytes than before"
		done
		for t in 2 4; do
			sg-decode -T "$t" ref.sg >got 2>err ||
				fail "run $i: sg-decode -T $t of a valid stream exited $?: $(cat err)"
			cmp -s got want || fail "run $i: sg-decode -T $t wrote other bytes"
		done
	done
}

@test "sg-decode -T 1, 2, 4 of every codec; --frames gives back sg-chunk's stream exactly" {
	local c t
	sg-chunk -b 4K "$IN/small" >s.sg
	sg-chunk -s bytes -b 4K "$IN/random" >r.sg
	for c in zstd lz4 none auto; do
		sg-encode -c "$c" s.sg >e.sg
		sg-encode -c "$c" r.sg >er.sg
		for t in 1 2 4; do
			run --separate-stderr bash -c "sg-decode -T $t e.sg | cmp - '$IN/small'"
			assert_success
			assert_stderr ''
			run --separate-stderr bash -c "sg-decode -T $t er.sg | cmp - '$IN/random'"
			assert_success
			# --frames: the decoded frames are sg-chunk's, byte for byte.
			run --separate-stderr bash -c "sg-decode --frames -T $t e.sg | cmp - s.sg"
			assert_success
			assert_stderr ''
		done
		sg-decode --frames er.sg | cmp - r.sg
		sg-decode --frames e.sg | sg-decode | cmp - "$IN/small"
		# Every DATA frame --frames writes has codec none.
		run bash -c "sg-decode --frames e.sg | sg-decode --list | jq -r .codec | sort -u"
		assert_output none
	done
}

@test "the bytes do not depend on -T; default is zstd -3; levels matter; -c none is the identity" {
	local c
	sg-chunk -b 64K "$IN/edge/text" >s.sg
	for c in zstd lz4 auto; do
		sg-encode -c "$c" -T 1 s.sg >t1
		sg-encode -c "$c" -T 4 s.sg >t4
		sg-encode -c "$c" -T 2 s.sg >t2
		cmp t1 t4
		cmp t1 t2
		sg-encode -c "$c" -1 s.sg >l1
		sg-encode -c "$c" -19 s.sg >l19
		sg-encode -c "$c" --level 19 s.sg >l19b
		sg-encode -c "$c" --level=19 s.sg >l19c
		cmp l19 l19b
		cmp l19 l19c
		! cmp -s l1 l19 || fail "-c $c: -1 and -19 write the same bytes"
		[ "$(file_size l19)" -lt "$(file_size l1)" ] ||
			fail "-c $c: -19 ($(file_size l19) bytes) is not smaller than -1 ($(file_size l1))"
		[ "$(file_size l1)" -lt "$(file_size s.sg)" ] || fail "-c $c: text did not shrink"
	done
	sg-encode s.sg >d
	sg-encode -c zstd -3 s.sg >z3
	cmp d z3
	sg-decode --list d | jq -r 'select(.type == "data") | .codec' | sort -u >codecs
	[ "$(cat codecs)" = zstd ] || fail "default codec: $(cat codecs)"
	sg-encode -c none s.sg | cmp - s.sg
}

@test "transcoding: an encoded stream re-encodes to what the plain one gives" {
	local from to
	sg-chunk -b 4K "$IN/small" "$IN/edge/invalid-nul" >s.sg
	for to in zstd lz4 none auto; do
		sg-encode -c "$to" s.sg >want.sg
		for from in zstd lz4 auto; do
			run --separate-stderr bash -c "sg-encode -c $from s.sg | sg-encode -c $to | cmp - want.sg"
			assert_success
			assert_stderr ''
		done
	done
}

@test "other frames pass unchanged: BEGIN, END and a frame of unknown type, byte for byte" {
	local n i
	printf 'opaque' >opaque
	mk_frame unknown.fr type=9 seq=0 payload=opaque
	n=$(split_frames hw.sg fr)
	cat fr.0 unknown.fr fr.1 fr.2 fr.3 >x.sg
	sg-encode -c lz4 x.sg >e.sg
	n=$(split_frames e.sg ef)
	[ "$n" -eq 5 ] || fail "$n frames, want 5"
	cmp ef.0 fr.0
	cmp ef.1 unknown.fr
	cmp ef.4 fr.3
	for i in 2 3; do
		[ "$(sg-decode --list e.sg | jq -r "select(.frame == $i) | .codec")" = lz4 ] ||
			fail "frame $i is not lz4"
	done
	sg-decode e.sg | cmp - hw
}

# ------------------------------------------------------------ stock decoders

@test "zstd -dc and lz4 -dc print the original bytes, from a file and from a pipe" {
	local c
	for c in zstd lz4 auto; do
		sg-chunk -b 4K "$IN/small" | sg-encode -c "$c" >s.sg
		stock_decodes "$c" "$IN/small" s.sg
		sg-chunk -s bytes -b 1 hw | sg-encode -c "$c" >b1.sg
		stock_decodes "$c" hw b1.sg
	done
	# zstd -t and lz4 -t accept the files.
	sg-chunk -b 4K "$IN/small" | sg-encode -c zstd >z.sg
	zstd -tq z.sg
	sg-chunk -b 4K "$IN/small" | sg-encode -c lz4 >l.sg
	lz4 -tq l.sg
}

@test "stock decoders: an empty input prints nothing and succeeds" {
	local c
	for c in zstd lz4 auto none; do
		sg-chunk "$IN/edge/empty" | sg-encode -c "$c" >e.sg
		stock_decodes "$c" "$IN/edge/empty" e.sg
		sg-decode e.sg | cmp - "$IN/edge/empty"
	done
}

@test "stock decoders: several sources decode to their concatenation" {
	local c
	cp "$IN/edge/text" a
	cp "$IN/edge/invalid-nul" b
	cp "$IN/edge/empty" c
	cp "$IN/edge/crlf" d
	cat a b c d >want
	for c in zstd lz4 auto; do
		sg-chunk -b 64K a b c d | sg-encode -c "$c" >s.sg
		stock_decodes "$c" want s.sg
	done
}

@test "-c auto: incompressible chunks are flagged stored, and zstd -dc still reproduces them" {
	cp "$IN/random" random
	sg-chunk -s bytes -b 4K random | sg-encode -c auto >r.sg
	sg-decode --list r.sg >list.ndjson
	# Every DATA frame: zstd, flagged stored, a few bytes of framing more.
	jq -s -e '[.[] | select(.type == "data")] | length == 16
	    and all(.[]; .codec == "zstd" and any(.flags[]; . == "stored")
		and .stored > .size and .stored - .size <= 32)' list.ndjson >/dev/null ||
		fail "$(printf 'random data under -c auto:\n%s' "$(jq -c '[.type, .codec, .size, .stored, .flags]' list.ndjson)")"
	stock_decodes auto random r.sg
	sg-decode r.sg | cmp - random
	# Text is compressed, and never flagged.
	sg-chunk -b 4K "$IN/small" | sg-encode -c auto >t.sg
	sg-decode --list t.sg >tlist.ndjson
	jq -s -e '[.[] | select(.type == "data")] | length >= 5
	    and all(.[]; .codec == "zstd" and (any(.flags[]; . == "stored") | not) and .stored < .size)' \
	    tlist.ndjson >/dev/null || fail "text under -c auto: $(jq -c '[.type, .size, .stored, .flags]' tlist.ndjson)"
	# Both kinds in one source.
	cat "$IN/small" random "$IN/small" >mixed
	sg-chunk -s bytes -b 4K mixed | sg-encode -c auto >m.sg
	sg-decode --list m.sg >mlist.ndjson
	run jq -r 'select(.type == "data") | if any(.flags[]; . == "stored") then "stored" else "compressed" end' mlist.ndjson
	assert_line stored
	assert_line compressed
	stock_decodes auto mixed m.sg
	sg-decode m.sg | cmp - mixed
	# Decoded to frames, the flag goes with the codec.
	sg-decode --frames m.sg | sg-decode --list | jq -e -s 'all(.[]; (any(.flags[]; . == "stored") | not))' >/dev/null
}

# ------------------------------------------------------------ --json

@test "--json: one object per frame that jq parses; the keys of --list plus the payload" {
	local frames
	sg-chunk -b 4K "$IN/small" "$IN/edge/invalid-nul" "$IN/edge/empty" >s.sg
	frames=$(sg-decode --list s.sg | wc -l)
	run --separate-stderr bash -c 'sg-encode --json s.sg >s.json'
	assert_success
	assert_stderr ''
	[ "$(wc -l <s.json)" -eq "$frames" ] || fail "$(wc -l <s.json) lines for $frames frames"
	run bash -c 'jq -c . s.json | wc -l'
	assert_output "$frames"
	jq -e -s 'all(.[]; type == "object")' s.json >/dev/null
	# Without the payload, each object is sg-decode --list's for the frame.
	diff <(jq -c 'del(.text, .base64)' s.json) <(sg-decode --list s.sg)
	# The same from a pipe, and from an encoded stream (payloads decoded:
	# codec none, stored = size).
	sg-encode -c lz4 s.sg >l.sg
	cat l.sg | sg-encode --json >l.json
	diff <(jq -c 'del(.at, .codec, .stored)' l.json) <(jq -c 'del(.at, .codec, .stored)' s.json)
	jq -e -s 'all(.[]; .codec == "none" and .stored == .size)' l.json >/dev/null
	jq -e -s 'map(.text // "") == ($s | map(.text // "")) and map(.base64 // "") == ($s | map(.base64 // ""))' \
	    --slurpfile s s.json l.json >/dev/null
	# Terminals get JSON (it is text).
	run script -qec "sg-encode --json hw.sg" /dev/null
	assert_success
	assert_output --partial '"text":"hello\n"'
}

@test "--json | sg-decode: exact on UTF-8 text (\"text\") and binary (\"base64\")" {
	local counts
	# Valid UTF-8: every DATA frame is "text".
	sg-chunk -b 4K "$IN/small" | sg-encode --json >t.json
	counts=$(check_json_payloads t.json "$IN/small")
	[ "${counts% *}" -ge 5 ] && [ "${counts#* }" -eq 0 ] || fail "text, base64 frames: $counts"
	sg-decode t.json | cmp - "$IN/small"
	cat t.json | sg-decode | cmp - "$IN/small"
	# Random bytes: every DATA frame is "base64".
	sg-chunk -s bytes -b 4K "$IN/random" | sg-encode --json >r.json
	counts=$(check_json_payloads r.json "$IN/random")
	[ "$counts" = "0 16" ] || fail "text, base64 frames: $counts"
	sg-decode r.json | cmp - "$IN/random"
	# Both in one source, and NUL bytes (valid UTF-8) inside "text".
	{ cat "$IN/small" "$IN/random"; printf '\n'; cat "$IN/small"; printf 'a\0b\n\0\n'; } >mixed
	sg-chunk -s lines -b 4K mixed | sg-encode --json >m.json
	counts=$(check_json_payloads m.json mixed)
	[ "${counts% *}" -ge 10 ] && [ "${counts#* }" -ge 10 ] || fail "text, base64 frames: $counts"
	grep -q '"text":"[^"]*\\u0000' m.json || fail "no NUL in a text payload"
	sg-decode m.json | cmp - mixed
	# Invalid UTF-8 in small chunks: base64 throughout.
	sg-chunk -s utf8 -b 64 "$IN/edge/invalid-nul" | sg-encode --json >i.json
	check_json_payloads i.json "$IN/edge/invalid-nul" >/dev/null
	sg-decode i.json | cmp - "$IN/edge/invalid-nul"
	# The edge inputs, every one.
	for f in "$IN"/edge/*; do
		sg-chunk -b 1K "$f" | sg-encode --json | sg-decode -T 2 | cmp - "$f"
	done
}

@test "--json | sg-encode -c zstd | zstd -dc, and sg-decode --list and --frames on NDJSON" {
	sg-chunk -b 4K "$IN/small" "$IN/edge/invalid-nul" >s.sg
	cat "$IN/small" "$IN/edge/invalid-nul" >want
	sg-encode --json s.sg >s.json
	sg-encode -c zstd s.json >z.sg
	stock_decodes zstd want z.sg
	run --separate-stderr bash -c 'sg-encode --json s.sg | sg-encode -c lz4 | lz4 -dc | cmp - want'
	assert_success
	# --list reads NDJSON: the same frames (their "at" is in the JSON text).
	run --separate-stderr sg-decode --list s.json
	assert_success
	assert_stderr ''
	diff <(printf '%s\n' "$output" | jq -c 'del(.at)') <(sg-decode --list s.sg | jq -c 'del(.at)')
	# --frames reads NDJSON and writes sg-chunk's frames back.
	sg-decode --frames s.json | cmp - s.sg
}

@test "NDJSON that was edited is refused: 65 naming the frame" {
	sg-encode --json hw.sg >hw.json
	sed 's/"text":"hello/"text":"jello/' hw.json >x.json
	run --separate-stderr sg-decode x.json
	assert_failure 65
	assert_one_stderr_line '^sg-decode: x.json: frame 1 at offset [0-9]+: .*checksum'
	sed 's/"seq":2,/"seq":7,/' hw.json >x.json
	run --separate-stderr sg-decode x.json
	assert_failure 65
	assert_one_stderr_line '^sg-decode: x.json: frame 2 at offset [0-9]+: '
	sed '3d' hw.json >x.json
	run --separate-stderr sg-decode x.json
	assert_failure 65
	assert_one_stderr_line '^sg-decode: x.json: frame 2 at offset [0-9]+: '
	head -c $(($(file_size hw.json) - 20)) hw.json >x.json
	run --separate-stderr sg-decode x.json
	assert_failure 65
	assert_output "$(cat hw)"
	assert_one_stderr_line '^sg-decode: x.json: frame 3 at offset [0-9]+: '
	# sg-encode checks it too.
	sed 's/"text":"hello/"text":"jello/' hw.json >x.json
	run --separate-stderr bash -c 'sg-encode -c zstd x.json >/dev/null'
	assert_failure 65
	assert_one_stderr_line '^sg-encode: x.json: frame 1 at offset [0-9]+: '
}

# ------------------------------------------------------------ hostile input

# Frame index of a valid stream: FR_AT[k] is where frame k starts; NAT_LO
# and NAT_HI bound the native zstd/lz4 frames (the headers are 64 bytes).
index_frames() {
	local at stored codec
	FR_AT=() NAT_LO=() NAT_HI=()
	while read -r at stored codec; do
		FR_AT+=("$at")
		if [ "$codec" != none ]; then
			NAT_LO+=($((at + 64)))
			NAT_HI+=($((at + 64 + stored)))
		fi
	done < <(sg-decode --list "$1" | jq -r '"\(.at) \(.stored) \(.codec)"')
	[ "${#FR_AT[@]}" -ge 3 ] || { fail "cannot index $1"; return 1; }
}

# Sets FRAME_OF to the number of the frame that holds byte $1.
frame_of() {
	local k
	for ((k = ${#FR_AT[@]} - 1; k > 0; k--)); do
		[ "$1" -lt "${FR_AT[k]}" ] || break
	done
	FRAME_OF=$k
}

in_native() {
	local k
	for ((k = 0; k < ${#NAT_LO[@]}; k++)); do
		[ "$1" -ge "${NAT_LO[k]}" ] && [ "$1" -lt "${NAT_HI[k]}" ] && return 0
	done
	return 1
}

# expect_damage TOOL FILE BYTE ORIG WHAT: TOOL (sg-decode or sg-encode)
# exits 65 on FILE with exactly one line on stderr, naming the frame that
# holds byte BYTE of the original stream (and that frame's offset); what
# sg-decode writes is a prefix of ORIG. Returns 2 when TOOL exits 0.
expect_damage() {
	local tool=$1 f=$2 rc=0 n
	"$tool" "$f" >d.out 2>d.err || rc=$?
	[ "$rc" -ne 0 ] || return 2
	IFS= read -r -d '' stderr <d.err || true
	[ "$rc" -eq 65 ] || { fail "$5: $tool exit $rc, want 65; stderr: $stderr"; return 1; }
	[[ $stderr == *$'\n' ]] || { fail "$5: $tool: stderr does not end in a newline: $stderr"; return 1; }
	stderr=${stderr%$'\n'}
	frame_of "$3"
	assert_one_stderr_line "^$tool: $f: frame $FRAME_OF at offset ${FR_AT[FRAME_OF]}: " ||
		{ fail "$5"; return 1; }
	# cmp says nothing (all of it) or "EOF on d.out" (a prefix), or where
	# they differ.
	if [ "$tool" = sg-decode ] && [ -s d.out ]; then
		n=$(cmp d.out "$4" 2>&1) || true
		[ -z "$n" ] || [[ $n == *"EOF on d.out"* ]] ||
			{ fail "$5: stdout is not a prefix of the original: $n"; return 1; }
	fi
}

# flip_sweep STREAM ORIG STOCK STEP NATIVE: flips one bit of STREAM (an
# encoded stream of the one file ORIG) at every STEP-th byte, the bit
# rotating, and every bit of the first NATIVE bytes of its first native
# frame. Every damaged copy must make sg-decode (and, every ENCODE_EVERY-th,
# sg-encode) exit 65 with one line naming the frame that holds the bit.
#
# The one exception: sg-decode may exit 0 when the bit lies inside a native
# zstd or LZ4 frame and the frame still decodes to exactly the same bytes.
# sg's checksums cover headers and decoded payloads, not the codec's own
# encoding, and that encoding has bits that cannot change the result, for
# example: the unused bit 4 of the zstd Frame_Header_Descriptor (RFC 8878),
# the two reserved low bits of a zstd block's Symbol_Compression_Modes byte,
# padding bits after an FSE table description, the match-length nibble of
# an LZ4 block's last token (the last sequence has literals only), or a
# match offset that points at another copy of the same bytes. Such a flip
# must leave stderr empty and the output identical to ORIG, and the stock
# CLI STOCK must agree that the stream still decodes to ORIG. They must stay
# rare (at most 2% of the cases; about 0.3% were seen).
flip_sweep() (
	# Subshell without bats' DEBUG trap, which costs a millisecond a command.
	trap - DEBUG
	local s=$1 orig=$2 stock=$3 step=$4 native=$5 hex n i j bit v rc cases=0 benign=0
	index_frames "$s" || return 1
	n=$(file_size "$s")
	hex=$(xxd -p -c 100000 "$s")
	local -a at=() bits=()
	for ((i = 0; i < n; i += step)); do
		at+=("$i")
		bits+=($(((i / step) % 8)))
	done
	for ((i = NAT_LO[0]; i < NAT_LO[0] + native && i < NAT_HI[0]; i++)); do
		for bit in 0 1 2 3 4 5 6 7; do
			at+=("$i")
			bits+=("$bit")
		done
	done
	for ((j = 0; j < ${#at[@]}; j++)); do
		i=${at[j]} bit=${bits[j]}
		printf -v v '%02x' $((0x${hex:2*i:2} ^ (1 << bit)))
		xxd -r -p >c.sg <<<"${hex:0:2*i}$v${hex:2*i+2}"
		cases=$((cases + 1))
		rc=0
		expect_damage sg-decode c.sg "$i" "$orig" "byte $i bit $bit of $s" || rc=$?
		if [ "$rc" -eq 2 ]; then
			in_native "$i" || { fail "byte $i bit $bit of $s (outside any native frame): sg-decode exits 0"; return 1; }
			[ ! -s d.err ] && cmp -s d.out "$orig" ||
				{ fail "byte $i bit $bit of $s: sg-decode exits 0 but the output differs or it complains: $(cat d.err)"; return 1; }
			"$stock" -dcq c.sg 2>/dev/null | cmp -s - "$orig" ||
				{ fail "byte $i bit $bit of $s: sg-decode exits 0 but $stock -dc says the bit mattered"; return 1; }
			benign=$((benign + 1))
			continue
		fi
		[ "$rc" -eq 0 ] || return 1
		if [ $((cases % ENCODE_EVERY)) -eq 0 ]; then
			expect_damage sg-encode c.sg "$i" "$orig" "sg-encode, byte $i bit $bit of $s" || return 1
		fi
	done
	[ "$cases" -ge 50 ] || { fail "only $cases cases"; return 1; }
	[ $((benign * 50)) -le "$cases" ] ||
		{ fail "$benign of $cases flipped bits in $s went unnoticed"; return 1; }
)

@test "zstd: a flipped bit anywhere in a small stream: 65, one line naming the frame" {
	sg-encode -c zstd hw.sg >z.sg
	flip_sweep z.sg hw zstd "$STEP_SMALL" "$NATIVE_SMALL"
}

@test "lz4: a flipped bit anywhere in a small stream: 65, one line naming the frame" {
	sg-encode -c lz4 hw.sg >l.sg
	flip_sweep l.sg hw lz4 "$STEP_SMALL" "$NATIVE_SMALL"
}

@test "zstd -19: flipped bits across a stream of compressed blocks" {
	gen_text t 60
	sg-chunk -b 1K t | sg-encode -c zstd -19 >z.sg
	# Compressed for real: every DATA payload shrank.
	sg-decode --list z.sg | jq -e -s '[.[] | select(.type == "data")] | length >= 4 and all(.[]; .stored < .size / 2)' >/dev/null
	flip_sweep z.sg t zstd "$STEP_TEXT" "$NATIVE_TEXT"
}

@test "lz4 -9: flipped bits across a stream of compressed blocks" {
	gen_text t 60
	sg-chunk -b 1K t | sg-encode -c lz4 -9 >l.sg
	sg-decode --list l.sg | jq -e -s '[.[] | select(.type == "data")] | length >= 4 and all(.[]; .stored < .size / 2)' >/dev/null
	flip_sweep l.sg t lz4 "$STEP_TEXT" "$NATIVE_TEXT"
}

@test "-c auto, stored chunks: flipped bits in raw blocks are caught" {
	random_bytes 3000 5 >r
	sg-chunk -s bytes -b 1K r | sg-encode -c auto >a.sg
	sg-decode --list a.sg | jq -e -s '[.[] | select(.type == "data") | select(any(.flags[]; . == "stored"))] | length == 3' >/dev/null
	flip_sweep a.sg r zstd "$STEP_AUTO" 8
}

# truncate_sweep STREAM ORIG STEP: STREAM cut to every STEP-th length (and
# to each frame boundary and one byte either side) fails sg-decode with 65
# naming the frame that was cut or lost; now and then through a pipe and
# through sg-encode.
truncate_sweep() (
	# Subshell without bats' DEBUG trap, which costs a millisecond a command.
	trap - DEBUG
	local s=$1 orig=$2 step=$3 n len k cases=0
	index_frames "$s" || return 1
	n=$(file_size "$s")
	local -a lens=()
	for ((len = 0; len < n; len += step)); do lens+=("$len"); done
	for ((k = 1; k < ${#FR_AT[@]}; k++)); do
		lens+=($((FR_AT[k] - 1)) "${FR_AT[k]}" $((FR_AT[k] + 1)))
	done
	lens+=($((n - 1)))
	for len in "${lens[@]}"; do
		head -c "$len" "$s" >t.sg
		cases=$((cases + 1))
		expect_damage sg-decode t.sg "$len" "$orig" "$s cut to $len bytes" || return 1
		if [ $((cases % ENCODE_EVERY)) -eq 0 ]; then
			expect_damage sg-encode t.sg "$len" "$orig" "sg-encode, $s cut to $len bytes" || return 1
		fi
		if [ $((cases % 29)) -eq 0 ]; then
			run --separate-stderr bash -c "head -c $len '$s' | sg-decode -T 2 >/dev/null"
			assert_failure 65
			frame_of "$len"
			assert_one_stderr_line "^sg-decode: \(stdin\): frame $FRAME_OF at offset ${FR_AT[FRAME_OF]}: "
		fi
	done
)

@test "truncation at every point of small zstd and lz4 streams" {
	sg-encode -c zstd hw.sg >z.sg
	sg-encode -c lz4 hw.sg >l.sg
	truncate_sweep z.sg hw "$TRUNC_SMALL"
	truncate_sweep l.sg hw "$TRUNC_SMALL"
}

# bats test_tags=slow
@test "truncation across streams of compressed blocks, zstd, lz4 and auto" {
	sg-chunk -b 4K "$IN/small" >s.sg
	sg-encode -c zstd s.sg >z.sg
	sg-encode -c lz4 s.sg >l.sg
	sg-chunk -s bytes -b 4K "$IN/random" | sg-encode -c auto >a.sg
	truncate_sweep z.sg "$IN/small" "$TRUNC_TEXT"
	truncate_sweep l.sg "$IN/small" "$TRUNC_TEXT"
	truncate_sweep a.sg "$IN/random" $((TRUNC_TEXT * 3))
}

@test "a payload swapped between two DATA frames of equal size: 65 naming the first" {
	local c n
	# Two DATA frames of 201 bytes that compress to the same length.
	{ head -c 200 /dev/zero | tr '\0' a; echo; head -c 200 /dev/zero | tr '\0' b; echo; } >ab
	for c in zstd lz4 auto; do
		for f in hw ab; do
			sg-chunk -n 1 "$f" | sg-encode -c "$c" >e.sg
			n=$(split_frames e.sg fr)
			[ "$n" -eq 4 ] || fail "$n frames"
			[ "$(file_size fr.1)" -eq "$(file_size fr.2)" ] || fail "-c $c $f: frames of different lengths"
			cmp -s fr.1 fr.2 && fail "identical frames"
			{
				cat fr.0
				head -c 64 fr.1
				tail -c +65 fr.2
				head -c 64 fr.2
				tail -c +65 fr.1
				cat fr.3
			} >x.sg
			run --separate-stderr sg-decode x.sg
			assert_failure 65
			assert_output ''
			assert_one_stderr_line "^sg-decode: x.sg: frame 1 at offset $(file_size fr.0): .*checksum"
			run --separate-stderr bash -c 'sg-encode x.sg >/dev/null'
			assert_failure 65
			assert_one_stderr_line "^sg-encode: x.sg: frame 1 at offset $(file_size fr.0): .*checksum"
		done
	done
}

@test "a zstd DATA frame from another stream, valid on its own: END's whole-source checksum" {
	printf 'aaaa\nbbbb\n' >x
	printf 'aaaa\ncccc\n' >y
	sg-chunk -n 1 x | sg-encode -c zstd >x.sg
	sg-chunk -n 1 y | sg-encode -c zstd >y.sg
	split_frames x.sg fx >/dev/null
	split_frames y.sg fy >/dev/null
	cat fx.0 fx.1 fy.2 fx.3 >m.sg
	run --separate-stderr sg-decode m.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: m.sg: frame 3 at offset $(($(file_size m.sg) - $(file_size fx.3))): .*checksum"
}

# bounded CMD...: run CMD ($status and $stderr as run leaves them, stdout
# into bounded.out) in at most 20 s; unless sanitized, in 200 MB of address
# space and with a peak RSS (GNU time) under 200 MB.
bounded() {
	if [ -n "${SG_SANITIZED:-}" ]; then
		# ASan reserves terabytes of shadow memory: no ulimit, no RSS check.
		run --separate-stderr bash -c 'exec timeout 20 "$@" >bounded.out' _ "$@"
		return
	fi
	rm -f rss.txt
	run --separate-stderr bash -c 'ulimit -v 200000 && exec timeout 20 /usr/bin/time -f "rss %M" -o rss.txt "$@" >bounded.out' _ "$@"
	local rss
	rss=$(awk '$1 == "rss" { print $2 }' rss.txt)
	[ -n "$rss" ] || { fail "no RSS measured for $*"; return 1; }
	[ "$rss" -lt 204800 ] || { fail "$*: peak RSS $rss KiB"; return 1; }
}

# bomb_stream CODEC PAYLOAD OUT: the stream of one source of 64 KiB of
# zeros, its DATA frame replaced by one of codec CODEC (1 zstd, 2 lz4)
# carrying the native frame PAYLOAD while declaring 65536 bytes and the
# checksum of 64 KiB of zeros: only the decoded length can give it away.
bomb_stream() {
	local sum
	[ -f zf.0 ] || {
		head -c 65536 /dev/zero >z64k
		sg-chunk -s bytes -b 64K z64k >z.sg
		[ "$(split_frames z.sg zf)" -eq 3 ] || { fail "64 KiB of zeros is not 3 frames"; return 1; }
	}
	sum=$(sg-decode --list z.sg | jq -r 'select(.type == "data") | .checksum')
	mk_frame bomb.fr type=2 codec="$1" seq=1 offset=0 size=65536 stored="$(file_size "$2")" \
	    payload="$2" payload_sum="0x$sum"
	cat zf.0 bomb.fr zf.2 >"$3"
}

# expect_bomb_refused STREAM: every reader of it exits 65 naming frame 1,
# quickly and in bounded memory.
expect_bomb_refused() {
	local at cmd
	at=$(file_size zf.0)
	for cmd in "sg-decode -T 1" "sg-decode -T 4" "sg-decode --frames" "sg-decode --list" \
	    "sg-encode -c lz4 -T 4" "sg-encode -c none" "sg-encode --json"; do
		# shellcheck disable=SC2086
		bounded $cmd "$1"
		[ "$status" -eq 65 ] || fail "$cmd $1: exit $status, want 65: $stderr"
		assert_one_stderr_line "^sg-(de|en)code: $1: frame 1 at offset $at: " ||
			fail "$cmd $1"
	done
}

@test "a zstd bomb (1 GiB of zeros declared as 64 KiB): 65, bounded memory" {
	local fhd
	# The construction is sound: a real 64 KiB zstd frame in its place decodes.
	head -c 65536 /dev/zero >zeros
	zstd -q -c <zeros >ok.zst
	bomb_stream 1 ok.zst ok.sg
	bounded sg-decode ok.sg
	assert_success
	cmp bounded.out zeros
	# 1 GiB of zeros from a pipe: no content size in the zstd frame header.
	head -c 1G /dev/zero | zstd -q -c >bomb.zst
	[ "$(file_size bomb.zst)" -lt $((1 << 20)) ]
	bomb_stream 1 bomb.zst b1.sg
	expect_bomb_refused b1.sg
	assert_stderr --regexp 'decodes to more than'
	# The same frame, its Window_Descriptor raised to a 1 GiB window, and to
	# 2^41 (beyond what libzstd accepts).
	{ head -c 5 bomb.zst; printf '\240'; tail -c +7 bomb.zst; } >w30.zst
	{ head -c 5 bomb.zst; printf '\370'; tail -c +7 bomb.zst; } >w41.zst
	bomb_stream 1 w30.zst w30.sg
	expect_bomb_refused w30.sg
	bomb_stream 1 w41.zst w41.sg
	expect_bomb_refused w41.sg
	# The same frame declaring its 1 GiB in its header: Frame_Content_Size
	# flag 3 (8 bytes) set in the Frame_Header_Descriptor, the 8 bytes after
	# the Window_Descriptor.
	fhd=$(od -An -tu1 -j 4 -N 1 bomb.zst)
	[ $((fhd & 0xE0)) -eq 0 ] || fail "the 1 GiB frame has a content size or is single-segment: $fhd"
	{
		head -c 4 bomb.zst
		printf "\\$(printf '%03o' $((fhd | 0xC0)))"
		tail -c +6 bomb.zst | head -c 1
		printf '\x00\x00\x00\x40\x00\x00\x00\x00'
		tail -c +7 bomb.zst
	} >fcs.zst
	zstd -lv fcs.zst | grep -q 'Decompressed Size: .*(1073741824 B)' || fail "$(zstd -lv fcs.zst 2>&1)"
	bomb_stream 1 fcs.zst fcs.sg
	expect_bomb_refused fcs.sg
}

@test "an lz4 bomb (256 MiB of zeros declared as 64 KiB): 65, bounded memory" {
	head -c 65536 /dev/zero >zeros
	lz4 -q -c <zeros >ok.lz4
	bomb_stream 2 ok.lz4 ok.sg
	bounded sg-decode ok.sg
	assert_success
	cmp bounded.out zeros
	head -c 256M /dev/zero | lz4 -q -c >bomb.lz4
	bomb_stream 2 bomb.lz4 b.sg
	expect_bomb_refused b.sg
	assert_stderr --regexp 'decodes to more than'
	# LZ4 HC, 64 KiB blocks (many of them).
	head -c 128M /dev/zero | lz4 -q -9 -B4 -c >bomb4.lz4
	bomb_stream 2 bomb4.lz4 b4.sg
	expect_bomb_refused b4.sg
}

# lie_stream CODEC PAYLOAD SIZE OUT: hw.sg with DATA frame 1 rebuilt to
# carry the native frame PAYLOAD (codec 1 zstd, 2 lz4) and declare SIZE
# bytes, with the checksum of the real "hello\n" ($SUM1).
lie_stream() {
	mk_frame lie.fr type=2 codec="$1" seq=1 offset=0 size="$3" stored="$(file_size "$2")" \
	    payload="$2" payload_sum="0x$SUM1"
	cat hf.0 lie.fr hf.2 hf.3 >"$4"
}

@test "lying size fields: declared larger or smaller than what the native frame holds" {
	local c cn p d
	split_frames hw.sg hf >/dev/null
	SUM1=$(sg-decode --list hw.sg | jq -r 'select(.frame == 1) | .checksum')
	for c in zstd lz4; do
		cn=1
		[ "$c" = lz4 ] && cn=2
		# sg-encode's own frame for "hello\n" (it records the content size),
		# and the stock CLI's from a pipe (no content size in its header).
		sg-encode -c "$c" hw.sg >e.sg
		split_frames e.sg ef >/dev/null
		tail -c +65 ef.1 >own.$c
		printf 'hello\n' | "$c" -q -c >stock.$c
		for p in own.$c stock.$c; do
			# The true size decodes: the frames are sound.
			lie_stream "$cn" "$p" 6 ok.sg
			run --separate-stderr sg-decode ok.sg
			assert_success
			assert_output "$(cat hw)"
			for d in 7 5 0 65536; do
				# sg-encode's frames say their size themselves: two lies do.
				[ "$p" = stock.$c ] || [ "$d" -eq 7 ] || [ "$d" -eq 5 ] || continue
				lie_stream "$cn" "$p" "$d" lie.sg
				bounded sg-decode lie.sg
				[ "$status" -eq 65 ] || fail "$p declared $d bytes: exit $status: $stderr"
				[ ! -s bounded.out ] || fail "$p declared $d bytes: wrote $(file_size bounded.out) bytes"
				assert_one_stderr_line "^sg-decode: lie.sg: frame 1 at offset $(file_size hf.0): "
				bounded sg-encode -c none lie.sg
				[ "$status" -eq 65 ] || fail "sg-encode, $p declared $d bytes: exit $status"
				assert_one_stderr_line "^sg-encode: lie.sg: frame 1 at offset $(file_size hf.0): "
			done
		done
	done
}

@test "a stored length one byte off the native frame: 65 naming that frame, every time" {
	local c cn p d round at
	split_frames hw.sg hf >/dev/null
	at=$(file_size hf.0)
	for c in zstd lz4; do
		cn=1
		[ "$c" = lz4 ] && cn=2
		printf 'hello\n' | "$c" -q -c >p.$c
		sum=$(sg-decode --list hw.sg | jq -r 'select(.frame == 1) | .checksum')
		for d in 1 -1; do
			mk_frame off.fr type=2 codec="$cn" seq=1 offset=0 size=6 \
			    stored=$(($(file_size p.$c) + d)) payload=p.$c payload_sum="0x$sum"
			cat hf.0 off.fr hf.2 hf.3 >off.sg
			# The defect is in frame 1 (its native frame ends before, or
			# after, its stored bytes); frame 2 only looks broken because of
			# it. A report must not depend on which thread finishes first.
			# Not i: bats' run (bats_any_in) assigns a global i.
			for ((round = 0; round < 10; round++)); do
				run --separate-stderr sg-decode off.sg
				assert_failure 65
				assert_one_stderr_line "^sg-decode: off.sg: frame 1 at offset $at: " ||
					fail "$c, stored off by $d, run $round"
			done
		done
	done
}

@test "refused: an unknown codec, a compressed BEGIN, a payload that is not exactly one native frame" {
	split_frames hw.sg hf >/dev/null
	printf 'hello\n' | zstd -q -c >p.zst
	sum=$(sg-decode --list hw.sg | jq -r 'select(.frame == 1) | .checksum')
	mk_frame x.fr type=2 codec=3 seq=1 offset=0 size=6 stored="$(file_size p.zst)" payload=p.zst payload_sum="0x$sum"
	cat hf.0 x.fr hf.2 hf.3 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: x.sg: frame 1 at offset $(file_size hf.0): "
	run --separate-stderr bash -c 'sg-encode x.sg >/dev/null'
	assert_failure 65
	assert_one_stderr_line "^sg-encode: x.sg: frame 1 at offset $(file_size hf.0): "
	# BEGIN with its metadata zstd-compressed: only DATA may use a codec.
	tail -c +65 hf.0 >meta
	zstd -q -c <meta >meta.zst
	mk_frame b.fr type=1 codec=1 seq=0 offset=0 size="$(file_size meta)" stored="$(file_size meta.zst)" \
	    payload=meta.zst payload_sum="0x$(sg-decode --list hw.sg | jq -r 'select(.frame == 0) | .checksum')"
	cat b.fr hf.1 hf.2 hf.3 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_one_stderr_line '^sg-decode: x.sg: frame 0 at offset 0: .*codec'
	run --separate-stderr bash -c 'sg-encode x.sg >/dev/null'
	assert_failure 65
	assert_one_stderr_line '^sg-encode: x.sg: frame 0 at offset 0: .*codec'
	# A payload that is not one zstd frame: a skippable frame, then zstd.
	{ printf '\x50\x2a\x4d\x18\x00\x00\x00\x00'; cat p.zst; } >skip.zst
	mk_frame x.fr type=2 codec=1 seq=1 offset=0 size=6 stored="$(file_size skip.zst)" payload=skip.zst payload_sum="0x$sum"
	cat hf.0 x.fr hf.2 hf.3 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: x.sg: frame 1 at offset $(file_size hf.0): "
	# Two zstd frames in one payload.
	printf 'hel' | zstd -q -c >p2.zst
	printf 'lo\n' | zstd -q -c >>p2.zst
	mk_frame x.fr type=2 codec=1 seq=1 offset=0 size=6 stored="$(file_size p2.zst)" payload=p2.zst payload_sum="0x$sum"
	cat hf.0 x.fr hf.2 hf.3 >x.sg
	run --separate-stderr sg-decode x.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: x.sg: frame 1 at offset $(file_size hf.0): "
}

@test "sg-encode on a damaged plain stream: 65 naming the frame, like sg-decode" {
	local at
	at=$(frame_at hw.sg 2)
	flip_bit hw.sg c.sg $((at + 64 + 2)) 1
	run --separate-stderr bash -c 'sg-encode c.sg >/dev/null'
	assert_failure 65
	assert_one_stderr_line "^sg-encode: c.sg: frame 2 at offset $at: "
	head -c 100 hw.sg >t.sg
	run --separate-stderr bash -c 'sg-encode t.sg >/dev/null'
	assert_failure 65
	assert_one_stderr_line '^sg-encode: t.sg: frame 0 at offset 0: .*truncated'
	run --separate-stderr bash -c 'cat hw | sg-encode >/dev/null'
	assert_failure 65
	assert_one_stderr_line '^sg-encode: \(stdin\): frame 0 at offset 0: .*not an sg frame'
	# A missing file among others: 66, the others still encoded.
	run --separate-stderr bash -c 'sg-encode hw.sg missing hw.sg >enc.sg'
	assert_failure 66
	assert_one_stderr_line '^sg-encode: missing: '
	sg-decode enc.sg | cmp - <(cat hw hw)
}

# ------------------------------------------------------------ options

@test "--help and -h: usage on stdout, exit 0; --version and -V" {
	local opt
	for opt in --help -h; do
		run --separate-stderr sg-encode "$opt"
		assert_success
		assert_line --index 0 --regexp '^usage: sg-encode '
		assert_output --partial '--json'
		assert_output --partial 'auto'
		assert_stderr ''
	done
	for opt in --version -V; do
		run --separate-stderr sg-encode "$opt"
		assert_success
		assert_output --regexp '^sg-encode \(sg\) [0-9]+\.[0-9]+\.[0-9]+$'
		assert_stderr ''
	done
	[ "$(sg-encode --version | awk '{ print $3 }')" = "$(sg-decode --version | awk '{ print $3 }')" ]
}

# usage_error ARG...: sg-encode ARG... hw.sg exits 64, writes nothing on
# stdout, and a message, the usage line and "Try 'sg-encode --help'" on
# stderr.
usage_error() {
	run --separate-stderr sg-encode "$@" hw.sg
	[ "$status" -eq 64 ] || { fail "sg-encode $*: exit $status, want 64"; return 1; }
	[ -z "$output" ] || { fail "sg-encode $*: wrote to stdout"; return 1; }
	[[ $stderr == "sg-encode: "* ]] || { fail "sg-encode $*: no message first: $stderr"; return 1; }
	[[ $stderr == *"Try 'sg-encode --help'"* ]] ||
		{ fail "sg-encode $*: no \"Try 'sg-encode --help'\": $stderr"; return 1; }
}

@test "usage errors exit 64 with a message and Try 'sg-encode --help'" {
	usage_error -c bogus
	assert_stderr --partial bogus
	usage_error -c ''
	usage_error --codec=zstdd
	usage_error -0
	assert_stderr --regexp 'level'
	usage_error -20
	usage_error --level 0
	assert_stderr --partial 0
	usage_error --level=20
	usage_error --level=abc
	usage_error -T abc
	assert_stderr --partial abc
	usage_error -T -1
	usage_error -T 257
	usage_error --json -c zstd
	assert_stderr --partial json
	usage_error -c lz4 --json
	usage_error --json -c none
	usage_error --bogus
	usage_error -x
}

@test "-T -1 is refused as a thread count, and says so" {
	usage_error -T -1
	# The message is about the -1 given to -T, not about whatever follows.
	assert_stderr --partial "'-1'"
	refute_stderr --partial 'hw.sg'
	run --separate-stderr sg-encode --threads=-1 hw.sg
	assert_failure 64
	assert_stderr --partial "'-1'"
}

@test "binary output to a terminal is refused (64); --json to a terminal is fine" {
	run script -qec "sg-encode hw.sg" /dev/null
	assert_failure 64
	assert_line --index 0 --regexp '^sg-encode: .*terminal'
	[ "${#lines[@]}" -eq 1 ] || fail "more than the refusal on the terminal: $output"
	run script -qec "sg-encode -c none hw.sg" /dev/null
	assert_failure 64
	run script -qec "sg-decode --frames hw.sg" /dev/null
	assert_failure 64
	assert_output --regexp 'terminal'
	run script -qec "sg-encode --json hw.sg" /dev/null
	assert_success
}

@test "a write error exits 74 with one message" {
	run --separate-stderr bash -c 'sg-encode hw.sg >/dev/full'
	assert_failure 74
	assert_one_stderr_line '^sg-encode: .*(write|No space)'
	run --separate-stderr bash -c 'sg-encode --json hw.sg >/dev/full'
	assert_failure 74
	assert_one_stderr_line '^sg-encode: .*(write|No space)'
}

# ------------------------------------------------------------ live

@test "live: a slow producer's first line comes through sg-encode before it finishes" {
	local t0 ta tb
	t0=$(date +%s%N)
	{ printf 'a\n'; sleep 2; printf 'b\n'; } | sg-chunk | sg-encode | sg-decode |
	    while IFS= read -r line; do echo "$line $(($(date +%s%N) - t0))"; done >arrivals
	run awk '{ print $1 }' arrivals
	assert_output "$(printf 'a\nb')"
	ta=$(awk 'NR == 1 { print $2 }' arrivals)
	tb=$(awk 'NR == 2 { print $2 }' arrivals)
	[ "$ta" -lt 1500000000 ] || fail "'a' came out after $((ta / 1000000)) ms"
	[ "$tb" -ge 1900000000 ] || fail "'b' came out after $((tb / 1000000)) ms, before it was written"
}

# live_through STAGES: lines written through a FIFO into
# `sg-chunk | STAGES | sg-decode` (STAGES a shell pipeline) come out while
# the writer still holds the FIFO open.
live_through() {
	local line
	rm -f in out
	mkfifo in out
	(
		set -o pipefail
		sg-chunk <in | eval "$1" | sg-decode >out
	) 2>live.err 3>&- &
	LIVE_PID=$!
	exec 5>in 6<out
	printf 'first line\n' >&5
	read -r -t 5 -u 6 line ||
		{ fail "$1: nothing came out within 5 s of writing one line"; return 1; }
	[ "$line" = "first line" ] || { fail "$1: got '$line'"; return 1; }
	printf 'second line\n' >&5
	read -r -t 5 -u 6 line ||
		{ fail "$1: the second line did not come out within 5 s"; return 1; }
	[ "$line" = "second line" ] || { fail "$1: got '$line'"; return 1; }
	exec 5>&-
	if read -r -t 5 -u 6 line; then
		fail "$1: unexpected output '$line'"
		return 1
	fi
	exec 6<&-
	wait "$LIVE_PID" || { fail "$1: the pipeline exited $?: $(cat live.err)"; return 1; }
	LIVE_PID=
	[ ! -s live.err ] || { fail "$1: stderr: $(cat live.err)"; return 1; }
}

@test "live: through every codec, --json and 4 threads, line by line" {
	live_through 'sg-encode'
	live_through 'sg-encode -c lz4'
	live_through 'sg-encode -c none'
	live_through 'sg-encode -c auto -19'
	live_through 'sg-encode --json'
	live_through 'sg-encode -T 4 -c zstd'
}

@test "live: through a chain of transcodes and decodes" {
	live_through 'sg-encode -c lz4 | sg-encode -c zstd -T 4 | sg-decode --frames -T 4 | sg-encode --json'
}

# ------------------------------------------------------------ closed stdout

@test "a closed stdout: sg-chunk big | sg-encode | head -c 1 does not print an error storm" {
	gen_long_line long
	sg-chunk -s bytes -b 4K long | sg-encode 2>err | head -c 1 >/dev/null
	run awk 'END { print NR }' err
	[ "$output" -le 1 ] || fail "stderr: $(head -5 err)"
	(
		trap '' PIPE
		sg-chunk -s bytes -b 4K long | sg-encode -c lz4 -T 4 2>err | head -c 1 >/dev/null
		echo "${PIPESTATUS[1]}" >status
		sg-chunk -s bytes -b 4K long | sg-encode --json 2>err.json | head -c 1 >/dev/null
		echo "${PIPESTATUS[1]}" >status.json
	)
	run awk 'END { print NR }' err
	[ "$output" -le 1 ] || fail "stderr with SIGPIPE ignored: $(head -5 err)"
	[ "$(cat status)" -ne 0 ] || fail "sg-encode exited 0 although its output was lost"
	run awk 'END { print NR }' err.json
	[ "$output" -le 1 ] || fail "--json stderr with SIGPIPE ignored: $(head -5 err.json)"
	[ "$(cat status.json)" -ne 0 ] || fail "sg-encode --json exited 0 although its output was lost"
}
