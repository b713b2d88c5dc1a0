/*
 * view-timeline.c -- the demo pane: one lane per worker, animated.
 *
 * Top to bottom: a header (the demo, its knobs, live/done/replay), the
 * previous run (dimmer, for comparison), the current run's lanes, the
 * per-core strip (which worker ran on which core), the run's figures, the
 * time axis with units, and the legend, which is never dropped.  When
 * rows run short, the optional parts go first (previous run, cores,
 * figures), then lanes are elided with a "+N more" row.
 *
 * Each lane is folded by timeline.c into one state per column (the state
 * that covered most of it) and drawn as the state's glyph in the state's
 * colour: glyph and colour say the same thing, so monochrome and ASCII
 * terminals lose nothing.  Value lanes (the GIL's holder, a queue's
 * depth) show a digit per column.  Columns past the playhead are blank:
 * that is how a live run grows and a replay unrolls.  Both runs share one
 * time scale, so the faster run looks shorter.
 *
 * Like every view, this file only reads state.
 */

#include "config.h"

#include <curses.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define VT_LABEL_W	8	/* lane names, then a bar */

/* One character for a small number: 0-9, a-z, then '*'. */
static char
view_timeline_digit(int64_t v)
{
	if (v < 10)
		return (char)('0' + v);
	if (v < 36)
		return (char)('a' + v - 10);
	return '*';
}

/*
 * The legend items, in order: glyph role, glyph, text.  Every glyph,
 * digit and letter the pane draws is here: the states, the digits and
 * letters of value lanes and work items, and the per-core density.
 */
static int
view_timeline_legend_item(const struct tui *t, int i, int *role,
    const char **glyph, const char **text)
{
	static const enum state	order[] = { STATE_STARTING, STATE_RUNNING,
	    STATE_WAIT_LOCK, STATE_WAIT_GIL, STATE_IO, STATE_READY,
	    STATE_QUEUE_WAIT };
	int			n = (int)(sizeof order / sizeof order[0]);

	if (i < n) {
		*role = ROLE_STATE + order[i];
		*glyph = tui_glyph(t, order[i]);
		*text = trace_states[order[i]].name;
		return 1;
	}
	*role = ROLE_VALUE;
	switch (i - n) {
	case 0:
		*glyph = "0-9a-z*";
		*text = "GIL: holder's lane (- none); queue: items (a=10, "
		    "* 36+); in a lane: the work item it starts";
		return 1;
	case 1:
		*role = ROLE_STATE + STATE_RUNNING;
		*glyph = tui_sym(t, "\xe2\x96\x81-\xe2\x96\x88", ".-=#");
		*text = "cpu rows: how much of the time a worker ran on that core";
		return 1;
	}
	return 0;
}

/*
 * Draw the legend in w columns from (y, x), wrapping into at most h rows
 * (h 0: measure only); returns the rows it needs.
 */
int
view_timeline_legend(const struct tui *t, int y, int x, int h, int w)
{
	const char	*glyph, *text;
	int		 i, role, col = 0, row = 0, need;

	for (i = 0; view_timeline_legend_item(t, i, &role, &glyph, &text);
	    i++) {
		need = tui_width(t, glyph, strlen(glyph)) + 1 +
		    (int)strlen(text);
		if (col > 0 && col + 2 + need > w) {
			row++;
			col = 0;
		} else if (col > 0)
			col += 2;
		if (row < h) {
			col += tui_put(t, y + row, x + col, w - col, glyph,
			    role);
			col += tui_put(t, y + row, x + col, w - col, " ",
			    ROLE_DIM);
			col += tui_put(t, y + row, x + col, w - col, text,
			    ROLE_DIM);
		} else
			col += need;
	}
	return row + 1;
}

/* An axis label for time v, in the unit that suits a tick step. */
void
view_timeline_axis_label(char *buf, size_t n, uint64_t v, uint64_t step)
{
	if (step >= NS_PER_SEC)
		snprintf(buf, n, "%gs", (double)v / 1e9);
	else if (step >= NS_PER_MS)
		snprintf(buf, n, "%gms", (double)v / 1e6);
	else if (step >= NS_PER_US)
		snprintf(buf, n, "%gus", (double)v / 1e3);
	else
		snprintf(buf, n, "%" PRIu64 "ns", v);
}

