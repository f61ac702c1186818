#!/usr/bin/env bash
# bench/strategies.sh: throughput and peak RSS of sg-chunk's record strategies
# (json, csv, sse, delim, paragraph, cdc) and of --part fan-out, each against a
# peer measured in the same run. bench/run.sh (make bench) calls it at its end,
# after bench/codec.sh.
#
# Usage: bench/strategies.sh
# Environment (all optional):
#   BENCH_QUICK   1: a quick check, 128 MiB inputs and 1 round (unless
#                 BENCH_SIZE/BENCH_MB or BENCH_RUNS say otherwise)
#   BENCH_SIZE    size of each input, bytes or with K/M/G suffix (default 1G);
#                 BENCH_MB as in run.sh. The jq comparison uses 1/8 of it.
#   BENCH_RUNS    rounds; the tables show medians over them (default 3)
#   BENCH_DIR     scratch directory (default: mktemp -d under /tmp, removed at
#                 exit); inputs in a given BENCH_DIR are kept and reused
#   BENCH_KEEP    1 keeps the scratch directory and the inputs
#   BENCH_RESULTS report file (default: bench/results.md); its "Strategies"
#                 section is replaced, or appended when it has none
#   BENCH_FORCE   1 also measures strategies that sg-chunk --help marks
#                 "(not yet)" (placeholders; only to test this script)
#   SG_BIN        directory holding sg-chunk and sg-decode
#
# The section goes to stdout and to the report file; progress goes to stderr.
# shellcheck disable=SC2016 # backquotes in single quotes are markdown code
set -euo pipefail

# run.sh's helpers: need_tools, target_bytes, setup_dir, drop_work,
# keep_inputs, rss, chunk, now_ns, measure, med, tmin, tmax, rate, ratio,
# verdict, mib, bmib, rss_cell, cell, replace_section, and its globals
# (SG_BIN, RESULTS, GNU_TIME, HERE, REPO). Sourcing it runs nothing.
# shellcheck source=SCRIPTDIR/run.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run.sh"

START_SECONDS=$SECONDS
QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then
	[[ -n ${BENCH_SIZE:-} || -n ${BENCH_MB:-} ]] || BENCH_SIZE=128M
	RUNS=${BENCH_RUNS:-1}
else
	RUNS=${BENCH_RUNS:-3}
fi
SEED_MAX=$((16 * 1024 * 1024)) # generated seeds are repeated up to the size
PARTS=8                        # --part K/8
JQ_DIV=8                       # the jq input is 1/8 of the size

die() { printf 'bench/strategies: %s\n' "$*" >&2; exit 1; }
say() { printf 'bench/strategies: %s\n' "$*" >&2; }

