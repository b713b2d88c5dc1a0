/*
 * demo.c -- the registry of demo classes.
 *
 * Every demo is a const struct demo_class in its own demo-*.c file; this
 * table is the only place that lists them, and the only place to add one:
 * a new demo is its file, one line here (its extern beside the table), and
 * its file in a build list.  The CLI, the TUI and lesson files all find
 * demos here, by name; README's and the man page's tables are checked
 * against `parlab list --json` (tests/doc-tables.sh).
 */

#include "config.h"

#include <string.h>

#include "parlab.h"

extern const struct demo_class demo_race_class;
extern const struct demo_class demo_threads_class;
extern const struct demo_class demo_queue_class;
extern const struct demo_class demo_procs_class;
extern const struct demo_class demo_pool_class;
extern const struct demo_class demo_gen_class;
extern const struct demo_class demo_async_class;
extern const struct demo_class demo_deadlock_class;
extern const struct demo_class demo_meet_class;

const struct demo_class *const demo_classes[] = {
	&demo_gen_class,
	&demo_threads_class,
	&demo_race_class,
	&demo_queue_class,
	&demo_procs_class,
	&demo_pool_class,
	&demo_async_class,
	&demo_deadlock_class,
	&demo_meet_class,
	NULL
};

/* The demo class called name, or NULL. */
const struct demo_class *
demo_find(const char *name)
{
	const struct demo_class *const *dc;

	for (dc = demo_classes; *dc != NULL; dc++)
		if (strcmp((*dc)->name, name) == 0)
			return *dc;
	return NULL;
}
