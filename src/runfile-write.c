/*
 * runfile-write.c -- saving a run: `parlab run ... --save FILE`.
 *
 * The writing half of runfile.c's format (doc/runfile-format.md): the
 * header, the figures and notes, then each lane's header and its events,
 * streamed straight from the trace; numbers little-endian of fixed width,
 * strings a 32-bit length and their bytes, and an FNV-1a sum of every byte
 * at the end.  The file is written under a temporary name and renamed, so
 * a reader never sees half of one.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "parlab.h"

struct runfile_writer {
	FILE		*f;
	uint64_t	 sum;		/* FNV-1a of every byte written */
};

/* Write bytes, summing them. */
static void
runfile_write_bytes(struct runfile_writer *w, const void *p, size_t n)
{
	fwrite(p, 1, n, w->f);
	w->sum = runfile_sum(w->sum, p, n);
}

/* Write v as a little-endian unsigned number of width bytes. */
static void
runfile_write_num(struct runfile_writer *w, uint64_t v, unsigned width)
{
	unsigned char	b[8];
	unsigned	i;

	for (i = 0; i < width; i++)
		b[i] = (unsigned char)((v >> (8 * i)) & 0xff);
	runfile_write_bytes(w, b, width);
}

/* Write a string: its length, then its bytes. */
static void
runfile_write_str(struct runfile_writer *f, const char *s)
{
	size_t	n = strlen(s);

	runfile_write_num(f, n, 4);
	runfile_write_bytes(f, s, n);
}

/* The header: where, when and by what the run was recorded. */
static void
runfile_write_head(struct runfile_writer *f, const struct run *r)
{
	struct utsname	 u;
	unsigned	 i;

	runfile_write_bytes(f, RUNFILE_MAGIC, 8);
	runfile_write_num(f, RUNFILE_VERSION, 4);
	runfile_write_str(f, PACKAGE_VERSION);
	runfile_write_str(f, uname(&u) == 0 ? u.nodename : "unknown");
	runfile_write_num(f, (uint64_t)sysconf(_SC_NPROCESSORS_ONLN), 4);
	runfile_write_num(f, (uint64_t)time(NULL), 8);
	runfile_write_str(f, r->cls->name);
	runfile_write_num(f, (uint64_t)r->traced, 1);
	runfile_write_num(f, r->wall_ns, 8);
	runfile_write_num(f, r->end_trace_ns, 8);
	runfile_write_num(f, r->params.n, 4);
	for (i = 0; i < r->params.n; i++) {
		runfile_write_str(f, r->params.v[i].spec->name);
		runfile_write_str(f, r->params.v[i].text);
	}
}

/* The figures and the notes, in the order the demo reported them. */
static void
runfile_write_results(struct runfile_writer *f, const struct run *r)
{
	const struct metric	*m;
	size_t			 i, k;
	uint64_t		 bits;

	runfile_write_num(f, r->nmetrics, 4);
	for (i = 0; i < r->nmetrics; i++) {
		m = &r->metrics[i];
		runfile_write_str(f, m->key);
		runfile_write_num(f, (uint64_t)m->type, 1);
		switch (m->type) {
		case METRIC_INT: case METRIC_BOOL:
			runfile_write_num(f, (uint64_t)m->i, 8);
			break;
		case METRIC_FLOAT:
			memcpy(&bits, &m->f, sizeof bits);
			runfile_write_num(f, bits, 8);
			break;
		case METRIC_INTS:
			runfile_write_num(f, m->nints, 4);
			for (k = 0; k < m->nints; k++)
				runfile_write_num(f, (uint64_t)m->ints[k], 8);
			break;
		case METRIC_TEXT: case METRIC_JSON:
			runfile_write_str(f, m->text);
			break;
		}
	}
	runfile_write_num(f, r->nnotes, 4);
	for (i = 0; i < r->nnotes; i++)
		runfile_write_str(f, r->notes[i]);
}

/* Every lane: its header, its accounting, then its events. */
static void
runfile_write_lanes(struct runfile_writer *f, const struct trace *tr)
{
	const struct trace_lane		*l;
	const struct trace_event	*e;
	unsigned			 lane, s, n = tr ? trace_lanes(tr) : 0;
	uint64_t			 i, count;

	runfile_write_num(f, n, 4);
	for (lane = 0; lane < n; lane++) {
		l = trace_lane(tr, lane);
		runfile_write_str(f, l->name);
		runfile_write_num(f, l->type, 1);
		runfile_write_num(f, (uint64_t)(int64_t)l->pid, 4);
		runfile_write_num(f, atomic_load(&l->dropped), 8);
		runfile_write_num(f, STATE_COUNT, 1);
		for (s = 0; s < STATE_COUNT; s++)
			runfile_write_num(f, l->state_ns[s], 8);
		runfile_write_num(f, l->cores, 8);
		runfile_write_num(f, l->cpu_ns, 8);
		runfile_write_num(f, l->state, 1);
		count = trace_count(tr, lane);
		runfile_write_num(f, count, 8);
		for (i = 0; i < count; i++) {
			e = trace_event(tr, lane, i);
			runfile_write_num(f, e->ts, 8);
			runfile_write_num(f, (uint64_t)e->arg, 8);
			runfile_write_num(f, e->kind, 1);
			runfile_write_num(f, e->state, 1);
			runfile_write_num(f, (uint64_t)(int64_t)e->cpu, 2);
		}
	}
}

/* Save a finished run to path (through a temporary file, then renamed). */
int
runfile_write(const char *path, const struct run *r, char **cause)
{
	struct runfile_writer	 w = { NULL, RUNFILE_FNV_INIT };
	FILE			*f;
	char			*tmp;
	int			 bad;

	xasprintf(&tmp, "%s.tmp%ld", path, (long)getpid());
	if ((f = w.f = fopen(tmp, "wb")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	runfile_write_head(&w, r);
	runfile_write_results(&w, r);
	runfile_write_lanes(&w, atomic_load(&r->trace));
	runfile_write_num(&w, RUNFILE_END, 4);
	runfile_write_num(&w, w.sum, 8);
	bad = ferror(f);
	if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}
