#!/usr/bin/env bash
# bench/run.sh -- parlab's figures: recording cost, fidelity against CPython,
# UI cost, and scale.  `make bench` runs it.
#
# Every row is measured 5 times and printed as median [min-max].  Wherever a
# time is involved the row is a ratio taken inside one run (traced vs
# untraced, threads vs sequential), because the machine is shared and noisy.
# When python3 is installed, the CPython column runs the small equivalent
# scripts in data/python/ in the same bench run.  The table is also written
# as JSON to bench/results.json.  Exit status is non-zero if a row could not
# be measured; a missed target is reported, not an error.
#
# Environment: PARLAB (the binary), BENCH_TRACE (bench/bench_trace),
# BENCH_RUNS (default 5), BENCH_ONLY (a grep -E pattern of row names).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
PARLAB=${PARLAB:-$top/src/parlab}
BENCH_TRACE=${BENCH_TRACE:-$top/bench/bench_trace}
RUNS=${BENCH_RUNS:-5}
OUT=${BENCH_OUT:-$here/results.json}
PY=$(command -v python3 || true)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0
rows=()

# jnum KEY: a top-level number from the JSON object on stdin.
jnum() {
	sed -n "s/.*\"$1\":\(-\{0,1\}[0-9.eE+-]*\)[,}].*/\1/p" | head -n 1
}

# stats: "median min max" of the numbers on stdin.
stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan nan nan"; exit }
		printf "%.4g %.4g %.4g\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

# row NAME UNIT TARGET CPYTHON-FILE PARLAB-FILE: print and keep one row.
row() {
	local name=$1 unit=$2 target=$3 pyf=$4 plf=$5 p c
	p=$(stats < "$plf")
	if [ -n "$pyf" ] && [ -s "$pyf" ]; then c=$(stats < "$pyf"); else c="- - -"; fi
	set -- $p
	local pm=$1 pmin=$2 pmax=$3
	set -- $c
	printf '%-34s %10s [%s-%s] %-4s  %10s  %s\n' "$name" "$pm" "$pmin" "$pmax" "$unit" "$1" "$target"
	if [ "$pm" = nan ]; then
		echo "bench: row '$name' could not be measured" >&2
		failed=1
	fi
	rows+=("{\"row\":\"$name\",\"unit\":\"$unit\",\"median\":${pm/nan/null},\"min\":${pmin/nan/null},\"max\":${pmax/nan/null},\"cpython\":$( [ "$1" = - ] && echo null || echo "$1"),\"target\":\"$target\"}")
}

# want NAME: whether BENCH_ONLY selects this row.
want() {
	[ -z "${BENCH_ONLY:-}" ] || echo "$1" | grep -q -E "$BENCH_ONLY"
}

# pl KEY ARGS...: run parlab's demo ARGS with --format json; print KEY.
pl() {
	local key=$1
	shift
	timeout 300 "$PARLAB" run "$@" --format json 2>/dev/null | jnum "$key"
}

# py KEY SCRIPT ARGS...: run a CPython script; print KEY.
py() {
	local key=$1
	shift
	[ -n "$PY" ] || return 0
	timeout 300 "$PY" "$top/data/python/$1" "${@:2}" 2>/dev/null | jnum "$key"
}

# repeat N FILE CMD...: run CMD N times, appending its output to FILE.
repeat() {
	local n=$1 f=$2 i
	shift 2
	: > "$f"
	for i in $(seq "$n"); do "$@" >> "$f"; done
}

printf '%-34s %10s %-15s %10s  %s\n' "row" "parlab" "median [min-max]" "CPython" "target"

