/*
 * runfile.c -- saved runs: `parlab run ... --save FILE` writes one, `parlab
 * show FILE` reads it back into a struct run that every export (and the
 * TUI) takes as if it had just finished.
 *
 * The format is a small binary one, documented in doc/runfile-format.md:
 * a magic, a format version, where and when the run was recorded, the
 * demo and its parameters, the figures and notes, then each lane's
 * header and every one of its events.  Numbers are little-endian of fixed
 * width, strings a 32-bit length and their bytes.  Writing streams the
 * events straight from the trace, and reading streams them straight into
 * a fresh trace (trace_load_event), so a large trace is never held twice.
 * This file reads; runfile-write.c writes.
 *
 * Reading trusts nothing: every length, count and enum is checked against
 * its limit before use, a newer format is refused by name, the run is
 * rebuilt only through the calls a demo makes (params_set, run_metric_*,
 * trace_lane_init), and a checksum (FNV-1a) of every byte ends the file,
 * so a damaged byte that still parses is refused too.
 */

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parlab.h"

#define RUNFILE_STR_MAX	65536	/* longest string a reader accepts */
#define RUNFILE_LIST_MAX 100000	/* most metrics, notes, ints in a list */
#define RUNFILE_TS_MAX	((uint64_t)1 << 50)	/* 13 days in ns */

struct rf_reader {
	FILE		*f;
	uint64_t	 off;		/* bytes read so far */
	uint64_t	 sum;		/* FNV-1a of every byte read */
	char		*cause;		/* the first error */
};

/* Fold bytes into an FNV-1a sum (the file's checksum). */
uint64_t
runfile_sum(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*b = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * RUNFILE_FNV_PRIME;
	return h;
}

/* Record the first error of a read, with the offset it happened at. */
static int PARLAB_PRINTF(2, 3)
rf_fail(struct rf_reader *rd, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (rd->cause == NULL) {
		va_start(ap, fmt);
		xvasprintf(&msg, fmt, ap);
		va_end(ap);
		xasprintf(&rd->cause, "%s (at byte %" PRIu64 ")", msg,
		    rd->off);
		free(msg);
	}
	return -1;
}

/* Read a little-endian number of width bytes; -1 at the end of the file. */
static int
rf_get(struct rf_reader *rd, unsigned width, uint64_t *v)
{
	unsigned char	b[8];
	unsigned	i;

	*v = 0;
	if (rd->cause != NULL)
		return -1;
	if (fread(b, 1, width, rd->f) != width)
		return rf_fail(rd, "truncated: the file ends early");
	rd->off += width;
	rd->sum = runfile_sum(rd->sum, b, width);
	for (i = 0; i < width; i++)
		*v |= (uint64_t)b[i] << (8 * i);
	return 0;
}

/* Read a number that must be at most max, naming it in the error. */
static int
rf_get_max(struct rf_reader *rd, unsigned width, uint64_t max,
    const char *what, uint64_t *v)
{
	if (rf_get(rd, width, v) != 0)
		return -1;
	if (*v > max)
		return rf_fail(rd, "%s is %" PRIu64 ", more than %" PRIu64,
		    what, *v, max);
	return 0;
}

/* Read a string (no NUL inside); the caller frees it. */
static char *
rf_get_str(struct rf_reader *rd, const char *what)
{
	uint64_t	 n;
	char		*s;

	if (rf_get_max(rd, 4, RUNFILE_STR_MAX, what, &n) != 0)
		return NULL;
	s = xmalloc(n + 1);
	if (fread(s, 1, n, rd->f) != n) {
		free(s);
		rf_fail(rd, "truncated inside %s", what);
		return NULL;
	}
	rd->off += n;
	rd->sum = runfile_sum(rd->sum, s, n);
	s[n] = '\0';
	if (strlen(s) != n) {
		free(s);
		rf_fail(rd, "%s holds a NUL byte", what);
		return NULL;
	}
	return s;
}

