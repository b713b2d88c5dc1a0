/*
 * progress.c -- what a student has done, saved between sessions.
 *
 * Progress is per lesson id: for each page, whether it was seen and whether
 * the last answer given on it was right or wrong; the last page shown; the
 * answer given to each question (a choice or a predicted number); and
 * which lesson was open last.  The file (see progress-file.c for where) is
 * small text:
 *
 *   parlab-progress 2
 *   last ID                        the lesson opened last
 *   lesson ID SEEN RIGHT WRONG LAST  SEEN, RIGHT, WRONG: comma-separated
 *                                  page numbers (from 0) or "-"; LAST the
 *                                  last page shown or "-"
 *   answer ID PAGE BLOCK CHOICE VALUE  an ask block (its index on the page):
 *                                  the choice (from 0) and "-", or -1 and
 *                                  the predicted value
 *
 * Version 1 files ("ID SEEN RIGHT WRONG" lines) are still read.
 *
 * Several parlabs may run at once, so memory is never simply written out:
 * every change is applied in memory and kept in a journal; a save takes the
 * file's lock, reads what is on disk now, replays the journal on it, writes
 * the result atomically and adopts it, so answers from every instance are
 * kept (the later change to the same page wins).  Progress is a
 * convenience, so nothing about it is ever fatal: a damaged file is moved
 * aside with a warning; a file parlab must leave alone (unreadable, not a
 * regular file) gives one warning, and progress is then kept in memory
 * only.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

#define PROGRESS_HEADER		"parlab-progress 2"
#define PROGRESS_HEADER_V1	"parlab-progress 1"
#define PROGRESS_MAX_PAGES	10000
#define PROGRESS_MAX_BYTES	(4 * 1024 * 1024)

enum {
	PAGE_SEEN = PROGRESS_SEEN,
	PAGE_RIGHT = PROGRESS_RIGHT,
	PAGE_WRONG = PROGRESS_WRONG
};

struct progress_ans {
	unsigned	 page, block;
	int		 choice;	/* -1: a prediction */
	double		 value;
};

struct progress_lesson {
	char			*id;
	unsigned char		*pages;		/* PAGE_* bits per page */
	size_t			 npages;
	long			 last_page;	/* -1: none */
	struct progress_ans	*ans;
	size_t			 nans;
};

enum progress_op_type { OP_MARK, OP_LAST_PAGE, OP_ANSWER };

struct progress_op {		/* one change not yet on disk */
	enum progress_op_type	 type;
	char			*id;
	unsigned		 page, set, clear;
	struct progress_ans	 ans;
};

struct progress {
	struct progress_lesson	*v;
	size_t			 n;
	char			*last;		/* lesson opened last */
	struct progress_op	*ops;		/* the journal */
	size_t			 nops;
	int			 memory_only;	/* leave the file alone */
	int			 dirty;		/* changed since the last save */
};

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
	memset(pl, 0, sizeof *pl);
	pl->id = xstrdup(id);
	pl->last_page = -1;
	return pl;
}

/* Apply one change to p (from the journal, or as it happens). */
static void
progress_apply(struct progress *p, const struct progress_op *op)
{
	struct progress_lesson	*pl;
	size_t			 i;

	if (op->page >= PROGRESS_MAX_PAGES ||
	    (pl = progress_find(p, op->id, 1)) == NULL)
		return;
	switch (op->type) {
	case OP_MARK:
		if (op->page >= pl->npages) {
			pl->pages = xreallocarray(pl->pages, op->page + 1, 1);
			memset(pl->pages + pl->npages, 0,
			    op->page + 1 - pl->npages);
			pl->npages = op->page + 1;
		}
		pl->pages[op->page] = (unsigned char)
		    ((pl->pages[op->page] & ~op->clear) | op->set);
		break;
	case OP_LAST_PAGE:
		pl->last_page = op->page;
		free(p->last);
		p->last = xstrdup(op->id);
		break;
	case OP_ANSWER:
		for (i = 0; i < pl->nans; i++)
			if (pl->ans[i].page == op->ans.page &&
			    pl->ans[i].block == op->ans.block)
				break;
		if (i == pl->nans) {
			if (pl->nans >= PROGRESS_MAX_PAGES)
				return;
			pl->ans = xreallocarray(pl->ans, ++pl->nans,
			    sizeof *pl->ans);
		}
		pl->ans[i] = op->ans;
		break;
	}
}

