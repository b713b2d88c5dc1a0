/*
 * evloop.c -- a small single-threaded event loop, in the shape of redis ae.c.
 *
 * The loop owns two kinds of events.  File events: a handler per fd and
 * direction (read, write), kept in an array indexed by fd up to the set
 * size given at creation, exactly as ae does.  Timer events: a callback due
 * at a time on clock_ns(); it returns the interval to its next firing, or
 * EVLOOP_NOMORE to be deleted.
 *
 * One pass:
 *   1. the before hook (asyncio runs its ready callbacks here; it may say
 *      more work is pending, and then the pass must not block);
 *   2. wait in poll() until the nearest timer is due or an fd is ready;
 *   3. the after hook, then the file handlers of the ready fds;
 *   4. the timers that are due, each once.
 * Everything runs on the one thread that calls evloop_pass(): a handler
 * that blocks stalls every other event, which is the point the async demo
 * makes.  The loop measures that: max_busy_ns is the longest stretch spent
 * away from poll() (the loop could not notice anything), max_late_ns the
 * latest a timer fired after its due time.
 *
 * Timers live in a binary min-heap ordered by (due time, sequence number),
 * so the nearest is found in O(1) and adding or deleting one is O(log n);
 * ae keeps an unsorted list and scans it, O(n), which is fine for its few
 * timers but not for the ten thousand sleeping tasks of the async demo.
 * The sequence number makes timers due at the same time fire in the order
 * they were added, and lets a pass skip the timers (re)armed during it, so
 * a callback returning 0 runs once per pass, not forever.  A timer's id
 * carries its slot and a generation, so a stale id never deletes a newer
 * timer that reused the slot.
 *
 * The backend is poll(): the pollfd array is rebuilt each pass from the
 * file table, O(highest fd).  A demo registers one or two fds, so this is
 * cheaper than epoll's extra system calls; with many fds epoll would win.
 */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

struct evfile {
	int		 mask;		/* EVLOOP_READ | EVLOOP_WRITE */
	evloop_file_fn	*rfn;
	evloop_file_fn	*wfn;
	void		*rarg;
	void		*warg;
};

struct evtimer {
	uint64_t	 when;		/* due, on clock_ns() */
	uint64_t	 seq;		/* order armed: ties fire so */
	evloop_timer_fn	*fn;		/* NULL: the slot is free */
	void		*arg;
	uint32_t	 gen;		/* bumped when the slot is freed */
	int32_t		 heap;		/* position in the heap, -1 if none */
	uint32_t	 next_free;
};

struct evloop {
	int		 setsize;	/* fds must be below this */
	int		 maxfd;		/* highest registered fd, -1 */
	struct evfile	*files;
	struct pollfd	*pfds;

	struct evtimer	*timers;	/* slots, indexed by id's low half */
	uint32_t	 nslots;
	uint32_t	 free_slot;	/* head of the free list, UINT32_MAX */
	uint32_t	*heap;		/* slot numbers, a min-heap */
	size_t		 nheap;
	uint64_t	 seq;

	int		 stop;
	int		 idle;		/* last pass had nothing to wait for */
	evloop_hook_fn	*before;
	void		*before_arg;
	evloop_hook_fn	*after;
	void		*after_arg;
	uint64_t	 last_wake;	/* when poll() last returned */
	struct evloop_stats st;
};

#define EVLOOP_NO_SLOT	UINT32_MAX

/* Make a loop for fds below setsize. */
struct evloop *
evloop_create(int setsize)
{
	struct evloop	*loop;

	if (setsize < 1)
		setsize = 1;
	loop = xcalloc(1, sizeof *loop);
	loop->setsize = setsize;
	loop->maxfd = -1;
	loop->files = xcalloc((size_t)setsize, sizeof *loop->files);
	loop->pfds = xcalloc((size_t)setsize, sizeof *loop->pfds);
	loop->free_slot = EVLOOP_NO_SLOT;
	return loop;
}

