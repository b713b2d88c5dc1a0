/*
 * progress.c -- what a student has done, saved between sessions.
 *
 * Progress is per lesson id: for each page, whether it was seen and whether
 * the last answer given on it was right or wrong.  It lives in one small
 * text file, $XDG_STATE_HOME/parlab/progress (~/.local/state by default):
 *
 *   parlab-progress 1
 *   ID SEEN RIGHT WRONG        one line per lesson; each field is a
 *                              comma-separated list of page numbers
 *                              (from 0), or "-" for none
 *
 * A save writes a temporary file in the same directory, syncs it and
 * renames it over the old one, so a crash leaves either the old file or
 * the new one, never half of one.  Progress is a convenience, so nothing
 * about it is ever fatal: a file that does not parse is renamed aside to
 * progress.corrupt, the caller gets a warning to show, and the student
 * starts afresh.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parlab.h"

#define PROGRESS_HEADER		"parlab-progress 1"
#define PROGRESS_MAX_PAGES	10000
#define PROGRESS_MAX_BYTES	(4 * 1024 * 1024)

enum { PAGE_SEEN = 1, PAGE_RIGHT = 2, PAGE_WRONG = 4 };

struct progress_lesson {
	char		*id;
	unsigned char	*pages;		/* PAGE_* bits per page */
	size_t		 npages;
};

struct progress {
	struct progress_lesson	*v;
	size_t			 n;
};

/* Where progress is kept, or NULL (with a cause) if there is no home. */
char *
progress_path(char **cause)
{
	const char	*state = getenv("XDG_STATE_HOME"), *home;
	char		*path;

	if (state != NULL && *state == '/') {
		xasprintf(&path, "%s/parlab/progress", state);
		return path;
	}
	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		xasprintf(cause, "neither XDG_STATE_HOME nor HOME is set");
		return NULL;
	}
	xasprintf(&path, "%s/.local/state/parlab/progress", home);
	return path;
}

/* Can an id be written in the file (letters, digits, '-', '_')? */
static int
progress_id_ok(const char *id)
{
	const char	*p;

	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return 0;
	return p != id;
}

/* A lesson's entry, made if asked and absent; NULL for a bad id. */
static struct progress_lesson *
progress_find(const struct progress *p, const char *id, int make)
{
	struct progress		*mp = (struct progress *)p;
	struct progress_lesson	*pl;
	size_t			 i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].id, id) == 0)
			return &p->v[i];
	if (!make || !progress_id_ok(id))
		return NULL;
	mp->v = xreallocarray(mp->v, mp->n + 1, sizeof *mp->v);
	pl = &mp->v[mp->n++];
	pl->id = xstrdup(id);
	pl->pages = NULL;
	pl->npages = 0;
	return pl;
}

/* Set bits on a page, growing the page array as needed. */
static void
progress_mark(struct progress *p, const char *id, unsigned page,
    unsigned set, unsigned clear)
{
	struct progress_lesson	*pl;

	if (page >= PROGRESS_MAX_PAGES ||
	    (pl = progress_find(p, id, 1)) == NULL)
		return;
	if (page >= pl->npages) {
		pl->pages = xreallocarray(pl->pages, page + 1, 1);
		memset(pl->pages + pl->npages, 0, page + 1 - pl->npages);
		pl->npages = page + 1;
	}
	pl->pages[page] = (unsigned char)((pl->pages[page] & ~clear) | set);
}

/* Parse one field: "-" or "0,3,7"; sets bit on those pages. */
static int
progress_field(struct progress *p, const char *id, char *field,
    unsigned bit)
{
	char	*s, *end;
	long	 n;

	if (strcmp(field, "-") == 0)
		return 0;
	for (s = field;; s = end + 1) {
		errno = 0;
		n = strtol(s, &end, 10);
		if (end == s || *s == '-' || *s == '+' || errno != 0 ||
		    n >= PROGRESS_MAX_PAGES || (*end != ',' && *end != '\0'))
			return -1;
		progress_mark(p, id, (unsigned)n, bit, 0);
		if (*end == '\0')
			return 0;
	}
}

