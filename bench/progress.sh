#!/usr/bin/env bash
# bench/progress.sh: throughput and peak RSS of sg-progress, the pass-through
# meter, against a plain `cat` in its place and against pv, on raw bytes and
# on sg frames, in one run. bench/run.sh (make bench) calls it after
# bench/archive.sh.
#
# Usage: bench/progress.sh
# Environment (all optional):
#   BENCH_QUICK   1: a quick check, a 128 MiB input and 1 round (unless
#                 BENCH_SIZE/BENCH_MB or BENCH_RUNS say otherwise)
#   BENCH_SIZE    size of the input F, bytes or with K/M/G suffix (default 1G);
#                 BENCH_MB as in run.sh
#   BENCH_RUNS    rounds; the tables show medians over them (default 5: the
#                 peer, three cats in a pipe, is bimodal on a 2-core machine)
#   BENCH_DIR     scratch directory (default: mktemp -d under /tmp, removed at
#                 exit); an input in a given BENCH_DIR is kept and reused
#   BENCH_KEEP    1 keeps the scratch directory and the input
#   BENCH_CORPUS  text files to build F from, as in run.sh
#   BENCH_RESULTS report file (default: bench/results.md); its "Progress"
#                 section is replaced, or appended when it has none
#   SG_BIN        directory holding sg-chunk, sg-progress and sg-decode
#
# The input is run.sh's text input (the shared corpus concatenated and
# repeated, or run.sh's generator), in the page cache. sg-progress writes
# its meter to a log file in the scratch directory (its plain log lines, as
# when its standard error is not a terminal), never to the terminal.
#
# The section goes to stdout and to the report file; progress goes to stderr.
# shellcheck disable=SC2016 # backquotes in single quotes are markdown code
set -euo pipefail

# run.sh's helpers: need_tools, target_bytes, make_input, setup_dir,
# drop_work, keep_inputs, rss, chunk, now_ns, keep_rss, ready, measure, med,
# tmin, tmax, rate, ratio, secs, verdict, mib, rss_cell, cell,
# replace_section, and its globals (SG_BIN, RESULTS, GNU_TIME, HERE, REPO).
# Sourcing it runs nothing.
# shellcheck source=SCRIPTDIR/run.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run.sh"

START_SECONDS=$SECONDS
QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then
	[[ -n ${BENCH_SIZE:-} || -n ${BENCH_MB:-} ]] || BENCH_SIZE=128M
	RUNS=${BENCH_RUNS:-1}
else
	RUNS=${BENCH_RUNS:-5}
fi
CAT_SLACK=0.9 # sg-progress MB/s >= 0.9 x the three cats' MB/s

die() { printf 'bench/progress: %s\n' "$*" >&2; exit 1; }
say() { printf 'bench/progress: %s\n' "$*" >&2; }

