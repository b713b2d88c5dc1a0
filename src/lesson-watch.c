/*
 * lesson-watch.c -- hot reload: a lesson file saved while it is open shows
 * at once, and `parlab check --watch` rechecks on every save.
 *
 * A watch notices that a file changed by its signature (inode, size and
 * modification time to the nanosecond), so what counts as a change is the
 * same with or without inotify.  With inotify the watch is on the file's
 * directory, not the file: editors save by writing a new file and renaming
 * it over the old one, which a watch on the old inode would never see.  Its
 * descriptor joins the TUI's poll(2), so a save wakes the loop at once and
 * an idle TUI still makes no wake-ups.  Without inotify the TUI polls: a
 * stat(2) every LESSON_WATCH_NS, about a microsecond of work.
 *
 * A reload parses the new text in full first (lesson_load).  A lesson that
 * no longer checks leaves the last good one on screen and puts its first
 * error, FILE:LINE: message, in the status line, put back after each key
 * until a save fixes it.  A good one replaces the old one in place (the
 * struct is swapped, so whoever owns the pointer still does) on the same
 * page, or the last one if the lesson got shorter; the run and answers of
 * the old text are dropped, since they point into it.  The menu, when it
 * is shown again, re-reads its directories the same way.
 */

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HAVE_SYS_INOTIFY_H
#include <sys/inotify.h>
#endif

#include "parlab.h"

#define LESSON_WATCH_NS	(NS_PER_SEC / 4)	/* stat() period, no inotify */

struct lesson_watch {
	char		*path;
	const char	*name;		/* the file name in path */
	int		 fd;		/* inotify, or -1 */
	int		 exists;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	uint64_t	 last;		/* clock of the last stat() */
};

/* Record the file's signature; 1 if it differs from the one recorded. */
static int
lesson_watch_stat(struct lesson_watch *w)
{
	struct stat	st;
	int		changed;

	w->last = clock_ns();
	if (stat(w->path, &st) != 0) {
		changed = w->exists;
		w->exists = 0;
		return changed;
	}
	changed = !w->exists || st.st_dev != w->dev || st.st_ino != w->ino ||
	    st.st_size != w->size || st.st_mtim.tv_sec != w->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != w->mtime.tv_nsec;
	w->exists = 1;
	w->dev = st.st_dev;
	w->ino = st.st_ino;
	w->size = st.st_size;
	w->mtime = st.st_mtim;
	return changed;
}

/* Watch a file (which need not exist yet). */
struct lesson_watch *
lesson_watch_create(const char *path)
{
	struct lesson_watch	*w = xcalloc(1, sizeof *w);
	const char		*slash;

	w->path = xstrdup(path);
	slash = strrchr(w->path, '/');
	w->name = slash != NULL ? slash + 1 : w->path;
	w->fd = -1;
#ifdef HAVE_SYS_INOTIFY_H
	/* $PARLAB_WATCH_POLL: the stat() fallback, for its test. */
	if (getenv("PARLAB_WATCH_POLL") == NULL) {
		char	*dir = slash != NULL ? xstrndup(w->path,
			    (size_t)(slash - w->path) + 1) : xstrdup(".");

		w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (w->fd != -1 && inotify_add_watch(w->fd, dir,
		    IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE |
		    IN_ATTRIB) == -1) {
			close(w->fd);
			w->fd = -1;
		}
		free(dir);
	}
#endif
	lesson_watch_stat(w);
	return w;
}

/* Stop watching. */
void
lesson_watch_destroy(struct lesson_watch *w)
{
	if (w == NULL)
		return;
	if (w->fd != -1)
		close(w->fd);
	free(w->path);
	free(w);
}

/* The descriptor to poll for a change, or -1 (then poll with a timeout). */
int
lesson_watch_fd(const struct lesson_watch *w)
{
	return w != NULL ? w->fd : -1;
}

/* Has the file changed since the last call?  Cheap: call it every pass. */
int
lesson_watch_changed(struct lesson_watch *w)
{
	int	hit = 0;

#ifdef HAVE_SYS_INOTIFY_H
	if (w->fd != -1) {
		union {
			struct inotify_event	 ev;	/* for its alignment */
			char			 buf[4096];
		}				 u;
		const struct inotify_event	*ev;
		ssize_t				 n;
		size_t				 off;

		while ((n = read(w->fd, u.buf, sizeof u.buf)) > 0)
			for (off = 0; off < (size_t)n;
			    off += sizeof *ev + ev->len) {
				ev = (const void *)(u.buf + off);
				if (ev->len > 0 &&
				    strcmp(ev->name, w->name) == 0)
					hit = 1;
			}
		return hit && lesson_watch_stat(w);
	}
#endif
	if (clock_ns() - w->last < LESSON_WATCH_NS)
		return 0;
	return lesson_watch_stat(w);
}

