#!/usr/bin/env bash
# bench/archive.sh: sg-chunk on compressed input and archives (through
# libarchive), and sg-decode --split fan-out, each against a peer measured in
# the same run: zcat, zstd -dc, cat, GNU parallel --pipe/--pipepart and GNU
# tar. bench/run.sh (make bench) calls it after bench/strategies.sh.
#
# Usage: bench/archive.sh
# Environment (all optional):
#   BENCH_QUICK   1: a quick check, 128 MiB NDJSON, a 256 MiB input for the
#                 RSS row and 1 round (unless the variables below say otherwise)
#   BENCH_SIZE    size of the NDJSON input F (before compression), bytes or with
#                 K/M/G suffix (default 1G); BENCH_MB as in run.sh
#   BENCH_ARCHIVE_RSS_SIZE  NDJSON bytes gzipped into the .gz of the peak-RSS
#                 row (default 2G; 256M with BENCH_QUICK=1)
#   BENCH_RUNS    rounds; the tables show medians over them (default 3)
#   BENCH_DIR     scratch directory (default: mktemp -d under /tmp, removed at
#                 exit); inputs in a given BENCH_DIR are kept and reused
#   BENCH_KEEP    1 keeps the scratch directory and the inputs
#   BENCH_RESULTS report file (default: bench/results.md); its "Archives and
#                 fan-out" section is replaced, or appended when it has none
#   SG_BIN        directory holding sg-chunk and sg-decode
#
# The inputs (generated in the scratch directory, never committed): F, NDJSON
# events (strategies.sh's generator, a 16 MiB seed repeated); F.gz (gzip -1)
# and F.zst (zstd -1 -T2) of it, made once, untimed; many.tar, 100,000 small
# files written by python3's tarfile; big.gz, BENCH_ARCHIVE_RSS_SIZE of the
# same NDJSON piped straight into gzip -1 (the plain bytes never hit the disk).
#
# The section goes to stdout and to the report file; progress goes to stderr.
# shellcheck disable=SC2016 # backquotes in single quotes are markdown code
set -euo pipefail

# run.sh's helpers: need_tools, target_bytes, setup_dir, drop_work,
# keep_inputs, rss, chunk, now_ns, run_one, ready, measure, med, tmin, tmax,
# mbps, rate, ratio, secs, verdict, mib, bmib, rss_cell, cell,
# replace_section, and its globals (SG_BIN, RESULTS, GNU_TIME, HERE, REPO).
# Sourcing it runs nothing.
# shellcheck source=SCRIPTDIR/run.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run.sh"

START_SECONDS=$SECONDS
QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then
	[[ -n ${BENCH_SIZE:-} || -n ${BENCH_MB:-} ]] || BENCH_SIZE=128M
	RUNS=${BENCH_RUNS:-1}
	BIG_IEC=${BENCH_ARCHIVE_RSS_SIZE:-256M}
	TAR_FILES=20000 # entries of many.tar
else
	RUNS=${BENCH_RUNS:-3}
	BIG_IEC=${BENCH_ARCHIVE_RSS_SIZE:-2G}
	TAR_FILES=100000
fi
SEED_MAX=$((16 * 1024 * 1024)) # the generated seed is repeated up to the size
BLOCK=64M                      # chunk (sg-chunk -b) and block (parallel --block) size
GZ_SLACK=1.15                  # sg-chunk F.gz time <= 1.15 x zcat F.gz time
RSS_LIMIT_KIB=$((32 * 1024))   # peak RSS targets: < 32 MiB
TWO_GIB=$((2 * 1024 * 1024 * 1024))

die() { printf 'bench/archive: %s\n' "$*" >&2; exit 1; }
say() { printf 'bench/archive: %s\n' "$*" >&2; }

