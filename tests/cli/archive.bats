#!/usr/bin/env bats
# sg-chunk's inputs through libarchive: compressed files and pipes, PROGRESS
# frames, archives as one source per regular entry, round trips of a tree
# through tar, zip and 7z, --raw and --no-decompress, inputs that only look
# like archives, truncated and hostile archives, and a tar of many entries.

load test_helper

if [ -n "${SG_SANITIZED:-}" ]; then
	TREE_BIG=$((1 << 20))
else
	TREE_BIG=$((3 << 20))
fi
RSS_LIMIT_KB=32768 # 32 MiB

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	# x: 589 KB of lines; its bzip2 and lz4 first blocks are larger than
	# the 64 KiB sg-chunk probes on a pipe.
	seq 1 100000 >x
	gzip -c x >x.gz
	bzip2 -c x >x.bz2
	xz -c x >x.xz
	zstd -q -c x >x.zst
	lz4 -q -c x >x.lz4
	compress -c x >x.Z
	xz --format=lzma -c x >x.lzma
	# small: every compressed form fits in one read of a pipe.
	seq 1 3000 >small
	gzip -c small >small.gz
	bzip2 -c small >small.bz2
	xz -c small >small.xz
	zstd -q -c small >small.zst
	lz4 -q -c small >small.lz4
	compress -c small >small.Z
	xz --format=lzma -c small >small.lzma
	make_tree tree
	tar -cf tree.tar tree
	tar -czf tree.tar.gz tree
	XZ_OPT=-0 tar -cJf tree.tar.xz tree
	(cd tree && zip -qr ../tree.zip .)
	(cd tree && 7z a -mx=1 -bd -bso0 -bsp0 ../tree.7z . >/dev/null)
}

setup() {
	sg_setup
	IN=$BATS_FILE_TMPDIR
}

# ---------------------------------------------------------------- helpers

# make_tree DIR: unicode names, an empty file, 100 KB of random bytes, a
# file of a few MB, nested directories, a 0755 script; no empty directory
# and no symbolic link.
make_tree() {
	local d=$1
	mkdir -p "$d/déjà" "$d/a/b/c" "$d/ünï cödé"
	printf 'héllo wörld\n文件\n' >"$d/déjà/文件.txt"
	: >"$d/a/empty"
	random_bytes 100000 11 >"$d/a/b/random.bin"
	seq 1 1000000 | head -c "$TREE_BIG" >"$d/a/b/c/big.txt"
	printf 'nested\n' >"$d/a/b/c/nested.txt"
	printf 'space\n' >"$d/ünï cödé/ça va.txt"
	printf '#!/bin/sh\necho hi\n' >"$d/run.sh"
	chmod 0755 "$d/run.sh"
	chmod 0644 "$d/a/b/c/big.txt"
}

# stages_ok 'PIPELINE': runs PIPELINE under bash (stdout to po.out), then
# fails with the exit status of every stage unless all are 0 and nothing
# went to stderr (po.err).
stages_ok() {
	local st
	bash -c "$1"'; echo "${PIPESTATUS[*]}" >po.status' >po.out 2>po.err
	st=$(cat po.status)
	if [[ $st =~ [1-9] ]] || [ -s po.err ]; then
		fail "$(printf '%s\nexit statuses: %s\nstderr:\n%s\nstdout:\n%s' "$1" "$st" \
		    "$(head -c 1000 po.err)" "$(head -c 500 po.out)")"
		return 1
	fi
}

# list_to FILE 'COMMAND': COMMAND | sg-decode -l into FILE; both succeed
# and nothing goes to stderr.
list_to() {
	stages_ok "$2 | sg-decode -l >$1"
}

# iso_mtime FILE: FILE's mtime as BEGIN writes it, 2001-02-03T04:05:06.123456789Z.
iso_mtime() {
	local t
	t=$(stat -c %.9Y "$1")
	printf '%s.%sZ' "$(date -u -d "@${t%.*}" +%Y-%m-%dT%H:%M:%S)" "${t#*.}"
}

