#!/usr/bin/env bats
# sg-resume and sg-chunk --resume: a stage killed at random moments, the
# same command line run again until done, and the output byte-identical to
# an uninterrupted run (frames, --raw, .gz input, --part, an archive,
# several files, stdin); a torn or garbage tail repaired; a changed input
# or changed options refused with 75 and nothing appended; a full disk
# (tmpfs) reported and then finished; status; usage errors.
#
# The longer version, over 512 MiB for every mode, is bench/resume.sh.

load test_helper

if [ -n "${SG_SANITIZED:-}" ]; then
	JOB_SIZE=$((8 << 20))
	KILLS=8
else
	JOB_SIZE=$((64 << 20))
	KILLS=25
fi
# The kills land at random in the first KILL_MS ms of each run, and the
# runs that are killed read at RATE (pv -L between sg-chunk and sg-encode,
# set per test to a quarter of the input a second): about 25 * 75 ms of a
# 4 s job, so most kills land while the job is running.
KILL_MS=150

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	# shellcheck source=../../bench/gen_ndjson.sh
	source "$BATS_TEST_DIRNAME/../../bench/gen_ndjson.sh"
	gen_ndjson "$JOB_SIZE" >big.ndjson
	gzip -1 -c big.ndjson >big.ndjson.gz
	# Four NDJSON files of a quarter each, and a tar of them.
	split -n l/4 -d big.ndjson part.
	tar -cf parts.tar part.00 part.01 part.02 part.03
	# A small one for the quick cases: 2.9 MB, about 180 chunks of 16K.
	head -c 3000000 big.ndjson | sed '$d' >small.ndjson
}

setup() {
	sg_setup
	IN=$BATS_FILE_TMPDIR
	[ -x "$SG_BIN/sg-resume" ] || { fail "no sg-resume in SG_BIN=$SG_BIN"; return 1; }
	BG_PIDS=()
	MNT=
	for f in big.ndjson big.ndjson.gz part.00 part.01 part.02 part.03 parts.tar small.ndjson; do
		ln -s "$IN/$f" "$f"
	done
}

teardown() {
	local p
	for p in "${BG_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	if [ -n "${MNT:-}" ]; then
		cd / && umount "$MNT" 2>/dev/null || true
	fi
}

# The job's command line: CHUNK (sg-chunk's arguments after --resume CKPT),
# SINK (sg-resume's arguments after CKPT), both arrays; the checkpoint $1,
# OUTPUT $2. With RATE set, the frames pass through `pv -L RATE`.
job() {
	if [ -n "${RATE:-}" ]; then
		sg-chunk --resume "$1" "${CHUNK[@]}" | pv -qL "$RATE" | sg-encode |
			sg-resume "$1" "${SINK[@]}" "$2"
	else
		sg-chunk --resume "$1" "${CHUNK[@]}" | sg-encode | sg-resume "$1" "${SINK[@]}" "$2"
	fi
}

# Run the job until it is done, at most 50 times; the last status in $?.
finish() {
	local i
	for i in $(seq 50); do
		job "$@" 2>>errors && return 0
	done
	fail "$(printf 'not done after 50 runs:\n%s' "$(tail -5 errors)")"
}

# SIGKILL a random stage at a random moment, KILLS times in a row, then run
# to the end. KILLED counts the runs that a kill ended before they were done.
kill_loop() {
	local i sub stage st
	KILLED=0
	for i in $(seq "$KILLS"); do
		( RATE=$KILL_RATE job "$@" ) 2>>errors &
		sub=$!
		BG_PIDS+=("$sub")
		sleep "0.$(printf '%03d' $((RANDOM % KILL_MS)))"
		stage=$(shuf -n1 -e sg-chunk sg-encode sg-resume)
		pkill -KILL -P "$sub" -x "$stage" || true
		wait "$sub" && st=0 || st=$?
		[ "$st" -eq 0 ] || KILLED=$((KILLED + 1))
	done
	finish "$@"
}