check_tools() {
	need_tools 'sg-chunk sg-decode' 'awk cmp numfmt stat head seq'
	[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "bad BENCH_RUNS: $RUNS"
}

cleanup() {
	rm -rf "${WORK:?}/rss" "$WORK/parts" "$WORK"/seed.*
	drop_work
}

# ---------------------------------------------------------------- generators
#
# Deterministic awk generators (fixed srand seeds) writing at least BYTES of
# whole records. A seed of at most 16 MiB is generated and repeated (whole
# copies) up to the input size: the period is far above the 1 MiB chunks, and
# generating 1 GiB in awk would take longer than measuring it.

# gen_ndjson: NDJSON events (bench/gen_ndjson.sh, shared with archive.sh).
# shellcheck source=SCRIPTDIR/gen_ndjson.sh
source "$HERE/gen_ndjson.sh"

# CSV (RFC 4180, CRLF records): a header row, then orders whose quoted fields
# hold commas ("Last, First", "City, Region", SKU lists), doubled quotes and
# line breaks (LF, sometimes CRLF) inside comments; UTF-8 names; empty fields.
gen_csv() {
	awk -v bytes="$1" '
	function pick(a, n) { return a[1 + int(rand() * n)] }
	BEGIN {
		srand(13)
		nfn = split("Ana José Zoë Björn Chloé François Jürgen Łukasz Søren Ömer Aiko Ελένη Дмитрий 小明 민준 Priya Nguyễn Siobhán Tom Mary", fn, " ")
		nln = split("García Müller O\047Brien Dvořák Nakamura Kowalski Петров Παπαδόπουλος 王 김 Sharma Trần Adeyemi Smith Jones", ln, " ")
		ncity = split("Zürich|São Paulo, SP|München|Kraków|Reykjavík|Tōkyō|Москва|Αθήνα|서울|北京|Montréal, QC|Paris, France|New York, NY|Lagos|Hà Nội", city, "|")
		nst = split("new paid shipped delivered returned cancelled", st, " ")
		ncur = split("EUR USD GBP JPY CHF BRL", cur, " ")
		nw = split("the parcel arrived late, again and the box was damaged; but support helped très bien naïve café über 日本語 😀 ok thanks order delivery price refund size colour fits well, would buy again", word, " ")
		hdr = "id,customer,email,city,amount,currency,created_at,status,sku_list,comment"
		printf "%s\r\n", hdr
		n = length(hdr) + 2
		while (n < bytes) {
			id++
			c = pick(city, ncity)
			if (index(c, ",")) c = "\"" c "\""
			skus = ""
			for (k = 1 + int(rand() * 4); k > 0; k--)
				skus = skus (skus == "" ? "" : ",") sprintf("SKU-%04d", int(rand() * 10000))
			if (index(skus, ",")) skus = "\"" skus "\""
			if (rand() < 0.2)
				cm = ""
			else {
				cm = pick(word, nw)
				for (i = int(rand() * 30); i > 0; i--) {
					x = rand()
					if (x < 0.015) cm = cm "\n"
					else if (x < 0.05) cm = cm " \"\"" pick(word, nw) "\"\""
					else cm = cm " " pick(word, nw)
				}
				if (rand() < 0.1) cm = cm "\r\n-- sent from my phone"
				cm = "\"" cm "\""
			}
			line = sprintf("%d,\"%s, %s\",user%d@example.com,%s,%.2f,%s,2026-%02d-%02d %02d:%02d:%02d,%s,%s,%s",
			    id, pick(ln, nln), pick(fn, nfn), int(rand() * 1e6), c, rand() * rand() * 5000,
			    pick(cur, ncur), 1 + int(rand() * 12), 1 + int(rand() * 28), int(rand() * 24),
			    int(rand() * 60), int(rand() * 60), pick(st, nst), skus, cm)
			printf "%s\r\n", line
			n += length(line) + 2
		}
	}'
}

# SSE: OpenAI-like chat completion streams: a role event, 20-420 content
# token events (`data: {...}\n\n`, ~260 bytes; tokens with UTF-8 and JSON
# escapes), the finish event, sometimes a usage event, `data: [DONE]`; 1% of
# events preceded by a `: keep-alive` comment.
gen_sse() {
	awk -v bytes="$1" '
	BEGIN {
		srand(17)
		nm = split("gpt-4o-mini-2024-07-18 gpt-4o-2024-08-06 gpt-4.1-nano", model, " ")
		nw = split(" The| model| returns| tokens| one| at| a| time|,| and| the| client| renders| them| as| they| arrive|.| Sure|!| Here| is| an| example|:| ```|python|\\n|\\n\\n| def| main|():|\\n   | print|(\\\"hello\\\")| café| naïve| 日本| 語| の| テ| スト| 😀| —| “quoted”| \\u00e9t\\u00e9| über| 1| 2| 3|%| \\\\path| \\t|tab", w, "|")
		chars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		created = 1795000000
		while (n < bytes) {
			id = "chatcmpl-"
			for (i = 0; i < 29; i++) id = id substr(chars, 1 + int(rand() * 62), 1)
			created += int(rand() * 5)
			m = model[1 + int(rand() * nm)]
			pre = "data: {\"id\":\"" id "\",\"object\":\"chat.completion.chunk\",\"created\":" created ",\"model\":\"" m "\",\"system_fingerprint\":\"fp_" substr("0ba0d124f1e95e7f86df", 1 + int(rand() * 10), 10) "\",\"choices\":[{\"index\":0,\"delta\":"
			ev = pre "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
			for (k = 20 + int(rand() * 400); k > 0; k--) {
				if (rand() < 0.01) ev = ev ": keep-alive\n\n"
				ev = ev pre "{\"content\":\"" w[1 + int(rand() * nw)] "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
			}
			ev = ev pre "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n"
			if (rand() < 0.5)
				ev = ev "data: {\"id\":\"" id "\",\"object\":\"chat.completion.chunk\",\"created\":" created ",\"model\":\"" m "\",\"choices\":[],\"usage\":{\"prompt_tokens\":" int(rand() * 2000) ",\"completion_tokens\":" int(rand() * 500) ",\"total_tokens\":" int(rand() * 2500) "}}\n\n"
			ev = ev "data: [DONE]\n\n"
			printf "%s", ev
			n += length(ev)
		}
	}'
}

# Text, in three modes. prose: paragraphs of 1-7 sentences (. ? ! ... and
# closing quotes), half one line per paragraph, half hard-wrapped at 72
# columns, blank lines between, some "Chapter N" headings; words mostly
# English with Latin accents, Greek, Cyrillic, CJK, Hangul and emoji.
# docs: WikiExtractor-style documents, `<doc id=.. url=.. title=..>`, title,
# 1-10 paragraphs, `</doc>` (the separator). nul: the same documents without
# the tags, each ended by a NUL byte.
gen_text() {
	awk -v bytes="$1" -v mode="$2" '
	function sentence(   s, k, w1) {
		w1 = word[1 + int(rand() * nw)]
		s = toupper(substr(w1, 1, 1)) substr(w1, 2)
		for (k = 4 + int(rand() * 18); k > 0; k--)
			s = s (rand() < 0.08 ? ", " : " ") word[1 + int(rand() * nw)]
		return s end[1 + int(rand() * nend)]
	}
	function paragraph(   p, k, out, col, i, nt, t) {
		p = sentence()
		for (k = int(rand() * 7); k > 0; k--) p = p " " sentence()
		if (rand() < 0.5) return p "\n"
		nt = split(p, t, " ")
		out = t[1]; col = length(t[1])
		for (i = 2; i <= nt; i++) {
			if (col + 1 + length(t[i]) > 72) { out = out "\n" t[i]; col = length(t[i]) }
			else { out = out " " t[i]; col += 1 + length(t[i]) }
		}
		return out "\n"
	}
	BEGIN {
		srand(19)
		nw = split("the of and to in a is that it was for on as with he she they at by this from but not or have an which one had were their said all there would been when who will more if out so what up about into than them some could time only other new people over after first well also where most very through back years before life world água café naïve déjà-vu façade über Straße São_Paulo Zürich “quoted” — – señor niño 東京 日本語 Москва αλφα 서울 😀 🎉 résumé coöperate mañana", word, " ")
		nend = split(". . . . . . ? ! ... .” ?”", end, " ")
		while (n < bytes) {
			id++
			title = word[1 + int(rand() * nw)]
			for (k = 1 + int(rand() * 5); k > 0; k--) title = title " " word[1 + int(rand() * nw)]
			title = toupper(substr(title, 1, 1)) substr(title, 2)
			if (mode == "docs")
				rec = "<doc id=\"" id "\" url=\"https://en.wikipedia.org/wiki?curid=" id "\" title=\"" title "\">\n" title "\n\n"
			else if (mode == "prose")
				rec = (rand() < 0.05) ? "Chapter " id "\n\n" : ""
			else
				rec = title "\n\n"
			for (k = 1 + int(rand() * (mode == "prose" ? 3 : 10)); k > 0; k--)
				rec = rec paragraph() (k > 1 ? "\n" : "")
			if (mode == "docs") rec = rec "</doc>\n"
			else if (mode == "nul") rec = rec "\0"
			else rec = rec "\n"
			printf "%s", rec
			n += length(rec)
		}
	}'
}

# ---------------------------------------------------------------- inputs
#
# Each input kind has a file in the scratch directory, a generator and a
# description. make_input_kind sets F and SIZE.

declare -A FILE_OF=(
	[ndjson]=strat-events.ndjson [ndjson_small]=strat-events-small.ndjson
	[csv]=strat-orders.csv [sse]=strat-chat.sse [docs]=strat-docs.txt
	[nul]=strat-docs.nul [prose]=strat-prose.txt [random]=strat-random.bin
)
declare -A GEN_OF=(
	[ndjson]='gen_ndjson' [ndjson_small]='gen_ndjson' [csv]='gen_csv' [sse]='gen_sse'
	[docs]='gen_text docs' [nul]='gen_text nul' [prose]='gen_text prose'
)
declare -A DESC=(
	[ndjson]='NDJSON events (nested objects and arrays; strings with `\"` `\\` `\n` `\t` `\/` `\uXXXX` escapes, surrogate pairs and raw UTF-8 in 8 scripts; integers, decimals, exponents, true/false/null; lines of 130-1050 bytes, mean ~580)'
	[ndjson_small]='the same NDJSON generator, 1/8 of the size'
	[csv]='RFC 4180 CSV, CRLF records, 10 fields: quoted fields with commas, doubled quotes and line breaks (LF, some CRLF) inside comments, UTF-8 names, empty fields; a header row at the top of each 16 MiB copy'
	[sse]='OpenAI-like chat completion streams: `data: {...}\n\n` events of ~260 bytes, `: keep-alive` comments, usage events, `data: [DONE]`'
	[docs]='WikiExtractor-style `<doc id=.. url=.. title=..>` ... `</doc>` documents of 1-10 paragraphs of UTF-8 prose (~1.8 KB each)'
	[nul]='the same documents without tags, each ended by a NUL byte'
	[prose]='UTF-8 prose: paragraphs of 1-7 sentences (. ? ! ... closing quotes), half one line each, half wrapped at 72 columns, blank lines between, some headings'
	[random]='`head -c SIZE /dev/urandom`'
)
declare -A SIZES=() RECORDS=()

make_input_kind() {
	local kind=$1 target=$2 seed=$WORK/seed.$1 seed_size copies i sb gen
	F=$WORK/${FILE_OF[$kind]}
	if [[ $kind == random ]]; then
		if [[ -f $F && $(stat -c %s "$F") == "$target" ]]; then
			say "$kind: reusing $F"
		else
			say "$kind: generating $F"
			head -c "$target" /dev/urandom >"$F.tmp"
			mv "$F.tmp" "$F"
		fi
		SIZE=$target
		return
	fi
	sb=$((target < SEED_MAX ? target : SEED_MAX))
	((sb > 0)) || sb=1
	read -ra gen <<<"${GEN_OF[$kind]}" # a function and its mode
	"${gen[0]}" "$sb" "${gen[@]:1}" >"$seed"
	seed_size=$(stat -c %s "$seed")
	((seed_size > 0)) || die "$kind: empty seed"
	case $kind in
	ndjson | ndjson_small) RECORDS[$kind]=$(awk 'END { print NR }' "$seed") ;;
	esac
	copies=$(((target + seed_size - 1) / seed_size))
	SIZE=$((copies * seed_size))
	if [[ -f $F && $(stat -c %s "$F") == "$SIZE" ]]; then
		say "$kind: reusing $F ($SIZE bytes)"
	else
		say "$kind: generating $F: $copies copies of a $seed_size-byte seed"
		: >"$F.tmp"
		for ((i = 0; i < copies; i++)); do cat "$seed" >>"$F.tmp"; done
		mv "$F.tmp" "$F"
	fi
	if [[ -n ${RECORDS[$kind]:-} ]]; then RECORDS[$kind]=$((RECORDS[$kind] * copies)); fi
	rm -f "$seed"
}

