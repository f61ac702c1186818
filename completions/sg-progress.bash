# bash completion for sg-progress(1)                       -*- shell-script -*-
# Installed as .../bash-completion/completions/sg-progress; works with or
# without the bash-completion package.

_sg_progress()
{
	local cur prev pre='' i

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	# --size=1G: bash splits it at '=' unless COMP_WORDBREAKS lacks '='.
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
	--events)
		if declare -F _filedir >/dev/null; then
			_filedir
			[[ -n $pre ]] && COMPREPLY=("${COMPREPLY[@]/#/$pre}")
		else
			compopt -o filenames
			mapfile -t COMPREPLY < <(compgen -P "$pre" -f -- "$cur")
		fi
		return
		;;
	-s | --size)
		mapfile -t COMPREPLY < <(compgen -P "$pre" \
			-W '1M 64M 1G 4G 16G 64G 1T' -- "$cur")
		return
		;;
	--interval)
		mapfile -t COMPREPLY < <(compgen -P "$pre" -W '0.5 1 5 10 60' -- "$cur")
		return
		;;
	--label)
		return # a name: nothing to suggest
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
		mapfile -t COMPREPLY < <(compgen -W '--json --events= --interval=
			--label= --raw -s --size= -h --help -V --version' -- "$cur")
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
	complete -F _sg_progress sg-progress

# ex: filetype=sh
