# bash completion for sg-encode(1)                         -*- shell-script -*-
# Installed as .../bash-completion/completions/sg-encode; works with or
# without the bash-completion package.

_sg_encode()
{
	local cur prev pre='' i

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	# --codec=lz4: bash splits it at '=' unless COMP_WORDBREAKS lacks '='.
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
	-c | --codec)
		mapfile -t COMPREPLY < <(compgen -P "$pre" -W 'zstd lz4 none auto' -- "$cur")
		return
		;;
	--level)
		mapfile -t COMPREPLY < <(compgen -P "$pre" -W '{1..19}' -- "$cur")
		return
		;;
	-T | --threads)
		return # a number, 0 for one per CPU: nothing to suggest
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
		mapfile -t COMPREPLY < <(compgen -W '-c --codec= --level=
			-T --threads= --json -h --help -V --version
			-{1..19}' -- "$cur")
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
	complete -F _sg_encode sg-encode

# ex: filetype=sh
