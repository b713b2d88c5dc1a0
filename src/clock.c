/*
 * clock.c -- monotonic nanoseconds, read cheaply, and a fake clock for tests.
 *
 * Everything parlab times goes through clock_ns(), and a recorded event
 * costs little more than one read of it.  CLOCK_MONOTONIC through the vDSO
 * costs about 27 ns on a VM whose kernel clock is kvm-clock, because each
 * read goes through the hypervisor's per-CPU time page.  Where the CPU's
 * time-stamp counter ticks at a constant rate in every power state
 * (constant_tsc and nonstop_tsc in /proc/cpuinfo, x86-64 only), clock_ns()
 * reads the TSC itself and converts it:
 *
 *	ns = ns0 + (tsc - tsc0) * mult / 2^32
 *
 * with (tsc0, ns0) and mult calibrated once against CLOCK_MONOTONIC: two
 * anchors CLOCK_CAL_NS apart, each the tightest of several TSC reads that
 * bracket one clock_gettime().  So the values are CLOCK_MONOTONIC
 * nanoseconds, off by the anchor's error (tens of ns) plus the rate's
 * error (a few parts per million) times the time since calibration; nothing
 * in parlab mixes clock_ns() with the kernel's clock (deadlines are taken
 * from clock_gettime()), so only that rate error shows, in durations.
 *
 * clock_ns() is compared across processes (a worker process stamps when its
 * result was ready; the parent subtracts).  A forked child inherits the
 * calibration with its memory; a spawned (exec'd) child takes the parent's
 * from the trace's header (clock_adopt(), called by trace_attach()), so
 * both sides convert the same counter with the same function.  What is left
 * is how far apart the CPUs' counters are, which bench/bench_trace measures
 * (cross_cpu_ns).  The read is ordered (LFENCE before RDTSC, as the kernel
 * does it): an event stamped after a lock was taken is not stamped before
 * the release it waited for.
 *
 * Elsewhere, when the flags are missing, when calibration looks wrong, or
 * when PARLAB_CLOCK=monotonic asks for it, clock_ns() is clock_gettime().
 * Calibration runs once (pthread_once), on the first read; the mode it
 * publishes is one acquire load on the hot path, which also carries the
 * fake clock's flag.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parlab.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <x86intrin.h>
#define CLOCK_HAVE_TSC	1
#else
#define CLOCK_HAVE_TSC	0
#endif

#define CLOCK_CAL_NS	(5 * 1000 * 1000)	/* between the two anchors */
#define CLOCK_CAL_TRIES	16	/* reads per anchor; the tightest wins */
/* A counter between 100 MHz and 20 GHz, or something is wrong. */
#define CLOCK_MULT_MAX	((uint64_t)10 << 32)	/* ns a tick, << 32 */
#define CLOCK_MULT_MIN	(((uint64_t)1 << 32) / 20)

/* The mode: how to read (CLOCK_KIND_*), or-ed with CLOCK_FAKE. */
#define CLOCK_FAKE	4

static _Atomic int	clock_mode;
static struct clock_cal	clock_cal;	/* written before clock_mode */
static struct clock_cal	clock_adopted;	/* a spawned child's, if any */
#if CLOCK_HAVE_TSC
static uint64_t		clock_base;	/* ns0 less tsc0's nanoseconds */
#endif
static pthread_once_t	clock_once = PTHREAD_ONCE_INIT;
static _Atomic uint64_t	clock_fake_now;

/* CLOCK_MONOTONIC in nanoseconds. */
static uint64_t
clock_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

#if CLOCK_HAVE_TSC
/* The TSC, read after every earlier instruction has completed. */
static inline uint64_t
clock_tsc(void)
{
	_mm_lfence();
	return __rdtsc();
}

/*
 * A TSC reading in CLOCK_MONOTONIC nanoseconds: base + tsc * mult / 2^32,
 * where base folds in the anchor (clock_rebase()).  Unsigned arithmetic
 * wraps, so a reading a hair below tsc0 (another CPU's) still converts.
 */
static inline uint64_t
clock_tsc_ns(uint64_t tsc)
{
	return clock_base + (uint64_t)(((unsigned __int128)tsc *
	    clock_cal.mult) >> 32);
}

/* Fold the calibration's anchor into clock_base. */
static void
clock_rebase(void)
{
	clock_base = clock_cal.ns0 - (uint64_t)(((unsigned __int128)
	    clock_cal.tsc0 * clock_cal.mult) >> 32);
}

/* Whether the environment asks for clock_gettime() (PARLAB_CLOCK). */
static int
clock_env_monotonic(void)
{
	const char	*env = getenv("PARLAB_CLOCK");

	return env != NULL && strcmp(env, "monotonic") == 0;
}

