/*
 * trace.c -- per-lane single-writer event logs in one shared mapping.
 *
 * A run has lanes: one per worker (thread, process, task) and a few
 * synthetic ones (the GIL holder, the event loop, a queue's depth).  All
 * live in one MAP_SHARED mapping made before any fork, backed by a memfd so
 * that an exec'd child can map it too.
 *
 * The events of every lane come from one fixed pool of chunks (a power of
 * two events each).  A lane takes a chunk from the pool when it fills the
 * last one, with one atomic increment, and notes it in its own table.  The
 * tables share a budget of TRACE_TABLE_BUDGET entries: each lane's table
 * holds every chunk of the pool when that fits (up to some 500 lanes, so
 * one busy lane -- a GIL, a queue's depth -- may take the whole pool and
 * nothing is dropped while the pool lasts), and never fewer than
 * TRACE_LANE_CHUNKS, 32 times an even share.  Idle lanes cost nothing.
 * Untouched chunks are address space, not memory (MAP_NORESERVE).
 *
 * Memory: the pool is TRACE_BUDGET_EVENTS events of 24 bytes (108 MiB of
 * address space); a run touches only the pages its events fill, 24 bytes
 * an event.  The tables add 2 bytes an entry (2 MiB at most below 8192
 * lanes).  So `queue producers=64 consumers=8 items=10000`, 3.6 M events,
 * fits with room for each lane's last, part-filled chunk.
 *
 * The model is a log, not a wrapping ring: the timeline needs the start of
 * the run as much as its end, so once the pool (or a lane's table) is used
 * up a lane keeps what it has and counts what it could not store in
 * `dropped`.  A writer never blocks and never makes a system call: it reads
 * the clock (the TSC, clock.c), asks for its core (rseq), fills the slot at `head` and
 * then publishes it with a release store of head + 1 (a new chunk's table
 * entry is written before that store, so it is published with it).  A
 * reader (the UI, an exporter) loads head with acquire and may read every
 * event below it while the writer goes on.
 *
 * One writer per lane at a time: a worker writes its own lane; a synthetic
 * lane is written only under the lock it describes (the GIL mutex, the
 * queue mutex), which orders its writers.  A lane's name and type are set
 * before run_begin() shows the trace to readers and never change after
 * (trace_shown() makes a late naming fatal); a worker process sets only its
 * lane's pid, an atomic store, and trace_lane_name() shows it as "P<pid>".
 *
 * Each lane also keeps the time it spent in each state.  This accounting
 * runs whether or not events are recorded, so a run with --no-trace reports
 * the same figures and costs only the event stores less.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "parlab.h"

#define TRACE_MAGIC		0x7061726c61625433ULL	/* "parlabT3" */
#define TRACE_LANE_CHUNKS	256	/* chunks one lane may hold, at least */
#define TRACE_TABLE_BUDGET	(1024u * 1024)	/* entries, all tables */
#define TRACE_MIN_SHIFT		6	/* 64 events a chunk at least */
#define TRACE_MAX_SHIFT		16	/* 65536 at most */

struct trace_hdr {
	uint64_t	 magic;
	uint64_t	 size;		/* bytes in the mapping */
	uint64_t	 t0;		/* clock_ns() when the trace began */
	uint32_t	 nlanes;
	uint32_t	 shift;		/* a chunk holds 1 << shift events */
	uint32_t	 nchunks;	/* chunks in the pool */
	int32_t		 recording;
	_Atomic uint32_t chunks_used;	/* taken from the pool so far */
	uint32_t	 lane_chunks;	/* entries in each lane's table */
	struct clock_cal clock;		/* the creator's, for spawned children */
};

struct trace {
	struct trace_hdr	*hdr;
	struct trace_lane	*lanes;
	uint16_t		*tables;	/* [lane][lane_chunks] */
	struct trace_event	*events;	/* the pool */
	unsigned		 shift;		/* copies of the header's */
	uint64_t		 mask;
	size_t			 size;
	int			 fd;	/* memfd, -1 if anonymous */
	int			 shown;	/* readers may see it: names are fixed */
};

