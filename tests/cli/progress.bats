#!/usr/bin/env bats
# sg-progress: byte-for-byte pass-through (raw bytes and sg frames), log
# lines and the summary off a terminal, NDJSON events (--json, --events to
# a file or a FIFO) and their numbers against a throttled producer (pv),
# the true total of compressed input from PROGRESS frames, a stalled
# producer, a reader that goes away, signals, usage errors, and two meters
# sharing one terminal (tmux).

load test_helper

if [ -n "${SG_SANITIZED:-}" ]; then
	RAND_SIZE=$((4 << 20))   # R; the 1 GiB pass-through becomes 64 MiB
	NDJSON_SIZE=24000000     # the .gz test's text
	NDJSON_RATE=8M
else
	RAND_SIZE=$((64 << 20))
	NDJSON_SIZE=50000000
	NDJSON_RATE=16M
fi

# The summary at the end (LABEL: is filled in by summary_re):
#   sg-progress: [LABEL: ]N[/T] bytes (H[, P%]) in X s, R average[, F frames, S sources]
UNIT='(B|KiB|MiB|GiB|TiB)'
summary_re() {
	local label=${1:+$1: }
	printf '^sg-progress: %s[0-9]+(/[0-9]+)? bytes \\([0-9.]+ %s(, [0-9]+\\.[0-9]%%)?\\) in [0-9]+\\.[0-9] s, [0-9.]+ %s/s average(, [0-9]+ frames?, [0-9]+ sources?)?$' \
	    "$label" "$UNIT" "$UNIT"
}

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	# R: random bytes (any byte value, NULs included).
	head -c "$RAND_SIZE" /dev/urandom >R
	# text: 10.9 MB of lines, for sg streams.
	seq 1 1500000 >text
}

setup() {
	sg_setup
	IN=$BATS_FILE_TMPDIR
	[ -x "$SG_BIN/sg-progress" ] || { fail "no sg-progress in SG_BIN=$SG_BIN"; return 1; }
	BG_PIDS=()
	TMUX_SOCK=
	# sg-chunk names a source by its path as given: "text".
	ln -s "$IN/text" text
}

teardown() {
	# End only what this test started: its background processes and its
	# own tmux server.
	local p
	for p in "${BG_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	exec 7>&- || true
	if [ -n "${TMUX_SOCK:-}" ]; then
		tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
		rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCK"
	fi
}

# ---------------------------------------------------------------- helpers

# pipe_ok 'PIPELINE': runs PIPELINE under bash (stdout to po.out, stderr to
# po.err), and fails with every stage's exit status unless all are 0.
# stderr is left for the test to judge (sg-progress writes its summary).
pipe_ok() {
	local st
	bash -c "$1"'; echo "${PIPESTATUS[*]}" >po.status' >po.out 2>po.err
	st=$(cat po.status)
	if [[ $st =~ [1-9] ]]; then
		fail "$(printf '%s\nexit statuses: %s\nstderr:\n%s' "$1" "$st" "$(head -c 1000 po.err)")"
		return 1
	fi
}

# events_ok FILE [LABEL]: FILE is NDJSON events, every one complete (newline
# ended) with exactly the keys, in order, of sg_meter_json and values of the
# right types and formats (time RFC 3339 UTC with milliseconds, within a
# minute of now; percent and eta_s with one decimal; rate a whole number);
# only the last one has "done": true. With LABEL, every label is it.
events_ok() {
	local f=$1 label=${2-} now
	now=$(date -u +%s)
	[ -s "$f" ] || { fail "no events in $f"; return 1; }
	[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] ||
		{ fail "the last event in $f does not end with a newline"; return 1; }
	jq -e -s --argjson now "$now" --arg lbl "$label" '
	    length >= 1
	    and all(.[];
		keys_unsorted == ["time", "label", "source", "name", "bytes", "total",
				  "percent", "rate", "eta_s", "frames", "sources", "done"]
		and (.time | type == "string"
		     and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$")
		     and ((.[0:19] + "Z" | fromdateiso8601) - $now | fabs) < 60)
		and (if $lbl == "" then .label == null else .label == $lbl end)
		and (.source == null or (.source | type == "number" and . >= 0 and floor == .))
		and (.name == null or (.name | type == "string"))
		and (.bytes | type == "number" and . >= 0 and floor == .)
		and (.total == null or (.total | type == "number" and . >= 0 and floor == .))
		and (.percent == null or (.percent | type == "number" and . >= 0 and . <= 100))
		and (.rate | type == "number" and . >= 0 and floor == .)
		and (.eta_s == null or (.eta_s | type == "number" and . >= 0))
		and (.frames | type == "number" and . >= 0 and floor == .)
		and (.sources | type == "number" and . >= 0 and floor == .)
		and (.done | type == "boolean"))
	    and (.[-1].done == true) and all(.[:-1][]; .done == false)' "$f" >/dev/null ||
		{ fail "$(printf 'bad events in %s:\n%s' "$f" "$(head -c 3000 "$f")")"; return 1; }
	# Number formats, on the text itself (jq would hide them).
	if grep -Ev '"percent":(null|[0-9]+\.[0-9]),"rate":[0-9]+,"eta_s":(null|[0-9]+\.[0-9]),' "$f" >fmt.bad; then
		fail "$(printf 'events with a badly formatted percent, rate or eta_s:\n%s' "$(head -5 fmt.bad)")"
		return 1
	fi
}

# jq_true FILE DESCRIPTION FILTER [JQ_ARG...]: FILTER (over the slurped
# events of FILE) is true, or the test fails saying DESCRIPTION and showing
# the events.
jq_true() {
	local f=$1 what=$2 filter=$3
	shift 3
	jq -e -s "$@" "$filter" "$f" >/dev/null ||
		{ fail "$(printf '%s\nevents:\n%s' "$what" "$(jq -c '[.time, .bytes, .total, .percent, .rate, .eta_s, .frames, .done]' "$f" 2>&1 | head -40)")"; return 1; }
}

# The events' time as seconds (with milliseconds), for jq.
JQ_T='def t: (.time[0:19] + "Z" | fromdateiso8601) + (.time[20:23] | tonumber) / 1000;'

# The percent an event must show (sg-progress(1)): bytes of total rounded to
# one decimal, but 100.0 only when complete.
JQ_PCT='def pct: if .bytes >= .total then 100
	else ([(.bytes * 1000 / .total | round), 999] | min) / 10 end;'

