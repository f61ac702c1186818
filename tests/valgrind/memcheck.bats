#!/usr/bin/env bats
# The tools under valgrind memcheck on small inputs: no invalid access, no
# use of uninitialised memory, no definite or indirect leak, with every
# codec, both outputs of sg-encode, every output of sg-decode, NDJSON
# input, and the error paths that stop mid-stream. (ASan covers the full
# CLI suite; memcheck also sees uninitialised reads, which ASan does not.)

load ../cli/test_helper

# valgrind exits 99 on any error or leak; otherwise the tool's own status.
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect \
	    --show-leak-kinds=definite,indirect "$@"
}

setup() {
	sg_setup
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	gen_text text 3000
	random_bytes 100000 7 >bin
	sg-chunk -b 16K text bin >in.sg
}

@test "memcheck: sg-chunk, every strategy" {
	local s
	for s in lines utf8 bytes paragraph json csv sse; do
		run vg sg-chunk -s "$s" -b 4K text bin
		assert_success
	done
	run vg sg-chunk -d '\0' -n 3 text bin
	assert_success
	run vg sg-chunk -s cdc --avg 4K text bin
	assert_success
}

@test "memcheck: sg-chunk's context, validation and part options" {
	printf 'id,note\n1,"a\nb"\n2,c\n3,"d,e"\n' >t.csv
	run vg sg-chunk -s csv --header -b 24 t.csv
	assert_success
	run vg sg-chunk -s paragraph -b 64 --overlap 16 text
	assert_success
	printf '{"a":[1,2]}\n{"b":"x\\"y"}\n' >ok.json
	run vg sg-chunk -s json --validate ok.json
	assert_success
	printf '{"a":1}\n{"b":[1,}\n' >bad.json
	run vg sg-chunk -s json --validate bad.json
	[ "$status" -eq 65 ] || fail "--validate: exit $status"
	printf '[1,2,3,4]' >arr.json
	run vg sg-chunk -s json --array -n 1 arr.json
	assert_success
	printf 'data: a\n\ndata: [DONE]\n\ndata: late\n\n' >s.sse
	run vg sg-chunk -s sse --until-done s.sse
	assert_success
	run vg sg-chunk --part 2/3 text
	assert_success
}

@test "memcheck: sg-encode, every codec, and --json" {
	local c
	for c in zstd lz4 none auto; do
		vg sg-encode -c "$c" -T2 in.sg >"o.$c" || fail "sg-encode -c $c: exit $?"
		sg-decode "o.$c" | cmp - <(cat text bin) || fail "sg-encode -c $c: output differs"
	done
	vg sg-encode --json -T2 in.sg >o.json || fail "sg-encode --json: exit $?"
	sg-decode o.json | cmp - <(cat text bin)
}

@test "memcheck: sg-decode, every codec and output, NDJSON input" {
	local c
	for c in zstd lz4 auto; do
		sg-encode -c "$c" in.sg >"o.$c"
		vg sg-decode -T2 "o.$c" >out || fail "sg-decode of $c: exit $?"
		cmp out <(cat text bin)
	done
	vg sg-decode --list o.zstd >/dev/null || fail "--list: exit $?"
	vg sg-decode --frames o.lz4 >frames || fail "--frames: exit $?"
	sg-decode frames | cmp - <(cat text bin)
	sg-encode --json in.sg >o.json
	vg sg-decode o.json >out || fail "NDJSON: exit $?"
	cmp out <(cat text bin)
}

@test "memcheck: error paths stop cleanly (corrupt payload, truncation, bomb-like size)" {
	local size
	sg-encode -c zstd in.sg >z.sg
	size=$(file_size z.sg)
	flip_bit z.sg bad.sg $((size / 2)) 3
	run vg sg-decode -T2 bad.sg
	assert_failure 65
	run vg sg-encode -c lz4 bad.sg
	assert_failure 65
	head -c $((size - 100)) z.sg >cut.sg
	run vg sg-decode cut.sg
	assert_failure 65
	# A zstd frame that decodes to more than its header says.
	head -c 1000000 /dev/zero | zstd -q -c >zeros.zst
	mk_frame big.fr type=2 codec=1 seq=1 offset=0 size=1000 payload=zeros.zst \
	    stored="$(file_size zeros.zst)" payload_sum=0
	split_frames in.sg fr >/dev/null
	cat fr.0 big.fr >bomb.sg
	run vg sg-decode bomb.sg
	assert_failure 65
}

