#!/usr/bin/env bats
# Guarantee 4, live: an SSE event written by a server reaches the end of
#   curl -sN URL | sg-chunk -s sse -n 1 | sg-encode --json | reader
# within milliseconds, not when a buffer fills. The one timing assertion of
# the suite: the MEDIAN latency over 40 events (one every 50 ms), so a
# single slow scheduling does not fail it. Under the sanitizers (which slow
# every tool) the bound is relaxed.

load test_helper

EVENTS=40
if [ -n "${SG_SANITIZED:-}" ]; then
	MEDIAN_LIMIT_MS=50
else
	MEDIAN_LIMIT_MS=10
fi

setup() {
	sg_setup
	command -v curl >/dev/null || skip "no curl (scripts/install-deps.sh installs it)"
	python3 "$BATS_TEST_DIRNAME/fixtures/sse_server.py" "$BATS_TEST_TMPDIR/port" "$EVENTS" 50 \
	    </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/server.err" 3>&- &
	SERVER_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$BATS_TEST_TMPDIR/port" ] && break
		sleep 0.05
	done
	[ -s "$BATS_TEST_TMPDIR/port" ] ||
		{ fail "the SSE server did not start: $(cat "$BATS_TEST_TMPDIR/server.err")"; return 1; }
	PORT=$(cat "$BATS_TEST_TMPDIR/port")
	# The interpreter itself, not a wrapper script (pyenv shims start slowly).
	PYTHON=$(python3 -c 'import sys; print(sys.executable)')
}

teardown() {
	if [ -n "${SERVER_PID:-}" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
}

# Reads `sg-encode --json` lines on stdin and stamps each on arrival; for
# each DATA frame that holds an event with {"k", "t"}, prints "k latency_ns"
# (arrival - send). Other DATA frames (the keep-alive comment, [DONE]) are
# printed as "- text".
READER='
import json, sys, time
for line in sys.stdin.buffer:
    now = time.time_ns()
    o = json.loads(line)
    if o.get("type") != "data":
        continue
    text = o.get("text", "")
    ev = None
    for l in text.splitlines():
        if l.startswith("data: {"):
            ev = json.loads(l[len("data: "):])
    if ev is None:
        print("-", json.dumps(text), flush=True)
    else:
        print(ev["k"], now - ev["t"], json.dumps(text), flush=True)
'

@test "live: SSE events from a server pass curl | sg-chunk -s sse -n 1 | sg-encode --json within ${MEDIAN_LIMIT_MS} ms (median), each once, in order" {
	local st
	curl -sN "http://127.0.0.1:$PORT/" 2>curl.err |
	    sg-chunk -s sse -n 1 2>chunk.err |
	    sg-encode --json 2>encode.err |
	    "$PYTHON" -c "$READER" >arrivals 2>reader.err &&
	    st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[*]}" = "0 0 0 0" ] ||
		fail "$(printf 'exit: curl %s, sg-chunk %s, sg-encode %s, reader %s\n%s\n%s\n%s\n%s' "${st[@]}" \
		    "$(cat curl.err)" "$(cat chunk.err)" "$(cat encode.err)" "$(cat reader.err)")"
	[ ! -s chunk.err ] && [ ! -s encode.err ] || fail "stderr: $(cat chunk.err encode.err)"
	python3 - arrivals "$EVENTS" "$MEDIAN_LIMIT_MS" <<-'PY' >&2 || fail "see the figures above"
	import statistics, sys
	rows = [l.split(" ", 2) for l in open(sys.argv[1]).read().splitlines()]
	n, limit = int(sys.argv[2]), float(sys.argv[3])
	ev = [(int(k), int(ns) / 1e6) for k, ns, _ in (r for r in rows if r[0] != "-")]
	other = [" ".join(r[1:]) for r in rows if r[0] == "-"]
	ks = [k for k, _ in ev]
	lat = [ms for _, ms in ev]
	ok = True
	print("events (k: latency ms):", " ".join("%d:%.2f" % e for e in ev))
	print("other frames:", other)
	if ks != list(range(n)):
	    print("FAIL: events arrived as %s, want 0..%d each once, in order" % (ks, n - 1))
	    ok = False
	if other != ['": keep-alive\\n\\n"', '"data: [DONE]\\n\\n"']:
	    print("FAIL: the keep-alive and [DONE] frames are %s" % other)
	    ok = False
	if lat:
	    med = statistics.median(lat)
	    print("latency ms: median %.2f, min %.2f, max %.2f, p90 %.2f (limit: median < %g)"
	          % (med, min(lat), max(lat), sorted(lat)[int(len(lat) * 0.9)], limit))
	    if med >= limit:
	        print("FAIL: median latency %.2f ms, limit %g ms" % (med, limit))
	        ok = False
	sys.exit(0 if ok else 1)
	PY
}

@test "live: --until-done ends the pipeline at [DONE] though the server's stream stays open" {
	local st pid
	# The server closes after [DONE]; here the producer stays open after it.
	mkfifo fifo
	{ curl -sN "http://127.0.0.1:$PORT/"; exec sleep 30; } >fifo 3>&- &
	pid=$!
	timeout 20 sg-chunk -s sse -n 1 --until-done <fifo 2>chunk.err >out.sg && st=0 || st=$?
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	[ "$st" -eq 0 ] || fail "sg-chunk exit $st: $(cat chunk.err)"
	[ ! -s chunk.err ] || fail "stderr: $(cat chunk.err)"
	sg-decode out.sg | tail -c 14 | cmp - <(printf 'data: [DONE]\n\n')
	[ "$(sg-decode out.sg | grep -c '^data: {')" -eq "$EVENTS" ]
}
