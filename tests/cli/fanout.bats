#!/usr/bin/env bats
# sg-decode's fan-out outputs: --split DIR (one file per chunk, its path on
# stdout when complete, --name templates, -0) and --exec CMD (one command
# per chunk, the chunk on its stdin), with several sources, context
# (csv --header), and the README recipes with xargs -P and GNU parallel.

load test_helper

# The recipes' input: NDJSON of BIG bytes, gzip -1, cut with -b RB. BIG
# is not an even number of chunks: when the first command starts late,
# sg-chunk may have read a chunk more and wait to write it, and that wait
# should not fall at exactly half the input (the limit tested).
if [ -n "${SG_SANITIZED:-}" ]; then
	# Smaller chunks, but enough of them that the first command has time
	# to start (only the system's zlib runs at full speed).
	BIG=$((100 << 20))
	RB=4M
else
	# 8.75 chunks: when the first path is printed, sg-chunk has read about
	# two chunks (one written, one held back by the full pipe), a quarter.
	BIG=$((560 << 20))
	RB=64M
fi

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	python3 "$BATS_TEST_DIRNAME/fixtures/gen_ndjson.py" "$BIG" big.md5 |
	    gzip -1 >big.ndjson.gz
}

setup() {
	sg_setup
	IN=$BATS_FILE_TMPDIR
	WORKER=$BATS_TEST_DIRNAME/fixtures/chunk_worker.sh
}

# ---------------------------------------------------------------- helpers

# stages_ok 'PIPELINE': runs PIPELINE under bash (stdout to po.out), then
# fails with the exit status of every stage unless all are 0 and nothing
# went to stderr (po.err).
stages_ok() {
	local st
	bash -c "$1"'; echo "${PIPESTATUS[*]}" >po.status' >po.out 2>po.err
	st=$(cat po.status)
	if [[ $st =~ [1-9] ]] || [ -s po.err ]; then
		fail "$(printf '%s\nexit statuses: %s\nstderr:\n%s\nstdout:\n%s' "$1" "$st" \
		    "$(head -c 1000 po.err)" "$(head -c 500 po.out)")"
		return 1
	fi
}

# ends_with_newline FILE...: each FILE is non-empty and ends with "\n".
ends_with_newline() {
	local f
	for f in "$@"; do
		[ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -tx1 | tr -d ' ')" = 0a ] ||
			{ fail "$f is empty or does not end with a newline"; return 1; }
	done
}

# ---------------------------------------------------------------- --split

