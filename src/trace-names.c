/*
 * trace-names.c -- the names of the event model: each state's name, glyph
 * and legend text, the event kinds and lane types as the exports spell
 * them, and a lane's name as it is shown.
 *
 * One table serves every view and export, so the timeline's legend, the
 * JSON and the Chrome trace cannot disagree on what a state is called.
 */

#include "config.h"

#include <stdio.h>

#include "parlab.h"

const struct trace_state_info trace_states[STATE_COUNT] = {
	[STATE_NONE] =       { "none",       ' ', " ", "not started" },
	[STATE_STARTING] =   { "starting",   '+', "\xe2\x96\xb9",	/* ▹ */
	    "starting up" },
	[STATE_RUNNING] =    { "running",    '#', "\xe2\x96\x88",	/* █ */
	    "running on a core" },
	[STATE_WAIT_LOCK] =  { "wait-lock",  '!', "\xe2\x96\x92",	/* ▒ */
	    "waiting for a lock" },
	[STATE_IO] =         { "io",         '~', "\xe2\x89\x88",	/* ≈ */
	    "blocked in I/O or sleep" },
	[STATE_READY] =      { "ready",      '.', "\xc2\xb7",		/* · */
	    "ready, waiting for its scheduler" },
	[STATE_QUEUE_WAIT] = { "queue-wait", '=', "\xe2\x95\x90",	/* ═ */
	    "blocked on a full or empty queue" },
	[STATE_DONE] =       { "done",       ' ', " ", "finished" },
	[STATE_WAIT_GIL] =   { "wait-gil",   '%', "\xe2\x96\x91",	/* ░ */
	    "waiting for the GIL" },
};

const char *const trace_kind_names[EV_KIND_COUNT] = {
	"state", "lock-acquire", "lock-release", "gil-drop-request",
	"gil-switch", "queue-put", "queue-get", "yield", "await", "spawn",
	"result", "counter", "cpu", "label"
};

const char *const trace_lane_type_names[LANE_TYPE_COUNT] = {
	"thread", "process", "task", "gil", "loop", "counter"
};

/*
 * A lane's name as shown: a process lane whose child has started is
 * "P<pid>".  The child sets only the pid (one atomic store): writing the
 * name itself would race with a UI drawing it, so it is made here, in buf.
 */
const char *
trace_lane_name(const struct trace *tr, unsigned lane, char *buf,
    size_t size)
{
	const struct trace_lane	*l = trace_lane(tr, lane);
	int32_t			 pid = atomic_load_explicit(&l->pid,
				     memory_order_relaxed);

	if (l->type != LANE_PROCESS || pid <= 0)
		return l->name;
	snprintf(buf, size, "P%ld", (long)pid);
	return buf;
}
