/*
 * export-trace.c -- the run as Chrome Trace Event JSON, for Perfetto.
 *
 * Each worker lane is a thread (tid = lane number) of its process (pid:
 * the process's own for process lanes, parlab's for the rest), named by
 * "M" metadata events.  Every state span is an "X" complete event named by
 * its state, so the viewer shows the same timeline as the terminal; point
 * events are "i" instants; a queue's depth and the GIL holder are "C"
 * counters.  Times are microseconds from the start of the trace.
 */

#include "config.h"

#include <inttypes.h>
#include <unistd.h>

#include "parlab.h"

struct trace_out {
	FILE	*f;
	int	 first;
};

/* Start one event object, with the comma before it when needed. */
static void
export_trace_begin(struct trace_out *o)
{
	fputs(o->first ? "\n" : ",\n", o->f);
	o->first = 0;
}

/* The pid a lane's events belong to. */
static int
export_trace_pid(const struct trace *tr, unsigned lane)
{
	const struct trace_lane	*l = trace_lane(tr, lane);

	return l->type == LANE_PROCESS && l->pid > 0 ? l->pid : (int)getpid();
}

/* Name the processes and lanes. */
static void
export_trace_names(struct trace_out *o, const struct trace *tr)
{
	unsigned	lane;
	int		pid;
	char		name[TRACE_NAME_LEN];

	export_trace_begin(o);
	fprintf(o->f, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%d,"
	    "\"args\":{\"name\":\"parlab\"}}", (int)getpid());
	for (lane = 0; lane < trace_lanes(tr); lane++) {
		pid = export_trace_pid(tr, lane);
		if (pid != (int)getpid()) {
			export_trace_begin(o);
			fprintf(o->f, "{\"ph\":\"M\",\"name\":\"process_name\","
			    "\"pid\":%d,\"args\":{\"name\":\"worker %d\"}}",
			    pid, pid);
		}
		export_trace_begin(o);
		fprintf(o->f, "{\"ph\":\"M\",\"name\":\"thread_name\","
		    "\"pid\":%d,\"tid\":%u,\"args\":{\"name\":", pid, lane);
		json_string(o->f, trace_lane_name(tr, lane, name,
		    sizeof name));
		fputs("}}", o->f);
		export_trace_begin(o);
		fprintf(o->f, "{\"ph\":\"M\",\"name\":\"thread_sort_index\","
		    "\"pid\":%d,\"tid\":%u,\"args\":{\"sort_index\":%u}}",
		    pid, lane, lane);
	}
}

/* A lane's spans as complete events. */
static void
export_trace_spans(struct trace_out *o, const struct timeline *tl,
    unsigned lane)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	const struct tl_span	*sp;
	uint64_t		 t1;
	size_t			 i;
	int			 pid = export_trace_pid(tl->trace, lane);

	for (i = 0; i < ll->nspans; i++) {
		sp = &ll->spans[i];
		if (sp->state == STATE_NONE || sp->state == STATE_DONE)
			continue;
		t1 = sp->t1 == UINT64_MAX ? tl->t_end : sp->t1;
		if (t1 < sp->t0)
			t1 = sp->t0;
		export_trace_begin(o);
		fprintf(o->f, "{\"ph\":\"X\",\"name\":\"%s\",\"cat\":\"state\","
		    "\"pid\":%d,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f,"
		    "\"args\":{\"cpu\":%d", trace_states[sp->state].name, pid,
		    lane, (double)sp->t0 / 1e3, (double)(t1 - sp->t0) / 1e3,
		    sp->cpu);
		if (sp->label >= 0)
			fprintf(o->f, ",\"item\":%" PRId64, sp->label);
		fputs("}}", o->f);
	}
}

/* A lane's point events as instants or counters. */
static void
export_trace_marks(struct trace_out *o, const struct timeline *tl,
    unsigned lane)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	const struct tl_mark	*m;
	char			 buf[TRACE_NAME_LEN];
	const char		*name = trace_lane_name(tl->trace, lane, buf,
				    sizeof buf);
	size_t			 i;
	int			 pid = export_trace_pid(tl->trace, lane);

	for (i = 0; i < ll->nmarks; i++) {
		m = &ll->marks[i];
		export_trace_begin(o);
		if (m->kind == EV_COUNTER || m->kind == EV_GIL_SWITCH) {
			fprintf(o->f, "{\"ph\":\"C\",\"name\":");
			json_string(o->f, name);
			fprintf(o->f, ",\"pid\":%d,\"ts\":%.3f,\"args\":{\"%s\":"
			    "%" PRId64 "}}", pid, (double)m->ts / 1e3,
			    m->kind == EV_COUNTER ? "value" : "holder_lane",
			    m->arg);
		} else {
			fprintf(o->f, "{\"ph\":\"i\",\"s\":\"t\",\"name\":\"%s\","
			    "\"pid\":%d,\"tid\":%u,\"ts\":%.3f,\"args\":"
			    "{\"arg\":%" PRId64 "}}", trace_kind_names[m->kind],
			    pid, lane, (double)m->ts / 1e3, m->arg);
		}
	}
}

/* Write the run's trace; a run recorded with --no-trace has no events. */
int
export_trace(FILE *f, struct run *r)
{
	struct trace		*tr = atomic_load(&r->trace);
	struct timeline		*tl;
	struct trace_out	 o = { f, 1 };
	unsigned		 lane;

	fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"demo\":", f);
	json_string(f, r->cls->name);
	fputs("},\"traceEvents\":[", f);
	if (tr != NULL) {
		tl = timeline_create(tr);
		timeline_finish(tl, r->end_trace_ns);
		export_trace_names(&o, tr);
		for (lane = 0; lane < trace_lanes(tr); lane++) {
			export_trace_spans(&o, tl, lane);
			export_trace_marks(&o, tl, lane);
		}
		timeline_destroy(tl);
	}
	fputs("\n]}\n", f);
	return ferror(f) ? -1 : 0;
}
