# fish completion for sg-decode(1)

complete -c sg-decode -s l -l list -d 'Write one JSON object per frame (NDJSON)'
complete -c sg-decode -l frames -d 'Write the frames decoded (codec none)'
complete -c sg-decode -s T -l threads -x -d 'Number of decoding workers (0: one per CPU, the default)'
complete -c sg-decode -s h -l help -d 'Show the help and exit'
complete -c sg-decode -s V -l version -d 'Show the version and exit'