/* The header: magic, version, provenance, demo and parameters. */
static struct run *
runfile_read_head(struct rf_reader *rd, struct runfile_info *info)
{
	const struct demo_class	*cls;
	struct params		 p;
	struct run		*r;
	uint64_t		 v, traced, wall, end, n, i;
	char			 magic[8], *name = NULL, *text = NULL, *kv;
	char			*cause = NULL;

	if (fread(magic, 1, 8, rd->f) != 8 || memcmp(magic, RUNFILE_MAGIC,
	    8) != 0) {
		rf_fail(rd, "not a saved parlab run (`parlab run ... --save "
		    "FILE` makes one)");
		return NULL;
	}
	rd->off = 8;
	rd->sum = runfile_sum(rd->sum, magic, 8);
	if (rf_get(rd, 4, &v) != 0)
		return NULL;
	if (v != RUNFILE_VERSION) {
		rf_fail(rd, "saved in format %" PRIu64 " (a %s parlab); this "
		    "parlab %s reads format %d", v, v > RUNFILE_VERSION ?
		    "newer" : "different", PACKAGE_VERSION, RUNFILE_VERSION);
		return NULL;
	}
	if ((info->version = rf_get_str(rd, "the parlab version")) == NULL ||
	    (info->host = rf_get_str(rd, "the host name")) == NULL ||
	    rf_get(rd, 4, &v) != 0)
		return NULL;
	info->cores = (unsigned)v;
	if (rf_get(rd, 8, &v) != 0 || (name = rf_get_str(rd, "the demo")) ==
	    NULL)
		return NULL;
	info->date = (int64_t)v;
	if ((cls = demo_find(name)) == NULL) {
		rf_fail(rd, "unknown demo '%s'", name);
		free(name);
		return NULL;
	}
	free(name);
	if (rf_get_max(rd, 1, 1, "the traced flag", &traced) != 0 ||
	    rf_get_max(rd, 8, RUNFILE_TS_MAX, "the run's time", &wall) != 0 ||
	    rf_get_max(rd, 8, RUNFILE_TS_MAX, "the trace's end", &end) != 0 ||
	    rf_get_max(rd, 4, PARAMS_MAX, "the number of parameters", &n) != 0)
		return NULL;
	params_init(&p, cls->params);
	for (i = 0; i < n; i++) {
		if ((name = rf_get_str(rd, "a parameter's name")) == NULL ||
		    (text = rf_get_str(rd, "a parameter's value")) == NULL) {
			free(name);
			return NULL;
		}
		xasprintf(&kv, "%s=%s", name, text);
		free(name);
		free(text);
		if (params_set(&p, kv, &cause) != 0) {
			rf_fail(rd, "%s: %s", cls->name, cause);
			free(cause);
			free(kv);
			return NULL;
		}
		free(kv);
	}
	r = run_create(cls, &p, (int)traced);
	r->wall_ns = wall;
	r->end_trace_ns = end;
	return r;
}

/* One metric, through the same calls a demo makes. */
static int
runfile_read_metric(struct rf_reader *rd, struct run *r)
{
	uint64_t	 type, v, n, k;
	int64_t		*ints;
	char		*key, *text;
	double		 d;

	if ((key = rf_get_str(rd, "a figure's name")) == NULL)
		return -1;
	if (rf_get_max(rd, 1, METRIC_JSON, "a figure's type", &type) != 0) {
		free(key);
		return -1;
	}
	switch ((enum metric_type)type) {
	case METRIC_INT: case METRIC_BOOL:
		if (rf_get(rd, 8, &v) == 0) {
			if (type == METRIC_BOOL)
				run_metric_bool(r, key, v != 0);
			else
				run_metric_int(r, key, (int64_t)v);
		}
		break;
	case METRIC_FLOAT:
		if (rf_get(rd, 8, &v) == 0) {
			memcpy(&d, &v, sizeof d);
			run_metric_float(r, key, d);
		}
		break;
	case METRIC_INTS:
		if (rf_get_max(rd, 4, RUNFILE_LIST_MAX, "a list's length",
		    &n) != 0)
			break;
		ints = xcalloc(n ? n : 1, sizeof *ints);
		for (k = 0; k < n && rf_get(rd, 8, &v) == 0; k++)
			ints[k] = (int64_t)v;
		if (k == n)
			run_metric_ints(r, key, ints, n);
		free(ints);
		break;
	case METRIC_TEXT:
		if ((text = rf_get_str(rd, "a figure's text")) != NULL) {
			run_metric_text(r, key, text);
			free(text);
		}
		break;
	case METRIC_JSON:	/* written by parlab; shown as it was */
		if ((text = rf_get_str(rd, "a figure's text")) != NULL) {
			run_metric_json(r, key, text);
			free(text);
		}
		break;
	}
	free(key);
	return rd->cause != NULL ? -1 : 0;
}

