/*
 * pyboot.c -- what CPython's multiprocessing spends before a child's target
 * runs, modelled for parlab's worker processes.
 *
 * parlab starts a child honestly cheaper than CPython does: a fork copies a
 * small C process, a spawn execs parlab with no interpreter to boot.  So a
 * child first replays what a CPython 3.11 child does in that time, in the
 * two currencies it pays in:
 *
 * Memory.  Counted with getrusage() at the target's first line (CPython
 * 3.11.7, Linux x86-64, twin_procs.py's kind of program): a forked child
 * dirties about 390 pages of the heap it inherited (reference counts and
 * GC links of the objects it touches, each page a copy-on-write fault),
 * from a parent 15 MiB resident; a spawned child touches about 2370 fresh
 * pages (1950 for the bare interpreter, the rest importing multiprocessing
 * and the main module again).  So before forking, the parent holds a heap
 * of PYBOOT_HEAP_MB, CPython's 15 MiB less parlab's own 2.5, which every
 * fork must map copy-on-write; a forked child writes to PYBOOT_FORK_PAGES
 * of it, a spawned one to PYBOOT_SPAWN_PAGES new pages (each count less the
 * pages parlab's own child touches anyway).  Page counts do not depend on
 * the machine, their cost does: on a virtual machine whose page faults are
 * slow it is most of a CPython child's start, and now of parlab's too.
 *
 * CPU.  Calibrated work for the user CPU time a CPython child has spent by
 * its target's first line (getrusage() again, 9 runs interleaved with
 * parlab's calibrated work to express it in calibrated milliseconds: 1 ms
 * of it took 1.12 ms of user time in those runs, on both days below):
 * after a fork 8.1 ms of user time (the Process object, _bootstrap), 7 ms
 * calibrated, and 7.5 ms a week later; after a spawn (the interpreter's
 * start-up, importing multiprocessing and the main module, unpickling the
 * target) 96 ms on one day, 86 calibrated, and 48-65 ms (median 57, 51
 * calibrated) a week later on the same kind of machine, with the same page
 * counts: the interpreter's own code slows with the host far more than a
 * calibrated loop does.  No single figure holds on both days, so the model
 * takes their middle, PYBOOT_SPAWN_MS (20 % under the one, 35 % over the
 * other).  The system time is the page faults above, which parlab's child
 * takes too.
 *
 * The parent's side.  After each fork, CPython's Process.start() goes on in
 * the parent for 8-10 ms and writes to about 97 pages it now shares with
 * the child (90 and 104 counted with getrusage() around start(), for a
 * first and a second child), each a copy-on-write fault again; parlab's
 * own start of a child writes to about 7.  So after forking, parlab's
 * parent writes to PYBOOT_PARENT_PAGES of its heap too.  That spaces the
 * children as CPython's are (the second is asked for only after the first
 * start() returns) and makes the first child's start share the machine
 * with it.
 *
 * How a page is written matters on a virtual machine whose page tables the
 * hypervisor shadows: an increment reads the shared page before it writes
 * it and costs a second trip (360 pages, with a second child doing the
 * same: 33-37 ms by increments, 11-13 ms by plain stores; 9-10 ms by
 * increments for a child alone).  CPython's children pay what stores do
 * (441 pages in 11-15 ms in that test, written from Python), so the model
 * stores.
 *
 * The resource tracker.  A spawn-started program with a Queue (a semaphore)
 * starts one more interpreter as its first child starts, multiprocessing's
 * resource tracker, which boots beside the children and competes with them
 * for the cores.  The parent models it with a thread doing a spawned
 * child's start, pages and CPU, from just before the first child starts.
 *
 * The child times the model, so a summary can say which part of a start
 * was parlab's own (measured) and which CPython's (modelled).
 */

#include "config.h"

#include <sys/mman.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

#define PYBOOT_HEAP_MB		12	/* CPython parent's heap, beyond parlab's */
#define PYBOOT_FORK_PAGES	360	/* dirtied after a fork: 390 less ~30 */
#define PYBOOT_PARENT_PAGES	90	/* by the parent after it: 97 less ~7 */
#define PYBOOT_SPAWN_PAGES	2260	/* touched after a spawn: 2370 less ~110 */
#define PYBOOT_FORK_MS		7	/* CPU after a fork */
#define PYBOOT_SPAWN_MS		69	/* CPU after a spawn: 86 and 51 */

static unsigned char	*pyboot_heap;	/* the parent's, inherited by a fork */
static size_t		 pyboot_heap_len;
static pthread_t	 pyboot_tracker;	/* the resource tracker's start */
static int		 pyboot_tracking;	/* whether it was started */

/* The page size, once. */
static size_t
pyboot_page(void)
{
	long	n = sysconf(_SC_PAGESIZE);

	return n > 0 ? (size_t)n : 4096;
}

/*
 * In the parent, before forking: hold a heap the size of CPython's, every
 * page resident (MAP_POPULATE where there is one), so a fork copies its
 * mappings as it would CPython's.  -1 if it cannot be had.
 */