/* Free a loop; its fds are the caller's to close. */
void
evloop_destroy(struct evloop *loop)
{
	if (loop == NULL)
		return;
	free(loop->files);
	free(loop->pfds);
	free(loop->timers);
	free(loop->heap);
	free(loop);
}

/* Call fn when fd is ready for mask; one handler per fd and direction. */
int
evloop_file_add(struct evloop *loop, int fd, int mask, evloop_file_fn *fn,
    void *arg, char **cause)
{
	struct evfile	*f;

	if (fd < 0 || fd >= loop->setsize) {
		xasprintf(cause, "fd %d is outside the loop's set (0 to %d)",
		    fd, loop->setsize - 1);
		return -1;
	}
	f = &loop->files[fd];
	if (mask & EVLOOP_READ) {
		f->rfn = fn;
		f->rarg = arg;
	}
	if (mask & EVLOOP_WRITE) {
		f->wfn = fn;
		f->warg = arg;
	}
	f->mask |= mask;
	if (fd > loop->maxfd)
		loop->maxfd = fd;
	return 0;
}

/* Stop watching fd for mask; safe from inside its own handler. */
void
evloop_file_del(struct evloop *loop, int fd, int mask)
{
	if (fd < 0 || fd >= loop->setsize)
		return;
	loop->files[fd].mask &= ~mask;
	if (fd == loop->maxfd && loop->files[fd].mask == 0) {
		while (loop->maxfd >= 0 && loop->files[loop->maxfd].mask == 0)
			loop->maxfd--;
	}
}

/* Whether heap entry a fires before heap entry b. */
static int
evloop_earlier(const struct evloop *loop, uint32_t a, uint32_t b)
{
	const struct evtimer	*ta = &loop->timers[a], *tb = &loop->timers[b];

	if (ta->when != tb->when)
		return ta->when < tb->when;
	return ta->seq < tb->seq;
}

/* Put slot s at heap position i and tell it where it is. */
static void
evloop_heap_set(struct evloop *loop, size_t i, uint32_t s)
{
	loop->heap[i] = s;
	loop->timers[s].heap = (int32_t)i;
}

/* Move the entry at i up or down until the heap is ordered again. */
static void
evloop_heap_fix(struct evloop *loop, size_t i)
{
	uint32_t	s = loop->heap[i];
	size_t		parent, child;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (!evloop_earlier(loop, s, loop->heap[parent]))
			break;
		evloop_heap_set(loop, i, loop->heap[parent]);
		i = parent;
	}
	for (;;) {
		child = 2 * i + 1;
		if (child >= loop->nheap)
			break;
		if (child + 1 < loop->nheap && evloop_earlier(loop,
		    loop->heap[child + 1], loop->heap[child]))
			child++;
		if (!evloop_earlier(loop, loop->heap[child], s))
			break;
		evloop_heap_set(loop, i, loop->heap[child]);
		i = child;
	}
	evloop_heap_set(loop, i, s);
}

/* Take slot s out of the heap (it stays allocated). */
static void
evloop_heap_remove(struct evloop *loop, uint32_t s)
{
	size_t	i = (size_t)loop->timers[s].heap;
	uint32_t last;

	loop->timers[s].heap = -1;
	last = loop->heap[--loop->nheap];
	if (i < loop->nheap) {
		loop->heap[i] = last;
		evloop_heap_fix(loop, i);
	}
}

/* Arm slot s to fire at when, after every timer already due then. */
static void
evloop_heap_push(struct evloop *loop, uint32_t s, uint64_t when)
{
	loop->timers[s].when = when;
	loop->timers[s].seq = loop->seq++;
	loop->heap[loop->nheap++] = s;
	evloop_heap_fix(loop, loop->nheap - 1);
}

/* The id naming slot s as it is now. */
static int64_t
evloop_timer_id(const struct evloop *loop, uint32_t s)
{
	return (int64_t)((uint64_t)loop->timers[s].gen << 32 | s);
}

