#!/usr/bin/env bash
# bench/plot.sh: two PNG plots from the benchmark results, with gnuplot.
#
#   bench/throughput.png  MB/s of every command against its peers, from the
#                         markdown tables run.sh, codec.sh and strategies.sh
#                         write into bench/results.md (one panel each)
#   bench/rss.png         peak RSS against input size, from bench/rss.dat
#                         (bench/rss.sh); log2 x axis, one line per tool
#
# bench/run.sh (make bench) calls it at its end, after bench/rss.sh. Without
# gnuplot it says so and exits 0; a plot whose input is missing is skipped.
#
# Usage: bench/plot.sh
# Environment (all optional):
#   BENCH_RESULTS  report file to read (default: bench/results.md)
#   BENCH_RSS_DAT  data file of bench/rss.sh (default: bench/rss.dat)
#   BENCH_PLOT_DIR where the PNGs go (default: bench/)
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RESULTS=${BENCH_RESULTS:-$HERE/results.md}
DAT=${BENCH_RSS_DAT:-$HERE/rss.dat}
OUT=${BENCH_PLOT_DIR:-$HERE}

say() { printf 'bench/plot: %s\n' "$*" >&2; }
die() { printf 'bench/plot: %s\n' "$*" >&2; exit 1; }

if ! command -v gnuplot >/dev/null; then
	say "gnuplot not found: plots skipped (Debian: apt-get install gnuplot-nox)"
	exit 0
fi
if gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1; then
	TERM_PNG='pngcairo noenhanced font "sans,10"'
else
	TERM_PNG='png noenhanced'
fi

