/*
 * timeline-fold.c -- a time window folded into columns, one frame's worth.
 *
 * Folding a window [t0, t1) into N columns gives each column the state that
 * covered most of it, so a column never lies about what dominated there.
 * The per-core view folds every worker's running time into each core's
 * columns (who ran longest there, and the share of the column they ran).
 *
 * A live view folds the same window frame after frame while the timeline
 * only grows at its end, so each fold keeps what it summed: per lane, the
 * per-state time of every closed span in each column (struct
 * tl_fold_cache), and for the cores, each core's busy time and longest
 * span per column with how far into each lane it has read (struct
 * tl_core_cache).  The next fold of the same window adds only the spans
 * closed since, then the open spans (whose end moves with t_end) on top,
 * without keeping them; a column the open span has not reached keeps its
 * answer, so a frame decides only the columns around the open spans.  A
 * different window (a zoom, a rescale, a resize)
 * starts the sums again.  Integer sums do not depend on the order they
 * are added in, and ties between lanes go to the lower lane as a single
 * pass would give them, so a fold with its cache gives exactly what a
 * fold from nothing gives (tests/check_timeline.c holds them to that).
 *
 * Spans are visited through TL_BLOCK block sums where a whole block falls
 * in one column; the block keeps its own first start and last end, so
 * that visit reads only the (small) block array.  A first fold of a
 * million spans reads about four thousand blocks and the spans around
 * each column's edges.
 *
 * The caches hang off the timeline through pointers, so a fold through a
 * const timeline may fill them (it answers the same with or without
 * them); only the one thread that folds a timeline writes them: the UI's,
 * or a command-line export's.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

struct tl_fold_cache {		/* one lane's closed spans, per column */
	uint64_t	  t0, t1;	/* the window folded */
	unsigned	  ncols;
	size_t		  upto;		/* spans below it are in acc */
	uint64_t	(*acc)[STATE_COUNT];
	uint8_t		 *out;		/* the fold of acc alone */
	unsigned	  valid;	/* out[0, valid) is final: later spans
					   all start after these columns */
	unsigned	  reach;	/* acc is empty from this column on */
};

struct tl_core_cache {		/* the workers' closed running spans */
	uint64_t	 t0, t1;
	unsigned	 ncols, ncores;
	size_t		*upto;		/* per lane, as above */
	uint64_t	*busy, *best;	/* per core and column */
	int32_t		*who;		/* the lane of best, or -1 */
};

/* A time window [t0, t1) cut into ncols equal columns. */
struct tl_window {
	uint64_t	t0, t1, width;
	unsigned	ncols;
};

/*
 * Clip a span to the window: [a, b) and its first and last columns.
 * Returns 0 when no part of the span lies inside.
 */
static int
timeline_fold_clip(const struct timeline *tl, const struct tl_window *w,
    const struct tl_span *sp, uint64_t *a, uint64_t *b, unsigned *c0,
    unsigned *c1)
{
	*a = sp->t0 < w->t0 ? w->t0 : sp->t0;
	*b = timeline_span_end(tl, sp);
	if (*b > w->t1)
		*b = w->t1;
	if (*b <= *a)
		return 0;
	*c0 = (unsigned)((*a - w->t0) * w->ncols / w->width);
	*c1 = (unsigned)((*b - 1 - w->t0) * w->ncols / w->width);
	if (*c1 >= w->ncols)
		*c1 = w->ncols - 1;
	return 1;
}

/* How much of [a, b) falls in column c. */
static uint64_t
timeline_fold_overlap(const struct tl_window *w, uint64_t a, uint64_t b,
    unsigned c)
{
	uint64_t	ca = w->t0 + (uint64_t)c * w->width / w->ncols;
	uint64_t	cb = w->t0 + (uint64_t)(c + 1) * w->width / w->ncols;

	return (b < cb ? b : cb) - (a > ca ? a : ca);
}

/*
 * Where a cache of the window [t0, t1) starts reading a lane: the first
 * span ending after t0, but never past an open span, whose end is still
 * to come.
 */
