# bash completion for sg-resume(1)                         -*- shell-script -*-
# Installed as .../bash-completion/completions/sg-resume; works with or
# without the bash-completion package.

_sg_resume()
{
	local cur prev pre='' i status=0

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	# --output=FILE: bash splits it at '=' unless COMP_WORDBREAKS lacks '='.
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		pre=$prev=
		cur=${cur#*=}
	fi

	# 'status' is a subcommand only as the first word.
	((COMP_CWORD > 1)) && [[ ${COMP_WORDS[1]} == status ]] && status=1

	case $prev in
	-o | --output)
		((status)) && return
		if declare -F _filedir >/dev/null; then
			_filedir
			[[ -n $pre ]] && COMPREPLY=("${COMPREPLY[@]/#/$pre}")
		else
			compopt -o filenames
			mapfile -t COMPREPLY < <(compgen -P "$pre" -f -- "$cur")
		fi
		return
		;;
	--every)
		((status)) && return
		mapfile -t COMPREPLY < <(compgen -P "$pre" \
			-W '0.5 1 5 10 60 16M 64M 256M 1G' -- "$cur")
		return
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
		if ((status)); then
			mapfile -t COMPREPLY < <(compgen -W '--json -h --help
				-V --version' -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W '-o --output= --raw
				--every= -h --help -V --version' -- "$cur")
		fi
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] &&
			compopt -o nospace
		return
	fi

	# The CHECKPOINT, or 'status' first.
	if declare -F _filedir >/dev/null; then
		_filedir
	else
		compopt -o filenames
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
	if ((COMP_CWORD == 1)) && [[ status == "$cur"* ]]; then
		COMPREPLY+=(status)
	fi
} &&
	complete -F _sg_resume sg-resume

# ex: filetype=sh