static int	trace_map(struct trace *, int, size_t, char **);

/* The entries in each lane's table: the whole pool if the budget allows. */
static unsigned
trace_lane_chunks(unsigned nlanes, unsigned nchunks)
{
	unsigned	n = TRACE_TABLE_BUDGET / nlanes;

	if (n > nchunks)
		n = nchunks;
	return n < TRACE_LANE_CHUNKS ? TRACE_LANE_CHUNKS : n;
}

/* Bytes a trace of nlanes lanes and nchunks chunks of 1 << shift needs. */
static size_t
trace_size(unsigned nlanes, unsigned shift, unsigned nchunks)
{
	size_t	page = (size_t)sysconf(_SC_PAGESIZE);
	size_t	n;

	n = sizeof(struct trace_hdr) + nlanes * sizeof(struct trace_lane);
	n += (size_t)nlanes * trace_lane_chunks(nlanes, nchunks) *
	    sizeof(uint16_t);
	n = (n + 63) & ~(size_t)63;
	n += ((size_t)nchunks << shift) * sizeof(struct trace_event);
	return (n + page - 1) & ~(page - 1);
}

/* Lay the header, lanes, chunk tables and the pool over a mapped region. */
static void
trace_layout(struct trace *tr)
{
	char	*base = (char *)tr->hdr;
	size_t	 off;

	off = sizeof(struct trace_hdr);
	tr->lanes = (struct trace_lane *)(base + off);
	off += tr->hdr->nlanes * sizeof(struct trace_lane);
	tr->tables = (uint16_t *)(base + off);
	off += (size_t)tr->hdr->nlanes * tr->hdr->lane_chunks *
	    sizeof(uint16_t);
	off = (off + 63) & ~(size_t)63;
	tr->events = (struct trace_event *)(base + off);
	tr->shift = tr->hdr->shift;
	tr->mask = ((uint64_t)1 << tr->shift) - 1;
}

/*
 * Make a trace of nlanes lanes.  The events are spread over the lanes from a
 * fixed budget; untouched pages cost no memory, so a lane's capacity is
 * address space, not RSS.  Returns NULL with a cause if the mapping fails.
 */
struct trace *
trace_create(unsigned nlanes, int recording, char **cause)
{
	struct trace	*tr;
	unsigned	 shift, nchunks, i;
	size_t		 size;
	int		 fd = -1;

	if (nlanes == 0 || nlanes > TRACE_MAX_LANES) {
		xasprintf(cause, "a trace holds 1 to %u lanes, not %u",
		    TRACE_MAX_LANES, nlanes);
		return NULL;
	}
	/* Chunks of about an eighth of an even share: with 256 of them a
	 * busy lane can take up to 32 times its share. */
	for (shift = TRACE_MAX_SHIFT; shift > TRACE_MIN_SHIFT &&
	    ((uint64_t)8 << shift) * nlanes > TRACE_BUDGET_EVENTS; shift--)
		;
	nchunks = TRACE_BUDGET_EVENTS >> shift;
	if (nchunks < nlanes)
		nchunks = nlanes;	/* every lane can have one chunk */
	if (nchunks > 65536)
		nchunks = 65536;	/* a table entry is 16 bits */
	size = trace_size(nlanes, shift, nchunks);

#ifdef HAVE_MEMFD_CREATE
	fd = memfd_create("parlab-trace", MFD_CLOEXEC);
	if (fd != -1 && fd < 3) {
		/* Never a standard stream, even if one was closed. */
		int	high = fcntl(fd, F_DUPFD_CLOEXEC, 3);

		close(fd);
		fd = high;
	}
	if (fd != -1 && ftruncate(fd, (off_t)size) == -1) {
		close(fd);
		fd = -1;
	}
#endif
	tr = xcalloc(1, sizeof *tr);
	if (trace_map(tr, fd, size, cause) != 0) {
		if (fd != -1)
			close(fd);
		free(tr);
		return NULL;
	}
	tr->hdr->magic = TRACE_MAGIC;
	tr->hdr->size = size;
	tr->hdr->nlanes = nlanes;
	tr->hdr->shift = shift;
	tr->hdr->nchunks = nchunks;
	tr->hdr->lane_chunks = trace_lane_chunks(nlanes, nchunks);
	tr->hdr->recording = recording;
	clock_save(&tr->hdr->clock);
	tr->hdr->t0 = clock_ns();
	trace_layout(tr);
	for (i = 0; i < nlanes; i++) {
		snprintf(tr->lanes[i].name, sizeof tr->lanes[i].name, "L%u",
		    i);
		tr->lanes[i].last_cpu = -1;
	}
	return tr;
}