# ---------------------------------------------------------------- commands
#
# Each command has an id, the command as shown in the report (F is the input),
# the labels of the processes whose peak RSS is kept, what it needs (s:NAME a
# finished strategy, t:NAME a tool), and a function bench_<id> (cat_* ids all
# run bench_cat). CHECK[id] gives sg-chunk arguments whose stream must decode
# byte-exactly to F before timing ("part": the 8 parts concatenated).

declare -A SHOW=() PROCS=() NEED=() CHECK=() KIND_OF=()
def() { SHOW[$1]=$2 PROCS[$1]=$3 NEED[$1]=$4 CHECK[$1]=$5; }

PART_SHOW="seq $PARTS | parallel"
def json 'sg-chunk -s json F | cat >/dev/null' 'sg-chunk cat' 's:json' '-s json'
def json_validate 'sg-chunk -s json --validate F | cat >/dev/null' 'sg-chunk cat' 's:json' '-s json --validate'
def json_null 'sg-chunk -s json F >/dev/null' 'sg-chunk' 's:json' ''
def part_j1 "$PART_SHOW -j1 'sg-chunk --part {}/$PARTS -s json F >/dev/null'" 'sg-chunk×8' 's:json t:parallel' 'part'
def part_j2 "$PART_SHOW -j2 'sg-chunk --part {}/$PARTS -s json F >/dev/null'" 'sg-chunk×8' 's:json t:parallel' 'part'
def part_k "$PART_SHOW -j2 -k 'sg-chunk --part {}/$PARTS -s json F' | cat >/dev/null" 'sg-chunk×8 cat' 's:json t:parallel' 'part'
def part_files "$PART_SHOW -j2 'sg-chunk --part {}/$PARTS -s json F >DIR/p{}'" 'sg-chunk×8' 's:json t:parallel' 'part'
# A machine check for the --part rows: the same fan-out of 8 jobs that only
# spin the CPU (an awk loop of N iterations, N scaled to the size so a job
# takes about as long as a part), for how much -j2 the machine gives.
SPIN_SHOW="$PART_SHOW -jJ \"awk -v n=N 'BEGIN { for (i = 0; i < n; i++) s += i }'\""
def spin_j1 "${SPIN_SHOW/-jJ/-j1}" 'awk×8' 't:parallel' ''
def spin_j2 "${SPIN_SHOW/-jJ/-j2}" 'awk×8' 't:parallel' ''
def jq 'jq -c . F >/dev/null' 'jq' 't:jq' ''
def json_small 'sg-chunk -s json F >/dev/null' 'sg-chunk' 's:json t:jq' '-s json'
def csv 'sg-chunk -s csv F | cat >/dev/null' 'sg-chunk cat' 's:csv' '-s csv'
def sse 'sg-chunk -s sse F | cat >/dev/null' 'sg-chunk cat' 's:sse' '-s sse'
def delim_doc "sg-chunk -s delim -d '</doc>' F | cat >/dev/null" 'sg-chunk cat' 's:delim' "-s delim -d </doc>"
def delim_nul "sg-chunk -s delim -d '\\0' F | cat >/dev/null" 'sg-chunk cat' 's:delim' '-s delim -d \0'
def paragraph 'sg-chunk -s paragraph F | cat >/dev/null' 'sg-chunk cat' 's:paragraph' '-s paragraph'
def cdc 'sg-chunk -s cdc F | cat >/dev/null' 'sg-chunk cat' 's:cdc' '-s cdc'