# file_mode FILE: the full st_mode in octal, as BEGIN writes it (100644).
file_mode() {
	printf '%o' "0x$(stat -c %f "$1")"
}

# progress_ok LIST TOTAL: LIST has PROGRESS frames with consumed and
# input_total; input_total is TOTAL on every one (a number, or null);
# consumed never decreases, and (when TOTAL is a number) the last one has
# consumed == TOTAL. Prints how many there are.
progress_ok() {
	jq -e -s --argjson t "$2" '
	    [.[] | select(.type == "progress")] as $p
	    | ($p | length) > 0
	    and all($p[]; has("consumed") and has("input_total")
		and (.consumed | type) == "number" and .input_total == $t)
	    and ([$p[].consumed] == ([$p[].consumed] | sort))
	    and ($t == null or $p[-1].consumed == $t)' "$1" >/dev/null ||
		{ fail "$(printf 'PROGRESS frames of %s are wrong (want input_total %s, consumed nondecreasing, the last == input_total):\n%s' \
		    "$1" "$2" "$(jq -c 'select(.type == "progress") | [.consumed, .input_total]' "$1" | head -20)")"; return 1; }
	jq -s '[.[] | select(.type == "progress")] | length' "$1"
}

# ---------------------------------------------------------------- compressed

@test "compressed files (gz bz2 xz zst lz4 Z lzma) decode to the original; BEGIN names it without the suffix" {
	local f
	for f in x.gz x.bz2 x.xz x.zst x.lz4 x.Z x.lzma; do
		cp "$IN/$f" "$f"
		stages_ok "sg-chunk $f | sg-decode | cmp - $IN/x"
		list_to list.ndjson "sg-chunk $f"
		check_list_structure
		run jq -r 'select(.type == "begin") | .name' list.ndjson
		[ "$output" = x ] || fail "$f: BEGIN name '$output', want 'x'"
		run jq -s '[.[] | select(.type == "end")] | .[0].total' list.ndjson
		[ "$output" = "$(file_size "$IN/x")" ] || fail "$f: END total $output"
	done
}

@test "compressed input on stdin (every format, one pipe read's worth) decodes; BEGIN names it '-'" {
	local f
	for f in small.gz small.bz2 small.xz small.zst small.lz4 small.Z small.lzma; do
		stages_ok "cat $IN/$f | sg-chunk | sg-decode | cmp - $IN/small"
		stages_ok "sg-chunk - <$IN/$f | sg-decode | cmp - $IN/small"
		list_to list.ndjson "cat $IN/$f | sg-chunk"
		run jq -r 'select(.type == "begin") | .name' list.ndjson
		[ "$output" = - ] || fail "$f on stdin: BEGIN name '$output', want '-'"
	done
}

@test "compressed input on stdin whose first bzip2 or lz4 block is larger than 64 KiB decodes" {
	local f
	for f in x.gz x.bz2 x.xz x.zst x.lz4 x.Z x.lzma; do
		stages_ok "cat $IN/$f | sg-chunk | sg-decode | cmp - $IN/x"
	done
}

@test "BEGIN of a compressed file: no size, the compressed file's own mtime and mode" {
	cp "$IN/x.gz" y.gz
	touch -d '2001-02-03 04:05:06.123456789' y.gz
	chmod 0640 y.gz
	list_to list.ndjson "sg-chunk y.gz"
	run jq -c 'select(.type == "begin") | [.name, .source_size, .mtime, .mode]' list.ndjson
	assert_output '["y",null,"2001-02-03T04:05:06.123456789Z","100640"]'
	[ "$(iso_mtime y.gz)" = 2001-02-03T04:05:06.123456789Z ] || fail "iso_mtime: $(iso_mtime y.gz)"
	# A plain file, for contrast, has its size.
	list_to plain.ndjson "sg-chunk $IN/x"
	run jq -c 'select(.type == "begin") | [.source_size, .mtime, .mode]' plain.ndjson
	assert_output "[$(file_size "$IN/x"),\"$(iso_mtime "$IN/x")\",\"$(file_mode "$IN/x")\"]"
	# On a pipe: neither size, nor mtime, nor mode.
	list_to pipe.ndjson "cat y.gz | sg-chunk"
	run jq -c 'select(.type == "begin") | [.name, .source_size, .mtime, .mode]' pipe.ndjson
	assert_output '["-",null,null,null]'
}