TMP=$(mktemp -d /tmp/sg-plot.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------- throughput
#
# Tab-separated rows, from the first table of a section of results.md:
#   run.tsv:   label, MB/s, 1 for sg or 2 for a peer   (run.sh's table)
#   codec.tsv: the same, for the rows of the text input (codec.sh's table)
#   strat.tsv: label, MB/s, peer MB/s                  (strategies.sh's table)
# Cells are split on unescaped '|'; code-span backquotes, ' F' and output
# redirections are dropped from the labels.
parse_results() {
	awk -v dir="$TMP" '
	function cells(line,   n, i) {
		gsub(/\\\|/, "\001", line)
		n = split(line, c, "|")
		for (i = 2; i < n; i++) {
			gsub(/\001/, "|", c[i]); gsub(/`/, "", c[i])
			gsub(/^ +| +$/, "", c[i]); c[i] = dbl(c[i])
			sub(/^--part ×8: /, "part×8: ", c[i]); sub(/^machine check: /, "", c[i])
			cell[i - 1] = c[i]
		}
		return n - 2
	}
	# Backslashes doubled: gnuplot reads \n, \0 in data strings as escapes.
	function dbl(s,   p, k, i, out) {
		k = split(s, p, /\\/); out = p[1]
		for (i = 2; i <= k; i++) out = out "\\\\" p[i]
		return out
	}
	function short(s) {
		sub(/ +> *\/dev\/null$/, "", s); sub(/ +> *(out|DIR)[^ ]*$/, "", s)
		gsub(/ F( |$)/, " ", s); gsub(/ +$/, "", s)
		return s
	}
	function num(s) { return s ~ /^[0-9]+(\.[0-9]+)?$/ }
	/^## / { sec = $0; tab = 0; next }
	/^\| *--- / { next }
	/^\|/ {
		n = cells($0)
		if (!tab) { tab = 1; header = cell[1]; seen[sec]++; next }
		if (seen[sec] > 1) next              # first table of a section only
		if (sec == "" && header == "command" && num(cell[2]))
			printf "%s\t%s\t%d\n", short(cell[1]), cell[2], (cell[1] ~ /sg-/) ? 1 : 2 > (dir "/run.tsv")
		else if (sec == "## Codecs" && cell[1] == "text" && num(cell[3]))
			printf "%s\t%s\t%d\n", short(cell[2]), cell[3], (cell[4] == "peer") ? 2 : 1 > (dir "/codec.tsv")
		else if (sec == "## Strategies" && header == "case" && num(cell[3]) && num(cell[5]))
			printf "%s (%s)%s\t%s\t%s\n", cell[1], cell[2],
			    (cell[1] ~ / vs /) ? "" : "\\nvs " short(cell[4]), cell[3], cell[5] > (dir "/strat.tsv")
		next
	}
	{ tab = 0 }' "$RESULTS"
}

plot_throughput() {
	local panels=0 f gp=$TMP/throughput.gp
	[[ -f $RESULTS ]] || { say "no $RESULTS: throughput.png skipped (run bench/run.sh)"; return 0; }
	parse_results
	for f in run codec strat; do [[ -s $TMP/$f.tsv ]] && panels=$((panels + 1)); done
	((panels > 0)) || { say "no throughput tables in $RESULTS: throughput.png skipped"; return 0; }
	cat >"$gp" <<-EOF
		set terminal $TERM_PNG size 1600,$((panels * 520 + 60))
		set output '$OUT/throughput.png'
		set datafile separator "\t"
		set multiplot layout $panels,1 title "sg throughput against its peers (MB/s, median; from bench/results.md; shared machine: compare within a panel)"
		set style fill solid 0.85 border -1
		set boxwidth 0.7
		set grid ytics
		set ylabel "MB/s"
		set yrange [0:*]
		set xtics rotate by 25 right nomirror
		set key top left
		set bmargin 9
		set lmargin 10
	EOF
	if [[ -s $TMP/run.tsv ]]; then
		cat >>"$gp" <<-EOF
			set title "sg-chunk against cat and split (bench/run.sh)"
			plot '$TMP/run.tsv' using 0:2:(0.7):(\$3 == 1 ? 0x1f77b4 : 0x9a9a9a):xtic(1) with boxes lc rgb variable notitle, \
			     '' using 0:2:(sprintf("%d", \$2)) with labels offset 0,0.8 notitle, \
			     NaN with boxes lc rgb "#1f77b4" title "sg", NaN with boxes lc rgb "#9a9a9a" title "peer"
		EOF
	fi
	if [[ -s $TMP/codec.tsv ]]; then
		cat >>"$gp" <<-EOF
			set title "sg-encode / sg-decode against zstd and lz4, text input (bench/codec.sh)"
			plot '$TMP/codec.tsv' using 0:2:(0.7):(\$3 == 1 ? 0x2ca02c : 0x9a9a9a):xtic(1) with boxes lc rgb variable notitle, \
			     '' using 0:2:(sprintf("%d", \$2)) with labels offset 0,0.8 notitle, \
			     NaN with boxes lc rgb "#2ca02c" title "sg", NaN with boxes lc rgb "#9a9a9a" title "peer"
		EOF
	fi
	if [[ -s $TMP/strat.tsv ]]; then
		cat >>"$gp" <<-EOF
			set title "sg-chunk strategies and --part, each against its peer in the same run (bench/strategies.sh)"
			set style data histograms
			set style histogram clustered gap 1
			set boxwidth 0.9 relative
			set bmargin 11
			plot '$TMP/strat.tsv' using 2:xtic(1) lc rgb "#ff7f0e" title "sg", \
			     '' using 3 lc rgb "#9a9a9a" title "peer (named under the bar)", \
			     '' using (\$0 - 0.15):2:(sprintf("%d", \$2)) with labels offset 0,0.8 notitle, \
			     '' using (\$0 + 0.15):3:(sprintf("%d", \$3)) with labels offset 0,0.8 notitle
		EOF
	fi
	echo "unset multiplot" >>"$gp"
	gnuplot "$gp" || die "gnuplot failed on $gp"
	say "wrote $OUT/throughput.png ($panels panel(s))"
}

# ---------------------------------------------------------------- RSS

plot_rss() {
	[[ -f $DAT ]] || { say "no $DAT: rss.png skipped (run bench/rss.sh)"; return 0; }
	grep -qv '^#' "$DAT" || { say "$DAT has no data: rss.png skipped"; return 0; }
	gnuplot <<-EOF || die "gnuplot failed on $DAT"
		set terminal $TERM_PNG size 900,560
		set output '$OUT/rss.png'
		set title "sg peak RSS against input size (bench/rss.sh: gen N | sg-chunk | sg-encode -T2 | sg-decode -T2)"
		set logscale x 2
		set xlabel "input size (MiB, log2)"
		set ylabel "peak RSS (MiB, GNU time %M)"
		set yrange [0:*]
		set xrange [*:*]
		set offsets graph 0.05, graph 0.05, graph 0.15, 0
		set grid
		set key top left
		set xtics nomirror
		plot '$DAT' using (\$1 / 1048576):(\$3 / 1024):xtic(2) with linespoints lw 2 pt 7 title "sg-chunk -s lines", \
		     '' using (\$1 / 1048576):(\$4 / 1024) with linespoints lw 2 pt 5 title "sg-encode -T2 (zstd -3)", \
		     '' using (\$1 / 1048576):(\$5 / 1024) with linespoints lw 2 pt 9 title "sg-decode -T2"
	EOF
	say "wrote $OUT/rss.png"
}

plot_throughput
plot_rss