# wait_for SECONDS COMMAND...: until COMMAND succeeds (every 0.1 s);
# fails when SECONDS pass first.
wait_for() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# ------------------------------------------------------------ options

@test "--help and -h: usage on stdout naming every option, exit 0, nothing on stderr" {
	local opt o
	for opt in --help -h; do
		run --separate-stderr sg-progress "$opt"
		assert_success
		assert_line --index 0 --regexp '^usage: sg-progress '
		for o in --json --events --interval --label --raw -s, --size -h, --help -V, --version; do
			assert_output --partial -- "$o"
		done
		assert_output --partial 'Exit status'
		assert_stderr ''
	done
}

@test "--version and -V: 'sg-progress (sg) X.Y.Z' on stdout, exit 0" {
	local opt
	for opt in --version -V; do
		run --separate-stderr sg-progress "$opt"
		assert_success
		assert_output --regexp '^sg-progress \(sg\) [0-9]+\.[0-9]+\.[0-9]+$'
		assert_stderr ''
	done
}

@test "usage errors exit 64, copy nothing and say why: bad --interval, -s, --label, an unknown option" {
	local v
	printf 'payload\n' >in
	for v in 0 -1 abc '' 0.001 0.009 86401 1e9 nan inf 1s; do
		run --separate-stderr sg-progress --interval "$v" in
		[ "$status" -eq 64 ] || fail "--interval '$v': exit $status, want 64"
		assert_output ''
		assert_stderr --partial "'$v'"
		assert_stderr --regexp '^sg-progress: '
		assert_stderr --partial 'usage: sg-progress'
		run --separate-stderr sg-progress --interval="$v" in
		[ "$status" -eq 64 ] || fail "--interval='$v': exit $status, want 64"
	done
	for v in abc -1 1X ''; do
		run --separate-stderr sg-progress -s "$v" in
		[ "$status" -eq 64 ] || fail "-s '$v': exit $status, want 64"
		assert_output ''
		assert_stderr --partial "'$v'"
	done
	run --separate-stderr sg-progress --label "$(head -c 1025 /dev/zero | tr '\0' x)" in
	assert_failure 64
	assert_output ''
	assert_stderr --partial 'label'
	for v in --bogus -x --interval --label -s --events; do
		run --separate-stderr sg-progress "$v"
		[ "$status" -eq 64 ] || fail "'$v': exit $status, want 64"
		assert_output ''
		assert_stderr --partial 'usage: sg-progress'
	done
	run --separate-stderr sg-progress --bogus in
	assert_failure 64
	assert_stderr --partial 'bogus'
}

@test "good --interval and -s values are accepted: 0.01, 86400, 2.5; 4000, 4K, 1M" {
	local v
	printf 'payload\n' >in
	for v in 0.01 86400 2.5 1 1.0; do
		run --separate-stderr sg-progress --interval "$v" in
		assert_success
		assert_output 'payload'
		# A run shorter than an interval writes the summary only.
		[ "$v" = 0.01 ] || assert_one_stderr_line "$(summary_re)"
	done
	for v in 4000=4000 4K=4096 4k=4096 4KB=4096 4KiB=4096 64kiB=65536 1M=1048576 2G=2147483648 0=0; do
		run --separate-stderr sg-progress --json -s "${v%=*}" in
		assert_success
		assert_output 'payload'
		[ "$(jq -r .total <<<"$stderr")" = "${v#*=}" ] ||
			fail "-s ${v%=*}: total $(jq -r .total <<<"$stderr"), want ${v#*=}"
	done
}

@test "--interval takes a decimal number only: not hexadecimal, no blanks" {
	local v
	printf 'payload\n' >in
	for v in 0x1 0x1p-3 ' 1' $'\t2'; do
		run --separate-stderr sg-progress --interval "$v" in
		[ "$status" -eq 64 ] || fail "--interval '$v': exit $status, want 64"
		assert_output ''
		assert_stderr --partial "'$v'"
	done
}

@test "--events to a path that cannot be opened: exit 66, naming it, before copying anything" {
	run --separate-stderr bash -c 'printf x | sg-progress --events no/such/dir/ev'
	assert_failure 66
	assert_output ''
	assert_one_stderr_line '^sg-progress: .*no/such/dir/ev'
}

# ------------------------------------------------------------ pass-through

@test "raw bytes pass through byte for byte: 1 GiB as 16 FILE arguments (64 MiB sanitized)" {
	local args=() i st total=$((16 * RAND_SIZE))
	for ((i = 0; i < 16; i++)); do args+=("$IN/R"); done
	sg-progress "${args[@]}" 2>err | cmp - <(cat "${args[@]}") >cmp.out 2>&1 &&
	    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[*]}" = "0 0" ] || fail "exit: sg-progress ${st[0]}, cmp ${st[1]}: $(cat cmp.out err)"
	run tail -n 1 err
	assert_output --regexp "$(summary_re)"
	assert_output --regexp "^sg-progress: $total bytes "
	# No carriage return, no escape, off a terminal.
	! grep -q $'[\r\033]' err || fail "a CR or ESC on stderr: $(od -c err | head)"
}

@test "raw bytes on stdin (a pipe) and '-' pass through; FILE arguments concatenate like cat" {
	local st
	cat "$IN/R" | sg-progress 2>err | cmp - "$IN/R" && st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[*]}" = "0 0 0" ] || fail "stdin pipe: exit ${st[*]}: $(cat err)"
	printf 'one\n' >a
	printf 'two\000\n' >b
	: >empty
	printf 'three' | sg-progress a - empty b - >out 2>err
	# The second '-' finds stdin at its end.
	printf 'one\nthree' >want
	cat b >>want
	cmp out want || fail "$(printf 'got:\n%s' "$(od -c out)")"
	run cat err
	assert_output --regexp "$(summary_re)"
	assert_output --regexp "^sg-progress: $(file_size want) bytes "
	# Regular files only: the total is their sizes, and the last event says so.
	sg-progress --json a b empty >out 2>ev
	events_ok ev
	jq_true ev "total and bytes are the files' sizes (9)" \
	    '.[-1] | .bytes == 9 and .total == 9 and .percent == 100 and .eta_s == 0'
}

