/*
 * notes.c -- `parlab notes`: the speaker's screen, following the presenting
 * parlab over its socket (present.c).
 *
 * Model.  The presenter sends its whole state (page, titles, elapsed
 * time, notes) as a message of text lines ending in "end" whenever it
 * changes; this side keeps the last complete message and draws it.  The
 * elapsed time ticks here between messages: the message carries the
 * elapsed milliseconds when sent and the clock of its arrival is kept, so
 * the two processes never have to share a clock.
 *
 * With a terminal, a small curses screen (q quits) redrawn on each
 * message and once a second for the timer; without one (a pipe, a test),
 * one plain block per message.  The end of the stream means the
 * presenter quit (or crashed): say so and exit 0.  No presenter at all is
 * an error: exit 1.
 */

#include "config.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

#define NOTES_MAX_MSG	(256 * 1024)

struct notes {
	char		*lesson, *title, *next;
	size_t		 page, npages;
	uint64_t	 elapsed_ms;	/* as sent */
	uint64_t	 got;		/* clock at arrival */
	int		 blank;
	char		**lines;
	size_t		 nlines;
	int		 have;		/* a message arrived */
};

/* Forget the last message. */
static void
notes_clear(struct notes *n)
{
	size_t	i;

	free(n->lesson);
	free(n->title);
	free(n->next);
	for (i = 0; i < n->nlines; i++)
		free(n->lines[i]);
	free(n->lines);
	memset(n, 0, sizeof *n);
}

/* Read one complete message (from s up to "end\n") into n. */
static void
notes_parse(struct notes *n, const char *s, const char *end)
{
	const char	*nl, *v;
	char		*line;
	unsigned long long ms;

	notes_clear(n);
	for (; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		line = xstrndup(s, (size_t)(nl - s));
		v = strchr(line, ' ') ? strchr(line, ' ') + 1 : "";
		if (strncmp(line, "lesson ", 7) == 0)
			n->lesson = xstrdup(v);
		else if (strncmp(line, "title ", 6) == 0)
			n->title = xstrdup(v);
		else if (strncmp(line, "next ", 5) == 0)
			n->next = xstrdup(v);
		else if (sscanf(line, "page %zu %zu", &n->page, &n->npages) == 2)
			;
		else if (sscanf(line, "elapsed_ms %llu", &ms) == 1)
			n->elapsed_ms = ms;
		else if (strncmp(line, "blank ", 6) == 0)
			n->blank = atoi(v);
		else if (strncmp(line, "note ", 5) == 0) {
			n->lines = xreallocarray(n->lines, n->nlines + 1,
			    sizeof *n->lines);
			n->lines[n->nlines++] = xstrdup(v);
		}
		free(line);
	}
	n->got = clock_ns();
	n->have = 1;
}

/* The elapsed time now, as m:ss or h:mm:ss. */
static void
notes_elapsed(const struct notes *n, char *buf, size_t len)
{
	uint64_t	s = (n->elapsed_ms + (clock_ns() - n->got) /
			    NS_PER_MS) / 1000;

	if (s >= 3600)
		snprintf(buf, len, "%u:%02u:%02u", (unsigned)(s / 3600),
		    (unsigned)(s / 60 % 60), (unsigned)(s % 60));
	else
		snprintf(buf, len, "%u:%02u", (unsigned)(s / 60),
		    (unsigned)(s % 60));
}

/* Plain output: one block per message. */
static void
notes_print(const struct notes *n)
{
	char	el[32];
	size_t	i;

	notes_elapsed(n, el, sizeof el);
	if (n->npages == 0)
		printf("no lesson open (the presenter is on the menu)\n");
	else
		printf("page %zu/%zu: %s\n", n->page, n->npages,
		    n->title ? n->title : "");
	printf("next: %s\n", n->next && strcmp(n->next, "-") != 0 ? n->next :
	    "(last page)");
	printf("elapsed %s%s\n", el, n->blank ? "  (screen blanked)" : "");
	for (i = 0; i < n->nlines; i++)
		printf("  %s\n", n->lines[i]);
	putchar('\n');
	fflush(stdout);
}