# Inputs in the order they are measured, and their commands (round-robin
# within each input). Every input but ndjson_small has cat F | cat as peer.
KINDS=(ndjson ndjson_small csv sse docs nul prose random)
declare -A IDS_OF=(
	[ndjson]='cat_ndjson json json_validate json_null part_j1 part_j2 part_k part_files spin_j1 spin_j2'
	[ndjson_small]='jq json_small'
	[csv]='cat_csv csv' [sse]='cat_sse sse' [docs]='cat_docs delim_doc'
	[nul]='cat_nul delim_nul' [prose]='cat_prose paragraph' [random]='cat_random cdc'
)
for kind in "${KINDS[@]}"; do
	for id in ${IDS_OF[$kind]}; do
		KIND_OF[$id]=$kind
		if [[ $id == cat_* ]]; then def "$id" 'cat F | cat >/dev/null' 'cat cat' '' ''; fi
	done
done
unset kind id

bench_cat() { rss 1 cat "$F" | rss 2 cat >/dev/null; }
sg_cat() { chunk "$@" "$F" | rss 2 cat >/dev/null; }
bench_json() { sg_cat -s json; }
bench_json_validate() { sg_cat -s json --validate; }
bench_json_null() { chunk -s json "$F" >/dev/null; }
bench_jq() { rss 1 jq -c . "$F" >/dev/null; }
bench_json_small() { chunk -s json "$F" >/dev/null; }
bench_csv() { sg_cat -s csv; }
bench_sse() { sg_cat -s sse; }
bench_delim_doc() { sg_cat -s delim -d '</doc>'; }
bench_delim_nul() { sg_cat -s delim -d '\0'; }
bench_paragraph() { sg_cat -s paragraph; }
bench_cdc() { sg_cat -s cdc; }

