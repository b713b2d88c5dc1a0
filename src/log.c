/*
 * log.c -- messages to stderr and the one way to die.
 *
 * fatal() is for bugs and exhausted resources.  Before it prints, it calls
 * the cleanup hook (the TUI registers tui_term_done), so a dying parlab never
 * leaves the terminal in curses mode.
 */

#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "parlab.h"

static void (*log_cleanup)(void);
static int	log_in_child;	/* a forked worker: no exit-time work */

/* Register a function fatal() calls before printing (one at a time). */
void
log_set_cleanup(void (*fn)(void))
{
	log_cleanup = fn;
}

/*
 * In a forked worker: drop the hook (the terminal is the parent's) and make
 * fatal() end with _exit, so no atexit work of the parent's runs and no
 * stdio buffer copied from it is written twice.  Async-signal-safe.
 */
void
log_child(void)
{
	log_cleanup = NULL;
	log_in_child = 1;
}

/* Print "parlab: message" and exit 1, restoring the terminal first. */
void
fatal(const char *fmt, ...)
{
	va_list	  ap;
	void	(*fn)(void) = log_cleanup;

	log_cleanup = NULL;	/* a failing cleanup must not recurse */
	if (fn != NULL)
		fn();
	fputs("parlab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (log_in_child) {
		fflush(stderr);
		_exit(1);
	}
	exit(1);
}

/* Print "parlab: message" to stderr and go on. */
void
warnx_(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vwarnx_(fmt, ap);
	va_end(ap);
}

/* The va_list form of warnx_(). */
void
vwarnx_(const char *fmt, va_list ap)
{
	fputs("parlab: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}