/* Apply a change now and journal it for the next save. */
static void
progress_change(struct progress *p, struct progress_op *op)
{
	if (!progress_id_ok(op->id) || op->page >= PROGRESS_MAX_PAGES)
		return;
	progress_apply(p, op);
	p->ops = xreallocarray(p->ops, p->nops + 1, sizeof *p->ops);
	p->ops[p->nops] = *op;
	p->ops[p->nops++].id = xstrdup(op->id);
	p->dirty = 1;
}

/* Parse a whole number in [lo, PROGRESS_MAX_PAGES); -1 if it is not. */
static long
progress_num(const char *s, long lo)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || n < lo ||
	    n >= PROGRESS_MAX_PAGES || *s == '+' || (*s == '-' && lo >= 0))
		return lo - 1;
	return n;
}

/* Parse one field: "-" or "0,3,7"; sets bit on those pages. */
static int
progress_field(struct progress *p, const char *id, char *field,
    unsigned bit)
{
	struct progress_op	 op = { OP_MARK, (char *)id, 0, bit, 0,
				     { 0, 0, 0, 0 } };
	char			*s, *comma;
	long			 n;

	if (strcmp(field, "-") == 0)
		return 0;
	for (s = field; s != NULL; s = comma) {
		if ((comma = strchr(s, ',')) != NULL)
			*comma++ = '\0';
		if ((n = progress_num(s, 0)) < 0)
			return -1;
		op.page = (unsigned)n;
		progress_apply(p, &op);
	}
	return 0;
}

/* Split line into at most max words; their count (max + 1: too many). */
static int
progress_words(char *line, char **w, int max)
{
	char	*save = NULL;
	int	 n;

	for (n = 0; n <= max; n++)
		if ((w[n] = strtok_r(n ? NULL : line, " ", &save)) == NULL)
			break;
	return n;
}

/* Parse one line of the file (of version v). */
static int
progress_line(struct progress *p, char *line, int v)
{
	struct progress_op	 op;
	char			*w[8], **f, *end;
	int			 nw = progress_words(line, w, 6);
	long			 n;

	if (v == 2 && nw == 2 && strcmp(w[0], "last") == 0) {
		if (!progress_id_ok(w[1]))
			return -1;
		free(p->last);
		p->last = xstrdup(w[1]);
		return 0;
	}
	if (v == 2 && nw == 6 && strcmp(w[0], "answer") == 0) {
		memset(&op, 0, sizeof op);
		op.type = OP_ANSWER;
		op.id = w[1];
		if ((n = progress_num(w[2], 0)) < 0)
			return -1;
		op.ans.page = (unsigned)n;
		if ((n = progress_num(w[3], 0)) < 0)
			return -1;
		op.ans.block = (unsigned)n;
		if ((n = progress_num(w[4], -1)) < -1)
			return -1;
		op.ans.choice = (int)n;
		if (n == -1) {
			errno = 0;
			op.ans.value = strtod(w[5], &end);
			if (end == w[5] || *end != '\0' || errno != 0)
				return -1;
		} else if (strcmp(w[5], "-") != 0)
			return -1;
		if (!progress_id_ok(w[1]))
			return -1;
		progress_apply(p, &op);
		return 0;
	}
	if (v == 2 && (nw != 6 || strcmp(w[0], "lesson") != 0))
		return -1;
	if (v == 1 && nw != 4)
		return -1;
	f = v == 2 ? w + 1 : w;
	if (!progress_id_ok(f[0]) || progress_find(p, f[0], 0) != NULL)
		return -1;
	progress_find(p, f[0], 1);	/* kept even with nothing marked */
	if (progress_field(p, f[0], f[1], PAGE_SEEN) != 0 ||
	    progress_field(p, f[0], f[2], PAGE_RIGHT) != 0 ||
	    progress_field(p, f[0], f[3], PAGE_WRONG) != 0)
		return -1;
	if (v == 2 && strcmp(f[4], "-") != 0) {
		if ((n = progress_num(f[4], 0)) < 0)
			return -1;
		progress_find(p, f[0], 0)->last_page = n;
	}
	return 0;
}

