/*
 * figure.c -- what each figure of a run means, in a student's words.
 *
 * Demos report figures under short keys (speedup, io_latency_p99_ms), the
 * JSON contract's names.  Wherever a student reads a figure -- the text
 * summary, the TUI's figures panel -- it is shown with the label from this
 * one table.  A key with no label shows as its key, so a new figure is
 * never hidden, only unexplained until it gets a line here.
 */

#include "config.h"

#include <string.h>

#include "parlab.h"

static const struct figure_label {
	const char	*key;
	const char	*label;
} figure_labels[] = {
	{ "wall_ms", "time the whole run took (ms)" },
	{ "speedup", "times faster than one piece after another" },
	{ "sequential_ms", "the same work one piece after another (ms)" },
	{ "sequential_cpu_ms", "processor time of the work alone (ms)" },
	{ "expected", "what the counter should read" },
	{ "actual", "what the counter read" },
	{ "lost", "increments lost to the race" },
	{ "lost_pct", "share of the increments lost (%)" },
	{ "ns_per_increment", "time per increment (ns)" },
	{ "lock_waits_shown", "lock waits drawn in the lanes" },
	{ "gil_switches", "times the GIL changed hands" },
	{ "gil_wait_ms", "time threads spent waiting for the GIL (ms)" },
	{ "gil_longest_wait_ms", "longest single wait for the GIL (ms)" },
	{ "gil_failed_wakeups", "wake-ups that found the GIL taken" },
	{ "gil_drop_requests", "times a waiter asked for the GIL" },
	{ "io_latency_p50_ms", "I/O latency, the median (ms)" },
	{ "io_latency_p99_ms", "I/O latency, the slowest 1 in 100 (ms)" },
	{ "io_waits", "I/O waits" },
	{ "items_put", "items put on the queue" },
	{ "items_got", "items taken off the queue" },
	{ "items_lost", "items that never arrived" },
	{ "items_duplicated", "items that arrived twice" },
	{ "max_depth", "most items waiting in the queue at once" },
	{ "fifo_ok", "items came out in the order they went in" },
	{ "put_wait_ms", "time producers waited for room (ms)" },
	{ "get_wait_ms", "time consumers waited for an item (ms)" },
	{ "start_ms", "time to start a worker process (ms)" },
	{ "start_ms_max", "slowest worker process start (ms)" },
	{ "cores_used", "processor cores the workers ran on" },
	{ "child_counter", "the counter as the first child left it" },
	{ "child_counters", "the counter as each child left it" },
	{ "parent_counter", "the parent's counter after the children" },
	{ "payload_bytes", "bytes copied to each worker" },
	{ "peak_rss_kb", "most memory in use at once (KiB)" },
	{ "task_bytes", "memory per task (bytes)" },
	{ "results", "the results, in order" },
	{ "futures", "futures submitted" },
	{ "futures_done", "futures done" },
	{ "futures_pending", "futures still waiting" },
	{ "chunks", "batches sent to the workers" },
	{ "chunks_per_worker", "batches each worker took" },
	{ "messages", "messages through the pipes" },
	{ "switches", "times the scheduler switched task" },
	{ "resumes", "times a task was resumed" },
	{ "longest_ms", "the longest task alone (ms)" },
	{ "wall_per_longest", "the run's time over the longest task's" },
	{ "wall_per_sleep", "the run's time over one sleep's" },
	{ "max_lag_ms", "longest the event loop was blocked (ms)" },
	{ "max_timer_late_ms", "latest a timer fired (ms)" },
	{ "loop_passes", "passes of the event loop" },
	{ "timers_fired", "timers fired" },
	{ NULL, NULL }
};

/* The student words for a figure's key, or the key itself. */
const char *
figure_label(const char *key)
{
	const struct figure_label	*f;

	for (f = figure_labels; f->key != NULL; f++)
		if (strcmp(f->key, key) == 0)
			return f->label;
	return key;
}

/* Whether a figure has student words of its own. */
int
figure_has_label(const char *key)
{
	return figure_label(key) != key;
}
