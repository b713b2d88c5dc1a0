/*
 * lesson.c -- placeholder until lesson files land.
 */

#include "config.h"

#include "parlab.h"

/* parlab check: not built yet. */
int
lesson_check_main(int argc, char **argv)
{
	warnx_("lesson files are not supported yet");
	return 1;
}

/* No lessons yet: an empty list. */
int
lesson_list(FILE *f, int json)
{
	fputs(json ? "[]" : "No lessons yet.\n", f);
	return 0;
}
