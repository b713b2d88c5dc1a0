#!/bin/sh
# fuzz/run.sh -- run each built fuzzer for a bounded time on a fresh corpus.
#
#   sh fuzz/run.sh SRCDIR BUILDDIR SECONDS [RUNS]
#
# Seeds come from the tree at run time (nothing is copied into git):
# - corpus-params: every `parlab run DEMO k=v ...` line of the shell tests
#   and every ```run block of the lessons, as "DEMO k=v ..." lines;
# - corpus-lesson: the lesson files and the test lessons (*.md);
# - corpus-fuzz_runfile: small runs saved with `parlab run ... --save`.
# A dictionary of parameter names and choice words is made from
# `parlab list --json`.  Each fuzzer stops after SECONDS (or RUNS
# executions, if given); a crash, a leak or an invariant failure makes the
# script exit 1, leaving the input as BUILDDIR/fuzz-out/crash-* for a
# regression test.  Prints the executions each fuzzer did.
set -u

[ $# -ge 3 ] || { echo "usage: $0 SRCDIR BUILDDIR SECONDS [RUNS]" >&2; exit 2; }
srcdir=$1
builddir=$2
secs=$3
runs=${4:--1}
out=$builddir/fuzz-out
parlab=$builddir/src/parlab

# Seeds for the parameter grammar.
seed_params() {
	dir=$out/corpus-params
	mkdir -p "$dir"
	i=0
	{
		# Test lines: "$PARLAB" run race threads=4 ... --format json
		grep -h -o 'PARLAB"\{0,1\} run [a-z]* [^|>;&]*' "$srcdir"/tests/*.sh 2>/dev/null |
		    sed 's/^PARLAB"\{0,1\} run //; s/--[a-z-]*\( [a-z]*\)\{0,1\}//g'
		# Lesson run blocks: the line after ```run
		for f in "$srcdir"/lessons/*.md "$srcdir"/tests/lessons/*.md; do
			[ -f "$f" ] && sed -n '/^```run/{n;p;}' "$f"
		done
	} | sort -u | while IFS= read -r line; do
		i=$((i + 1))
		printf '%s\n' "$line" > "$dir/seed-$i"
	done
	# One default line per demo, so every schema is seeded.
	"$parlab" list --json 2>/dev/null | tr '{' '\n' |
	    sed -n 's/^"name":"\([a-z]*\)","summary".*/\1/p' |
	    while read -r d; do printf '%s scale=1\n' "$d" > "$dir/demo-$d"; done
}

# A libFuzzer dictionary: "name=" for every parameter, every choice word.
make_dict() {
	"$parlab" list --json 2>/dev/null | tr '{' '\n' |
	    sed -n 's/^"name":"\([a-z_]*\)","default".*"range":"\([^"]*\)".*/\1 \2/p' |
	    while read -r name range; do
		printf '"%s="\n' "$name"
		case $range in
		*"|"*) echo "$range" | tr '|' '\n' | sed 's/.*/"&"/' ;;
		esac
	    done | sort -u
	printf '"scale="\n"race"\n"```run\\x0a"\n"```ask\\x0a"\n"---\\x0a"\n'
}

# Seeds for the lesson parser: every lesson-like Markdown file.
seed_lesson() {
	dir=$out/corpus-lesson
	mkdir -p "$dir"
	for f in "$srcdir"/lessons/*.md "$srcdir"/tests/*.md \
	    "$srcdir"/tests/*/*.md "$srcdir"/doc/*.md "$srcdir"/fuzz/regress/lesson-*; do
		[ -f "$f" ] || continue
		# libFuzzer ignores inputs over -max_len; keep seeds whole.
		cp "$f" "$dir/$(echo "$f" | sed "s|^$srcdir/||; s|/|_|g")"
	done
	# A minimal lesson, so the corpus is never empty.
	printf -- '---\nid: seed\ntitle: Seed\n---\n# Page\nText.\n\n```run\nrace threads=2 iters=10\n```\n' \
	    > "$dir/minimal.md"
}

# Seeds for saved runs: a few small runs of different demos, saved.
seed_runfile() {
	dir=$out/corpus-fuzz_runfile
	mkdir -p "$dir"
	for d in "race threads=2 iters=200" "queue items=3" "gen step_ms=1" \
	    "async tasks=2 sleep_ms=5" "threads work_ms=5 task=mix"; do
		# shellcheck disable=SC2086
		"$parlab" run $d --save "$dir/$(echo "$d" | tr ' =' '__')" \
		    > /dev/null 2>&1
	done
}

status=0
make_dict > "$out/params.dict"
seed_params
seed_lesson
seed_runfile
for fz in "$out"/fuzz_*; do
	[ -x "$fz" ] || continue
	name=$(basename "$fz")
	case $name in
	fuzz_params) corpus=$out/corpus-params; extra="-dict=$out/params.dict -max_len=512" ;;
	fuzz_lesson) corpus=$out/corpus-lesson; extra="-dict=$out/params.dict -max_len=65536" ;;
	*) corpus=$out/corpus-$name; mkdir -p "$corpus"; extra="" ;;
	esac
	log=$out/$name.log
	t0=$(date +%s)
	# shellcheck disable=SC2086
	"$fz" -max_total_time="$secs" -runs="$runs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$out/crash-$name-" $extra "$corpus" \
	    > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	echo "fuzz: $name: ${execs:-?} executions in $(( $(date +%s) - t0 )) s, exit $rc"
	if [ $rc -ne 0 ]; then
		tail -n 40 "$log"
		status=1
	fi
done
exit $status
