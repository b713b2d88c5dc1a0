/*
 * demo-queue.c -- placeholder until this demo lands; it refuses to run.
 */

#include "config.h"

#include "parlab.h"

static const struct param_spec stub_params[] = {
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

/* Refuse to run: the demo is not built yet. */
static int
stub_run(struct run *r, char **cause)
{
	xasprintf(cause, "the %s demo is not built yet", r->cls->name);
	return -1;
}

const struct demo_class demo_queue_class = {
	.name = "queue",
	.summary = "a thread-safe FIFO, producers and consumers",
	.params = stub_params,
	.run = stub_run,
};
