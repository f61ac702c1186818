#!/usr/bin/env bats
# Pipelines: sg-chunk | sg-decode round trips for every strategy and size,
# live flushing, the stock zstd/lz4 CLIs on sg streams, GNU parallel, and a
# reader that goes away.

load test_helper

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	gen_edge_inputs edge
	gen_straddle straddle-1 1
	gen_straddle straddle-2 2
	gen_straddle straddle-3 3
	gen_long_line long-line
}

setup() {
	sg_setup
	IN=$BATS_FILE_TMPDIR
}

teardown() {
	# A live test that failed may leave its pipeline behind; end only it.
	if [ -n "${LIVE_PID:-}" ]; then
		exec 5>&- 6<&- || true
		kill "$LIVE_PID" 2>/dev/null || true
	fi
}

# ------------------------------------------------------------ round trips

@test "round trip: an empty file, every strategy and size" {
	roundtrip_matrix "$IN/edge/empty"
	# An empty source is still a source: BEGIN and END, no DATA.
	list_of "$IN/edge/empty"
	check_list_structure
	run jq -r .type list.ndjson
	assert_output "$(printf 'begin\nend')"
}

@test "round trip: 1-byte files (x, newline, 0xFF), every strategy and size" {
	roundtrip_matrix "$IN/edge/one-byte"
	roundtrip_matrix "$IN/edge/one-newline"
	roundtrip_matrix "$IN/edge/one-invalid"
}

@test "round trip: text with no final newline, every strategy and size" {
	roundtrip_matrix "$IN/edge/no-final-newline"
}

@test "round trip: CRLF line ends, every strategy and size" {
	roundtrip_matrix "$IN/edge/crlf"
}

@test "round trip: CR-only line ends, every strategy and size" {
	roundtrip_matrix "$IN/edge/cr-only"
}

@test "round trip: invalid UTF-8 and NUL bytes, every strategy and size" {
	roundtrip_matrix "$IN/edge/invalid-nul"
}

@test "round trip: a single 5 MiB line, every strategy and size" {
	roundtrip_matrix "$IN/long-line"
}

@test "round trip: 4-byte characters at 2^k-1, 2^k-2, 2^k-3 (k=2..22), every strategy and size" {
	roundtrip_matrix "$IN/straddle-1"
	roundtrip_matrix "$IN/straddle-2"
	roundtrip_matrix "$IN/straddle-3"
}

@test "round trip: every file of corpora/utf8, every strategy and size" {
	local f n=0
	while IFS= read -r -d '' f; do
		roundtrip_matrix "$f"
		n=$((n + 1))
	done < <(find "$CORPORA/utf8" -type f -print0 | sort -z)
	[ "$n" -ge 3 ] || fail "only $n files in $CORPORA/utf8"
}

# bats test_tags=slow
@test "round trip: every file of corpora/text (recursively), every strategy and size" {
	local f n=0
	while IFS= read -r -d '' f; do
		roundtrip_matrix "$f"
		n=$((n + 1))
	done < <(find "$CORPORA/text" -type f -print0 | sort -z)
	[ "$n" -ge 20 ] || fail "only $n files in $CORPORA/text"
}

@test "round trip: the --size limits 64M and 1 (bytes), and --size with a suffix" {
	roundtrip "$IN/edge/text" lines 64M
	roundtrip "$IN/edge/text" utf8 64M
	roundtrip "$IN/edge/invalid-nul" bytes 1
	roundtrip "$IN/edge/text" lines 64KiB
	roundtrip "$IN/edge/text" utf8 4096B
}

@test "round trip: every --oversize policy and --records, on lines" {
	local f p n
	for f in "$IN/edge/text" "$IN/edge/cr-only" "$IN/edge/invalid-nul" "$IN/edge/crlf"; do
		for p in split keep; do
			roundtrip "$f" lines 4K --oversize="$p"
			roundtrip "$f" lines 64 --oversize="$p"
		done
		for n in 1 3 1000; do
			roundtrip "$f" lines 4K -n "$n"
		done
	done
	roundtrip "$IN/long-line" lines 64K --oversize=keep
}