/* Parse the whole file into p; on error say why in *why. */
static int
progress_parse(struct progress *p, char *buf, char **why)
{
	char		*line, *next;
	unsigned	 lineno = 0;
	int		 v = 0;

	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else {
			xasprintf(why, "line %u is cut short", lineno + 1);
			return -1;
		}
		if (++lineno == 1) {
			if (strcmp(line, PROGRESS_HEADER) == 0)
				v = 2;
			else if (strcmp(line, PROGRESS_HEADER_V1) == 0)
				v = 1;
			else {
				xasprintf(why, "it does not start with '%s'",
				    PROGRESS_HEADER);
				return -1;
			}
			continue;
		}
		if (progress_line(p, line, v) != 0) {
			xasprintf(why, "line %u is not a progress line", lineno);
			return -1;
		}
	}
	if (lineno == 0) {
		xasprintf(why, "it is empty");
		return -1;
	}
	return 0;
}

/* Free the lessons of p (not its journal). */
static void
progress_clear(struct progress *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].id);
		free(p->v[i].pages);
		free(p->v[i].ans);
	}
	free(p->v);
	free(p->last);
	p->v = NULL;
	p->n = 0;
	p->last = NULL;
}

/* Forget the journal (it is on disk now). */
static void
progress_clear_ops(struct progress *p)
{
	size_t	i;

	for (i = 0; i < p->nops; i++)
		free(p->ops[i].id);
	free(p->ops);
	p->ops = NULL;
	p->nops = 0;
}

/* Free progress. */
void
progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	progress_clear(p);
	progress_clear_ops(p);
	free(p);
}

/*
 * Read the file at path into p (which is empty).  0: read (or no file);
 * 1: damaged and moved aside (*warning says so); -1: to be left alone
 * (*warning says why).
 */
static int
progress_read(struct progress *p, const char *path, char **warning)
{
	char	*buf, *why = NULL, *aside, *cause = NULL;
	int	 too_big, r;

	if ((r = progress_file_read(path, PROGRESS_MAX_BYTES, &buf, &too_big,
	    &cause)) <= 0) {
		if (r < 0)
			xasprintf(warning, "%s; progress is kept for this "
			    "session only", cause);
		free(cause);
		return r;
	}
	if (too_big)
		why = xstrdup("it is too large");
	if (why == NULL && progress_parse(p, buf, &why) == 0) {
		free(buf);
		return 0;
	}
	free(buf);
	progress_clear(p);
	if ((aside = progress_file_aside(path, &cause)) != NULL)
		xasprintf(warning, "saved progress was damaged (%s); it was "
		    "moved to %s and progress starts afresh", why, aside);
	else {
		xasprintf(warning, "saved progress was damaged (%s) and is "
		    "kept for this session only: %s", why, cause);
		free(why);
		free(cause);
		return -1;
	}
	free(aside);
	free(why);
	return 1;
}

/*
 * Load saved progress.  Never fails: with no file, progress is empty; a
 * file that cannot be read or parsed gives a warning (*warning, to free).
 */
