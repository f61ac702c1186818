# bash completion for sg-decode(1)                         -*- shell-script -*-
# Installed as .../bash-completion/completions/sg-decode; works with or
# without the bash-completion package.

_sg_decode()
{
	local cur prev pre='' i

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	# --threads=4: bash splits it at '=' unless COMP_WORDBREAKS lacks '='.
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
	--extract | --split)
		# A directory, created if missing.
		if [[ -z $pre ]] && declare -F _filedir >/dev/null; then
			_filedir -d
		else
			compopt -o nospace
			mapfile -t COMPREPLY < <(compgen -P "$pre" -S / -d -- "$cur")
		fi
		return
		;;
	--name)
		mapfile -t COMPREPLY < <(compgen -P "$pre" \
			-W '%06i-%010q %n-%06q %n-%o' -- "$cur")
		return
		;;
	--exec)
		mapfile -t COMPREPLY < <(compgen -P "$pre" -c -- "$cur" | sort -u)
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
		mapfile -t COMPREPLY < <(compgen -W '-l --list --frames --tar
			--extract= --split= --name= -0 --null --exec= -T --threads=
			-h --help -V --version' -- "$cur")
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
	complete -F _sg_decode sg-decode

# ex: filetype=sh