static size_t
timeline_fold_start(const struct timeline *tl, const struct tl_lane *ll,
    uint64_t t0)
{
	size_t	i = timeline_first_span(tl, ll, t0);

	if (i > 0 && i == ll->nspans && ll->spans[i - 1].t1 == UINT64_MAX)
		i--;
	return i;
}

/* A lane's fold cache for the window, emptied if it held another. */
static struct tl_fold_cache *
timeline_fold_cache(const struct timeline *tl, struct tl_lane *ll,
    uint64_t t0, uint64_t t1, unsigned ncols)
{
	struct tl_fold_cache	*fc = ll->fold;

	if (fc == NULL)
		fc = ll->fold = xcalloc(1, sizeof *fc);
	if (fc->acc != NULL && fc->t0 == t0 && fc->t1 == t1 &&
	    fc->ncols == ncols)
		return fc;
	if (fc->ncols != ncols) {
		free(fc->acc);
		free(fc->out);
		fc->acc = xcalloc(ncols, sizeof *fc->acc);
		fc->out = xcalloc(ncols, 1);
	} else
		memset(fc->acc, 0, ncols * sizeof *fc->acc);
	fc->valid = fc->reach = 0;
	fc->t0 = t0;
	fc->t1 = t1;
	fc->ncols = ncols;
	fc->upto = timeline_fold_start(tl, ll, t0);
	return fc;
}

/* Columns c0 to c1 of the cache's sums changed: they are to be decided. */
static void
timeline_fold_touch(struct tl_fold_cache *fc, unsigned c0, unsigned c1)
{
	if (c0 < fc->valid)
		fc->valid = c0;
	if (c1 + 1 > fc->reach)
		fc->reach = c1 + 1;
}

/*
 * Add a lane's spans closed since the last fold to its cache: a whole
 * block inside one column by its sums, any other span by its overlap
 * with each column it touches.  Stops at the open span, or at the first
 * span starting after the window (it stays unread, for when it matters).
 */
static void
timeline_fold_closed(const struct timeline *tl, const struct tl_lane *ll,
    struct tl_fold_cache *fc, const struct tl_window *w)
{
	const struct tl_span	*sp;
	const struct tl_block	*bl;
	uint64_t		 a, b;
	size_t			 i;
	unsigned		 c, c0, c1, s;

	for (i = fc->upto; i < ll->nspans; i++) {
		if (i % TL_BLOCK == 0 && i / TL_BLOCK < ll->nblocks) {
			bl = &ll->blocks[i / TL_BLOCK];
			if (bl->t0 >= w->t1)
				break;
			if (bl->t0 >= w->t0 && bl->t1 <= w->t1 &&
			    bl->t1 > bl->t0) {
				c0 = (unsigned)((bl->t0 - w->t0) * w->ncols /
				    w->width);
				c1 = (unsigned)((bl->t1 - 1 - w->t0) *
				    w->ncols / w->width);
				if (c0 == c1) {
					/* A whole block inside one column. */
					for (s = 0; s < STATE_COUNT; s++)
						fc->acc[c0][s] += bl->ns[s];
					timeline_fold_touch(fc, c0, c1);
					i += TL_BLOCK - 1;
					continue;
				}
			}
		}
		sp = &ll->spans[i];
		if (sp->t1 == UINT64_MAX || sp->t0 >= w->t1)
			break;
		if (!timeline_fold_clip(tl, w, sp, &a, &b, &c0, &c1))
			continue;
		for (c = c0; c <= c1; c++)
			fc->acc[c][sp->state] += timeline_fold_overlap(w, a, b,
			    c);
		timeline_fold_touch(fc, c0, c1);
	}
	fc->upto = i;
}

/*
 * Fold a lane's window [t0, t1) into ncols columns: out[c] is the state that
 * covered most of column c, STATE_NONE where nothing did.
 */
