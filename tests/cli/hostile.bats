#!/usr/bin/env bats
# Hostile inputs: each ends in a clear error or a bounded, documented
# result; never a crash, a hang or growing memory. Peak RSS is checked with
# GNU time (not under the sanitizers, whose allocators cost more).

load test_helper

setup() { sg_setup; }

RSS_LIMIT_KB=100000   # 100 MB: a few 64 MiB-limited frames at most

# rss_ok FILE: the peak RSS in KiB that GNU time wrote to FILE is under the
# limit (skipped under the sanitizers).
rss_ok() {
	local kb
	[ -n "${SG_SANITIZED:-}" ] && return 0
	kb=$(tail -n 1 "$1")
	[[ $kb =~ ^[0-9]+$ ]] || { fail "no RSS figure in $1: $(cat "$1")"; return 1; }
	((kb < RSS_LIMIT_KB)) || { fail "peak RSS $kb KiB (limit $RSS_LIMIT_KB) in $1"; return 1; }
}

@test "a header declaring a 4 GiB payload: 65 at once, nothing allocated" {
	mk_frame big.fr type=2 seq=1 size=0xFFFFFFFF stored=0xFFFFFFFF
	sg-chunk /dev/null >empty.sg
	split_frames empty.sg fr >/dev/null
	cat fr.0 big.fr >big.sg
	run --separate-stderr /usr/bin/time -f %M -o rss sg-decode big.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: big.sg: frame 1 at offset $(file_size fr.0): payload size 4294967295 exceeds the limit"
	rss_ok rss
	run --separate-stderr /usr/bin/time -f %M -o rss sg-encode big.sg
	assert_failure 65
	rss_ok rss
}

@test "a header declaring a 4 GiB frame, or a 64 KiB header: 65 at once" {
	local at
	sg-chunk /dev/null >empty.sg
	split_frames empty.sg fr >/dev/null
	at=$(file_size fr.0)
	mk_frame a.fr type=2 seq=1 frame_size=0xFFFFFFFF
	cat fr.0 a.fr >a.sg
	run --separate-stderr /usr/bin/time -f %M -o rss sg-decode a.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: a.sg: frame 1 at offset $at: skippable frame size 4294967295 does not match"
	rss_ok rss
	mk_frame b.fr type=2 seq=1 hdr_len=0xFFFF
	cat fr.0 b.fr >b.sg
	run --separate-stderr sg-decode b.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: b.sg: frame 1 at offset $at: header length 65535 out of range"
}

@test "a stream of PROGRESS frames only: 65, not a silent success" {
	local i
	# consumed = 4096, as an 8-byte little-endian value under tag 32.
	printf '\040\000\010\000\000\020\000\000\000\000\000\000' >meta
	mk_frame p.fr type=4 seq=0 payload=meta
	for ((i = 0; i < 1000; i++)); do cat p.fr; done >p.sg
	run --separate-stderr /usr/bin/time -f %M -o rss sg-decode p.sg
	assert_failure 65
	assert_one_stderr_line "^sg-decode: p.sg: frame 1000 at offset [0-9]+: no source in the input"
	rss_ok rss
}

@test "a million empty sources (concatenated streams): exact, bounded" {
	local n=1000000 k
	[ -n "${SG_SANITIZED:-}" ] && n=100000
	sg-chunk /dev/null >one.sg
	for ((k = 0; k < 1000; k++)); do cat one.sg; done >thousand.sg
	for ((k = 0; k < n / 1000; k++)); do cat thousand.sg; done |
		/usr/bin/time -f %M -o rss sg-decode >out 2>err
	[ ! -s out ] || fail "output from empty sources: $(wc -c <out) bytes"
	[ ! -s err ] || fail "stderr: $(head -n 3 err)"
	rss_ok rss
	sg-decode --list thousand.sg | jq -s 'map(select(.type == "begin")) | length' >count
	[ "$(cat count)" = 1000 ]
}

@test "a 1 GiB single line under every strategy: exact, bounded" {
	local size=$((1 << 30)) s want
	[ -n "${SG_SANITIZED:-}" ] && size=$((64 << 20))
	want=$(head -c "$size" /dev/zero | tr '\0' 'a' | cksum)
	for s in lines utf8 bytes paragraph json csv sse delim cdc; do
		local opt=()
		[ "$s" = delim ] && opt=(-d '\0')
		head -c "$size" /dev/zero | tr '\0' 'a' |
			/usr/bin/time -f %M -o "rss.chunk.$s" sg-chunk -s "$s" "${opt[@]}" |
			/usr/bin/time -f %M -o "rss.decode.$s" sg-decode | cksum >got
		[ "$(cat got)" = "$want" ] || fail "-s $s: the line did not come back exactly"
		rss_ok "rss.chunk.$s"
		rss_ok "rss.decode.$s"
	done
}

@test "a million nested [ under -s json: no crash, no recursion, bounded" {
	python3 -c 'import sys; sys.stdout.write("[" * 1000000)' >deep.json
	/usr/bin/time -f %M -o rss.chunk sg-chunk -s json deep.json >deep.sg
	rss_ok rss.chunk
	sg-decode deep.sg | cmp - deep.json
	# --validate: an unterminated value, refused with its record and offset.
	run --separate-stderr /usr/bin/time -f %M -o rss.val sg-chunk -s json --validate deep.json
	[ "$status" -eq 65 ] || fail "--validate exit $status: $stderr"
	[[ $stderr == *"record 1"* ]] || fail "no record number in: $stderr"
	rss_ok rss.val
	# Closed again: valid (within the 1048576 levels --validate follows),
	# and still bounded.
	python3 -c 'import sys; sys.stdout.write("[" * 1000000 + "]" * 1000000 + "\n")' >deep2.json
	run --separate-stderr /usr/bin/time -f %M -o rss.val2 sg-chunk -s json --validate -b 4M deep2.json
	rss_ok rss.val2
	[ "$status" -eq 0 ] || fail "exit $status: $stderr"
}