struct progress *
progress_load(char **warning)
{
	struct progress	*p = xcalloc(1, sizeof *p);
	char		*path, *cause = NULL;
	int		 lock;

	*warning = NULL;
	if ((path = progress_file_target(&cause)) == NULL) {
		xasprintf(warning, "progress will not be saved: %s", cause);
		free(cause);
		p->memory_only = 1;
		return p;
	}
	/* Locked if possible, so two starts never set aside one file twice. */
	lock = progress_file_lock(path, &cause);
	free(cause);
	if (progress_read(p, path, warning) < 0)
		p->memory_only = 1;
	progress_file_unlock(lock);
	free(path);
	return p;
}

/* Note that a page of a lesson of npages pages was shown (and is the
 * lesson's last page, and the lesson the last one opened). */
void
progress_page_seen(struct progress *p, const char *id, unsigned page,
    unsigned npages)
{
	struct progress_op	op = { OP_MARK, (char *)id, page, PAGE_SEEN, 0,
				    { 0, 0, 0, 0 } };

	if (page >= npages)
		return;
	progress_change(p, &op);
	op.type = OP_LAST_PAGE;
	progress_change(p, &op);
}

/* Note the answer given on a page: the last answer counts. */
void
progress_answer(struct progress *p, const char *id, unsigned page,
    int correct)
{
	struct progress_op	op = { OP_MARK, (char *)id, page,
				    correct ? PAGE_RIGHT : PAGE_WRONG,
				    correct ? PAGE_WRONG : PAGE_RIGHT,
				    { 0, 0, 0, 0 } };

	progress_change(p, &op);
}

/* Remember what was answered to ask block `block` of a page: a choice
 * (from 0), or -1 and a predicted value. */
void
progress_choice(struct progress *p, const char *id, unsigned page,
    unsigned block, int choice, double value)
{
	struct progress_op	op;

	memset(&op, 0, sizeof op);
	op.type = OP_ANSWER;
	op.id = (char *)id;
	op.ans.page = page;
	op.ans.block = block;
	op.ans.choice = choice < 0 ? -1 : choice;
	op.ans.value = choice < 0 ? value : 0;
	if (block < PROGRESS_MAX_PAGES)
		progress_change(p, &op);
}

/* The answer saved for a block: 0 and *choice, *value; -1 if none. */
int
progress_choice_get(const struct progress *p, const char *id, unsigned page,
    unsigned block, int *choice, double *value)
{
	const struct progress_lesson	*pl;
	size_t				 i;

	if ((pl = progress_find(p, id, 0)) == NULL)
		return -1;
	for (i = 0; i < pl->nans; i++)
		if (pl->ans[i].page == page && pl->ans[i].block == block) {
			*choice = pl->ans[i].choice;
			*value = pl->ans[i].value;
			return 0;
		}
	return -1;
}

/* The last page shown of a lesson, or -1. */
long
progress_last_page(const struct progress *p, const char *id)
{
	const struct progress_lesson	*pl = progress_find(p, id, 0);

	return pl != NULL ? pl->last_page : -1;
}