void
timeline_fold(const struct timeline *tl, unsigned lane, uint64_t t0,
    uint64_t t1, unsigned ncols, uint8_t *out)
{
	struct tl_lane		*ll = &tl->lanes[lane];
	const struct tl_span	*open = NULL;
	struct tl_window	 win = { t0, t1, t1 - t0, ncols };
	struct tl_fold_cache	*fc;
	uint64_t		 sum[STATE_COUNT], a = 0, b = 0, best, covered;
	unsigned		 c, c0 = 1, c1 = 0, s, lo, hi;

	if (ncols == 0)
		return;
	memset(out, STATE_NONE, ncols);
	if (t1 <= t0)
		return;
	fc = timeline_fold_cache(tl, ll, t0, t1, ncols);
	timeline_fold_closed(tl, ll, fc, &win);
	/* The open span, if any, is added on top each time. */
	if (ll->nspans > 0 && ll->spans[ll->nspans - 1].t1 == UINT64_MAX) {
		open = &ll->spans[ll->nspans - 1];
		if (!timeline_fold_clip(tl, &win, open, &a, &b, &c0, &c1))
			open = NULL;
	}
	/* Decided columns as they were; past every span, STATE_NONE. */
	lo = fc->valid;
	hi = fc->reach;
	if (open != NULL && c0 < lo)
		lo = c0;
	if (open != NULL && c1 + 1 > hi)
		hi = c1 + 1;
	memcpy(out, fc->out, lo);
	for (c = lo; c < hi; c++) {
		memcpy(sum, fc->acc[c], sizeof sum);
		if (open != NULL && c >= c0 && c <= c1)
			sum[open->state] += timeline_fold_overlap(&win, a, b, c);
		/* Time no span covered is STATE_NONE's. */
		covered = 0;
		for (s = 1; s < STATE_COUNT; s++)
			covered += sum[s];
		best = timeline_fold_overlap(&win, t0, t1, c);
		sum[STATE_NONE] += best > covered ? best - covered : 0;
		best = 0;
		for (s = 0; s < STATE_COUNT; s++) {
			if (sum[s] > best) {
				best = sum[s];
				out[c] = (uint8_t)s;
			}
		}
		if (open == NULL || c < c0 || c > c1)
			fc->out[c] = out[c];
	}
	/* Later spans start where the open one does, or after. */
	fc->valid = open != NULL ? c0 : hi;
}

/*
 * Fold a value lane: out[c] is the value in column c, carried from before
 * it when nothing changed there, TL_NOVALUE before the first value and after
 * the latest time known.  A counter (EV_COUNTER, a queue's depth) shows the
 * highest value in the column; the GIL lane (EV_GIL_SWITCH, the holder's
 * lane or -1 for nobody) shows the last.
 */
void
timeline_fold_counter(const struct timeline *tl, unsigned lane, uint64_t t0,
    uint64_t t1, unsigned ncols, int64_t *out)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	const struct tl_mark	*m;
	int64_t			 carry = TL_NOVALUE, *last;
	size_t			 i;
	unsigned		 c;

	for (c = 0; c < ncols; c++)
		out[c] = TL_NOVALUE;
	if (t1 <= t0 || ncols == 0)
		return;
	last = xcalloc(ncols, sizeof *last);	/* what carries past a column */
	for (i = 0; i < ll->nmarks; i++) {
		m = &ll->marks[i];
		if (m->kind != EV_COUNTER && m->kind != EV_GIL_SWITCH)
			continue;
		if (m->ts < t0) {
			carry = m->arg;
			continue;
		}
		if (m->ts >= t1)
			break;
		c = (unsigned)((m->ts - t0) * ncols / (t1 - t0));
		if (m->kind == EV_GIL_SWITCH || out[c] == TL_NOVALUE ||
		    out[c] < m->arg)
			out[c] = m->arg;
		last[c] = m->arg;
	}
	for (c = 0; c < ncols; c++) {
		if (out[c] == TL_NOVALUE)
			out[c] = carry;
		else
			carry = last[c];
		if (t0 + (uint64_t)c * (t1 - t0) / ncols > tl->t_end)
			out[c] = TL_NOVALUE;
	}
	free(last);
}