# A job killed KILLS times ends identical to one never interrupted, the
# checkpoint says done, and one more run changes nothing.
check_faults() {
	local out=$1 ref=$2 bytes=$3 sum
	KILL_RATE=$((bytes / 4))
	job ref.ckpt "$ref" 2>ref.err || fail "$(printf 'the uninterrupted run failed:\n%s' "$(cat ref.err)")"
	kill_loop job.ckpt "$out"
	[ "$KILLED" -ge $((KILLS / 3)) ] ||
		fail "only $KILLED of $KILLS kills landed before the job was done: nothing was tested"
	sum=$(sha256sum <"$out")
	[ "$sum" = "$(sha256sum <"$ref")" ] || fail "after $KILLED kills the output differs from the uninterrupted run's"
	run sg-resume status --json job.ckpt
	assert_success
	[ "$(jq -r .state <<<"$output")" = done ] || fail "status after the loop: $output"
	run --separate-stderr job job.ckpt "$out"
	assert_success
	[ -z "$stderr" ] || fail "the run after done said: $stderr"
	[ "$(sha256sum <"$out")" = "$sum" ] || fail "the run after done changed the output"
}

# bats test_tags=slow
@test "faults: 25 SIGKILLs of a random stage over NDJSON, rerun until done: frames byte-identical" {
	CHUNK=(-s json big.ndjson) SINK=(-o)
	check_faults out.sg ref.sg "$JOB_SIZE"
	sg-decode out.sg | cmp - big.ndjson
}

# bats test_tags=slow
@test "faults: the same over NDJSON .gz (read and discarded through the decompressor)" {
	CHUNK=(-s json big.ndjson.gz) SINK=(-o)
	check_faults out.sg ref.sg "$JOB_SIZE"
	sg-decode out.sg | cmp - big.ndjson
}

# bats test_tags=slow
@test "faults: the same with --raw: the output is the input itself" {
	CHUNK=(-s json big.ndjson) SINK=(--raw -o)
	check_faults out.raw ref.raw "$JOB_SIZE"
	cmp out.raw big.ndjson
}

# bats test_tags=slow
@test "faults: the same with --part 2/4, one checkpoint for the part" {
	CHUNK=(--part 2/4 -s json big.ndjson) SINK=(-o)
	check_faults out.sg ref.sg $((JOB_SIZE / 4))
	sg-chunk --part 2/4 -s json big.ndjson | sg-decode | cmp - <(sg-decode out.sg)
}

# bats test_tags=slow
@test "faults: the same over a tar of four NDJSON files (sources skipped whole)" {
	CHUNK=(-s json parts.tar) SINK=(-o)
	check_faults out.sg ref.sg "$JOB_SIZE"
	sg-decode --list out.sg | jq -r 'select(.type == "begin") | .name' >names
	printf 'part.0%s\n' 0 1 2 3 | cmp - names
	sg-decode out.sg | cmp - big.ndjson
}

@test "faults: a few kills over a small input, several files and stdin (also sanitized)" {
	KILLS=6
	CHUNK=(-s json -b 16K part.00 small.ndjson part.01) SINK=(-o)
	check_faults out.sg ref.sg $((JOB_SIZE / 2))
	cat part.00 small.ndjson part.01 | cmp - <(sg-decode out.sg)
	# stdin: the same bytes must come again; cuts do not depend on timing.
	rm -f job.ckpt ref.ckpt out.sg ref.sg
	CHUNK=(-s json -b 16K -) SINK=(-o)
	cat small.ndjson | job ref.ckpt ref.sg
	cat small.ndjson | sg-chunk --resume job.ckpt -s json -b 16K - | head -c 500000 |
		sg-encode 2>/dev/null | sg-resume job.ckpt -o out.sg 2>/dev/null && fail "a cut stream said done"
	cat small.ndjson | job job.ckpt out.sg
	cmp out.sg ref.sg
}

