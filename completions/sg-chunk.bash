# bash completion for sg-chunk(1)                          -*- shell-script -*-
# Installed as .../bash-completion/completions/sg-chunk; works with or
# without the bash-completion package.

_sg_chunk()
{
	local cur prev pre='' i

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	# --size=1M: bash splits it at '=' unless COMP_WORDBREAKS lacks '='.
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		pre=$prev=
		cur=${cur#*=}
	fi

	case $prev in
	-s | --strategy)
		mapfile -t COMPREPLY < <(compgen -P "$pre" \
			-W 'bytes utf8 lines paragraph json csv sse delim cdc' -- "$cur")
		return
		;;
	-b | --size)
		mapfile -t COMPREPLY < <(compgen -P "$pre" \
			-W '64K 256K 1M 4M 16M 64M auto' -- "$cur")
		return
		;;
	--min | --avg | --max)
		mapfile -t COMPREPLY < <(compgen -P "$pre" \
			-W '64K 256K 1M 4M 16M 64M' -- "$cur")
		return
		;;
	--oversize)
		mapfile -t COMPREPLY < <(compgen -P "$pre" -W 'split keep error' -- "$cur")
		return
		;;
	--resume)
		# The checkpoint of sg-resume(1): a file, which may not exist yet.
		if declare -F _filedir >/dev/null; then
			_filedir
			[[ -n $pre ]] && COMPREPLY=("${COMPREPLY[@]/#/$pre}")
		else
			compopt -o filenames
			mapfile -t COMPREPLY < <(compgen -P "$pre" -f -- "$cur")
		fi
		return
		;;
	-n | --records | --overlap | --part | -d | --delimiter)
		return # a number, K/N or a separator: nothing to suggest
		;;
	-h | --help | -V | --version)
		return
		;;
	esac

	# Options, unless '--' ended them.
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -- ]] && break
	done
	if ((i == COMP_CWORD)) && [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W '-s --strategy= -b --size=
			-n --records= --oversize= -d --delimiter= --array --validate
			--header --until-done --overlap= --min= --avg= --max= --part=
			--raw --no-archive --no-decompress --resume= -h --help
			-V --version' \
			-- "$cur")
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] &&
			compopt -o nospace
		return
	fi

	if declare -F _filedir >/dev/null; then
		_filedir
	else
		compopt -o filenames
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
} &&
	complete -F _sg_chunk sg-chunk

# ex: filetype=sh
