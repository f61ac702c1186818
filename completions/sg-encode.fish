# fish completion for sg-encode(1)

complete -c sg-encode -s c -l codec -x -d 'How to store each DATA payload' \
    -a "zstd\t'one zstd frame per chunk (default)' lz4\t'one LZ4 frame per chunk' none\t'uncompressed, inline' auto\t'zstd; stores chunks that would not compress'"
for level in (seq 1 19)
    complete -c sg-encode -o $level -d 'Compression level (default 3; lz4: 1)'
end
complete -c sg-encode -l level -x -d 'Compression level, 1 to 19 (default 3; lz4: 1)' -a '(seq 1 19)'
complete -c sg-encode -s T -l threads -x -d 'Number of workers (0: one per CPU, the default)'
complete -c sg-encode -l json -d 'Write one JSON object per frame (NDJSON), payload included'
complete -c sg-encode -s h -l help -d 'Show the help and exit'
complete -c sg-encode -s V -l version -d 'Show the version and exit'
