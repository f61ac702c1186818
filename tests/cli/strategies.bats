#!/usr/bin/env bats
# sg-chunk's record strategies (json, csv, sse, paragraph, delim, cdc), their
# options, --part K/N, and the README recipes. Frames are read back with
# `sg-encode --json` and checked in Python by tests/cli/fixtures/strategies.py
# against the corpora under ../shared/corpora and generated inputs.

load test_helper

setup() {
	sg_setup
	PY=$BATS_TEST_DIRNAME/fixtures/strategies.py
	JTS=$CORPORA/jsontestsuite/test_parsing
	SPECTRUM=$CORPORA/csv-spectrum
	SSE=$CORPORA/sse
}

RSS_LIMIT_KB=100000   # 100 MB

# Inputs shrink under the sanitizers; every case keeps its coverage.
if [ -n "${SG_SANITIZED:-}" ]; then
	BIG=$((8 << 20))
	MID=$((256 << 10))
else
	BIG=$((64 << 20))
	MID=$((1 << 20))
fi

# ---------------------------------------------------------------- helpers

# frames_of FILE [OPTION...]: sg-chunk OPTION... FILE | sg-encode --json
# into frames.ndjson; both exit 0 and write nothing to stderr.
frames_of() {
	local f=$1 st
	shift
	LAST="sg-chunk $* $f"
	sg-chunk "$@" -- "$f" 2>fo.cerr | sg-encode --json >frames.ndjson 2>fo.eerr &&
	    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	if [ "${st[*]}" != "0 0" ] || [ -s fo.cerr ] || [ -s fo.eerr ]; then
		fail "$(printf '%s | sg-encode --json: exit %s %s\nsg-chunk: %s\nsg-encode: %s' \
		    "$LAST" "${st[0]}" "${st[1]}" "$(head -c 500 fo.cerr)" "$(head -c 500 fo.eerr)")"
		return 1
	fi
}

# pycheck COMMAND ARG...: a check of strategies.py; on failure, its
# problems and the last frames_of command line.
pycheck() {
	python3 "$PY" "$@" 2>pc.err ||
		{ fail "$(printf '%s on the frames of `%s`:\n%s' "$1" "${LAST:-?}" "$(head -c 3000 pc.err)")"; return 1; }
}

# rt_exact FILE [OPTION...]: sg-chunk OPTION... FILE | sg-decode | cmp is
# exact, both exit 0 and nothing goes to stderr.
rt_exact() {
	local f=$1 st
	shift
	sg-chunk "$@" -- "$f" 2>rt.cerr | sg-decode 2>rt.derr | cmp - "$f" >rt.cmp 2>&1 &&
	    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	if [ "${st[*]}" != "0 0 0" ] || [ -s rt.cerr ] || [ -s rt.derr ]; then
		fail "$(printf 'round trip of %s (%s bytes): sg-chunk %s | sg-decode | cmp\nexit: %s\nsg-chunk: %s\nsg-decode: %s\ncmp: %s' \
		    "$f" "$(file_size "$f")" "$*" "${st[*]}" "$(head -c 500 rt.cerr)" \
		    "$(head -c 500 rt.derr)" "$(head -c 500 rt.cmp)")"
		return 1
	fi
}

# data_count STREAM: the number of DATA frames in a stream file.
data_count() {
	sg-decode --list "$1" | jq -s '[.[] | select(.type == "data")] | length'
}

# rss_ok FILE: the peak RSS (KiB) GNU time wrote to FILE is under the limit;
# skipped under the sanitizers.
rss_ok() {
	local kb
	[ -n "${SG_SANITIZED:-}" ] && return 0
	kb=$(tail -n 1 "$1")
	[[ $kb =~ ^[0-9]+$ ]] || { fail "no RSS figure in $1: $(cat "$1")"; return 1; }
	((kb < RSS_LIMIT_KB)) || { fail "peak RSS $kb KiB (limit $RSS_LIMIT_KB) in $1"; return 1; }
}

