/*
 * timeline.c -- events become spans per lane, spans become columns.
 *
 * This is the one timeline model: the TUI, the text export and the trace
 * export all read it.  timeline_update() folds in whatever the writers have
 * published since the last call (it never waits for them), so the UI can
 * call it once per frame while a run goes on.
 *
 * A lane is a sequence of spans, each one state from t0 to t1.  A state
 * event closes the open span and opens the next; a change of core (EV_CPU)
 * or of work item (EV_LABEL) splits the open span so that the per-core view
 * and labelled pool tasks can be drawn.  The last span of a lane is open:
 * its t1 is UINT64_MAX and readers clamp it to t_end, the latest time known
 * (the UI moves t_end to "now" each frame so a running lane keeps growing).
 * Other point events are kept as marks.
 *
 * Every TL_BLOCK closed spans are also summed per state, with the block's
 * first start and last end beside the sums, so that folding (a time window
 * into columns, timeline-fold.c) can add a whole block that falls in one
 * column without reading its spans.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* A timeline over a trace; nothing is read until timeline_update(). */
struct timeline *
timeline_create(struct trace *tr)
{
	struct timeline	*tl;
	unsigned	 i;

	tl = xcalloc(1, sizeof *tl);
	tl->trace = tr;
	tl->nlanes = trace_lanes(tr);
	tl->lanes = xcalloc(tl->nlanes, sizeof *tl->lanes);
	for (i = 0; i < tl->nlanes; i++) {
		tl->lanes[i].label = -1;
		tl->lanes[i].cpu = -1;
	}
	timeline_fold_prepare(tl);
	return tl;
}

/* Free a timeline (not its trace). */
void
timeline_destroy(struct timeline *tl)
{
	unsigned	i;

	if (tl == NULL)
		return;
	for (i = 0; i < tl->nlanes; i++) {
		free(tl->lanes[i].spans);
		free(tl->lanes[i].blocks);
		free(tl->lanes[i].marks);
	}
	timeline_fold_forget(tl);
	free(tl->lanes);
	free(tl);
}

/* Sum the last TL_BLOCK spans (all closed now) into a new block. */
static void
timeline_block(struct tl_lane *ll)
{
	const struct tl_span	*sp = &ll->spans[ll->nspans - TL_BLOCK];
	struct tl_block		*bl;
	size_t			 i;

	if (ll->nblocks == ll->blocks_cap) {
		ll->blocks_cap = ll->blocks_cap ? ll->blocks_cap * 2 : 16;
		ll->blocks = xreallocarray(ll->blocks, ll->blocks_cap,
		    sizeof *ll->blocks);
	}
	bl = &ll->blocks[ll->nblocks++];
	memset(bl, 0, sizeof *bl);
	bl->t0 = sp[0].t0;
	bl->t1 = sp[TL_BLOCK - 1].t1;
	for (i = 0; i < TL_BLOCK; i++)
		bl->ns[sp[i].state] += sp[i].t1 - sp[i].t0;
}

/* Close a lane's open span at ts and open one in state st. */
static void
timeline_open(struct tl_lane *ll, uint64_t ts, uint8_t st)
{
	struct tl_span	*sp;

	if (ll->nspans > 0) {
		sp = &ll->spans[ll->nspans - 1];
		if (sp->t1 == UINT64_MAX)
			sp->t1 = ts < sp->t0 ? sp->t0 : ts;
		if (ll->nspans % TL_BLOCK == 0)
			timeline_block(ll);
	}
	if (ll->nspans == ll->spans_cap) {
		ll->spans_cap = ll->spans_cap ? ll->spans_cap * 2 : 16;
		ll->spans = xreallocarray(ll->spans, ll->spans_cap,
		    sizeof *ll->spans);
	}
	sp = &ll->spans[ll->nspans++];
	sp->t0 = ts;
	sp->t1 = UINT64_MAX;
	sp->state = st;
	sp->cpu = ll->cpu;
	sp->label = ll->label;
}

/* Keep a point event as a mark. */
static void
timeline_mark(struct tl_lane *ll, const struct trace_event *e)
{
	struct tl_mark	*m;

	if (ll->nmarks == ll->marks_cap) {
		ll->marks_cap = ll->marks_cap ? ll->marks_cap * 2 : 16;
		ll->marks = xreallocarray(ll->marks, ll->marks_cap,
		    sizeof *ll->marks);
	}
	m = &ll->marks[ll->nmarks++];
	m->ts = e->ts;
	m->kind = e->kind;
	m->arg = e->arg;
}

/* Fold one event into its lane. */
static void
timeline_event(struct tl_lane *ll, const struct trace_event *e)
{
	struct tl_span	*open = ll->nspans ? &ll->spans[ll->nspans - 1] : NULL;

	if (e->cpu >= 0)
		ll->cpu = e->cpu;
	switch (e->kind) {
	case EV_STATE:
		timeline_open(ll, e->ts, e->state);
		break;
	case EV_CPU:
	case EV_LABEL:
		if (e->kind == EV_LABEL) {
			ll->label = e->arg;
			ll->labelled = 1;
		}
		if (open != NULL && open->t1 == UINT64_MAX &&
		    (open->cpu != ll->cpu || open->label != ll->label))
			timeline_open(ll, e->ts, open->state);
		if (e->kind == EV_LABEL)
			timeline_mark(ll, e);
		break;
	default:
		timeline_mark(ll, e);
		break;
	}
}