# --part: GNU parallel runs one shell command line per part K ({}), each
# sg-chunk wrapped in GNU time writing its RSS to rss/1.K. Each job writes to
# /dev/null, or to its own file, not through parallel -k: -k (and parallel's
# default --group) keep each job's output in temporary files and copy them out
# afterwards, which measures parallel's buffering, not the fan-out; the part_k
# row shows what that costs.
part_job() {
	printf '%q -f %%M -o %q.{} %q --part {}/%d -s json %q' \
		"$GNU_TIME" "$WORK/rss/1" "$SG_BIN/sg-chunk" "$PARTS" "$F"
}
bench_part_j1() { seq "$PARTS" | parallel -j1 "$(part_job) >/dev/null"; }
bench_part_j2() { seq "$PARTS" | parallel -j2 "$(part_job) >/dev/null"; }
bench_part_k() { seq "$PARTS" | parallel -j2 -k "$(part_job)" | rss 2 cat >/dev/null; }
bench_part_files() { seq "$PARTS" | parallel -j2 "$(part_job) >$(printf %q "$WORK/parts")/p{}"; }
spin_job() {
	printf '%q -f %%M -o %q.{} awk -v n=%d %q' "$GNU_TIME" "$WORK/rss/1" "$SPIN_N" \
		'BEGIN { for (i = 0; i < n; i++) s += i; if (s < 0) print s }'
}
bench_spin_j1() { seq "$PARTS" | parallel -j1 "$(spin_job)"; }
bench_spin_j2() { seq "$PARTS" | parallel -j2 "$(spin_job)"; }
# The part files are deleted after each run, before writeback would start;
# after the first timed run (outside its time) they are checked first.
PART_FILES_CHECKED=0
pre_part_files() { rm -rf "$WORK/parts"; mkdir "$WORK/parts"; }
post_part_files() {
	local k
	if ((PART_FILES_CHECKED == 0)); then
		say "checking DIR/p1..p$PARTS (the per-part files of the first run) | sg-decode == F"
		for ((k = 1; k <= PARTS; k++)); do cat "$WORK/parts/p$k"; done |
			"$SG_BIN/sg-decode" | cmp -s - "$F" ||
			die "the per-part files do not decode byte-exactly to F"
		PART_FILES_CHECKED=1
	fi
	rm -rf "$WORK/parts"
}

# Is strategy NAME finished (not "(not yet)" in sg-chunk --help)?
strategy_ready() {
	[[ ${BENCH_FORCE:-0} == 1 ]] && return 0
	"$SG_BIN/sg-chunk" --help 2>&1 | awk -v s="$1" '
		$1 == s { found = 1; if (index($0, "(not yet)")) unfinished = 1 }
		END { exit !(found && !unfinished) }'
}

