#!/bin/sh
# make demo: a real pipeline on generated data, start to finish.
# Generates a log with multi-byte text, cuts it into frames, lists them,
# decodes them back byte for byte, compresses them (read back by stock
# zstd), shows them as NDJSON, and shows what corruption looks like.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/sg-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"

# Bold commands on a terminal, plain text in logs.
if [ -t 1 ]; then
	say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
else
	say() { printf '\n$ %s\n' "$*"; }
fi

# About 64 MiB of log lines in several scripts, with 4-byte emoji.
awk 'BEGIN {
	split("ok warn error débâcle Ærøskøbing 東京 Москва 🚀 café naïve", w, " ")
	for (i = 0; i < 700000; i++)
		printf "2026-11-21T07:%02d:%02d level=%s msg=\"%s %s\" n=%d\n",
		    (i / 60) % 60, i % 60, w[i % 3 + 1], w[i % 11 + 1], w[(i * 7) % 11 + 1], i
}' > app.log
printf 'no final newline: 末尾' >> app.log
ls -l app.log

say "sg-chunk -s lines -b 4M app.log > app.sg"
sg-chunk -s lines -b 4M app.log > app.sg
ls -l app.sg

say "sg-decode --list app.sg | jq -c 'select(.type != \"data\")'"
sg-decode --list app.sg | jq -c 'select(.type != "data")'

say "sg-decode --list app.sg | jq -s '[.[] | select(.type == \"data\") | .size] | {chunks: length, largest: max}'"
sg-decode --list app.sg | jq -s -c '[.[] | select(.type == "data") | .size] | {chunks: length, largest: max}'

say "sg-decode app.sg | cmp - app.log && echo identical"
sg-decode app.sg | cmp - app.log && echo identical

say "sg-chunk -s utf8 -b 1K app.log | sg-decode | sha256sum; sha256sum < app.log"
sg-chunk -s utf8 -b 1K app.log | sg-decode | sha256sum
sha256sum < app.log

say "cat app.sg app.sg | sg-decode | wc -c   # concatenated streams decode like one"
cat app.sg app.sg | sg-decode | wc -c

say "sg-chunk -b 1M app.log | sg-encode -T0 > app.zst.sg   # zstd, each chunk on its own, every CPU"
sg-chunk -b 1M app.log | sg-encode -T0 > app.zst.sg
ls -l app.zst.sg
say "zstd -dc app.zst.sg | cmp - app.log && echo stock zstd reads it"
zstd -dc app.zst.sg | cmp - app.log && echo stock zstd reads it
say "sg-decode -T0 app.zst.sg | cmp - app.log && echo identical"
sg-decode -T0 app.zst.sg | cmp - app.log && echo identical
say "sg-chunk -n 2 app.log | sg-encode --json | jq -c 'select(.type == \"data\") | {seq, offset, text}' | head -n 2"
sg-chunk -n 2 app.log | sg-encode --json | jq -c 'select(.type == "data") | {seq, offset, text}' | head -n 2
say "gzip -1 -k app.log && sg-chunk app.log.gz | sg-progress --label gz | sg-decode | cmp - app.log && echo identical"
gzip -1 -k -f app.log
sg-chunk app.log.gz | sg-progress --label gz | sg-decode | cmp - app.log && echo identical

say "mkdir -p docs && split -n 4 app.log docs/part- && tar -czf docs.tar.gz docs   # an archive of four files"
mkdir -p docs && split -n 4 app.log docs/part- && tar -czf docs.tar.gz docs
say "sg-chunk docs.tar.gz | sg-encode | sg-decode --extract out && diff -r docs out/docs && echo same tree"
rm -rf out
sg-chunk docs.tar.gz | sg-encode | sg-decode --extract out && diff -r docs out/docs && echo same tree

say "sg-chunk -b 8M app.log.gz | sg-decode --split pieces -0 | xargs -0 -P2 -n1 wc -l | sort -k2 | head -n 3   # fan-out"
rm -rf pieces
sg-chunk -b 8M app.log.gz | sg-decode --split pieces -0 | xargs -0 -P2 -n1 wc -l | sort -k2 | head -n 3

say "sg-chunk --resume job.ckpt app.log.gz | sg-encode | sg-resume job.ckpt -o job.sg   # killed after 1.5 s"
rm -f job.ckpt job.sg
( sg-chunk --resume job.ckpt app.log.gz | pv -qL 20M | sg-encode | sg-resume job.ckpt -o job.sg ) 2>/dev/null &
sleep 1.5
pkill -KILL -P $! -x sg-resume || true
wait || true
say "sg-resume status job.ckpt"
sg-resume status job.ckpt
say "until sg-chunk --resume job.ckpt app.log.gz | sg-encode | sg-resume job.ckpt -o job.sg; do sleep 1; done"
until sg-chunk --resume job.ckpt app.log.gz | sg-encode | sg-resume job.ckpt -o job.sg; do sleep 1; done
say "sg-decode job.sg | cmp - app.log && echo identical after the crash"
sg-decode job.sg | cmp - app.log && echo identical after the crash

say "flip one byte in the middle of app.sg, then decode it"
size=$(wc -c < app.sg)
printf 'X' | dd of=app.sg bs=1 seek=$((size / 2)) conv=notrunc status=none
if sg-decode app.sg > partial.log 2> error.txt; then
	echo "corruption went unnoticed" >&2
	exit 1
else
	status=$?
	cat error.txt
	echo "exit status $status (65 = bad input data); the $(wc -c < partial.log) bytes verified before the bad frame were written"
fi
echo
echo "demo done: every step above ran on $(wc -c < app.log) bytes of generated text."