@test "a 1 GiB top-level JSON array: cut between elements, exact, bounded" {
	local size=$((1 << 30)) want
	[ -n "${SG_SANITIZED:-}" ] && size=$((64 << 20))
	# Elements of 18 bytes after the '[': every cut must fall at 1 + 18k.
	gen() { printf '['; yes '{"k":"v","n":123},' | tr -d '\n' | head -c "$size"; printf '{}]\n'; }
	want=$(gen | cksum)
	gen | /usr/bin/time -f %M -o rss.chunk sg-chunk -s json -b 1M >arr.sg
	rss_ok rss.chunk
	sg-decode arr.sg | cksum >got
	[ "$(cat got)" = "$want" ] || fail "the array did not come back exactly"
	sg-decode -l arr.sg | jq -r 'select(.type=="data") | [.offset, (.flags | index("array") != null), (.flags | index("oversize") != null)] | @tsv' >cuts
	[ "$(wc -l <cuts)" -ge $((size >> 20)) ] || fail "only $(wc -l <cuts) chunks"
	awk -F'\t' '$1 > 0 && ($1 - 1) % 18 != 0 { print "cut inside an element at " $1; bad = 1 }
		$2 != "true" { print "no array flag at " $1; bad = 1 }
		$3 == "true" { print "oversize at " $1; bad = 1 }
		END { exit bad }' cuts || fail "$(head -5 cuts)"
}

@test "a 1 GiB CSV with an unterminated quote: exact, bounded, flagged oversize" {
	local size=$((1 << 30)) want
	[ -n "${SG_SANITIZED:-}" ] && size=$((64 << 20))
	gen() { printf 'a,b\n1,"never closed\n'; head -c "$size" /dev/zero | tr '\0' 'x'; }
	want=$(gen | cksum)
	gen | /usr/bin/time -f %M -o rss.chunk sg-chunk -s csv -b 1M | tee >(sg-decode -l |
		jq -r 'select(.type=="data") | (.flags | index("oversize") != null)' |
		sort | uniq -c >flags) | /usr/bin/time -f %M -o rss.decode sg-decode | cksum >got
	[ "$(cat got)" = "$want" ] || fail "the CSV did not come back exactly"
	rss_ok rss.chunk
	rss_ok rss.decode
	grep -q ' true$' flags || fail "no oversize flag: $(cat flags)"
}

@test "a 100 MiB SSE line: exact, bounded" {
	local size=$((100 << 20)) want
	[ -n "${SG_SANITIZED:-}" ] && size=$((16 << 20))
	gen() { printf 'data: '; head -c "$size" /dev/zero | tr '\0' 'x'; printf '\n\ndata: after\n\n'; }
	want=$(gen | cksum)
	gen | /usr/bin/time -f %M -o rss.chunk sg-chunk -s sse -n 1 |
		/usr/bin/time -f %M -o rss.decode sg-decode | cksum >got
	[ "$(cat got)" = "$want" ] || fail "the stream did not come back exactly"
	rss_ok rss.chunk
	rss_ok rss.decode
	# --oversize=error names the offset instead.
	run --separate-stderr sg-chunk -s sse --oversize=error < <(gen)
	[ "$status" -eq 65 ] || fail "exit $status"
	[[ $stderr == *"offset 0"* ]] || fail "stderr: $stderr"
}

# Endless input for 10 s through the whole suite; timeout ends it (124).
endless() {
	local src=$1 s
	for s in lines utf8 bytes; do
		(
			/usr/bin/time -f %M -o "rss.$s" timeout 10 sg-chunk -s "$s" "$src" |
				sg-encode -c auto -T2 | /usr/bin/time -f %M -o "rss.dec.$s" sg-decode -T2 |
				wc -c >"bytes.$s"
		) 2>"err.$s" &
	done
	wait
	for s in lines utf8 bytes; do
		[ "$(cat "bytes.$s")" -gt 1000000 ] || fail "$src -s $s: only $(cat "bytes.$s") bytes in 10 s"
		rss_ok "rss.$s"
		rss_ok "rss.dec.$s"
	done
}

# bats test_tags=slow
@test "/dev/zero for 10 s: streams, bounded, stops on a signal" {
	endless /dev/zero
}

# bats test_tags=slow
@test "/dev/urandom for 10 s: streams, bounded, stops on a signal" {
	endless /dev/urandom
}

@test "stopped and continued many times (SIGSTOP/SIGCONT, EINTR): still exact" {
	local pids p i
	gen_text big 200000
	sg-chunk -b 64K big | sg-encode -T2 | sg-decode -T2 >out 2>err &
	for ((i = 0; i < 20; i++)); do
		sleep 0.05
		pids=$(pgrep -d ' ' -P "$BASHPID" -x 'sg-chunk|sg-encode|sg-decode' || true)
		for p in $pids; do kill -STOP "$p" 2>/dev/null || true; done
		sleep 0.02
		for p in $pids; do kill -CONT "$p" 2>/dev/null || true; done
	done
	wait
	cmp out big
	[ ! -s err ]
}