declare -A WHY_NOT=()
# Can command ID run? Sets WHY_NOT[id] when not.
ready() {
	local n
	for n in ${NEED[$1]}; do
		case $n in
		s:*) strategy_ready "${n#s:}" || { WHY_NOT[$1]="-s ${n#s:} not in this build (\"(not yet)\" in sg-chunk --help)"; return 1; } ;;
		t:*) command -v "${n#t:}" >/dev/null || { WHY_NOT[$1]="${n#t:} not installed"; return 1; } ;;
		esac
	done
}

# ---------------------------------------------------------------- measuring

declare -A TIMES=() RSS_MAX=() RSS_FILES=()

# Run one command once: time it, check it succeeded, keep the largest RSS of
# each process label (over rss/N and, for parallel's jobs, rss/N.K).
run_one() {
	local id=$1 fn=bench_$1 t0 t1 n k f best cnt
	[[ $id == cat_* ]] && fn=bench_cat
	rm -rf "$WORK/rss"; mkdir "$WORK/rss"
	if declare -F "pre_$id" >/dev/null; then "pre_$id"; fi
	t0=$(now_ns)
	"$fn" || die "command failed on ${KIND_OF[$id]}: ${SHOW[$id]}"
	t1=$(now_ns)
	if declare -F "post_$id" >/dev/null; then "post_$id"; fi
	TIMES[$id]+="$((t1 - t0)) "
	n=0
	for _ in ${PROCS[$id]}; do
		n=$((n + 1)) best='' cnt=0
		for f in "$WORK/rss/$n" "$WORK/rss/$n".*; do
			[[ -f $f ]] || continue
			k=$(tail -n 1 "$f")
			[[ $k =~ ^[0-9]+$ ]] || die "no RSS in $f for ${SHOW[$id]}"
			cnt=$((cnt + 1))
			if ((k > ${best:-0})); then best=$k; fi
		done
		[[ -n $best ]] || die "no RSS for ${SHOW[$id]} (process $n)"
		RSS_FILES[$id.$n]=$cnt
		if ((best > ${RSS_MAX[$id.$n]:-0})); then RSS_MAX[$id.$n]=$best; fi
	done
	if [[ ${PROCS[$id]} == *×$PARTS* && ${RSS_FILES[$id.1]} != "$PARTS" ]]; then
		die "${SHOW[$id]}: ${RSS_FILES[$id.1]} of $PARTS jobs ran"
	fi
}

# The stream of sg-chunk ARGS on F (the concatenated parts for "part") must
# decode byte-exactly to F.
check_exact() {
	local id=$1 k args
	case ${CHECK[$id]} in
	'') return 0 ;;
	part)
		say "checking the $PARTS parts of sg-chunk --part K/$PARTS -s json F | sg-decode == F"
		for ((k = 1; k <= PARTS; k++)); do
			"$SG_BIN/sg-chunk" --part "$k/$PARTS" -s json "$F" || die "sg-chunk --part $k/$PARTS failed"
		done | "$SG_BIN/sg-decode" | cmp -s - "$F" ||
			die "the $PARTS parts do not decode byte-exactly to F"
		;;
	*)
		read -ra args <<<"${CHECK[$id]}"
		say "checking sg-chunk ${CHECK[$id]} F | sg-decode == F"
		"$SG_BIN/sg-chunk" "${args[@]}" "$F" | "$SG_BIN/sg-decode" | cmp -s - "$F" ||
			die "round trip is not byte-exact: sg-chunk ${CHECK[$id]} F | sg-decode"
		;;
	esac
}

# One input: pick the commands that can run, make the input, warm the cache,
# check, then run.sh's measure (round-robin, each round one command later).
measure_kind() {
	local kind=$1 bytes=$2 ids=() id own=0 checked=' '
	for id in ${IDS_OF[$kind]}; do
		if ready "$id"; then
			ids+=("$id")
			[[ $id == cat_* || $id == jq || $id == spin_* ]] || own=1
		fi
	done
	if ((own == 0)); then
		say "$kind: nothing to measure (${WHY_NOT[*]:-})"
		return 0
	fi
	make_input_kind "$kind" "$bytes"
	SIZES[$kind]=$SIZE
	say "$kind: warming the page cache"
	cat "$F" >/dev/null
	for id in "${ids[@]}"; do
		[[ $checked == *" ${CHECK[$id]} "* ]] && continue
		check_exact "$id"
		checked+="${CHECK[$id]} "
	done
	measure "$kind: " "${ids[@]}"
	keep_inputs || rm -f "$F"
}

# ---------------------------------------------------------------- report

# The bytes run.sh's rate counts for command ID: those of its input.
bytes_of() { echo "${SIZES[${KIND_OF[$1]}]}"; }

