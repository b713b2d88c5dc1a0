#!/bin/sh
# completion.sh -- the bash completion: commands, lesson ids, demos, key=
# parameters and a choice's values, read from `parlab list --json`.
. "$top_srcdir/tests/lib.sh"
command -v bash >/dev/null || { echo "no bash: skipped"; exit 77; }
PARLAB_LESSONS="$top_srcdir/lessons"; export PARLAB_LESSONS

# comp WORD...: what completing the last word offers, space-separated.
comp() {
	bash -c '. "$1"; shift; p=$1; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_parlab "$p" 2>/dev/null; echo "${COMPREPLY[*]}"' \
	    comp "$top_srcdir/data/bash-completion/parlab" "$PARLAB" "$@"
}

got=$(comp parlab "")
for w in list run check why-parallel race-and-lock gil choosing; do
	case " $got " in *" $w "*) ;; *) fail "parlab <tab>: no $w in '$got'" ;; esac
done
[ "$(comp parlab ch)" = "check choosing" ] || fail "parlab ch: $(comp parlab ch)"
ok "commands and lesson ids"

got=$(comp parlab run "")
n=$("$PARLAB" list --json | grep -o '"summary":"[^"]*","params"' | wc -l)
[ "$(echo "$got" | wc -w)" = "$n" ] || fail "run <tab>: '$got', not $n demos"
[ "$(comp parlab run ra)" = race ] || fail "run ra: $(comp parlab run ra)"
ok "every demo"

[ "$(comp parlab run race th)" = "threads=" ] || fail "race th: $(comp parlab run race th)"
[ "$(comp parlab run race sync =)" = "none lock atomic local" ] ||
    fail "sync=: $(comp parlab run race sync =)"
[ "$(comp parlab run race sync = lo)" = "lock local" ] ||
    fail "sync=lo: $(comp parlab run race sync = lo)"
[ "$(comp parlab run race threads =)" = "" ] || fail "threads= offers words"
ok "key= parameters of the demo and the values of a choice"

[ "$(comp parlab check --s)" = "--strict" ] || fail "check --s: $(comp parlab check --s)"
[ "$(comp parlab --theme "")" = "default light contrast" ] || fail "--theme"
ok "options"
done_testing
