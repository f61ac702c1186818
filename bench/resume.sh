#!/usr/bin/env bash
# bench/resume.sh: sg-resume, the durable sink, under fault injection, and
# what durability costs. For five command lines (framed, .gz input, --raw,
# --part 2/4, a tar of 4 NDJSON files) it SIGKILLs a random stage of the
# pipeline at a random moment, 25 times in a row, reruns the command line
# until sg-resume says done, and checks that the output is byte-identical to
# an uninterrupted run. Then it times sg-chunk | sg-encode | sg-resume against
# the same pipeline without the sink (> file, or | sg-decode > file), and
# takes sg-resume's peak RSS. bench/run.sh (make bench) calls it after
# bench/progress.sh.
#
# Usage: bench/resume.sh
# Environment (all optional):
#   BENCH_QUICK   1: a quick check, a 64 MiB input and 1 round (unless
#                 BENCH_SIZE/BENCH_MB or BENCH_RUNS say otherwise; run.sh with
#                 BENCH_QUICK=1 exports BENCH_SIZE=128M, which then applies)
#   BENCH_SIZE    size of the NDJSON input F, bytes or with K/M/G suffix
#                 (default 512M); BENCH_MB as in run.sh
#   BENCH_RUNS    rounds of the overhead timing; the tables show medians over
#                 them (default 5: the overhead is a few per cent, within
#                 one round's noise on a shared machine)
#   BENCH_RESUME_KILLS   SIGKILLs per command line (default 25; 8 with
#                 BENCH_QUICK=1)
#   BENCH_RESUME_WINDOW  "LO-HI": the kill comes LO..HI ms (uniform) after
#                 the start (default: from the uninterrupted run's time T of
#                 each command line, HI = T/12 within 20..400 ms, LO = HI/8,
#                 so that most kills land while the job is still running)
#   BENCH_RESUME_SEED    seed of $RANDOM (default: the clock); the report
#                 gives it, so the stages and delays can be drawn again
#   BENCH_DIR     scratch directory (default: mktemp -d under /tmp, removed at
#                 exit); inputs in a given BENCH_DIR are kept and reused
#   BENCH_KEEP    1 keeps the scratch directory and the inputs
#   BENCH_RESULTS report file (default: bench/results.md); its "Resume"
#                 section is replaced, or appended when it has none
#   SG_BIN        directory holding sg-chunk, sg-encode, sg-decode, sg-resume
#
# The inputs (generated in the scratch directory, never committed): F, NDJSON
# events (bench/gen_ndjson.sh, a 16 MiB seed repeated); F.gz (gzip -1) and
# F.tar (F split into 4 NDJSON files at line ends, split -n l/4), made once,
# untimed. Checkpoints and outputs are in the scratch directory too, so the
# outputs sg-resume fsyncs are on its file system.
#
# The section goes to stdout and to the report file; progress goes to stderr.
# A wrong output, a job that will not finish or a failed command makes the
# script exit non-zero (after writing the section); the overhead ratio and
# the peak RSS are only reported against their targets.
# shellcheck disable=SC2016 # backquotes in single quotes are markdown code
set -euo pipefail

# Our own quick default (64 MiB) applies only when the user gave no size:
# run.sh's top level, sourced below, sets BENCH_SIZE=128M in quick mode.
USER_SIZE=${BENCH_SIZE:-}${BENCH_MB:-}

# run.sh's helpers: need_tools, target_bytes, setup_dir, drop_work,
# keep_inputs, rss, now_ns, keep_rss, measure, med, tmin, tmax, rate, secs,
# verdict, mib, rss_cell, cell, replace_section, and its globals (SG_BIN,
# RESULTS, GNU_TIME, HERE, REPO). Sourcing it runs nothing.
# shellcheck source=SCRIPTDIR/run.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run.sh"

START_SECONDS=$SECONDS
QUICK=${BENCH_QUICK:-0}
if [[ -z $USER_SIZE ]]; then
	unset BENCH_MB
	if [[ $QUICK == 1 ]]; then BENCH_SIZE=64M; else BENCH_SIZE=512M; fi