@test "round trip: property test, random inputs, strategies and sizes" {
	local i s b seed f=mixed
	RANDOM=4242
	for ((i = 0; i < PROPERTY_CASES; i++)); do
		seed=$((RANDOM))
		gen_mixed "$f" $((500 + RANDOM % 8000)) "$seed"
		case $((RANDOM % 3)) in
		0) s=bytes b=$((1 + RANDOM % 3000)) ;;
		1) s=utf8 b=$((4 + RANDOM % 3000)) ;;
		*) s=lines b=$((4 + RANDOM % 3000)) ;;
		esac
		roundtrip "$f" "$s" "$b"
		list_of "$f" -s "$s" -b "$b"
		check_list_structure
		check_cuts "$f" list.ndjson full ||
			fail "property case $i: gen_mixed seed $seed, -s $s -b $b"
	done
}

@test "round trip through stdin pipes (live input), every strategy" {
	local f s b st
	for f in "$IN/edge/text" "$IN/edge/invalid-nul" "$IN/edge/cr-only" "$IN/long-line" \
	    "$CORPORA/text/gutenberg/pg2000.txt"; do
		for s in $STRATEGIES; do
			for b in 64 4K 1M auto; do
				cat -- "$f" | sg-chunk -s "$s" -b "$b" 2>c.err | sg-decode 2>d.err |
				    cmp - "$f" && st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
				[ "${st[*]}" = "0 0 0 0" ] && [ ! -s c.err ] && [ ! -s d.err ] ||
					fail "cat $f | sg-chunk -s $s -b $b | sg-decode: exit ${st[*]}: $(cat c.err d.err)"
			done
		done
	done
}

@test "several files make one stream that decodes to their concatenation" {
	cp "$IN/edge/text" a
	cp "$IN/edge/invalid-nul" b
	cp "$IN/edge/empty" c
	cp "$IN/edge/cr-only" d
	cat a b c d >want
	run --separate-stderr bash -c 'sg-chunk -s utf8 -b 4K a b c d | sg-decode >got'
	assert_success
	assert_stderr ''
	cmp got want
}

@test "GNU parallel: sg-chunk per file, outputs in order, decode to the concatenation" {
	cp "$IN/edge/text" a
	cp "$IN/edge/invalid-nul" b
	cp "$IN/edge/crlf" c
	cat a b c >want
	run --separate-stderr bash -c 'parallel --will-cite -k -j 3 sg-chunk -s lines -b 4K ::: a b c | sg-decode >got'
	assert_success
	[ -z "$stderr" ]
	cmp got want
}

# ------------------------------------------------------------ live

# live_check [OPTION...]: a line written into `sg-chunk OPTS | sg-decode`
# through a FIFO comes out while the writer still holds the FIFO open.
live_check() {
	local line
	rm -f in out
	mkfifo in out
	(
		set -o pipefail
		sg-chunk "$@" <in | sg-decode >out
	) 2>live.err 3>&- &
	LIVE_PID=$!
	exec 5>in 6<out
	printf 'first line\n' >&5
	read -r -t 5 -u 6 line ||
		{ fail "sg-chunk $*: nothing came out within 5 s of writing one line"; return 1; }
	[ "$line" = "first line" ] || { fail "sg-chunk $*: got '$line'"; return 1; }
	printf 'second line\n' >&5
	read -r -t 5 -u 6 line ||
		{ fail "sg-chunk $*: the second line did not come out within 5 s"; return 1; }
	[ "$line" = "second line" ] || { fail "sg-chunk $*: got '$line'"; return 1; }
	exec 5>&-
	if read -r -t 5 -u 6 line; then
		fail "sg-chunk $*: unexpected output '$line'"
		return 1
	fi
	exec 6<&-
	wait "$LIVE_PID" || { fail "sg-chunk $* | sg-decode exited $?: $(cat live.err)"; return 1; }
	LIVE_PID=
	[ ! -s live.err ] || { fail "sg-chunk $*: stderr: $(cat live.err)"; return 1; }
}

@test "live: a line written into sg-chunk | sg-decode comes out before the writer closes" {
	live_check
}

@test "live: the same with -s bytes" {
	live_check -s bytes
}

@test "live: the same with -n 1" {
	live_check -n 1
}

@test "live: the same with -s utf8" {
	live_check -s utf8
}

@test "live input that pauses inside a character or a line is never cut there" {
	local s
	printf 'ab\360\237\230\200cd\ne\303\251\n\342\202\254' >want
	for s in utf8 lines; do
		{
			printf 'ab\360\237'
			sleep 0.2
			printf '\230\200cd\ne'
			sleep 0.2
			printf '\303'
			sleep 0.2
			printf '\251\n\342\202'
			sleep 0.2
			printf '\254'
		} | sg-chunk -s "$s" -b 4K >live.sg
		sg-decode live.sg | cmp - want
		sg-decode --list live.sg >list.ndjson
		check_list_structure
		check_cuts want list.ndjson
		# It was cut while the input paused: more than one DATA frame.
		run jq -s '[.[] | select(.type == "data")] | length' list.ndjson
		[ "$output" -gt 1 ] || fail "-s $s: one DATA frame only"
	done
}