# ---------------------------------------------------------------- progress

@test "PROGRESS: a compressed file's consumed climbs to input_total, its size; on a pipe input_total is null" {
	local n
	# 3 MiB of random lines, read at about 2 MB/s (1.5 s): a PROGRESS at
	# the start, one a second later, and the last.
	head -c $((9 << 18)) /dev/urandom | base64 >p
	gzip -1 -c p >p.gz
	sg-chunk -b 64K p.gz 2>c.err | python3 -c '
import sys, time
i, o = sys.stdin.buffer, sys.stdout.buffer
while True:
    b = i.read(131072)
    if not b: break
    o.write(b); time.sleep(0.06)' >p.sg
	[ ! -s c.err ] || fail "sg-chunk: $(cat c.err)"
	stages_ok "sg-decode -l p.sg >list.ndjson"
	check_list_structure
	n=$(progress_ok list.ndjson "$(file_size p.gz)")
	[ "$n" -ge 3 ] || fail "only $n PROGRESS frames in a run of about 1.5 s"
	run jq -s '[.[] | select(.type == "progress") | .consumed] | .[0] < .[-1]' list.ndjson
	assert_output true
	stages_ok "sg-decode p.sg | cmp - p"
	# Through a pipe: no total.
	list_to pipe.ndjson "cat $IN/x.gz | sg-chunk"
	progress_ok pipe.ndjson null
	run jq -s '[.[] | select(.type == "progress")][-1].consumed' pipe.ndjson
	assert_output "$(file_size "$IN/x.gz")"
}

@test "PROGRESS: archives (tar, tar.gz, zip) report the archive's bytes; plain files have none" {
	local a
	for a in tree.tar tree.tar.gz tree.zip; do
		sg-chunk "$IN/$a" 2>/dev/null | sg-decode -l >list.ndjson
		progress_ok list.ndjson "$(file_size "$IN/$a")" >/dev/null
	done
	list_to list.ndjson "sg-chunk $IN/x"
	run jq -s '[.[] | select(.type == "progress")] | length' list.ndjson
	assert_output 0
	list_to list.ndjson "cat $IN/x | sg-chunk"
	run jq -s '[.[] | select(.type == "progress")] | length' list.ndjson
	assert_output 0
}

# ---------------------------------------------------------------- archives