# An interrupted job over small.ndjson: the frames stop after about 1 MB,
# so the checkpoint is part way. Its length in LEN.
interrupted() {
	CHUNK=(-s json -b 16K small.ndjson) SINK=(-o)
	job ref.ckpt ref.sg
	sg-chunk --resume job.ckpt "${CHUNK[@]}" | head -c 1000000 | sg-encode 2>/dev/null |
		sg-resume job.ckpt -o out.sg 2>/dev/null && fail "a cut stream said done"
	LEN=$(jq -r .durable_bytes <<<"$(sg-resume status --json job.ckpt)")
	[ "$LEN" -gt 0 ] && [ "$LEN" -eq "$(file_size out.sg)" ] || fail "durable $LEN of $(file_size out.sg)"
}

@test "an interrupted run exits 75 and says so; status says interrupted, with the input and progress" {
	CHUNK=(-s json -b 16K small.ndjson) SINK=(-o)
	run --separate-stderr bash -c 'sg-chunk --resume job.ckpt -s json -b 16K small.ndjson | head -c 1000000 | sg-encode 2>/dev/null | sg-resume job.ckpt -o out.sg'
	assert_failure 75
	assert_one_stderr_line "^sg-resume: the input stopped inside source 0 \('small.ndjson'\); out.sg holds it up to there: run the same pipeline again to continue$"
	run sg-resume status --json job.ckpt
	assert_success
	jq -e --argjson size "$(stat -L -c %s small.ndjson)" '.state == "interrupted" and
	    .name == "small.ndjson" and .source == 0 and .sources_done == 0 and
	    .durable_bytes > 0 and .output_bytes == .durable_bytes and .size == $size and
	    .percent > 20 and .percent < 50 and .percent == (1000 * .offset / $size | floor / 10) and
	    (.options | test("^strategy=json size=16384 "))' <<<"$output" >/dev/null ||
		fail "status: $output"
	run sg-resume status job.ckpt
	assert_success
	assert_line --index 0 'job.ckpt: interrupted'
	assert_line --regexp "^  input: +source 0 'small.ndjson', at byte [0-9]+ of 2\.[0-9] MiB$"
	assert_line --regexp '^  progress: [0-9]+\.[0-9]%$'
}

@test "torn tail: OUTPUT cut at a random byte past the checkpoint, or with garbage after it, is repaired" {
	interrupted
	cp out.sg good.sg
	cp job.ckpt good.ckpt
	# Bytes the next run would have written, cut at a random byte: a torn write.
	for cut in 1 $((RANDOM % 70000 + 2)) 100000; do
		cp good.sg out.sg
		cp good.ckpt job.ckpt
		tail -c +$((LEN + 1)) ref.sg | head -c "$cut" >>out.sg
		run --separate-stderr job job.ckpt out.sg
		assert_success
		assert_one_stderr_line "^sg-resume: out.sg: cut off $cut bytes written after the last checkpoint$"
		cmp out.sg ref.sg
	done
	# Garbage after the checkpoint.
	cp good.sg out.sg
	cp good.ckpt job.ckpt
	head -c 5000 /dev/urandom >>out.sg
	run --separate-stderr job job.ckpt out.sg
	assert_success
	cmp out.sg ref.sg
}

@test "a damaged OUTPUT before the checkpoint is refused (65), never silently extended" {
	interrupted
	cp out.sg good.sg
	# Shorter than the checkpoint says.
	truncate -s $((LEN - 1)) out.sg
	run --separate-stderr job job.ckpt out.sg
	assert_failure 65
	assert_stderr --regexp "out.sg holds $((LEN - 1)) bytes, fewer than the $LEN the checkpoint says are on disk"
	[ "$(file_size out.sg)" -eq $((LEN - 1)) ] || fail "it was written to"
	# A changed byte in the last checkpointed frame.
	cp good.sg out.sg
	printf 'Z' | dd of=out.sg bs=1 seek=$((LEN - 3)) conv=notrunc 2>/dev/null
	run --separate-stderr job job.ckpt out.sg
	assert_failure 65
	assert_stderr --regexp "out.sg changed before byte $LEN"
	[ "$(file_size out.sg)" -eq "$LEN" ] || fail "it was written to"
}