/* Whether /proc/cpuinfo says the TSC ticks at one rate, always. */
static int
clock_tsc_flags(void)
{
	char	 line[8192];
	FILE	*f;
	int	 ok = 0;

	if ((f = fopen("/proc/cpuinfo", "re")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		ok = strstr(line, " constant_tsc") != NULL &&
		    strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	fclose(f);
	return ok;
}

/*
 * One anchor: a CLOCK_MONOTONIC reading and the TSC at the same moment,
 * the midpoint of the tightest of CLOCK_CAL_TRIES brackets (a bracket that
 * a preemption or an interrupt widened loses).
 */
static void
clock_anchor(uint64_t *tsc, uint64_t *ns)
{
	uint64_t	a, b, m, best = UINT64_MAX;
	int		i;

	for (i = 0; i < CLOCK_CAL_TRIES; i++) {
		a = clock_tsc();
		m = clock_mono();
		b = clock_tsc();
		if (b >= a && b - a < best) {
			best = b - a;
			*tsc = a + (b - a) / 2;
			*ns = m;
		}
	}
}

/* Calibrate the TSC into c; -1 if its rate looks wrong. */
static int
clock_tsc_calibrate(struct clock_cal *c)
{
	uint64_t	t1 = 0, n1 = 0, t2 = 0, n2 = 0;
	unsigned __int128 mult;

	clock_anchor(&t1, &n1);
	clock_sleep_ns(CLOCK_CAL_NS);
	clock_anchor(&t2, &n2);
	if (t2 <= t1 || n2 <= n1)
		return -1;
	mult = ((unsigned __int128)(n2 - n1) << 32) / (t2 - t1);
	if (mult > CLOCK_MULT_MAX || mult < CLOCK_MULT_MIN)
		return -1;
	c->tsc0 = t2;
	c->ns0 = n2;
	c->mult = (uint64_t)mult;
	c->kind = CLOCK_KIND_TSC;
	return 0;
}
#endif

/* Choose how to read the clock, once per process. */
static void
clock_setup(void)
{
	struct clock_cal	c;

	memset(&c, 0, sizeof c);
	c.kind = CLOCK_KIND_MONOTONIC;
#if CLOCK_HAVE_TSC
	if (clock_adopted.kind != 0)
		c = clock_adopted;
	else if (clock_env_monotonic() || !clock_tsc_flags() ||
	    clock_tsc_calibrate(&c) != 0) {
		memset(&c, 0, sizeof c);
		c.kind = CLOCK_KIND_MONOTONIC;
	}
#else
	if (clock_adopted.kind != 0)
		c = clock_adopted;
#endif
	clock_cal = c;
#if CLOCK_HAVE_TSC
	clock_rebase();
#endif
	atomic_fetch_or_explicit(&clock_mode, c.kind, memory_order_release);
}

/* The clock when the hot path's test fails: not the TSC, or fake. */
static __attribute__((noinline)) uint64_t
clock_ns_slow(int mode)
{
	if (mode & CLOCK_FAKE)
		return atomic_load(&clock_fake_now);
	if (mode == 0) {
		pthread_once(&clock_once, clock_setup);
		return clock_ns();
	}
	return clock_mono();
}

/* Now, in CLOCK_MONOTONIC nanoseconds (or the fake clock's). */
uint64_t
clock_ns(void)
{
	int	mode = atomic_load_explicit(&clock_mode, memory_order_acquire);

#if CLOCK_HAVE_TSC
	if (mode == CLOCK_KIND_TSC)
		return clock_tsc_ns(clock_tsc());
#endif
	return clock_ns_slow(mode);
}

/* This process's calibration, for a child that cannot inherit it. */
void
clock_save(struct clock_cal *c)
{
	pthread_once(&clock_once, clock_setup);
	*c = clock_cal;
}

/*
 * Read the clock as another process does, by its saved calibration: a
 * spawned child, so that its stamps and its parent's compare.  Only while
 * no other thread of this process reads the clock (the child's worker has
 * not started).  A TSC calibration this process cannot use (PARLAB_CLOCK
 * says otherwise, or not x86-64) leaves the clock as it is.
 */
void
clock_adopt(const struct clock_cal *c)
{
	int	fake;

	if (c->kind != CLOCK_KIND_TSC && c->kind != CLOCK_KIND_MONOTONIC)
		return;
#if CLOCK_HAVE_TSC
	if (c->kind == CLOCK_KIND_TSC && (clock_env_monotonic() ||
	    c->mult > CLOCK_MULT_MAX || c->mult < CLOCK_MULT_MIN))
		return;
#else
	if (c->kind == CLOCK_KIND_TSC)
		return;
#endif
	/* A child that has not read the clock yet skips calibrating. */
	clock_adopted = *c;
	pthread_once(&clock_once, clock_setup);
	if (memcmp(c, &clock_cal, sizeof *c) == 0)
		return;
	clock_cal = *c;
#if CLOCK_HAVE_TSC
	clock_rebase();
#endif
	fake = atomic_load(&clock_mode) & CLOCK_FAKE;
	atomic_store(&clock_mode, c->kind | fake);
}

/* Which way clock_ns() reads: CLOCK_KIND_TSC or CLOCK_KIND_MONOTONIC. */
int
clock_kind(void)
{
	pthread_once(&clock_once, clock_setup);
	return clock_cal.kind;
}

/* Switch to the fake clock and set it. */
void
clock_fake_set(uint64_t ns)
{
	atomic_store(&clock_fake_now, ns);
	atomic_fetch_or(&clock_mode, CLOCK_FAKE);
}

/* Move the fake clock forward. */
void
clock_fake_advance(uint64_t ns)
{
	atomic_fetch_add(&clock_fake_now, ns);
}

/* Go back to the real clock. */
void
clock_fake_off(void)
{
	atomic_fetch_and(&clock_mode, ~CLOCK_FAKE);
}

/* Sleep for ns on the real clock, resuming after signals. */
void
clock_sleep_ns(uint64_t ns)
{
	struct timespec	ts;

	ts.tv_sec = ns / NS_PER_SEC;
	ts.tv_nsec = ns % NS_PER_SEC;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The CPU time the calling thread has used. */
uint64_t
clock_thread_cpu_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}
