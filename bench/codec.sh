#!/usr/bin/env bash
# bench/codec.sh: throughput, compressed size and peak RSS of sg-encode and
# sg-decode against zstd and lz4, in one run. bench/run.sh (make bench) calls
# it at its end.
#
# Usage: bench/codec.sh
# Environment (all optional):
#   BENCH_SIZE       size of each input (text, NDJSON, random), bytes or with
#                    K/M/G suffix (default 1G); BENCH_MB as in run.sh
#   BENCH_RUNS       rounds, when BENCH_CODEC_RUNS is unset (default 3)
#   BENCH_CODEC_RUNS rounds for this script only
#   BENCH_RSS_SIZE   size of the text input of the separate peak-RSS run of
#                    sg-encode -T2 and sg-decode -T2 (default 2G)
#   BENCH_DIR        scratch directory (default: mktemp -d under /tmp, removed
#                    at exit); inputs in a given BENCH_DIR are kept and reused
#   BENCH_KEEP       1 keeps the scratch directory and the inputs
#   BENCH_CORPUS     text files to build the text input from, as in run.sh
#   BENCH_RESULTS    report file (default: bench/results.md); its "Codecs"
#                    section is replaced, or appended when it has none
#   SG_BIN           directory holding sg-chunk, sg-encode and sg-decode
#
# The section goes to stdout and to the report file; progress goes to stderr.
set -euo pipefail

# run.sh's helpers: need_tools, target_bytes, make_input (the text input,
# from the shared corpus or run.sh's generator), setup_dir, drop_work,
# keep_inputs, rss, chunk, now_ns, keep_rss, med, tmin, tmax, mbps, verdict,
# mib, bmib, rss_cell, cell, replace_section. Sourcing it sets its globals
# and runs nothing.
# shellcheck source=SCRIPTDIR/run.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run.sh"

RUNS=${BENCH_CODEC_RUNS:-${BENCH_RUNS:-3}}
RSS_SIZE=${BENCH_RSS_SIZE:-2G}
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
	RUNS=${BENCH_CODEC_RUNS:-${BENCH_RUNS:-1}}
	RSS_SIZE=${BENCH_RSS_SIZE:-256M}
fi
RSS_LIMIT_KIB=$((64 * 1024))

die() { printf 'bench/codec: %s\n' "$*" >&2; exit 1; }
say() { printf 'bench/codec: %s\n' "$*" >&2; }