/* Block until one of n watched files changes. */
static void
lesson_watch_wait(struct lesson_watch **v, size_t n)
{
	struct pollfd	*pfd = xreallocarray(NULL, n, sizeof *pfd);
	size_t		 i;
	int		 all = 1;

	for (i = 0; i < n; i++) {
		pfd[i].fd = v[i]->fd;
		pfd[i].events = POLLIN;
		all &= v[i]->fd != -1;
	}
	for (;;) {
		for (i = 0; i < n; i++)
			if (lesson_watch_changed(v[i])) {
				free(pfd);
				return;
			}
		if (poll(pfd, (nfds_t)n, all ? -1 :
		    (int)(LESSON_WATCH_NS / NS_PER_MS)) < 0 && errno != EINTR)
			fatal("poll: %s", strerror(errno));
	}
}

/*
 * parlab check --watch FILE...: check, then check again after every save
 * of any of the files, until interrupted.  check() is one pass of
 * `parlab check` over the files (flags passed on); its status is printed.
 */
int
lesson_watch_check(int argc, char **argv, int flags,
    int (*check)(int, char **, int))
{
	struct lesson_watch	**v;
	int			  i, rc;

	v = xreallocarray(NULL, (size_t)argc, sizeof *v);
	for (i = 0; i < argc; i++)
		v[i] = lesson_watch_create(argv[i]);
	for (;;) {
		rc = check(argc, argv, flags);
		printf("-- %s; watching %d file%s for changes (^C stops)\n",
		    rc == 0 ? "no errors" : "errors", argc, argc == 1 ? "" :
		    "s");
		fflush(stdout);
		lesson_watch_wait(v, (size_t)argc);
	}
	/* NOTREACHED: ^C ends the process */
}

/* The first error of a lesson that does not check, as FILE:LINE: message. */
static char *
lesson_watch_first(const char *path, const struct lesson_diags *d)
{
	const struct lesson_diag	*best = NULL;
	char				*s;
	size_t				 i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].error && (best == NULL ||
		    d->v[i].line < best->line))
			best = &d->v[i];
	if (best == NULL)
		xasprintf(&s, "%s: refused", path);
	else if (best->line > 0)
		xasprintf(&s, "%s:%u: %s", path, best->line, best->msg);
	else
		xasprintf(&s, "%s: %s", path, best->msg);
	return s;
}

/* Re-read the open lesson: swap a good one in, or show the first error. */
static void
lesson_watch_reload(struct tui *t)
{
	struct lesson_diags	 d;
	struct lesson		*l = t->lesson, *nl, tmp;
	size_t			 page = t->page;
	char			*path = xstrdup(l->path);

	memset(&d, 0, sizeof d);
	nl = lesson_load(path, &d);
	free(t->watch_error);
	t->watch_error = NULL;
	if (nl == NULL) {
		t->watch_error = lesson_watch_first(path, &d);
		tui_message(t, 1, "%s", t->watch_error);
	} else {
		tui_demo_close(t);
		tmp = *l;
		*l = *nl;
		*nl = tmp;
		lesson_destroy(nl);
		free(t->answers);
		t->answers = NULL;
		t->nanswers = 0;
		tui_goto_page(t, page);
		tui_message(t, 0, "Reloaded %s.", path);
	}
	lesson_diags_free(&d);
	free(path);
	t->dirty = 1;
}

/* Re-read the menu's directories, keeping the selected lesson selected. */
static void
lesson_watch_menu(struct tui *t)
{
	char	*sel = NULL;
	size_t	 i;

	if (t->menu_sel < t->nlessons)
		sel = xstrdup(t->lessons[t->menu_sel]->id);
	lesson_free_all(t->lessons, t->nlessons);
	lesson_diags_free(&t->diags);
	t->lessons = lesson_find_all(&t->nlessons, &t->diags);
	t->menu_sel = t->menu_top = 0;
	for (i = 0; sel != NULL && i < t->nlessons; i++)
		if (strcmp(t->lessons[i]->id, sel) == 0)
			t->menu_sel = i;
	free(sel);
	t->dirty = 1;
}

/*
 * The TUI's hook, once per pass of its loop: follow the open lesson's
 * file, reload it when it changes, keep a reload's error in the status
 * line, and re-read the menu when it comes back.  Returns the poll timeout
 * to use given the loop's own (-1: none).
 */
int
lesson_watch_tick(struct tui *t, int timeout)
{
	const char	*path = t->lesson != NULL ? t->lesson->path : NULL;
	int		 was = t->dirty, ms;

	if (path == NULL) {
		if (t->watch != NULL && t->lessons != NULL)
			lesson_watch_menu(t);
		lesson_watch_destroy(t->watch);
		t->watch = NULL;
		free(t->watch_error);
		t->watch_error = NULL;
		return t->dirty && !was ? 0 : timeout;
	}
	if (t->watch == NULL || strcmp(t->watch->path, path) != 0) {
		lesson_watch_destroy(t->watch);
		t->watch = lesson_watch_create(path);
	}
	if (lesson_watch_changed(t->watch))
		lesson_watch_reload(t);
	if (t->watch_error != NULL && t->message == NULL) {
		tui_message(t, 1, "%s", t->watch_error);
		t->dirty = 1;
	}
	/* Something to draw now: the loop's next pass draws it. */
	if (t->dirty && !was)
		return 0;
	if (t->watch->fd != -1)
		return timeout;
	ms = (int)(LESSON_WATCH_NS / NS_PER_MS);
	return timeout < 0 || timeout > ms ? ms : timeout;
}
