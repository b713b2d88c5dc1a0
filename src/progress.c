/*
 * progress.c -- what a student has done, saved between sessions.
 *
 * Progress is per lesson id: for each page, whether it was seen and whether
 * the last answer given on it was right or wrong; the last page shown; the
 * answer given to each question (a choice or a predicted number); and
 * which lesson was open last.  The file's format is in progress-format.c,
 * where it is on disk and how it is locked in progress-file.c.
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

#define PROGRESS_MAX_BYTES	(4 * 1024 * 1024)

/* A lesson's entry, made if asked and absent; NULL for a bad id. */
struct progress_lesson *
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
void
progress_apply(struct progress *p, const struct progress_op *op)
{
	struct progress_lesson	*pl;
	size_t			 i;

	if (op->page >= PROGRESS_MAX_PAGES ||
	    (pl = progress_find(p, op->id, 1)) == NULL)
		return;
	switch (op->type) {
	case PROGRESS_OP_MARK:
		if (op->page >= pl->npages) {
			pl->pages = xreallocarray(pl->pages, op->page + 1, 1);
			memset(pl->pages + pl->npages, 0,
			    op->page + 1 - pl->npages);
			pl->npages = op->page + 1;
		}
		pl->pages[op->page] = (unsigned char)
		    ((pl->pages[op->page] & ~op->clear) | op->set);
		break;
	case PROGRESS_OP_LAST_PAGE:
		pl->last_page = op->page;
		free(p->last);
		p->last = xstrdup(op->id);
		break;
	case PROGRESS_OP_ANSWER:
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
	struct progress_op	op = { PROGRESS_OP_MARK, (char *)id, page, PROGRESS_SEEN, 0,
				    { 0, 0, 0, 0 } };

	if (page >= npages)
		return;
	progress_change(p, &op);
	op.type = PROGRESS_OP_LAST_PAGE;
	progress_change(p, &op);
}

/* Note the answer given on a page: the last answer counts. */
void
progress_answer(struct progress *p, const char *id, unsigned page,
    int correct)
{
	struct progress_op	op = { PROGRESS_OP_MARK, (char *)id, page,
				    correct ? PROGRESS_RIGHT : PROGRESS_WRONG,
				    correct ? PROGRESS_WRONG : PROGRESS_RIGHT,
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
	op.type = PROGRESS_OP_ANSWER;
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
		seen += (pl->pages[i] & PROGRESS_SEEN) != 0;
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
	return p != NULL && p->dirty;	/* the stepper alone keeps none */
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