/* Free slot s for reuse; ids naming it go stale. */
static void
evloop_slot_free(struct evloop *loop, uint32_t s)
{
	struct evtimer	*t = &loop->timers[s];

	t->fn = NULL;
	t->arg = NULL;
	t->gen++;
	t->next_free = loop->free_slot;
	loop->free_slot = s;
}

/*
 * Call fn(loop, id, arg) ns from now; returns the timer's id (always > 0).
 * The slot array and the heap grow by doubling: O(1) amortised.
 */
int64_t
evloop_timer_add(struct evloop *loop, uint64_t ns, evloop_timer_fn *fn,
    void *arg)
{
	uint32_t	s, i, n;

	if (loop->free_slot == EVLOOP_NO_SLOT) {
		n = loop->nslots ? loop->nslots * 2 : 16;
		loop->timers = xreallocarray(loop->timers, n,
		    sizeof *loop->timers);
		loop->heap = xreallocarray(loop->heap, n, sizeof *loop->heap);
		for (i = n; i > loop->nslots; i--) {
			memset(&loop->timers[i - 1], 0, sizeof *loop->timers);
			loop->timers[i - 1].gen = 1;
			loop->timers[i - 1].heap = -1;
			loop->timers[i - 1].next_free = loop->free_slot;
			loop->free_slot = i - 1;
		}
		loop->nslots = n;
	}
	s = loop->free_slot;
	loop->free_slot = loop->timers[s].next_free;
	loop->timers[s].fn = fn;
	loop->timers[s].arg = arg;
	evloop_heap_push(loop, s, clock_ns() + ns);
	return evloop_timer_id(loop, s);
}

/*
 * Delete a timer by id; -1 if it no longer exists.  Safe from any callback,
 * the timer's own included (its return value is then ignored).
 */
int
evloop_timer_del(struct evloop *loop, int64_t id)
{
	uint32_t	s = (uint32_t)((uint64_t)id & 0xffffffffu);

	if (id <= 0 || s >= loop->nslots || loop->timers[s].fn == NULL ||
	    evloop_timer_id(loop, s) != id)
		return -1;
	if (loop->timers[s].heap >= 0)
		evloop_heap_remove(loop, s);
	evloop_slot_free(loop, s);
	return 0;
}

/* How many timers are armed. */
size_t
evloop_timers(const struct evloop *loop)
{
	return loop->nheap;
}

/*
 * Call fn at the start of each pass; if it returns nonzero (more work is
 * pending) the pass polls without blocking.
 */
void
evloop_set_before(struct evloop *loop, evloop_hook_fn *fn, void *arg)
{
	loop->before = fn;
	loop->before_arg = arg;
}

/* Call fn each time poll() returns, before any handler. */
void
evloop_set_after(struct evloop *loop, evloop_hook_fn *fn, void *arg)
{
	loop->after = fn;
	loop->after_arg = arg;
}

/* How long poll() may block: until the nearest timer, ms rounded up. */
static int
evloop_timeout(const struct evloop *loop, uint64_t now)
{
	uint64_t	when, ms;

	if (loop->nheap == 0)
		return -1;
	when = loop->timers[loop->heap[0]].when;
	if (when <= now)
		return 0;
	/* Rounded up: waking early would only spin for the remainder. */
	ms = (when - now + NS_PER_MS - 1) / NS_PER_MS;
	return ms > 3600000 ? 3600000 : (int)ms;
}