/* One lane's columns, blank past the playhead, as one row of cells. */
static void
view_timeline_lane(const struct tui *t, const struct timeline *tl,
    unsigned lane, int y, int x, int ncols, uint64_t t0, uint64_t t1,
    uint64_t playhead, int dim)
{
	const struct trace_lane	*l = trace_lane(tl->trace, lane);
	int			 value = l->type == LANE_GIL ||
				    l->type == LANE_COUNTER;
	uint8_t			*st;
	int64_t			*val;
	char			 ch[2] = { 0, 0 }, name[TRACE_NAME_LEN];
	int			 c, upto;

	tui_put(t, y, x, VT_LABEL_W - 1, trace_lane_name(tl->trace, lane,
	    name, sizeof name), dim ? ROLE_DIM : ROLE_AXIS);
	tui_put(t, y, x + VT_LABEL_W - 1, 1, tui_sym(t, "\xe2\x94\x82", "|"),
	    ROLE_AXIS);
	x += VT_LABEL_W;
	st = xcalloc((size_t)ncols, 1);
	val = xcalloc((size_t)ncols, sizeof *val);
	if (value)
		timeline_fold_counter(tl, lane, t0, t1, (unsigned)ncols, val);
	else
		timeline_fold(tl, lane, t0, t1, (unsigned)ncols, st);
	for (upto = 0; upto < ncols && t0 + (uint64_t)upto * (t1 - t0) /
	    (uint64_t)ncols < playhead; upto++)
		;
	tui_row_begin(ncols);
	for (c = 0; c < upto; c++) {
		if (value) {
			if (val[c] == TL_NOVALUE)
				continue;
			if (val[c] < 0)
				tui_row_set(t, c, "-", ROLE_DIM);
			else {
				ch[0] = view_timeline_digit(val[c]);
				tui_row_set(t, c, ch, ROLE_VALUE);
			}
		} else if (st[c] != STATE_NONE && st[c] != STATE_DONE)
			tui_row_set(t, c, tui_glyph(t, st[c]),
			    ROLE_STATE + st[c]);
	}
	if (!value) {
		/* Labelled work items: the item's number where it starts. */
		timeline_fold_labels(tl, lane, t0, t1, (unsigned)ncols, val);
		for (c = 0; c < upto; c++) {
			if (val[c] == TL_NOVALUE)
				continue;
			ch[0] = view_timeline_digit(val[c] % 36);
			tui_row_set(t, c, ch, ROLE_VALUE);
		}
	}
	/* The time cursor's column, drawn reversed over what is there. */
	if ((c = view_cursor_col(t, t0, t1, ncols)) >= 0) {
		if (!value && st[c] != STATE_NONE && st[c] != STATE_DONE)
			tui_row_set(t, c, tui_glyph(t, st[c]), ROLE_SELECTED);
		else
			tui_row_set(t, c, tui_sym(t, "\xe2\x94\x82", "|"),
			    ROLE_SELECTED);
	}
	tui_row_draw(y, x);
	free(st);
	free(val);
}

/* The futures lane of a run, if it has one, else -1. */
static int
view_timeline_futures_lane(const struct timeline *tl)
{
	unsigned	lane;
	size_t		i;

	for (lane = 0; lane < tl->nlanes; lane++) {
		if (trace_lane(tl->trace, lane)->type != LANE_COUNTER)
			continue;
		for (i = 0; i < tl->lanes[lane].nmarks; i++)
			if (tl->lanes[lane].marks[i].kind == EV_SPAWN)
				return (int)lane;
	}
	return -1;
}

/*
 * The futures view: each future's state at the playhead (pending, running,
 * done), one symbol each, or counts when they do not fit on the row.
 */