fi
if [[ $QUICK == 1 ]]; then RUNS=${BENCH_RUNS:-1}; else RUNS=${BENCH_RUNS:-5}; fi
if [[ $QUICK == 1 ]]; then KILLS=${BENCH_RESUME_KILLS:-8}; else KILLS=${BENCH_RESUME_KILLS:-25}; fi
WINDOW=${BENCH_RESUME_WINDOW:-}
SEED=${BENCH_RESUME_SEED:-$(($(date +%s) % 32768))}
SEED_MAX=$((16 * 1024 * 1024)) # the generated seed is repeated up to the size
RERUN_MAX=50                   # reruns after the kills before giving up
RATIO_MIN=0.90                 # with sg-resume MB/s >= 0.90 x without
RSS_LIMIT_KIB=$((16 * 1024))   # sg-resume peak RSS < 16 MiB
STAGES=(sg-chunk sg-encode sg-resume)

die() { printf 'bench/resume: %s\n' "$*" >&2; exit 1; }
say() { printf 'bench/resume: %s\n' "$*" >&2; }

check_tools() {
	need_tools 'sg-chunk sg-encode sg-decode sg-resume' 'awk cmp numfmt stat sha256sum jq gzip tar split pkill sync'
	[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "bad BENCH_RUNS: $RUNS"
	[[ $KILLS =~ ^[1-9][0-9]*$ ]] || die "bad BENCH_RESUME_KILLS: $KILLS"
	[[ $SEED =~ ^[0-9]+$ ]] || die "bad BENCH_RESUME_SEED: $SEED"
	if [[ -n $WINDOW ]]; then
		if ! [[ $WINDOW =~ ^([0-9]+)-([0-9]+)$ ]] || ((BASH_REMATCH[1] > BASH_REMATCH[2])); then
			die "bad BENCH_RESUME_WINDOW: $WINDOW (LO-HI in ms)"
		fi
	fi
}

SUB= # the pipeline running in the background, if any
cleanup() {
	# A pipeline left running (the script was interrupted during a kill run).
	if [[ -n $SUB ]] && kill -0 "$SUB" 2>/dev/null; then
		pkill -9 -P "$SUB" 2>/dev/null || true
		wait "$SUB" 2>/dev/null || true
	fi
	rm -rf "${WORK:?}/rss" "$WORK/resume" "$WORK/resume-seed.ndjson" "$WORK"/resume-*.tmp \
		"$WORK/resume-parts" "$WORK/resume.md"
	drop_work
}

# ---------------------------------------------------------------- inputs

# gen_ndjson: NDJSON events (bench/gen_ndjson.sh, shared with strategies.sh
# and archive.sh).
# shellcheck source=SCRIPTDIR/gen_ndjson.sh
source "$HERE/gen_ndjson.sh"

# F: whole copies of an NDJSON seed (at most 16 MiB, deterministic) up to at
# least TARGET bytes; F.gz (gzip -1); F.tar, F split at line ends into 4
# files of about a quarter each (tar's default format, sorted names, fixed
# owner and mtime). Kept ones of the right size are reused; the checks
# before the runs would catch a stale one.
make_inputs() {
	local target=$1 sb seed=$WORK/resume-seed.ndjson seed_size copies i parts
	F=$WORK/resume-events.ndjson GZ=$F.gz TAR=$WORK/resume-events.tar
	sb=$target
	((sb > SEED_MAX)) && sb=$SEED_MAX
	((sb > 0)) || sb=1
	say "generating the NDJSON seed ($sb bytes)"
	gen_ndjson "$sb" >"$seed"
	seed_size=$(stat -c %s "$seed")
	((seed_size > 0)) || die "empty seed"
	copies=$(((target + seed_size - 1) / seed_size))
	SIZE=$((copies * seed_size))
	if [[ -f $F && $(stat -c %s "$F") == "$SIZE" ]]; then
		say "reusing $F ($SIZE bytes)"
	else
		say "generating $F: $copies copies of a $seed_size-byte seed"
		rm -f "$GZ" "$TAR"
		for ((i = 0; i < copies; i++)); do cat "$seed"; done >"$WORK/resume-F.tmp"
		mv "$WORK/resume-F.tmp" "$F"
	fi
	rm -f "$seed"
	if [[ -s $GZ ]]; then
		say "reusing $GZ"
	else
		say "gzip -1 F > F.gz (untimed)"
		gzip -1 -c "$F" >"$WORK/resume-gz.tmp"
		mv "$WORK/resume-gz.tmp" "$GZ"
	fi
	if [[ -s $TAR ]]; then
		say "reusing $TAR"
	else
		say "tar of F split into 4 NDJSON files (untimed)"
		parts=$WORK/resume-parts
		rm -rf "$parts"; mkdir "$parts"
		split -n l/4 -d --additional-suffix=.ndjson "$F" "$parts/part-"
		tar -cf "$WORK/resume-tar.tmp" -C "$parts" --sort=name --owner=0 --group=0 \
			--numeric-owner --mtime=@1790000000 part-00.ndjson part-01.ndjson \
			part-02.ndjson part-03.ndjson
		rm -rf "$parts"
		mv "$WORK/resume-tar.tmp" "$TAR"
	fi
	SIZE_GZ=$(stat -c %s "$GZ")
	SIZE_TAR=$(stat -c %s "$TAR")
}

# ---------------------------------------------------------------- the jobs
#
# Each mode is one command line, run with a checkpoint C and an output O:
#   sg-chunk --resume C CHUNK_ARGS | sg-encode | sg-resume RESUME_ARGS C -o O
# MODE_SHOW is that command line as the report shows it.

MODES=(plain gz raw part tar)
declare -A MODE_SHOW=(
	[plain]='sg-chunk --resume C -s json F | sg-encode | sg-resume C -o out.sg'
	[gz]='sg-chunk --resume C -s json F.gz | sg-encode | sg-resume C -o out.sg'
	[raw]='sg-chunk --resume C -s json F | sg-encode | sg-resume --raw C -o out.raw'
	[part]='sg-chunk --part 2/4 --resume C -s json F | sg-encode | sg-resume C -o out.sg'
	[tar]='sg-chunk --resume C -s json F.tar | sg-encode | sg-resume C -o out.sg'
)
declare -A MODE_LABEL=(
	[plain]='framed' [gz]='framed, .gz input' [raw]='`--raw`'
	[part]='framed, `--part 2/4`' [tar]='framed, tar of 4 NDJSON files'
)

CA=() RA=() # set by set_mode: sg-chunk's and sg-resume's arguments
set_mode() {
	RA=()
	case $1 in
	plain) CA=(-s json "$F") ;;
	gz) CA=(-s json "$GZ") ;;
	raw) CA=(-s json "$F") RA=(--raw) ;;
	part) CA=(--part 2/4 -s json "$F") ;;
	tar) CA=(-s json "$TAR") ;;
	*) die "no mode $1" ;;
	esac
}