/* The figures and the notes. */
static int
runfile_read_results(struct rf_reader *rd, struct run *r)
{
	uint64_t	 n, i;
	char		*s;

	if (rf_get_max(rd, 4, RUNFILE_LIST_MAX, "the number of figures",
	    &n) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (runfile_read_metric(rd, r) != 0)
			return -1;
	if (rf_get_max(rd, 4, RUNFILE_LIST_MAX, "the number of notes", &n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((s = rf_get_str(rd, "a note")) == NULL)
			return -1;
		run_note(r, "%s", s);
		free(s);
	}
	return 0;
}

/* One lane's events, checked, straight into the trace. */
static int
runfile_read_events(struct rf_reader *rd, struct trace *tr, unsigned lane)
{
	struct trace_event	e;
	uint64_t		n, i, ts, arg, kind, st, cpu, last = 0;

	if (rf_get_max(rd, 8, trace_capacity(tr), "a lane's event count",
	    &n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (rf_get_max(rd, 8, RUNFILE_TS_MAX, "an event's time",
		    &ts) != 0 || rf_get(rd, 8, &arg) != 0 ||
		    rf_get_max(rd, 1, EV_KIND_COUNT - 1, "an event's kind",
		    &kind) != 0 ||
		    rf_get_max(rd, 1, STATE_COUNT - 1, "an event's state",
		    &st) != 0 || rf_get(rd, 2, &cpu) != 0)
			return -1;
		if (ts < last)
			return rf_fail(rd, "lane %u: events out of time order",
			    lane);
		last = ts;
		memset(&e, 0, sizeof e);
		e.ts = ts;
		e.arg = (int64_t)arg;
		e.kind = (uint16_t)kind;
		e.state = (uint8_t)st;
		e.cpu = (int16_t)(uint16_t)cpu;
		if (trace_load_event(tr, lane, &e) != 0)
			return rf_fail(rd, "lane %u: more events than a "
			    "trace of this size holds", lane);
	}
	return 0;
}

/* The lanes: a trace made as the demo made it, then filled. */
static int
runfile_read_lanes(struct rf_reader *rd, struct run *r)
{
	struct trace_lane	*l;
	struct trace		*tr;
	uint64_t		 n, lane, type, pid, v, ns, s;
	char			*name, *cause = NULL;

	if (rf_get_max(rd, 4, TRACE_MAX_LANES, "the number of lanes", &n) != 0)
		return -1;
	if ((tr = run_trace(r, (unsigned)n, &cause)) == NULL) {
		rf_fail(rd, "%s", cause);
		free(cause);
		return -1;
	}
	for (lane = 0; lane < n; lane++) {
		if ((name = rf_get_str(rd, "a lane's name")) == NULL)
			return -1;
		if (rf_get_max(rd, 1, LANE_TYPE_COUNT - 1, "a lane's type",
		    &type) != 0) {
			free(name);
			return -1;
		}
		trace_lane_init(tr, (unsigned)lane, name, (enum lane_type)type);
		free(name);
		l = trace_lane_writer(tr, (unsigned)lane);
		if (rf_get(rd, 4, &pid) != 0 || rf_get(rd, 8, &v) != 0 ||
		    rf_get_max(rd, 1, STATE_COUNT, "the number of states",
		    &ns) != 0)
			return -1;
		if (ns != STATE_COUNT)
			return rf_fail(rd, "lanes have %" PRIu64 " states, "
			    "not %d", ns, STATE_COUNT);
		l->pid = (int32_t)(uint32_t)pid;
		atomic_store(&l->dropped, v);
		for (s = 0; s < STATE_COUNT; s++)
			if (rf_get(rd, 8, &l->state_ns[s]) != 0)
				return -1;
		if (rf_get(rd, 8, &l->cores) != 0 ||
		    rf_get(rd, 8, &l->cpu_ns) != 0 ||
		    rf_get_max(rd, 1, STATE_COUNT - 1, "a lane's state",
		    &v) != 0)
			return -1;
		l->state = (uint32_t)v;
		if (runfile_read_events(rd, tr, (unsigned)lane) != 0)
			return -1;
	}
	atomic_store(&r->trace, tr);	/* as run_begin(), with no clock */
	return 0;
}

/*
 * Read a saved run from path: a finished struct run (and where it was
 * recorded, in info), or NULL with a cause that names the file.
 */
struct run *
runfile_read(const char *path, struct runfile_info *info, char **cause)
{
	struct run	*r;
	FILE		*f;

	memset(info, 0, sizeof *info);
	if ((f = fopen(path, "rb")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	r = runfile_read_file(f, path, info, cause);
	fclose(f);
	return r;
}

/* Read a saved run from an open file; see runfile_read(). */
struct run *
runfile_read_file(FILE *f, const char *path, struct runfile_info *info,
    char **cause)
{
	struct rf_reader	 rd;
	struct run		*r = NULL;
	uint64_t		 sum, v;

	memset(info, 0, sizeof *info);
	memset(&rd, 0, sizeof rd);
	rd.sum = RUNFILE_FNV_INIT;
	rd.f = f;
	if ((r = runfile_read_head(&rd, info)) != NULL) {
		if (runfile_read_results(&rd, r) == 0 &&
		    runfile_read_lanes(&rd, r) == 0) {
			/* The sum last: a damaged byte that still reads
			 * as a run is caught here. */
			if (rf_get(&rd, 4, &v) == 0 && v != RUNFILE_END)
				rf_fail(&rd, "no end marker where the run "
				    "should end");
			sum = rd.sum;
			if (rf_get(&rd, 8, &v) == 0 && v != sum)
				rf_fail(&rd, "damaged: the checksum does "
				    "not match");
			if (rd.cause == NULL && fgetc(f) != EOF)
				rf_fail(&rd, "more bytes after the end");
		}
	}
	if (rd.cause != NULL) {
		xasprintf(cause, "%s: %s", path, rd.cause);
		free(rd.cause);
		run_destroy(r);
		runfile_info_free(info);
		return NULL;
	}
	atomic_store(&r->finished, 1);
	return r;
}

/* Free what runfile_read() put in info. */
void
runfile_info_free(struct runfile_info *info)
{
	free(info->version);
	free(info->host);
	memset(info, 0, sizeof *info);
}