@test "--split DIR: one file per chunk in a new DIR, each path printed when complete, in stream order" {
	seq 1 2000 >s
	stages_ok "sg-chunk -b 1K s | sg-decode --split d"
	[ -d d ] || fail "d was not created"
	# One path a line, default names %06i-%010q, in stream order.
	seq -f 'd/000000-%010g' 1 "$(wc -l <po.out)" >want
	diff po.out want
	[ "$(wc -l <po.out)" -ge 8 ] || fail "only $(wc -l <po.out) chunks"
	[ "$(ls d | wc -l)" -eq "$(wc -l <po.out)" ] || fail "$(ls d | wc -l) files for $(wc -l <po.out) paths"
	[ "$(ls d | sort | sed 's|^|d/|')" = "$(cat po.out)" ] || fail "ls d | sort is not the stream order"
	cat d/* | cmp - s
	# Each file is the whole payload of its DATA frame, at most -b, cut after a newline.
	sg-chunk -b 1K s | sg-decode -l | jq -r 'select(.type == "data") | .size' >sizes
	[ "$(cat sizes)" = "$(wc -c d/* | head -n -1 | awk '{ print $1 }')" ] ||
		fail "file sizes $(wc -c d/* | head -n -1 | awk '{ print $1 }' | tr '\n' ' ') differ from the frames' $(tr '\n' ' ' <sizes)"
	ends_with_newline d/*
	# An existing DIR is fine.
	stages_ok "sg-chunk -b 1K s | sg-decode --split d"
	diff po.out want
}

@test "--split -0: the same paths, each ended by NUL" {
	seq 1 2000 >s
	stages_ok "sg-chunk -b 1K s | sg-decode --split d --name 'x%q' -0"
	[ "$(tr -cd '\0' <po.out | wc -c)" -eq "$(ls d | wc -l)" ] || fail "not one NUL per file"
	[ "$(tr -cd '\n' <po.out | wc -c)" -eq 0 ] || fail "a newline in the -0 output"
	tr '\0' '\n' <po.out >paths
	seq -f 'd/x%g' 1 "$(ls d | wc -l)" | diff - paths
	xargs -0 cat <po.out | cmp - s
	# A name with a newline stays one item with -0.
	printf 'a\nb\n' >'two
lines'
	stages_ok "sg-chunk -b 2 'two
lines' | sg-decode --split e --name '%n-%q' -0"
	run bash -c "xargs -0 -n1 printf '[%s]' <po.out"
	assert_output "[e/two
lines-1][e/two
lines-2]"
}

@test "--name: %n (with / as _), %i, %q, %o, %%, and widths" {
	mkdir sub
	printf 'ab\ncd\nef\n' >sub/e
	printf 'gh\n' >f
	stages_ok "sg-chunk -b 4 sub/e f | sg-decode --split d --name '%n.%o.%03i.%05q.%08o%%'"
	assert_equal "$(cat po.out)" "d/sub_e.0.000.00001.00000000%
d/sub_e.3.000.00002.00000003%
d/sub_e.6.000.00003.00000006%
d/f.0.001.00001.00000000%"
	[ "$(cat d/sub_e.3.000.00002.00000003%)" = cd ] || fail "chunk 2 holds $(cat d/sub_e.3.000.00002.00000003%)"
	[ "$(cat d/f.0.001.00001.00000000%)" = gh ] || fail "f's chunk holds $(cat d/f.0.001.00001.00000000%)"
	[ "$(ls d | wc -l)" -eq 4 ] || fail "$(ls d)"
	# Each directive alone is accepted (with %n or %i alone, the chunks of
	# one source share a name).
	local t
	for t in %n %i %q %o; do
		stages_ok "sg-chunk -b 4 sub/e | sg-decode --split 'd$t' --name 'c-$t'"
		[ "$(wc -l <po.out)" -eq 3 ] || fail "--name $t: $(cat po.out)"
	done
	stages_ok "sg-chunk -b 4 sub/e | sg-decode --split dq --name 'c-%q'"
	assert_equal "$(cat po.out)" "dq/c-1
dq/c-2
dq/c-3"
}

@test "--split errors: '/' in --name, no directive, --name or -0 alone, -l with --tar and the like: exit 64" {
	seq 1 100 >s
	sg-chunk s >s.sg
	local args
	for args in "--split d --name a/%i" "--split d --name %i/x" "--split d --name plain" \
	    "--split d --name %%" "--name %i" "-0" "--name %i -0" "--exec true -0" \
	    "-l --tar" "--tar --extract e" "--split d --tar" "--split d --exec true" \
	    "-l --split d" "--frames --exec true" "--split d --name %x%i" "--split d --name %i%"; do
		# shellcheck disable=SC2086
		run --separate-stderr sg-decode $args s.sg
		[ "$status" -eq 64 ] || fail "sg-decode $args: exit $status, want 64"
		assert_output ''
		assert_stderr --regexp '^sg-decode: '
		[ ! -e d ] && [ ! -e e ] || fail "sg-decode $args created its output directory"
	done
	run --separate-stderr sg-decode --split d --name a/%i s.sg
	assert_stderr --partial "'a/%i'"
	run --separate-stderr sg-decode --split d --name plain s.sg
	assert_stderr --partial "'plain'"
}

@test "--split with several sources: distinct names; concatenated streams continue the source number" {
	seq 1 3000 >a
	seq 5000 7000 >b
	mkdir t
	printf 'one\n' >t/one
	seq 1 500 >t/two
	tar -cf t.tar t
	stages_ok "sg-chunk -b 4K a b t.tar 2>/dev/null | sg-decode --split d"
	[ "$(sort -u po.out | wc -l)" -eq "$(wc -l <po.out)" ] || fail "repeated paths: $(sort po.out | uniq -d)"
	[ "$(ls d | wc -l)" -eq "$(wc -l <po.out)" ] || fail "$(ls d | wc -l) files for $(wc -l <po.out) paths"
	[ "$(cut -c3-8 po.out | uniq | tr '\n' ' ')" = "000000 000001 000002 000003 " ] ||
		fail "source numbers: $(cut -c3-8 po.out | uniq | tr '\n' ' ')"
	cat d/* | cmp - <(cat a b t/one t/two)
	# %n of the archive's entries.
	stages_ok "sg-chunk t.tar 2>/dev/null | sg-decode --split n --name '%n'"
	assert_equal "$(cat po.out)" "n/t_one
n/t_two"
	# Two sg-chunk outputs, cat'ed: sources 0 and 1, then 2 and 3.
	sg-chunk -b 4K a b >ab.sg
	sg-chunk -b 4K t.tar >t.sg 2>/dev/null
	stages_ok "cat ab.sg t.sg | sg-decode --split c --name '%i-%n-%q'"
	[ "$(sed 's/-[0-9]*$//' po.out | uniq | tr '\n' ' ')" = "c/0-a c/1-b c/2-t_one c/3-t_two " ] ||
		fail "names: $(sed 's/-[0-9]*$//' po.out | uniq | tr '\n' ' ')"
	ls c | sort -t- -k1,1n -k3,3n | sed 's|^|c/|' | xargs cat | cmp - <(cat a b t/one t/two)
}

@test "--split: context is part of each file (csv --header), while plain sg-decode reproduces the input" {
	{
		echo 'id,name,note'
		for i in $(seq 1 60); do echo "$i,name$i,\"a, b
c\""; done
	} >c.csv
	stages_ok "sg-chunk -s csv --header -b 100 c.csv | sg-decode | cmp - c.csv"
	stages_ok "sg-chunk -s csv --header -b 100 c.csv | sg-decode --split d"
	local n f
	n=$(wc -l <po.out)
	[ "$n" -ge 10 ] || fail "only $n chunks"
	while read -r f; do
		[ "$(head -n 1 "$f")" = 'id,name,note' ] || fail "$f starts with $(head -n 1 "$f")"
		# The header once, then whole records.
		[ "$(grep -c '^id,' "$f")" -eq 1 ] || fail "$f holds the header more than once"
		[ "$(tail -c 3 "$f")" = 'c"' ] || fail "$f does not end after a record: $(tail -c 20 "$f")"
	done <po.out
	# Without the repeated headers, the files are the input.
	{ cat "$(head -n 1 po.out)"; tail -n +2 po.out | xargs -n1 tail -n +2; } | cmp - c.csv
	# --exec sees the same bytes: SG_CONTEXT is the header's 13 bytes after the first.
	stages_ok "sg-chunk -s csv --header -b 100 c.csv | sg-decode --exec 'h=\$(head -n 1); echo \"\$SG_SEQ \$SG_CONTEXT \$h\"'"
	[ "$(head -n 1 po.out)" = '1 0 id,name,note' ] || fail "first: $(head -n 1 po.out)"
	[ "$(tail -n +2 po.out | awk '$2 != 13 || $3 != "id,name,note"' | wc -l)" -eq 0 ] ||
		fail "$(tail -n +2 po.out | head)"
	[ "$(wc -l <po.out)" -eq "$n" ] || fail "$(wc -l <po.out) commands for $n chunks"
}

# ---------------------------------------------------------------- --exec

@test "--exec: one command per chunk, the chunk on stdin, SG_* in its environment" {
	mkdir sub
	printf 'ab\ncd\nef\n' >sub/e
	printf 'gh\n' >f
	# shellcheck disable=SC2016
	stages_ok "sg-chunk -b 4 sub/e f | sg-decode --exec 'printf \"%s|%s|%s|%s|%s|%s|%s\n\" \"\$SG_SOURCE\" \"\$SG_NAME\" \"\$SG_SEQ\" \"\$SG_OFFSET\" \"\$SG_SIZE\" \"\$SG_CONTEXT\" \"\$(od -An -tx1 | tr -d \" \")\"'"
	assert_equal "$(cat po.out)" "0|sub/e|1|0|3|0|61620a
0|sub/e|2|3|3|0|63640a
0|sub/e|3|6|3|0|65660a
1|f|1|0|3|0|67680a"
	# Commands run one after another, in stream order.
	seq 1 500 >s
	stages_ok "sg-chunk -b 100 s | sg-decode --exec 'cat; echo \"--\$SG_SEQ\" >&2' 2>/dev/null"
	cmp po.out s
	stages_ok "sg-chunk -b 100 s | sg-decode --exec 'echo \$SG_SEQ'"
	seq 1 "$(wc -l <po.out)" | diff - po.out
}

@test "--exec: a failing command stops the run with its status, one line naming the chunk" {
	seq 1 100 >e
	sg-chunk -b 50 e >e.sg
	[ "$(sg-decode -l e.sg | jq -s '[.[] | select(.type == "data")] | length')" -ge 5 ] || fail "too few chunks"
	run --separate-stderr sg-decode --exec 'cat >/dev/null; [ "$SG_SEQ" = 2 ] && exit 3; echo "$SG_SEQ" >>log' e.sg
	assert_failure 3
	assert_one_stderr_line "^sg-decode: e\\.sg: .*[^0-9]3[^0-9].*chunk 2 of 'e'"
	[ "$(cat log)" = 1 ] || fail "commands ran for chunks: $(tr '\n' ' ' <log)"
	# A command killed by a signal fails the run too.
	rm -f log
	run --separate-stderr sg-decode --exec 'echo "$SG_SEQ" >>log; kill -TERM $$' e.sg
	assert_failure
	assert_one_stderr_line "chunk 1 of 'e'"
	[ "$(cat log)" = 1 ] || fail "commands ran for chunks: $(tr '\n' ' ' <log)"
}

@test "--exec: a command that does not read its stdin (true) is fine, even for chunks larger than a pipe" {
	head -c $((3 << 20)) /dev/urandom >r
	run --separate-stderr bash -c "sg-chunk -s bytes -b 1M r | sg-decode --exec true"
	assert_success
	assert_output ''
	assert_stderr ''
	run --separate-stderr bash -c "sg-chunk -s bytes -b 1M r | sg-decode --exec 'head -c 10 >/dev/null; echo \$SG_SEQ'"
	assert_success
	assert_output "1
2
3"
	assert_stderr ''
}

# ---------------------------------------------------------------- README recipes

# fanout_recipe WORD...: the README recipe
#   sg-chunk -s lines -b RB big.ndjson.gz | sg-decode --split d -0 | WORD...
# where a WORD @WORKER@ stands for fixtures/chunk_worker.sh,
# with sg-chunk in the background writing into a FIFO (so its pid is
# known to the worker), then every check: each stage exits 0, every chunk
# was processed exactly once (the worker's log), the files in order are
# the decompressed input, each ends with a newline, and the first worker
# started while sg-chunk had read less than half of its input.
fanout_recipe() {
	local input cst=0 st pos running size w cmd=()
	for w in "$@"; do
		[ "$w" = @WORKER@ ] && w=$WORKER
		cmd+=("$w")
	done
	input=$(realpath "$IN/big.ndjson.gz")
	size=$(file_size "$input")
	mkdir rec
	mkfifo frames
	# sg-chunk is niced, and starts (opens the FIFO) only when sg-decode
	# does, a second after the runner: on a busy machine the runner's
	# start-up and the commands are then not what races sg-chunk (a
	# scheduling effect, not the streaming that is tested).
	nice -n 19 sg-chunk -s lines -b "$RB" "$input" >frames 2>c.err &
	SGPID=$!
	export SGPID REC=$PWD/rec INPUT=$input
	{ sleep 1; exec sg-decode --split d -0 <frames; } 2>d.err | "${cmd[@]}" >w.out 2>w.err &&
	    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	wait "$SGPID" || cst=$?
	[ "$cst ${st[*]}" = "0 0 0" ] && [ ! -s c.err ] && [ ! -s d.err ] && [ ! -s w.err ] ||
		fail "$(printf 'exit: sg-chunk %s, sg-decode %s, %s %s\n%s\n%s\n%s' "$cst" "${st[0]}" "$1" "${st[1]}" \
		    "$(head -c 500 c.err)" "$(head -c 500 d.err)" "$(head -c 500 w.err)")"
	# Every chunk exactly once, with the bytes of its file.
	local n
	n=$(ls d | wc -l)
	[ "$n" -ge 4 ] || fail "only $n chunks"
	[ "$(wc -l <rec/log)" -eq "$n" ] || fail "$(wc -l <rec/log) commands for $n chunks"
	[ "$(cut -d' ' -f1 rec/log | sort)" = "$(ls d | sort | sed 's|^|d/|')" ] ||
		fail "$(printf 'the log does not name every chunk once:\n%s' "$(sort rec/log)")"
	# A path is printed when its file is complete: the command saw all of it.
	(cd d && md5sum * | awk '{ print "d/" $2 " " $1 }' | sort) >want.log
	sort rec/log | diff - want.log
	# In order, the files are the decompressed input; each is whole records
	# of at most RB bytes.
	[ "$(ls d | sort | sed 's|^|d/|' | xargs cat | md5sum | cut -d' ' -f1)" = "$(cat "$IN/big.md5")" ] ||
		fail "the chunks in order are not the input"
	ends_with_newline d/*
	[ "$(find d -type f -size +"$(size_bytes "$RB")"c | wc -l)" -eq 0 ] || fail "a chunk larger than $RB"
	# The first command started early: fan-out streams.
	[ -f rec/first/pos ] || fail "the first command did not record sg-chunk's position"
	read -r pos running <rec/first/pos
	[ "$running" = yes ] || fail "sg-chunk was not running (or its input not found) when the first command started: $pos $running"
	[ "$pos" -lt $((size / 2)) ] ||
		fail "the first command started when sg-chunk was at $pos of $size compressed bytes"
}

@test "README: a compressed NDJSON in record-aligned pieces, processed with xargs -P2" {
	fanout_recipe xargs -0 -P2 -n1 @WORKER@
}

@test "README: a compressed NDJSON in record-aligned pieces, processed with GNU parallel -j2" {
	fanout_recipe parallel --will-cite -0 -j2 @WORKER@ {}
}

# make_export DIR: the files of a typical export, zipped into export.zip
# from inside DIR.
make_export() {
	mkdir -p "$1/data/2024" "$1/docs"
	python3 -c '
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        f.write(json.dumps({"id": i, "name": "user %d" % i, "bio": "é" * (i % 40)}) + "\n")' "$1/data/2024/users.ndjson"
	{ echo 'id,amount'; seq 1 30000 | awk '{ print $1 "," $1 * 3 }'; } >"$1/data/orders.csv"
	printf '# Export\n\nRésumé des données.\n' >"$1/docs/README.md"
	random_bytes 70000 3 >"$1/docs/logo.bin"
	: >"$1/docs/EMPTY"
	(cd "$1" && zip -qr ../export.zip .)
}

@test "README: re-pack a zip as a tar (sg-chunk export.zip | sg-encode | sg-decode --tar)" {
	make_export export
	stages_ok "sg-chunk export.zip 2>/dev/null | sg-encode | sg-decode --tar >export.tar"
	mkdir out
	tar -xf export.tar -C out
	diff -r out export
	[ "$(tar -tf export.tar | sort)" = "$(cd export && find . -type f | sed 's|^\./||' | sort)" ] ||
		fail "export.tar lists $(tar -tf export.tar | tr '\n' ' ')"
}

@test "README: re-pack a zip as chunked, zstd-compressed sources (sg-chunk -s lines -b 64K | sg-encode -c zstd), then --tar | tar -x" {
	make_export export
	stages_ok "sg-chunk -s lines -b 64K export.zip 2>/dev/null | sg-encode -c zstd >export.sg"
	# Chunked: more DATA frames than files, all zstd.
	sg-decode -l export.sg >list.ndjson
	[ "$(jq -s '[.[] | select(.type == "data")] | length' list.ndjson)" -gt 10 ] || fail "too few chunks"
	[ "$(jq -s '[.[] | select(.type == "data" and .codec != "zstd")] | length' list.ndjson)" -eq 0 ] ||
		fail "a DATA frame not in zstd"
	[ "$(wc -c <export.sg)" -lt $(($(cat export/data/2024/users.ndjson export/data/orders.csv | wc -c) / 2)) ] ||
		fail "export.sg ($(wc -c <export.sg) bytes) is hardly compressed"
	mkdir out
	run --separate-stderr bash -c 'sg-decode --tar <export.sg | tar -x -C out; echo "${PIPESTATUS[*]}"'
	assert_output '0 0'
	assert_stderr ''
	diff -r out export
	# zstd itself reads the stream: the sources' bytes one after another.
	zstd -dc export.sg | cmp - <(sg-decode export.sg)
}