@test "memcheck: sg-chunk on compressed files, archives and a truncated archive" {
	mkdir -p tree/sub
	cp text tree/a.txt
	cp bin tree/sub/b.bin
	: >tree/empty
	tar -cf t.tar tree
	gzip -k t.tar
	xz -k text
	run vg sg-chunk t.tar.gz text.xz
	assert_success
	cat t.tar.gz | vg sg-chunk >pipe.sg
	sg-decode pipe.sg | cmp - t.tar.gz >/dev/null 2>&1 && fail "the pipe was not read as an archive"
	head -c 60000 t.tar >cut.tar
	run vg sg-chunk cut.tar
	[ "$status" -eq 65 ] || fail "truncated tar: exit $status"
}

@test "memcheck: sg-decode --tar, --extract, --split and --exec" {
	mkdir -p tree
	cp text tree/a.txt
	cp bin tree/b.bin
	tar -cf t.tar tree
	sg-chunk -b 16K t.tar >t.sg
	vg sg-decode --tar t.sg >out.tar
	[ "$(tar -tf out.tar | wc -l)" -eq 2 ] || fail "--tar: $(tar -tf out.tar)"
	run vg sg-decode --extract out t.sg
	assert_success
	cmp out/tree/a.txt text
	run vg sg-decode --split parts -0 in.sg
	assert_success
	run vg sg-decode --exec 'cat >/dev/null' in.sg
	assert_success
	run vg sg-decode --exec 'exit 3' in.sg
	[ "$status" -eq 3 ] || fail "--exec 'exit 3': exit $status"
}

@test "memcheck: sg-progress on raw bytes, frames, events and a bad frame" {
	vg sg-progress --json --interval 0.05 text bin >out 2>ev
	cat text bin | cmp - out
	[ "$(tail -n 1 ev | jq .done)" = true ] || fail "no final event: $(tail -n 1 ev)"
	vg sg-progress in.sg 2>log | cmp - in.sg
	grep -q 'frames' log || fail "no frame count: $(cat log)"
	cp in.sg bad.sg
	printf 'garbage' >>bad.sg
	run vg sg-progress bad.sg
	[ "$status" -eq 65 ] || fail "a bad frame: exit $status"
}

@test "memcheck: sg-chunk --resume and sg-resume: interrupted, torn, resumed, refused, status" {
	# An interrupted job: the frames stop part way.
	sg-chunk --resume job.ckpt -b 4K text | head -c 30000 >cut.sg
	run vg sg-resume job.ckpt -o out.sg <cut.sg
	[ "$status" -eq 75 ] || fail "interrupted: exit $status"
	printf 'torn' >>out.sg
	# Resumed: replayed, checked, appended (framed, then --raw on its own job).
	sg-chunk --resume job.ckpt -b 4K text >rest.sg
	run vg sg-chunk --resume job.ckpt -b 4K text
	assert_success
	run vg sg-resume job.ckpt -o out.sg <rest.sg
	assert_success
	sg-decode out.sg | cmp - text
	sg-chunk --resume raw.ckpt -b 4K text | sg-encode -c lz4 >lz4.sg
	run vg sg-resume --raw raw.ckpt -o out.raw <lz4.sg
	assert_success
	cmp out.raw text
	# Refused: changed options; a frame past the checkpoint's position.
	run vg sg-chunk --resume job.ckpt -b 8K text
	[ "$status" -eq 75 ] || fail "changed -b: exit $status"
	sg-chunk --resume gap.ckpt -b 4K text | head -c 20000 >g.sg
	vg sg-resume gap.ckpt -o gap.sg <g.sg 2>/dev/null || true
	run vg sg-resume gap.ckpt -o gap.sg <in.sg
	[ "$status" -eq 75 ] || fail "a gap: exit $status"
	run vg sg-resume status job.ckpt
	assert_success
	run vg sg-resume status --json gap.ckpt
	assert_success
}