/* Parse one lesson's line, "ID SEEN RIGHT WRONG". */
static int
progress_line(struct progress *p, char *line)
{
	char	*w[5], *save = NULL;
	int	 nw;

	for (nw = 0; nw < 5; nw++)
		if ((w[nw] = strtok_r(nw ? NULL : line, " ", &save)) == NULL)
			break;
	if (nw != 4 || !progress_id_ok(w[0]) ||
	    progress_find(p, w[0], 0) != NULL)
		return -1;
	progress_find(p, w[0], 1);	/* kept even with nothing marked */
	if (progress_field(p, w[0], w[1], PAGE_SEEN) != 0 ||
	    progress_field(p, w[0], w[2], PAGE_RIGHT) != 0 ||
	    progress_field(p, w[0], w[3], PAGE_WRONG) != 0)
		return -1;
	return 0;
}

/* Parse the whole file into p; on error say why in *why. */
static int
progress_parse(struct progress *p, char *buf, char **why)
{
	char		*line, *next;
	unsigned	 lineno = 0;

	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else {
			xasprintf(why, "line %u is cut short", lineno + 1);
			return -1;
		}
		if (++lineno == 1) {
			if (strcmp(line, PROGRESS_HEADER) != 0) {
				xasprintf(why, "it does not start with '%s'",
				    PROGRESS_HEADER);
				return -1;
			}
			continue;
		}
		if (progress_line(p, line) != 0) {
			xasprintf(why, "line %u is not 'ID SEEN RIGHT WRONG'",
			    lineno);
			return -1;
		}
	}
	if (lineno == 0) {
		xasprintf(why, "it is empty");
		return -1;
	}
	return 0;
}

/* Free progress. */
void
progress_free(struct progress *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].id);
		free(p->v[i].pages);
	}
	free(p->v);
	free(p);
}

/* Empty progress, discarding whatever a failed parse left. */
static void
progress_clear(struct progress *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].id);
		free(p->v[i].pages);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* Read a file of at most PROGRESS_MAX_BYTES; NULL (errno set) on failure. */
static char *
progress_slurp(const char *path, int *too_big)
{
	char	*buf;
	size_t	 n = 0;
	ssize_t	 got;
	int	 fd;

	*too_big = 0;
	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	buf = xmalloc(PROGRESS_MAX_BYTES + 1);
	while (n < PROGRESS_MAX_BYTES + 1 &&
	    (got = read(fd, buf + n, PROGRESS_MAX_BYTES + 1 - n)) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			free(buf);
			close(fd);
			return NULL;
		}
		n += (size_t)got;
	}
	close(fd);
	if (n > PROGRESS_MAX_BYTES)
		*too_big = 1;
	buf[n > PROGRESS_MAX_BYTES ? PROGRESS_MAX_BYTES : n] = '\0';
	if (memchr(buf, '\0', n > PROGRESS_MAX_BYTES ? PROGRESS_MAX_BYTES :
	    n) != NULL)
		buf[0] = '\0';	/* binary junk: reported as not a header */
	return buf;
}

/*
 * Load saved progress.  Never fails: with no file, progress is empty; a
 * file that cannot be read or parsed gives a warning (*warning, to free),
 * and a damaged one is renamed aside to FILE.corrupt.
 */