/* Wait in poll() and call the handlers of the fds that are ready. */
static int
evloop_poll(struct evloop *loop, int timeout)
{
	struct pollfd	*p;
	struct evfile	*f;
	int		 fd, n = 0, nready, processed = 0;
	uint64_t	 now;

	for (fd = 0; fd <= loop->maxfd; fd++) {
		if (loop->files[fd].mask == 0)
			continue;
		p = &loop->pfds[n++];
		p->fd = fd;
		f = &loop->files[fd];
		p->events = ((f->mask & EVLOOP_READ) ? POLLIN : 0) |
		    ((f->mask & EVLOOP_WRITE) ? POLLOUT : 0);
		p->revents = 0;
	}
	now = clock_ns();
	if (now - loop->last_wake > loop->st.max_busy_ns)
		loop->st.max_busy_ns = now - loop->last_wake;
	nready = poll(loop->pfds, (nfds_t)n, timeout);
	if (nready == -1 && errno != EINTR)
		fatal("poll: %s", strerror(errno));
	loop->last_wake = clock_ns();
	if (loop->after != NULL)
		loop->after(loop, loop->after_arg);
	for (p = loop->pfds; nready > 0 && p < loop->pfds + n; p++) {
		if (p->revents == 0)
			continue;
		f = &loop->files[p->fd];
		/* A hang-up or an error counts as readable: read() tells. */
		if ((f->mask & EVLOOP_READ) &&
		    (p->revents & (POLLIN | POLLHUP | POLLERR))) {
			f->rfn(loop, p->fd, EVLOOP_READ, f->rarg);
			processed++;
		}
		/* Re-read the mask: the read handler may have removed it. */
		if ((f->mask & EVLOOP_WRITE) &&
		    (p->revents & (POLLOUT | POLLERR))) {
			f->wfn(loop, p->fd, EVLOOP_WRITE, f->warg);
			processed++;
		}
	}
	loop->st.files_fired += (uint64_t)processed;
	return processed;
}

/*
 * Call each timer due now, once.  A callback may add and delete timers;
 * those armed during this pass wait for the next one.
 */
static int
evloop_fire_timers(struct evloop *loop)
{
	struct evtimer	*t;
	uint64_t	 now = clock_ns(), maxseq = loop->seq;
	int64_t		 id, next;
	uint32_t	 s;
	int		 processed = 0;

	while (loop->nheap > 0) {
		s = loop->heap[0];
		t = &loop->timers[s];
		if (t->when > now || t->seq >= maxseq)
			break;
		if (now - t->when > loop->st.max_late_ns)
			loop->st.max_late_ns = now - t->when;
		evloop_heap_remove(loop, s);
		id = evloop_timer_id(loop, s);
		next = t->fn(loop, id, t->arg);
		processed++;
		/* The callback may have moved the slots, or deleted it. */
		t = &loop->timers[s];
		if (t->fn == NULL || evloop_timer_id(loop, s) != id)
			continue;
		if (next == EVLOOP_NOMORE || next < 0)
			evloop_slot_free(loop, s);
		else
			evloop_heap_push(loop, s, clock_ns() + (uint64_t)next);
	}
	loop->st.timers_fired += (uint64_t)processed;
	return processed;
}

/*
 * One pass of the loop; returns how many handlers and timers ran.  flags
 * EVLOOP_DONT_WAIT polls without blocking (tests drive the fake clock so).
 */
int
evloop_pass(struct evloop *loop, int flags)
{
	int	pending = 0, timeout, processed;

	if (loop->last_wake == 0)
		loop->last_wake = clock_ns();
	loop->st.passes++;
	if (loop->before != NULL)
		pending = loop->before(loop, loop->before_arg);
	if (loop->stop)
		return 0;
	if (pending || (flags & EVLOOP_DONT_WAIT))
		timeout = 0;
	else
		timeout = evloop_timeout(loop, clock_ns());
	/* Nothing to wait for would block forever: say so instead. */
	loop->idle = timeout == -1 && loop->maxfd == -1;
	if (loop->idle)
		return 0;
	processed = evloop_poll(loop, timeout);
	processed += evloop_fire_timers(loop);
	return processed;
}

/* Run passes until evloop_stop(), or until nothing is left to wait for. */
void
evloop_run(struct evloop *loop)
{
	loop->stop = 0;
	while (!loop->stop) {
		evloop_pass(loop, 0);
		if (loop->idle)
			break;
	}
}

/* Make evloop_run() return after the current pass. */
void
evloop_stop(struct evloop *loop)
{
	loop->stop = 1;
}

/* The loop's counters and its worst stall so far. */
void
evloop_stats(const struct evloop *loop, struct evloop_stats *st)
{
	*st = loop->st;
}