@test "changed input: a byte before the checkpoint (same mtime, or not), -s, -b: exit 75, nothing appended" {
	interrupted
	cp -p small.ndjson mine.ndjson
	rm small.ndjson
	cp -p mine.ndjson small.ndjson
	cp out.sg good.sg
	# One byte, mtime kept: only the chunk checksums can tell.
	printf 'Q' | dd of=small.ndjson bs=1 seek=777 conv=notrunc 2>/dev/null
	touch -r mine.ndjson small.ndjson
	run --separate-stderr sg-chunk --resume job.ckpt -s json -b 16K small.ndjson
	assert_failure 75
	assert_output ''
	assert_one_stderr_line '^sg-chunk: small.ndjson: it changed before offset [0-9]+ \(the chunks cut from it now differ from those in the output\)$'
	run job job.ckpt out.sg
	assert_failure 75
	cmp out.sg good.sg
	# The same byte with a new mtime.
	touch -d '2001-01-01' small.ndjson
	run --separate-stderr sg-chunk --resume job.ckpt -s json -b 16K small.ndjson
	assert_failure 75
	assert_one_stderr_line '^sg-chunk: small.ndjson: it was modified since the checkpoint \(its mtime changed\)$'
	# Options.
	cp -p mine.ndjson small.ndjson
	run --separate-stderr sg-chunk --resume job.ckpt -s lines -b 16K small.ndjson
	assert_failure 75
	assert_one_stderr_line '^sg-chunk: job.ckpt: the options changed since the checkpoint: --strategy was json, now lines$'
	run --separate-stderr sg-chunk --resume job.ckpt -s json -b 32K small.ndjson
	assert_failure 75
	assert_one_stderr_line '^sg-chunk: job.ckpt: the options changed since the checkpoint: --size was 16384, now 32768$'
	run --separate-stderr sg-chunk --resume job.ckpt -s json -b 16K small.ndjson small.ndjson
	assert_failure 75
	assert_one_stderr_line '^sg-chunk: job.ckpt: the options changed since the checkpoint: the FILE operands differ$'
	cmp out.sg good.sg
	# Unchanged again: it finishes, identical.
	job job.ckpt out.sg
	cmp out.sg ref.sg
}

@test "a shorter input than the checkpoint's is refused" {
	interrupted
	head -c 500000 small.ndjson | sed '$d' >short.ndjson
	rm small.ndjson
	cp short.ndjson small.ndjson
	touch -r "$IN/small.ndjson" small.ndjson
	run --separate-stderr sg-chunk --resume job.ckpt -s json -b 16K small.ndjson
	assert_failure 75
	assert_output ''
	# The same name, now a FIFO: its size is not known.
	rm small.ndjson
	mkfifo small.ndjson
	cat "$IN/small.ndjson" >small.ndjson &
	BG_PIDS+=($!)
	run --separate-stderr sg-chunk --resume job.ckpt -s json -b 16K small.ndjson
	assert_failure 75
	assert_one_stderr_line '^sg-chunk: small.ndjson: its size changed since the checkpoint \(was [0-9]+ bytes, now unknown\)$'
}

@test "upstream without --resume: the frames OUTPUT holds are dropped and checked, the rest appended" {
	interrupted
	sg-chunk -s json -b 16K small.ndjson >plain.sg
	# The BEGIN lacks the job field, so it differs from the checkpoint's.
	run --separate-stderr sg-resume job.ckpt -o out.sg <plain.sg
	assert_failure 75
	assert_stderr --regexp 'the BEGIN of source 0 differs from the one .*out.sg holds'
	# The same stream sent again from the start by a --resume producer
	# that did not skip: dropped up to the checkpoint, then appended.
	sg-chunk --resume fresh.ckpt -s json -b 16K small.ndjson | sg-encode >again.sg
	sg-resume job.ckpt -o out.sg <again.sg
	cmp out.sg ref.sg
}

