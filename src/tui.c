/*
 * tui.c -- placeholder until the terminal interface lands.
 */

#include "config.h"

#include "parlab.h"

/* The lesson menu is not built yet: say so and succeed. */
int
tui_main(const char *lesson, const char *theme, int present)
{
	puts("parlab: the lesson menu is not built yet; try `parlab run race`.");
	return 0;
}