@test "a tar: one source per regular entry with name, size, mtime and mode; the rest skipped on one stderr line" {
	python3 - <<'EOF'
import io, tarfile
def f(t, name, data, mode=0o644, mtime=1600000000):
    i = tarfile.TarInfo(name); i.size = len(data); i.mode = mode; i.mtime = mtime
    t.addfile(i, io.BytesIO(data))
def d(t, name):
    i = tarfile.TarInfo(name); i.type = tarfile.DIRTYPE; i.mode = 0o755; t.addfile(i)
with tarfile.open("t.tar", "w", format=tarfile.PAX_FORMAT) as t:
    d(t, "top"); d(t, "top/sub"); d(t, "top/sub/deeper")
    f(t, "top/one.txt", b"one\n", 0o600, 1500000000)
    f(t, "top/sub/two.sh", b"#!/bin/sh\n", 0o755, 1600000001)
    i = tarfile.TarInfo("top/link"); i.type = tarfile.SYMTYPE; i.linkname = "one.txt"; t.addfile(i)
    f(t, "top/sub/deeper/empty", b"")
    f(t, "top/été €.txt", b"unicode\n" * 1000)
EOF
	sg-chunk t.tar >t.sg 2>c.err
	[ "$(cat c.err)" = "sg-chunk: t.tar: skipped what is not a regular file: 3 directories, 1 other entry (links, devices, fifos)" ] ||
		fail "stderr: $(cat c.err)"
	stages_ok "sg-decode -l t.sg >list.ndjson"
	check_list_structure
	run jq -c 'select(.type == "begin") | [.source, .name, .source_size, .mtime, .mode]' list.ndjson
	assert_output - <<'EOF'
[0,"top/one.txt",4,"2017-07-14T02:40:00.000000000Z","100600"]
[1,"top/sub/two.sh",10,"2020-09-13T12:26:41.000000000Z","100755"]
[2,"top/sub/deeper/empty",0,"2020-09-13T12:26:40.000000000Z","100644"]
[3,"top/été €.txt",8000,"2020-09-13T12:26:40.000000000Z","100644"]
EOF
	# Each source's bytes are its entry's.
	stages_ok "sg-decode t.sg | cmp - <(printf 'one\n#!/bin/sh\n'; yes unicode | head -n 1000)"
}

# tree_roundtrip ARCHIVE TOP: sg-chunk ARCHIVE | sg-encode | sg-decode --tar
# | tar -x, and | sg-decode --extract, give the tree (under TOP/ of what
# was extracted; TOP is . for an archive made inside the tree), with its
# modes; sg-chunk reports the skipped directories on one line.
tree_roundtrip() {
	local a=$1 top=$2 o
	cp "$IN/$a" "$a"
	mkdir out
	stages_ok "sg-chunk $a 2>c.err | sg-encode | sg-decode --tar | tar -x -C out"
	[[ $(cat c.err) =~ ^sg-chunk:\ $a:\ skipped\ what\ is\ not\ a\ regular\ file:\ [0-9]+\ directories,\ 0\ other\ entries\ \(links,\ devices,\ fifos\)$ ]] ||
		fail "sg-chunk's stderr: $(cat c.err)"
	stages_ok "sg-chunk $a 2>/dev/null | sg-encode | sg-decode --extract out2"
	for o in out out2; do
		diff -r "$o/$top" "$IN/tree" >diff.out 2>&1 ||
			fail "$(printf '%s: %s differs from the tree:\n%s' "$a" "$o" "$(head -20 diff.out)")"
		[ "$(stat -c %a "$o/$top/run.sh")" = 755 ] ||
			fail "$a: $o/$top/run.sh has mode $(stat -c %a "$o/$top/run.sh"), want 755"
		[ "$(stat -c %a "$o/$top/a/b/c/big.txt")" = 644 ] ||
			fail "$a: $o/$top/a/b/c/big.txt has mode $(stat -c %a "$o/$top/a/b/c/big.txt"), want 644"
	done
	# Nothing beside the tree.
	[ "$(cd out && find . -type f | sort)" = "$(cd "$IN/tree" && find . -type f | sed "s|^\\.|./$top|; s|^\\./\\./|./|" | sort)" ] ||
		fail "$a: extracted files differ from the tree's: $(cd out && find . -type f | sort | head)"
}

@test "round trip of a tree: tar | sg-chunk | sg-encode | sg-decode --tar | tar -x, and --extract" {
	tree_roundtrip tree.tar tree
}

@test "round trip of a tree: tar.gz" {
	tree_roundtrip tree.tar.gz tree
}

@test "round trip of a tree: tar.xz" {
	tree_roundtrip tree.tar.xz tree
}

@test "round trip of a tree: zip (made inside the tree: no top directory)" {
	tree_roundtrip tree.zip .
}