# A live cut that leaves 1 to 3 bytes held (an unfinished character or
# line), then a burst: the next read must still fit the buffer. Under ASan a
# read past it is a heap-buffer-overflow.
@test "live input: a burst after a cut that left 1-3 bytes held" {
	local s b held
	for s in utf8 lines; do
		for b in 4K 8K; do
			for held in 1 2 3; do
				if [ "$s" = utf8 ]; then
					printf 'ab' >want
					head -c "$held" <(printf '\360\237\230\200') >>want
					printf 'ab\360\237\230\200' | tail -c +$((3 + held)) >rest
				else
					printf 'ab\n' >want
					head -c "$held" /dev/zero | tr '\0' y >>want
					: >rest
				fi
				head -c 20000 /dev/zero | tr '\0' x >>rest
				printf '\n' >>rest
				{
					cat want
					sleep 0.2
					cat rest
				} | sg-chunk -s "$s" -b "$b" 2>c.err | sg-decode >got 2>d.err ||
					fail "-s $s -b $b, $held bytes held: $(cat c.err d.err)"
				cat want rest | cmp - got ||
					fail "-s $s -b $b, $held bytes held: output differs"
				[ ! -s c.err ] && [ ! -s d.err ] ||
					fail "-s $s -b $b, $held bytes held: $(head -c 2000 c.err d.err)"
			done
		done
	done
}

# write_in_pieces FILE SEED: FILE to stdout in writes of awkward sizes (1,
# 2, 3, 5, 100, around 4K and 8K, 20000), now and then after a pause.
write_in_pieces() {
	local n sizes=(1 2 3 5 100 4093 4095 4099 8191 20000)
	RANDOM=$2
	while :; do
		n=${sizes[RANDOM % 10]}
		head -c "$n" >piece || return 0
		[ -s piece ] || return 0
		cat piece
		[ $((RANDOM % 8)) -ne 0 ] || sleep 0.01
	done <"$1"
}

@test "live: writes of awkward sizes through a pipe round-trip exactly and cut safely" {
	local s b seed=1
	head -c 30000 "$CORPORA/text/wikipedia_mars/thai.utf8.txt" >in
	head -c 20000 "$IN/edge/invalid-nul" >>in
	for s in $STRATEGIES; do
		for b in 5 64 4K 8K; do
			seed=$((seed + 1))
			write_in_pieces in "$seed" | sg-chunk -s "$s" -b "$b" 2>c.err >live.sg ||
				fail "-s $s -b $b (seed $seed): sg-chunk failed: $(head -c 2000 c.err)"
			sg-decode live.sg | cmp - in ||
				fail "-s $s -b $b (seed $seed): output differs"
			sg-decode --list live.sg >list.ndjson
			check_list_structure
			check_cuts in list.ndjson || fail "-s $s -b $b (seed $seed)"
		done
	done
}

# ------------------------------------------------------------ stock peers

@test "zstd -dc on an sg stream (codec none) prints nothing and exits 0; zstd -t passes" {
	sg-chunk "$IN/edge/text" "$IN/edge/invalid-nul" >s.sg
	run --separate-stderr zstd -dc s.sg
	assert_success
	assert_output ''
	run --separate-stderr zstd -t s.sg
	assert_success
	run --separate-stderr bash -c 'cat s.sg | zstd -dc | wc -c'
	assert_success
	assert_output 0
	run --separate-stderr bash -c 'cat s.sg | zstd -t'
	assert_success
}

@test "lz4 -dc on an sg stream (codec none) prints nothing and exits 0" {
	sg-chunk "$IN/edge/text" >s.sg
	run --separate-stderr lz4 -dc s.sg
	assert_success
	assert_output ''
	run --separate-stderr bash -c 'cat s.sg | lz4 -dc | wc -c'
	assert_success
	assert_output 0
}

# ------------------------------------------------------------ closed stdout