int
pyboot_heap_create(char **cause)
{
	size_t	len = (size_t)PYBOOT_HEAP_MB * 1024 * 1024, i;
	int	flags = MAP_PRIVATE | MAP_ANONYMOUS;
	void	*p;

#ifdef MAP_POPULATE
	flags |= MAP_POPULATE;
#endif
	if (pyboot_heap != NULL)
		return 0;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED) {
		xasprintf(cause, "cannot map the modelled interpreter heap "
		    "(%d MiB)", PYBOOT_HEAP_MB);
		return -1;
	}
	pyboot_heap = p;
	pyboot_heap_len = len;
	/* Without MAP_POPULATE this faults every page in; with it, none. */
	for (i = 0; i < len; i += pyboot_page())
		pyboot_heap[i] = 1;
	return 0;
}

/* In the parent, once its forked children are gone: drop the heap. */
void
pyboot_heap_free(void)
{
	if (pyboot_heap != NULL)
		munmap(pyboot_heap, pyboot_heap_len);
	pyboot_heap = NULL;
	pyboot_heap_len = 0;
}

/*
 * Write to n pages from base, stride bytes apart: plain stores, not
 * increments (see above), volatile so they happen.
 */
static void
pyboot_touch(unsigned char *base, size_t n, size_t stride)
{
	volatile unsigned char	*p = base;
	size_t			 i;

	for (i = 0; i < n; i++)
		p[i * stride] = (unsigned char)i;
}

/*
 * A fresh interpreter's pages: map them and write to each.  They stay
 * mapped, as an interpreter's heap does, until the process ends.
 */
static void
pyboot_fresh_pages(void)
{
	size_t	 page = pyboot_page();
	void	*fresh;

	fresh = mmap(NULL, PYBOOT_SPAWN_PAGES * page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fresh != MAP_FAILED)
		pyboot_touch(fresh, PYBOOT_SPAWN_PAGES, page);
}

/*
 * In a child, before its work: CPython's start after `how`, memory then
 * CPU.  *ns gets the time it took.  -1 if the run was asked to stop.
 */
int
pyboot_run(struct worker *w, enum proc_start how, uint64_t *ns)
{
	size_t		 page = pyboot_page(), n;
	uint64_t	 t0 = clock_ns();
	int		 error;

	if (how == PROC_FORK && pyboot_heap != NULL) {
		n = pyboot_heap_len / page;
		pyboot_touch(pyboot_heap, PYBOOT_FORK_PAGES, n /
		    PYBOOT_FORK_PAGES * page);
	} else if (how == PROC_SPAWN)
		pyboot_fresh_pages();
	error = work_cpu(w, (uint64_t)(how == PROC_SPAWN ? PYBOOT_SPAWN_MS :
	    PYBOOT_FORK_MS) * work_units_per_ms());
	*ns = clock_ns() - t0;
	return error;
}

/*
 * In the parent, just after forking a child: the parent's side of CPython's
 * Process.start(), its copy-on-write faults.  Its pages lie in the gaps
 * between the child's, spread over the heap, so each side copies its own.
 */
void
pyboot_forked(void)
{
	size_t	page = pyboot_page(), gap;

	if (pyboot_heap == NULL)
		return;
	gap = pyboot_heap_len / page / PYBOOT_FORK_PAGES;	/* the child's */
	pyboot_touch(pyboot_heap + gap / 2 * page, PYBOOT_PARENT_PAGES,
	    gap * (PYBOOT_FORK_PAGES / PYBOOT_PARENT_PAGES) * page);
}

/*
 * The resource tracker's start: a spawned interpreter's pages and CPU.  Its
 * pages are unmapped at once, as the tracker's are its own process's.
 */
static void *
pyboot_tracker_main(void *arg)
{
	size_t		 len = PYBOOT_SPAWN_PAGES * pyboot_page();
	uint64_t	 n = (uint64_t)PYBOOT_SPAWN_MS * work_units_per_ms();
	void		*fresh;

	(void)arg;
	fresh = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (fresh != MAP_FAILED) {
		pyboot_touch(fresh, PYBOOT_SPAWN_PAGES, pyboot_page());
		munmap(fresh, len);
	}
	while (n-- > 0)
		work_unit();
	return NULL;
}

/*
 * In the parent, just before the first spawned child: start the resource
 * tracker's modelled start beside it.  -1 if no thread can be had.
 */
int
pyboot_tracker_start(char **cause)
{
	int	error;

	if (pyboot_tracking)
		return 0;
	if ((error = pthread_create(&pyboot_tracker, NULL,
	    pyboot_tracker_main, NULL)) != 0) {
		xasprintf(cause, "cannot start the modelled resource tracker: "
		    "%s", strerror(error));
		return -1;
	}
	pyboot_tracking = 1;
	return 0;
}

/* In the parent, after the run: wait for the tracker's start to be done. */
void
pyboot_tracker_join(void)
{
	if (pyboot_tracking)
		pthread_join(pyboot_tracker, NULL);
	pyboot_tracking = 0;
}