# ---- recording cost -------------------------------------------------------
if want recording; then
	: > "$TMP/clk"; : > "$TMP/ev"; : > "$TMP/evc"; : > "$TMP/fold"; : > "$TMP/upd"
	for i in $(seq "$RUNS"); do
		"$BENCH_TRACE" > "$TMP/bt" || true
		jnum clock_ns < "$TMP/bt" >> "$TMP/clk"
		jnum event_ns < "$TMP/bt" >> "$TMP/ev"
		jnum event_cold_ns < "$TMP/bt" >> "$TMP/evc"
		jnum fold_ms < "$TMP/bt" >> "$TMP/fold"
		jnum update_ms < "$TMP/bt" >> "$TMP/upd"
	done
	row "recording: clock read" ns "~25" "" "$TMP/clk"
	row "recording: one event" ns "<= 30" "" "$TMP/ev"
	row "recording: one event, fresh pages" ns "" "" "$TMP/evc"
fi

# traced/untraced wall ratio, pairs taken back to back in alternating order.
ratio() {
	local f=$1 i a b
	shift
	: > "$f"
	for i in $(seq "$RUNS"); do
		if [ $((i % 2)) = 0 ]; then
			a=$(pl wall_ms "$@"); b=$(pl wall_ms "$@" --no-trace)
		else
			b=$(pl wall_ms "$@" --no-trace); a=$(pl wall_ms "$@")
		fi
		[ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f\n", a / b }' >> "$f"
	done
}
if want recording; then
	ratio "$TMP/r1" threads task=cpu gil=none work_ms=500
	row "recording: threads cpu traced/untraced" x "<= 1.02" "" "$TMP/r1"
	ratio "$TMP/r2" race sync=lock
	row "recording: race lock traced/untraced" x "<= 1.02" "" "$TMP/r2"
fi

# ---- fidelity -------------------------------------------------------------
if want fidelity; then
	repeat "$RUNS" "$TMP/a" pl speedup threads task=cpu gil=new work_ms=500
	repeat "$RUNS" "$TMP/b" py speedup threads_cpu.py 10000000
	row "fidelity: threads cpu gil=new speedup" x "0.85-1.15 (CPython 1.07)" "$TMP/b" "$TMP/a"
	repeat "$RUNS" "$TMP/a" pl speedup threads task=cpu gil=none work_ms=500
	row "fidelity: threads cpu gil=none speedup" x ">= 1.8" "" "$TMP/a"
	repeat "$RUNS" "$TMP/a" pl speedup threads task=io work_ms=500
	row "fidelity: threads io speedup" x ">= 1.8 (CPython 2.0)" "" "$TMP/a"
	repeat "$RUNS" "$TMP/a" pl speedup procs task=cpu work_ms=500
	repeat "$RUNS" "$TMP/b" py speedup procs_cpu.py 10000000
	row "fidelity: procs cpu speedup" x ">= 1.8 (CPython 1.97)" "$TMP/b" "$TMP/a"
	repeat "$RUNS" "$TMP/a" pl wall_ms pool fn=sleep work_us=1000000 workers=2 items=2 backend=thread
	repeat "$RUNS" "$TMP/b" py wall_ms sleepers.py
	row "fidelity: 2 sleepers of 1 s, thread pool" ms "~1000 (CPython 1001)" "$TMP/b" "$TMP/a"
	repeat "$RUNS" "$TMP/a" pl wall_ms async tasks=3 sleep_ms=1000
	repeat "$RUNS" "$TMP/b" py wall_ms gather.py
	row "fidelity: gather of 3 sleeps of 1 s" ms "~1000 (CPython 1001)" "$TMP/b" "$TMP/a"
	repeat "$RUNS" "$TMP/a" pl io_latency_p50_ms threads task=mix gil=new work_ms=1000
	repeat "$RUNS" "$TMP/b" py io_latency_p50_ms convoy.py 0.005
	row "fidelity: convoy p50, 5 ms interval" ms "~6 (CPython 6.24)" "$TMP/b" "$TMP/a"
	repeat "$RUNS" "$TMP/a" pl io_latency_p50_ms threads task=mix gil=new work_ms=1000 interval_us=500
	repeat "$RUNS" "$TMP/b" py io_latency_p50_ms convoy.py 0.0005
	row "fidelity: convoy p50, 0.5 ms interval" ms "< 2.5 (CPython 1.67)" "$TMP/b" "$TMP/a"
	repeat "$RUNS" "$TMP/a" pl lost_pct race gil=new body=plain
	repeat "$RUNS" "$TMP/b" py lost_pct race.py plain
	row "fidelity: race plain under GIL, lost" % "0 (CPython 0)" "$TMP/b" "$TMP/a"
	repeat "$RUNS" "$TMP/a" pl lost_pct race gil=new body=call
	repeat "$RUNS" "$TMP/b" py lost_pct race.py call
	row "fidelity: race call under GIL, lost" % "many (CPython ~62)" "$TMP/b" "$TMP/a"
	repeat "$RUNS" "$TMP/a" pl start_ms procs start=fork task=io work_ms=100
	repeat "$RUNS" "$TMP/b" py fork_ms start.py
	row "fidelity: process start, fork" ms "(CPython 2.5)" "$TMP/b" "$TMP/a"
	repeat "$RUNS" "$TMP/a" pl start_ms procs start=spawn task=io work_ms=100
	repeat "$RUNS" "$TMP/b" py spawn_ms start.py
	row "fidelity: process start, spawn" ms "> fork (CPython ~80)" "$TMP/b" "$TMP/a"
fi

# ---- UI cost ----------------------------------------------------------------
if want ui; then
	row "ui: fold 1M-event timeline to a frame" ms "<= 5" "" "$TMP/fold"
	row "ui: ingest 1M events (once)" ms "" "" "$TMP/upd"
	if [ -x "$here/ui.sh" ]; then
		: > "$TMP/cpu"; : > "$TMP/fps"; : > "$TMP/ff"
		for i in $(seq "$RUNS"); do
			"$here/ui.sh" "$PARLAB" > "$TMP/ui" 2>/dev/null || true
			jnum cpu_pct < "$TMP/ui" >> "$TMP/cpu"
			jnum fps < "$TMP/ui" >> "$TMP/fps"
			jnum first_frame_ms < "$TMP/ui" >> "$TMP/ff"
		done
		row "ui: UI thread CPU while animating" % "< 5" "" "$TMP/cpu"
		row "ui: frames per second" fps ">= 30" "" "$TMP/fps"
		row "ui: start to first frame" ms "<= 50" "" "$TMP/ff"
	fi
fi

# ---- scale ------------------------------------------------------------------
# scale NAME ARGS...: wall, peak RSS, events and drops of one demo run.
scale_row() {
	local name=$1 i
	shift
	: > "$TMP/sw"; : > "$TMP/sr"; : > "$TMP/se"; : > "$TMP/sd"
	for i in $(seq "$RUNS"); do
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f '%M' -o "$TMP/rss" "$PARLAB" run "$@" --format json > "$TMP/sj" 2>/dev/null
			tail -n 1 "$TMP/rss" >> "$TMP/sr"
		else
			"$PARLAB" run "$@" --format json > "$TMP/sj" 2>/dev/null
		fi
		jnum wall_ms < "$TMP/sj" >> "$TMP/sw"
		jnum events < "$TMP/sj" >> "$TMP/se"
		jnum dropped < "$TMP/sj" >> "$TMP/sd"
	done
	row "scale: $name wall" ms "" "" "$TMP/sw"
	[ -s "$TMP/sr" ] && row "scale: $name peak RSS" KiB "" "" "$TMP/sr"
	row "scale: $name events" n "" "" "$TMP/se"
	row "scale: $name dropped" n "" "" "$TMP/sd"
}
if want scale; then
	scale_row "async tasks=10000" async tasks=10000 sleep_ms=500
	scale_row "race threads=256" race threads=256 iters=10000
	scale_row "queue 64x8 items=10000" queue producers=64 consumers=8 items=10000
fi

{
	printf '{"date":"%s","cores":%s,"runs":%s,"rows":[' "$(date -u +%FT%TZ)" "$(nproc)" "$RUNS"
	(IFS=,; printf '%s' "${rows[*]}")
	printf ']}\n'
} > "$OUT"
echo "bench: wrote $OUT"
exit $failed
