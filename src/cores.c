/*
 * cores.c -- how many cores parlab may use here, and saying so.
 *
 * A demo of parallel speedup shows its point only if its workers can run
 * at once.  The machine's core count is not the answer: a container or a
 * `taskset` may allow fewer.  Two limits apply, and the smaller wins:
 *
 *  - the affinity mask (sched_getaffinity): the cores the scheduler may put
 *    this process on at all;
 *  - the CPU quota of the process's cgroup: cgroup v2 `cpu.max` ("QUOTA
 *    PERIOD" or "max PERIOD"), cgroup v1 `cpu.cfs_quota_us` and
 *    `cpu.cfs_period_us` (-1: none).  A quota of 1.5 periods lets the group
 *    run 1.5 cores' worth, which rounds up to 2: it can still run two
 *    workers at once, part of the time.  Every ancestor's limit applies, so
 *    the whole path up to the root is read.
 *
 * The answer is read once per call (a few small files); demos call it once
 * per run.  cores_report() adds it to a run as `cores_available` and, when a
 * run that measures a speedup had more CPU-bound workers than cores to put
 * them on, one plain sentence (in the text summary and the TUI's notes)
 * saying why its speedup cannot show.
 */

#include "config.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

/* Read a small file's first line into buf; -1 if it cannot be read. */
static int
cores_read_line(const char *path, char *buf, size_t len)
{
	FILE	*f;
	int	 ok;

	if ((f = fopen(path, "re")) == NULL)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	return ok ? 0 : -1;
}

/* Cores a quota of quota per period allows (rounded up), or 0 for none. */
static unsigned
cores_from_quota(long long quota, long long period)
{
	if (quota <= 0 || period <= 0)
		return 0;
	return (unsigned)((quota + period - 1) / period);
}

/* The CPU limit of one cgroup directory, v2 or v1 file names; 0: none. */
static unsigned
cores_dir_quota(const char *dir, int v2)
{
	char		 path[4096], line[128];
	long long	 quota, period;

	if (v2) {
		snprintf(path, sizeof path, "%s/cpu.max", dir);
		if (cores_read_line(path, line, sizeof line) != 0 ||
		    strncmp(line, "max", 3) == 0 ||
		    sscanf(line, "%lld %lld", &quota, &period) != 2)
			return 0;
		return cores_from_quota(quota, period);
	}
	snprintf(path, sizeof path, "%s/cpu.cfs_quota_us", dir);
	if (cores_read_line(path, line, sizeof line) != 0 ||
	    sscanf(line, "%lld", &quota) != 1)
		return 0;
	snprintf(path, sizeof path, "%s/cpu.cfs_period_us", dir);
	if (cores_read_line(path, line, sizeof line) != 0 ||
	    sscanf(line, "%lld", &period) != 1)
		return 0;
	return cores_from_quota(quota, period);
}

/*
 * The smallest CPU limit on the path from the cgroup at rel (under root)
 * up to root itself; 0: none.
 */
static unsigned
cores_path_quota(const char *root, const char *rel, int v2)
{
	char		 dir[4096], *slash;
	unsigned	 best = 0, q;
	size_t		 len;

	snprintf(dir, sizeof dir, "%s%s", root, rel);
	len = strlen(dir);
	while (len > 0 && dir[len - 1] == '\n')
		dir[--len] = '\0';
	for (;;) {
		q = cores_dir_quota(dir, v2);
		if (q > 0 && (best == 0 || q < best))
			best = q;
		if (strlen(dir) <= strlen(root) ||
		    (slash = strrchr(dir, '/')) == NULL)
			break;
		*slash = '\0';
	}
	return best;
}

/* The cgroup CPU quota of this process, in whole cores; 0: none found. */
static unsigned
cores_cgroup(void)
{
	FILE		*f;
	char		 line[4096], *ctl, *rel;
	unsigned	 best = 0, q = 0;

	if ((f = fopen("/proc/self/cgroup", "re")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		/* "ID:CONTROLLERS:PATH"; v2 is "0::PATH". */
		if ((ctl = strchr(line, ':')) == NULL ||
		    (rel = strchr(ctl + 1, ':')) == NULL)
			continue;
		*rel++ = '\0';
		ctl++;
		if (*ctl == '\0')
			q = cores_path_quota("/sys/fs/cgroup", rel, 1);
		else if (strstr(ctl, "cpu") != NULL &&
		    strstr(ctl, "cpuset") == NULL) {
			q = cores_path_quota("/sys/fs/cgroup/cpu", rel, 0);
			if (q == 0)
				q = cores_path_quota(
				    "/sys/fs/cgroup/cpu,cpuacct", rel, 0);
		} else
			continue;
		if (q > 0 && (best == 0 || q < best))
			best = q;
	}
	fclose(f);
	return best;
}

/*
 * The cores parlab may use here: the affinity mask and the cgroup quota,
 * the smaller; *why (may be NULL) names the limit that decided it.
 */
unsigned
cores_available(const char **why)
{
	cpu_set_t	set;
	unsigned	n = 0, q;

	if (why != NULL)
		*why = "the machine's cores";
	if (sched_getaffinity(0, sizeof set, &set) == 0) {
		n = (unsigned)CPU_COUNT(&set);
		if (why != NULL && (long)n < sysconf(_SC_NPROCESSORS_ONLN))
			*why = "the affinity mask (taskset, cpuset)";
	}
	if (n == 0)
		n = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	q = cores_cgroup();
	if (q > 0 && q < n) {
		n = q;
		if (why != NULL)
			*why = "the cgroup's CPU quota";
	}
	return n > 0 ? n : 1;
}

/*
 * Add cores_available to a finished run and, when the run measured a
 * speedup of CPU-bound workers that outnumber the cores, say in one sentence
 * why that speedup cannot show here.
 */
void
cores_report(struct run *r)
{
	struct trace		*tr = r->made;
	const struct trace_lane	*l;
	const struct metric	*m;
	const char		*why;
	unsigned		 n, lane, workers = 0;
	uint64_t		 run_ns = 0, io_ns = 0;

	n = cores_available(&why);
	run_metric_int(r, "cores_available", (int64_t)n);
	if (tr == NULL || run_metric(r, "speedup") == NULL)
		return;
	for (lane = 0; lane < trace_lanes(tr); lane++) {
		if (!run_is_worker_lane(tr, lane))
			continue;
		workers++;
		l = trace_lane(tr, lane);
		run_ns += l->state_ns[STATE_RUNNING] +
		    l->state_ns[STATE_WAIT_LOCK];
		io_ns += l->state_ns[STATE_IO] + l->state_ns[STATE_QUEUE_WAIT];
	}
	/* Only CPU-bound work needs cores: workers that mostly wait share
	 * one well.  States, not CPU time, decide: on a loaded machine a
	 * CPU-bound worker gets little CPU but still wants it all along. */
	if (workers <= n || run_ns <= io_ns)
		return;
	run_note(r, "parlab may use %u core%s here (limited by %s): %u "
	    "CPU-bound workers cannot all run at once, so parallelism cannot "
	    "beat %ux; this run shows their overhead", n, n == 1 ? "" : "s",
	    why, workers, n);
	/* On a busy machine several workers win a larger share of a core
	 * from other programs than one does: that is not parallelism. */
	m = run_metric(r, "speedup");
	if (m->type == METRIC_FLOAT && m->f > 1.1 * n)
		run_note(r, "the speedup above %ux comes from taking more of "
		    "the core%s from other programs, not from running at once",
		    n, n == 1 ? "" : "s");
}