/* Draw the curses screen from the last message. */
static void
notes_draw(const struct notes *n)
{
	char	buf[512], el[32];
	size_t	i;
	int	y = 2;

	erase();
	if (!n->have) {
		mvaddstr(0, 0, "waiting for the presenter...");
		refresh();
		return;
	}
	notes_elapsed(n, el, sizeof el);
	snprintf(buf, sizeof buf, "page %zu/%zu   elapsed %s%s", n->page,
	    n->npages, el, n->blank ? "   SCREEN BLANKED" : "");
	attrset(A_REVERSE | A_BOLD);
	mvhline(0, 0, ' ', COLS);
	mvaddnstr(0, 1, buf, COLS - 2);
	attrset(A_BOLD);
	mvaddnstr(1, 1, n->npages == 0 ? "no lesson open (the presenter is "
	    "on the menu)" : n->title ? n->title : "", COLS - 2);
	attrset(A_NORMAL);
	for (i = 0; i < n->nlines && y < LINES - 2; i++, y++)
		mvaddnstr(y + 1, 2, n->lines[i], COLS - 3);
	snprintf(buf, sizeof buf, "next: %s", n->next && strcmp(n->next,
	    "-") != 0 ? n->next : "(last page)");
	attrset(A_DIM);
	mvaddnstr(LINES - 2, 1, buf, COLS - 2);
	mvaddnstr(LINES - 1, 1, "q quits (the presenter goes on)", COLS - 2);
	attrset(A_NORMAL);
	refresh();
}

/* Leave curses, from fatal() too. */
static void
notes_endwin(void)
{
	if (!isendwin())
		endwin();
}

/*
 * Follow the presenter on fd until it quits (1) or the user does (0);
 * -1 with a cause on a broken stream.
 */
static int
notes_follow(int fd, int screen, struct notes *n, char **cause)
{
	struct pollfd	 pfd[2];
	char		*buf = NULL, *end;
	size_t		 len = 0, cap = 0;
	ssize_t		 got;
	int		 ch;

	for (;;) {
		pfd[0].fd = fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = STDIN_FILENO;
		pfd[1].events = POLLIN;
		if (poll(pfd, screen ? 2 : 1, screen ? 1000 : -1) < 0 &&
		    errno != EINTR)
			fatal("poll: %s", strerror(errno));
		while (screen && (ch = getch()) != ERR)
			if (ch == 'q' || ch == 27) {
				free(buf);
				return 0;
			}
		if (pfd[0].revents != 0) {
			if (len + 4096 > cap) {
				cap = cap ? cap * 2 : 8192;
				buf = xreallocarray(buf, cap, 1);
			}
			if ((got = read(fd, buf + len, cap - len - 1)) < 0 &&
			    errno != EINTR && errno != EAGAIN) {
				xasprintf(cause, "read: %s", strerror(errno));
				free(buf);
				return -1;
			}
			if (got == 0) {
				free(buf);
				return 1;
			}
			len += got > 0 ? (size_t)got : 0;
			buf[len] = '\0';
			/* Every complete message; the last one wins. */
			while ((end = strstr(buf, "\nend\n")) != NULL) {
				notes_parse(n, buf, end + 1);
				len -= (size_t)(end + 5 - buf);
				memmove(buf, end + 5, len + 1);
				if (!screen)
					notes_print(n);
			}
			if (len > NOTES_MAX_MSG) {
				xasprintf(cause, "the presenter sent a message "
				    "too long to be notes");
				free(buf);
				return -1;
			}
		}
		if (screen)
			notes_draw(n);
	}
}

/* parlab notes: follow the presenting parlab. */
int
notes_main(int argc, char **argv)
{
	struct notes	 n;
	char		*path, *cause = NULL;
	int		 fd, screen, status;

	(void)argv;
	if (argc != 1) {
		warnx_("notes takes no argument");
		return 2;
	}
	if ((path = present_socket_path(0, &cause)) == NULL) {
		warnx_("%s", cause);
		free(cause);
		return 1;
	}
	if ((fd = present_connect(path)) < 0) {
		warnx_("no presenter is running (no live socket at %s); "
		    "start one with `parlab --present LESSON`", path);
		free(path);
		return 1;
	}
	free(path);
	memset(&n, 0, sizeof n);
	setlocale(LC_ALL, "");
	screen = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (screen) {
		if (newterm(NULL, stdout, stdin) == NULL) {
			warnx_("cannot use terminal type '%s'",
			    getenv("TERM") ? getenv("TERM") : "(unset)");
			close(fd);
			return 1;
		}
		log_set_cleanup(notes_endwin);
		cbreak();
		noecho();
		nodelay(stdscr, TRUE);
		keypad(stdscr, TRUE);
		curs_set(0);
		notes_draw(&n);
	}
	status = notes_follow(fd, screen, &n, &cause);
	if (screen) {
		notes_endwin();
		log_set_cleanup(NULL);
	}
	close(fd);
	notes_clear(&n);
	if (status < 0) {
		warnx_("%s", cause);
		free(cause);
		return 1;
	}
	if (status == 1)
		warnx_("the presenter has quit; notes end here");
	return 0;
}