@test "a missing FILE: exit 66, one message naming it, the other files still copied" {
	printf 'one\n' >a
	printf 'two\n' >b
	run --separate-stderr sg-progress a missing b
	assert_failure 66
	assert_output "$(printf 'one\ntwo')"
	# One error line (naming the file) and the summary, nothing else.
	[ "$(grep -c . <<<"$stderr")" -eq 2 ] || fail "$(printf 'want 2 lines on stderr:\n%s' "$stderr")"
	local output=$stderr lines=("${stderr_lines[@]}")
	assert_line --index 0 --regexp '^sg-progress: missing: '
	assert_line --index 1 --regexp "$(summary_re)"
	assert_line --index 1 --regexp '^sg-progress: 8 bytes '
	# Every one missing: 66, nothing copied.
	run --separate-stderr sg-progress missing1 missing2
	assert_failure 66
	assert_output ''
	[ "$(grep -c '^sg-progress: missing[12]: ' <<<"$stderr")" -eq 2 ] || fail "$stderr"
}

@test "sg frames pass through unchanged: the frames themselves and chunk|encode|progress|decode" {
	local n
	sg-chunk text >a.sg
	sg-progress a.sg 2>err | cmp - a.sg || fail "frames changed: $(cat err)"
	pipe_ok "sg-chunk $IN/text | sg-encode | sg-progress | sg-decode | cmp - $IN/text"
	run cat po.err
	assert_output --regexp "$(summary_re)"
	# The meter counts the source's bytes, not the (compressed) frames' bytes.
	assert_output --regexp "^sg-progress: $(file_size "$IN/text") bytes .*, [0-9]+ frames, 1 source$"
	n=$(sg-decode --list a.sg | wc -l)
	assert_output --regexp ", $n frames, 1 source$"
	# Many tiny frames, with an overlap the meter must not count twice.
	sg-chunk -s paragraph -b 4K --overlap 100 text >p.sg
	sg-progress --json p.sg 2>ev | cmp - p.sg
	events_ok ev
	n=$(sg-decode --list p.sg | wc -l)
	jq_true ev "overlap: bytes must be the file's size $(file_size "$IN/text"), frames $n" \
	    '.[-1] | .bytes == $size and .total == $size and .frames == $n and .sources == 1
	     and .name == "text" and .source == 0 and .percent == 100' \
	    --argjson size "$(file_size "$IN/text")" --argjson n "$n"
}

@test "sg frames of several sources: total is the sum of BEGIN sizes; frames, sources and name follow" {
	local n total
	head -c 300000 "$IN/text" >first
	: >empty
	sg-chunk -b 4K first empty text >m.sg
	total=$(($(file_size first) + $(file_size "$IN/text")))
	n=$(sg-decode --list m.sg | wc -l)
	sg-progress --json m.sg 2>ev | cmp - m.sg
	events_ok ev
	jq_true ev "want bytes == total == $total, $n frames, 3 sources, last source 'text' (2)" \
	    '.[-1] | .bytes == $t and .total == $t and .frames == $n and .sources == 3
	     and .source == 2 and .name == "text"' --argjson t "$total" --argjson n "$n"
	# On a pipe BEGIN has no size: the total is unknown until the end, or -s.
	pipe_ok "cat $IN/text | sg-chunk | sg-progress --json --interval 0.01 2>ev >/dev/null"
	events_ok ev
	jq_true ev "a pipe: total null before the end, the byte count at the end" \
	    '(.[:-1] | all(.[]; .total == null and .percent == null and .eta_s == null))
	     and (.[-1] | .total == .bytes and .bytes == $s and .name == "-")' \
	    --argjson s "$(file_size "$IN/text")"
	cat "$IN/text" | sg-chunk | sg-progress --json -s 5000 2>ev >/dev/null
	jq_true ev "-s 5000 is the total of a stream without sizes" '.[-1].total == 5000'
}

# ------------------------------------------------------------ log lines

@test "off a terminal: one log line per interval, no CR, then the summary (with a label)" {
	local t0 t1 n max size=$((4 << 20))
	head -c "$size" "$IN/R" >in
	t0=$(date +%s%N)
	pv -qL 4M in | sg-progress --interval 0.2 --label lg -s "$size" 2>err | cmp - in
	t1=$(date +%s%N)
	! grep -q $'\r' err || fail "a carriage return on stderr"
	! grep -q $'\033' err || fail "an escape on stderr"
	n=$(($(wc -l <err) - 1))
	# About 1 s at 0.2 s a line: several, and never more than one an interval.
	max=$(((t1 - t0) / 200000000 + 1))
	[ "$n" -ge 3 ] && [ "$n" -le "$max" ] ||
		fail "$(printf '%d log lines in %d ms (want 3..%d):\n%s' "$n" $(((t1 - t0) / 1000000)) "$max" "$(cat err)")"
	head -n "$n" err >log
	# sg-progress: lg: 1048576/4194304 bytes (25.0%), 4.00 MiB/s, ETA 3 s, 0 frames, 0 sources
	if grep -Ev "^sg-progress: lg: [0-9]+/$size bytes \\([0-9]+\\.[0-9]%\\), [0-9.]+ $UNIT/s, ETA ([0-9]+ s|\\?), 0 frames, 0 sources$" log >bad; then
		fail "$(printf 'bad log lines:\n%s' "$(cat bad)")"
	fi
	# The bytes never go back.
	sed 's|^sg-progress: lg: \([0-9]*\)/.*|\1|' log | sort -c -n || fail "bytes go back: $(cat log)"
	run tail -n 1 err
	assert_output --regexp "$(summary_re lg)"
	assert_output --regexp "^sg-progress: lg: $size bytes \\(4\\.00 MiB\\) in "
	# A label's control bytes do not break the line.
	printf 'x' | sg-progress --label $'a\nb\001c' 2>err >/dev/null
	[ "$(wc -l <err)" -eq 1 ] || fail "$(printf 'a label with a newline split the summary:\n%s' "$(cat err)")"
	grep -q '^sg-progress: a?b?c: 1 bytes ' err || fail "$(cat err)"
}