/* Fold in every event published since the last call; returns how many. */
int
timeline_update(struct timeline *tl)
{
	const struct trace_event	*ev;
	struct tl_lane			*ll;
	uint64_t			 n, i, count = 0;
	unsigned			 lane;

	for (lane = 0; lane < tl->nlanes; lane++) {
		ll = &tl->lanes[lane];
		n = trace_count(tl->trace, lane);
		if (n == ll->consumed)
			continue;
		for (i = ll->consumed; i < n; i++) {
			ev = trace_event(tl->trace, lane, i);
			timeline_event(ll, ev);
			if (ev->ts > tl->t_end)
				tl->t_end = ev->ts;
		}
		count += n - ll->consumed;
		ll->consumed = n;
	}
	return count > INT32_MAX ? INT32_MAX : (int)count;
}

/* Fold in the last events and fix the end of time at end_ns (if later). */
void
timeline_finish(struct timeline *tl, uint64_t end_ns)
{
	timeline_update(tl);
	if (end_ns > tl->t_end)
		tl->t_end = end_ns;
	tl->finished = 1;
}

/* The end of a span, open spans clamped to the latest time known. */
uint64_t
timeline_span_end(const struct timeline *tl, const struct tl_span *sp)
{
	return sp->t1 == UINT64_MAX ? (tl->t_end > sp->t0 ? tl->t_end : sp->t0)
	    : sp->t1;
}

/* Index of the first span of a lane that ends after t. */
size_t
timeline_first_span(const struct timeline *tl, const struct tl_lane *ll,
    uint64_t t)
{
	size_t	lo = 0, hi = ll->nspans, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (timeline_span_end(tl, &ll->spans[mid]) <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The futures a lane announced by time t: st[item] is pending (EV_SPAWN),
 * running (EV_LABEL) or done (EV_RESULT), for items below n.  Returns how
 * many were announced by t (0: the lane does not speak of futures).
 */
size_t
timeline_futures(const struct timeline *tl, unsigned lane, uint64_t t,
    uint8_t *st, size_t n)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	const struct tl_mark	*m;
	size_t			 i, made = 0;

	for (i = 0; i < ll->nmarks; i++) {
		m = &ll->marks[i];
		if (m->ts > t)
			break;
		if (m->kind == EV_SPAWN)
			made++;
		/* A result mark of -(item + 1): the future raised. */
		if (m->kind == EV_RESULT && m->arg < 0 &&
		    (uint64_t)(-(m->arg + 1)) < n) {
			st[-(m->arg + 1)] = TL_FUTURE_FAILED;
			continue;
		}
		if (m->arg < 0 || (uint64_t)m->arg >= n)
			continue;
		if (m->kind == EV_SPAWN)
			st[m->arg] = TL_FUTURE_PENDING;
		else if (m->kind == EV_LABEL)
			st[m->arg] = TL_FUTURE_RUNNING;
		else if (m->kind == EV_RESULT)
			st[m->arg] = TL_FUTURE_DONE;
	}
	return made;
}

/* Total time a lane spent in one state, as the timeline knows it. */
uint64_t
timeline_state_ns(const struct timeline *tl, unsigned lane, enum state st)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	uint64_t		 n = 0;
	size_t			 i;

	for (i = 0; i < ll->nspans; i++)
		if (ll->spans[i].state == st)
			n += timeline_span_end(tl, &ll->spans[i]) -
			    ll->spans[i].t0;
	return n;
}

/*
 * Whether every worker lane has finished (its last state is done).  A demo
 * may go on after that (a sequential baseline), and a live view stops its
 * clock there rather than stretch the picture over time nothing happens in.
 */
int
timeline_workers_done(const struct timeline *tl)
{
	const struct tl_lane	*ll;
	unsigned		 lane, workers = 0;

	for (lane = 0; lane < tl->nlanes; lane++) {
		if (!timeline_lane_is_worker(tl, lane))
			continue;
		ll = &tl->lanes[lane];
		if (ll->nspans == 0 ||
		    ll->spans[ll->nspans - 1].state != STATE_DONE)
			return 0;
		workers++;
	}
	return workers > 0;
}

/* Whether a lane is a worker (thread, process, task), not a synthetic one. */
int
timeline_lane_is_worker(const struct timeline *tl, unsigned lane)
{
	return run_is_worker_lane(tl->trace, lane);
}

/*
 * The state of a lane at time t, and the stretch of that state around it
 * (neighbouring spans of the same state joined): *since and *until.  -1
 * when no span covers t (before the lane starts, or a value lane).
 */
int
timeline_at(const struct timeline *tl, unsigned lane, uint64_t t,
    uint8_t *state, uint64_t *since, uint64_t *until)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	size_t			 i, j;

	i = timeline_first_span(tl, ll, t);
	while (i < ll->nspans && timeline_span_end(tl, &ll->spans[i]) <= t)
		i++;
	if (i >= ll->nspans || ll->spans[i].t0 > t)
		return -1;
	*state = ll->spans[i].state;
	for (j = i; j > 0 && ll->spans[j - 1].state == *state &&
	    ll->spans[j - 1].t1 >= ll->spans[j].t0; j--)
		;
	*since = ll->spans[j].t0;
	for (j = i; j + 1 < ll->nspans && ll->spans[j + 1].state == *state &&
	    ll->spans[j + 1].t0 <= ll->spans[j].t1; j++)
		;
	*until = timeline_span_end(tl, &ll->spans[j]);
	return 0;
}
