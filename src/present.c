/*
 * present.c -- the presenter side of speaker notes: a Unix socket that
 * `parlab notes` (notes.c) follows from another terminal.
 *
 * Model.  `parlab --present` owns one listening socket, PATH below, in
 * $XDG_RUNTIME_DIR (or, without it, a private /tmp/parlab-UID, mode 0700,
 * refused when someone else owns it or it is open to others).  One
 * presenter at a time: a socket file that accepts a connection belongs to
 * a live presenter and a second one is refused; one that refuses the
 * connection is left over from a presenter that crashed and is replaced.
 *
 * The UI loop polls the listening fd with stdin and calls present_tick()
 * once a pass: it accepts waiting followers and, when the page, the blank
 * flag or the timer changed (or a follower is new), sends each one the
 * whole state as a few text lines ending in "end".  Every socket is
 * non-blocking and a message is small, so a write that would block or
 * fall short means a stuck follower: it is dropped, never waited for.
 * Nothing here calls curses; the presenter keys (blank, jump, timer) only
 * change state and set messages.
 *
 * The message (one field a line, the notes last):
 *   parlab-notes 1 / lesson TITLE / page N OF / title T / next T (or -) /
 *   elapsed_ms MS / blank 0|1 / note LINE ... / end
 */

#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "parlab.h"

#define PRESENT_MAX_FOLLOWERS	8

struct present {
	int		 fd;		/* listening, non-blocking */
	char		*path;
	int		 followers[PRESENT_MAX_FOLLOWERS];
	size_t		 nfollowers;
	int		 fresh;		/* a follower waits for the state */
	const struct lesson *sent_lesson;
	size_t		 sent_page;
	int		 sent_blank;
	uint64_t	 sent_timer;
	uint64_t	 timer;		/* clock when the timer (re)started */
	int		 blank;
	int		 jumping;	/* ':' typed: digits make a page */
	char		 jump[8];
};

/*
 * The socket's path, in $XDG_RUNTIME_DIR or a private directory under
 * /tmp (made when create is set); NULL with a cause when neither is safe.
 */
