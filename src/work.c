/*
 * work.c -- calibrated CPU "bytecode" units and blocking I/O waits.
 *
 * A unit is a short arithmetic loop whose length is calibrated once per
 * process to take about a microsecond, standing for a handful of Python
 * bytecodes.  work_cpu() runs units and calls the GIL's safe point between
 * them, as the interpreter's loop back-edge would; every 1024 units it
 * samples the core (for the per-core view) and checks for a stop request,
 * so a long run stops within about a millisecond of being asked.
 * work_io() really blocks (nanosleep) with the GIL released, as a blocking
 * system call does in CPython.
 */

#include "config.h"

#include "parlab.h"

static pthread_once_t	work_once = PTHREAD_ONCE_INIT;
static unsigned		work_iters = 200;	/* loop length of one unit */

/* A unit's body; volatile keeps the compiler from folding it away. */
static inline void
work_loop(unsigned n)
{
	volatile uint64_t	x = 88172645463325252ULL;
	unsigned		i;

	for (i = 0; i < n; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
}

/* Measure how many loop steps take one microsecond (best of five). */
static void
work_measure(void)
{
	uint64_t	t0, dt, best = UINT64_MAX;
	const unsigned	probe = 200000;
	int		i;

	for (i = 0; i < 5; i++) {
		t0 = clock_ns();
		work_loop(probe);
		dt = clock_ns() - t0;
		if (dt > 0 && dt < best)
			best = dt;
	}
	if (best != UINT64_MAX && best > 0)
		work_iters = (unsigned)((uint64_t)probe * 1000 / best);
	if (work_iters < 1)
		work_iters = 1;
}

/* Calibrate the unit once per process (cheap to call again). */
void
work_calibrate(void)
{
	pthread_once(&work_once, work_measure);
}

/* About how many units run in a millisecond on an idle core. */
uint64_t
work_units_per_ms(void)
{
	work_calibrate();
	return 1000;
}

/*
 * The cost of one small Python statement, about 50 ns (a twentieth of a
 * unit): CPython runs `value = value + 1` in about that time.
 */
void
work_statement(void)
{
	work_loop(work_iters / 20 + 1);
}

/* One unit of CPU work, about a microsecond. */
void
work_unit(void)
{
	work_loop(work_iters);
}

/*
 * Run n units of CPU work for w, honouring its GIL's safe points.  Returns
 * -1 if the run was asked to stop before the work was done.
 */
int
work_cpu(struct worker *w, uint64_t n)
{
	uint64_t	i;

	for (i = 0; i < n; i++) {
		work_loop(work_iters);
		gil_safepoint(w->gil, w);
		if ((i & 1023) == 1023) {
			trace_point(w->trace, w->lane, EV_CPU, 0);
			if (run_stopping(w->run))
				return -1;
		}
	}
	return 0;
}

/*
 * Block for ns as a blocking read or sleep would: release the GIL, show the
 * lane in io, sleep, then take the GIL back (showing any wait for it).
 */
void
work_io(struct worker *w, uint64_t ns)
{
	gil_drop(w->gil, w);
	trace_state(w->trace, w->lane, STATE_IO);
	/* A long sleep is taken in slices, so a stop ends it promptly. */
	if (w->run == NULL || ns <= AIO_SLICE_NS)
		clock_sleep_ns(ns);
	else
		aio_block(w->run, ns);
	gil_take(w->gil, w);
}

/* Busy-wait for ns on the clock: CPU work that is not unit-calibrated. */
void
work_spin_ns(uint64_t ns)
{
	uint64_t	end = clock_ns() + ns;

	while (clock_ns() < end)
		work_loop(16);
}
