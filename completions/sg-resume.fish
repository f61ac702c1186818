# fish completion for sg-resume(1)

# Whether 'status', the subcommand, is the first word.
function __sg_resume_status
    set -l tokens (commandline -opc)
    test (count $tokens) -ge 2; and test "$tokens[2]" = status
end

# Whether the cursor is on the first word.
function __sg_resume_first
    test (count (commandline -opc)) -eq 1
end

complete -c sg-resume -n __sg_resume_first -a status -d 'Report the state of a job'
complete -c sg-resume -n 'not __sg_resume_status' -s o -l output -r -F \
    -d 'The file to write (a regular file)'
complete -c sg-resume -n 'not __sg_resume_status' -l raw -d 'Write the original bytes, not the frames'
complete -c sg-resume -n 'not __sg_resume_status' -l every -x \
    -d 'Sync every N seconds, or every N bytes (K, M, G, T suffix)' \
    -a '0.5 1 5 10 60 16M 64M 256M 1G'
complete -c sg-resume -n __sg_resume_status -l json -d 'Status: print one JSON object'
complete -c sg-resume -s h -l help -d 'Show the help and exit'
complete -c sg-resume -s V -l version -d 'Show the version and exit'
