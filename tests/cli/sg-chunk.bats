#!/usr/bin/env bats
# sg-chunk: options, the frames it writes (read back with sg-decode --list),
# where each strategy cuts, --records, --oversize, inputs, and the terminal.

load test_helper

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	gen_edge_inputs edge
	gen_straddle straddle-1 1
	gen_straddle straddle-2 2
	gen_straddle straddle-3 3
}

setup() {
	sg_setup
	IN=$BATS_FILE_TMPDIR
}

# ------------------------------------------------------------ options

@test "--help and -h: usage on stdout, exit 0, nothing on stderr" {
	local opt
	for opt in --help -h; do
		run --separate-stderr sg-chunk "$opt"
		assert_success
		assert_line --index 0 --regexp '^usage: sg-chunk '
		assert_output --partial '--strategy'
		assert_output --partial '--size'
		assert_output --partial '--records'
		assert_output --partial '--oversize'
		assert_output --regexp 'bytes'
		assert_output --regexp 'utf8'
		assert_output --regexp 'lines'
		assert_stderr ''
	done
}

@test "--version and -V: 'sg-chunk (sg) X.Y.Z' on stdout, exit 0" {
	local opt
	for opt in --version -V; do
		run --separate-stderr sg-chunk "$opt"
		assert_success
		assert_output --regexp '^sg-chunk \(sg\) [0-9]+\.[0-9]+\.[0-9]+$'
		assert_stderr ''
	done
}

@test "an unknown option exits 64 with usage on stderr and nothing on stdout" {
	local opt
	for opt in --bogus -x --size; do
		run --separate-stderr sg-chunk "$opt" "$IN/edge/text"
		assert_failure 64
		assert_output ''
		assert_stderr --regexp 'usage: sg-chunk'
	done
	run --separate-stderr sg-chunk --bogus
	assert_failure 64
	assert_stderr --partial 'bogus'
}

@test "bad -b values exit 64 with a message naming the value" {
	local v
	for v in 0 65M 1X -1 '' 1.5M 4KX 67108865 99999999999999999999999 0x10 ' 4K' K; do
		run --separate-stderr sg-chunk -b "$v" "$IN/edge/text"
		[ "$status" -eq 64 ] || fail "-b '$v': exit $status, want 64"
		assert_output ''
		assert_stderr --partial "'$v'"
		assert_stderr --regexp '^sg-chunk: '
		run --separate-stderr sg-chunk --size="$v" "$IN/edge/text"
		[ "$status" -eq 64 ] || fail "--size='$v': exit $status, want 64"
		assert_stderr --partial "'$v'"
	done
}

@test "good -b values are accepted: 1, 64M, auto, K/M suffixes" {
	local v
	for v in 1 64M auto 4K 4k 4KiB 1M 1MB 512B 65536; do
		run --separate-stderr bash -c "sg-chunk -s bytes -b '$v' '$IN/edge/one-byte' | sg-decode"
		assert_success
		assert_output 'x'
		assert_stderr ''
	done
}

@test "a bad --oversize exits 64 with a message naming the value" {
	local v
	for v in bogus '' SPLIT splitx; do
		run --separate-stderr sg-chunk --oversize="$v" "$IN/edge/text"
		[ "$status" -eq 64 ] || fail "--oversize='$v': exit $status, want 64"
		assert_output ''
		assert_stderr --partial "'$v'"
	done
}

@test "an unknown strategy exits 64 with a message naming it" {
	local v
	for v in bogus '' LINES line; do
		run --separate-stderr sg-chunk -s "$v" "$IN/edge/text"
		[ "$status" -eq 64 ] || fail "-s '$v': exit $status, want 64"
		assert_output ''
		assert_stderr --partial "'$v'"
	done
}

@test "bad -n values exit 64 with a message naming the value" {
	local v
	for v in 0 -1 x 1K '' 1.5 4294967296; do
		run --separate-stderr sg-chunk -n "$v" "$IN/edge/text"
		[ "$status" -eq 64 ] || fail "-n '$v': exit $status, want 64"
		assert_output ''
		assert_stderr --partial "'$v'"
	done
}

@test "-n with strategies that have no records (bytes, utf8) exits 64" {
	local s
	for s in bytes utf8; do
		run --separate-stderr sg-chunk -s "$s" -n 1 "$IN/edge/text"
		assert_failure 64
		assert_output ''
		assert_stderr --regexp "^sg-chunk: .*records"
	done
}

# ------------------------------------------------------------ terminal