@test "round trip of a tree: 7z (made inside the tree)" {
	tree_roundtrip tree.7z .
}

@test "a 7z on a pipe is refused (it needs seeking): non-zero exit, one line naming (stdin)" {
	run --separate-stderr bash -c "cat '$IN/tree.7z' | sg-chunk"
	assert_failure
	assert_one_stderr_line '^sg-chunk: \(stdin\): .*seek'
	# A zip on a pipe works (streamed), for contrast.
	stages_ok "cat $IN/tree.zip | sg-chunk 2>/dev/null | sg-decode --extract z"
	diff -r z "$IN/tree"
}

# ---------------------------------------------------------------- --raw, --no-decompress

@test "--raw and --no-archive: an archive is one source of its (decompressed) bytes" {
	local opt
	for opt in --raw --no-archive; do
		stages_ok "sg-chunk $opt $IN/tree.tar | sg-decode | cmp - $IN/tree.tar"
		stages_ok "sg-chunk $opt $IN/tree.tar.gz | sg-decode | cmp - <(gzip -dc $IN/tree.tar.gz)"
		stages_ok "sg-chunk $opt $IN/tree.zip | sg-decode | cmp - $IN/tree.zip"
		list_to list.ndjson "sg-chunk $opt $IN/tree.tar"
		run jq -s -c '[.[] | select(.type == "begin") | .name]' list.ndjson
		assert_output "[\"$IN/tree.tar\"]"
	done
}

@test "--no-decompress: a .gz is its compressed bytes" {
	stages_ok "sg-chunk --no-decompress $IN/x.gz | sg-decode | cmp - $IN/x.gz"
	stages_ok "sg-chunk --no-decompress $IN/tree.tar.gz | sg-decode | cmp - $IN/tree.tar.gz"
	stages_ok "cat $IN/x.xz | sg-chunk --no-decompress | sg-decode | cmp - $IN/x.xz"
	list_to list.ndjson "sg-chunk --no-decompress $IN/x.gz"
	run jq -c 'select(.type == "begin") | [.name, .source_size]' list.ndjson
	assert_output "[\"$IN/x.gz\",$(file_size "$IN/x.gz")]"
}

@test "look-alikes are plain bytes: 'begin 644' text (no uudecode), a file of zeros, /dev/zero on a pipe" {
	# A valid uuencoding of a line, which libarchive's uudecode would decode.
	python3 -c 'import binascii, sys; sys.stdout.buffer.write(b"begin 644 x\n" + binascii.b2a_uu(b"decoded if uudecoded\n") + b"`\nend\n")' >uu.txt
	grep -q '^begin 644 x$' uu.txt
	stages_ok "sg-chunk uu.txt | sg-decode | cmp - uu.txt"
	stages_ok "cat uu.txt | sg-chunk | sg-decode | cmp - uu.txt"
	head -c $((1 << 20)) /dev/zero >zeros
	stages_ok "sg-chunk zeros | sg-decode | cmp - zeros"
	list_to list.ndjson "sg-chunk zeros"
	run jq -c 'select(.type == "begin") | [.name, .source_size]' list.ndjson
	assert_output "[\"zeros\",$((1 << 20))]"
	stages_ok "head -c $((1 << 20)) /dev/zero | sg-chunk | sg-decode | cmp - zeros"
	# Compressed zeros: the zeros, one source.
	gzip -c zeros >zeros.gz
	stages_ok "sg-chunk zeros.gz | sg-decode | cmp - zeros"
	stages_ok "cat zeros.gz | sg-chunk | sg-decode | cmp - zeros"
}

@test "--part on a compressed file exits 64" {
	run --separate-stderr sg-chunk --part 1/2 "$IN/x.gz"
	assert_failure 64
	assert_output ''
	assert_stderr --regexp '^sg-chunk: .*--part.*compressed'
}

# ---------------------------------------------------------------- truncated