@test "a short input against -s: the summary says how far it got; -s too small is 100%" {
	head -c 1000 "$IN/R" | sg-progress -s 4000 2>err >/dev/null
	run cat err
	assert_output --regexp '^sg-progress: 1000/4000 bytes \(1000 B, 25\.0%\) in [0-9.]+ s, '
	head -c 1000 "$IN/R" | sg-progress --json -s 4000 2>ev >/dev/null
	events_ok ev
	jq_true ev "short: percent 25, eta null" \
	    '.[-1] | .bytes == 1000 and .total == 4000 and .percent == 25 and .eta_s == null'
	head -c 1000 "$IN/R" | sg-progress --json -s 10 2>ev >/dev/null
	events_ok ev
	jq_true ev "over: percent capped at 100" '.[-1] | .bytes == 1000 and .percent == 100'
	# Empty input: 0 of 0 is done.
	sg-progress --json </dev/null 2>ev >out
	[ ! -s out ] || fail "output from empty input"
	events_ok ev
	jq_true ev "empty: 0 bytes, 100%" '.[-1] | .bytes == 0 and .total == 0 and .percent == 100'
	: >empty
	sg-chunk empty | sg-progress --json 2>ev >/dev/null
	jq_true ev "an empty source: BEGIN and END, 100%" \
	    '.[-1] | .bytes == 0 and .frames == 2 and .sources == 1 and .percent == 100'
}

# ------------------------------------------------------------ events

@test "--json: NDJSON events on stderr with exactly the keys, once an interval, the last done" {
	local n
	sg-chunk text >a.sg
	n=$(sg-decode --list a.sg | wc -l)
	pv -qL 10M a.sg | sg-progress --json --interval 0.25 --label 'L "x"' 2>ev | cmp - a.sg
	events_ok ev 'L "x"'
	# Only events on stderr: no log line, no summary.
	! grep -v '^{' ev || fail "non-JSON lines on stderr with --json"
	jq_true ev "about 1 s at 0.25 s: 3 or more events before the last" \
	    '[.[] | select(.done | not)] | length >= 3'
	jq_true ev "the scanner follows frames across reads: $n frames, bytes the text's" \
	    '.[-1] | .frames == $n and .sources == 1 and .bytes == $s and .total == $s
	     and .source == 0 and .name == "text" and .percent == 100 and .eta_s == 0' \
	    --argjson n "$n" --argjson s "$(file_size "$IN/text")"
	jq_true ev "bytes, frames and percent never go back" \
	    '[.[].bytes] == ([.[].bytes] | sort) and [.[].frames] == ([.[].frames] | sort)
	     and ([.[].percent] | map(select(. != null))) == ([.[].percent] | map(select(. != null)) | sort)'
	jq_true ev "percent is bytes/total rounded to one decimal, 100.0 only when complete" \
	    "$JQ_PCT"' all(.[] | select(.total != null and .total > 0); .percent == pct)'
	# The time is UTC whatever the time zone (events_ok: within a minute of
	# now in UTC; the zone is 5:30 away).
	printf 'x' | TZ=IST-5:30 sg-progress --json 2>ev >/dev/null
	events_ok ev
	# Labels and names are JSON-escaped; a name that is not UTF-8 gets U+FFFD.
	printf 'x' | sg-progress --json --label $'q"\\\n\001é' 2>ev >/dev/null
	events_ok ev $'q"\\\n\001é'
	local name=$'n"a\\m\te\001'
	printf 'x\n' >"$name"
	sg-chunk "$name" | sg-progress --json 2>ev >/dev/null
	events_ok ev
	jq_true ev "the name, escaped" '.[-1].name == $name' --arg name "$name"
	printf 'x\n' >$'bad\377name'
	sg-chunk $'bad\377name' | sg-progress --json 2>ev >/dev/null
	events_ok ev
	grep -q '"name":"bad\\ufffdname"' ev || fail "$(printf 'want U+FFFD for the byte 0xFF:\n%s' "$(cat ev)")"
}

@test "--events FILE: the events go there (truncating it), log lines and summary stay on stderr" {
	echo 'old junk that must go' >ev.ndjson
	pv -qL 4M "$IN/text" | head -c 4000000 | sg-progress --events ev.ndjson --interval 0.2 2>err | cmp - <(head -c 4000000 "$IN/text")
	events_ok ev.ndjson
	! grep -q junk ev.ndjson || fail "--events did not truncate"
	jq_true ev.ndjson "several events and the last at 4000000" \
	    'length >= 3 and .[-1].bytes == 4000000'
	! grep -q '^{' err || fail "$(printf 'events on stderr too:\n%s' "$(cat err)")"
	run tail -n 1 err
	assert_output --regexp "$(summary_re)"
	[ "$(wc -l <err)" -ge 3 ] || fail "$(printf 'want log lines on stderr:\n%s' "$(cat err)")"
}

@test "--events FIFO: a reader (cat) in the background gets every event as it comes" {
	local catpid st
	mkfifo ev.fifo
	cat ev.fifo >got.ndjson 3>&- &
	catpid=$!
	BG_PIDS+=("$catpid")
	pv -qL 4M "$IN/text" | head -c 4000000 |
	    timeout 20 sg-progress --events ev.fifo --interval 0.2 2>err | cmp - <(head -c 4000000 "$IN/text") &&
	    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[2]}" -eq 0 ] && [ "${st[3]}" -eq 0 ] ||
		fail "exit: sg-progress ${st[2]}, cmp ${st[3]}: $(cat err)"
	wait_for 5 eval '! kill -0 '"$catpid"' 2>/dev/null' || fail "cat still reads the FIFO"
	events_ok got.ndjson
	jq_true got.ndjson "several events through the FIFO, the last done at 4000000" \
	    '([.[] | select(.done | not)] | length) >= 3 and .[-1].bytes == 4000000 and .[-1].done'
}

@test "--events FIFO whose reader goes away: later events are lost, the copy goes on, exit 0" {
	local catpid st
	mkfifo ev.fifo
	head -n 1 ev.fifo >first.ndjson 3>&- &
	catpid=$!
	BG_PIDS+=("$catpid")
	pv -qL 4M "$IN/text" | head -c 4000000 |
	    timeout 20 sg-progress --events ev.fifo --interval 0.2 2>err | cmp - <(head -c 4000000 "$IN/text") &&
	    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[2]}" -eq 0 ] && [ "${st[3]}" -eq 0 ] ||
		fail "exit: sg-progress ${st[2]}, cmp ${st[3]}: $(cat err)"
	jq_true first.ndjson "the reader got the first event" \
	    'length == 1 and .[0].done == false and .[0].bytes > 0 and (.[0] | keys_unsorted | length) == 12'
	run cat err
	refute_output --regexp '[Pp]ipe|error'
	run tail -n 1 err
	assert_output --regexp "^sg-progress: 4000000 bytes "
}

