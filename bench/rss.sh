#!/usr/bin/env bash
# bench/rss.sh: peak RSS of sg-chunk, sg-encode -T2 and sg-decode -T2 against
# the input size (128 MiB, 512 MiB, 2 GiB, 8 GiB): memory must not grow with
# the input. bench/run.sh (make bench) calls it after bench/strategies.sh.
#
# Each size runs once, as one pipeline, with the input generated on the fly
# (nothing of the input size touches the disk):
#
#   gen N | tee FIFO1 | time sg-chunk -s lines | time sg-encode -T2 | tee FIFO2 |
#       time sg-decode -T2 | cksum          (cksum <FIFO1, wc -c <FIFO2)
#
# gen N writes exactly N bytes: a text seed (the shared corpus, as in run.sh,
# or run.sh's generator) repeated, the last copy cut short. Every size is
# verified: the cksum of what came out of sg-decode must equal the cksum of
# what gen wrote (taken by the tee in the same run).
#
# Usage: bench/rss.sh
# Environment (all optional):
#   BENCH_QUICK      1: sizes 128M and 512M only
#   BENCH_RSS_SIZES  sizes, IEC suffixes, space-separated (default
#                    "128M 512M 2G 8G"; with BENCH_QUICK=1 "128M 512M")
#   BENCH_RSS_DAT    data file (default: bench/rss.dat, overwritten), read by
#                    bench/plot.sh
#   BENCH_DIR, BENCH_KEEP, BENCH_CORPUS, BENCH_RESULTS, SG_BIN: as for run.sh
#
# The section "## RSS against input size" goes to stdout and to the report
# file (replacing that section, or appended); progress goes to stderr.
# shellcheck disable=SC2016 # backquotes in single quotes are markdown code
set -euo pipefail

# run.sh's helpers: need_tools, setup_dir, drop_work, generate_seed, now_ns,
# mib, verdict, replace_section, and its globals (SG_BIN, RESULTS, CORPUS, GNU_TIME,
# HERE, REPO). Sourcing it runs nothing.
# shellcheck source=SCRIPTDIR/run.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run.sh"

START_SECONDS=$SECONDS
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
	SIZES_IEC=${BENCH_RSS_SIZES:-128M 512M}
else
	SIZES_IEC=${BENCH_RSS_SIZES:-128M 512M 2G 8G}
fi
DAT=${BENCH_RSS_DAT:-$HERE/rss.dat}
TOOLS=(sg-chunk sg-encode sg-decode)
SHOWN=('sg-chunk -s lines' 'sg-encode -T2' 'sg-decode -T2')
RATIO_LIMIT=1.2 # largest/smallest peak RSS, per tool

die() { printf 'bench/rss: %s\n' "$*" >&2; exit 1; }
say() { printf 'bench/rss: %s\n' "$*" >&2; }

check_tools() { need_tools "${TOOLS[*]}" 'awk cksum numfmt tee head mkfifo wc'; }

cleanup() {
	rm -rf "${WORK:?}/rss" "$WORK/seed.txt" "$WORK"/fifo.* "$WORK"/out.*
	drop_work
}

# The seed: the corpus files concatenated (about 5 MB: its repeats are beyond
# zstd -3's 2 MiB window, so the stream compresses like text, not like a
# repeat), or 8 MiB of run.sh's mixed-script generator.
make_seed() {
	SEED=$WORK/seed.txt
	if [[ -d $CORPUS ]]; then
		find "$CORPUS" -type f -name '*.txt' -print0 | sort -z | xargs -0 cat >"$SEED"
		SEED_DESC="the $(find "$CORPUS" -type f -name '*.txt' | wc -l) text files of shared/corpora/text (multilingual UTF-8), concatenated"
	else
		generate_seed $((8 * 1024 * 1024)) >"$SEED"
		SEED_DESC="bench/run.sh's generator (mixed-script words, 1-4 byte UTF-8, LF lines)"
	fi
	SEED_SIZE=$(stat -c %s "$SEED")
	((SEED_SIZE > 0)) || die "empty seed"
	SEED_DESC="$SEED_DESC, $SEED_SIZE bytes"
}