/* Count one running span into the per-core figures (ties: lower lane). */
static void
timeline_fold_core_span(const struct timeline *tl, const struct tl_window *w,
    const struct tl_span *sp, unsigned ncores, int32_t lane, uint64_t *busy,
    uint64_t *best, int32_t *who)
{
	uint64_t	a, b, ov;
	unsigned	c, c0, c1, k;

	if (sp->state != STATE_RUNNING || sp->cpu < 0 ||
	    (unsigned)sp->cpu >= ncores ||
	    !timeline_fold_clip(tl, w, sp, &a, &b, &c0, &c1))
		return;
	for (c = c0; c <= c1; c++) {
		ov = timeline_fold_overlap(w, a, b, c);
		k = (unsigned)sp->cpu * w->ncols + c;
		busy[k] += ov;
		if (ov > best[k] || (ov == best[k] && ov > 0 &&
		    lane < who[k])) {
			best[k] = ov;
			who[k] = lane;
		}
	}
}

/* The timeline's core cache for the window, emptied if it held another. */
static struct tl_core_cache *
timeline_fold_core_cache(const struct timeline *tl, unsigned ncores,
    uint64_t t0, uint64_t t1, unsigned ncols)
{
	struct tl_core_cache	*cc = tl->cores;
	size_t			 i, n = (size_t)ncores * ncols;
	unsigned		 lane;

	if (cc->busy != NULL && cc->t0 == t0 && cc->t1 == t1 &&
	    cc->ncols == ncols && cc->ncores == ncores)
		return cc;
	if (cc->ncols != ncols || cc->ncores != ncores) {
		free(cc->busy);
		free(cc->best);
		free(cc->who);
		cc->busy = xcalloc(n ? n : 1, sizeof *cc->busy);
		cc->best = xcalloc(n ? n : 1, sizeof *cc->best);
		cc->who = xcalloc(n ? n : 1, sizeof *cc->who);
	}
	memset(cc->busy, 0, n * sizeof *cc->busy);
	memset(cc->best, 0, n * sizeof *cc->best);
	for (i = 0; i < n; i++)
		cc->who[i] = -1;
	cc->t0 = t0;
	cc->t1 = t1;
	cc->ncols = ncols;
	cc->ncores = ncores;
	for (lane = 0; lane < tl->nlanes; lane++)
		cc->upto[lane] = timeline_fold_start(tl, &tl->lanes[lane], t0);
	return cc;
}

/*
 * The per-core view: out[core * ncols + c] is the worker lane that ran
 * longest on that core in column c (judged span by span), or -1; util, if
 * not NULL, gets the share of the column's time workers ran on that core,
 * in thousandths (the busy time of every worker, not mere presence).
 */
static void
timeline_fold_cores_util(const struct timeline *tl, unsigned ncores,
    uint64_t t0, uint64_t t1, unsigned ncols, int32_t *out, uint16_t *util)
{
	struct tl_window	 win = { t0, t1, t1 - t0, ncols };
	struct tl_core_cache	*cc;
	const struct tl_lane	*ll;
	const struct tl_span	*sp;
	uint64_t		*busy, *best, cw;
	size_t			 i, n = (size_t)ncores * ncols;
	unsigned		 lane, c;

	for (i = 0; i < n; i++)
		out[i] = -1;
	if (util != NULL)
		memset(util, 0, n * sizeof *util);
	if (t1 <= t0 || n == 0)
		return;
	cc = timeline_fold_core_cache(tl, ncores, t0, t1, ncols);
	for (lane = 0; lane < tl->nlanes; lane++) {
		if (!timeline_lane_is_worker(tl, lane))
			continue;
		ll = &tl->lanes[lane];
		for (i = cc->upto[lane]; i < ll->nspans; i++) {
			sp = &ll->spans[i];
			if (sp->t1 == UINT64_MAX || sp->t0 >= t1)
				break;
			timeline_fold_core_span(tl, &win, sp, ncores,
			    (int32_t)lane, cc->busy, cc->best, cc->who);
		}
		cc->upto[lane] = i;
	}
	/* The open spans on top of a copy: their ends move on. */
	busy = xreallocarray(NULL, n, sizeof *busy);
	best = xreallocarray(NULL, n, sizeof *best);
	memcpy(busy, cc->busy, n * sizeof *busy);
	memcpy(best, cc->best, n * sizeof *best);
	memcpy(out, cc->who, n * sizeof *out);
	for (lane = 0; lane < tl->nlanes; lane++) {
		ll = &tl->lanes[lane];
		if (!timeline_lane_is_worker(tl, lane) || ll->nspans == 0 ||
		    ll->spans[ll->nspans - 1].t1 != UINT64_MAX)
			continue;
		timeline_fold_core_span(tl, &win, &ll->spans[ll->nspans - 1],
		    ncores, (int32_t)lane, busy, best, out);
	}
	for (i = 0; util != NULL && i < n; i++) {
		c = (unsigned)(i % ncols);
		cw = timeline_fold_overlap(&win, t0, t1, c);
		util[i] = (uint16_t)(cw == 0 ? 0 : busy[i] >= cw ? 1000 :
		    busy[i] * 1000 / cw);
	}
	free(busy);
	free(best);
}