@test "throttled producer (20 MiB/s through pv, about 6 s): an event a second, rates as measured, ETA falls" {
	local total=120000000
	# 20 MiB/s as four 'pv -qL 5M' of a 30 MB file at once. One 'pv -qL 20M'
	# (pv 1.6) lets 2 MiB out about every 0.1 s and now and then a slot
	# late, so a 1-s window holds 9 or 11 of them: -10% and +10% by
	# itself, in most runs. Four streams of 512 KiB bursts sum to the same
	# rate within about 0.5% a second.
	head -c $((total / 4)) /dev/zero >z
	{
		pv -qL 5M z &
		pv -qL 5M z &
		pv -qL 5M z &
		pv -qL 5M z
		wait
	} 3>&- | sg-progress --json -s "$total" 2>ev | wc -c >count
	[ "$(cat count)" -eq "$total" ] || fail "passed $(cat count) bytes, want $total"
	events_ok ev
	jq_true ev "5 to 7 events before the last, the last done" \
	    '([.[] | select(.done | not)] | length) as $n | $n >= 5 and $n <= 7'
	jq_true ev "events 0.8 to 1.2 s apart (their time)" \
	    "$JQ_T"' [.[] | select(.done | not) | t] as $t
	    | all(range(1; $t | length); ($t[.] - $t[. - 1]) >= 0.8 and ($t[.] - $t[. - 1]) <= 1.2)'
	# Each rate is what passed since the event before, over the time since
	# it (the times have millisecond resolution: within 2%). What pv lets
	# through in a given second varies with the machine's load, so the
	# throttle itself is only checked on average: 20 MiB/s within 25%.
	jq_true ev "every rate is the bytes since the event before over the time since it" \
	    "$JQ_T"' [.[] | select(.done | not)] as $e
	    | all(range(1; $e | length);
	        (($e[.].bytes - $e[. - 1].bytes) / (($e[.] | t) - ($e[. - 1] | t))) as $r
	        | ($e[.].rate - $r | fabs) <= 0.02 * $r)'
	jq_true ev "on average 20 MiB/s (20971520 B/s) within 25%" \
	    "$JQ_T"' [.[] | select(.done | not)] as $e
	    | (($e[-1].bytes - $e[0].bytes) / (($e[-1] | t) - ($e[0] | t))) as $r
	    | ($r - 20971520 | fabs) <= 0.25 * 20971520'
	jq_true ev "percent never falls and is exactly 100 at the end, bytes == total" \
	    '[.[].percent] as $p | all(range(1; $p | length); $p[.] >= $p[. - 1])
	     and .[-1].percent == 100 and .[-1].bytes == $t and .[-1].total == $t
	     and all(.[]; .total == $t)' --argjson t "$total"
	jq_true ev "eta_s known and strictly falling before the last; 0 at the end" \
	    '[.[] | select(.done | not) | .eta_s] as $e
	     | all($e[]; . != null)
	     and all(range(1; $e | length); $e[.] < $e[. - 1])
	     and .[-1].eta_s == 0'
	jq_true ev "eta_s agrees with what is left at the rate" \
	    'all(.[] | select(.done | not); ((.total - .bytes) / .rate - .eta_s | fabs) <= 0.11)'
}

@test "compressed input chunked by sg-chunk: total is the .gz size, percent from compressed bytes" {
	local gz n
	awk -v n="$NDJSON_SIZE" 'BEGIN {
		srand(3)
		while (t < n) {
			l = sprintf("{\"id\":%d,\"user\":\"u%06d\",\"score\":%.6f,\"tags\":[\"t%d\",\"t%d\"],\"msg\":\"event %d\"}",
			    i, int(rand() * 1e6), rand(), int(rand() * 50), int(rand() * 50), i)
			print l; t += length(l) + 1; i++
		}
	}' >big
	gzip -1 -c big >big.gz
	gz=$(file_size big.gz)
	# A slow reader after sg-progress (about 3 s): sg-chunk reads the .gz
	# file, so its PROGRESS frames carry input_total, about one a second.
	sg-chunk big.gz | sg-progress --json --interval 0.3 2>ev | pv -qL "$NDJSON_RATE" >out.sg
	events_ok ev
	cmp <(sg-decode out.sg) big || fail "the stream did not decode to the input"
	n=$(sg-decode --list out.sg | wc -l)
	jq_true ev "every event's total is the .gz file's size ($gz), never the text's" \
	    'all(.[]; .total == $gz and .bytes <= $gz)' --argjson gz "$gz"
	jq_true ev "several events, one in between (0 < percent < 100)" \
	    'length >= 4 and any(.[:-1][]; .percent > 0 and .percent < 100)'
	jq_true ev "percent never falls; exactly 100 at the end with bytes == total == $gz" \
	    '[.[].percent] as $p | all(range(1; $p | length); $p[.] >= $p[. - 1])
	     and (.[-1] | .percent == 100 and .bytes == $gz and .total == $gz and .done
		  and .frames == $n and .sources == 1 and .name == "big")' \
	    --argjson gz "$gz" --argjson n "$n"
	jq_true ev "percent is the compressed bytes over the .gz size" \
	    "$JQ_PCT"' all(.[]; .percent == pct)'
}

@test "a stalled producer: events during the stall show rate 0 and eta_s null" {
	local size=$((2 << 20))
	{ head -c 1M "$IN/text"; sleep 3; head -c 1M "$IN/text"; } |
	    sg-progress --json --interval 0.5 -s "$size" 2>ev | wc -c >count
	[ "$(cat count)" -eq "$size" ] || fail "passed $(cat count) bytes"
	events_ok ev
	jq_true ev "the first event (0.5 s in, 1 MiB done) has a rate and an ETA" \
	    '.[0] | .bytes == 1048576 and .rate > 0 and .eta_s != null and .percent == 50'
	jq_true ev "at least 3 events in the stall with rate 0 and eta_s null" \
	    '[.[] | select(.done | not) | select(.bytes == 1048576 and .rate == 0 and .eta_s == null)]
	     | length >= 3'
	jq_true ev "no event in the stall keeps an old rate or ETA" \
	    '[.[1:-1][] | select(.bytes == 1048576)] | all(.[]; .rate == 0 and .eta_s == null)'
	jq_true ev "the end: 2 MiB, 100%" '.[-1] | .bytes == $s and .percent == 100' --argjson s "$size"
}