struct progress *
progress_load(char **warning)
{
	struct progress	*p = xcalloc(1, sizeof *p);
	char		*path, *cause = NULL, *buf, *why = NULL, *aside;
	int		 too_big;

	*warning = NULL;
	if ((path = progress_path(&cause)) == NULL) {
		xasprintf(warning, "progress will not be saved: %s", cause);
		free(cause);
		return p;
	}
	if ((buf = progress_slurp(path, &too_big)) == NULL) {
		if (errno != ENOENT)
			xasprintf(warning, "cannot read %s: %s", path,
			    strerror(errno));
		free(path);
		return p;
	}
	if (too_big)
		why = xstrdup("it is too large");
	if (why != NULL || progress_parse(p, buf, &why) != 0) {
		progress_clear(p);
		xasprintf(&aside, "%s.corrupt", path);
		if (rename(path, aside) == 0)
			xasprintf(warning, "saved progress was damaged (%s); "
			    "it was moved to %s and progress starts afresh",
			    why, aside);
		else
			xasprintf(warning, "saved progress was damaged (%s) "
			    "and cannot be moved aside: %s", why,
			    strerror(errno));
		free(aside);
		free(why);
	}
	free(buf);
	free(path);
	return p;
}

/* Note that a page of a lesson of npages pages was shown. */
void
progress_page_seen(struct progress *p, const char *id, unsigned page,
    unsigned npages)
{
	if (page < npages)
		progress_mark(p, id, page, PAGE_SEEN, 0);
}

/* Note the answer given on a page: the last answer counts. */
void
progress_answer(struct progress *p, const char *id, unsigned page,
    int correct)
{
	progress_mark(p, id, page, correct ? PAGE_RIGHT : PAGE_WRONG,
	    correct ? PAGE_WRONG : PAGE_RIGHT);
}

/* How much of a lesson of npages pages has been seen, 0 to 100. */
int
progress_percent(const struct progress *p, const char *id, unsigned npages)
{
	const struct progress_lesson	*pl;
	unsigned			 i, seen = 0;

	if (npages == 0 || (pl = progress_find(p, id, 0)) == NULL)
		return 0;
	for (i = 0; i < npages && i < pl->npages; i++)
		seen += (pl->pages[i] & PAGE_SEEN) != 0;
	return (int)(seen * 100 / npages);
}

/* Write the pages having a bit, as "0,3,7" or "-". */
static void
progress_write_field(FILE *f, const struct progress_lesson *pl,
    unsigned bit)
{
	size_t	i;
	int	any = 0;

	for (i = 0; i < pl->npages; i++)
		if (pl->pages[i] & bit)
			fprintf(f, "%s%zu", any++ ? "," : " ", i);
	if (!any)
		fputs(" -", f);
}

/* Make every missing directory above path (like mkdir -p of its dir). */
static int
progress_mkdirs(const char *path)
{
	char	*dir = xstrdup(path), *p;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

/* Save progress atomically: a temporary file, synced, then renamed. */
int
progress_save(struct progress *p, char **cause)
{
	FILE	*f;
	char	*path, *tmp;
	size_t	 i;
	int	 fd, failed;

	if ((path = progress_path(cause)) == NULL)
		return -1;
	if (progress_mkdirs(path) != 0) {
		xasprintf(cause, "cannot make the directory of %s: %s", path,
		    strerror(errno));
		free(path);
		return -1;
	}
	xasprintf(&tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		xasprintf(cause, "cannot write %s: %s", tmp, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		free(path);
		return -1;
	}
	fprintf(f, "%s\n", PROGRESS_HEADER);
	for (i = 0; i < p->n; i++) {
		fputs(p->v[i].id, f);
		progress_write_field(f, &p->v[i], PAGE_SEEN);
		progress_write_field(f, &p->v[i], PAGE_RIGHT);
		progress_write_field(f, &p->v[i], PAGE_WRONG);
		fputc('\n', f);
	}
	failed = fflush(f) != 0 || fsync(fileno(f)) != 0;
	failed |= fclose(f) != 0;
	if (failed || rename(tmp, path) != 0) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		free(path);
		return -1;
	}
	free(tmp);
	free(path);
	return 0;
}

/* parlab --reset-progress: forget everything saved. */
int
progress_reset(void)
{
	char	*path, *cause = NULL;

	if ((path = progress_path(&cause)) == NULL) {
		warnx_("cannot reset progress: %s", cause);
		free(cause);
		return -1;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		warnx_("cannot remove %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	return 0;
}