static void
view_timeline_futures(const struct tui *t, const struct tui_run *tr, int y,
    int x, int w, uint64_t playhead)
{
	static const char *const ascii[] = { ".", ">", "v", "x" };
	static const char *const utf8[] = { "\xc2\xb7", "\xe2\x96\xb8",
	    "\xe2\x9c\x93", "\xe2\x9c\x97" };	/* · ▸ ✓ ✗ */
	static const int role[] = { ROLE_DIM, ROLE_STATE + STATE_RUNNING,
	    ROLE_VALUE, ROLE_ERROR };
	uint8_t		*st;
	size_t		 n, i, count[4] = { 0, 0, 0, 0 };
	char		 buf[128];
	int		 lane, col;

	if (tr->tl == NULL || (lane = view_timeline_futures_lane(tr->tl)) < 0)
		return;
	n = tr->tl->lanes[lane].nmarks;
	st = xcalloc(n, 1);
	n = timeline_futures(tr->tl, (unsigned)lane, playhead, st, n);
	for (i = 0; i < n; i++)
		count[st[i]]++;
	tui_put(t, y, x, VT_LABEL_W - 1, "futures", ROLE_AXIS);
	col = VT_LABEL_W;
	if ((int)n * 2 + VT_LABEL_W + 24 <= w) {
		for (i = 0; i < n; i++)
			col += tui_put(t, y, x + col, 2, t->utf8 ?
			    utf8[st[i]] : ascii[st[i]], role[st[i]]) + 1;
	}
	snprintf(buf, sizeof buf, " %zu done, %zu running, %zu pending%s",
	    count[TL_FUTURE_DONE], count[TL_FUTURE_RUNNING],
	    count[TL_FUTURE_PENDING], count[TL_FUTURE_FAILED] ?
	    ", some failed (x)" : "");
	tui_put(t, y, x + col, w - col, buf, ROLE_DIM);
	free(st);
}

/* A run's lanes in rows rows; the last row says how many were left out. */
void
view_timeline_lanes(const struct tui *t, const struct tui_run *tr, int y,
    int x, int rows, int w, uint64_t t0, uint64_t t1, uint64_t playhead,
    int dim)
{
	const struct timeline	*tl = tr->tl;
	char			 buf[128];
	unsigned		 lane, shown, top;
	int			 narrow;

	if (tl == NULL || rows <= 0) {
		tui_put(t, y, x, w, "starting...", ROLE_DIM);
		return;
	}
	shown = tl->nlanes <= (unsigned)rows ? tl->nlanes : (unsigned)rows - 1;
	if (shown == 0)
		shown = 1;	/* one row: a lane, and no room to say more */
	/* The current run's lanes scroll with the time cursor's Up/Down. */
	top = dim || shown == tl->nlanes ? 0 : t->demo.lane_top;
	if (top > tl->nlanes - shown)
		top = tl->nlanes - shown;
	narrow = t->demo.cursor_on && w >= VT_LABEL_W + 20 + VC_INFO_W;
	for (lane = 0; lane < shown; lane++) {
		view_timeline_lane(t, tl, top + lane, y + (int)lane, x,
		    w - VT_LABEL_W - (narrow ? VC_INFO_W : 0), t0, t1, playhead,
		    dim);
		if (narrow && !dim)
			view_cursor_lane(t, tl, top + lane, y + (int)lane,
			    x + w - VC_INFO_W, VC_INFO_W);
	}
	if (shown < tl->nlanes && (unsigned)rows > shown) {
		snprintf(buf, sizeof buf, "+%u more lanes (%u-%u of %u shown)%s",
		    tl->nlanes - shown, top + 1, top + shown, tl->nlanes,
		    dim ? ", folded away" : ": t, then Up/Down scrolls them");
		tui_put(t, y + (int)shown, x, w, buf, ROLE_DIM);
	}
}