@test "--raw on an sg stream counts bytes: the stream's size, no frames" {
	sg-chunk text >a.sg
	sg-progress --raw --json a.sg 2>ev | cmp - a.sg
	events_ok ev
	jq_true ev "--raw: bytes == total == the stream's size $(file_size a.sg), 0 frames and sources" \
	    '.[-1] | .bytes == $s and .total == $s and .frames == 0 and .sources == 0
	     and .source == null and .name == null' --argjson s "$(file_size a.sg)"
	# And the same stream without --raw is followed as frames (contrast).
	sg-progress --json a.sg 2>ev >/dev/null
	jq_true ev "without --raw: frames counted" '.[-1].frames > 0 and .[-1].bytes == $s' \
	    --argjson s "$(file_size "$IN/text")"
}

# ------------------------------------------------------------ bad frames

@test "garbage after a valid sg stream: output unchanged, one warning naming frame and offset, exit 65" {
	local at
	sg-chunk text >a.sg
	{ cat a.sg; printf 'garbage after the stream\n'; } >g.sg
	run --separate-stderr bash -c 'sg-progress g.sg >out'
	assert_failure 65
	cmp out g.sg || fail "the output is not the input"
	local output=$stderr lines=("${stderr_lines[@]}")
	[ "$(grep -c . <<<"$stderr")" -eq 2 ] || fail "$(printf 'want a warning and the summary:\n%s' "$stderr")"
	assert_line --index 1 --regexp "$(summary_re)"
	# Like sg-decode, the warning names the frame and its offset.
	assert_line --index 0 --regexp "^sg-progress: g\\.sg: frame [0-9]+ at offset $(file_size a.sg): bad magic 0x[0-9A-Fa-f]{8}: not an sg frame; counting bytes from here on\$"
	# A stream that ends inside a frame (its END): the same, 65 and a warning.
	head -c $(($(file_size a.sg) - 7)) a.sg >t.sg
	run --separate-stderr bash -c 'sg-progress t.sg >out'
	assert_failure 65
	cmp out t.sg || fail "the output is not the input"
	lines=("${stderr_lines[@]}")
	output=$stderr
	[ "${#lines[@]}" -eq 2 ] || fail "$(printf 'want a warning and the summary:\n%s' "$stderr")"
	at=$(sg-decode --list a.sg | jq -s '.[-1].at')
	assert_line --index 0 --regexp "^sg-progress: t\\.sg: frame [0-9]+ at offset $at: truncated"
	assert_line --index 1 --regexp "$(summary_re)"
	# A header checksum that fails mid-stream: the same.
	at=$(frame_at a.sg 3)
	flip_bit a.sg h.sg $((at + 20)) 0
	run --separate-stderr bash -c 'sg-progress h.sg >out'
	assert_failure 65
	cmp out h.sg || fail "the output is not the input"
	[[ ${stderr_lines[0]} == "sg-progress: h.sg: frame 3 at offset $at: header checksum mismatch; counting bytes from here on" ]] ||
		fail "$(printf 'want the header checksum warning for frame 3 at %s:\n%s' "$at" "$stderr")"
	# On stdin the warning names '(stdin)'.
	run --separate-stderr bash -c 'sg-progress <g.sg >out'
	assert_failure 65
	cmp out g.sg || fail "the output is not the input"
	assert_stderr --regexp '^sg-progress: \(stdin\): frame [0-9]+ at offset '
	# A corrupt DATA payload passes unnoticed (sg-decode's job).
	flip_bit a.sg p.sg $(($(frame_at a.sg 3) + 100)) 0
	run --separate-stderr bash -c 'sg-progress p.sg >out'
	assert_success
	cmp out p.sg || fail "the output is not the input"
	# Raw input that is not sg frames is never a warning.
	run --separate-stderr bash -c "sg-progress $IN/R >/dev/null"
	assert_success
	assert_one_stderr_line "$(summary_re)"
}

@test "after a bad frame the count goes on in bytes from that frame on" {
	local at before size
	sg-chunk text >a.sg
	at=$(frame_at a.sg 3)
	before=$(sg-decode --list a.sg |
	    jq -s --argjson at "$at" '[.[] | select(.at < $at and .type == "data") | .size - .context] | add')
	flip_bit a.sg h.sg $((at + 20)) 0
	size=$(file_size h.sg)
	sg-progress --json h.sg 2>ev >/dev/null || true
	grep '^{' ev >events
	jq_true events "want $before bytes of frames + $((size - at)) from the bad frame on" \
	    '.[-1].bytes == $want' --argjson want $((before + size - at))
	# Garbage after a whole stream counts too.
	{ cat a.sg; printf 'garbage after the stream\n'; } >g.sg
	sg-progress --json g.sg 2>ev >/dev/null || true
	grep '^{' ev >events
	jq_true events "want the text's bytes + the 25 of garbage" \
	    '.[-1].bytes == $want' --argjson want $(($(file_size "$IN/text") + 25))
}

@test "a first read shorter than the sg magic: counted as raw bytes (sg-progress(1) CAVEATS)" {
	local n
	sg-chunk text >a.sg
	{ head -c 2 a.sg; sleep 0.3; tail -c +3 a.sg; } | sg-progress --json 2>ev | cmp - a.sg
	events_ok ev
	jq_true ev "raw: bytes == the stream's size, no frames" \
	    '.[-1] | .frames == 0 and .sources == 0 and .bytes == $s' --argjson s "$(file_size a.sg)"
	# With the magic in the first read, frames (contrast).
	n=$(sg-decode --list a.sg | wc -l)
	{ head -c 4 a.sg; sleep 0.3; tail -c +5 a.sg; } | sg-progress --json 2>ev | cmp - a.sg
	events_ok ev
	jq_true ev "frames: $n, and the text's bytes" '.[-1] | .frames == $n and .bytes == $s' \
	    --argjson n "$n" --argjson s "$(file_size "$IN/text")"
}

@test "two compressed inputs: PROGRESS restarts with each, the end counts the last (sg-progress(1) CAVEATS)" {
	seq 1 800000 >a
	seq 1 300000 >b
	gzip -1 -c a >a.gz
	gzip -1 -c b >b.gz
	sg-chunk a.gz b.gz | sg-progress --json 2>ev >/dev/null
	events_ok ev
	jq_true ev "the last event: b.gz's bytes and size, 2 sources, name b" \
	    '.[-1] | .bytes == $b and .total == $b and .sources == 2 and .name == "b" and .source == 1' \
	    --argjson b "$(file_size b.gz)"
}