# report_bad NAME...: fail listing the collected problems (one a line).
report_bad() {
	[ $# -eq 0 ] && return 0
	fail "$(printf '%d problem(s):\n' $#; printf '  %s\n' "${@:1:40}")"
}

# ================================================================ json

# bats test_tags=slow
@test "json: every y_ file of JSONTestSuite with -n 1 is exactly one DATA frame and round trips" {
	local f n st bad=()
	for f in "$JTS"/y_*.json; do
		sg-chunk -s json -n 1 -- "$f" >out.sg 2>err && st=0 || st=$?
		if [ "$st" -ne 0 ] || [ -s err ]; then
			bad+=("$(basename "$f"): exit $st: $(head -c 200 err)")
			continue
		fi
		n=$(data_count out.sg)
		[ "$n" = 1 ] || bad+=("$(basename "$f"): $n DATA frames")
		sg-decode out.sg | cmp -s - "$f" || bad+=("$(basename "$f"): does not decode to itself")
	done
	report_bad "${bad[@]}"
}

@test "json: the y_ files concatenated, one per line: one frame per file with -n 1, exact round trip" {
	python3 "$PY" gen-json-files all.json expect.json "$JTS"/y_*.json
	[ "$(jq length expect.json)" -ge 90 ]
	frames_of all.json -s json -n 1
	pycheck check-values frames.ndjson all.json expect.json
	rt_exact all.json -s json -n 1
	rt_exact all.json -s json
}

# bats test_tags=slow
@test "json --validate: exit 65 naming the record and byte offset for every n_ file; 0 for every y_ file" {
	local f b st bad=()
	for f in "$JTS"/n_*.json; do
		b=$(basename "$f")
		sg-chunk -s json --validate -- "$f" >out.sg 2>err && st=0 || st=$?
		if [ "$st" -ne 65 ]; then
			bad+=("$b: exit $st, want 65: $(head -c 200 err)")
		elif ! grep -qiE 'record[^0-9]*[0-9]+' err || ! grep -qiE '(offset|byte)[^0-9]*[0-9]+' err; then
			bad+=("$b: the message does not name a record number and a byte offset: $(head -c 200 err)")
		elif [ "$(wc -l <err)" -ne 1 ]; then
			bad+=("$b: want one line on stderr: $(head -c 300 err)")
		fi
	done
	for f in "$JTS"/y_*.json; do
		b=$(basename "$f")
		sg-chunk -s json --validate -- "$f" >out.sg 2>err && st=0 || st=$?
		if [ "$st" -ne 0 ] || [ -s err ]; then
			bad+=("$b: exit $st, want 0: $(head -c 200 err)")
		elif ! sg-decode out.sg | cmp -s - "$f"; then
			bad+=("$b: does not decode to itself")
		fi
	done
	for f in "$JTS"/i_*.json; do
		b=$(basename "$f")
		sg-chunk -s json --validate -- "$f" >out.sg 2>err && st=0 || st=$?
		[ "$st" -eq 0 ] || [ "$st" -eq 65 ] || bad+=("$b (implementation-defined): exit $st, want 0 or 65")
	done
	report_bad "${bad[@]}"
}

@test "json --validate: the message names the bad record's number and a byte offset at or after its start" {
	# test_boundary_json runs every corpus file under the sanitizers too.
	[ -z "${SG_SANITIZED:-}" ] || skip "covered by unit-san"
	local f b st start end rec offs o ok bad=()
	printf '{"a": 1}\n[1, 2]\n"three"\n' >head.ndjson
	start=$(file_size head.ndjson)
	for f in "$JTS"/n_*.json; do
		b=$(basename "$f")
		# One-line n_ files (not empty, not blank) as the fourth record.
		[ -s "$f" ] && [ "$(tr -d '\r\n' <"$f" | wc -c)" -eq "$(file_size "$f")" ] &&
		    [ -n "$(tr -d ' \t\0' <"$f")" ] || continue
		cat head.ndjson "$f" >in.ndjson
		printf '\n{"after": true}\n' >>in.ndjson
		# An unclosed value may go on over the next line (values may span
		# lines), so the error can lie after the record's own bytes.
		end=$(file_size in.ndjson)
		sg-chunk -s json --validate -- in.ndjson >out.sg 2>err && st=0 || st=$?
		if [ "$st" -ne 65 ]; then
			bad+=("$b as record 4: exit $st, want 65: $(head -c 200 err)")
			continue
		fi
		rec=$(grep -oiE 'record[^0-9]*[0-9]+' err | grep -oE '[0-9]+$' | head -1)
		[ "$rec" = 4 ] || bad+=("$b as record 4: the message names record '$rec': $(head -c 200 err)")
		offs=$(grep -oiE '(offset|byte)[^0-9]*[0-9]+' err | grep -oE '[0-9]+$')
		ok=
		for o in $offs; do ((o >= start && o <= end)) && ok=1; done
		[ -n "$ok" ] || bad+=("$b as record 4 (from byte $start): no offset in $start..$end in: $(head -c 200 err)")
	done
	report_bad "${bad[@]}"
}

@test "json without --validate: every JSONTestSuite file (y_, n_, i_) round trips exactly" {
	# test_boundary_json runs every corpus file under the sanitizers too.
	[ -z "${SG_SANITIZED:-}" ] || skip "covered by unit-san"
	local f st bad=()
	for f in "$JTS"/*.json; do
		sg-chunk -s json -- "$f" 2>err | sg-decode 2>derr | cmp -s - "$f" &&
		    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
		[ "${st[*]}" = "0 0 0" ] && [ ! -s err ] ||
			bad+=("$(basename "$f"): exit ${st[*]}: $(head -c 200 err) $(head -c 200 derr)")
	done
	report_bad "${bad[@]}"
}

@test "json: a million nested [ round trips; --validate exits 65; bounded memory" {
	python3 -c 'import sys; sys.stdout.write("[" * 1000000)' >deep.json
	run --separate-stderr bash -c '/usr/bin/time -f %M -o rss sg-chunk -s json deep.json >deep.sg'
	assert_success
	assert_stderr ''
	rss_ok rss
	sg-decode deep.sg | cmp - deep.json
	run --separate-stderr bash -c '/usr/bin/time -f %M -o rss2 sg-chunk -s json -b 4K deep.json | sg-decode | cmp - deep.json'
	assert_success
	rss_ok rss2
	run --separate-stderr /usr/bin/time -f %M -o rss3 sg-chunk -s json --validate deep.json
	assert_failure 65
	[[ $stderr == *record* ]] || fail "stderr: $stderr"
	[[ $stderr =~ (offset|byte)[^0-9]*[0-9]+ ]] || fail "no byte offset in: $stderr"
	rss_ok rss3
	# Also closed, and too deep for any sane parser: still no crash.
	python3 -c 'import sys; sys.stdout.write("[" * 1000000 + "]" * 1000000 + "\n")' >deep2.json
	run --separate-stderr bash -c '/usr/bin/time -f %M -o rss4 sg-chunk -s json --validate deep2.json >/dev/null'
	[ "$status" -eq 0 ] || [ "$status" -eq 65 ] || fail "exit $status: $stderr"
	rss_ok rss4
	rt_exact deep2.json -s json -n 1
}

@test "json: a big top-level array with -b 1M: every chunk holds complete elements; exact round trip" {
	local n
	n=$(python3 "$PY" gen-array big.json "$BIG")
	frames_of big.json -s json -b 1M
	pycheck check-array frames.ndjson big.json "$n" 1048576
	rt_exact big.json -s json -b 1M
	jq -e -s '[.[] | select(.type == "data") | (.flags | index("array"))] | all' frames.ndjson >/dev/null ||
		fail "not every chunk of a top-level array is flagged array"
}

@test "json: a big top-level array with -b 64K: complete elements, oversize ones flagged" {
	local n
	n=$(python3 "$PY" gen-array big.json $((4 << 20)))
	# Elements reach 120 KB: bigger ones than 64K are split and flagged.
	frames_of big.json -s json -b 64K
	jq -e -s '[.[] | select(.type == "data" and .size > 65536)] | length == 0' frames.ndjson >/dev/null
	jq -e -s '[.[] | select(.type == "data") | select(.flags | index("oversize"))] | length > 0' frames.ndjson >/dev/null ||
		fail "no frame flagged oversize though elements exceed 64K"
	rt_exact big.json -s json -b 64K
}

@test "json --array -n 1: one element per frame (generated array, Gemini capture)" {
	python3 "$PY" gen-small-array small.json expect.json
	frames_of small.json -s json --array -n 1
	pycheck check-array-each frames.ndjson small.json expect.json
	rt_exact small.json -s json --array -n 1
	local g=$SSE/captures/googleai-streamGenerateContent-array.json
	python3 "$PY" expect-elements "$g" expect2.json
	[ "$(jq length expect2.json)" -ge 2 ]
	frames_of "$g" -s json --array -n 1
	pycheck check-array-each frames.ndjson "$g" expect2.json
	rt_exact "$g" -s json --array -n 1
}

@test "json -n 1: NDJSON, concatenated, pretty-printed and json-seq inputs give one frame per value" {
	local fmt
	for fmt in ndjson concatenated pretty json-seq; do
		python3 "$PY" gen-json "$fmt" "in.$fmt" "expect.$fmt" 7
		frames_of "in.$fmt" -s json -n 1
		pycheck check-values frames.ndjson "in.$fmt" "expect.$fmt"
		rt_exact "in.$fmt" -s json -n 1
		rt_exact "in.$fmt" -s json -n 3 -b 4K
	done
}

@test "json -n 1: the Ollama NDJSON captures give one frame per line" {
	local f
	for f in "$SSE"/captures/ollama-*.ndjson; do
		python3 "$PY" expect-lines "$f" expect.json
		frames_of "$f" -s json -n 1
		pycheck check-values frames.ndjson "$f" expect.json
		rt_exact "$f" -s json -n 1
	done
}

@test "json -n 1 from a pipe: one value per frame, never a partial value" {
	python3 "$PY" gen-json concatenated in.json expect.json 11
	local st
	python3 "$PY" trickle in.json 5 0.0002 | sg-chunk -s json -n 1 2>cerr | sg-encode --json >frames.ndjson &&
	    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[*]}" = "0 0 0" ] && [ ! -s cerr ] || fail "exit ${st[*]}: $(cat cerr)"
	LAST="(one byte per write) sg-chunk -s json -n 1 < in.json"
	pycheck check-values frames.ndjson in.json expect.json
}

# ================================================================ csv

@test "csv -n 1: the frames of each csv-spectrum file are the records Python's csv module reads" {
	local f x
	for f in "$SPECTRUM"/csvs/*.csv; do
		x=$(basename "$f" .csv)
		frames_of "$f" -s csv -n 1
		pycheck check-csv-records frames.ndjson "$f" "$SPECTRUM/json/$x.json"
		rt_exact "$f" -s csv -n 1
	done
}

# bats test_tags=slow
@test "csv --header -b 64 and 1K on csv-spectrum: header plus whole records in every chunk; exact round trip" {
	local f b
	for f in "$SPECTRUM"/csvs/*.csv; do
		for b in 64 96 1K; do
			frames_of "$f" -s csv --header -b "$b"
			pycheck check-csv-header frames.ndjson "$f" "$(size_bytes "$b")"
			rt_exact "$f" -s csv --header -b "$b"
			frames_of "$f" -s csv --header -n 1 -b "$b"
			pycheck check-csv-header frames.ndjson "$f" "$(size_bytes "$b")"
		done
	done
}

@test "csv --header on a generated CSV with quoted newlines and CRLF: whole records, exact round trip" {
	local b
	python3 "$PY" gen-csv gen.csv "$MID" 1
	for b in 64 1K 64K; do
		frames_of gen.csv -s csv --header -b "$b"
		pycheck check-csv-header frames.ndjson gen.csv "$(size_bytes "$b")"
		rt_exact gen.csv -s csv --header -b "$b"
		# Chunks after the first begin with the header: count them.
		[ "$(jq -s '[.[] | select(.type == "data")] | length' frames.ndjson)" -gt 1 ]
	done
	frames_of gen.csv -s csv -n 1
	[ "$(jq -s '[.[] | select(.type == "data")] | length' frames.ndjson)" -eq \
	  "$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' gen.csv)" ]
}

@test "csv: an unterminated quote is bounded (split, flagged oversize) and round trips exactly" {
	local at n
	{
		printf 'a,b\n1,2\n3,"open\n'
		yes 'line, with "" quotes and é' | head -n 20000
		printf 'no closing quote'
	} >open.csv
	at=$(grep -bo '3,"open' open.csv | head -1 | cut -d: -f1)
	frames_of open.csv -s csv -b 4K
	jq -e -s '[.[] | select(.type == "data" and .size > 4096)] | length == 0' frames.ndjson >/dev/null ||
		fail "a chunk larger than 4K"
	# Every chunk that starts inside the open field, but the last, is flagged.
	n=$(jq -s --argjson at "$at" '[.[] | select(.type == "data")] | .[:-1]
	    | [.[] | select(.offset + .size > $at and (.flags | index("oversize") | not))] | length' frames.ndjson)
	[ "$n" -eq 0 ] || fail "$n chunks end inside the unterminated record without the oversize flag"
	[ "$(jq -s '[.[] | select(.type == "data") | select(.flags | index("oversize"))] | length' frames.ndjson)" -gt 20 ]
	rt_exact open.csv -s csv -b 4K
	rt_exact open.csv -s csv --header -b 4K
	rt_exact open.csv -s csv -n 1 -b 64K
	# A 32 MiB unterminated field costs no more memory than a small one.
	{
		printf 'a,b\n1,"'
		head -c $((32 << 20)) /dev/zero | tr '\0' 'x'
	} >huge.csv
	run --separate-stderr bash -c '/usr/bin/time -f %M -o rss sg-chunk -s csv -b 1M huge.csv | sg-decode | cmp - huge.csv'
	assert_success
	rss_ok rss
}

# ================================================================ sse

@test "sse -n 1: one frame per event block, for every capture, the sse-stream fixture and edge cases" {
	local f
	python3 "$PY" gen-sse-edge edge.sse
	for f in "$SSE"/captures/*.sse "$SSE"/sse-stream/test_stream.sse edge.sse; do
		frames_of "$f" -s sse -n 1
		pycheck check-sse frames.ndjson "$f"
		rt_exact "$f" -s sse -n 1
		rt_exact "$f" -s sse -b 64
	done
}

@test "sse -n 1 from a pipe, one byte per write: the same frames, one per event block" {
	local f st
	python3 "$PY" gen-sse-edge edge.sse
	for f in edge.sse "$SSE"/sse-stream/test_stream.sse "$SSE"/captures/openai-chat-stream-short.sse \
	    "$SSE"/captures/anthropic-messages-stream.sse "$SSE"/captures/openrouter-chat-stream-comment.sse; do
		python3 "$PY" trickle "$f" 7 0.0005 | sg-chunk -s sse -n 1 2>cerr | sg-encode --json >frames.ndjson &&
		    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
		[ "${st[*]}" = "0 0 0" ] && [ ! -s cerr ] || fail "trickle $f: exit ${st[*]}: $(cat cerr)"
		LAST="(one byte per write) sg-chunk -s sse -n 1 < $f"
		pycheck check-sse frames.ndjson "$f"
	done
}

@test "sse --until-done: stops after the [DONE] block of the OpenAI and OpenRouter captures" {
	local f p
	for f in "$SSE"/captures/openai-chat-stream-long.sse "$SSE"/captures/openai-chat-stream-short.sse \
	    "$SSE"/captures/openrouter-chat-stream-comment.sse; do
		p=$(python3 "$PY" sse-done-prefix "$f")
		head -c "$p" "$f" >prefix
		# The captures end with the [DONE] block: nothing dropped, no warning.
		run --separate-stderr bash -c 'sg-chunk -s sse --until-done "$1" >out.sg' _ "$f"
		assert_success
		assert_stderr ''
		sg-decode out.sg | cmp - prefix
		# Events after [DONE] are dropped, with a warning naming the count.
		{ cat "$f"; printf 'data: {"late": true}\n\ndata: more\n\n'; } >extra.sse
		run --separate-stderr bash -c 'sg-chunk -s sse --until-done -n 1 extra.sse >out.sg'
		assert_success
		assert_one_stderr_line "(^|[^0-9])$(( $(file_size extra.sse) - p ))([^0-9]|\$)"
		sg-decode out.sg | cmp - prefix
		frames_of prefix -s sse -n 1 --until-done
		pycheck check-sse frames.ndjson prefix
	done
}

@test "sse --until-done: a stream without [DONE] passes whole; [DONE] only counts as a data line" {
	local f=$SSE/captures/anthropic-messages-stream.sse
	run --separate-stderr bash -c 'sg-chunk -s sse --until-done "$1" | sg-decode | cmp - "$1"' _ "$f"
	assert_success
	assert_stderr ''
	# "[DONE]" in a comment, another field or inside data is not the end.
	printf ': data: [DONE]\n\nevent: [DONE]\n\ndata: [DONE] later\n\ndata: x\n\ndata: [DONE]\n\n' >t.sse
	printf 'data: dropped\n\n' >tail.sse
	cat t.sse tail.sse >t2.sse
	run --separate-stderr bash -c 'sg-chunk -s sse --until-done t2.sse | sg-decode | cmp - t.sse'
	assert_success
	assert_one_stderr_line '(^|[^0-9])15([^0-9]|$)'
	# CRLF and CR line ends.
	printf 'data: a\r\n\r\ndata: [DONE]\r\n\r\nX' >crlf.sse
	run --separate-stderr bash -c 'sg-chunk -s sse --until-done crlf.sse | sg-decode | od -An -c | tr -d " \n"'
	assert_success
	assert_output 'data:a\r\n\r\ndata:[DONE]\r\n\r\n'
	assert_one_stderr_line '(^|[^0-9])1([^0-9]|$)'
	printf 'data: a\r\rdata: [DONE]\r\r' >cr.sse
	run --separate-stderr bash -c 'sg-chunk -s sse --until-done cr.sse | sg-decode | cmp - cr.sse'
	assert_success
	assert_stderr ''
}

@test "sse --until-done: exits 0 at once when the producer keeps the pipe open after [DONE]" {
	local f=$SSE/captures/openai-chat-stream-short.sse p pid st
	p=$(python3 "$PY" sse-done-prefix "$f")
	head -c "$p" "$f" >prefix
	mkfifo fifo
	(cat "$f" && exec sleep 30) >fifo 3>&- &
	pid=$!
	timeout 10 sg-chunk -s sse --until-done <fifo >out.sg 2>err && st=0 || st=$?
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	[ "$st" -eq 0 ] || fail "exit $st (124: still waiting after 10 s): $(cat err)"
	[ ! -s err ] || fail "stderr: $(cat err)"
	sg-decode out.sg | cmp - prefix
	# Bytes after [DONE] while the pipe stays open: dropped with a warning.
	rm fifo
	mkfifo fifo
	(cat "$f" && printf 'data: late\n\n' && exec sleep 30) >fifo 3>&- &
	pid=$!
	timeout 10 sg-chunk -s sse --until-done -n 1 <fifo >out.sg 2>err && st=0 || st=$?
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	[ "$st" -eq 0 ] || fail "exit $st (124: still waiting after 10 s): $(cat err)"
	sg-decode out.sg | cmp - prefix
}

# ================================================================ paragraph

# Text corpora: prose in many scripts, CRLF and a BOM (pg2000).
para_inputs() {
	local n=200000
	[ -n "${SG_SANITIZED:-}" ] && n=40000
	head -c "$n" "$CORPORA/text/gutenberg/pg2000.txt" >pg2000.txt
	head -c "$n" "$CORPORA/text/wikipedia_mars/thai.utf8.txt" >thai.txt
	head -c "$n" "$CORPORA/text/wikipedia_mars/czech.utf8.txt" >czech.txt
	echo pg2000.txt thai.txt czech.txt \
	    "$CORPORA"/text/lipsum/{Chinese,Emoji,Arabic,Hindi}-Lipsum.utf8.txt \
	    "$CORPORA"/text/lipsum/fourbytes.utf8.txt
}

@test "paragraph -b 200 --overlap 40: exact round trip; overlap marked and equal to the previous end; no cut inside a character" {
	local f u
	for f in $(para_inputs); do
		# Files cut at a byte count may end inside a character: trim them.
		u=$(basename "$f").u
		python3 -c 'import sys; open(sys.argv[2], "wb").write(open(sys.argv[1], "rb").read().decode("utf-8", "ignore").encode())' "$f" "$u"
		f=$u
		frames_of "$f" -s paragraph -b 200 --overlap 40
		pycheck check-paragraph frames.ndjson "$f" 200 40 0
		rt_exact "$f" -s paragraph -b 200 --overlap 40
		sg-chunk -s paragraph -b 200 --overlap 40 -- "$f" | sg-encode | sg-decode | cmp - "$f"
		frames_of "$f" -s paragraph -b 200
		pycheck check-paragraph frames.ndjson "$f" 200 0 0
	done
}

@test "paragraph: with paragraphs shorter than --size, every cut is right after a blank line" {
	python3 "$PY" gen-paras paras.txt 100000 2
	frames_of paras.txt -s paragraph -b 200
	pycheck check-paragraph frames.ndjson paras.txt 200 0 1
	frames_of paras.txt -s paragraph -b 200 --overlap 40
	pycheck check-paragraph frames.ndjson paras.txt 200 40 1
	rt_exact paras.txt -s paragraph -b 200 --overlap 40
	frames_of paras.txt -s paragraph -b 2K --overlap 200
	pycheck check-paragraph frames.ndjson paras.txt 2048 200 1
}

@test "paragraph: invalid UTF-8, NUL and a 5 MiB line round trip; chunks stay within --size" {
	local b
	gen_invalid bad.txt
	gen_long_line long.txt
	for b in 4 64 200 4K; do
		rt_exact bad.txt -s paragraph -b "$b"
		rt_exact bad.txt -s paragraph -b "$b" --overlap $(($(size_bytes "$b") / 2))
	done
	rt_exact long.txt -s paragraph -b 4K --overlap 100
	frames_of long.txt -s paragraph -b 4K --overlap 100
	jq -e -s '[.[] | select(.type == "data" and .size > 4096)] | length == 0' frames.ndjson >/dev/null
}

# ================================================================ delim

@test "delim -d '\\0' -n 1 on find -print0 output: one name per frame, ending with NUL" {
	find "$CORPORA" "$SG_ROOT/tests" -print0 >names0
	frames_of names0 -d '\0' -n 1
	pycheck check-delim frames.ndjson names0 00
	rt_exact names0 -d '\0' -n 1
	rt_exact names0 -d '\0' -b 64
	# The last name unterminated: its own last frame.
	printf 'no-nul-at-end' >>names0
	frames_of names0 -d '\0' -n 1
	pycheck check-delim frames.ndjson names0 00
	[ "$(jq -r -s '[.[] | select(.type == "data")][-1].text' frames.ndjson)" = no-nul-at-end ]
}

@test "delim -d '</doc>' -n 1: one document per frame despite prefixes of the separator" {
	python3 "$PY" gen-docs docs.xml 3000
	frames_of docs.xml -d '</doc>' -n 1
	pycheck check-delim frames.ndjson docs.xml "$(printf '</doc>' | xxd -p)"
	rt_exact docs.xml -d '</doc>' -n 1
	rt_exact docs.xml -s delim -d '</doc>' -b 100
	rt_exact docs.xml -s delim -d '</doc>' -n 7 -b 64K
}

@test "delim -d '\\r\\n', '\\x1e', '\\036' and a multibyte separator: one record per frame" {
	gen_text text 2000
	# CRLF lines, with lone CR and lone LF inside some records.
	sed 's/$/\r/; 5~7s/a/\n/; 3~11s/e/\r/' text >crlf
	frames_of crlf -d '\r\n' -n 1
	pycheck check-delim frames.ndjson crlf 0d0a
	rt_exact crlf -d '\r\n' -n 1
	python3 "$PY" gen-records rs "$MID" 4 1e
	frames_of rs -d '\x1e' -n 1
	pycheck check-delim frames.ndjson rs 1e
	frames_of rs -d '\036' -n 1
	pycheck check-delim frames.ndjson rs 1e
	python3 "$PY" gen-records ls "$MID" 5 e280a8
	frames_of ls -d '\xe2\x80\xa8' -n 1
	pycheck check-delim frames.ndjson ls e280a8
	rt_exact ls -d '\xe2\x80\xa8' -b 1K
	frames_of ls -d $'\xe2\x80\xa8' -n 1
	pycheck check-delim frames.ndjson ls e280a8
	printf 'a\\b\\\\c\\' >bs
	frames_of bs -d '\\' -n 1
	pycheck check-delim frames.ndjson bs 5c
	[ "$(jq -s '[.[] | select(.type == "data")] | length' frames.ndjson)" = 4 ]
}

@test "delim: -d alone selects the delim strategy" {
	printf 'a;b;c' >in
	list_of in -d ';' -n 1
	[ "$(jq -r 'select(.type == "begin").strategy' list.ndjson)" = delim ]
	[ "$(jq -s '[.[] | select(.type == "data")] | length' list.ndjson)" = 3 ]
}

@test "delim: a bad escape in -d exits 64 naming it; an empty separator exits 64" {
	printf 'a\nb\n' >in
	run --separate-stderr sg-chunk -d 'a\q' in
	assert_failure 64
	assert_output ''
	assert_stderr --partial '\q'
	run --separate-stderr sg-chunk -s delim -d '\xZZ' in
	assert_failure 64
	assert_output ''
	assert_stderr --partial '\x'
	run --separate-stderr sg-chunk -d '' in
	assert_failure 64
	assert_output ''
	run --separate-stderr sg-chunk -s delim in
	assert_failure 64
	assert_output ''
}

# ================================================================ cdc

# cdc_sums STREAM_FILE OUT: the sorted DATA checksums of a stream.
cdc_sums() {
	sg-decode --list "$1" | jq -r 'select(.type == "data").checksum' | sort >"$2"
}

@test "cdc: exact round trip of random data; sizes within --min/--max but the last" {
	python3 -c 'import random, sys; sys.stdout.buffer.write(random.Random(1).randbytes(int(sys.argv[1])))' "$BIG" >rand
	rt_exact rand -s cdc
	rt_exact rand -s cdc --min 16K --avg 64K --max 256K
	list_of rand -s cdc
	jq -e -s '[.[] | select(.type == "data") | .size] | .[:-1] | all(. >= 262144 and . <= 4194304)' list.ndjson >/dev/null ||
		fail "default cdc sizes outside 256K..4M: $(jq -c -s '[.[] | select(.type == "data") | .size]' list.ndjson)"
	list_of rand -s cdc --min 16K --avg 64K --max 256K
	jq -e -s '[.[] | select(.type == "data") | .size] | (.[:-1] | all(. >= 16384 and . <= 262144)) and (.[-1] <= 262144)' list.ndjson >/dev/null ||
		fail "cdc sizes outside 16K..256K"
	# The average is near --avg (within a factor of 2).
	jq -e -s '[.[] | select(.type == "data") | .size] | (add / length) as $a | $a > 32768 and $a < 131072' list.ndjson >/dev/null ||
		fail "average chunk $(jq -s '[.[] | select(.type == "data") | .size] | add / length' list.ndjson), --avg 64K"
	rt_exact "$CORPORA/text/gutenberg/pg2000.txt" -s cdc --min 4K --avg 16K --max 64K
	: >empty
	rt_exact empty -s cdc
}

@test "cdc: 100 bytes inserted at the start leave >= 95% of the DATA checksums unchanged" {
	local p a common
	python3 -c 'import random, sys; sys.stdout.buffer.write(random.Random(2).randbytes(int(sys.argv[1])))' "$BIG" >a.bin
	{ head -c 100 /dev/urandom; cat a.bin; } >b.bin
	for p in "" "--min 16K --avg 64K --max 256K"; do
		[ -z "$p" ] && [ -n "${SG_SANITIZED:-}" ] && continue
		# shellcheck disable=SC2086
		sg-chunk -s cdc $p a.bin >a.sg
		# shellcheck disable=SC2086
		sg-chunk -s cdc $p b.bin >b.sg
		cdc_sums a.sg a.sums
		cdc_sums b.sg b.sums
		a=$(wc -l <a.sums)
		common=$(comm -12 a.sums b.sums | wc -l)
		[ "$a" -ge 8 ] || fail "only $a chunks with '$p'"
		((common * 100 >= a * 95)) || fail "cdc '$p': $common of $a chunk checksums unchanged after inserting 100 bytes"
		sg-decode b.sg | cmp - b.bin
	done
}

@test "cdc: -b and other strategies' options exit 64; --min/--avg/--max elsewhere exit 64" {
	printf 'x' >in
	run --separate-stderr sg-chunk -s cdc -b 1M in
	assert_failure 64
	assert_output ''
	assert_stderr --regexp 'sg-chunk: .*(-b|--size)'
	local o
	for o in --min --avg --max; do
		run --separate-stderr sg-chunk -s lines "$o" 64K in
		assert_failure 64
		assert_stderr --partial -- "$o"
	done
	# Inconsistent sizes.
	run --separate-stderr sg-chunk -s cdc --min 1M --max 64K in
	assert_failure 64
}

# ================================================================ --part

# part_input: part.lines (about 3 MiB of long and short LF records),
# part.nul (NUL-separated), part.doc (</doc>-separated), part.ndjson.
part_inputs() {
	local n=$((3 << 20))
	[ -n "${SG_SANITIZED:-}" ] && n=$((512 << 10))
	python3 "$PY" gen-records part.lines "$n" 1 0a
	python3 "$PY" gen-records part.nul "$n" 2 00
	python3 "$PY" gen-records part.doc "$n" 3 "$(printf '</doc>' | xxd -p)"
	python3 "$PY" gen-ndjson part.ndjson "$n" 4
}

# parts_roundtrip FILE N OPTION...: parts 1..N of FILE, concatenated in
# order, decode to FILE exactly; every part exits 0 silently.
parts_roundtrip() {
	local f=$1 n=$2 k st
	shift 2
	for ((k = 1; k <= n; k++)); do
		sg-chunk --part "$k/$n" "$@" -- "$f" >"p.$k" 2>p.err && st=0 || st=$?
		[ "$st" -eq 0 ] && [ ! -s p.err ] ||
			{ fail "sg-chunk --part $k/$n $* $f: exit $st: $(head -c 300 p.err)"; return 1; }
	done
	for ((k = 1; k <= n; k++)); do cat "p.$k"; done >all.sg
	sg-decode all.sg 2>p.derr | cmp - "$f" >p.cmp 2>&1 ||
		{ fail "$(printf 'parts 1..%s of %s (%s bytes) with %s do not decode to it:\n%s\n%s' \
		    "$n" "$f" "$(file_size "$f")" "$*" "$(head -c 300 p.derr)" "$(head -c 300 p.cmp)")"; return 1; }
}

@test "--part K/N, N = 1..8: parts concatenated in order decode to the input (bytes, utf8, lines, delim, json)" {
	local n
	part_inputs
	local ns="1 2 3 4 5 6 7 8"
	[ -z "${SG_SANITIZED:-}" ] || ns="1 3 8"
	for n in $ns; do
		parts_roundtrip part.lines "$n" -s bytes -b 64K
		parts_roundtrip part.lines "$n" -s utf8 -b 64K
		parts_roundtrip part.lines "$n" -s lines -b 64K
		parts_roundtrip part.lines "$n" -s lines -n 1
		parts_roundtrip part.nul "$n" -d '\0' -b 64K
		parts_roundtrip part.doc "$n" -d '</doc>' -n 10
		parts_roundtrip part.ndjson "$n" -s json -b 64K
		parts_roundtrip part.ndjson "$n" -s json -n 1
	done
}

@test "--part: a file smaller than N (some parts empty), and an empty file" {
	local f n s
	printf 'a\nb' >tiny
	printf '\0' >tiny0
	printf '{}\n' >tiny.json
	: >empty
	for n in 1 2 3 5 8; do
		for f in tiny empty; do
			for s in bytes utf8 lines; do parts_roundtrip "$f" "$n" -s "$s"; done
			parts_roundtrip "$f" "$n" -d 'b'
		done
		parts_roundtrip tiny0 "$n" -d '\0'
		parts_roundtrip tiny.json "$n" -s json
		parts_roundtrip empty "$n" -s json
	done
}

@test "--part: parts run by parallel -j2 and xargs -P2, concatenated in order, decode exactly" {
	part_inputs
	seq 8 | parallel -j2 -k sg-chunk --part {}/8 -s json -b 64K part.ndjson | sg-decode | cmp - part.ndjson
	seq 5 | parallel -j2 -k sg-chunk --part {}/5 -d "'\\0'" part.nul | sg-decode | cmp - part.nul
	seq 7 | xargs -P2 -I{} sh -c 'sg-chunk --part {}/7 -s lines -b 64K part.lines >out.{}'
	cat out.1 out.2 out.3 out.4 out.5 out.6 out.7 | sg-decode | cmp - part.lines
	seq 3 | xargs -P2 -I{} sh -c 'sg-chunk --part {}/3 -s utf8 -b 1K part.doc >utf.{}'
	cat utf.1 utf.2 utf.3 | sg-decode | cmp - part.doc
}

@test "--part refuses what it cannot split: csv, sse, paragraph, cdc, json arrays, stdin, bad K/N" {
	local s v
	printf 'a,b\n1,2\n' >in.csv
	for s in csv sse paragraph cdc; do
		run --separate-stderr sg-chunk --part 1/2 -s "$s" in.csv
		assert_failure 64
		assert_output ''
		assert_stderr --partial "$s"
	done
	printf '[1, 2, 3]\n' >arr.json
	run --separate-stderr sg-chunk --part 1/2 -s json arr.json
	assert_failure 64
	assert_output ''
	# Every part refuses, not only the one that starts at the '['.
	{ printf '  \n[1,\n'; seq 1000 | sed 's/$/,/'; printf '2]\n'; } >arr2.json
	run --separate-stderr sg-chunk --part 2/2 -s json arr2.json
	assert_failure 64
	assert_output ''
	printf '{"a": 1}\n' >obj.json
	run --separate-stderr sg-chunk --part 1/2 -s json --array obj.json
	assert_failure 64
	run --separate-stderr bash -c 'printf "a\nb\n" | sg-chunk --part 1/2 -s lines'
	assert_failure 64
	assert_output ''
	run --separate-stderr bash -c 'printf "a\nb\n" | sg-chunk --part 1/2 -s lines -'
	assert_failure 64
	for v in 0/3 4/3 x 1/0 /3 3/ -1/3 1/3x 1//3 ''; do
		run --separate-stderr sg-chunk --part "$v" -s lines in.csv
		[ "$status" -eq 64 ] || fail "--part '$v': exit $status, want 64"
		assert_output ''
		assert_stderr --partial "'$v'"
	done
}

# ================================================================ options

@test "every strategy option on a strategy that does not read it exits 64 naming it" {
	local s opt arg own bad=() st
	printf 'a\n' >in
	# option, its argument (or -), the strategy that reads it.
	while read -r opt arg own; do
		for s in bytes utf8 lines paragraph json csv sse delim cdc; do
			[ "$s" = "$own" ] && continue
			local args=(-s "$s")
			[ "$s" = delim ] && [ "$opt" != -d ] && args+=(-d x)
			if [ "$arg" = - ]; then args+=("$opt"); else args+=("$opt" "$arg"); fi
			sg-chunk "${args[@]}" in >out 2>err && st=0 || st=$?
			if [ "$st" -ne 64 ]; then
				bad+=("sg-chunk ${args[*]}: exit $st, want 64")
			elif [ -s out ]; then
				bad+=("sg-chunk ${args[*]}: wrote to stdout")
			elif ! grep -qF -- "${opt}" err; then
				bad+=("sg-chunk ${args[*]}: the message does not name $opt: $(head -c 200 err)")
			fi
		done
	done <<-'EOF'
		--header - csv
		--validate - json
		--array - json
		--until-done - sse
		--overlap 10 paragraph
		--min 64K cdc
		--avg 256K cdc
		--max 1M cdc
		-d x delim
	EOF
	report_bad "${bad[@]}"
}

@test "the options of the brief's list exit 64: --header -s lines, --validate -s csv, --overlap -s json, --until-done -s json, --array -s csv, -d x -s json" {
	printf 'a\n' >in
	run --separate-stderr sg-chunk --header -s lines in
	assert_failure 64
	run --separate-stderr sg-chunk --validate -s csv in
	assert_failure 64
	run --separate-stderr sg-chunk --overlap 10 -s json in
	assert_failure 64
	run --separate-stderr sg-chunk --until-done -s json in
	assert_failure 64
	run --separate-stderr sg-chunk --array -s csv in
	assert_failure 64
	run --separate-stderr sg-chunk -d x -s json in
	assert_failure 64
	run --separate-stderr sg-chunk -s cdc -n 1 in
	assert_failure 64
	# Bad values of the new options.
	run --separate-stderr sg-chunk -s paragraph --overlap x in
	assert_failure 64
	assert_stderr --partial "'x'"
	run --separate-stderr sg-chunk -s paragraph -b 100 --overlap 100 in
	assert_failure 64
	run --separate-stderr sg-chunk -s cdc --min 0 in
	assert_failure 64
}

@test "--help lists every strategy and no strategy is still '(not yet)'" {
	run --separate-stderr sg-chunk --help
	assert_success
	local s
	for s in lines bytes utf8 paragraph json csv sse delim cdc; do
		assert_line --regexp "^ +$s +"
	done
	refute_output --partial '(not yet)'
}

# ================================================================
# README recipes

# The recipes of README.md, on small local files instead of real exports.

@test "README: NDJSON in chunks of 1000 records, round trip" {
	python3 "$PY" gen-ndjson events.ndjson "$MID" 9
	sg-chunk -s json -n 1000 events.ndjson | sg-encode | sg-decode >same.ndjson
	cmp same.ndjson events.ndjson
}

@test "README: a CSV export in chunks that each start with the header" {
	python3 "$PY" gen-csv export.csv 100000 2
	head -n 1 export.csv | tr -d '\r\n' >header
	sg-chunk -s csv --header -b 1K export.csv | sg-encode --json | jq -r 'select(.type=="data").text' >chunks.txt
	# Every chunk starts with the header line.
	sg-chunk -s csv --header -b 1K export.csv | sg-encode --json |
	    jq -r --arg h "$(cat header)" 'select(.type=="data") | .text | startswith($h)' | sort -u >starts
	[ "$(cat starts)" = true ] || fail "chunks not starting with the header: $(cat starts)"
	[ "$(grep -c "^$(cat header)" chunks.txt)" -gt 10 ]
}

@test "README: an LLM stream, one event per line of JSON, until [DONE]" {
	local f=$SSE/captures/openai-chat-stream-short.sse
	cat "$f" "$f" >stream.sse
	run --separate-stderr bash -c 'cat stream.sse | sg-chunk -s sse -n 1 --until-done | sg-encode --json | jq -c "select(.type==\"data\")"'
	assert_success
	# The events of the first copy, the last one [DONE].
	[ "${#lines[@]}" -eq "$(grep -c '^data: ' "$f")" ]
	[[ ${lines[-1]} == *'"text":"data: [DONE]\n\n"'* ]] || fail "last: ${lines[-1]}"
	[[ $stderr =~ $(file_size "$f") ]] || fail "no warning naming the $(file_size "$f") dropped bytes: $stderr"
}

@test "README: a document in 2K chunks overlapping by 200 bytes, for embeddings" {
	head -c 60000 "$CORPORA/text/wikipedia_mars/czech.utf8.txt" | iconv -f utf-8 -t utf-8 -c >doc.txt
	sg-chunk -s paragraph -b 2K --overlap 200 doc.txt | sg-encode --json | jq -r 'select(.type=="data").text' >chunks.txt
	[ "$(wc -c <chunks.txt)" -gt "$(wc -c <doc.txt)" ]
	sg-chunk -s paragraph -b 2K --overlap 200 doc.txt | sg-decode | cmp - doc.txt
}

@test "README: file names from find -print0, 100 a chunk" {
	mkdir -p tree/a\ b tree/$'new\nline'
	touch tree/x tree/a\ b/y tree/$'new\nline'/z
	find tree -type f -print0 >names0
	find tree -type f -print0 | sg-chunk -d '\0' -n 100 | sg-decode | cmp - names0
	run bash -c "find ./tree -type f -print0 | sg-chunk -d '\\0' -n 100 | sg-decode | xargs -0 ls -d"
	assert_success
	assert_line './tree/x'
}

@test "README: dedup count of a backup with a repeated region" {
	python3 -c 'import random, sys; r = random.Random(3); a = r.randbytes(4 << 20); sys.stdout.buffer.write(r.randbytes(1 << 20) + a + r.randbytes(123) + a)' >backup.tar
	run bash -c "sg-chunk -s cdc backup.tar | sg-decode -l | jq -r 'select(.type==\"data\").checksum' | sort | uniq -d | wc -l"
	assert_success
	[ "$output" -gt 0 ] || fail "no duplicate chunk in a file that repeats 4 MiB"
}

@test "README: 8 parts of an NDJSON file with GNU parallel" {
	python3 "$PY" gen-ndjson big.ndjson "$MID" 10
	seq 8 | parallel -j2 -k sg-chunk --part {}/8 -s json big.ndjson | sg-decode | cmp - big.ndjson
}
