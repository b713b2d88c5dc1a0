/*
 * proc.c -- placeholder for worker processes until the procs demo lands.
 */

#include "config.h"

#include "parlab.h"

/* A spawned worker: not built yet. */
int
proc_worker_main(int argc, char **argv)
{
	warnx_("worker processes are not built yet");
	return 1;
}