check_tools() {
	need_tools 'sg-chunk sg-progress sg-decode' 'awk cmp numfmt stat'
	[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "bad BENCH_RUNS: $RUNS"
}

cleanup() {
	rm -rf "${WORK:?}/rss" "$WORK/seed.txt" "$WORK/progress.log" "$WORK/progress.md"
	drop_work
}

# ---------------------------------------------------------------- commands
#
# Each command has an id, the command as shown in the report (F is the input),
# the labels of the processes whose peak RSS is kept (one GNU time file each),
# the tools it needs, and a function bench_<id>. MB/s always counts F's bytes,
# also where sg-chunk's frames (a little larger) are what flows through.

declare -A SHOW=() PROCS=() NEED=()
def() { SHOW[$1]=$2 PROCS[$1]=$3 NEED[$1]=${4:-}; }

def cat3 'cat F | cat | cat >/dev/null' 'cat cat cat'
def prog 'cat F | sg-progress | cat >/dev/null' 'cat sg-progress cat'
def pv 'cat F | pv -q | cat >/dev/null' 'cat pv cat' pv
def chunk_prog 'sg-chunk F | sg-progress | cat >/dev/null' 'sg-chunk sg-progress cat'
def chunk_cat 'sg-chunk F | cat | cat >/dev/null' 'sg-chunk cat cat'
ALL_IDS=(cat3 prog pv chunk_prog chunk_cat)

LOG= # set in main: sg-progress's standard error
progress() { rss 2 "$SG_BIN/sg-progress" 2>"$LOG"; }

bench_cat3() { rss 1 cat "$F" | rss 2 cat | rss 3 cat >/dev/null; }
bench_prog() { rss 1 cat "$F" | progress | rss 3 cat >/dev/null; }
bench_pv() { rss 1 cat "$F" | rss 2 pv -q | rss 3 cat >/dev/null; }
bench_chunk_prog() { chunk "$F" | progress | rss 3 cat >/dev/null; }
bench_chunk_cat() { chunk "$F" | rss 2 cat | rss 3 cat >/dev/null; }

# After every timed sg-progress run (untimed): its summary line must count
# all of F's bytes, and on frames the frames and the one source.
summary_ok() {
	local last
	last=$(tail -n 1 "$LOG")
	[[ $last == "sg-progress: $SIZE bytes ("* ]] ||
		die "${SHOW[$1]}: sg-progress ended with '$last', not the $SIZE bytes of F"
	if [[ $1 == chunk_prog && $last != *" frames, 1 source" ]]; then
		die "${SHOW[$1]}: sg-progress ended with '$last' (no frame count)"
	fi
	SUMMARY[$1]=$last
}
post_prog() { summary_ok prog; }
post_chunk_prog() { summary_ok chunk_prog; }

declare -A WHY_NOT=() SUMMARY=() # WHY_NOT: set by run.sh's ready (the tools in NEED)

# ---------------------------------------------------------------- measuring

declare -A TIMES=() RSS_MAX=()

# Run one command once: time it, check it succeeded, keep the largest RSS of
# each process.
run_one() {
	local id=$1 t0 t1
	rm -rf "$WORK/rss"; mkdir "$WORK/rss"
	: >"$LOG"
	t0=$(now_ns)
	"bench_$id" || die "command failed: ${SHOW[$id]}"
	t1=$(now_ns)
	if declare -F "post_$id" >/dev/null; then "post_$id"; fi
	TIMES[$id]+="$((t1 - t0)) "
	keep_rss "$id"
}

# What each pipeline passes on must be F (or frames that decode to F), before
# any timing.
checks() {
	say "checking cat F | sg-progress == F"
	# cat F, as in the timed command: sg-progress's stdin is a pipe there.
	# shellcheck disable=SC2002
	cat "$F" | "$SG_BIN/sg-progress" 2>"$LOG" | cmp -s - "$F" ||
		die "cat F | sg-progress is not F"
	summary_ok prog
	say "checking sg-chunk F | sg-progress | sg-decode == F"
	"$SG_BIN/sg-chunk" "$F" | "$SG_BIN/sg-progress" 2>"$LOG" | "$SG_BIN/sg-decode" |
		cmp -s - "$F" || die "sg-chunk F | sg-progress | sg-decode is not F"
	summary_ok chunk_prog
	if ready pv; then
		say "checking cat F | pv -q == F"
		# shellcheck disable=SC2002
		cat "$F" | pv -q | cmp -s - "$F" || die "cat F | pv -q is not F"
	fi
}

# ---------------------------------------------------------------- report

# Was command ID measured? (run.sh's rate counts F's bytes for every ID.)
measured() { [[ -n ${TIMES[$1]:-} ]]; }

# Rows of the comparison table: label, command, peer.
ROW_LABEL=() ROW_ID=() ROW_PEER=()
row() { ROW_LABEL+=("$1") ROW_ID+=("$2") ROW_PEER+=("$3"); }
row 'raw bytes: `sg-progress` vs `cat` in its place' prog cat3
row 'raw bytes: `sg-progress` vs `pv -q` in its place' prog pv
row 'raw bytes: `pv -q` vs `cat` in its place' pv cat3
row 'sg frames: `sg-progress` vs `cat` in its place' chunk_prog chunk_cat

table_row() {
	local i=$1 id=${ROW_ID[$1]} peer=${ROW_PEER[$1]}
	if ! measured "$id" || ! measured "$peer"; then
		printf '| %s | n/a | n/a | n/a | not measured: %s |\n' "${ROW_LABEL[$i]}" \
			"${WHY_NOT[$id]:-${WHY_NOT[$peer]:-not run}}"
		return
	fi
	printf '| %s | %s | %s | %s | %s |\n' "${ROW_LABEL[$i]}" "$(rate "$id")" \
		"$(rate "$peer")" "$(ratio "$id" "$peer")" "$(rss_cell "$id")"
}

report() {
	local cpu i id el v
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	el=$((SECONDS - START_SECONDS))
	echo
	echo "## Progress"
	echo
	echo "\`bench/progress.sh\`: sg-progress, the pass-through meter, in the middle of a pipe"
	echo "against \`cat\` and \`pv -q\` in the same place, on raw bytes and on sg frames, all"
	echo "measured in the same run. Figures are **medians of $RUNS run(s)** on a **shared, noisy"
	echo "machine**; compare the ratios, not absolute MB/s.$([[ $QUICK == 1 ]] && printf ' **Quick mode** (BENCH_QUICK=1): a small input, indicative only.')"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); the script ran for $((el / 60)) min $((el % 60)) s"
	echo "- machine: $(nproc) CPUs (nproc), ${cpu:-unknown CPU}, Linux $(uname -r), $(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
	echo "- load average (1, 5, 15 min): $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "- sg: $("$SG_BIN/sg-progress" --version 2>/dev/null | head -n 1) from \`$SG_BIN\`, tree ${BENCH_TREE:-$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)}"
	echo "- peers: $(cat --version | head -n 1), $(pv --version 2>/dev/null | head -n 1 | sed 's/ - Copyright.*//' || echo 'no pv')"
	echo "- input F: $INPUT_KIND ($(mib $((SIZE / 1024)))), in the scratch directory \`$WORK\` (not committed), read once before timing (page cache)"
	echo "- runs: $RUNS round(s), round-robin over the commands; MB/s = F's bytes / median wall time, 1 MB = 10^6 bytes (for the sg-chunk rows too, whose frames are a little larger than F)"
	echo "- ratio: MB/s of the command / MB/s of its peer (same bytes, same run); peak RSS: GNU time %M of each process, largest over the runs"
	echo "- sg-progress ran with its defaults (1-second interval); its standard error went to a file, so it wrote plain log lines, as it does when that is not a terminal"
	echo
	echo "| case | MB/s | peer MB/s | ratio | peak RSS |"
	echo "| --- | ---: | ---: | ---: | --- |"
	for i in "${!ROW_ID[@]}"; do table_row "$i"; done
	echo
	echo "Every command measured, exactly (F as above; sg-chunk and sg-progress run from \`$SG_BIN\`):"
	echo
	echo "| command | MB/s (median) | median time | MB/s min–max | peak RSS |"
	echo "| --- | ---: | ---: | ---: | --- |"
	for id in "${ALL_IDS[@]}"; do
		if ! measured "$id"; then
			printf '| %s | not measured: %s | | | |\n' "$(cell "${SHOW[$id]}")" "${WHY_NOT[$id]:-not run}"
			continue
		fi
		printf '| %s | %s | %s | %s–%s | %s |\n' "$(cell "${SHOW[$id]}")" "$(rate "$id")" \
			"$(secs "$(med "$id")")" "$(rate "$id" "$(tmax "$id")")" "$(rate "$id" "$(tmin "$id")")" \
			"$(rss_cell "$id")"
	done
	echo
	echo "Every process of a pipeline is wrapped as \`/usr/bin/time -f %M -o RSSFILE ...\` (one"
	echo "fork+exec more, the same for every command), and sg-progress's standard error goes to"
	echo "\`$WORK/progress.log\`. Checked before timing: \`cat F | sg-progress\` is F (\`cmp\`),"
	echo "\`sg-chunk F | sg-progress | sg-decode\` is F, and \`cat F | pv -q\` is F. After every timed"
	echo "run of sg-progress (untimed), its summary line counted all $SIZE bytes of F; the last ones were:"
	echo
	echo '```text'
	for id in prog chunk_prog; do
		[[ -n ${SUMMARY[$id]:-} ]] && printf '%s\n' "${SUMMARY[$id]}"
	done
	echo '```'
	echo
	echo "sg-progress widens the pipe it writes to to 1 MiB (\`F_SETPIPE_SZ\`), as sg-chunk does;"
	echo "\`cat\` and \`pv\` keep the default 64 KiB. Three processes in a pipe on a 2-core machine"
	echo "share the CPUs however the scheduler places them, which moves every row by a lot from"
	echo "run to run (see min–max); read the ratios with that in mind."
	echo
	echo "### Targets"
	echo
	echo "| target | measured | result |"
	echo "| --- | ---: | --- |"
	if measured prog && measured cat3; then
		v=$(ratio prog cat3)
		echo "| \`cat F \\| sg-progress \\| cat\` MB/s ≥ $CAT_SLACK × \`cat F \\| cat \\| cat\` MB/s | $(rate prog) vs $(rate cat3): ratio $v | $(verdict "$v" '>=' "$CAT_SLACK")$([[ $QUICK == 1 ]] && printf ' (quick mode: indicative only)') |"
	fi
	if measured prog && measured pv; then
		v=$(ratio prog pv)
		echo "| \`cat F \\| sg-progress \\| cat\` MB/s ≥ \`cat F \\| pv -q \\| cat\` MB/s | $(rate prog) vs $(rate pv): ratio $v | $(verdict "$v" '>=' 1)$([[ $QUICK == 1 ]] && printf ' (quick mode: indicative only)') |"
	else
		echo "| \`cat F \\| sg-progress \\| cat\` MB/s ≥ \`cat F \\| pv -q \\| cat\` MB/s | not measured: ${WHY_NOT[pv]:-not run} | n/a |"
	fi
}

main() {
	local id
	check_tools
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	setup_dir
	LOG=$WORK/progress.log
	make_input "$(target_bytes)"
	IDS=()
	for id in "${ALL_IDS[@]}"; do
		if ready "$id"; then IDS+=("$id"); else say "skipping ${SHOW[$id]}: ${WHY_NOT[$id]}"; fi
	done
	say "warming the page cache"
	cat "$F" >/dev/null
	checks
	measure
	keep_inputs || rm -f "$F"
	report >"$WORK/progress.md"
	cat "$WORK/progress.md"
	replace_section "Progress" "$WORK/progress.md"
	rm -f "$WORK/progress.md"
	say "wrote the Progress section of $RESULTS"
}

main "$@"