/* The lesson opened last, or NULL. */
const char *
progress_last_lesson(const struct progress *p)
{
	return p->last;
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

/* The lessons with progress: how many, and the id of the i-th. */
size_t
progress_count(const struct progress *p)
{
	return p->n;
}

/* The id of the i-th lesson with progress. */
const char *
progress_id(const struct progress *p, size_t i)
{
	return i < p->n ? p->v[i].id : NULL;
}

/* A page's PROGRESS_SEEN/RIGHT/WRONG bits; *npages: pages on record. */
unsigned
progress_page_bits(const struct progress *p, const char *id, unsigned page,
    unsigned *npages)
{
	const struct progress_lesson	*pl = progress_find(p, id, 0);

	*npages = pl != NULL ? (unsigned)pl->npages : 0;
	return pl != NULL && page < pl->npages ? pl->pages[page] : 0;
}

/* The i-th saved answer of a lesson: 0, or -1 past the last. */
int
progress_answer_at(const struct progress *p, const char *id, size_t i,
    unsigned *page, unsigned *block, int *choice, double *value)
{
	const struct progress_lesson	*pl = progress_find(p, id, 0);

	if (pl == NULL || i >= pl->nans)
		return -1;
	*page = pl->ans[i].page;
	*block = pl->ans[i].block;
	*choice = pl->ans[i].choice;
	*value = pl->ans[i].value;
	return 0;
}

/* Whether a change is waiting to be saved. */
int
progress_dirty(const struct progress *p)
{
	return p->dirty;
}

/* Write the pages having a bit, as " 0,3,7" or " -". */
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

/* The file's text for p (to free). */
static char *
progress_format(const struct progress *p)
{
	const struct progress_lesson	*pl;
	const struct progress_ans	*a;
	char				*text = NULL;
	size_t				 len, i, j;
	FILE				*f;

	if ((f = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream: %s", strerror(errno));
	fprintf(f, "%s\n", PROGRESS_HEADER);
	if (p->last != NULL)
		fprintf(f, "last %s\n", p->last);
	for (i = 0; i < p->n; i++) {
		pl = &p->v[i];
		fprintf(f, "lesson %s", pl->id);
		progress_write_field(f, pl, PAGE_SEEN);
		progress_write_field(f, pl, PAGE_RIGHT);
		progress_write_field(f, pl, PAGE_WRONG);
		if (pl->last_page >= 0)
			fprintf(f, " %ld\n", pl->last_page);
		else
			fputs(" -\n", f);
		for (j = 0; j < pl->nans; j++) {
			a = &pl->ans[j];
			fprintf(f, "answer %s %u %u %d ", pl->id, a->page,
			    a->block, a->choice);
			if (a->choice < 0)
				fprintf(f, "%.17g\n", a->value);
			else
				fputs("-\n", f);
		}
	}
	if (fclose(f) != 0)
		fatal("open_memstream: %s", strerror(errno));
	return text;
}

/*
 * Save progress: under the lock, re-read the file, replay this session's
 * changes on it, write it atomically and adopt it.  0 when saved (or when
 * the file is to be left alone: the load warned), -1 with a cause.
 */
int
progress_save(struct progress *p, char **cause)
{
	struct progress	 disk, *base = &disk;
	char		*path, *text, *warning = NULL;
	size_t		 i;
	int		 lock, r;

	p->dirty = 0;
	if ((path = progress_file_target(cause)) == NULL)
		return -1;
	if (p->memory_only || p->nops == 0) {
		free(path);	/* left alone, or nothing new to merge */
		return 0;
	}
	if ((lock = progress_file_lock(path, cause)) == -1) {
		free(path);
		return -1;
	}
	memset(&disk, 0, sizeof disk);
	if ((r = progress_read(&disk, path, &warning)) < 0) {
		/* Became a file to leave alone: stop writing, say so once. */
		p->memory_only = 1;
		progress_file_unlock(lock);
		*cause = warning;
		free(path);
		return -1;
	}
	free(warning);
	if (r == 1)
		base = p;	/* damaged and set aside: ours is all there is */
	else
		for (i = 0; i < p->nops; i++)
			progress_apply(&disk, &p->ops[i]);
	text = progress_format(base);
	r = progress_file_write(path, text, cause);
	progress_file_unlock(lock);
	free(text);
	free(path);
	if (base == &disk) {
		if (r == 0) {
			progress_clear(p);
			p->v = disk.v;
			p->n = disk.n;
			p->last = disk.last;
		} else
			progress_clear(&disk);
	}
	if (r == 0)
		progress_clear_ops(p);
	return r;
}

/* parlab --reset-progress: forget everything saved. */
int
progress_reset(void)
{
	char	*path, *cause = NULL;

	if ((path = progress_file_target(&cause)) == NULL) {
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
