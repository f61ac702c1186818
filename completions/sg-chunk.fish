# fish completion for sg-chunk(1)

complete -c sg-chunk -s s -l strategy -x -d 'Where to cut' \
    -a "bytes\t'exactly SIZE bytes' utf8\t'only between UTF-8 characters' lines\t'after a newline (default)' paragraph\t'blank line, newline, sentence, space, character' json\t'between top-level JSON values' csv\t'between RFC 4180 records' sse\t'between Server-Sent Events' delim\t'after the separator given with -d' cdc\t'content-defined, for deduplication'"
complete -c sg-chunk -s b -l size -x -d 'Largest chunk (K, M, G, T suffix, or auto)' \
    -a '64K 256K 1M 4M 16M 64M auto'
complete -c sg-chunk -s n -l records -x -d 'At most N records per chunk'
complete -c sg-chunk -l oversize -x -d 'What to do with a record larger than SIZE' \
    -a "split\t'cut at a character boundary and flag (default)' keep\t'keep whole, up to 64 MiB' error\t'stop with exit status 65'"
complete -c sg-chunk -s d -l delimiter -x -d 'delim: cut after SEP (escapes \0 \t \n \r \\\\ \xHH \NNN)'
complete -c sg-chunk -l array -d 'json: cut between the elements of top-level arrays'
complete -c sg-chunk -l validate -d 'json: stop at the first record that is not RFC 8259'
complete -c sg-chunk -l header -d 'csv: repeat the first record at the start of each chunk'
complete -c sg-chunk -l until-done -d 'sse: stop after the "data: [DONE]" event'
complete -c sg-chunk -l overlap -x -d 'paragraph: repeat up to N bytes of the previous chunk'
complete -c sg-chunk -l min -x -d 'cdc: smallest chunk (default 256K)' -a '64K 256K 1M 4M 16M 64M'
complete -c sg-chunk -l avg -x -d 'cdc: target chunk size, a power of two (default 1M)' -a '64K 256K 1M 4M 16M 64M'
complete -c sg-chunk -l max -x -d 'cdc: largest chunk (default 4M)' -a '64K 256K 1M 4M 16M 64M'
complete -c sg-chunk -l part -x -d 'Only the K-th of N boundary-aligned parts of FILE (K/N)'
complete -c sg-chunk -l raw -l no-archive -d 'Read an archive as one source of bytes (still decompressed)'
complete -c sg-chunk -l no-decompress -d 'Read every input as the bytes it holds'
complete -c sg-chunk -l resume -r -F -d 'Continue the job that sg-resume records in CHECKPOINT'
complete -c sg-chunk -s h -l help -d 'Show the help and exit'
complete -c sg-chunk -s V -l version -d 'Show the version and exit'
