# fish completion for sg-progress(1)

complete -c sg-progress -l json -d 'Report as NDJSON events, one per interval and a last one'
complete -c sg-progress -l events -r -F -d 'Write the --json events to FILE (a FIFO is fine)'
complete -c sg-progress -l interval -x -d 'How often to report, in seconds (default 1)' \
    -a '0.5 1 5 10 60'
complete -c sg-progress -l label -x -d 'Name this meter (two meters on one terminal)'
complete -c sg-progress -l raw -d 'Count bytes, even when they are sg frames'
complete -c sg-progress -s s -l size -x -d 'The total, for input whose size is not known (K, M, G, T suffix)' \
    -a '1M 64M 1G 4G 16G 64G 1T'
complete -c sg-progress -s h -l help -d 'Show the help and exit'
complete -c sg-progress -s V -l version -d 'Show the version and exit'