@test "a job already done: sg-chunk and sg-resume write nothing and succeed, quietly" {
	CHUNK=(-s json -b 16K small.ndjson) SINK=(-o)
	job job.ckpt out.sg
	cp out.sg before.sg
	run --separate-stderr sg-chunk --resume job.ckpt -s json -b 16K small.ndjson
	assert_success
	assert_output ''
	[ -z "$stderr" ]
	run --separate-stderr sg-resume job.ckpt -o out.sg </dev/null
	assert_success
	[ -z "$stderr" ]
	cmp out.sg before.sg
	run sg-resume status job.ckpt
	assert_line --index 0 'job.ckpt: done'
}

@test "full disk: ENOSPC is one clear message and exit 74; after space is freed the rerun completes, identical" {
	[ "$(id -u)" -eq 0 ] || skip "mounting a tmpfs needs root"
	mkdir mnt
	command -v mount >/dev/null && mount -t tmpfs -o size=4m tmpfs mnt 2>/dev/null ||
		skip "cannot mount a tmpfs here"
	MNT=$PWD/mnt
	CHUNK=(-s json -b 16K small.ndjson) SINK=(-o)
	job ref.ckpt ref.sg
	# 4 MiB, less a filler: room for the checkpoint and half the output.
	head -c $(((4194304 - $(file_size ref.sg) / 2) / 4096 * 4096 - 8192)) /dev/zero >mnt/filler
	run --separate-stderr job mnt/job.ckpt mnt/out.sg
	assert_failure 74
	assert_stderr --regexp '^sg-resume: mnt/out.sg: at byte [0-9]+: write error: No space left on device$'
	run sg-resume status --json mnt/job.ckpt
	assert_success
	[ "$(jq -r .durable_bytes <<<"$output")" -le "$(file_size mnt/out.sg)" ]
	rm mnt/filler
	job mnt/job.ckpt mnt/out.sg
	cmp mnt/out.sg ref.sg
}

@test "OUTPUT: one sg-resume at a time; an existing file without its checkpoint is not overwritten" {
	printf 'precious\n' >keep.txt
	run --separate-stderr sg-resume new.ckpt -o keep.txt </dev/null
	assert_failure 75
	assert_one_stderr_line "^sg-resume: keep.txt already holds 9 bytes and new.ckpt does not exist: not overwriting it"
	[ "$(cat keep.txt)" = precious ]
	[ ! -e new.ckpt ]
	# A second sg-resume on a busy OUTPUT; status says running meanwhile.
	mkfifo in.fifo
	sg-resume job.ckpt -o out.sg <in.fifo &
	BG_PIDS+=($!)
	exec 7>in.fifo
	sg-chunk small.ndjson | head -c 100 >&7
	for _ in $(seq 50); do [ -e job.ckpt ] && break; sleep 0.1; done
	run sg-resume status --json job.ckpt
	[ "$(jq -r .state <<<"$output")" = running ] || fail "status: $output"
	run --separate-stderr sg-resume job.ckpt -o out.sg </dev/null
	assert_failure 75
	assert_one_stderr_line 'out.sg is in use by another sg-resume$'
	exec 7>&-
}

@test "the checkpoint belongs to its OUTPUT and mode; a damaged checkpoint is refused" {
	CHUNK=(-s json -b 16K small.ndjson) SINK=(-o)
	interrupted
	cp out.sg other.sg
	run --separate-stderr sg-resume job.ckpt -o other.sg </dev/null
	assert_failure 75
	assert_stderr --regexp 'the checkpoint belongs to /.*/out.sg, not to /.*/other.sg'
	run --separate-stderr sg-resume --raw job.ckpt -o out.sg </dev/null
	assert_failure 75
	assert_stderr --regexp 'written without --raw'
	sed -i 's/^seq \([0-9]*\)/seq 1\1/' job.ckpt
	run --separate-stderr sg-resume job.ckpt -o out.sg </dev/null
	assert_failure 65
	assert_one_stderr_line 'job.ckpt.*line [0-9]+'
	run --separate-stderr sg-chunk --resume job.ckpt -s json -b 16K small.ndjson
	assert_failure 65
	assert_output ''
}