# Rows of the main table: label, command, peer, target kind and value.
# Target kinds: ratio (MB/s / peer MB/s >= value), cdc (>= 1000 MB/s or
# >= 0.5 x the peer), or empty (reported only).
ROW_LABEL=() ROW_ID=() ROW_PEER=() ROW_TKIND=() ROW_TVAL=()
row() { ROW_LABEL+=("$1") ROW_ID+=("$2") ROW_PEER+=("$3") ROW_TKIND+=("$4") ROW_TVAL+=("$5"); }
row '`-s json`' json cat_ndjson ratio 0.3
row '`-s json --validate`' json_validate cat_ndjson '' ''
row '`-s json` vs jq' json_small jq ratio 10
row '`-s csv`' csv cat_csv ratio 0.3
row '`-s sse`' sse cat_sse ratio 0.5
row "\`-s delim -d '</doc>'\`" delim_doc cat_docs ratio 0.5
row "\`-s delim -d '\\0'\`" delim_nul cat_nul '' ''
row '`-s paragraph`' paragraph cat_prose ratio 0.5
row '`-s cdc`' cdc cat_random cdc ''
row '`--part` ×8: -j2 vs -j1' part_j2 part_j1 ratio 1.6
row '`--part` ×8: -j2 vs one sg-chunk' part_j2 json_null '' ''
row '`--part` ×8: -j1 vs one sg-chunk' part_j1 json_null '' ''
row '`--part` ×8: -j2 via `parallel -k \| cat` vs -j2 to /dev/null' part_k part_j2 '' ''
row '`--part` ×8: -j2 to per-part files vs -j2 to /dev/null' part_files part_j2 '' ''
row 'machine check: 8 CPU-only jobs, -j2 vs -j1' spin_j2 spin_j1 '' ''

# Short names of the peers.
peer_name() {
	case $1 in
	cat_*) echo '`cat F \| cat`' ;;
	jq) echo '`jq -c .`' ;;
	json_null) echo '`sg-chunk -s json F >/dev/null`' ;;
	part_j1) echo '`--part` -j1' ;;
	part_j2) echo '`--part` -j2, /dev/null' ;;
	spin_j1) echo 'CPU-only jobs, -j1' ;;
	esac
}

target_text() {
	case $1 in
	ratio) echo "≥ $2 ×" ;;
	cdc) echo '≥ 1000 MB/s or ≥ 0.5 ×' ;;
	*) echo 'report' ;;
	esac
}

table_row() {
	local i=$1 id=${ROW_ID[$1]} peer=${ROW_PEER[$1]} tk=${ROW_TKIND[$1]} tv=${ROW_TVAL[$1]}
	local kind=${KIND_OF[${ROW_ID[$1]}]} v mb res
	if [[ -z ${TIMES[$id]:-} || -z ${TIMES[$peer]:-} ]]; then
		printf '| %s | %s | n/a | %s | n/a | n/a | %s | not measured: %s | n/a |\n' \
			"${ROW_LABEL[$i]}" "$kind" "$(peer_name "$peer")" "$(target_text "$tk" "$tv")" \
			"${WHY_NOT[$id]:-${WHY_NOT[$peer]:-not run}}"
		return
	fi
	mb=$(rate "$id") v=$(ratio "$id" "$peer")
	case $tk in
	ratio) res=$(verdict "$v" '>=' "$tv") ;;
	cdc) res=$(awk -v m="$mb" -v r="$v" 'BEGIN { print (m >= 1000 || r >= 0.5) ? "**PASS**" : "**FAIL**" }') ;;
	*) res='—' ;;
	esac
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${ROW_LABEL[$i]}" "$kind" \
		"$mb" "$(peer_name "$peer")" "$(rate "$peer")" "$v" "$(target_text "$tk" "$tv")" \
		"$res" "$(rss_cell "$id")"
}