@test "binary frames are refused on a terminal (exit 64), and nothing else is written" {
	cp "$IN/edge/text" text
	run script -qec "sg-chunk text" /dev/null
	assert_failure 64
	assert_line --index 0 --regexp '^sg-chunk: .*terminal'
	[ "${#lines[@]}" -eq 1 ] || fail "more than the refusal on the terminal: $output"
	# Also with stdin as the input, and before reading any of it.
	run script -qec "sg-chunk - </dev/zero" /dev/null
	assert_failure 64
	assert_output --regexp 'terminal'
}

@test "--help and --version still go to a terminal" {
	run script -qec "sg-chunk --version" /dev/null
	assert_success
	assert_output --regexp '^sg-chunk \(sg\) '
}

# ------------------------------------------------------------ --list

@test "--list: valid NDJSON with the common keys; BEGIN names the file as given" {
	mkdir -p 'sub dir'
	cp "$IN/edge/text" 'sub dir/t.txt'
	list_of 'sub dir/t.txt' -b 4K
	check_list_structure
	run jq -r 'select(.type == "begin") | [.name, .source_size, .strategy, .chunk_size, .records, .oversize] | @tsv' list.ndjson
	assert_success
	assert_output "$(printf 'sub dir/t.txt\t%s\tlines\t4096\t0\tsplit' "$(file_size "$IN/edge/text")")"
	run jq -r '[.type] | @tsv' list.ndjson
	assert_line --index 0 begin
	assert_line --index 1 data
	assert_line --index -1 end
	run jq -c 'select(.type == "end") | .flags' list.ndjson
	assert_output '["last"]'
	run jq -e -s 'all(.[]; .codec == "none")' list.ndjson
	assert_success
}

@test "--list: offsets contiguous and sequences dense for every strategy and size" {
	local s b f
	for f in "$IN/edge/invalid-nul" "$IN/edge/crlf" "$IN/edge/empty"; do
		for s in $STRATEGIES; do
			for b in $(sizes_for "$s"); do
				list_of "$(budget_input "$f" "$b" "$LIST_BUDGET" p)" -s "$s" -b "$b"
				check_list_structure || fail "$f -s $s -b $b"
			done
		done
	done
}

# auto_size_of FILE: the chunk size BEGIN announces for FILE with -b auto.
auto_size_of() {
	sg-chunk -s bytes -b auto "$1" 2>/dev/null | head -c 4096 >head.sg || true
	sg-decode --list head.sg 2>/dev/null | jq -r 'select(.type == "begin") | .chunk_size'
}