@test "usage: CHECKPOINT and -o are required, status takes only --json, --every is checked" {
	run --separate-stderr sg-resume -o out.sg
	assert_failure 64
	assert_stderr --regexp 'no CHECKPOINT given'
	run --separate-stderr sg-resume job.ckpt
	assert_failure 64
	assert_stderr --regexp 'no OUTPUT given'
	run --separate-stderr sg-resume status -o x job.ckpt
	assert_failure 64
	run --separate-stderr sg-resume --json job.ckpt -o x
	assert_failure 64
	for bad in 0 -1 1x 5ms '' 1.2.3; do
		run --separate-stderr sg-resume --every "$bad" job.ckpt -o out.sg
		assert_failure 64
	done
	run --separate-stderr sg-resume status nothing.ckpt
	assert_failure 66
	assert_one_stderr_line '^sg-resume: nothing.ckpt: no such checkpoint$'
	[ ! -e out.sg ]
	run sg-resume --help
	assert_success
	assert_output --partial 'usage: sg-resume CHECKPOINT -o OUTPUT'
}

@test "--every: a slow producer still gets a checkpoint each interval" {
	mkfifo in.fifo
	sg-resume --every 0.2 job.ckpt -o out.sg <in.fifo 2>/dev/null &
	BG_PIDS+=($!)
	exec 7>in.fifo
	sg-chunk -s json -b 16K small.ndjson | head -c 300000 >&7
	sleep 1
	run sg-resume status --json job.ckpt
	[ "$(jq -r .durable_bytes <<<"$output")" -gt 200000 ] || fail "after 1 s idle: $output"
	exec 7>&-
}

@test "every strategy and context option resumes exactly, cut at random points" {
	local args n cut
	printf 'id,note\n' >t.csv
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "%d,\"line %d\nsecond, \"\"q\"\"\"\n", i, i }' >>t.csv
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "event: e\ndata: {\"i\":%d}\n\n", i }' >t.sse
	printf '[' >t.json
	awk 'BEGIN { for (i = 0; i < 30000; i++) printf "%s{\"i\":%d,\"s\":\"é\\n\"}", i ? "," : "", i }' >>t.json
	printf ']' >>t.json
	head -c 1500000 small.ndjson | tr '\n' '\0' >t.nul
	while read -r args; do
		rm -f ref.* job.* out.*
		# shellcheck disable=SC2086 # the options are words
		sg-chunk --resume ref.ckpt $args | sg-encode | sg-resume ref.ckpt -o ref.sg
		n=$(file_size ref.sg)
		# Three interruptions at random frame bytes, then to the end.
		for cut in $((RANDOM * n / 32768 / 3)) $((RANDOM * n / 32768 / 2)) $((RANDOM * n / 32768)); do
			# shellcheck disable=SC2086
			sg-chunk --resume job.ckpt $args | head -c "$cut" | sg-encode 2>/dev/null |
				sg-resume job.ckpt -o out.sg 2>/dev/null || true
		done
		# shellcheck disable=SC2086
		sg-chunk --resume job.ckpt $args | sg-encode | sg-resume job.ckpt -o out.sg ||
			fail "$args: the last run failed"
		cmp out.sg ref.sg || fail "$args: not identical after interruptions"
	done <<-'EOF2'
	-s lines -b 4K small.ndjson
	-s bytes -b 3000 small.ndjson
	-s utf8 -b 1000 t.json
	-s paragraph -b 2K --overlap 300 small.ndjson
	-s csv --header -b 8K t.csv
	-s sse -n 3 t.sse
	-s delim -d \0 -b 8K t.nul
	-s cdc --min 1K --avg 4K --max 16K small.ndjson
	-s json --array -b 8K t.json
	-s json -b 300 --oversize split t.json
	-s json -n 7 --validate small.ndjson
	EOF2
}
