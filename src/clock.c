/*
 * clock.c -- monotonic nanoseconds, and a fake clock for tests.
 *
 * Everything parlab times goes through clock_ns().  CLOCK_MONOTONIC is read
 * through the vDSO (no system call: about 25 ns here), and it is the same
 * clock in every process, so children's events line up with the parent's.
 * Tests may switch to a fake clock that only moves when told to; the switch
 * is one relaxed flag check on the hot path.
 */

#include "config.h"

#include <errno.h>
#include <time.h>

#include "parlab.h"

static atomic_int	clock_is_fake;
static _Atomic uint64_t	clock_fake_now;

/* Now, in nanoseconds on the monotonic clock (or the fake one). */
uint64_t
clock_ns(void)
{
	struct timespec	ts;

	if (atomic_load_explicit(&clock_is_fake, memory_order_relaxed))
		return atomic_load(&clock_fake_now);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Switch to the fake clock and set it. */
void
clock_fake_set(uint64_t ns)
{
	atomic_store(&clock_fake_now, ns);
	atomic_store(&clock_is_fake, 1);
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
	atomic_store(&clock_is_fake, 0);
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