char *
present_socket_path(int create, char **cause)
{
	const char	*rt = getenv("XDG_RUNTIME_DIR");
	struct stat	 st;
	char		*dir, *path;

	if (rt != NULL && rt[0] == '/' && stat(rt, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		dir = xstrdup(rt);
	else {
		xasprintf(&dir, "/tmp/parlab-%ld", (long)getuid());
		if (create && mkdir(dir, 0700) != 0 && errno != EEXIST) {
			xasprintf(cause, "%s: %s", dir, strerror(errno));
			free(dir);
			return NULL;
		}
		/* lstat: a symlink planted there by someone else is refused. */
		if (lstat(dir, &st) == 0 && (!S_ISDIR(st.st_mode) ||
		    st.st_uid != getuid() || (st.st_mode & 077) != 0)) {
			xasprintf(cause, "%s is not a private directory of "
			    "yours (mode 0700); remove it", dir);
			free(dir);
			return NULL;
		}
	}
	xasprintf(&path, "%s/parlab-present.sock", dir);
	free(dir);
	if (strlen(path) >= sizeof ((struct sockaddr_un *)0)->sun_path) {
		xasprintf(cause, "%s: path too long for a socket", path);
		free(path);
		return NULL;
	}
	return path;
}

/* A Unix stream socket (close-on-exec) and its address for path. */
static int
present_socket(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* Connect to the presenter's socket: an fd, or -1 with errno set. */
int
present_connect(const char *path)
{
	struct sockaddr_un	sa;
	int			fd, saved;

	if ((fd = present_socket(path, &sa)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Start listening; refuse when another presenter is live. */
struct present *
present_create(char **cause)
{
	struct present		*p;
	struct sockaddr_un	 sa;
	char			*path;
	int			 fd;

	if ((path = present_socket_path(1, cause)) == NULL)
		return NULL;
	if ((fd = present_connect(path)) >= 0) {
		close(fd);
		xasprintf(cause, "another parlab is presenting (%s); one "
		    "presenter at a time", path);
		free(path);
		return NULL;
	}
	/* Refused or absent: a crashed presenter's socket, or none. */
	if (errno == ECONNREFUSED)
		unlink(path);
	if ((fd = present_socket(path, &sa)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(fd, PRESENT_MAX_FOLLOWERS) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return NULL;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	p = xcalloc(1, sizeof *p);
	p->fd = fd;
	p->path = path;
	p->timer = clock_ns();
	p->sent_page = (size_t)-1;
	return p;
}

/* Stop: followers see the end of the stream; the socket file goes. */
void
present_destroy(struct present *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nfollowers; i++)
		close(p->followers[i]);
	close(p->fd);
	unlink(p->path);
	free(p->path);
	free(p);
}

/* The listening fd, for the UI loop's poll. */
int
present_fd(const struct present *p)
{
	return p->fd;
}

/* Whether the projected screen is blanked. */
int
present_blanked(const struct present *p)
{
	return p != NULL && p->blank;
}

/* Drop follower i (closed, stuck or gone). */
static void
present_drop(struct present *p, size_t i)
{
	close(p->followers[i]);
	p->followers[i] = p->followers[--p->nfollowers];
}

/* Drop followers that hung up, to make room. */
static void
present_reap(struct present *p)
{
	size_t	i = 0;
	char	c;

	while (i < p->nfollowers) {
		if (recv(p->followers[i], &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
			present_drop(p, i);
		else
			i++;
	}
}

/* Take every waiting follower, without blocking. */
static void
present_accept(struct present *p)
{
	int	fd;

	while ((fd = accept(p->fd, NULL, NULL)) >= 0) {
		if (p->nfollowers == PRESENT_MAX_FOLLOWERS)
			present_reap(p);
		if (p->nfollowers == PRESENT_MAX_FOLLOWERS) {
			close(fd);
			continue;
		}
		fcntl(fd, F_SETFL, O_NONBLOCK);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		p->followers[p->nfollowers++] = fd;
		p->fresh = 1;
	}
}

/* The first heading of a page (its title), or "". */
static const char *
present_page_title(const struct lesson_page *pg, char *buf, size_t len)
{
	size_t	i, j, n = 0;

	buf[0] = '\0';
	for (i = 0; i < pg->nblocks; i++) {
		if (pg->blocks[i].type != LBLOCK_HEADING)
			continue;
		for (j = 0; j < pg->blocks[i].ntext && n + 1 < len; j++)
			n += (size_t)snprintf(buf + n, len - n, "%s",
			    pg->blocks[i].text[j].s);
		break;
	}
	if (n >= len)
		buf[len - 1] = '\0';
	for (n = 0; buf[n] != '\0'; n++)
		if (buf[n] == '\n' || buf[n] == '\r')
			buf[n] = ' ';
	return buf;
}

/* Append one "key value" line, with line ends in the value made spaces. */
static void
present_line(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s ", key);
	for (; *value != '\0'; value++)
		fputc(*value == '\n' || *value == '\r' ? ' ' : *value, f);
	fputc('\n', f);
}

/* The whole state as one message; the caller frees it. */
static char *
present_message(const struct present *p, const struct tui *t, size_t *len)
{
	const struct lesson		*l = t->lesson;
	const struct lesson_page	*pg;
	char				*buf = NULL, title[256];
	size_t				 i, j;
	FILE				*f;

	if ((f = open_memstream(&buf, len)) == NULL)
		fatal("open_memstream: %s", strerror(errno));
	fputs("parlab-notes 1\n", f);
	present_line(f, "lesson", l != NULL ? l->title : "");
	fprintf(f, "page %zu %zu\n", l != NULL && l->npages ? t->page + 1 : 0,
	    l != NULL ? l->npages : 0);
	if (l != NULL && t->page < l->npages) {
		pg = &l->pages[t->page];
		present_line(f, "title", present_page_title(pg, title,
		    sizeof title));
		present_line(f, "next", t->page + 1 < l->npages ?
		    present_page_title(&l->pages[t->page + 1], title,
		    sizeof title) : "-");
	}
	fprintf(f, "elapsed_ms %llu\nblank %d\n",
	    (unsigned long long)((clock_ns() - p->timer) / NS_PER_MS),
	    p->blank);
	for (i = 0; l != NULL && t->page < l->npages &&
	    i < l->pages[t->page].nblocks; i++) {
		pg = &l->pages[t->page];
		if (pg->blocks[i].type != LBLOCK_NOTE)
			continue;
		for (j = 0; j < pg->blocks[i].nlines; j++)
			present_line(f, "note", pg->blocks[i].lines[j]);
		present_line(f, "note", "");
	}
	fputs("end\n", f);
	if (fclose(f) != 0)
		fatal("open_memstream: %s", strerror(errno));
	return buf;
}

/* Send the state to every follower, dropping the ones that cannot take it. */
static void
present_send(struct present *p, const struct tui *t)
{
	char	*msg;
	size_t	 len, i = 0;
	ssize_t	 n;

	msg = present_message(p, t, &len);
	while (i < p->nfollowers) {
		n = send(p->followers[i], msg, len, MSG_DONTWAIT |
		    MSG_NOSIGNAL);
		if (n != (ssize_t)len)
			present_drop(p, i);
		else
			i++;
	}
	free(msg);
}

/* One pass of the UI loop: take followers, send the state if it changed. */
void
present_tick(struct present *p, const struct tui *t)
{
	present_accept(p);
	if (!p->fresh && p->sent_lesson == t->lesson &&
	    p->sent_page == t->page && p->sent_blank == p->blank &&
	    p->sent_timer == p->timer)
		return;
	p->fresh = 0;
	p->sent_lesson = t->lesson;
	p->sent_page = t->page;
	p->sent_blank = p->blank;
	p->sent_timer = p->timer;
	if (p->nfollowers > 0)
		present_send(p, t);
}

/* A jump being typed: digits, Backspace, Enter to go, anything else ends. */
static int
present_key_jump(struct present *p, struct tui *t, int ch)
{
	size_t	n = strlen(p->jump);
	long	page;

	if (ch >= '0' && ch <= '9' && n + 1 < sizeof p->jump) {
		p->jump[n] = (char)ch;
		p->jump[n + 1] = '\0';
	} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0)
		p->jump[n - 1] = '\0';
	else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		p->jumping = 0;
		page = strtol(p->jump, NULL, 10);
		if (page < 1 || (size_t)page > t->lesson->npages)
			tui_message(t, 1, "no page '%s': pages are 1 to %zu",
			    p->jump, t->lesson->npages);
		else
			tui_goto_page(t, (size_t)page - 1);
		return 1;
	} else {
		p->jumping = 0;
		tui_message(t, 0, "jump cancelled");
		return 1;
	}
	tui_message(t, 0, "go to page: %s_  (Enter goes, Esc cancels)",
	    p->jump);
	return 1;
}

/* Presenter keys on a lesson page: b blank, : jump, T timer; 1 if used. */
int
present_key(struct tui *t, int ch)
{
	struct present	*p = t->presenter;

	if (p == NULL || t->lesson == NULL || ch == KEY_RESIZE)
		return 0;
	if (p->jumping)
		return present_key_jump(p, t, ch);
	if (p->blank) {
		/* Any key brings the screen back, and does only that. */
		p->blank = 0;
		return 1;
	}
	switch (ch) {
	case 'b':
		p->blank = 1;
		return 1;
	case ':':
		p->jumping = 1;
		p->jump[0] = '\0';
		tui_message(t, 0, "go to page: _  (1 to %zu, Enter goes)",
		    t->lesson->npages);
		return 1;
	case 'T':
		p->timer = clock_ns();
		tui_message(t, 0, "timer reset");
		return 1;
	}
	return 0;
}
