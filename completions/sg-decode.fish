# fish completion for sg-decode(1)

complete -c sg-decode -s l -l list -d 'Write one JSON object per frame (NDJSON)'
complete -c sg-decode -s h -l help -d 'Show the help and exit'
complete -c sg-decode -s V -l version -d 'Show the version and exit'