# make_tr_tar: tr.tar, 20 entries tr/f00..tr/f19 of 200000 random bytes
# each, in that order (ustar: 512 + 200192 bytes an entry).
make_tr_tar() {
	python3 - <<'EOF'
import io, random, tarfile
r = random.Random(7)
with tarfile.open("tr.tar", "w", format=tarfile.USTAR_FORMAT) as t:
    for k in range(20):
        data = r.randbytes(200000)
        i = tarfile.TarInfo("tr/f%02d" % k); i.size = len(data); i.mtime = 1600000000
        t.addfile(i, io.BytesIO(data))
EOF
}

# complete_before LIST K: LIST holds sources 0..K-1 = tr/f00..tr/f(K-1),
# each with its END and 200000 bytes, then at most the BEGIN and DATA of
# tr/fK, and no more.
complete_before() {
	jq -e -s --argjson k "$2" '
	    [.[] | select(.type == "begin" or .type == "end" or .type == "data")] as $f
	    | ([range(0; $k)] | all(. as $i
		| ($f | map(select(.source == $i))) as $s
		| $s[0].type == "begin" and $s[0].name == ("tr/f" + (if $i < 10 then "0" else "" end) + ($i | tostring))
		  and $s[-1].type == "end" and $s[-1].total == 200000
		  and ([$s[] | select(.type == "data") | .size] | add) == 200000))
	    and ([$f[] | select(.source >= $k and .type == "end")] | length) == 0
	    and ([$f[] | select(.source > $k)] | length) == 0' "$1" >/dev/null ||
		{ fail "$(printf 'the frames before the error are not entries 0..%s complete:\n%s' "$(($2 - 1))" \
		    "$(jq -c 'select(.type != "data") | [.type, .source, .name, .total]' "$1" | head -60)")"; return 1; }
}