@test "--list: -b auto is a sixteenth of the input rounded up to a power of two, within 64K..4M" {
	local spec size want
	for spec in 0:65536 1:65536 1048576:65536 1048592:131072 5242880:524288 \
	    33554432:2097152 67108864:4194304 104857600:4194304; do
		size=${spec%:*} want=${spec#*:}
		truncate -s "$size" "in-$size"
		run auto_size_of "in-$size"
		[ "$output" = "$want" ] || fail "-b auto on $size bytes: chunk_size $output, want $want"
	done
	# No size known (a pipe): 1M.
	run --separate-stderr bash -c "cat '$IN/edge/text' | sg-chunk -b auto | sg-decode --list | jq -r 'select(.type == \"begin\") | .chunk_size'"
	assert_success
	assert_output 1048576
	# And the chunks keep to it.
	list_of "$IN/straddle-1" -s bytes -b auto
	run jq -e -s '(.[0].chunk_size) as $s | [.[] | select(.type == "data") | .size] | max == $s' list.ndjson
	assert_success
}

# ------------------------------------------------------------ cuts

@test "bytes: every chunk but the last is exactly --size bytes" {
	local b f
	for f in "$IN/edge/invalid-nul" "$IN/edge/text" "$IN/straddle-1"; do
		for b in 1 5 64 4K 64K 1M auto; do
			check_chunking "$f" bytes "$b"
		done
	done
}

@test "utf8: never cuts inside a character, on 4-byte characters at every power of two" {
	local b f
	for f in "$IN/straddle-1" "$IN/straddle-2" "$IN/straddle-3"; do
		for b in 4 5 6 7 64 4K 64K 1M 4M auto; do
			check_chunking "$f" utf8 "$b"
		done
	done
}

# bats test_tags=slow
@test "utf8: never cuts inside a character in corpora/utf8 and corpora/text" {
	local f b
	while IFS= read -r -d '' f; do
		for b in 7 63 4K; do
			check_chunking "$f" utf8 "$b"
		done
	done < <(find "$CORPORA/utf8" "$CORPORA/text" -type f -print0 | sort -z)
}

@test "utf8: invalid bytes pass one at a time; truncated characters never glue to the cut" {
	local b
	for b in 4 5 6 7 8 13 64 4K; do
		check_chunking "$IN/edge/invalid-nul" utf8 "$b"
	done
}

# bats test_tags=slow
@test "lines: never cuts mid-line unless the frame is flagged oversize" {
	local f b
	for f in "$IN/edge/text" "$IN/edge/crlf" "$IN/edge/cr-only" \
	    "$IN/edge/no-final-newline" "$IN/edge/invalid-nul" "$IN/straddle-3" \
	    "$CORPORA/text/gutenberg/pg2000.txt" "$CORPORA/utf8/UTF-8-test.txt"; do
		for b in 4 5 64 4K 64K auto; do
			check_chunking "$f" lines "$b"
		done
	done
}

@test "lines: CR is an ordinary byte, so CR-only text is one oversize record" {
	list_of "$IN/edge/cr-only" -b 4K
	run jq -s -e '[.[] | select(.type == "data")] | length > 1 and
	    (.[:-1] | all(.flags | index(["oversize"])))' list.ndjson
	assert_success
}

@test "--records N: at most N lines per chunk, and exactly N when --size allows" {
	local n b
	# -n 1 with room to spare: one frame per line.
	list_of "$IN/edge/text" -n 1 -b 1M
	check_cuts "$IN/edge/text" list.ndjson full
	diff <(jq -r 'select(.type == "data") | .size' list.ndjson) \
	    <(awk '{ print length($0) + 1 }' "$IN/edge/text")
	run jq -r 'select(.type == "begin") | .records' list.ndjson
	assert_output 1
	for n in 2 3 7 1000; do
		list_of "$IN/edge/text" -n "$n" -b 1M
		diff <(jq -r 'select(.type == "data") | .size' list.ndjson) \
		    <(awk -v n="$n" '{ s += length($0) + 1 } NR % n == 0 { print s; s = 0 }
			END { if (s) print s }' "$IN/edge/text") ||
			fail "-n $n: chunks are not groups of $n lines"
	done
	# --size binds first: still at most N lines, never mid-line unless oversize.
	for n in 1 2 5; do
		for b in 64 300 4K; do
			check_chunking "$IN/edge/text" lines "$b" -n "$n"
			check_chunking "$IN/edge/crlf" lines "$b" -n "$n"
		done
	done
}

# ------------------------------------------------------------ --oversize

# ab, then a 100 KiB line of 3-byte characters (so a 4K window never ends
# between characters), then a short line.
gen_oversize_input() {
	{
		printf 'ab\n'
		yes '€' | tr -d '\n' | head -c $((3 * 34134))
		printf '\ntail\n'
	} >long
}

@test "--oversize=split (the default): frames flagged oversize, cut between characters, exact round trip" {
	gen_oversize_input
	list_of long -b 4K
	check_cuts long list.ndjson full
	run jq -r 'select(.type == "begin") | .oversize' list.ndjson
	assert_output split
	run jq -s '[.[] | select(.type == "data" and (.flags | index(["oversize"])))] | length' list.ndjson
	[ "$output" -ge 24 ] || fail "only $output frames flagged oversize"
	roundtrip long lines 4K
	roundtrip long lines 4K --oversize=split
	roundtrip long lines 5 --oversize=split
}

@test "--oversize=error: exit 65 with one message naming the record's offset" {
	gen_oversize_input
	run --separate-stderr bash -c 'sg-chunk -b 4K --oversize=error long >out.sg'
	assert_failure 65
	assert_one_stderr_line '^sg-chunk: long: .*offset 3[^0-9]'
	# What was written before is a valid, if unfinished, stream.
	run --separate-stderr sg-decode out.sg
	assert_failure 65
	assert_output 'ab'
	assert_one_stderr_line '^sg-decode: out.sg: frame [0-9]+ at offset [0-9]+: .*truncated'
	# Records that fit pass.
	run --separate-stderr bash -c "sg-chunk -b 4K --oversize=error '$IN/edge/crlf' | sg-decode | cmp - '$IN/edge/crlf'"
	assert_success
	assert_stderr ''
}

@test "--oversize=keep: a 100 KiB line stays whole with -b 4K" {
	gen_oversize_input
	list_of long -b 4K --oversize=keep
	check_list_structure
	check_cuts long list.ndjson full
	run jq -c 'select(.type == "data") | [.offset, .size, .flags]' list.ndjson
	assert_output "$(printf '[0,3,[]]\n[3,102403,[]]\n[102406,5,[]]')"
	roundtrip long lines 4K --oversize=keep
}

@test "--oversize=keep: a record over the 64 MiB cap exits 65 naming its offset" {
	{
		printf 'short\n'
		head -c $((65 << 20)) /dev/zero | tr '\0' x
		printf '\n'
	} >huge
	run --separate-stderr bash -c 'sg-chunk -b 4K --oversize=keep huge >/dev/null'
	assert_failure 65
	assert_one_stderr_line '^sg-chunk: huge: .*offset 6[^0-9]'
}

# ------------------------------------------------------------ inputs

@test "stdin: no FILE and '-' both read stdin" {
	local f=$IN/edge/invalid-nul
	run --separate-stderr bash -c "sg-chunk <'$f' | sg-decode | cmp - '$f'"
	assert_success
	assert_stderr ''
	run --separate-stderr bash -c "sg-chunk - <'$f' | sg-decode | cmp - '$f'"
	assert_success
	assert_stderr ''
	run --separate-stderr bash -c "cat '$f' | sg-chunk -s utf8 -b 64 - | sg-decode | cmp - '$f'"
	assert_success
	assert_stderr ''
	run --separate-stderr bash -c "sg-chunk - <'$f' | sg-decode --list | jq -r 'select(.type == \"begin\") | .name'"
	assert_success
	[ "$output" = - ] || fail "BEGIN name for '-' is '$output'"
}

@test "several files make several sources: 0..n-1 in --list, names as given" {
	cp "$IN/edge/text" a
	mkdir d
	cp "$IN/edge/empty" d/b
	cp "$IN/edge/invalid-nul" './c c'
	run --separate-stderr bash -c "sg-chunk -s utf8 -b 4K a d/b './c c' - <'$IN/edge/crlf' | sg-decode --list >list.ndjson"
	assert_success
	assert_stderr ''
	check_list_structure
	run jq -r 'select(.type == "begin") | "\(.source) \(.name)"' list.ndjson
	assert_output "$(printf '0 a\n1 d/b\n2 ./c c\n3 -')"
	# Only the last source's END is flagged last.
	run jq -r 'select(.type == "end") | "\(.source) \(.flags | index(["last"]) != null)"' list.ndjson
	assert_output "$(printf '0 false\n1 false\n2 false\n3 true')"
	run --separate-stderr bash -c "sg-chunk a d/b './c c' - <'$IN/edge/crlf' | sg-decode >got"
	assert_success
	cat a d/b './c c' "$IN/edge/crlf" | cmp - got
}

@test "a missing file among others: named on stderr, exit 66, the others still chunked" {
	cp "$IN/edge/text" a
	cp "$IN/edge/crlf" b
	run --separate-stderr bash -c 'sg-chunk a missing b >s.sg'
	assert_failure 66
	assert_one_stderr_line '^sg-chunk: missing: '
	sg-decode s.sg >got
	cat a b | cmp - got
	sg-decode --list s.sg >list.ndjson
	check_list_structure
	run jq -r 'select(.type == "begin") | "\(.source) \(.name)"' list.ndjson
	assert_output "$(printf '0 a\n1 b')"
	# Missing at the end: the stream still ends properly.
	run --separate-stderr bash -c 'sg-chunk a b missing >s.sg'
	assert_failure 66
	assert_one_stderr_line '^sg-chunk: missing: '
	sg-decode s.sg >got
	cat a b | cmp - got
	# Missing first.
	run --separate-stderr bash -c 'sg-chunk missing a >s.sg'
	assert_failure 66
	sg-decode s.sg | cmp - a
}

@test "a directory argument is refused (66) and the other files are still chunked" {
	cp "$IN/edge/text" a
	mkdir dir
	run --separate-stderr bash -c 'sg-chunk dir >s.sg'
	assert_failure 66
	assert_one_stderr_line '^sg-chunk: dir: .*[Dd]irectory'
	run --separate-stderr bash -c 'sg-chunk a dir a >s.sg'
	assert_failure 66
	assert_one_stderr_line '^sg-chunk: dir: .*[Dd]irectory'
	sg-decode s.sg | cmp - <(cat a a)
}

@test "a write error exits 74 with one message" {
	run --separate-stderr bash -c "sg-chunk '$IN/edge/text' >/dev/full"
	assert_failure 74
	assert_one_stderr_line '^sg-chunk: .*(write|No space)'
}
