/*
 * progress.c -- placeholder until saved progress lands.
 */

#include "config.h"

#include "parlab.h"

/* Nothing saved yet, so nothing to reset. */
int
progress_reset(void)
{
	return 0;
}