@test "a tar.gz truncated at half: 65, one line naming the file and the entry; the entries before are complete" {
	local name k
	make_tr_tar
	gzip -1 -c tr.tar >full.tgz
	head -c $(($(file_size full.tgz) / 2)) full.tgz >half.tgz
	run --separate-stderr bash -c 'sg-chunk half.tgz >half.sg'
	assert_failure 65
	assert_one_stderr_line "^sg-chunk: half\\.tgz: entry 'tr/f[0-9][0-9]': "
	name=$(expr "$stderr" : ".*entry 'tr/f\\([0-9][0-9]\\)'")
	k=$((10#$name))
	[ "$k" -ge 5 ] && [ "$k" -le 15 ] || fail "broken entry $k, expected about the middle of 20"
	run --separate-stderr bash -c 'sg-decode -l half.sg >list.ndjson'
	assert_failure 65
	complete_before list.ndjson "$k"
	run --separate-stderr sg-decode half.sg
	assert_failure 65
	assert_one_stderr_line '^sg-decode: half\.sg: .*truncated'
	# The same through a pipe.
	run --separate-stderr bash -c 'cat half.tgz | sg-chunk | sg-decode -l >plist.ndjson; echo "${PIPESTATUS[*]}"'
	assert_output '0 65 65'
	complete_before plist.ndjson "$k"
}

@test "an uncompressed tar truncated inside an entry's data: 65, the entry named, the ones before complete" {
	make_tr_tar
	# Entry 7's data starts at 7 * 200704 + 512; cut 100000 bytes into it.
	head -c $((7 * 200704 + 512 + 100000)) tr.tar >cut.tar
	run --separate-stderr bash -c 'sg-chunk cut.tar >cut.sg'
	assert_failure 65
	assert_one_stderr_line "^sg-chunk: cut\\.tar: entry 'tr/f07': "
	run --separate-stderr bash -c 'sg-decode -l cut.sg >list.ndjson'
	assert_failure 65
	complete_before list.ndjson 7
	run --separate-stderr sg-decode cut.sg
	assert_failure 65
	assert_one_stderr_line '^sg-decode: cut\.sg: .*truncated'
	# The first 7 entries extract.
	run --separate-stderr sg-decode --extract x cut.sg
	assert_failure 65
	local k
	for k in 00 01 02 03 04 05 06; do
		[ "$(file_size "x/tr/f$k")" = 200000 ] || fail "x/tr/f$k not extracted whole"
	done
}

# ---------------------------------------------------------------- hostile

# make_hostile OUTSIDE: hostile.tar with good1, ../evil1, OUTSIDE/evil2,
# a/../../evil3, link -> OUTSIDE (a symbolic link), link/evil4, good2.
make_hostile() {
	python3 - "$1" <<'EOF'
import io, sys, tarfile
out = sys.argv[1]
def add(t, name, data=b"evil\n"):
    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
with tarfile.open("hostile.tar", "w", format=tarfile.PAX_FORMAT) as t:
    add(t, "good1", b"good one\n")
    add(t, "../evil1")
    add(t, out + "/evil2")
    add(t, "a/../../evil3")
    i = tarfile.TarInfo("link"); i.type = tarfile.SYMTYPE; i.linkname = out; t.addfile(i)
    add(t, "link/evil4")
    add(t, "good2", b"good two\n")
EOF
}

# nothing_outside DIR: no evil* anywhere in the test's directory but
# under DIR, and the outside directory is empty.
nothing_outside() {
	local stray
	stray=$(find "$BATS_TEST_TMPDIR" -name 'evil*' ! -path "$BATS_TEST_TMPDIR/work/$1/*")
	[ -z "$stray" ] || { fail "written outside $1: $stray"; return 1; }
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/outside")" ] ||
		{ fail "outside/ is not empty: $(ls -A "$BATS_TEST_TMPDIR/outside")"; return 1; }
}

@test "hostile tar: --extract refuses '..', absolute names; extracts the good; nothing outside" {
	mkdir outside work
	make_hostile "$BATS_TEST_TMPDIR/outside"
	cd work
	sg-chunk ../hostile.tar >h.sg 2>c.err
	[ "$(cat c.err)" = "sg-chunk: ../hostile.tar: skipped what is not a regular file: 0 directories, 1 other entry (links, devices, fifos)" ] ||
		fail "sg-chunk's stderr: $(cat c.err)"
	run --separate-stderr sg-decode --extract tgt h.sg
	assert_failure 65
	assert_output ''
	mapfile -t lines <<<"$stderr"
	[ "${#lines[@]}" -eq 3 ] || fail "want 3 lines on stderr, got: $stderr"
	assert_line --index 0 --regexp "^sg-decode: h\\.sg: refused '\\.\\./evil1': .+"
	assert_line --index 1 --partial "sg-decode: h.sg: refused '$BATS_TEST_TMPDIR/outside/evil2': "
	assert_line --index 2 --regexp "^sg-decode: h\\.sg: refused 'a/\\.\\./\\.\\./evil3': .+"
	[ "$(cat tgt/good1)" = "good one" ] || fail "good1 not extracted"
	[ "$(cat tgt/good2)" = "good two" ] || fail "good2 not extracted"
	# The link was skipped by sg-chunk, so link/evil4 is a plain file in tgt.
	[ ! -L tgt/link ] || fail "tgt/link is a symbolic link"
	nothing_outside tgt
}

@test "hostile tar: --extract into a directory with a symbolic link to outside refuses what leads through it" {
	mkdir outside work
	make_hostile "$BATS_TEST_TMPDIR/outside"
	cd work
	mkdir tgt2
	ln -s "$BATS_TEST_TMPDIR/outside" tgt2/link
	run --separate-stderr bash -c 'sg-chunk ../hostile.tar 2>/dev/null | sg-decode --extract tgt2'
	assert_failure 65
	mapfile -t lines <<<"$stderr"
	[ "${#lines[@]}" -eq 4 ] || fail "want 4 lines on stderr, got: $stderr"
	assert_line --index 3 --regexp "^sg-decode: \\(stdin\\): refused 'link/evil4': .+"
	[ "$(cat tgt2/good1)" = "good one" ] || fail "good1 not extracted"
	[ "$(cat tgt2/good2)" = "good two" ] || fail "good2 not extracted"
	[ -L tgt2/link ] || fail "tgt2/link was replaced"
	nothing_outside tgt2
	# Only link/evil4 in a stream of its own.
	printf 'x\n' >evil4
	python3 -c '
import tarfile
with tarfile.open("one.tar", "w") as t: t.add("evil4", "link/evil4")'
	rm evil4
	run --separate-stderr bash -c 'sg-chunk one.tar | sg-decode --extract tgt2'
	assert_failure 65
	assert_one_stderr_line "^sg-decode: \\(stdin\\): refused 'link/evil4': "
	nothing_outside tgt2
}

@test "hostile tar: sg-decode --tar | GNU tar -x writes nothing outside (tar refuses '..', strips '/')" {
	mkdir outside work
	make_hostile "$BATS_TEST_TMPDIR/outside"
	cd work
	mkdir tgt3
	run --separate-stderr bash -c 'sg-chunk ../hostile.tar 2>/dev/null | sg-decode --tar | tar -x -C tgt3; echo "${PIPESTATUS[*]}"'
	# sg-chunk and sg-decode succeed; GNU tar reports the '..' members.
	assert_output '0 0 2'
	assert_stderr --partial "Member name contains '..'"
	[ "$(cat tgt3/good1)" = "good one" ] || fail "good1 not extracted"
	[ "$(cat tgt3/good2)" = "good two" ] || fail "good2 not extracted"
	nothing_outside tgt3
	# The absolute name landed under tgt3, stripped of its '/'.
	[ -f "tgt3/${BATS_TEST_TMPDIR#/}/outside/evil2" ] || fail "no tgt3/${BATS_TEST_TMPDIR#/}/outside/evil2"
}

# ---------------------------------------------------------------- many entries

@test "a tar of 20000 small files: 20000 entries out of --tar, in bounded memory" {
	python3 - <<'EOF'
import io, tarfile
with tarfile.open("many.tar", "w", format=tarfile.USTAR_FORMAT) as t:
    for k in range(20000):
        d = b"file %d\n" % k
        i = tarfile.TarInfo("d%02d/f%05d" % (k % 50, k)); i.size = len(d); i.mtime = 1700000000
        t.addfile(i, io.BytesIO(d))
EOF
	/usr/bin/time -f %M -o chunk.rss sg-chunk many.tar 2>c.err |
	    /usr/bin/time -f %M -o decode.rss sg-decode --tar 2>d.err >out.tar
	[ ! -s c.err ] && [ ! -s d.err ] || fail "stderr: $(cat c.err d.err)"
	tar -tf out.tar >names
	[ "$(wc -l <names)" -eq 20000 ] || fail "tar -t lists $(wc -l <names) entries"
	[ "$(sort -u names | wc -l)" -eq 20000 ] || fail "duplicate names"
	[ "$(sed -n 12346p names)" = d45/f12345 ] || fail "entry 12346 is $(sed -n 12346p names)"
	[ "$(tar -xOf out.tar d45/f12345)" = 'file 12345' ] || fail "d45/f12345 holds $(tar -xOf out.tar d45/f12345)"
	[ -z "${SG_SANITIZED:-}" ] || return 0
	local f kb
	for f in chunk.rss decode.rss; do
		kb=$(tail -n 1 "$f")
		[[ $kb =~ ^[0-9]+$ ]] || fail "no RSS figure in $f: $(cat "$f")"
		[ "$kb" -lt "$RSS_LIMIT_KB" ] || fail "${f%.rss}: peak RSS $kb KiB, limit $RSS_LIMIT_KB"
	done
}