check_tools() {
	need_tools 'sg-chunk sg-decode' 'awk cmp numfmt stat cksum mkfifo tee sort xargs wc gzip zcat tar python3'
	python3 -c 'import tarfile' 2>/dev/null || die "python3 with tarfile is needed"
	[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "bad BENCH_RUNS: $RUNS"
}

cleanup() {
	rm -rf "${WORK:?}/rss" "$WORK/split" "$WORK/check" "$WORK"/check.* \
		"$WORK/arch-seed.ndjson" "$WORK"/arch-*.tmp "$WORK/big.fifo"
	drop_work
}

# ---------------------------------------------------------------- generator

# gen_ndjson: NDJSON events (bench/gen_ndjson.sh, shared with strategies.sh).
# shellcheck source=SCRIPTDIR/gen_ndjson.sh
source "$HERE/gen_ndjson.sh"

# ---------------------------------------------------------------- inputs

# The NDJSON seed: at most 16 MiB of whole lines (deterministic).
make_seed() {
	local sb=$1
	SEED=$WORK/arch-seed.ndjson
	if [[ -s $SEED ]]; then return 0; fi
	((sb > SEED_MAX)) && sb=$SEED_MAX
	((sb > 0)) || sb=1
	say "generating the NDJSON seed ($sb bytes)"
	gen_ndjson "$sb" >"$SEED.tmp"
	mv "$SEED.tmp" "$SEED"
	[[ -s $SEED ]] || die "empty seed"
}

# COPIES whole copies of the seed to stdout.
repeat_seed() {
	local i
	for ((i = 0; i < $1; i++)); do cat "$SEED"; done
}

# F (NDJSON, whole seed copies up to at least TARGET bytes), then F.gz (gzip -1)
# and F.zst (zstd -1 -T2) of it, untimed. A kept F of the right size and its
# kept .gz/.zst are reused (the checks before timing would catch a mismatch).
make_inputs() {
	local target=$1 seed_size copies
	F=$WORK/arch-events.ndjson GZ=$F.gz ZST=$F.zst TAR=$WORK/arch-many.tar
	make_seed "$target"
	seed_size=$(stat -c %s "$SEED")
	copies=$(((target + seed_size - 1) / seed_size))
	SIZE=$((copies * seed_size))
	SEED_SIZE=$seed_size SEED_LINES=$(awk 'END { print NR }' "$SEED") COPIES=$copies
	if [[ -f $F && $(stat -c %s "$F") == "$SIZE" ]]; then
		say "reusing $F ($SIZE bytes)"
	else
		say "generating $F: $copies copies of a $seed_size-byte seed"
		rm -f "$GZ" "$ZST"
		repeat_seed "$copies" >"$F.tmp"
		mv "$F.tmp" "$F"
	fi
	if [[ -s $GZ ]]; then
		say "reusing $GZ"
	else
		say "gzip -1 F > F.gz (untimed)"
		gzip -1 -c "$F" >"$GZ.tmp"
		mv "$GZ.tmp" "$GZ"
	fi
	if ! command -v zstd >/dev/null; then
		say "no zstd: the F.zst rows are skipped"
	elif [[ -s $ZST ]]; then
		say "reusing $ZST"
	else
		say "zstd -1 -T2 F > F.zst (untimed)"
		zstd -q -1 -T2 -c "$F" >"$ZST.tmp"
		mv "$ZST.tmp" "$ZST"
	fi
	make_tar
	SIZE_GZ=$(stat -c %s "$GZ")
	SIZE_ZST=$( [[ -f $ZST ]] && stat -c %s "$ZST" || echo 0)
	SIZE_TAR=$(stat -c %s "$TAR")
}

# many.tar: TAR_FILES regular files d%03d/f%06d.txt (1000 per directory, no
# directory entries), 150-480 bytes each ("file N" then lines of words, some
# UTF-8), ustar format, fixed mtimes; each entry takes 1 KiB in the tar.
# Deterministic (random.Random(7)).
make_tar() {
	if [[ -s $TAR ]]; then
		say "reusing $TAR"
		return 0
	fi
	say "generating $TAR: $TAR_FILES small files (python3 tarfile)"
	python3 - "$TAR.tmp" "$TAR_FILES" <<'PY'
import io, random, sys, tarfile
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
words = ("the quick brown fox jumps over lazy dog café naïve über 日本語 Москва αλφα "
         "서울 😀 order parcel refund price delivery thanks again late box support").split()
lines = [(" ".join(rnd.choice(words) for _ in range(rnd.randint(3, 12))) + "\n").encode()
         for _ in range(4096)]
with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
    for i in range(n):
        data = b"file %06d\n" % i
        target = rnd.randint(150, 480)
        while len(data) < target:
            data += lines[rnd.getrandbits(12)]
        ti = tarfile.TarInfo("d%03d/f%06d.txt" % (i // 1000, i))
        ti.size, ti.mtime, ti.mode = len(data), 1790000000 + i, 0o644
        t.addfile(ti, io.BytesIO(data))
PY
	mv "$TAR.tmp" "$TAR"
}

# big.gz for the peak-RSS row: whole seed copies up to at least TARGET bytes,
# piped into gzip -1 through a FIFO; a tee takes the cksum of the plain bytes
# on the way (big.gz.cksum), so the plain file is never written.
make_big_gz() {
	local target=$1 copies
	BIG=$WORK/arch-big.ndjson.gz
	make_seed "$SEED_MAX"
	copies=$(((target + SEED_SIZE - 1) / SEED_SIZE))
	BIG_SIZE=$((copies * SEED_SIZE))
	if [[ -s $BIG && -s $BIG.cksum && $(awk '{ print $2 }' "$BIG.cksum") == "$BIG_SIZE" ]]; then
		say "reusing $BIG"
	else
		say "generating $BIG: $copies seed copies ($BIG_SIZE bytes) piped into gzip -1"
		rm -f "$WORK/big.fifo"
		mkfifo "$WORK/big.fifo"
		gzip -1 -c <"$WORK/big.fifo" >"$BIG.tmp" &
		local gz_pid=$!
		repeat_seed "$copies" | tee "$WORK/big.fifo" | cksum >"$BIG.cksum.tmp"
		wait "$gz_pid" || die "gzip -1 of the big input failed"
		rm -f "$WORK/big.fifo"
		mv "$BIG.tmp" "$BIG"
		mv "$BIG.cksum.tmp" "$BIG.cksum"
	fi
	[[ $(awk '{ print $2 }' "$BIG.cksum") == "$BIG_SIZE" ]] || die "big input: wrong size"
	BIG_GZ_SIZE=$(stat -c %s "$BIG")
}

# ---------------------------------------------------------------- commands
#
# Each command has an id, the command as shown in the report (F, F.gz, F.zst,
# many.tar and DIR stand for the files in the scratch directory), the labels
# of the processes whose peak RSS is kept (one GNU time file each), the input
# whose bytes its MB/s counts (ndjson: F's bytes, also for F.gz and F.zst, i.e.
# decompressed bytes; tar: many.tar's bytes), the tools it needs, and a
# function bench_<id>.

declare -A SHOW=() PROCS=() KIND_OF=() NEED=()
def() { SHOW[$1]=$2 PROCS[$1]=$3 KIND_OF[$1]=$4 NEED[$1]=${5:-}; }

# The per-chunk command of the sg fan-out: count the lines, delete the chunk.
JOB='wc -l < "$1" > "$1.n"; rm "$1"'
def sg_gz 'sg-chunk F.gz > /dev/null' 'sg-chunk' ndjson
def zcat 'zcat F.gz > /dev/null' 'zcat' ndjson
def sg_gz64 "sg-chunk -s lines -b $BLOCK F.gz > /dev/null" 'sg-chunk' ndjson
def sg_zst 'sg-chunk F.zst > /dev/null' 'sg-chunk' ndjson zstd
def zstd 'zstd -q -dc F.zst > /dev/null' 'zstd' ndjson zstd
def cat 'cat F | cat > /dev/null' 'cat cat' ndjson
def sg_lines 'sg-chunk -s lines F | cat > /dev/null' 'sg-chunk cat' ndjson
def fan_sg "sg-chunk -s lines -b $BLOCK F | sg-decode --split DIR -0 | xargs -0 -P2 -n1 sh -c '$JOB' _" \
	'sg-chunk sg-decode xargs+jobs' ndjson
def fan_pipe "parallel --pipe --block $BLOCK -j2 wc -l < F > /dev/null" 'parallel+jobs' ndjson parallel
def fan_pipepart "parallel --pipepart -a F --block $BLOCK -j2 wc -l > /dev/null" 'parallel+jobs' ndjson parallel
def sg_tar 'sg-chunk many.tar | sg-decode --tar > /dev/null' 'sg-chunk sg-decode' tar
def sg_tar_chunk 'sg-chunk many.tar > /dev/null' 'sg-chunk' tar
def tar_x 'tar -xOf many.tar > /dev/null' 'tar' tar
ALL_IDS=(sg_gz zcat sg_gz64 sg_zst zstd cat sg_lines fan_sg fan_pipe fan_pipepart sg_tar sg_tar_chunk tar_x)

bench_sg_gz() { chunk "$GZ" >/dev/null; }
bench_zcat() { rss 1 zcat "$GZ" >/dev/null; }
bench_sg_gz64() { chunk -s lines -b "$BLOCK" "$GZ" >/dev/null; }
bench_sg_zst() { chunk "$ZST" >/dev/null; }
bench_zstd() { rss 1 zstd -q -dc "$ZST" >/dev/null; }
bench_cat() { rss 1 cat "$F" | rss 2 cat >/dev/null; }
bench_sg_lines() { chunk -s lines "$F" | rss 2 cat >/dev/null; }
# GNU time's %M for xargs (and for parallel below) includes the jobs it waited for.
bench_fan_sg() {
	chunk -s lines -b "$BLOCK" "$F" | rss 2 "$SG_BIN/sg-decode" --split "$WORK/split" -0 |
		rss 3 xargs -0 -P2 -n1 sh -c "$JOB" _
}
bench_fan_pipe() { rss 1 parallel --pipe --block "$BLOCK" -j2 wc -l <"$F" >/dev/null; }
bench_fan_pipepart() { rss 1 parallel --pipepart -a "$F" --block "$BLOCK" -j2 wc -l >/dev/null; }
bench_sg_tar() { chunk "$TAR" | rss 2 "$SG_BIN/sg-decode" --tar >/dev/null; }
bench_sg_tar_chunk() { chunk "$TAR" >/dev/null; }
bench_tar_x() { rss 1 tar -xOf "$TAR" >/dev/null; }

# The chunk files of each fan-out run are deleted by the jobs as they go; after
# each run (untimed) the per-chunk line counts must add up to wc -l < F and no
# chunk may be left. The chunks never reach the disk (dirty pages expire after
# 30 s, the files live a fraction of that).
pre_fan_sg() { rm -rf "$WORK/split"; mkdir "$WORK/split"; }
post_fan_sg() {
	local sum left
	sum=$(find "$WORK/split" -name '*.n' -exec cat {} + | awk '{ s += $1 } END { print s + 0 }')
	left=$(find "$WORK/split" -type f ! -name '*.n' | wc -l)
	[[ $sum == "$LINES" && $left == 0 ]] ||
		die "fan-out: the chunks' line counts add up to $sum, not $LINES ($left chunk files left)"
	FAN_CHUNKS=$(find "$WORK/split" -name '*.n' | wc -l)
	rm -rf "$WORK/split"
}

declare -A WHY_NOT=() # set by run.sh's ready (the tools in NEED)

# ---------------------------------------------------------------- measuring
#
# run.sh's run_one (with pre_/post_ hooks) and measure (round-robin).

declare -A TIMES=() RSS_MAX=()

# sg-chunk ARGS INPUT | sg-decode must give exactly the bytes of EXPECTED.
check_exact() {
	local expected=$1 input=$2
	shift 2
	say "checking sg-chunk ${*:+$* }${input##*/} | sg-decode == ${expected##*/}"
	"$SG_BIN/sg-chunk" "$@" "$input" | "$SG_BIN/sg-decode" | cmp -s - "$expected" ||
		die "not byte-exact: sg-chunk ${*:+$* }${input##*/} | sg-decode"
}

# Lines counted by a parallel fan-out (its wc -l outputs, summed).
sum_counts() { awk '{ s += $1 } END { print s + 0 }'; }

# Every sg output, and the peers' line counts, checked once before timing.
checks() {
	local sum c="$WORK/check"
	LINES=$(wc -l <"$F")
	((LINES == SEED_LINES * COPIES)) || die "F has $LINES lines, not $((SEED_LINES * COPIES))"
	check_exact "$F" "$GZ"
	check_exact "$F" "$GZ" -s lines -b "$BLOCK"
	[[ -f $ZST ]] && check_exact "$F" "$ZST"
	check_exact "$F" "$F" -s lines
	rm -rf "$c"; mkdir "$c"
	say "checking sg-chunk -s lines -b $BLOCK F | sg-decode --split DIR -0: the chunks, in order, == F"
	"$SG_BIN/sg-chunk" -s lines -b "$BLOCK" "$F" | "$SG_BIN/sg-decode" --split "$c" -0 >"$c.paths"
	tr '\0' '\n' <"$c.paths" | sort >"$c.sorted"
	find "$c" -type f | sort | cmp -s - "$c.sorted" ||
		die "sg-decode --split printed other paths than the files it wrote"
	tr '\n' '\0' <"$c.sorted" | xargs -0 cat | cmp -s - "$F" ||
		die "the --split chunks, concatenated in name order, are not F"
	CHUNKS_CHECKED=$(wc -l <"$c.sorted")
	rm -rf "$c" "$c.paths" "$c.sorted"
	if ready fan_pipe; then
		say "checking the line counts of parallel --pipe and --pipepart"
		sum=$(parallel --pipe --block "$BLOCK" -j2 wc -l <"$F" | sum_counts)
		[[ $sum == "$LINES" ]] || die "parallel --pipe counted $sum lines, not $LINES"
		sum=$(parallel --pipepart -a "$F" --block "$BLOCK" -j2 wc -l | sum_counts)
		[[ $sum == "$LINES" ]] || die "parallel --pipepart counted $sum lines, not $LINES"
	fi
	say "checking sg-chunk many.tar | sg-decode --tar against many.tar (listing and contents)"
	TAR_LISTED=$("$SG_BIN/sg-chunk" "$TAR" | "$SG_BIN/sg-decode" --tar | tar -tf - | wc -l)
	[[ $TAR_LISTED == "$TAR_FILES" ]] || die "sg-decode --tar lists $TAR_LISTED entries, not $TAR_FILES"
	tar -tvf "$TAR" >"$c.want"
	"$SG_BIN/sg-chunk" "$TAR" | "$SG_BIN/sg-decode" --tar | tar -tvf - | cmp -s - "$c.want" ||
		die "tar -tvf of sg-decode --tar differs from tar -tvf many.tar (names, sizes, modes, mtimes)"
	tar -xOf "$TAR" | cksum >"$c.want"
	"$SG_BIN/sg-chunk" "$TAR" | "$SG_BIN/sg-decode" --tar | tar -xOf - | cksum | cmp -s - "$c.want" ||
		die "the files in sg-decode --tar's tar differ from many.tar's"
	"$SG_BIN/sg-chunk" "$TAR" | "$SG_BIN/sg-decode" | cksum | cmp -s - "$c.want" ||
		die "sg-chunk many.tar | sg-decode is not the files of many.tar in order"
	rm -f "$c.want"
}

# Peak RSS on big.gz, once, verified in the same pass: the cksum of what
# sg-decode gives back must be the one taken when big.gz was made.
rss_big() {
	local t0 t1 got
	say "peak RSS: sg-chunk on $(bmib "$BIG_GZ_SIZE") big.gz ($(bmib "$BIG_SIZE") of NDJSON)"
	rm -rf "$WORK/rss"; mkdir "$WORK/rss"
	t0=$(now_ns)
	got=$(chunk "$BIG" | rss 2 "$SG_BIN/sg-decode" | cksum) || die "sg-chunk big.gz | sg-decode failed"
	t1=$(now_ns)
	[[ $got == "$(cat "$BIG.cksum")" ]] ||
		die "sg-chunk big.gz | sg-decode: cksum $got, not $(cat "$BIG.cksum")"
	BIG_NS=$((t1 - t0))
	BIG_RSS_CHUNK=$(tail -n 1 "$WORK/rss/1")
	BIG_RSS_DECODE=$(tail -n 1 "$WORK/rss/2")
	[[ $BIG_RSS_CHUNK =~ ^[0-9]+$ && $BIG_RSS_DECODE =~ ^[0-9]+$ ]] || die "no RSS for big.gz"
}

# ---------------------------------------------------------------- report

# The bytes run.sh's rate counts for command ID: F's (decompressed) bytes, or
# many.tar's for the tar rows.
bytes_of() { case ${KIND_OF[$1]} in tar) echo "$SIZE_TAR" ;; *) echo "$SIZE" ;; esac; }
# Peak RSS (KiB) of process LABEL of command ID.
rss_of() {
	local id=$1 want=$2 label n=0
	for label in ${PROCS[$id]}; do
		n=$((n + 1))
		[[ $label == "$want" ]] && { echo "${RSS_MAX[$id.$n]}"; return; }
	done
}

# Rows of the comparison table: label, command, peer.
ROW_LABEL=() ROW_ID=() ROW_PEER=()
row() { ROW_LABEL+=("$1") ROW_ID+=("$2") ROW_PEER+=("$3"); }
row 'gzip: `sg-chunk F.gz` vs `zcat F.gz`' sg_gz zcat
row "gzip: \`sg-chunk -s lines -b $BLOCK F.gz\` vs \`zcat F.gz\`" sg_gz64 zcat
row 'zstd: `sg-chunk F.zst` vs `zstd -dc F.zst`' sg_zst zstd
row 'plain: `sg-chunk -s lines F \| cat` vs `cat F \| cat`' sg_lines cat
row "fan-out ($BLOCK chunks, 2 jobs): sg-chunk \\| sg-decode --split \\| xargs -P2 vs \`parallel --pipe\`" fan_sg fan_pipe
row "fan-out ($BLOCK chunks, 2 jobs): sg-chunk \\| sg-decode --split \\| xargs -P2 vs \`parallel --pipepart\`" fan_sg fan_pipepart
row 'tar: `sg-chunk many.tar \| sg-decode --tar` vs `tar -xOf many.tar`' sg_tar tar_x
row 'tar: `sg-chunk many.tar` vs `tar -xOf many.tar`' sg_tar_chunk tar_x

table_row() {
	local i=$1 id=${ROW_ID[$1]} peer=${ROW_PEER[$1]}
	if [[ -z ${TIMES[$id]:-} || -z ${TIMES[$peer]:-} ]]; then
		printf '| %s | n/a | n/a | n/a | not measured: %s | n/a |\n' "${ROW_LABEL[$i]}" \
			"${WHY_NOT[$id]:-${WHY_NOT[$peer]:-not run}}"
		return
	fi
	printf '| %s | %s | %s | %s | %s | %s |\n' "${ROW_LABEL[$i]}" "$(rate "$id")" \
		"$(rate "$peer")" "$(ratio "$id" "$peer")" \
		"$(awk -v a="$(med "$id")" -v b="$(med "$peer")" 'BEGIN { printf "%.2f", a / b }')" \
		"$(rss_cell "$id"); peer: $(rss_cell "$peer")"
}

report() {
	local cpu i id el v t big_note rss_tar_chunk zl_gzip zl_sg
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	el=$((SECONDS - START_SECONDS))
	echo
	echo "## Archives and fan-out"
	echo
	echo "\`bench/archive.sh\`: sg-chunk reading gzip and zstd input and a tar of many small"
	echo "files (through libarchive), and \`sg-decode --split\` fan-out, each against a peer"
	echo "measured in the same run. Figures are **medians of $RUNS run(s)** on a **shared, noisy"
	echo "machine**; compare the ratios, not absolute MB/s.$([[ $QUICK == 1 ]] && printf ' **Quick mode** (BENCH_QUICK=1): small inputs, indicative only.')"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); the script ran for $((el / 60)) min $((el % 60)) s"
	echo "- machine: $(nproc) CPUs (nproc), ${cpu:-unknown CPU}, Linux $(uname -r), $(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
	echo "- load average (1, 5, 15 min): $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "- sg: $("$SG_BIN/sg-chunk" --version 2>/dev/null | head -n 1) from \`$SG_BIN\`, tree ${BENCH_TREE:-$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)}"
	echo "- peers: zcat (a sh script running \`gzip -cd\`; $(gzip --version | head -n 1)), $(zstd -V 2>/dev/null | sed 's/^[* ]*//; s/, by .*//' || echo 'no zstd'), $(parallel --version 2>/dev/null | head -n 1 || echo 'no GNU parallel'), $(tar --version | head -n 1), $(xargs --version | head -n 1), $(cat --version | head -n 1); inputs made with $(python3 --version 2>&1)"
	echo "- inputs, generated into the scratch directory \`$WORK\` (not committed), each read once before timing (page cache):"
	echo "  - F, \`${F##*/}\`: NDJSON events from bench/gen_ndjson.sh (the generator strategies.sh uses), a $SEED_SIZE-byte seed of $SEED_LINES lines repeated $COPIES times: $SIZE bytes ($(bmib "$SIZE")), $LINES lines"
	echo "  - F.gz: \`gzip -1 -c F\` ($(bmib "$SIZE_GZ"), $(awk -v a="$SIZE" -v b="$SIZE_GZ" 'BEGIN { printf "%.2f", a / b }')x); F.zst: \`zstd -1 -T2 -c F\` ($( ((SIZE_ZST > 0)) && printf '%s, %sx' "$(bmib "$SIZE_ZST")" "$(awk -v a="$SIZE" -v b="$SIZE_ZST" 'BEGIN { printf "%.2f", a / b }')" || echo 'not made: no zstd')); both made once, untimed"
	echo "  - many.tar, \`${TAR##*/}\`: $TAR_FILES regular files \`d%03d/f%06d.txt\` (1000 per directory, no directory entries) of 150–480 bytes (\"file N\" and lines of words, some UTF-8), written by python3's tarfile (ustar, fixed mtimes, random.Random(7)); $SIZE_TAR bytes ($(bmib "$SIZE_TAR"))"
	echo "  - big.gz, \`${BIG##*/}\`: the same seed repeated to $BIG_SIZE bytes ($(bmib "$BIG_SIZE")) piped straight into \`gzip -1\` (the plain bytes were never written; a tee took their cksum): $(bmib "$BIG_GZ_SIZE")$([[ $BIG_SIZE -lt $TWO_GIB ]] && printf ' (**%s, not 2 GiB**: BENCH_ARCHIVE_RSS_SIZE=%s%s)' "$BIG_IEC" "$BIG_IEC" "$([[ $QUICK == 1 ]] && printf ', quick mode')")"
	echo "- runs: $RUNS round(s), round-robin over all the commands; MB/s = bytes / median wall time, 1 MB = 10^6 bytes, counting **F's (decompressed) bytes** for F, F.gz and F.zst, and many.tar's bytes for the tar rows"
	echo "- ratio: MB/s of the command / MB/s of its peer (same bytes, same run); time ratio: its median time / the peer's; peak RSS: GNU time %M of each process, largest over the runs (xargs+jobs, parallel+jobs: the process and the jobs it waited for)"
	echo
	echo "| case | MB/s | peer MB/s | ratio | time ratio | peak RSS |"
	echo "| --- | ---: | ---: | ---: | ---: | --- |"
	for i in "${!ROW_ID[@]}"; do table_row "$i"; done
	echo
	echo "Every command measured, exactly (F, F.gz, F.zst and many.tar as above, in \`$WORK\`;"
	echo "DIR = \`$WORK/split\`, made empty before each run; sg-chunk and sg-decode run from \`$SG_BIN\`):"
	echo
	echo "| command | MB/s (median) | median time | MB/s min–max | peak RSS |"
	echo "| --- | --- | ---: | ---: | --- |"
	for id in "${ALL_IDS[@]}"; do
		if [[ -z ${TIMES[$id]:-} ]]; then
			printf '| %s | not measured: %s | | | |\n' "$(cell "${SHOW[$id]}")" "${WHY_NOT[$id]:-not run}"
			continue
		fi
		printf '| %s | %s | %s | %s–%s | %s |\n' "$(cell "${SHOW[$id]}")" "$(rate "$id")" \
			"$(secs "$(med "$id")")" "$(rate "$id" "$(tmax "$id")")" "$(rate "$id" "$(tmin "$id")")" \
			"$(rss_cell "$id")"
	done
	echo
	echo "Every process of a pipeline is wrapped as \`/usr/bin/time -f %M -o RSSFILE ...\` (one"
	echo "fork+exec more, the same for every command). Checked before timing: \`sg-chunk F.gz\`,"
	echo "\`sg-chunk -s lines -b $BLOCK F.gz\`, \`sg-chunk F.zst\` and \`sg-chunk -s lines F\`, each"
	echo "\`| sg-decode | cmp - F\`; \`sg-chunk -s lines -b $BLOCK F | sg-decode --split DIR -0\` printed"
	echo "exactly the paths of the files it wrote ($CHUNKS_CHECKED chunks), which concatenated in name order are F;"
	echo "\`parallel --pipe\` and \`--pipepart\` with \`wc -l\` counted \`wc -l < F\` = $LINES lines in all;"
	echo "\`sg-chunk many.tar | sg-decode --tar | tar -tf -\` lists $TAR_LISTED entries, its \`tar -tvf\`"
	echo "listing (names, sizes, modes, mtimes) equals \`tar -tvf many.tar\`, and its \`tar -xOf -\` and"
	echo "\`sg-chunk many.tar | sg-decode\` have the cksum of \`tar -xOf many.tar\`. After every timed"
	echo "fan-out run (untimed), the per-chunk \`wc -l\` outputs (\`CHUNK.n\`, $FAN_CHUNKS per run) added"
	echo "up to $LINES and no chunk file was left."
	echo
	echo "The fan-out rows run the same work three ways: sg-chunk cuts F at line ends into chunks"
	echo "of at most $BLOCK, \`sg-decode --split\` writes each to a file in DIR and prints its path"
	echo "when complete, and \`xargs -P2\` runs \`sh -c '$JOB' _ PATH\` on each (two at"
	echo "a time); GNU parallel \`--pipe\` reads F from stdin and feeds $BLOCK blocks to two \`wc -l\`"
	echo "jobs through pipes; \`--pipepart\` finds block boundaries by seeking in F and lets each job"
	echo "read its part of the file directly. Their MB/s and time include GNU parallel's start-up"
	echo "(a perl program, a few hundred ms)."
	echo
	# Does gzip, and does sg-chunk, link zlib? (grep without -q: no SIGPIPE for ldd)
	zl_gzip=$(ldd "$(command -v gzip)" 2>/dev/null | grep -c 'libz\.' || true)
	zl_sg=$(ldd "$SG_BIN/sg-chunk" 2>/dev/null | grep -c 'libz\.' || true)
	echo "The gzip peer: zcat runs \`gzip -cd\`, GNU gzip's own inflate code (the gzip binary"
	echo "$( ((zl_gzip > 0)) && printf 'links' || printf 'does not link') zlib); sg-chunk reads F.gz through libarchive$( ((zl_sg > 0)) && printf ', which inflates with zlib (libz.so)')."
	echo
	echo "### Targets"
	echo
	echo "| target | input | measured | result |"
	echo "| --- | --- | ---: | --- |"
	v=$(ratio sg_gz zcat)
	t=$(awk -v a="$(med sg_gz)" -v b="$(med zcat)" 'BEGIN { printf "%.2f", a / b }')
	echo "| sg-chunk F.gz time ≤ $GZ_SLACK × zcat F.gz time (MB/s ratio ≥ 1/$GZ_SLACK = $(awk -v s="$GZ_SLACK" 'BEGIN { printf "%.3f", 1 / s }')) | F.gz, $(bmib "$SIZE") NDJSON | ratio $v (time ratio $t) | $(verdict "$(med sg_gz)" '<=' "$(awk -v t="$(med zcat)" -v s="$GZ_SLACK" 'BEGIN { printf "%.0f", t * s }')")$([[ $QUICK == 1 ]] && printf ' (quick mode: indicative only)') |"
	big_note=''
	((BIG_SIZE >= TWO_GIB)) ||
		big_note=" (input $(bmib "$BIG_SIZE"), smaller than the 2 GiB the target names$([[ $QUICK == 1 ]] && printf ', quick mode'): indicative only)"
	echo "| sg-chunk peak RSS < 32 MiB on a 2 GiB .gz | big.gz, $(bmib "$BIG_SIZE") NDJSON ($(bmib "$BIG_GZ_SIZE") .gz) | $(mib "$BIG_RSS_CHUNK") | $(verdict "$BIG_RSS_CHUNK" '<' "$RSS_LIMIT_KIB")$big_note |"
	rss_tar_chunk=$(rss_of sg_tar sg-chunk)
	v=$(rss_of sg_tar_chunk sg-chunk)
	((v > rss_tar_chunk)) && rss_tar_chunk=$v
	echo "| sg-chunk peak RSS < 32 MiB on the $TAR_FILES-file tar | many.tar, $(bmib "$SIZE_TAR") | $(mib "$rss_tar_chunk") | $(verdict "$rss_tar_chunk" '<' "$RSS_LIMIT_KIB") |"
	v=$(rss_of sg_tar sg-decode)
	echo "| sg-decode --tar peak RSS < 32 MiB on the $TAR_FILES-file tar | many.tar, $(bmib "$SIZE_TAR") | $(mib "$v") | $(verdict "$v" '<' "$RSS_LIMIT_KIB") |"
	echo
	echo "The big.gz row comes from a separate run, once: \`sg-chunk big.gz | sg-decode | cksum\`"
	echo "($(mbps "$BIG_SIZE" "$BIG_NS") MB/s of decompressed bytes; sg-decode $(mib "$BIG_RSS_DECODE")), whose cksum equals the one"
	echo "taken of the plain bytes while big.gz was written. The tar rows take the largest peak RSS"
	echo "over the timed runs of \`sg-chunk many.tar | sg-decode --tar\` (and \`sg-chunk many.tar\`)."
}

main() {
	local bytes big_bytes id
	check_tools
	bytes=$(target_bytes)
	big_bytes=$(numfmt --from=iec "$BIG_IEC") || die "bad BENCH_ARCHIVE_RSS_SIZE: $BIG_IEC"
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	setup_dir
	make_inputs "$bytes"
	IDS=()
	for id in "${ALL_IDS[@]}"; do
		if ready "$id"; then IDS+=("$id"); else say "skipping ${SHOW[$id]}: ${WHY_NOT[$id]}"; fi
	done
	say "warming the page cache"
	cat "$F" "$GZ" "$TAR" >/dev/null
	[[ -f $ZST ]] && cat "$ZST" >/dev/null
	checks
	FAN_CHUNKS=0
	measure
	# big.gz after the timed rounds, so its page cache does not push F out.
	make_big_gz "$big_bytes"
	rss_big
	keep_inputs || rm -f "$F" "$GZ" "$ZST" "$TAR" "$BIG" "$BIG.cksum"
	report >"$WORK/archive.md"
	cat "$WORK/archive.md"
	replace_section "Archives and fan-out" "$WORK/archive.md"
	rm -f "$WORK/archive.md"
	say "wrote the Archives and fan-out section of $RESULTS"
}

main "$@"
