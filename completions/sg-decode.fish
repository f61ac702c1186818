# fish completion for sg-decode(1)

# Whether one of the long options in argv (or 'l' for -l) was given before
# the cursor, as --opt or --opt=VALUE.
function __sg_decode_seen
    set -l tokens (commandline -opc)
    set -e tokens[1]
    for t in $tokens
        test "$t" = --; and return 1
        for o in $argv
            if test $o = l
                string match -qr -- '^-[0hV]*l' $t; and return 0
            else
                string match -q -- "--$o" $t; or string match -q -- "--$o=*" $t; and return 0
            end
        end
    end
    return 1
end

# Whether the cursor is on the argument of --opt (argv[1]).
function __sg_decode_arg_of --argument-names opt
    set -l tokens (commandline -opc)
    test "$tokens[-1]" = "--$opt"; or string match -q -- "--$opt=*" (commandline -ct)
end

# The outputs exclude each other; --name and -0 go with --split only.
set -l no_output 'not __sg_decode_seen l list frames tar extract split exec'

complete -c sg-decode -s l -l list -n $no_output -d 'Write one JSON object per frame (NDJSON)'
complete -c sg-decode -l frames -n $no_output -d 'Write the frames decoded (codec none)'
complete -c sg-decode -l tar -n $no_output -d 'Write a POSIX pax tar, one file per source'
complete -c sg-decode -l extract -n "__sg_decode_arg_of extract; or $no_output" -x \
    -a '(__fish_complete_directories (commandline -ct | string replace -r -- "^--extract=" ""))' \
    -d 'Write each source as a file under DIR'
complete -c sg-decode -l split -n "__sg_decode_arg_of split; or $no_output" -x \
    -a '(__fish_complete_directories (commandline -ct | string replace -r -- "^--split=" ""))' \
    -d 'Write each chunk to a file under DIR and print its path'
complete -c sg-decode -l name -n '__sg_decode_seen split' -x -a '%06i-%010q %n-%06q %n-%o' \
    -d 'Split: file name template (%n %i %q %o %%)'
complete -c sg-decode -s 0 -l null -n '__sg_decode_seen split' -d 'Split: end each path with NUL, not newline'
complete -c sg-decode -l exec -n "__sg_decode_arg_of exec; or $no_output" -x -a '(__fish_complete_command)' \
    -d 'Run sh -c CMD once per chunk, the chunk on its stdin'
complete -c sg-decode -s T -l threads -x -d 'Number of decoding workers (0: one per CPU, the default)'
complete -c sg-decode -s h -l help -d 'Show the help and exit'
complete -c sg-decode -s V -l version -d 'Show the version and exit'