# One run of the current mode's command line with checkpoint $1 and output
# $2. Returns sg-resume's exit status; JOB_PS is every stage's. Called only
# where a failure is expected (if, until, ||), so set -e does not apply.
JOB_PS=
job() {
	"$SG_BIN/sg-chunk" --resume "$1" "${CA[@]}" | "$SG_BIN/sg-encode" |
		"$SG_BIN/sg-resume" "${RA[@]}" "$1" -o "$2"
	local ps=("${PIPESTATUS[@]}")
	JOB_PS=${ps[*]}
	return "${ps[2]}"
}

# The state of checkpoint $1 (none when status cannot read it: not there yet).
state_of() {
	local s
	s=$("$SG_BIN/sg-resume" status --json "$1" 2>/dev/null | jq -r .state 2>/dev/null) || s=
	printf '%s' "${s:-none}"
}

sha() { sha256sum "$1" | awk '{ print $1 }'; }
us_now() { local t=${EPOCHREALTIME/./}; echo $((10#$t)); }

# Wait (at most 200 ms) until a child of subshell $1 runs $2 (its comm, set
# at exec): a kill sent earlier would find only a forked bash and miss.
# Reads /proc/PID/task/PID/children, so it forks nothing while it polls.
started() {
	local sub=$1 name=$2 k c i kids st
	for ((i = 0; i < 200; i++)); do
		kids=()
		{ read -ra kids <"/proc/$sub/task/$sub/children"; } 2>/dev/null || return 0
		if ((${#kids[@]} == 0)) && read -r _ _ st _ <"/proc/$sub/stat" 2>/dev/null &&
			[[ $st == Z ]]; then
			return 0 # the pipeline is over (a no-op run of a done job)
		fi
		for k in "${kids[@]}"; do
			c=
			read -r c <"/proc/$k/comm" 2>/dev/null || true
			[[ $c == "$name" ]] && return 0
		done
		sleep 0.001
	done
}
sleep_ms() { local s; printf -v s '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); sleep "$s"; }

# Per mode: the reference (uninterrupted) run and the fault loop's figures.
declare -A REF_SHA=() REF_NS=() REF_BYTES=() LO=() HI=() MID=() MID_BY=() TORN=() \
	RERUNS=() LOOP_NS=() MATCH=() STATE=() NOOP=() NOOP_NS=() DONE_AT=() EXITS=()
FAILURES=()
fail() { FAILURES+=("$1: $2"); say "FAILED: $1: $2"; }

# The uninterrupted run of MODE, with its own fresh checkpoint, and its
# check: the frames decode to what the mode's input holds (F; for --part
# 2/4 what sg-chunk --part 2/4 F | sg-decode gives), the raw output is F.
reference() {
	local m=$1 d=$WORK/resume ck out t0 t1 want
	ck=$d/$m.ref.ckpt out=$d/$m.ref.out
	rm -f "$ck" "$out"
	say "$m: uninterrupted reference run"
	t0=$(now_ns)
	job "$ck" "$out" 2>>"$d/$m.log" || die "$m: the uninterrupted run failed (exit statuses $JOB_PS; see below)$(tail -n 5 "$d/$m.log" | sed 's/^/ | /')"
	t1=$(now_ns)
	[[ $JOB_PS == '0 0 0' ]] || die "$m: the uninterrupted run: exit statuses $JOB_PS"
	[[ $(state_of "$ck") == "done" ]] || die "$m: after the uninterrupted run the checkpoint is not done"
	REF_NS[$m]=$((t1 - t0))
	REF_BYTES[$m]=$(stat -c %s "$out")
	if [[ $m == raw ]]; then
		cmp -s "$out" "$F" || die "$m: the uninterrupted --raw output is not F"
	elif [[ $m == part ]]; then
		want=$("$SG_BIN/sg-chunk" --part 2/4 -s json "$F" | "$SG_BIN/sg-decode" | sha256sum)
		[[ $("$SG_BIN/sg-decode" "$out" | sha256sum) == "$want" ]] ||
			die "$m: the uninterrupted output does not decode to sg-chunk --part 2/4 F | sg-decode"
	else
		"$SG_BIN/sg-decode" "$out" | cmp -s - "$F" ||
			die "$m: the uninterrupted output does not decode to F"
	fi
	REF_SHA[$m]=$(sha "$out")
	rm -f "$out" "$ck"
}

# The kill window of MODE in ms: BENCH_RESUME_WINDOW, or from the
# reference's time T: HI = T/12 (kept within 20..400 ms), LO = HI/8. With
# kills uniform in LO..HI (mean 0.56 HI), 22 runs give about the time of
# one whole run, less what each run spends starting and resuming.
window() {
	local m=$1 hi
	if [[ -n $WINDOW ]]; then
		LO[$m]=${WINDOW%-*} HI[$m]=${WINDOW#*-}
		return
	fi
	hi=$((REF_NS[$m] / 12000000))
	((hi < 20)) && hi=20
	((hi > 400)) && hi=400
	LO[$m]=$((hi / 8)) HI[$m]=$hi
}

# KILLS runs of MODE, each SIGKILLed in one random stage at a random moment,
# then reruns until sg-resume exits 0, then the checks.
fault_loop() {
	local m=$1 d=$WORK/resume ck out log i ms stage pk rc st t0 t1 tries t_start left
	local -A by=([sg-chunk]=0 [sg-encode]=0 [sg-resume]=0)
	local -A exits=()
	ck=$d/$m.ckpt out=$d/$m.out log=$d/$m.log
	rm -f "$ck" "$out"
	window "$m"
	say "$m: $KILLS runs, each SIGKILLed in a random stage ${LO[$m]}..${HI[$m]} ms after its start"
	MID[$m]=0 DONE_AT[$m]=
	t0=$(now_ns)
	for ((i = 1; i <= KILLS; i++)); do
		# sg-resume's status is the subshell's (not set -e's: pipefail).
		( job "$ck" "$out" || exit $? ) 2>>"$log" &
		SUB=$!
		t_start=$(us_now)
		ms=$((LO[$m] + RANDOM % (HI[$m] - LO[$m] + 1)))
		stage=${STAGES[RANDOM % 3]}
		# The delay counts from the start, but not before the stage exists.
		started "$SUB" "$stage"
		left=$((ms - ($(us_now) - t_start) / 1000))
		((left <= 0)) || sleep_ms "$left"
		pk=0
		pkill -9 -P "$SUB" -x "$stage" || pk=$?
		rc=0
		wait "$SUB" || rc=$?
		SUB=
		exits[$rc]=$((${exits[$rc]:-0} + 1))
		st=$(state_of "$ck")
		if [[ $st == "done" ]]; then
			# Done before (or despite) the kill: it did not land mid-job.
			[[ -n ${DONE_AT[$m]} ]] || DONE_AT[$m]=$i
		elif ((pk == 0)); then
			MID[$m]=$((MID[$m] + 1))
			by[$stage]=$((by[$stage] + 1))
		else
			# Nothing killed, yet the run stopped before the end.
			fail "$m" "run $i was not killed ($stage had exited) but stopped with status $rc, checkpoint $st$( ((rc == 126 || rc == 127)) && printf ' (a stage could not be executed: was %s rebuilt during the run?)' "$SG_BIN")"
		fi
	done
	tries=0
	until job "$ck" "$out" 2>>"$log"; do
		tries=$((tries + 1))
		say "$m: rerun $tries: exit statuses $JOB_PS, rerunning"
		if ((tries >= RERUN_MAX)); then
			fail "$m" "still not done after $RERUN_MAX reruns (exit statuses $JOB_PS)"
			break
		fi
	done
	t1=$(now_ns)
	RERUNS[$m]=$((tries + 1)) LOOP_NS[$m]=$((t1 - t0))
	MID_BY[$m]="${by[sg-chunk]}/${by[sg-encode]}/${by[sg-resume]}"
	TORN[$m]=$(grep -c 'written after the last checkpoint' "$log" || true)
	EXITS[$m]=$(for rc in "${!exits[@]}"; do printf '%s %s\n' "$rc" "${exits[$rc]}"; done |
		sort -n | awk '{ printf "%s%s×%s", (NR > 1 ? ", " : ""), $2, $1 }')
	say "$m: ${MID[$m]} of $KILLS kills landed before the job was done (by stage sg-chunk/sg-encode/sg-resume: ${MID_BY[$m]})${DONE_AT[$m]:+; done in run ${DONE_AT[$m]}}; finished after ${RERUNS[$m]} rerun(s)"
	[[ $JOB_PS == '0 0 0' ]] || fail "$m" "the finishing rerun: exit statuses $JOB_PS (sg-chunk, sg-encode, sg-resume)"

	# The checks: the reference's bytes, state done, a no-op rerun.
	if [[ $(sha "$out") == "${REF_SHA[$m]}" ]]; then
		MATCH[$m]=yes
	else
		MATCH[$m]=no
		fail "$m" "the output ($(stat -c %s "$out") bytes) differs from the uninterrupted run's (${REF_BYTES[$m]} bytes): sha256 $(sha "$out") != ${REF_SHA[$m]}"
	fi
	if [[ $m == raw ]] && ! cmp -s "$out" "$F"; then
		MATCH[$m]=no
		fail "$m" "the --raw output is not F: $(cmp "$out" "$F" 2>&1 | head -n 1)"
	fi
	STATE[$m]=$(state_of "$ck")
	[[ ${STATE[$m]} == "done" ]] || fail "$m" "sg-resume status --json C: state ${STATE[$m]}, not done"
	t0=$(now_ns)
	if job "$ck" "$out" 2>>"$log" && [[ $JOB_PS == '0 0 0' ]]; then
		t1=$(now_ns)
		NOOP_NS[$m]=$((t1 - t0))
		if [[ $(sha "$out") == "${REF_SHA[$m]}" ]]; then
			NOOP[$m]=yes
		else
			NOOP[$m]=no
			fail "$m" "one more run of the command line changed the output"
		fi
	else
		NOOP[$m]=no NOOP_NS[$m]=0
		fail "$m" "one more run of the finished job: exit statuses $JOB_PS, not 0 0 0"
	fi
	rm -f "$out"
}

# ---------------------------------------------------------------- overhead
#
# Each command has an id, the command as shown (F the input, C a checkpoint,
# out a file in the scratch directory), and the labels of the processes whose
# peak RSS is kept (one GNU time file each). MB/s counts F's bytes.

declare -A SHOW=() PROCS=()
def() { SHOW[$1]=$2 PROCS[$1]=$3; }
def enc 'sg-chunk -s json F | sg-encode > out.sg' 'sg-chunk sg-encode'
def res 'sg-chunk --resume C -s json F | sg-encode | sg-resume C -o out.sg' 'sg-chunk sg-encode sg-resume'
def dec 'sg-chunk -s json F | sg-encode | sg-decode > out' 'sg-chunk sg-encode sg-decode'
def resraw 'sg-chunk --resume C -s json F | sg-encode | sg-resume --raw C -o out' 'sg-chunk sg-encode sg-resume'
IDS=(enc res dec resraw)

OUT="" CK="" # set in main
chunk_json() { rss 1 "$SG_BIN/sg-chunk" "$@"; }
encode() { rss 2 "$SG_BIN/sg-encode"; }
bench_enc() { chunk_json -s json "$F" | encode >"$OUT"; }
bench_res() { chunk_json --resume "$CK" -s json "$F" | encode | rss 3 "$SG_BIN/sg-resume" "$CK" -o "$OUT"; }
bench_dec() { chunk_json -s json "$F" | encode | rss 3 "$SG_BIN/sg-decode" >"$OUT"; }
bench_resraw() { chunk_json --resume "$CK" -s json "$F" | encode | rss 3 "$SG_BIN/sg-resume" --raw "$CK" -o "$OUT"; }

# Untimed, after each run: what it wrote is right (sg-resume's frames are
# the fault loop's reference, the raw outputs are F), then the file is
# synced, so its writeback does not fall into the next timed run, and
# removed with the checkpoint.
post() {
	local id=$1
	case $id in
	res)
		[[ $(sha "$OUT") == "${REF_SHA[plain]}" ]] || die "${SHOW[$id]}: not the reference output"
		[[ $(state_of "$CK") == "done" ]] || die "${SHOW[$id]}: the checkpoint is not done" ;;
	enc) "$SG_BIN/sg-decode" "$OUT" | cmp -s - "$F" || die "${SHOW[$id]}: does not decode to F" ;;
	dec | resraw) cmp -s "$OUT" "$F" || die "${SHOW[$id]}: not F" ;;
	esac
	sync "$OUT"
	rm -f "$OUT" "$CK"
}

declare -A TIMES=() RSS_MAX=()

# Run one command once, with a fresh checkpoint and output: time it, check
# it succeeded, keep the largest RSS of each process.
run_one() {
	local id=$1 t0 t1
	rm -rf "$WORK/rss"; mkdir "$WORK/rss"
	rm -f "$OUT" "$CK"
	t0=$(now_ns)
	"bench_$id" 2>>"$WORK/resume/overhead.log" || die "command failed: ${SHOW[$id]}"
	t1=$(now_ns)
	post "$id"
	TIMES[$id]+="$((t1 - t0)) "
	keep_rss "$id"
}

# ---------------------------------------------------------------- report

# MB/s of ID / MB/s of PEER (= PEER's median time / ID's: the same bytes).
# Not run.sh's ratio: this one divides the unrounded medians, run.sh's the
# rounded MB/s, which can differ in the last place.
ratio() { awk -v a="$(med "$2")" -v b="$(med "$1")" 'BEGIN { printf "%.2f", a / b }'; }
# The targets use run.sh's verdict with MISS: a missed one is not a failure.
quick_note() { if [[ $QUICK == 1 ]]; then printf ' (quick mode: indicative only)'; fi; }

report() {
	local cpu el m id peer v k
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	el=$((SECONDS - START_SECONDS))
	echo
	echo "## Resume"
	echo
	echo "\`bench/resume.sh\`: sg-resume, the durable sink, under fault injection (SIGKILL of a"
	echo "random stage at a random moment, then the same command line again until it is done),"
	echo "and what it costs against the same pipeline without it, all in one run. Timings are on a"
	echo "**shared, noisy machine**; compare the ratios, not absolute MB/s.$([[ $QUICK == 1 ]] && printf ' **Quick mode** (BENCH_QUICK=1): a small input, indicative only.')"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); the script ran for $((el / 60)) min $((el % 60)) s"
	echo "- machine: $(nproc) CPUs (nproc), ${cpu:-unknown CPU}, Linux $(uname -r), $(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo); scratch file system: $(df -PT "$WORK" | awk 'NR == 2 { print $2 }')"
	echo "- load average (1, 5, 15 min): $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "- sg: $("$SG_BIN/sg-resume" --version 2>/dev/null | head -n 1) from \`$SG_BIN\`, tree ${BENCH_TREE:-$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)}"
	echo "- input F: NDJSON events from bench/gen_ndjson.sh (a $(mib $((SEED_MAX / 1024))) seed repeated), $SIZE bytes ($(mib $((SIZE / 1024)))); F.gz: \`gzip -1\`, $SIZE_GZ bytes; F.tar: F cut at line ends into 4 files (\`split -n l/4\`), $SIZE_TAR bytes; all in the scratch directory \`$WORK\` (not committed), as are the checkpoints C and the outputs"
	echo "- fault injection: for each command line, $KILLS runs in a row, each started as \`( A | B | C ) &\`, then after a delay drawn uniformly from the window below (counted from the start, but not before the chosen stage has been exec'd: a kill of the forked bash would miss) \`pkill -9 -P SUBSHELL -x STAGE\` with STAGE one of sg-chunk, sg-encode, sg-resume at random, then \`wait\`; \$RANDOM seeded with $SEED (BENCH_RESUME_SEED)"
	echo
	echo "### Fault injection"
	echo
	echo "A kill **landed mid-job** when pkill found the stage and the checkpoint was not done"
	echo "after the run (\`sg-resume status --json C | jq -r .state\`); once a job is done, the"
	echo "remaining runs are no-ops and their kills find nothing to interrupt. After the $KILLS"
	echo "runs the command line is run again, \`until\` sg-resume exits 0 (at most $RERUN_MAX times;"
	echo "1 means the first rerun finished). Then: the sha256 of the output must be the one of"
	echo "an uninterrupted run of the same command line with its own fresh checkpoint, the state"
	echo "must be done, and one more run must exit 0 (all three stages) and leave the output"
	echo "byte-identical. Time: the $KILLS runs and the reruns, wall clock."
	echo
	echo "| mode | command line | uninterrupted | kill window | kills mid-job | by stage (chunk/encode/resume) | torn tails cut | reruns to finish | time | sha256 = uninterrupted | state | no-op rerun |"
	echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |"
	for m in "${MODES[@]}"; do
		[[ -n ${MATCH[$m]:-} ]] || continue
		printf '| %s | %s | %s, %s bytes | %s–%s ms | %s/%s | %s | %s | %s | %s | %s | %s | %s (%s) |\n' \
			"${MODE_LABEL[$m]}" "$(cell "${MODE_SHOW[$m]}")" "$(secs "${REF_NS[$m]}")" "${REF_BYTES[$m]}" \
			"${LO[$m]}" "${HI[$m]}" "${MID[$m]}" "$KILLS" "${MID_BY[$m]}" "${TORN[$m]}" \
			"${RERUNS[$m]}" "$(secs "${LOOP_NS[$m]}")" "${MATCH[$m]}" "${STATE[$m]}" \
			"${NOOP[$m]}" "$(secs "${NOOP_NS[$m]}")"
	done
	echo
	echo "The references: the frames decode (\`sg-decode\`) to F (for \`--part 2/4\`, to"
	echo "\`sg-chunk --part 2/4 -s json F | sg-decode\`), and the \`--raw\` output is F (\`cmp\`), which"
	echo "the \`--raw\` output after the kills must also be. \"Torn tails cut\": reruns where"
	echo "sg-resume reported cutting off bytes written after the last checkpoint. Exit status of the"
	echo "killed runs' subshell (sg-resume's status; 137 = sg-resume was killed), count×status:"
	echo
	for m in "${MODES[@]}"; do
		[[ -n ${EXITS[$m]:-} ]] && printf -- '- %s: %s\n' "${MODE_LABEL[$m]}" "${EXITS[$m]}"
	done
	echo
	echo "Standard error of all the runs of the five command lines (by count; digits as N, the"
	echo "scratch directory as DIR; left out: bash's notes on the stages it saw killed, SIGPIPEd"
	echo "or done, which quote the script's source):"
	echo
	echo '```text'
	cat "$WORK"/resume/{plain,gz,raw,part,tar}.log 2>/dev/null | grep -vF '"$SG_BIN/' |
		awk -v w="$WORK" '{ while ((i = index($0, w)) > 0) $0 = substr($0, 1, i - 1) "DIR" substr($0, i + length(w)); print }' |
		sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -n 20 || true
	echo '```'
	echo
	echo "### Overhead and peak RSS"
	echo
	echo "Medians of $RUNS run(s), round-robin over the four commands, each with a fresh"
	echo "checkpoint and output in the scratch directory; MB/s = F's bytes / wall time,"
	echo "1 MB = 10^6 bytes; ratio = MB/s with sg-resume / MB/s without (same run). sg-resume"
	echo "fsyncs (every 1 s or 64 MiB and at the end, its defaults) inside the timed run; after"
	echo "every run, untimed, the output is checked (decodes to F, is F, or is the fault loop's"
	echo "reference), then \`sync\`ed and removed, so no run pays for another's writeback."
	echo
	echo "| sink | with sg-resume MB/s | without MB/s | ratio | target ≥ $RATIO_MIN |"
	echo "| --- | ---: | ---: | ---: | --- |"
	for id in res resraw; do
		if [[ $id == res ]]; then peer=enc; else peer=dec; fi
		[[ -n ${TIMES[$id]:-} && -n ${TIMES[$peer]:-} ]] || continue
		v=$(ratio "$id" "$peer")
		printf '| %s: %s vs %s | %s | %s | %s | %s%s |\n' "$([[ $id == res ]] && echo frames || echo 'raw bytes')" \
			"$(cell "${SHOW[$id]}")" "$(cell "${SHOW[$peer]}")" "$(rate "$id")" "$(rate "$peer")" \
			"$v" "$(verdict "$v" '>=' "$RATIO_MIN" MISS)" "$(quick_note)"
	done
	echo
	echo "Every command measured (peak RSS: GNU \`time -f %M\` around each process, largest over the runs):"
	echo
	echo "| command | MB/s (median) | median time | MB/s min–max | peak RSS |"
	echo "| --- | ---: | ---: | ---: | --- |"
	for id in "${IDS[@]}"; do
		[[ -n ${TIMES[$id]:-} ]] || continue
		printf '| %s | %s | %s | %s–%s | %s |\n' "$(cell "${SHOW[$id]}")" "$(rate "$id")" \
			"$(secs "$(med "$id")")" "$(rate "$id" "$(tmax "$id")")" "$(rate "$id" "$(tmin "$id")")" \
			"$(rss_cell "$id")"
	done
	echo
	echo "### Targets"
	echo
	echo "| target | measured | result |"
	echo "| --- | ---: | --- |"
	local bad=0
	for m in "${MODES[@]}"; do
		[[ ${MATCH[$m]:-no} == yes && ${NOOP[$m]:-no} == yes && ${STATE[$m]:-} == "done" ]] || bad=1
	done
	printf '| after %s SIGKILLs and reruns, each command line'"'"'s output = its uninterrupted output, state done, a rerun a no-op | %s | %s |\n' \
		"$KILLS" "$(for m in "${MODES[@]}"; do printf '%s %s; ' "$m" "${MATCH[$m]:-not run}"; done | sed 's/; $//')" \
		"$([[ $bad == 0 ]] && echo '**PASS**' || echo '**FAIL**')"
	for id in res resraw; do
		if [[ $id == res ]]; then peer=enc; else peer=dec; fi
		[[ -n ${TIMES[$id]:-} ]] || continue
		v=$(ratio "$id" "$peer")
		printf '| %s MB/s ≥ %s × %s MB/s | %s vs %s: ratio %s | %s%s |\n' "$(cell "${SHOW[$id]}")" \
			"$RATIO_MIN" "$(cell "${SHOW[$peer]}")" "$(rate "$id")" "$(rate "$peer")" "$v" \
			"$(verdict "$v" '>=' "$RATIO_MIN" MISS)" "$(quick_note)"
	done
	for id in res resraw; do
		[[ -n ${RSS_MAX[$id.3]:-} ]] || continue
		k=${RSS_MAX[$id.3]}
		printf '| sg-resume%s peak RSS < %s on F | %s | %s |\n' "$([[ $id == resraw ]] && echo ' --raw')" \
			"$(mib "$RSS_LIMIT_KIB")" "$(mib "$k")" "$(verdict "$k" '<' "$RSS_LIMIT_KIB" MISS)"
	done
	if ((${#FAILURES[@]} > 0)); then
		echo
		echo "**Failures:**"
		echo
		printf -- '- %s\n' "${FAILURES[@]}"
	fi
}

main() {
	local m
	check_tools
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	setup_dir
	make_inputs "$(target_bytes)"
	rm -rf "$WORK/resume"; mkdir "$WORK/resume"
	OUT=$WORK/resume/overhead.out CK=$WORK/resume/overhead.ckpt
	say "checking F.tar holds F, cut in 4"
	tar -xOf "$TAR" | cmp -s - "$F" || die "F.tar's files concatenated are not F"
	say "warming the page cache"
	cat "$F" "$GZ" "$TAR" >/dev/null
	RANDOM=$SEED
	for m in "${MODES[@]}"; do
		set_mode "$m"
		reference "$m"
		fault_loop "$m"
	done
	measure "overhead "
	keep_inputs || rm -f "$F" "$GZ" "$TAR"
	report >"$WORK/resume.md"
	cat "$WORK/resume.md"
	replace_section "Resume" "$WORK/resume.md"
	rm -f "$WORK/resume.md"
	say "wrote the Resume section of $RESULTS"
	((${#FAILURES[@]} == 0)) || die "$(printf '%s\n' "${#FAILURES[@]} failure(s):" "${FAILURES[@]}")"
}

main "$@"