# ------------------------------------------------------------ the end

@test "stdout closed early (head -c 1): no error message, dies of SIGPIPE or exits 0, no hang" {
	local st
	timeout 10 sg-progress "$IN/R" 2>err | head -c 1 >out && st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[0]}" -eq 141 ] || [ "${st[0]}" -eq 0 ] || fail "exit ${st[0]} (124: it hung): $(cat err)"
	cmp out <(head -c 1 "$IN/R") || fail "the first byte"
	! grep -Eiq 'pipe|error|write|cannot' err || fail "$(printf 'an error message:\n%s' "$(cat err)")"
	# At most the summary of how far it got (a meter's report, not an error).
	if [ -s err ]; then
		[ "$(wc -l <err)" -eq 1 ] && grep -Eq "$(summary_re)" err ||
			fail "$(printf 'stderr is not just the summary:\n%s' "$(cat err)")"
	fi
	# An endless producer on stdin.
	yes | timeout 10 sg-progress --json 2>err | head -c 1 >out && st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[1]}" -eq 141 ] || [ "${st[1]}" -eq 0 ] || fail "yes | sg-progress: exit ${st[1]} (124: it hung): $(cat err)"
	[ "$(cat out)" = y ] || fail "the first byte: $(od -c out)"
	! grep -Eiq 'pipe|error|write|cannot' err || fail "$(printf 'an error message:\n%s' "$(cat err)")"
}

@test "SIGTERM while bytes flow: the summary, then death by SIGTERM (143)" {
	local pid st
	pv -qL 2M "$IN/R" 3>&- | sg-progress -s "$RAND_SIZE" >out 2>err 3>&- &
	pid=$!
	BG_PIDS+=("$pid")
	sleep 1
	kill -TERM "$pid"
	wait_for 3 eval '! kill -0 '"$pid"' 2>/dev/null' || fail "still running 3 s after SIGTERM"
	wait "$pid" && st=0 || st=$?
	[ "$st" -eq 143 ] || fail "exit $st, want 143: $(cat err)"
	run tail -n 1 err
	assert_output --regexp "^sg-progress: [0-9]+/$RAND_SIZE bytes \\("
	# What got out is a prefix of the input.
	cmp out <(head -c "$(file_size out)" "$IN/R") || fail "the output is not a prefix of the input"
}