@test "a closed stdout: sg-chunk big | head -c 1 does not print an error storm" {
	local st
	sg-chunk -s bytes -b 4K "$IN/long-line" 2>err | head -c 1 >/dev/null
	run awk 'END { print NR }' err
	[ "$output" -le 1 ] || fail "stderr: $(head -5 err)"
	# With SIGPIPE ignored the write fails with EPIPE instead.
	(
		trap '' PIPE
		sg-chunk -s bytes -b 4K "$IN/long-line" 2>err | head -c 1 >/dev/null
		echo "${PIPESTATUS[0]}" >status
	)
	run awk 'END { print NR }' err
	[ "$output" -le 1 ] || fail "stderr with SIGPIPE ignored: $(head -5 err)"
	[ "$(cat status)" -ne 0 ] || fail "sg-chunk exited 0 although its output was lost"
}

@test "a closed stdout: sg-chunk | sg-decode | head -c 1 does not print an error storm" {
	sg-chunk -s bytes -b 4K "$IN/long-line" >s.sg
	sg-decode s.sg 2>err | head -c 1 >/dev/null
	run awk 'END { print NR }' err
	[ "$output" -le 1 ] || fail "stderr: $(head -5 err)"
	(
		trap '' PIPE
		sg-decode s.sg 2>err | head -c 1 >/dev/null
		echo "${PIPESTATUS[0]}" >status
		sg-decode --list s.sg 2>err.list | head -c 1 >/dev/null
	)
	run awk 'END { print NR }' err
	[ "$output" -le 1 ] || fail "stderr with SIGPIPE ignored: $(head -5 err)"
	[ "$(cat status)" -ne 0 ] || fail "sg-decode exited 0 although its output was lost"
	run awk 'END { print NR }' err.list
	[ "$output" -le 1 ] || fail "--list stderr with SIGPIPE ignored: $(head -5 err.list)"
}

# ------------------------------------------------------------ sg-encode

@test "round trip through sg-encode on stdin pipes, every strategy and codec" {
	local f s c st
	for f in "$IN/edge/text" "$IN/edge/invalid-nul" "$IN/edge/cr-only" "$IN/long-line"; do
		for s in $STRATEGIES; do
			for c in zstd lz4 auto; do
				cat -- "$f" | sg-chunk -s "$s" -b 64K 2>c.err | sg-encode -c "$c" 2>e.err |
				    sg-decode 2>d.err | cmp - "$f" && st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
				[ "${st[*]}" = "0 0 0 0 0" ] && [ ! -s c.err ] && [ ! -s e.err ] && [ ! -s d.err ] ||
					fail "cat $f | sg-chunk -s $s | sg-encode -c $c | sg-decode: exit ${st[*]}: $(cat c.err e.err d.err)"
			done
		done
	done
}

@test "GNU parallel: sg-chunk | sg-encode per file, outputs in order, decode and zstd -dc to the concatenation" {
	cp "$IN/edge/text" a
	cp "$IN/edge/invalid-nul" b
	cp "$IN/edge/crlf" c
	cat a b c >want
	run --separate-stderr bash -c 'parallel --will-cite -k -j 3 "sg-chunk -b 4K {} | sg-encode -c zstd -T 1" ::: a b c >z.sg'
	assert_success
	[ -z "$stderr" ]
	sg-decode z.sg | cmp - want
	zstd -dc z.sg | cmp - want
	# Frames fanned out per file and encoded in one place.
	parallel --will-cite -k -j 3 'sg-chunk -b 4K {}' ::: a b c | sg-encode -c lz4 >l.sg
	lz4 -dc l.sg | cmp - want
	sg-decode l.sg | cmp - want
}

@test "a closed stdout: sg-chunk | sg-encode | sg-decode | head -c 1 does not print an error storm" {
	sg-chunk -s bytes -b 4K "$IN/long-line" | sg-encode -c lz4 >s.sg
	sg-decode s.sg 2>err | head -c 1 >/dev/null
	run awk 'END { print NR }' err
	[ "$output" -le 1 ] || fail "stderr: $(head -5 err)"
	(
		trap '' PIPE
		sg-chunk -s bytes -b 4K "$IN/long-line" 2>err.c | sg-encode 2>err.e | sg-decode -T 4 2>err.d |
		    head -c 1 >/dev/null
		echo "${PIPESTATUS[2]}" >status
	)
	for f in err.c err.e err.d; do
		run awk 'END { print NR }' "$f"
		[ "$output" -le 1 ] || fail "$f with SIGPIPE ignored: $(head -5 "$f")"
	done
	[ "$(cat status)" -ne 0 ] || fail "sg-decode exited 0 although its output was lost"
}