/* The per-core strip: a row per core, the worker that ran there. */
static void
view_timeline_cores(const struct tui *t, const struct tui_run *tr, int y,
    int x, int w, uint64_t t0, uint64_t t1, uint64_t playhead)
{
	static const char *const ramp8[8] = { "\xe2\x96\x81",
	    "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	    "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87",
	    "\xe2\x96\x88" };				/* ▁ to █ */
	static const char *const ramp4[4] = { ".", "-", "=", "#" };
	unsigned	 ncores = t->demo.ncores, core, u;
	int		 ncols = w - VT_LABEL_W, c;
	int32_t		*out;
	uint16_t	*util;
	char		 name[16];

	if (tr->tl == NULL || ncols <= 0)
		return;
	out = xcalloc((size_t)ncores * (size_t)ncols, sizeof *out);
	util = xcalloc((size_t)ncores * (size_t)ncols, sizeof *util);
	timeline_fold_util(tr->tl, ncores, t0, t1, (unsigned)ncols, out, util);
	for (core = 0; core < ncores; core++) {
		snprintf(name, sizeof name, "cpu%u", core);
		tui_put(t, y + (int)core, x, VT_LABEL_W - 1, name, ROLE_AXIS);
		tui_put(t, y + (int)core, x + VT_LABEL_W - 1, 1,
		    tui_sym(t, "\xe2\x94\x82", "|"), ROLE_AXIS);
		tui_row_begin(ncols);
		for (c = 0; c < ncols; c++) {
			if (t0 + (uint64_t)c * (t1 - t0) / (uint64_t)ncols >=
			    playhead)
				break;
			/* Density: the share of the column a worker ran here. */
			if ((u = util[core * (unsigned)ncols + (unsigned)c]) == 0)
				continue;
			tui_row_set(t, c, t->utf8 ?
			    ramp8[(u * 8 + 999) / 1000 - 1] :
			    ramp4[(u * 4 + 999) / 1000 - 1],
			    ROLE_STATE + STATE_RUNNING);
		}
		tui_row_draw(y + (int)core, x + VT_LABEL_W);
	}
	free(out);
	free(util);
}

/* The time cursor's marks A and B on the axis row, and the cursor. */
static void
view_timeline_marks(const struct tui *t, int y, int x, uint64_t t0,
    uint64_t t1, int ncols)
{
	const struct tui_demo	*d = &t->demo;
	unsigned		 i;
	int			 col;

	if (!d->cursor_on)
		return;
	for (i = 0; i < 2 && i < d->nmarks; i++)
		if (d->marks[i] >= t0 && d->marks[i] < t1) {
			col = (int)((d->marks[i] - t0) * (uint64_t)ncols /
			    (t1 - t0));
			tui_put(t, y, x + col, 1, i == 0 ? "A" : "B",
			    ROLE_SELECTED);
		}
	if ((col = view_cursor_col(t, t0, t1, ncols)) >= 0)
		tui_put(t, y, x + col, 1, tui_sym(t, "\xe2\x94\x82", "|"),
		    ROLE_SELECTED);
}

/* The time axis: ticks at round times, with units, and the playhead. */
void
view_timeline_axis(const struct tui *t, int y, int x, int w, uint64_t t0,
    uint64_t t1, uint64_t playhead)
{
	static const uint64_t mult[3] = { 1, 2, 5 };
	uint64_t	span = t1 - t0, step = 1, base, v;
	int		ncols = w - VT_LABEL_W, col, end = 0, m, phcol;
	char		buf[32];

	tui_put(t, y, x, VT_LABEL_W, "time", ROLE_AXIS);
	x += VT_LABEL_W;
	if (ncols < 4)
		return;
	/* Round steps (1, 2, 5 times a power of ten) 12 columns apart. */
	for (base = 1; step * (uint64_t)ncols < span * 12; base *= 10) {
		for (m = 0; m < 3; m++) {
			step = base * mult[m];
			if (step * (uint64_t)ncols >= span * 12)
				break;
		}
	}
	/* The playhead's column, which labels leave free. */
	phcol = -1;
	if (playhead > t0 && playhead < t1 && (t->demo.replaying ||
	    (t->demo.cur != NULL && !t->demo.cur->joined)))
		phcol = (int)((playhead - t0) * (uint64_t)ncols / span);
	for (v = (t0 + step - 1) / step * step; v <= t1; v += step) {
		col = (int)((v - t0) * (uint64_t)ncols / span);
		if (col < end || col >= ncols)
			continue;
		view_timeline_axis_label(buf, sizeof buf, v, step);
		if (phcol >= col && phcol <= col + 1 + (int)strlen(buf))
			continue;
		tui_put(t, y, x + col, 1, tui_sym(t, "\xe2\x94\x8a", "|"),
		    ROLE_AXIS);
		end = col + 1 + tui_put(t, y, x + col + 1, ncols - col - 1, buf,
		    ROLE_AXIS) + 1;
	}
	if (phcol >= 0)
		tui_put(t, y, x + phcol, 1, tui_sym(t, "\xe2\x96\xb2", "^"),
		    ROLE_VALUE);
	view_timeline_marks(t, y, x, t0, t1, ncols);
}