/* Which worker ran longest on each core in each column, or -1. */
void
timeline_fold_cores(const struct timeline *tl, unsigned ncores, uint64_t t0,
    uint64_t t1, unsigned ncols, int32_t *out)
{
	timeline_fold_cores_util(tl, ncores, t0, t1, ncols, out, NULL);
}

/* The same, with each core's busy share per column in thousandths. */
void
timeline_fold_util(const struct timeline *tl, unsigned ncores, uint64_t t0,
    uint64_t t1, unsigned ncols, int32_t *out, uint16_t *util)
{
	timeline_fold_cores_util(tl, ncores, t0, t1, ncols, out, util);
}

/*
 * Where labelled work items begin: out[c] is the label (a pool's item) of
 * a span that starts in column c with a label other than the span before
 * it, TL_NOVALUE elsewhere.  Views print it over the lane.
 */
void
timeline_fold_labels(const struct timeline *tl, unsigned lane, uint64_t t0,
    uint64_t t1, unsigned ncols, int64_t *out)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	const struct tl_span	*sp;
	int64_t			 prev = -1;
	size_t			 i;
	unsigned		 c;

	for (c = 0; c < ncols; c++)
		out[c] = TL_NOVALUE;
	/* A lane that never named a work item (most lanes) has none. */
	if (t1 <= t0 || ncols == 0 || !ll->labelled)
		return;
	i = timeline_first_span(tl, ll, t0);
	if (i > 0 && i < ll->nspans)
		prev = ll->spans[i - 1].label;
	for (; i < ll->nspans; i++) {
		sp = &ll->spans[i];
		if (sp->t0 >= t1)
			break;
		if (sp->label >= 0 && sp->label != prev) {
			c = sp->t0 <= t0 ? 0 :
			    (unsigned)((sp->t0 - t0) * ncols / (t1 - t0));
			if (out[c] == TL_NOVALUE)
				out[c] = sp->label;
		}
		prev = sp->label;
	}
}

/* Make a new timeline's (empty) core cache: timeline_create calls it. */
void
timeline_fold_prepare(struct timeline *tl)
{
	tl->cores = xcalloc(1, sizeof *tl->cores);
	tl->cores->upto = xcalloc(tl->nlanes ? tl->nlanes : 1,
	    sizeof *tl->cores->upto);
}

/* Free what the folds of a timeline kept (timeline_destroy calls it). */
void
timeline_fold_forget(struct timeline *tl)
{
	unsigned	lane;

	for (lane = 0; lane < tl->nlanes; lane++) {
		if (tl->lanes[lane].fold != NULL) {
			free(tl->lanes[lane].fold->acc);
			free(tl->lanes[lane].fold->out);
		}
		free(tl->lanes[lane].fold);
		tl->lanes[lane].fold = NULL;
	}
	if (tl->cores != NULL) {
		free(tl->cores->upto);
		free(tl->cores->busy);
		free(tl->cores->best);
		free(tl->cores->who);
		free(tl->cores);
		tl->cores = NULL;
	}
}
