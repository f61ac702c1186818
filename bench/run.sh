#!/usr/bin/env bash
# bench/run.sh: throughput and peak RSS of sg against cat and split, in one run.
#
# Usage: bench/run.sh            (or: make bench)
# Environment (all optional):
#   BENCH_SIZE   input size, bytes or with K/M/G suffix (default 1G)
#   BENCH_MB     input size in MiB (used when BENCH_SIZE is unset)
#   BENCH_RUNS   rounds; every command runs once per round (default 5)
#   BENCH_QUICK  1: 128 MiB inputs and one round in every script (a quick check)
#   BENCH_DIR    scratch directory (default: mktemp -d under /tmp, removed at exit)
#   BENCH_KEEP   1 keeps the scratch directory and its input for the next run
#   BENCH_CORPUS directory of text files to build the input from
#                (default: ../../shared/corpora/text relative to this script;
#                a built-in generator is used when it does not exist)
#   BENCH_RESULTS report file (default: bench/results.md)
#   SG_BIN       directory holding sg-chunk and sg-decode (default: the repo's bin/)
#
# The table goes to stdout and to bench/results.md; progress goes to stderr.
# At the end it runs bench/codec.sh (sg-encode/sg-decode against zstd and
# lz4), which appends its "Codecs" section to the same file, then
# bench/strategies.sh, bench/archive.sh (compressed input, a tar of many small
# files, and sg-decode --split fan-out), bench/progress.sh (sg-progress in a
# pipe against cat and pv), bench/rss.sh (peak RSS against input size) and
# bench/plot.sh (bench/throughput.png and bench/rss.png, with gnuplot).
set -euo pipefail

# C locale: EPOCHREALTIME uses '.', awk and sort behave the same everywhere.
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SG_BIN=${SG_BIN:-$REPO/bin}
RESULTS=${BENCH_RESULTS:-$HERE/results.md}
RUNS=${BENCH_RUNS:-5}
# BENCH_QUICK=1: all of make bench in a few minutes, on 128 MiB inputs and
# one round (exported, so codec.sh, strategies.sh, rss.sh and archive.sh
# follow); the figures are then indicative only.
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
	if [[ -z ${BENCH_SIZE:-} && -z ${BENCH_MB:-} ]]; then
		export BENCH_SIZE=128M
	fi
	RUNS=${BENCH_RUNS:-1}
	export BENCH_QUICK