/* Rows a run's lanes want. */
static int
view_timeline_run_rows(const struct tui_run *tr)
{
	return tr != NULL && tr->tl != NULL ? (int)tr->tl->nlanes : 1;
}

/* The rows the pane would like at width w, at most maxh. */
int
view_timeline_height(const struct tui *t, int w, int maxh)
{
	const struct tui_demo	*d = &t->demo;
	int			 h;

	h = 1 + view_timeline_legend(t, 0, 0, 0, w) + 1;
	if (d->cur == NULL)
		h += 1;
	else {
		h += 1 + view_timeline_run_rows(d->cur) + (int)d->ncores;
		if (d->cur->tl != NULL &&
		    view_timeline_futures_lane(d->cur->tl) >= 0)
			h++;
	}
	if (d->prev != NULL)
		h += 2 + view_timeline_run_rows(d->prev);
	return h < maxh ? h : maxh;
}

/*
 * The knobs for the next run, in tui_knobs_order(), from column col; the
 * chosen one highlighted while the row has the focus, scrolled into view.
 * Common parameters left at their default are not worth the room.
 */
static int
view_timeline_knobs(const struct tui *t, int y, int x, int col, int w)
{
	const struct tui_demo	*d = &t->demo;
	const struct param_value *v;
	unsigned		 idx[PARAMS_MAX], n, i, first = 0, sel;
	char			 buf[160];
	int			 need, role;

	n = tui_knobs_order(d, idx);
	sel = n ? d->knob_sel % n : 0;
	/* Start late enough that the chosen knob fits. */
	for (;;) {
		need = col + (first > 0 ? 2 : 0);
		for (i = first; i <= sel && i < n; i++) {
			v = &d->params.v[idx[i]];
			need += 1 + (int)strlen(v->spec->name) + 1 +
			    (int)strlen(v->text) + 1;
		}
		if (!d->knob_focus || need <= w || first >= sel)
			break;
		first++;
	}
	if (first > 0)
		col += tui_put(t, y, x + col, w - col, " <", ROLE_DIM);
	for (i = first; i < n && col < w; i++) {
		v = &d->params.v[idx[i]];
		if (params_is_common(v->spec) && !v->set &&
		    !(d->knob_focus && i == sel))
			continue;
		role = ROLE_CODE;
		if (d->knob_focus && i == sel) {
			role = ROLE_SELECTED;
			snprintf(buf, sizeof buf, "%s=%s%s", v->spec->name,
			    d->knob_input[0] ? d->knob_input : v->text,
			    d->knob_input[0] ? "_" : "");
		} else
			snprintf(buf, sizeof buf, "%s=%s", v->spec->name,
			    v->text);
		col += tui_put(t, y, x + col, w - col, " ", ROLE_NORMAL);
		col += tui_put(t, y, x + col, w - col, buf, role);
	}
	return col;
}

/* The header: demo, knobs for the next run, and what is happening. */
static void
view_timeline_header(const struct tui *t, int y, int x, int w)
{
	const struct tui_demo	*d = &t->demo;
	char			 status[64], which[48] = "";
	int			 col, sw;

	col = tui_put(t, y, x, w, tui_sym(t, "\xe2\x96\xb6 ", "> "), ROLE_BOX);
	if (t->nshelf > 1) {
		snprintf(which, sizeof which, "%zu/%zu ", t->demo_sel + 1,
		    t->nshelf);
		col += tui_put(t, y, x + col, w - col, which, ROLE_MESSAGE);
	}
	col += tui_put(t, y, x + col, w - col, d->block->demo->name,
	    ROLE_STRONG);
	if (d->cur == NULL)
		snprintf(status, sizeof status, "r: run");
	else if (!d->cur->joined)
		snprintf(status, sizeof status, "%s %.0f ms", d->paused ?
		    "paused" : "live", (double)d->cur->t_total / 1e6);
	else if (d->replaying || d->playhead < d->cur->t_total)
		snprintf(status, sizeof status, "%s %s", d->paused ? "paused" :
		    "replay", d->speed == 1 ? "1x" : d->speed == 4 ? "1/4" :
		    "1/16");
	else
		snprintf(status, sizeof status, "%s%s", d->cur->run->status ?
		    "stopped" : "done", d->zoom_span ? " (zoomed)" : "");
	sw = (int)strlen(status);
	col = view_timeline_knobs(t, y, x, col, w - sw - 2);
	if (col + 2 + sw <= w) {
		tui_fill(t, y, x + col, w - col - sw, " ", ROLE_NORMAL);
		tui_put(t, y, x + w - sw, sw, status, ROLE_MESSAGE);
	}
}