/* Map size bytes of fd (or anonymous shared memory when fd is -1). */
static int
trace_map(struct trace *tr, int fd, size_t size, char **cause)
{
	void	*p;
	int	 flags = MAP_SHARED | MAP_NORESERVE;

	if (fd == -1)
		flags |= MAP_ANONYMOUS;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (p == MAP_FAILED) {
		xasprintf(cause, "cannot map %zu bytes for the trace: %s",
		    size, strerror(errno));
		return -1;
	}
	tr->hdr = p;
	tr->size = size;
	tr->fd = fd;
	return 0;
}

/*
 * Map an existing trace from an inherited memfd (a spawned child, not yet
 * running its worker), and read the clock by its creator's calibration.
 */
struct trace *
trace_attach(int fd, char **cause)
{
	struct trace		*tr;
	struct trace_hdr	 hdr;

	if (pread(fd, &hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr ||
	    hdr.magic != TRACE_MAGIC) {
		xasprintf(cause, "fd %d is not a parlab trace", fd);
		return NULL;
	}
	tr = xcalloc(1, sizeof *tr);
	if (trace_map(tr, fd, hdr.size, cause) != 0) {
		free(tr);
		return NULL;
	}
	trace_layout(tr);
	clock_adopt(&tr->hdr->clock);
	return tr;
}

/* Unmap and free a trace; the memfd closes with it. */
void
trace_destroy(struct trace *tr)
{
	if (tr == NULL)
		return;
	munmap(tr->hdr, tr->size);
	if (tr->fd != -1)
		close(tr->fd);
	free(tr);
}

/*
 * Forget every event and give every chunk back, keeping the lanes' names
 * and the mapping (its pages stay touched).  No writer may be running: for
 * measuring the steady cost of recording, and for reuse.
 */
void
trace_rewind(struct trace *tr)
{
	unsigned	i;

	for (i = 0; i < tr->hdr->nlanes; i++) {
		atomic_store(&tr->lanes[i].head, 0);
		atomic_store(&tr->lanes[i].dropped, 0);
	}
	atomic_store(&tr->hdr->chunks_used, 0);
}

/*
 * Note that readers may now see the trace (run_begin() publishes it): from
 * here a lane's name and type are fixed, and naming one is a bug.
 */
void
trace_shown(struct trace *tr)
{
	tr->shown = 1;
}

/* The memfd behind the trace, for a child to inherit; -1 if none. */
int
trace_fd(const struct trace *tr)
{
	return tr->fd;
}

/*
 * Name a lane and give it a type; call before run_begin() shows the trace
 * to readers, since they read the name without a lock.
 */
void
trace_lane_init(struct trace *tr, unsigned lane, const char *name,
    enum lane_type type)
{
	struct trace_lane	*l = &tr->lanes[lane];

	if (tr->shown)
		fatal("lane %u named after its trace was shown to readers",
		    lane);
	snprintf(l->name, sizeof l->name, "%s", name);
	l->type = type;
	/* A process lane's child sets its own pid when it starts. */
	atomic_store_explicit(&l->pid, type == LANE_PROCESS ? 0 :
	    (int32_t)getpid(), memory_order_relaxed);
}

/* Whether events are stored (--no-trace switches this off). */
int
trace_recording(const struct trace *tr)
{
	return tr->hdr->recording;
}

/* Nanoseconds since the trace began. */
uint64_t
trace_now(const struct trace *tr)
{
	return clock_ns() - tr->hdr->t0;
}

/*
 * Give a lane the next chunk from the pool, for its event h; 0 if the pool
 * or the lane's table is used up.  Called by the lane's writer only.
 */
static int
trace_take_chunk(struct trace *tr, unsigned lane, uint64_t h)
{
	uint64_t	k = h >> tr->shift;
	uint32_t	idx;

	if (k >= tr->hdr->lane_chunks ||
	    atomic_load_explicit(&tr->hdr->chunks_used, memory_order_relaxed)
	    >= tr->hdr->nchunks)
		return 0;
	idx = atomic_fetch_add_explicit(&tr->hdr->chunks_used, 1,
	    memory_order_relaxed);
	if (idx >= tr->hdr->nchunks)
		return 0;
	tr->tables[(size_t)lane * tr->hdr->lane_chunks + k] = (uint16_t)idx;
	return 1;
}

/* Where event i of a lane lives (it must have been given a chunk). */
static inline struct trace_event *
trace_slot(const struct trace *tr, unsigned lane, uint64_t i)
{
	uint32_t	idx;

	idx = tr->tables[(size_t)lane * tr->hdr->lane_chunks +
	    (i >> tr->shift)];
	return &tr->events[((size_t)idx << tr->shift) + (i & tr->mask)];
}

/* Store one event on a lane, or count it dropped if there is no room. */
static inline void
trace_append(struct trace *tr, unsigned lane, uint64_t ts, enum ev_kind kind,
    enum state st, int cpu, int64_t arg)
{
	struct trace_lane	*l = &tr->lanes[lane];
	struct trace_event	*e;
	uint64_t		 h;

	h = atomic_load_explicit(&l->head, memory_order_relaxed);
	if ((h & tr->mask) == 0 && !trace_take_chunk(tr, lane, h)) {
		atomic_fetch_add_explicit(&l->dropped, 1,
		    memory_order_relaxed);
		return;
	}
	e = trace_slot(tr, lane, h);
	e->ts = ts;
	e->arg = arg;
	e->kind = (uint16_t)kind;
	e->state = (uint8_t)st;
	e->cpu = (int16_t)cpu;
	atomic_store_explicit(&l->head, h + 1, memory_order_release);
}

/*
 * Store a recorded event on a lane as it was (a saved run being read back,
 * runfile.c): -1 when the lane has no room.  The loading thread is then
 * the lane's only writer.
 */
int
trace_load_event(struct trace *tr, unsigned lane, const struct trace_event *e)
{
	uint64_t	dropped = atomic_load(&tr->lanes[lane].dropped);

	trace_append(tr, lane, e->ts, (enum ev_kind)e->kind,
	    (enum state)e->state, e->cpu, e->arg);
	if (atomic_load(&tr->lanes[lane].dropped) == dropped)
		return 0;
	atomic_store(&tr->lanes[lane].dropped, dropped);
	return -1;
}

/* Note the core a lane runs on; returns it. */
static inline int
trace_core(struct trace_lane *l)
{
	int	cpu;

#ifdef HAVE_SCHED_GETCPU
	cpu = sched_getcpu();
#else
	cpu = -1;
#endif
	if (cpu >= 0 && cpu < TRACE_MAX_CORES)
		l->cores |= 1ULL << cpu;
	l->last_cpu = cpu;
	return cpu;
}

/* Move a lane into a new state: account the old one, record the change. */
void
trace_state(struct trace *tr, unsigned lane, enum state st)
{
	trace_state_at(tr, lane, st, trace_now(tr));
}

/*
 * Move a lane into st unless it is there already: for waits that may be
 * entered again and again (a timed condvar wait, a GIL retaken), where each
 * repeat would be an event that changes nothing.  The lane's writer only.
 */
void
trace_enter(struct trace *tr, unsigned lane, enum state st)
{
	if (tr->lanes[lane].state != (uint32_t)st)
		trace_state(tr, lane, st);
}

/*
 * The same, at a time the caller read earlier (trace_now()): a worker that
 * only learns afterwards that a wait was long enough to show uses this.
 */
void
trace_state_at(struct trace *tr, unsigned lane, enum state st, uint64_t now)
{
	struct trace_lane	*l = &tr->lanes[lane];
	int			 cpu;

	if (l->state != STATE_NONE && now > l->since)
		l->state_ns[l->state] += now - l->since;
	l->state = st;
	l->since = now;
	cpu = trace_core(l);
	if (tr->hdr->recording)
		trace_append(tr, lane, now, EV_STATE, st, cpu, 0);
}

/*
 * Count ns spent in state st within the lane's current state span, with no
 * event: a wait too short to draw still counts in the lane's figures.  The
 * current state's clock moves on by ns, so that span is not counted twice.
 * Only the lane's writer calls this, after the wait, before its next state.
 */
void
trace_account(struct trace *tr, unsigned lane, enum state st, uint64_t ns)
{
	struct trace_lane	*l = &tr->lanes[lane];

	l->state_ns[st] += ns;
	l->since += ns;
}

/*
 * Record a point event.  EV_CPU is only stored when the core changed, so a
 * worker may call it often to feed the per-core view.
 */
void
trace_point(struct trace *tr, unsigned lane, enum ev_kind kind, int64_t arg)
{
	struct trace_lane	*l = &tr->lanes[lane];
	int			 old = l->last_cpu, cpu;

	cpu = trace_core(l);
	if (kind == EV_CPU) {
		if (cpu == old)
			return;
		arg = cpu;
	}
	if (tr->hdr->recording)
		trace_append(tr, lane, trace_now(tr), kind, STATE_NONE, cpu,
		    arg);
}

/* Record the CPU time a lane's worker used, when it finishes. */
void
trace_lane_cpu(struct trace *tr, unsigned lane, uint64_t ns)
{
	tr->lanes[lane].cpu_ns = ns;
}

/* Record which process writes a lane (spawned and forked children). */
void
trace_lane_pid(struct trace *tr, unsigned lane, pid_t pid)
{
	atomic_store_explicit(&tr->lanes[lane].pid, (int32_t)pid,
	    memory_order_relaxed);
}

/* How many lanes the trace has. */
unsigned
trace_lanes(const struct trace *tr)
{
	return tr->hdr->nlanes;
}

/* The most events one lane can hold, if the pool lasts (its table's). */
uint64_t
trace_capacity(const struct trace *tr)
{
	uint64_t	n = (uint64_t)tr->hdr->nchunks;

	if (n > tr->hdr->lane_chunks)
		n = tr->hdr->lane_chunks;
	return n << tr->shift;
}

/* A lane's header, for reading: its writers go through trace_state() &c. */
const struct trace_lane *
trace_lane(const struct trace *tr, unsigned lane)
{
	return &tr->lanes[lane];
}

/*
 * A lane's header for writing its accounting: its single writer's view, or
 * a loader's (runfile.c) before the trace is published.
 */
struct trace_lane *
trace_lane_writer(struct trace *tr, unsigned lane)
{
	return &tr->lanes[lane];
}

/* Events published on a lane so far; every slot below is readable. */
uint64_t
trace_count(const struct trace *tr, unsigned lane)
{
	return atomic_load_explicit(&tr->lanes[lane].head,
	    memory_order_acquire);
}

/* Event i of a lane; i must be below trace_count(). */
const struct trace_event *
trace_event(const struct trace *tr, unsigned lane, uint64_t i)
{
	return trace_slot(tr, lane, i);
}

/* Events stored on all lanes. */
uint64_t
trace_total_events(const struct trace *tr)
{
	uint64_t	n = 0;
	unsigned	i;

	for (i = 0; i < tr->hdr->nlanes; i++)
		n += trace_count(tr, i);
	return n;
}

/* Events lost to full lanes, on all lanes. */
uint64_t
trace_total_dropped(const struct trace *tr)
{
	uint64_t	n = 0;
	unsigned	i;

	for (i = 0; i < tr->hdr->nlanes; i++)
		n += atomic_load_explicit(&tr->lanes[i].dropped,
		    memory_order_relaxed);
	return n;
}

/* The size of the shared mapping, for the summary. */
size_t
trace_mapping_bytes(const struct trace *tr)
{
	return tr->size;
}