fi
CORPUS=${BENCH_CORPUS:-$HERE/../../shared/corpora/text}
GNU_TIME=/usr/bin/time
LATENCY=${LATENCY:-$REPO/build/latency}

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
say() { printf 'bench: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- setup

# Input size in bytes, from BENCH_SIZE (IEC suffixes) or BENCH_MB.
target_bytes() {
	if [[ -n ${BENCH_SIZE:-} ]]; then
		numfmt --from=iec "$BENCH_SIZE" || die "bad BENCH_SIZE: $BENCH_SIZE"
	elif [[ -n ${BENCH_MB:-} ]]; then
		[[ $BENCH_MB =~ ^[0-9]+$ ]] || die "bad BENCH_MB: $BENCH_MB"
		echo $((BENCH_MB * 1024 * 1024))
	else
		echo $((1024 * 1024 * 1024))
	fi
}

# need_tools SG_TOOLS TOOLS: die unless every sg tool in SG_TOOLS (words) is
# in SG_BIN, GNU time works and every tool in TOOLS (words) is on PATH.
need_tools() {
	local t
	for t in $1; do
		[[ -x $SG_BIN/$t ]] || die "$SG_BIN/$t not found (run make, or set SG_BIN)"
	done
	# GNU time, not the shell keyword: only it reports max RSS (-f %M).
	"$GNU_TIME" -f %M -o /dev/null true 2>/dev/null ||
		die "$GNU_TIME (GNU time) is needed for peak RSS"
	for t in $2; do
		command -v "$t" >/dev/null || die "$t is needed"
	done
}

check_tools() {
	need_tools 'sg-chunk sg-decode' 'split cmp numfmt awk'
	[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "bad BENCH_RUNS: $RUNS"
}

# Scratch directory. Only a directory we created ourselves is removed.
setup_dir() {
	if [[ -n ${BENCH_DIR:-} ]]; then
		mkdir -p "$BENCH_DIR"
		WORK=$(cd "$BENCH_DIR" && pwd)
		OWN_DIR=0
	else
		WORK=$(mktemp -d /tmp/sg-bench.XXXXXX)
		OWN_DIR=1
	fi
	trap cleanup EXIT
	trap 'exit 130' INT TERM
}

cleanup() {
	rm -rf "${WORK:?}/split" "$WORK/rss" "$WORK/seed.txt"
	drop_work
}

# The end of every script's cleanup: remove the scratch directory if we made
# it and BENCH_KEEP is not 1; say where it is when it is kept.
drop_work() {
	if [[ $OWN_DIR == 1 && ${BENCH_KEEP:-0} != 1 ]]; then
		rm -rf "$WORK"
	elif [[ ${BENCH_KEEP:-0} == 1 ]]; then
		say "kept $WORK"
	fi
}

# Inputs are kept only in a directory the user gave, or with BENCH_KEEP=1.
keep_inputs() { [[ $OWN_DIR == 0 || ${BENCH_KEEP:-0} == 1 ]]; }

# Fallback seed when the shared corpus is absent: lines of words drawn from
# Latin, Cyrillic, Greek, CJK, Hangul, Devanagari and emoji ranges (1- to
# 4-byte UTF-8), so every strategy sees multi-byte characters and short and
# long lines. Deterministic (fixed srand seed).
generate_seed() {
	awk -v bytes="$1" '
	function utf8(c) {
		if (c < 128) return sprintf("%c", c)
		if (c < 2048) return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
		if (c < 65536) return sprintf("%c%c%c", 224 + int(c / 4096),
		    128 + int(c / 64) % 64, 128 + c % 64)
		return sprintf("%c%c%c%c", 240 + int(c / 262144),
		    128 + int(c / 4096) % 64, 128 + int(c / 64) % 64, 128 + c % 64)
	}
	BEGIN {
		srand(42)
		split("97 1072 945 19968 44032 2325 128512", lo, " ")
		split("26 32 24 2000 2000 36 80", span, " ")
		for (v = 0; v < 4096; v++) {      # a 4096-word vocabulary
			s = (v % 10 < 5) ? 1 : 2 + int(rand() * 6)   # half Latin
			w = ""
			for (k = 2 + int(rand() * 7); k > 0; k--)
				w = w utf8(lo[s] + int(rand() * span[s]))
			word[v] = w
		}
		while (n < bytes) {
			line = word[int(rand() * 4096)]
			for (k = int(rand() * 40); k > 0; k--)
				line = line " " word[int(rand() * 4096)]
			print line "."
			n += length(line) + 2
		}
	}'
}

# The input: the corpus files concatenated, repeated until at least the target
# size. Whole copies only, so the input ends on a corpus file boundary and stays
# valid UTF-8. Deterministic, so a kept input with the right size is reused.
make_input() {
	local target=$1 seed=$WORK/seed.txt seed_size copies
	if [[ -d $CORPUS ]]; then
		find "$CORPUS" -type f -name '*.txt' -print0 | sort -z |
			xargs -0 cat >"$seed"
		INPUT_KIND="text: the $(find "$CORPUS" -type f -name '*.txt' | wc -l) files of shared/corpora/text (multilingual UTF-8: Spanish novel with BOM and CRLF, lipsum and Wikipedia in 13 scripts, emoji), concatenated and repeated"
	else
		generate_seed $((8 * 1024 * 1024)) >"$seed"
		INPUT_KIND="text: generated by bench/run.sh (mixed-script words, 1-4 byte UTF-8, LF lines), repeated"
	fi
	seed_size=$(stat -c %s "$seed")
	((seed_size > 0)) || die "empty seed"
	copies=$(((target + seed_size - 1) / seed_size))
	F=$WORK/input.txt
	SIZE=$((copies * seed_size))
	if [[ -f $F && $(stat -c %s "$F") == "$SIZE" ]]; then
		say "reusing $F ($SIZE bytes)"
	else
		say "generating $F: $copies copies of a $seed_size-byte seed"
		: >"$F"
		local i
		for ((i = 0; i < copies; i++)); do cat "$seed" >>"$F"; done
	fi
	rm -f "$seed"
	INPUT_KIND="$INPUT_KIND; $SIZE bytes"
}

# ---------------------------------------------------------------- commands
#
# Each benchmark has an id, the command as shown in the report (F is the
# input), the processes whose peak RSS is reported, and a function bench_<id>
# that runs it. Every measured process is wrapped in GNU time writing its max
# RSS (KiB) to $WORK/rss/<n>; wrapping costs one fork+exec, the same for every
# command. Optional pre_<id>/post_<id> run outside the timed region.

IDS=(cat split split_filter sg_bytes sg_utf8 sg_lines sg_decode sg_lines_4m)
declare -A SHOW=(
	[cat]='cat F | cat >/dev/null'
	[split]='split -C 1M F DIR/x'
	[split_filter]="split -C 1M --filter='cat >/dev/null' F"
	[sg_bytes]='sg-chunk -s bytes F | cat >/dev/null'
	[sg_utf8]='sg-chunk -s utf8 F | cat >/dev/null'
	[sg_lines]='sg-chunk -s lines F | cat >/dev/null'
	[sg_decode]='sg-chunk -s lines F | sg-decode >/dev/null'
	[sg_lines_4m]='sg-chunk -s lines -b 4M F | cat >/dev/null'
)
# Space-separated labels, one per RSS file, in order.
declare -A PROCS=(
	[cat]='cat cat'
	[split]='split'
	[split_filter]='split+filters'
	[sg_bytes]='sg-chunk cat'
	[sg_utf8]='sg-chunk cat'
	[sg_lines]='sg-chunk cat'
	[sg_decode]='sg-chunk sg-decode'
	[sg_lines_4m]='sg-chunk cat'
)

rss() { local n=$1; shift; "$GNU_TIME" -f %M -o "$WORK/rss/$n" "$@"; }
chunk() { rss 1 "$SG_BIN/sg-chunk" "$@"; }

bench_cat() { rss 1 cat "$F" | rss 2 cat >/dev/null; }
# split writes ~SIZE bytes of files; they are deleted before writeback would
# start (dirty pages expire after 30 s), so the disk is not measured.
pre_split() { rm -rf "$WORK/split"; mkdir "$WORK/split"; }
bench_split() { rss 1 split -C 1M "$F" "$WORK/split/x"; }
post_split() { rm -rf "$WORK/split"; }
# GNU time's %M for split includes the filter children it waited for.
bench_split_filter() { rss 1 split -C 1M --filter='cat >/dev/null' "$F"; }
bench_sg_bytes() { chunk -s bytes "$F" | rss 2 cat >/dev/null; }
bench_sg_utf8() { chunk -s utf8 "$F" | rss 2 cat >/dev/null; }
bench_sg_lines() { chunk -s lines "$F" | rss 2 cat >/dev/null; }
bench_sg_decode() { chunk -s lines "$F" | rss 2 "$SG_BIN/sg-decode" >/dev/null; }
bench_sg_lines_4m() { chunk -s lines -b 4M "$F" | rss 2 cat >/dev/null; }

# ---------------------------------------------------------------- measuring

# Wall clock in ns. EPOCHREALTIME (bash 5) needs no fork; date +%s%N otherwise.
now_ns() {
	if [[ -n ${EPOCHREALTIME:-} ]]; then
		local t=${EPOCHREALTIME/./}
		echo $((10#$t * 1000))
	else
		date +%s%N
	fi
}

declare -A TIMES=() RSS_MAX=()

# Run one benchmark once: time it, check it succeeded, keep the largest RSS.
run_one() {
	local id=$1 t0 t1
	rm -rf "$WORK/rss"; mkdir "$WORK/rss"
	if declare -F "pre_$id" >/dev/null; then "pre_$id"; fi
	t0=$(now_ns)
	if ! "bench_$id"; then
		die "command failed: ${SHOW[$id]}"
	fi
	t1=$(now_ns)
	if declare -F "post_$id" >/dev/null; then "post_$id"; fi
	TIMES[$id]+="$((t1 - t0)) "
	keep_rss "$id"
}

# After a run of command ID: keep the largest peak RSS of each of its
# processes (rss/1..N) in RSS_MAX[KEY.n]; KEY defaults to ID.
keep_rss() {
	local id=$1 key=${2:-$1} n=0 k
	for _ in ${PROCS[$id]}; do
		n=$((n + 1))
		# GNU time may put a "Command exited..." line first; %M is last.
		k=$(tail -n 1 "$WORK/rss/$n")
		[[ $k =~ ^[0-9]+$ ]] || die "no RSS for ${SHOW[$id]} (process $n)"
		if ((k > ${RSS_MAX[$key.$n]:-0})); then RSS_MAX[$key.$n]=$k; fi
	done
}

# Can command ID run (every tool in NEED[ID] is on PATH)? Sets WHY_NOT[ID]
# when not.
ready() {
	local t
	for t in ${NEED[$1]}; do
		# shellcheck disable=SC2034 # WHY_NOT is read by the scripts' reports
		command -v "$t" >/dev/null || { WHY_NOT[$1]="$t not installed"; return 1; }
	done
}

# Every sg stream must decode to exactly the input, or the speed means nothing.
check_round_trips() {
	local args
	for args in '-s bytes' '-s utf8' '-s lines' '-s lines -b 4M'; do
		say "checking sg-chunk $args F | sg-decode == F"
		# shellcheck disable=SC2086 # args is a word list on purpose
		"$SG_BIN/sg-chunk" $args "$F" | "$SG_BIN/sg-decode" | cmp -s - "$F" ||
			die "round trip is not byte-exact: sg-chunk $args F | sg-decode"
	done
}

# Round-robin: every command once per round, so a burst of noise from other
# load hits all commands alike. Each round starts one command later than the
# previous one, so no command always follows the same neighbour (e.g. split's
# page-cache churn). measure [PREFIX [ID...]]: PREFIX starts each round's
# progress line; the IDs (default: IDS) are run with run_one.
# shellcheck disable=SC2120 # both arguments are optional
measure() {
	local prefix=${1-} r i n id ids
	if (($# > 1)); then ids=("${@:2}"); else ids=("${IDS[@]}"); fi
	n=${#ids[@]}
	for ((r = 0; r < RUNS; r++)); do
		say "${prefix}round $((r + 1))/$RUNS (load $(cut -d' ' -f1-3 /proc/loadavg))"
		for ((i = 0; i < n; i++)); do
			id=${ids[$(((r + i) % n))]}
			run_one "$id"
		done
	done
}

# ---------------------------------------------------------------- report

# Median of numbers on stdin (mean of the middle two for an even count).
median() {
	tr ' ' '\n' | grep . | sort -n |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Median, shortest and longest time (ns) of TIMES[KEY] (KEY: a command id).
med() { median <<<"${TIMES[$1]}"; }
tmin() { tr ' ' '\n' <<<"${TIMES[$1]}" | grep . | sort -n | head -n 1; }
tmax() { tr ' ' '\n' <<<"${TIMES[$1]}" | grep . | sort -n | tail -n 1; }

# MB/s of BYTES in NS nanoseconds, 1 MB = 10^6 bytes.
mbps() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.0f", b / (ns / 1e9) / 1e6 }'; }

# The bytes command ID's MB/s counts: SIZE (scripts whose commands read
# inputs of different sizes redefine it).
bytes_of() { echo "$SIZE"; }

# MB/s of command ID: bytes_of ID / a time in ns (default: its median).
rate() { mbps "$(bytes_of "$1")" "${2:-$(med "$1")}"; }

# MB/s of ID / MB/s of PEER, from the rounded MB/s as the tables show them.
ratio() { awk -v a="$(rate "$1")" -v b="$(rate "$2")" 'BEGIN { printf "%.2f", a / b }'; }

# "1.23 s" from ns.
secs() { awk -v ns="$1" 'BEGIN { printf "%.2f s", ns / 1e9 }'; }

# "1.9 MiB" from KiB.
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

# "301.2 MiB" from bytes.
bmib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

# Peak RSS of every process of command ID, "sg-chunk 2.5 MiB, cat 1.9 MiB",
# from RSS_MAX[KEY.n]; KEY defaults to ID.
rss_cell() {
	local id=$1 key=${2:-$1} label n=0 out=''
	for label in ${PROCS[$id]}; do
		n=$((n + 1))
		out+="${out:+, }$label $(mib "${RSS_MAX[$key.$n]}")"
	done
	printf '%s' "$out"
}

# **PASS** when "A OP B" holds (OP: >=, <= or <; awk compares numbers), else
# **FAIL**, or **NO** when a fourth word NO is given (e.g. MISS: a target).
verdict() {
	awk -v a="$1" -v b="$3" -v op="$2" -v no="${4:-FAIL}" 'BEGIN {
		ok = (op == ">=") ? a >= b : (op == "<=") ? a <= b : a < b
		print ok ? "**PASS**" : "**" no "**" }'
}

# A command for a markdown table cell: pipes escaped, inside a code span.
cell() { printf '\x60%s\x60' "${1//|/\\|}"; }

# Replace the section of $RESULTS that starts at the line "## HEADING" (up
# to the next "## " heading) with the contents of FILE, or append FILE.
replace_section() {
	local heading=$1 section=$2 tmp=$RESULTS.new
	: >"$tmp"
	if [[ -f $RESULTS ]]; then
		awk -v h="## $heading" '$0 == h { skip = 1; next }
		     skip && /^## / { skip = 0 }
		     !skip { buf[++n] = $0 }
		     END { while (n > 0 && buf[n] == "") n--
		           for (i = 1; i <= n; i++) print buf[i] }' "$RESULTS" >"$tmp"
	fi
	cat "$section" >>"$tmp"
	cat "$tmp" >"$RESULTS"
	rm -f "$tmp"
}

report() {
	local id base cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	base=$(med cat)
	echo "# sg benchmark results"
	echo
	echo "Figures are **medians of $RUNS runs** on a **shared, noisy machine**; other"
	echo "processes may have been running. Compare the ratios to \`cat F | cat\` measured"
	echo "in the same run, not the absolute MB/s across runs or machines."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r), $(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
	echo "- load average (1, 5, 15 min): $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "- sg: $("$SG_BIN/sg-chunk" --version 2>/dev/null | head -n 1) from \`$SG_BIN\`, tree ${BENCH_TREE:-$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)}"
	echo "- input F: $INPUT_KIND ($(mib $((SIZE / 1024)))), in the page cache"
	echo "- runs: $RUNS rounds, round-robin over the commands; MB/s = input bytes / median wall time, 1 MB = 10^6 bytes"
	echo "- peak RSS: GNU time %M of each process (largest over the runs); for \`split --filter\` it includes the filter children"
	echo
	echo "| command | MB/s (median) | vs \`cat F \\| cat\` | peak RSS | MB/s min–max |"
	echo "| --- | ---: | ---: | --- | ---: |"
	for id in "${IDS[@]}"; do
		printf '| %s | %s | %s | %s | %s–%s |\n' "$(cell "${SHOW[$id]}")" \
			"$(rate "$id")" \
			"$(awk -v a="$base" -v b="$(med "$id")" 'BEGIN { printf "%.2f", a / b }')" \
			"$(rss_cell "$id")" "$(rate "$id" "$(tmax "$id")")" "$(rate "$id" "$(tmin "$id")")"
	done
	echo
	echo "Exact commands: as in the table, with F = \`$F\` and DIR = \`$WORK/split\` (scratch),"
	echo "sg-chunk and sg-decode run as \`$SG_BIN/sg-chunk\` and \`$SG_BIN/sg-decode\`,"
	echo "and every process in a pipeline wrapped as \`/usr/bin/time -f %M -o RSSFILE ...\`"
	echo "(one fork+exec more, the same for every command). Before timing, each sg stream"
	echo "was checked to decode byte-exactly to F with \`sg-decode | cmp - F\`."
	foundation_targets
}

# The foundation's targets: sg-chunk -s lines keeps up with cat | cat, and
# no process of the table above needs 16 MiB.
foundation_targets() {
	local id n key kb max=0 r
	for id in "${IDS[@]}"; do
		[[ ${SHOW[$id]} == *sg-* ]] || continue
		n=0
		for _ in ${PROCS[$id]}; do
			n=$((n + 1))
			key=$id.$n
			kb=${RSS_MAX[$key]}
			((kb > max)) && max=$kb
		done
	done
	r=$(awk -v a="$(med cat)" -v b="$(med sg_lines)" 'BEGIN { printf "%.2f", a / b }')
	echo
	echo "### Targets"
	echo
	echo "| target | measured | result |"
	echo "| --- | --- | --- |"
	echo "| $(cell "${SHOW[sg_lines]}") MB/s ≥ 0.8 × $(cell "${SHOW[cat]}") MB/s | $(rate sg_lines) vs $(rate cat): ratio $r | $(verdict "$r" '>=' 0.8) |"
	echo "| peak RSS of every process of the sg rows < 16 MiB | largest $(mib "$max") | $(verdict "$max" '<' 16384) |"
}

# Live latency: one line at a time through each pipeline (bench/latency.c).
latency_report() {
	local cmd
	[[ -x $LATENCY ]] || { say "no latency probe at $LATENCY, skipped"; return 0; }
	echo
	echo "## Live latency"
	echo
	echo "One short line written at a time into the pipeline, timed until it comes out"
	# shellcheck disable=SC2016 # backquotes: markdown code
	echo '(`build/latency -n 200 CMD` from bench/latency.c, 10 ms between lines).'
	echo
	echo "| pipeline | median | p90 | max |"
	echo "| --- | ---: | ---: | ---: |"
	for cmd in "cat | cat" "sg-chunk | sg-decode" "sg-chunk -s bytes | sg-decode" \
		"sg-chunk -s utf8 -b 4M | sg-decode"; do
		PATH="$SG_BIN:$PATH" "$LATENCY" -n 200 "$cmd" |
			awk -v c="$cmd" '{ gsub(/\|/, "\\|", c); printf "| `%s` | %s ms | %s ms | %s ms |\n", c, $2, $5, $8 }'
	done
}

# Run one part of the benchmark (a command and its arguments), noting its
# wall time for the summary.
PART_TIMES=()
timed() {
	local name=$1 t0=$SECONDS
	shift
	"$@"
	PART_TIMES+=("$name=$((SECONDS - t0))")
	say "$name: $((SECONDS - t0)) s"
}

# "12 min 5 s" from seconds.
dur() { if (($1 >= 60)); then printf '%d min %d s' $(($1 / 60)) $(($1 % 60)); else printf '%d s' "$1"; fi; }

# The last section: how long each part took, and every row of the report
# that carries a verdict (in a section with a "### Targets" table, only
# that table's rows), so one look shows what this run met and missed.
summary() {
	local total=$1 p
	echo "## Summary of this run"
	echo
	echo "bench/run.sh took $(dur "$total") in all$([[ ${BENCH_QUICK:-0} == 1 ]] && printf ' (BENCH_QUICK=1)'):"
	echo
	for p in "${PART_TIMES[@]}"; do echo "- ${p%%=*}: $(dur "${p#*=}")"; done
	echo
	echo "Every target above, with its verdict (cells of its row joined by ·):"
	echo
	echo "| section | target, input and figures | result |"
	echo "| --- | --- | --- |"
	awk 'FNR == NR { if (/^## /) s = substr($0, 4); else if ($0 == "### Targets") has[s] = 1; next }
	     /^## / { sec = substr($0, 4); sub_ = ""; next }
	     /^### / { sub_ = substr($0, 5); next }
	     /^\|/ && /\*\*(PASS|FAIL|MISS)\*\*/ && (!has[sec] || sub_ == "Targets") {
		line = $0
		gsub(/\\\|/, "\001", line)
		n = split(line, c, "|")
		text = ""; res = "**PASS**"
		for (i = 2; i < n; i++) {
			s = c[i]; gsub(/^ +| +$/, "", s)
			if (s ~ /\*\*FAIL\*\*/) res = "**FAIL**"
			else if (s ~ /\*\*MISS\*\*/ && res != "**FAIL**") res = "**MISS**"
			if (s == "" || s ~ /^\*\*(PASS|FAIL|MISS)\*\*$/) continue
			text = text (text == "" ? "" : " · ") s
		}
		gsub(/\001/, "\\|", text)
		printf "| %s | %s | %s |\n", sec == "" ? "sg-chunk" : sec, text, res
	     }' "$RESULTS" "$RESULTS"
}

main() {
	local t0=$SECONDS
	# The tree as it was before this run wrote its own report into it.
	BENCH_TREE=${BENCH_TREE:-$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)}
	export BENCH_TREE
	check_tools
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	setup_dir
	make_input "$(target_bytes)"
	say "warming the page cache"
	cat "$F" >/dev/null
	check_round_trips
	timed "sg-chunk and sg-decode against cat and split (bench/run.sh)" measure
	{ report; latency_report; } | tee "$RESULTS"
	say "wrote $RESULTS"
	# Each script appends its section to $RESULTS (or replaces it).
	export BENCH_RESULTS=$RESULTS
	timed "sg-encode and sg-decode against zstd and lz4 (bench/codec.sh)" "$HERE/codec.sh"
	timed "record strategies and --part (bench/strategies.sh)" "$HERE/strategies.sh"
	timed "compressed input, archives, --split fan-out (bench/archive.sh)" "$HERE/archive.sh"
	timed "sg-progress against cat and pv (bench/progress.sh)" "$HERE/progress.sh"
	timed "sg-resume: fault injection and overhead (bench/resume.sh)" "$HERE/resume.sh"
	# Peak RSS against input size (generated on the fly); writes bench/rss.dat.
	timed "peak RSS against input size (bench/rss.sh)" "$HERE/rss.sh"
	# bench/throughput.png and bench/rss.png (skipped without gnuplot).
	timed "plots (bench/plot.sh)" "$HERE/plot.sh"
	summary $((SECONDS - t0)) >"$WORK/summary.md"
	replace_section "Summary of this run" "$WORK/summary.md"
	say "wrote the summary to $RESULTS"
}

# The other bench scripts source this file for its helpers (its top level
# only sets globals and defines functions); main runs only when executed.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	main "$@"
fi