report() {
	local cpu i kind id el
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	el=$((SECONDS - START_SECONDS))
	echo
	echo "## Strategies"
	echo
	echo "\`bench/strategies.sh\`: sg-chunk's record strategies and \`--part\` fan-out, each"
	echo "against a peer measured in the same run. Figures are **medians of $RUNS run(s)** on a"
	echo "**shared, noisy machine**; compare the ratios, not absolute MB/s."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); the script ran for $((el / 60)) min $((el % 60)) s"
	echo "- machine: $(nproc) CPUs (nproc), ${cpu:-unknown CPU}, Linux $(uname -r), $(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
	echo "- load average (1, 5, 15 min): $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "- sg: $("$SG_BIN/sg-chunk" --version 2>/dev/null | head -n 1) from \`$SG_BIN\`, tree ${BENCH_TREE:-$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)};" \
		"peers: cat ($(cat --version | head -n 1)), $(jq --version 2>/dev/null || echo 'no jq'), $(parallel --version 2>/dev/null | head -n 1 || echo 'no parallel')"
	echo "- inputs, generated into the scratch directory \`$WORK\` (not committed), each read once before timing (page cache):"
	for kind in "${KINDS[@]}"; do
		[[ -n ${SIZES[$kind]:-} ]] || continue
		printf '  - %s, `%s`: %s; %s bytes (%s)' "$kind" "${FILE_OF[$kind]}" "${DESC[$kind]}" \
			"${SIZES[$kind]}" "$(bmib "${SIZES[$kind]}")"
		[[ -n ${RECORDS[$kind]:-} ]] && printf ', %s lines' "${RECORDS[$kind]}"
		echo
	done
	echo "- runs: $RUNS round(s) per input, round-robin over that input's commands; MB/s = input bytes / median wall time, 1 MB = 10^6 bytes"
	echo "- ratio: MB/s of the case / MB/s of its peer (same input, same run); peak RSS: GNU time %M of each process, largest over the runs (sg-chunk×8: the largest of the 8 \`--part\` jobs)"
	echo
	echo "| case | input | MB/s | peer | peer MB/s | ratio | target | result | peak RSS |"
	echo "| --- | --- | ---: | --- | ---: | ---: | --- | --- | --- |"
	for i in "${!ROW_ID[@]}"; do table_row "$i"; done
	echo
	echo "Every command measured, exactly (F = the input file named in the list above, in"
	echo "\`$WORK\`; sg-chunk and sg-decode run from \`$SG_BIN\`):"
	echo
	echo "| input | command | MB/s (median) | MB/s min–max | peak RSS |"
	echo "| --- | --- | ---: | ---: | --- |"
	for kind in "${KINDS[@]}"; do
		for id in ${IDS_OF[$kind]}; do
			[[ -n ${TIMES[$id]:-} ]] || continue
			printf '| %s | %s | %s | %s–%s | %s |\n' "$kind" "$(cell "${SHOW[$id]}")" \
				"$(rate "$id")" "$(rate "$id" "$(tmax "$id")")" "$(rate "$id" "$(tmin "$id")")" \
				"$(rss_cell "$id")"
		done
	done
	echo
	echo "Every process of a pipeline is wrapped as \`/usr/bin/time -f %M -o RSSFILE ...\`;"
	echo "in the \`--part\` commands each sg-chunk job is wrapped inside the job, so the peak"
	echo "RSS is sg-chunk's (GNU parallel's own perl process is not included). Before timing,"
	echo "each sg-chunk configuration was checked with \`sg-chunk ARGS F | sg-decode | cmp - F\`,"
	echo "and the $PARTS parts with \`for K in 1..$PARTS: sg-chunk --part K/$PARTS -s json F\` piped"
	echo "to \`sg-decode | cmp - F\`; the per-part files of the first timed run, concatenated,"
	echo "were checked the same way (after that run's time was taken)."
	echo
	echo "The peer \`cat F | cat\` moves a lot with where the scheduler puts the two cats:"
	echo "on one core the pipe stays in cache and is several times faster than across two"
	echo "cores (sg-chunk widens its pipe and is far less affected). Its min–max in the table"
	echo "above shows which it was; a ratio to it is only as steady as that."
	echo
	echo "About \`--part\`: each job writes to /dev/null (or to its own file DIR/p{}, deleted"
	echo "after each run), which is how a fan-out is used (one consumer per part); the rows"
	echo "compare -j2 with -j1 and with one \`sg-chunk -s json F >/dev/null\`. Through"
	echo "\`parallel -k ... | cat\`, GNU parallel stores each job's output in temporary files"
	echo "and copies them out in order, so that row measures parallel's buffering too."
	echo "GNU parallel's start-up (a perl program, a few hundred ms) is inside every"
	echo "\`--part\` time. -j2 can only be faster than -j1 by as much as the machine has a"
	echo "second core free: the machine-check row runs the same fan-out with jobs that only"
	echo "spin the CPU (no I/O, no sg) in the same rounds, and its ratio is the most -j2"
	echo "could give at that time (MB/s for those rows: the input's bytes / time, for comparison)."
}


main() {
	local bytes kind small
	check_tools
	bytes=$(target_bytes)
	small=$((bytes / JQ_DIV))
	SPIN_N=$((bytes / PARTS / 20))
	((SPIN_N >= 1000)) || SPIN_N=1000
	SHOW[spin_j1]=${SHOW[spin_j1]/n=N/n=$SPIN_N}
	SHOW[spin_j2]=${SHOW[spin_j2]/n=N/n=$SPIN_N}
	((small > 0)) || small=1
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	setup_dir
	for kind in "${KINDS[@]}"; do
		if [[ $kind == ndjson_small ]]; then
			measure_kind "$kind" "$small"
		else
			measure_kind "$kind" "$bytes"
		fi
	done
	report >"$WORK/strategies.md"
	cat "$WORK/strategies.md"
	replace_section "Strategies" "$WORK/strategies.md"
	rm -f "$WORK/strategies.md"
	say "wrote the Strategies section of $RESULTS"
}

main "$@"