@test "SIGTERM, SIGINT, SIGHUP while the producer stalls: it stops at once and dies of it" {
	local pid st sig want
	mkfifo in.fifo
	for sig in TERM:143 INT:130 HUP:129; do
		want=${sig#*:}
		sig=${sig%:*}
		sg-progress --json -s 2097152 <in.fifo >out 2>ev 3>&- &
		pid=$!
		BG_PIDS+=("$pid")
		exec 7>in.fifo
		head -c 1048576 "$IN/R" >&7
		sleep 0.5
		kill -"$sig" "$pid"
		wait_for 2 eval '! kill -0 '"$pid"' 2>/dev/null' || fail "still running 2 s after SIG$sig"
		exec 7>&-
		wait "$pid" && st=0 || st=$?
		[ "$st" -eq "$want" ] || fail "SIG$sig: exit $st, want $want"
		cmp out <(head -c 1048576 "$IN/R") || fail "SIG$sig: the output is not the 1 MiB written"
		events_ok ev
		jq_true ev "SIG$sig: the last event: 1 MiB, 50%" '.[-1] | .bytes == 1048576 and .percent == 50'
	done
}

# ------------------------------------------------------------ the terminal

@test "frames refused to a terminal stdout: exit 64, nothing written; text and --raw are fine" {
	command -v script >/dev/null || skip "no script(1)"
	sg-chunk text >a.sg
	printf 'hello\n' >h
	script -qec 'sg-progress a.sg 2>err; echo "rc=$?"' /dev/null >tty.out
	[ "$(tr -d '\r' <tty.out)" = rc=64 ] || fail "$(printf 'on the terminal:\n%s' "$(od -c tty.out | head)")"
	run head -n 1 err
	assert_output --regexp '^sg-progress: .*terminal'
	script -qec 'sg-progress h 2>err; echo "rc=$?"' /dev/null >tty.out
	[ "$(tr -d '\r' <tty.out)" = "$(printf 'hello\nrc=0')" ] || fail "$(od -c tty.out | head)"
	# script(1) runs $SHELL, which CI may leave unset (/bin/sh): no bashisms here.
	script -qec '{ sg-progress --raw a.sg 2>err; echo "rc=$?" >rc; } | wc -c; cat rc' /dev/null >tty.out
	[ "$(tr -d '\r' <tty.out)" = "$(printf '%s\nrc=0' "$(file_size a.sg)")" ] || fail "$(od -c tty.out | head)"
}

# tmux_pane: the visible text of this test's pane.
tmux_pane() { tmux -L "$TMUX_SOCK" capture-pane -p -t sg; }

# Lines of the pane that are not empty.
pane_lines() { tmux_pane | grep -v '^[[:space:]]*$' || true; }

# Both meters are drawn, with a percent.
both_drawn() {
	local p
	p=$(pane_lines)
	grep -q '^first .*[0-9]\.[0-9]%' <<<"$p" && grep -q '^second .*[0-9]\.[0-9]%' <<<"$p"
}

start_tmux() {
	command -v tmux >/dev/null || skip "no tmux"
	command -v pv >/dev/null || skip "no pv"
	unset TMUX
	TMUX_SOCK=sgtest$$-$BATS_TEST_NUMBER
	mkdir -p run
	chmod 700 run
}

@test "terminal (tmux 110x12): two labelled meters, one line each, then their summaries" {
	start_tmux
	local p size=150000000
	cat >pipe.sh <<EOF
export PATH='$PATH' XDG_RUNTIME_DIR='$BATS_TEST_TMPDIR/run' LC_ALL=C
head -c $size /dev/zero | pv -qL 30M | sg-progress --label first -s $size |
    sg-progress --label second -s $size >/dev/null
echo "\${PIPESTATUS[*]}" >status.tmp && mv status.tmp status
exec sleep 60
EOF
	tmux -L "$TMUX_SOCK" new-session -d -s sg -x 110 -y 12 -c "$BATS_TEST_TMPDIR" "bash pipe.sh"
	sleep 1.5
	wait_for 5 both_drawn || fail "$(printf 'the meters did not show:\n%s' "$(tmux_pane)")"
	p=$(pane_lines)
	[ ! -e status ] || fail "the pipeline ended before the pane was read"
	[ "$(grep -c . <<<"$p")" -eq 2 ] || fail "$(printf 'want exactly 2 lines:\n%s' "$p")"
	[ "$(grep -c '^first ' <<<"$p")" -eq 1 ] && [ "$(grep -c '^second ' <<<"$p")" -eq 1 ] ||
		fail "$(printf 'want one line per label:\n%s' "$p")"
	! grep -q 'first.*second\|second.*first' <<<"$p" || fail "$(printf 'a line holds both labels:\n%s' "$p")"
	grep -q '^first .*[0-9]\.[0-9]% .*MiB/s' <<<"$p" && grep -q '^second .*[0-9]\.[0-9]% .*MiB/s' <<<"$p" ||
		fail "$(printf 'want a percent and MiB/s on each line:\n%s' "$p")"
	! grep -Eq '\[[0-9]*[A-HJKsu]|'$'\033' <<<"$p" || fail "$(printf 'escape garbage:\n%s' "$p")"
	awk 'length > 110 { exit 1 }' <<<"$p" || fail "a line wider than the terminal"
	# The end: each line became its summary, in place.
	wait_for 15 test -e status || fail "$(printf 'the pipeline did not end:\n%s' "$(tmux_pane)")"
	[ "$(cat status)" = "0 0 0 0" ] || fail "exit statuses $(cat status)"
	sleep 0.2
	p=$(pane_lines)
	[ "$(grep -c . <<<"$p")" -eq 2 ] || fail "$(printf 'want exactly the 2 summaries:\n%s' "$p")"
	grep -Eq "^sg-progress: first: $size bytes \\(143 MiB\\) in [0-9.]+ s, [0-9.]+ MiB/s average$" <<<"$p" &&
	    grep -Eq "^sg-progress: second: $size bytes \\(143 MiB\\) in [0-9.]+ s, [0-9.]+ MiB/s average$" <<<"$p" ||
		fail "$(printf 'want the summaries of first and second:\n%s' "$p")"
	! grep -Eq '\[[0-9]*[A-HJKsu]|'$'\033' <<<"$p" || fail "$(printf 'escape garbage:\n%s' "$p")"
}

@test "terminal (tmux): Ctrl-C ends both meters cleanly and leaves the terminal usable" {
	start_tmux
	local p size=150000000
	cat >pipe.sh <<EOF
head -c $size /dev/zero | pv -qL 30M | sg-progress --label first -s $size |
    sg-progress --label second -s $size >/dev/null
EOF
	chmod +x pipe.sh
	tmux -L "$TMUX_SOCK" new-session -d -s sg -x 110 -y 14 -c "$BATS_TEST_TMPDIR" \
	    "env PATH='$PATH' XDG_RUNTIME_DIR='$BATS_TEST_TMPDIR/run' LC_ALL=C PS1='$ ' bash --norc --noprofile"
	wait_for 5 eval 'tmux_pane | grep -q "^[$]"' || fail "no prompt: $(tmux_pane)"
	tmux -L "$TMUX_SOCK" send-keys -t sg 'stty -g >tty.before; ./pipe.sh' Enter
	sleep 1.5
	wait_for 5 both_drawn || fail "$(printf 'the meters did not show:\n%s' "$(tmux_pane)")"
	tmux -L "$TMUX_SOCK" send-keys -t sg C-c
	# Each meter's line becomes its summary of how far it got.
	wait_for 5 eval 'tmux_pane | grep -Eq "^sg-progress: second: [0-9]+/$size bytes"' ||
		fail "$(printf 'no summary after Ctrl-C:\n%s' "$(tmux_pane)")"
	p=$(pane_lines)
	grep -Eq "^sg-progress: first: [0-9]+/$size bytes \\([0-9.]+ MiB, [0-9.]+%\\)" <<<"$p" ||
		fail "$(printf 'no summary for first:\n%s' "$p")"
	! grep -Eq '^(first|second) ' <<<"$p" || fail "$(printf 'a meter line left behind:\n%s' "$p")"
	tmux -L "$TMUX_SOCK" send-keys -t sg 'stty -g >tty.after; echo usable-$((6*7))' Enter
	wait_for 5 eval 'tmux_pane | grep -qx "usable-42"' ||
		fail "$(printf 'the terminal does not answer:\n%s' "$(tmux_pane)")"
	# It echoed what was typed, and its modes are what they were.
	tmux_pane | grep -q 'echo usable-\$((6\*7))' || fail "$(printf 'no echo:\n%s' "$(tmux_pane)")"
	wait_for 2 test -s tty.after || fail "no stty -g output"
	cmp tty.before tty.after || fail "the terminal's modes changed: $(cat tty.before) -> $(cat tty.after)"
	! tmux_pane | grep -Eq '\[[0-9]*[A-HJKsu]|'$'\033' || fail "$(printf 'escape garbage:\n%s' "$(tmux_pane)")"
}

@test "terminal (tmux 80x12): a summary wider than the terminal does not overwrite the other meter's" {
	start_tmux
	local p
	cat >pipe.sh <<EOF
export PATH='$PATH' XDG_RUNTIME_DIR='$BATS_TEST_TMPDIR/run' LC_ALL=C
sg-chunk text | pv -qL 8M | sg-progress --label first | sg-progress --label second >/dev/null
echo "\${PIPESTATUS[*]}" >status.tmp && mv status.tmp status
exec sleep 60
EOF
	tmux -L "$TMUX_SOCK" new-session -d -s sg -x 80 -y 12 -c "$BATS_TEST_TMPDIR" "bash pipe.sh"
	wait_for 15 test -e status || fail "$(printf 'the pipeline did not end:\n%s' "$(tmux_pane)")"
	[ "$(cat status)" = "0 0 0 0" ] || fail "exit statuses $(cat status)"
	sleep 0.2
	p=$(pane_lines)
	[ "$(grep -c . <<<"$p")" -eq 2 ] || fail "$(printf 'want 2 lines, one summary each:\n%s' "$p")"
	grep -Eq "^sg-progress: first: $(file_size "$IN/text") bytes " <<<"$p" &&
	    grep -Eq "^sg-progress: second: $(file_size "$IN/text") bytes " <<<"$p" ||
		fail "$(printf 'want the summaries of first and second:\n%s' "$p")"
}