# Exactly BYTES bytes on stdout: whole copies of the seed, then a cut copy.
# cat from the page cache runs at GB/s, well above the tools measured.
gen() {
	local bytes=$1 i
	for ((i = 0; i < bytes / SEED_SIZE; i++)); do cat "$SEED"; done
	head -c $((bytes % SEED_SIZE)) "$SEED"
}

declare -A RSS=() SECS=() ENC=() BYTES=()

# One size, one pipeline; every sg process wrapped in GNU time.
measure_size() {
	local iec=$1 bytes t0 t1 want got p1 p2 n
	bytes=$(numfmt --from=iec "$iec") || die "bad size in BENCH_RSS_SIZES: $iec"
	BYTES[$iec]=$bytes
	rm -rf "$WORK/rss" "$WORK"/fifo.* "$WORK"/out.*
	mkdir "$WORK/rss"
	mkfifo "$WORK/fifo.in" "$WORK/fifo.enc"
	cksum <"$WORK/fifo.in" >"$WORK/out.want" &
	p1=$!
	wc -c <"$WORK/fifo.enc" >"$WORK/out.enc" &
	p2=$!
	say "$iec ($bytes bytes): gen | sg-chunk -s lines | sg-encode -T2 | sg-decode -T2 | cksum (load $(cut -d' ' -f1-3 /proc/loadavg))"
	t0=$(now_ns)
	gen "$bytes" | tee "$WORK/fifo.in" |
		"$GNU_TIME" -f %M -o "$WORK/rss/1" "$SG_BIN/sg-chunk" -s lines |
		"$GNU_TIME" -f %M -o "$WORK/rss/2" "$SG_BIN/sg-encode" -T2 |
		tee "$WORK/fifo.enc" |
		"$GNU_TIME" -f %M -o "$WORK/rss/3" "$SG_BIN/sg-decode" -T2 |
		cksum >"$WORK/out.got" || die "$iec: the pipeline failed"
	t1=$(now_ns)
	wait "$p1" || die "$iec: cksum of the input failed"
	wait "$p2" || die "$iec: wc -c of the encoded stream failed"
	want=$(cat "$WORK/out.want")
	got=$(cat "$WORK/out.got")
	[[ $want == "$got" ]] || die "$iec: round trip is not byte-exact (cksum in: $want, out: $got)"
	[[ ${want#* } == "$bytes" ]] || die "$iec: gen wrote ${want#* } bytes, not $bytes"
	SECS[$iec]=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }')
	ENC[$iec]=$(tr -d ' ' <"$WORK/out.enc")
	for n in 1 2 3; do
		RSS[$iec.$n]=$(tail -n 1 "$WORK/rss/$n")
		[[ ${RSS[$iec.$n]} =~ ^[0-9]+$ ]] || die "$iec: no RSS for ${TOOLS[n - 1]}"
	done
	say "$iec: ${SECS[$iec]} s; peak RSS ${RSS[$iec.1]} / ${RSS[$iec.2]} / ${RSS[$iec.3]} KiB; cksum $want (equal)"
}

write_dat() {
	local iec
	{
		echo "# bench/rss.sh $(date -u '+%Y-%m-%d %H:%M:%S UTC'): peak RSS (KiB, GNU time %M) against input size"
		echo "# pipeline: gen N | sg-chunk -s lines | sg-encode -T2 | sg-decode -T2 | cksum (round trip verified)"
		echo "# bytes size sg-chunk_KiB sg-encode_KiB sg-decode_KiB seconds encoded_bytes"
		for iec in $SIZES_IEC; do
			echo "${BYTES[$iec]} $iec ${RSS[$iec.1]} ${RSS[$iec.2]} ${RSS[$iec.3]} ${SECS[$iec]} ${ENC[$iec]}"
		done
	} >"$DAT"
}

report() {
	local iec first last n cpu el r row total=0 quick=''
	read -r first _ <<<"$SIZES_IEC"
	last=${SIZES_IEC##* }
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	el=$((SECONDS - START_SECONDS))
	[[ $last == 8G ]] || quick=" (largest size $last, not 8G: indicative only)"
	echo
	echo "## RSS against input size"
	echo
	echo "\`bench/rss.sh\`: peak RSS of each sg process against the input size, one run per size."
	echo "Memory should not grow with the input: the target is a peak RSS at the largest size"
	echo "below $RATIO_LIMIT × the one at the smallest, per tool."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); the script ran for $((el / 60)) min $((el % 60)) s"
	echo "- machine: $(nproc) CPUs (nproc), ${cpu:-unknown CPU}, Linux $(uname -r), $(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
	echo "- load average (1, 5, 15 min): $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "- sg: $("$SG_BIN/sg-chunk" --version 2>/dev/null | head -n 1) from \`$SG_BIN\`, tree ${BENCH_TREE:-$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)}"
	echo "- input: generated on the fly, never written to disk: $SEED_DESC, repeated to exactly the size (the last copy cut short)"
	echo "- data: \`${DAT#"$REPO"/}\` (plotted by \`bench/plot.sh\` as \`bench/rss.png\`)"
	echo
	echo "| size | ${SHOWN[0]} | ${SHOWN[1]} | ${SHOWN[2]} | wall time | MB/s | encoded (ratio) |"
	echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for iec in $SIZES_IEC; do
		printf '| %s | %s | %s | %s | %s s | %s | %s |\n' "$(numfmt --to=iec-i --suffix=B "${BYTES[$iec]}" | sed 's/[KMGT]i/ &/')" \
			"$(mib "${RSS[$iec.1]}")" "$(mib "${RSS[$iec.2]}")" "$(mib "${RSS[$iec.3]}")" "${SECS[$iec]}" \
			"$(awk -v b="${BYTES[$iec]}" -v s="${SECS[$iec]}" 'BEGIN { printf "%.0f", b / s / 1e6 }')" \
			"$(awk -v e="${ENC[$iec]}" -v b="${BYTES[$iec]}" 'BEGIN { printf "%.1f MiB (%.2fx)", e / 1048576, b / e }')"
		total=$(awk -v a="$total" -v s="${SECS[$iec]}" 'BEGIN { print a + s }')
	done
	row="| ratio $last / $first (target < $RATIO_LIMIT) |"
	for n in 1 2 3; do
		r=$(awk -v a="${RSS[$last.$n]}" -v b="${RSS[$first.$n]}" 'BEGIN { printf "%.2f", a / b }')
		row+=" $r $(verdict "$r" '<' "$RATIO_LIMIT") |"
	done
	echo "$row | | | |"
	echo
	echo "Exact commands, one pipeline per size N (sg from \`$SG_BIN\`), each sg process wrapped"
	echo "as \`/usr/bin/time -f %M -o RSSFILE ...\`:"
	echo
	echo '```sh'
	echo 'gen N | tee FIFO1 | sg-chunk -s lines | sg-encode -T2 | tee FIFO2 | sg-decode -T2 | cksum'
	echo 'cksum <FIFO1; wc -c <FIFO2      # concurrently: the input cksum and the encoded size'
	echo '```'
	echo
	echo "Every size was verified, the largest too: the cksum of sg-decode's output equals the"
	echo "cksum of the generated input (taken by the tee in the same run), and gen wrote exactly N bytes."
	echo "The stages run concurrently on the shared machine, so the wall time (${total} s in all) is"
	echo "that of the slowest stage (sg-encode), with tee and both cksums competing for the CPUs."
	[[ -z $quick ]] || echo "Sizes measured: $SIZES_IEC$quick."
}


main() {
	local iec
	check_tools
	for iec in $SIZES_IEC; do
		numfmt --from=iec "$iec" >/dev/null 2>&1 || die "bad size in BENCH_RSS_SIZES: $iec"
	done
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	setup_dir
	make_seed
	cat "$SEED" >/dev/null
	for iec in $SIZES_IEC; do measure_size "$iec"; done
	write_dat
	report >"$WORK/rss.md"
	cat "$WORK/rss.md"
	replace_section "RSS against input size" "$WORK/rss.md"
	rm -f "$WORK/rss.md"
	say "wrote $DAT and the \"RSS against input size\" section of $RESULTS"
}

main "$@"