check_tools() {
	need_tools 'sg-chunk sg-encode sg-decode' 'zstd lz4 cmp numfmt awk head stat'
	[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "bad BENCH_CODEC_RUNS/BENCH_RUNS: $RUNS"
}

# Outputs of the commands; removed after each input and at exit.
OUTS=(out.sg out.zst out.lz4.sg out.lz4f.sg out.lz4 F.sg r.sg rz.sg big.sg)

cleanup() {
	local o
	for o in "${OUTS[@]}"; do rm -f "${WORK:?}/$o"; done
	rm -rf "$WORK/rss" "$WORK/seed.txt" "$WORK/big/seed.txt"
	drop_work
}

# ---------------------------------------------------------------- inputs
#
# Each make_* sets F (the file) and SIZE (its bytes) and DESC[kind].

declare -A DESC=() SIZES=()

# Text: run.sh's input (the shared corpus, or run.sh's generator), built by
# its make_input as input.txt in DIR (default: the scratch directory).
make_text() {
	local WORK=${2:-$WORK}
	mkdir -p "$WORK"
	make_input "$1"
	DESC[text]=${INPUT_KIND#text: }
}

# NDJSON: log events of four shapes (HTTP request, DB query, metric, bare),
# with optional keys (msg, tags, user_id, error), nested objects, arrays,
# numbers, booleans and null, 16-hex-digit trace ids and rising timestamps.
# Deterministic (fixed srand seed); whole lines, at least BYTES in all.
generate_ndjson() {
	awk -v bytes="$1" '
	BEGIN {
		srand(7)
		nsvc = split("api-gateway auth billing catalog checkout inventory search users notifications shipping", svc, " ")
		nlv = split("debug info info info info info warn warn error", lv, " ")
		nm = split("GET GET GET GET POST POST PUT DELETE PATCH", meth, " ")
		np = split("/api/v1/users /api/v1/orders /api/v1/items /api/v2/search /api/v1/cart /healthz /api/v1/login /api/v1/invoices /static/app.js /api/v2/recommendations", path, " ")
		ns = split("200 200 200 200 200 200 201 204 301 304 400 401 403 404 404 409 429 500 502 503", st, " ")
		nr = split("eu-west-1 eu-central-1 us-east-1 us-west-2 ap-south-1 ap-northeast-1 sa-east-1", reg, " ")
		nw = split("request completed cache miss for key retrying upstream call connection reset by peer user session refreshed slow query detected payment authorised order shipped to customer token expired rate limit exceeded for client feature flag evaluated index rebuilt in background", word, " ")
		nua = split("Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0|Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Safari/605.1.15|curl/8.5.0|python-requests/2.32.3|Go-http-client/2.0|okhttp/4.12.0|Mozilla/5.0 (iPhone; CPU iPhone OS 17_2) Mobile/15E148", ua, "|")
		nt = split("canary beta mobile web batch internal partner retry cold-start", tag, " ")
		hex = "0123456789abcdef"
		t = 1795000000.0
		while (n < bytes) {
			t += rand() * 0.02
			s = int(t); ms = int((t - s) * 1000)
			id = ""
			for (i = 0; i < 16; i++) id = id substr(hex, 1 + int(rand() * 16), 1)
			line = sprintf("{\"ts\":%d.%03d,\"level\":\"%s\",\"service\":\"%s\",\"host\":\"%s-%02d\",\"trace_id\":\"%s\"",
			    s, ms, lv[1 + int(rand() * nlv)], svc[1 + int(rand() * nsvc)],
			    reg[1 + int(rand() * nr)], int(rand() * 40), id)
			k = int(rand() * 4)
			if (k <= 1)
				line = line sprintf(",\"http\":{\"method\":\"%s\",\"path\":\"%s/%d\",\"status\":%s,\"bytes\":%d,\"duration_ms\":%.3f},\"client\":{\"ip\":\"%d.%d.%d.%d\",\"user_agent\":\"%s\"}",
				    meth[1 + int(rand() * nm)], path[1 + int(rand() * np)],
				    int(rand() * 100000), st[1 + int(rand() * ns)],
				    int(rand() * rand() * 200000), rand() * rand() * 900,
				    10 + int(rand() * 200), int(rand() * 256), int(rand() * 256),
				    1 + int(rand() * 254), ua[1 + int(rand() * nua)])
			else if (k == 2)
				line = line sprintf(",\"db\":{\"table\":\"%s\",\"rows\":%d,\"query_ms\":%.2f,\"cached\":%s}",
				    substr(path[1 + int(rand() * np)], 9), int(rand() * 5000),
				    rand() * 120, rand() < 0.3 ? "true" : "false")
			else
				line = line sprintf(",\"metric\":{\"name\":\"%s.%s\",\"value\":%.6g,\"unit\":\"%s\"}",
				    svc[1 + int(rand() * nsvc)],
				    rand() < 0.5 ? "latency_p99" : "queue_depth",
				    rand() * 10000, rand() < 0.5 ? "ms" : "items")
			if (rand() < 0.4) {
				m = word[1 + int(rand() * nw)]
				for (i = int(rand() * 8); i > 0; i--) m = m " " word[1 + int(rand() * nw)]
				line = line ",\"msg\":\"" m "\""
			}
			if (rand() < 0.25) {
				a = "\"" tag[1 + int(rand() * nt)] "\""
				for (i = int(rand() * 3); i > 0; i--) a = a ",\"" tag[1 + int(rand() * nt)] "\""
				line = line ",\"tags\":[" a "]"
			}
			if (rand() < 0.15)
				line = line sprintf(",\"user_id\":%d", int(rand() * 10000000))
			if (rand() < 0.05)
				line = line ",\"error\":{\"code\":\"E" int(100 + rand() * 900) "\",\"retryable\":" (rand() < 0.5 ? "true" : "false") ",\"detail\":null}"
			line = line "}"
			print line
			n += length(line) + 1
		}
	}'
}

make_ndjson() {
	F=$WORK/input-$1.ndjson
	if [[ -s $F ]]; then
		say "reusing $F"
	else
		say "generating $F"
		generate_ndjson "$1" >"$F.tmp"
		mv "$F.tmp" "$F"
	fi
	SIZE=$(stat -c %s "$F")
	DESC[ndjson]="generated by bench/codec.sh (log events of 4 shapes with optional keys, nested objects, arrays, numbers, booleans, null, random trace ids); $SIZE bytes"
}

make_random() {
	F=$WORK/input-$1.random
	if [[ -f $F && $(stat -c %s "$F") == "$1" ]]; then
		say "reusing $F"
	else
		say "generating $F"
		head -c "$1" /dev/urandom >"$F.tmp"
		mv "$F.tmp" "$F"
	fi
	SIZE=$(stat -c %s "$F")
	DESC[random]="\`head -c $SIZE /dev/urandom\`; $SIZE bytes"
}

# ---------------------------------------------------------------- commands
#
# As in run.sh: an id, the command as shown (F is the input), the labels of
# the processes whose peak RSS is kept, the peer the ratios are taken
# against, and a function bench_<id>. Encoders write OUT[id] in the scratch
# directory; the decoders read them.

ENC_IDS=(enc_sg enc_zstd enc_sg_lz4 enc_sg_lz4f enc_lz4)
DEC_IDS=(dec_sg dec_zstd dec_sg_lz4 dec_lz4)
AUTO_IDS=(enc_auto enc_czstd)
declare -A SHOW=(
	[enc_sg]='sg-chunk -b 1M F | sg-encode -T2 -3 > out.sg'
	[enc_zstd]='zstd -3 -T2 -c F > out.zst'
	[enc_sg_lz4]='sg-chunk -b 1M F | sg-encode -c lz4 -T2 > out.lz4.sg'
	[enc_sg_lz4f]='sg-chunk -b 1M F | sg-encode -c lz4 -1 -T2 > out.lz4f.sg'
	[enc_lz4]='lz4 -1 -c F > out.lz4'
	[dec_sg]='sg-decode -T2 out.sg > /dev/null'
	[dec_zstd]='zstd -d -c out.zst > /dev/null'
	[dec_sg_lz4]='sg-decode -T2 out.lz4.sg > /dev/null'
	[dec_lz4]='lz4 -d -c out.lz4 > /dev/null'
	[enc_auto]='sg-encode -c auto -T2 F.sg > /dev/null'
	[enc_czstd]='sg-encode -c zstd -T2 F.sg > /dev/null'
)
declare -A PROCS=(
	[enc_sg]='sg-chunk sg-encode' [enc_zstd]='zstd'
	[enc_sg_lz4]='sg-chunk sg-encode' [enc_sg_lz4f]='sg-chunk sg-encode'
	[enc_lz4]='lz4'
	[dec_sg]='sg-decode' [dec_zstd]='zstd' [dec_sg_lz4]='sg-decode' [dec_lz4]='lz4'
	[enc_auto]='sg-encode' [enc_czstd]='sg-encode'
)
declare -A PEER=(
	[enc_sg]=enc_zstd [enc_sg_lz4]=enc_lz4 [enc_sg_lz4f]=enc_lz4
	[dec_sg]=dec_zstd [dec_sg_lz4]=dec_lz4 [enc_auto]=enc_czstd
)
declare -A OUT=(
	[enc_sg]=out.sg [enc_zstd]=out.zst [enc_sg_lz4]=out.lz4.sg
	[enc_sg_lz4f]=out.lz4f.sg [enc_lz4]=out.lz4 [enc_auto]=r.sg [enc_czstd]=rz.sg
)
# sg outputs, each checked to decode byte-exactly to F.
SG_OUTS=(enc_sg enc_sg_lz4 enc_sg_lz4f)

encode() { rss 2 "$SG_BIN/sg-encode" "$@"; }
decode() { rss 1 "$SG_BIN/sg-decode" "$@"; }

bench_enc_sg() { chunk -b 1M "$F" | encode -T2 -3 >"$WORK/out.sg"; }
bench_enc_zstd() { rss 1 zstd -3 -T2 -c "$F" >"$WORK/out.zst"; }
bench_enc_sg_lz4() { chunk -b 1M "$F" | encode -c lz4 -T2 >"$WORK/out.lz4.sg"; }
bench_enc_sg_lz4f() { chunk -b 1M "$F" | encode -c lz4 -1 -T2 >"$WORK/out.lz4f.sg"; }
bench_enc_lz4() { rss 1 lz4 -1 -c "$F" >"$WORK/out.lz4"; }
bench_dec_sg() { decode -T2 "$WORK/out.sg" >/dev/null; }
bench_dec_zstd() { rss 1 zstd -d -c "$WORK/out.zst" >/dev/null; }
bench_dec_sg_lz4() { decode -T2 "$WORK/out.lz4.sg" >/dev/null; }
bench_dec_lz4() { rss 1 lz4 -d -c "$WORK/out.lz4" >/dev/null; }
# The codec choice alone: both read the same frames, F.sg (sg-chunk -b 1M F,
# written once by prepare, untimed).
# Timed runs write to /dev/null (SINK unset); prepare sets SINK to keep the
# output once for its size and the decode check.
bench_enc_auto() { rss 1 "$SG_BIN/sg-encode" -c auto -T2 "$WORK/F.sg" >"${SINK:-/dev/null}${SINK:+/r.sg}"; }
bench_enc_czstd() { rss 1 "$SG_BIN/sg-encode" -c zstd -T2 "$WORK/F.sg" >"${SINK:-/dev/null}${SINK:+/rz.sg}"; }

# ---------------------------------------------------------------- measuring

# Per input kind K and command id: TIMES[K.id] (ns, space-separated),
# RSS_MAX[K.id.n] (KiB), OUTSIZE[K.id] (bytes).
declare -A TIMES=() RSS_MAX=() OUTSIZE=()

# Run one command once on F: time it, check it succeeded, keep the largest RSS.
run_one() {
	local kind=$1 id=$2 t0 t1
	rm -rf "$WORK/rss"; mkdir "$WORK/rss"
	t0=$(now_ns)
	if ! "bench_$id"; then
		die "command failed on $kind: ${SHOW[$id]}"
	fi
	t1=$(now_ns)
	TIMES[$kind.$id]+="$((t1 - t0)) "
	keep_rss "$id" "$kind.$id"
}

# Write every output once (untimed), then check each sg output decodes to F.
prepare() {
	local kind=$1 id
	shift
	mkdir -p "$WORK/rss"
	if [[ " $* " == *" enc_auto "* ]]; then
		say "$kind: writing F.sg (sg-chunk -b 1M F), the input of the -c auto rows"
		"$SG_BIN/sg-chunk" -b 1M "$F" >"$WORK/F.sg" || die "sg-chunk failed on $kind"
	fi
	for id in "$@"; do
		[[ -n ${OUT[$id]:-} ]] || continue
		say "$kind: writing ${OUT[$id]}"
		SINK=$WORK "bench_$id" || die "command failed on $kind: ${SHOW[$id]}"
		OUTSIZE[$kind.$id]=$(stat -c %s "$WORK/${OUT[$id]}")
	done
	for id in "${SG_OUTS[@]}" "${AUTO_IDS[@]}"; do
		[[ -f $WORK/${OUT[$id]} && -n ${OUTSIZE[$kind.$id]:-} ]] || continue
		say "$kind: checking sg-decode -T2 ${OUT[$id]} == F"
		"$SG_BIN/sg-decode" -T2 "$WORK/${OUT[$id]}" | cmp -s - "$F" ||
			die "$kind: ${OUT[$id]} does not decode byte-exactly to F (${SHOW[$id]})"
	done
}

# Round-robin over the input's commands, as in run.sh; then check the outputs
# the rounds rewrote are the same size as the ones checked.
measure_input() {
	local kind=$1 r i n id size
	shift
	local ids=("$@")
	n=${#ids[@]}
	prepare "$kind" "${ids[@]}"
	for ((r = 0; r < RUNS; r++)); do
		say "$kind: round $((r + 1))/$RUNS (load $(cut -d' ' -f1-3 /proc/loadavg))"
		for ((i = 0; i < n; i++)); do
			id=${ids[$(((r + i) % n))]}
			run_one "$kind" "$id"
		done
	done
	for id in "${ids[@]}"; do
		[[ -n ${OUT[$id]:-} && ${SHOW[$id]} != *'> /dev/null' ]] || continue
		size=$(stat -c %s "$WORK/${OUT[$id]}")
		[[ $size == "${OUTSIZE[$kind.$id]}" ]] ||
			die "$kind: ${OUT[$id]} was $size bytes in a timed run, ${OUTSIZE[$kind.$id]} when checked"
	done
}

# One input: make it, warm the cache, measure, drop the outputs.
bench_input() {
	local kind=$1 bytes=$2 o
	shift 2
	"make_$kind" "$bytes"
	SIZES[$kind]=$SIZE
	say "$kind: warming the page cache"
	cat "$F" >/dev/null
	measure_input "$kind" "$@"
	for o in "${OUTS[@]}"; do rm -f "$WORK/$o"; done
	keep_inputs || rm -f "$F"
}

# Peak RSS of sg-encode -T2 and sg-decode -T2 on a BENCH_RSS_SIZE text input
# (its own file under big/), run once each, then the round trip checked.
rss_run() {
	local id
	local text_desc=${DESC[text]}
	make_text "$1" "$WORK/big"
	SIZES[big]=$SIZE DESC[big]=${DESC[text]} DESC[text]=$text_desc
	cat "$F" >/dev/null
	for id in big_enc big_dec; do
		run_one big "$id"
	done
	say "big: checking sg-decode -T2 big.sg == F"
	"$SG_BIN/sg-decode" -T2 "$WORK/big.sg" | cmp -s - "$F" ||
		die "big: big.sg does not decode byte-exactly to F"
	OUTSIZE[big.big_enc]=$(stat -c %s "$WORK/big.sg")
	rm -f "$WORK/big.sg"
	keep_inputs || rm -rf "$WORK/big"
}
SHOW[big_enc]='sg-chunk -b 1M F | sg-encode -T2 -3 > big.sg'
SHOW[big_dec]='sg-decode -T2 big.sg > /dev/null'
PROCS[big_enc]='sg-chunk sg-encode'
PROCS[big_dec]='sg-decode'
bench_big_enc() { chunk -b 1M "$F" | encode -T2 -3 >"$WORK/big.sg"; }
bench_big_dec() { decode -T2 "$WORK/big.sg" >/dev/null; }

# ---------------------------------------------------------------- report

# TIMES and RSS_MAX are keyed by KIND.ID: run.sh's med, tmin and tmax take
# that key, its rss_cell ID KIND.ID, and MB/s is its mbps of the input's bytes.

# A / B to two places.
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# (A / B - 1) as a signed percentage with DIGITS places.
pct() { awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { printf "%+.*f%%", d, (a / b - 1) * 100 }'; }
# Throughput of peer / throughput of id = peer time / id time.
speedup() { div "$(med "$1.${PEER[$2]}")" "$(med "$1.$2")"; }

table_row() {
	local kind=$1 id=$2 key=$1.$2 size=${SIZES[$1]} vs=peer csize='—' svs='—' peer
	peer=${PEER[$id]:-}
	[[ -n $peer ]] && vs=$(speedup "$kind" "$id")
	if [[ -n ${OUTSIZE[$key]:-} ]]; then
		csize="$(bmib "${OUTSIZE[$key]}") ($(div "$size" "${OUTSIZE[$key]}")x)"
		[[ -n $peer ]] && svs=$(pct "${OUTSIZE[$key]}" "${OUTSIZE[$kind.$peer]}" 1)
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s | %s–%s |\n' "$kind" \
		"$(cell "${SHOW[$id]}")" "$(mbps "$size" "$(med "$key")")" "$vs" \
		"$csize" "$svs" "$(rss_cell "$id" "$key")" \
		"$(mbps "$size" "$(tmax "$key")")" "$(mbps "$size" "$(tmin "$key")")"
}

# Largest peak RSS of a process label over all the commands in the table.
max_rss() {
	local want=$1 kind id n label best=0
	for kind in "${KINDS[@]}"; do
		for id in "${ENC_IDS[@]}" "${DEC_IDS[@]}" "${AUTO_IDS[@]}"; do
			[[ -n ${TIMES[$kind.$id]:-} ]] || continue
			n=0
			for label in ${PROCS[$id]}; do
				n=$((n + 1))
				[[ $label == "$want" ]] || continue
				if ((RSS_MAX[$kind.$id.$n] > best)); then best=${RSS_MAX[$kind.$id.$n]}; fi
			done
		done
	done
	echo "$best"
}

report() {
	local kind id cpu v s note big_mib
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo
	echo "## Codecs"
	echo
	echo "\`bench/codec.sh\`: sg-encode and sg-decode against zstd and lz4, on three inputs,"
	echo "in the same run. Figures are **medians of $RUNS run(s)** on a **shared, noisy machine**;"
	echo "compare the ratios to the peer measured in the same run, not absolute MB/s."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "- machine: $(nproc) CPUs (nproc), ${cpu:-unknown CPU}, Linux $(uname -r), $(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
	echo "- load average (1, 5, 15 min): $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "- sg: $("$SG_BIN/sg-encode" --version 2>/dev/null | head -n 1) from \`$SG_BIN\`, tree ${BENCH_TREE:-$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)};" \
		"peers: $(zstd -V | sed 's/^[* ]*//; s/, by .*//'), $(lz4 -V 2>&1 | sed 's/^[* ]*//; s/, by .*//')"
	echo "- inputs, generated into the scratch directory (not committed), each in the page cache:"
	for kind in "${KINDS[@]}"; do
		echo "  - $kind: ${DESC[$kind]} ($(bmib "${SIZES[$kind]}"))"
	done
	v=$(div "${SIZES[text]}" "${OUTSIZE[text.enc_zstd]}")
	echo "  - zstd -3 compresses the text ${v}x (meant to be 2.5x to 6x:" \
		"$(awk -v r="$v" 'BEGIN { print (r >= 2.5 && r <= 6) ? "it is" : "**it is not**" }'))"
	echo "- runs: $RUNS rounds per input, round-robin over that input's commands; MB/s = *original input* bytes / median wall time (for decoders too), 1 MB = 10^6 bytes"
	echo "- vs peer: MB/s of the command / MB/s of its peer (the row marked peer below it); size vs peer: its output / the peer's output - 1"
	echo "- peak RSS: GNU time %M of each process (largest over the runs)"
	echo
	echo "| input | command | MB/s (median) | vs peer | compressed size | size vs peer | peak RSS | MB/s min–max |"
	echo "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |"
	for kind in "${KINDS[@]}"; do
		for id in "${ENC_IDS[@]}" "${DEC_IDS[@]}"; do table_row "$kind" "$id"; done
		if [[ $kind == random ]]; then
			for id in "${AUTO_IDS[@]}"; do table_row "$kind" "$id"; done
		fi
	done
	echo
	echo "Exact commands: as in the table, with F = each input file in the scratch directory"
	echo "\`$WORK\` and the outputs written there; sg-chunk, sg-encode and sg-decode run from"
	echo "\`$SG_BIN\`; every process in a pipeline wrapped as \`/usr/bin/time -f %M -o RSSFILE ...\`."
	echo "Before timing, every sg output (out.sg, out.lz4.sg, out.lz4f.sg, r.sg, rz.sg) was"
	echo "checked with \`sg-decode -T2 OUT | cmp - F\`, and after the timed runs each output"
	echo "had the size of the checked one."
	echo "\`sg-encode -c lz4\` with no level uses lz4's fast mode (level 1), as \`-c lz4 -1\` does."
	echo "The \`-c auto\` rows write to /dev/null when timed: a 1 GiB write into the page cache"
	echo "costs as much as the whole encode and would hide the codec choice they compare;"
	echo "their outputs were written once, untimed, for the sizes and the decode check."
	echo
	echo "### Targets"
	echo
	echo "| target | input | measured | result |"
	echo "| --- | --- | ---: | --- |"
	for kind in "${KINDS[@]}"; do
		v=$(speedup "$kind" enc_sg)
		echo "| sg-encode -T2 -3 MB/s ≥ zstd -3 -T2 MB/s (ratio ≥ 1.00) | $kind | $v | $(verdict "$v" '>=' 1.00) |"
		s=$(awk -v a="${OUTSIZE[$kind.enc_sg]}" -v b="${OUTSIZE[$kind.enc_zstd]}" 'BEGIN { printf "%.2f", (a / b - 1) * 100 }')
		echo "| sg-encode -T2 -3 output ≤ 3% larger than zstd -3 | $kind | $(pct "${OUTSIZE[$kind.enc_sg]}" "${OUTSIZE[$kind.enc_zstd]}" 2) | $(verdict "$s" '<=' 3) |"
		v=$(speedup "$kind" dec_sg)
		echo "| sg-decode -T2 MB/s ≥ 1.5 × zstd -d MB/s | $kind | $v | $(verdict "$v" '>=' 1.50) |"
	done
	v=$(speedup random enc_auto)
	echo "| \`-c auto\` MB/s ≥ 3 × \`-c zstd\` MB/s | random | $v | $(verdict "$v" '>=' 3.00) |"
	s=$(awk -v a="${OUTSIZE[random.enc_auto]}" -v b="${SIZES[random]}" 'BEGIN { printf "%.4f", (a / b - 1) * 100 }')
	echo "| \`-c auto\` output ≤ 0.1% larger than the input | random | $(pct "${OUTSIZE[random.enc_auto]}" "${SIZES[random]}" 3) | $(verdict "$s" '<=' 0.1) |"
	big_mib=$(bmib "${SIZES[big]}")
	note=''
	((SIZES[big] >= 2 * 1024 * 1024 * 1024)) ||
		note=" (input smaller than the 2 GiB the target names: indicative only)"
	for id in big_enc big_dec; do
		v=$(rss_last big "$id")
		echo "| $(proc_last "$id") -T2 peak RSS < 64 MiB on a 2 GiB text | text, $big_mib | $(mib "$v") | $(verdict "$v" '<' "$RSS_LIMIT_KIB")$note |"
	done
	for s in sg-encode sg-decode; do
		v=$(max_rss "$s")
		echo "| $s peak RSS < 64 MiB, largest over the table above | all | $(mib "$v") | $(verdict "$v" '<' "$RSS_LIMIT_KIB") |"
	done
	echo
	echo "The RSS rows come from a separate run, once each, on F = the text input built to"
	echo "$big_mib (BENCH_RSS_SIZE=$RSS_SIZE): \`${SHOW[big_enc]}\` ($(mbps "${SIZES[big]}" "$(med big.big_enc)") MB/s,"
	echo "big.sg $(bmib "${OUTSIZE[big.big_enc]}"), sg-chunk $(mib "${RSS_MAX[big.big_enc.1]}")) and \`${SHOW[big_dec]}\`"
	echo "($(mbps "${SIZES[big]}" "$(med big.big_dec)") MB/s); then \`sg-decode -T2 big.sg | cmp - F\`."
}

# The last process of a command: its label, and its peak RSS for input kind K.
proc_last() { local p; read -ra p <<<"${PROCS[$1]}"; echo "${p[-1]}"; }
rss_last() { local p; read -ra p <<<"${PROCS[$2]}"; echo "${RSS_MAX[$1.$2.${#p[@]}]}"; }


KINDS=(text ndjson random)

main() {
	local bytes rss_bytes
	check_tools
	bytes=$(target_bytes)
	rss_bytes=$(numfmt --from=iec "$RSS_SIZE") || die "bad BENCH_RSS_SIZE: $RSS_SIZE"
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	setup_dir
	bench_input text "$bytes" "${ENC_IDS[@]}" "${DEC_IDS[@]}"
	bench_input ndjson "$bytes" "${ENC_IDS[@]}" "${DEC_IDS[@]}"
	bench_input random "$bytes" "${ENC_IDS[@]}" "${DEC_IDS[@]}" "${AUTO_IDS[@]}"
	say "RSS run on a $(bmib "$rss_bytes") text input"
	rss_run "$rss_bytes"
	report >"$WORK/codecs.md"
	cat "$WORK/codecs.md"
	replace_section "Codecs" "$WORK/codecs.md"
	rm -f "$WORK/codecs.md"
	say "wrote the Codecs section of $RESULTS"
}

main "$@"
