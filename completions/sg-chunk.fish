# fish completion for sg-chunk(1)

complete -c sg-chunk -s s -l strategy -x -d 'Where to cut' \
    -a "lines\t'after a newline (default)' bytes\t'exactly SIZE bytes' utf8\t'only between UTF-8 characters'"
complete -c sg-chunk -s b -l size -x -d 'Largest chunk (K, M, G, T suffix, or auto)' \
    -a '64K 256K 1M 4M 16M 64M auto'
complete -c sg-chunk -s n -l records -x -d 'At most N records (lines) per chunk'
complete -c sg-chunk -l oversize -x -d 'What to do with a record larger than SIZE' \
    -a "split\t'cut at a character boundary and flag (default)' keep\t'keep whole, up to 64 MiB' error\t'stop with exit status 65'"
complete -c sg-chunk -s h -l help -d 'Show the help and exit'
complete -c sg-chunk -s V -l version -d 'Show the version and exit'