/* Draw the pane in the box (y, x, h, w). */
void
view_timeline_draw(struct tui *t, int y, int x, int h, int w)
{
	const struct tui_demo	*d = &t->demo;
	uint64_t		 t0, t1, far = UINT64_MAX;
	int			 legend, body, cores = 0, figs = 0, prev = 0;
	int			 want, now, lw;
	char			 buf[160], *label;

	if (h < 2 || w < VT_LABEL_W + 4)
		return;
	/* The states' rows of the legend stay; the rest gives way to lanes
	 * on a small pane. */
	legend = view_timeline_legend(t, 0, 0, 0, w);
	if (legend > 2 && legend > h / 3)
		legend = h / 3 > 2 ? h / 3 : 2;
	if (legend > h - 1)
		legend = h - 1;
	view_timeline_legend(t, y + h - legend, x, legend, w);
	view_timeline_header(t, y, x, w);
	body = h - 1 - legend;
	if (d->cur == NULL) {
		tui_put(t, y + 1, x, w, t->nshelf > 1 ? "Press r to run this "
		    "demo live; Tab turns its knobs, ] shows the next run "
		    "block." : "Press r to run this demo live; Tab turns its "
		    "knobs first.", ROLE_DIM);
		return;
	}
	tui_demo_window(t, &t0, &t1);
	/* With the time cursor on, lane states take a column at the right. */
	lw = d->cursor_on && w >= VT_LABEL_W + 20 + VC_INFO_W ?
	    w - VC_INFO_W : w;
	if (body >= 2) {
		view_timeline_axis(t, y + h - legend - 1, x, lw, t0, t1,
		    d->playhead);
		body--;
	}
	if (body >= 4) {
		figs = 1;
		body--;
		if (d->cursor_on)
			view_cursor_line(t, y + 1 + body, x, w);
		else
			view_figures_line(t, d->cur, y + 1 + body, x, w,
			    ROLE_NORMAL);
	}
	if (d->cur->tl != NULL && body >= 5 &&
	    view_timeline_futures_lane(d->cur->tl) >= 0) {
		body--;
		view_timeline_futures(t, d->cur, y + 1 + body, x, w,
		    d->playhead);
	}
	if (d->cur->tl != NULL && body >= (int)d->ncores + 2) {
		cores = (int)d->ncores;
		body -= cores;
		view_timeline_cores(t, d->cur, y + 1 + body, x, lw, t0, t1,
		    d->playhead);
	}
	if (d->prev != NULL && body >= 5) {
		/* Both runs whole when the rows allow, else shared fairly. */
		want = 1 + view_timeline_run_rows(d->prev);
		now = 1 + view_timeline_run_rows(d->cur);
		prev = want + now <= body ? want : body * want / (want + now);
		prev = prev < 2 ? 2 : prev > body - 3 ? body - 3 : prev;
		label = tui_demo_diff(d->prev, d->cur);
		snprintf(buf, sizeof buf, "before: %s", label);
		free(label);
		tui_put(t, y + 1, x, w, buf, ROLE_DIM);
		view_timeline_lanes(t, d->prev, y + 2, x, prev - 1, w, t0, t1,
		    far, 1);
		if (figs && d->prev->joined)
			view_figures_line(t, d->prev, y + 1,
			    x + (int)strlen(buf) + 2,
			    w - (int)strlen(buf) - 2, ROLE_DIM);
		body -= prev;
		label = tui_demo_diff(d->cur, d->prev);
		snprintf(buf, sizeof buf, "now: %s", label);
		free(label);
		tui_put(t, y + 1 + prev, x, w, buf, ROLE_MESSAGE);
		prev++;
		body--;
	}
	view_timeline_lanes(t, d->cur, y + 1 + prev, x, body, w, t0, t1,
	    d->playhead, 0);
}
