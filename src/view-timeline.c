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

/* The legend items, in order: glyph role, glyph, text. */
static int
view_timeline_legend_item(const struct tui *t, int i, int *role,
    const char **glyph, const char **text)
{
	int	s = STATE_STARTING + i;

	if (s < STATE_DONE) {
		*role = ROLE_STATE + s;
		*glyph = tui_glyph(t, (enum state)s);
		*text = trace_states[s].name;
		return 1;
	}
	if (s == STATE_DONE) {
		*role = ROLE_VALUE;
		*glyph = "0-9";
		*text = "GIL holder, a count, worker on core, work item";
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

/* A whole number with thousands separators. */
static void
view_timeline_int(char *buf, size_t n, int64_t v)
{
	char	 tmp[32], *p = buf;
	size_t	 len, i;

	snprintf(tmp, sizeof tmp, "%" PRId64, v < 0 ? -v : v);
	len = strlen(tmp);
	if (v < 0 && n > 1) {
		*p++ = '-';
		n--;
	}
	for (i = 0; i < len && n > 1; i++, n--) {
		*p++ = tmp[i];
		if ((len - i - 1) % 3 == 0 && i + 1 < len && n > 2) {
			*p++ = ',';
			n--;
		}
	}
	*p = '\0';
}

/* A metric as "key value". */
void
view_timeline_metric(char *buf, size_t n, const struct metric *m)
{
	char	v[64];
	double	a;
	size_t	i, len;

	switch (m->type) {
	case METRIC_INT:
		view_timeline_int(v, sizeof v, m->i);
		break;
	case METRIC_FLOAT:
		a = m->f < 0 ? -m->f : m->f;
		snprintf(v, sizeof v, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" :
		    "%.2f", m->f);
		break;
	case METRIC_BOOL:
		snprintf(v, sizeof v, "%s", m->i ? "yes" : "no");
		break;
	case METRIC_INTS:
		len = 0;
		v[0] = '\0';
		for (i = 0; i < m->nints && len + 24 < sizeof v; i++)
			len += (size_t)snprintf(v + len, sizeof v - len,
			    "%s%" PRId64, i ? "," : "[", m->ints[i]);
		snprintf(v + len, sizeof v - len, "%s", i < m->nints ? ",..]" :
		    "]");
		break;
	case METRIC_TEXT:
	default:
		snprintf(v, sizeof v, "%s", m->text ? m->text : "");
		break;
	}
	snprintf(buf, n, "%s %s", m->key, v);
}

/* The figures of a run in one line, from (y, x), in w columns. */
static void
view_timeline_figures(const struct tui *t, const struct tui_run *tr, int y,
    int x, int w, int role)
{
	char	buf[128];
	size_t	i;
	int	col = 0;

	if (!tr->joined) {
		if (tr->measuring)
			snprintf(buf, sizeof buf, "workers done; now timing "
			    "the same work one piece after another...");
		else
			snprintf(buf, sizeof buf, "running... %.0f ms",
			    (double)tr->t_total / 1e6);
		tui_put(t, y, x, w, buf, ROLE_MESSAGE);
		return;
	}
	if (tr->run->status != 0) {
		tui_put(t, y, x, w, tr->run->cause, ROLE_ERROR);
		return;
	}
	snprintf(buf, sizeof buf, "wall %.1f ms", (double)tr->run->wall_ns /
	    1e6);
	col += tui_put(t, y, x, w, buf, role);
	for (i = 0; i < tr->run->nmetrics && col + 3 < w; i++) {
		view_timeline_metric(buf, sizeof buf, &tr->run->metrics[i]);
		if (col + 2 + (int)strlen(buf) > w)
			break;
		col += 2 + tui_put(t, y, x + col + 2, w - col - 2, buf, role);
	}
}

/* One lane's columns, blank past the playhead. */
static void
view_timeline_lane(const struct tui *t, const struct timeline *tl,
    unsigned lane, int y, int x, int ncols, uint64_t t0, uint64_t t1,
    uint64_t playhead, int dim)
{
	const struct trace_lane	*l = trace_lane(tl->trace, lane);
	uint8_t			*st;
	int64_t			*val;
	char			 ch[2] = { 0, 0 };
	int			 c;

	tui_put(t, y, x, VT_LABEL_W - 1, l->name, dim ? ROLE_DIM : ROLE_AXIS);
	tui_put(t, y, x + VT_LABEL_W - 1, 1, tui_sym(t, "\xe2\x94\x82", "|"),
	    ROLE_AXIS);
	x += VT_LABEL_W;
	st = xcalloc((size_t)ncols, 1);
	val = xcalloc((size_t)ncols, sizeof *val);
	if (l->type == LANE_GIL || l->type == LANE_COUNTER)
		timeline_fold_counter(tl, lane, t0, t1, (unsigned)ncols, val);
	else
		timeline_fold(tl, lane, t0, t1, (unsigned)ncols, st);
	for (c = 0; c < ncols; c++) {
		if (t0 + (uint64_t)c * (t1 - t0) / (uint64_t)ncols >= playhead)
			break;
		if (l->type == LANE_GIL || l->type == LANE_COUNTER) {
			if (val[c] == TL_NOVALUE)
				continue;
			if (val[c] < 0)
				tui_put(t, y, x + c, 1, "-", ROLE_DIM);
			else {
				ch[0] = view_timeline_digit(val[c]);
				tui_put(t, y, x + c, 1, ch, ROLE_VALUE);
			}
		} else if (st[c] != STATE_NONE && st[c] != STATE_DONE)
			tui_put(t, y, x + c, 1, tui_glyph(t, st[c]),
			    ROLE_STATE + st[c]);
	}
	if (l->type != LANE_GIL && l->type != LANE_COUNTER) {
		/* Labelled work items: the item's number where it starts. */
		timeline_fold_labels(tl, lane, t0, t1, (unsigned)ncols, val);
		for (c = 0; c < ncols; c++) {
			if (t0 + (uint64_t)c * (t1 - t0) / (uint64_t)ncols >=
			    playhead)
				break;
			if (val[c] == TL_NOVALUE)
				continue;
			ch[0] = view_timeline_digit(val[c] % 36);
			tui_put(t, y, x + c, 1, ch, ROLE_VALUE);
		}
	}
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
static void
view_timeline_lanes(const struct tui *t, const struct tui_run *tr, int y,
    int x, int rows, int w, uint64_t t0, uint64_t t1, uint64_t playhead,
    int dim)
{
	const struct timeline	*tl = tr->tl;
	char			 buf[96];
	unsigned		 lane, shown;

	if (tl == NULL || rows <= 0) {
		tui_put(t, y, x, w, "starting...", ROLE_DIM);
		return;
	}
	shown = tl->nlanes <= (unsigned)rows ? tl->nlanes : (unsigned)rows - 1;
	for (lane = 0; lane < shown; lane++)
		view_timeline_lane(t, tl, lane, y + (int)lane, x,
		    w - VT_LABEL_W, t0, t1, playhead, dim);
	if (shown < tl->nlanes) {
		snprintf(buf, sizeof buf, "+%u more lanes (a taller terminal "
		    "shows them)", tl->nlanes - shown);
		tui_put(t, y + (int)shown, x, w, buf, ROLE_DIM);
	}
}

/* The per-core strip: a row per core, the worker that ran there. */
static void
view_timeline_cores(const struct tui *t, const struct tui_run *tr, int y,
    int x, int w, uint64_t t0, uint64_t t1, uint64_t playhead)
{
	unsigned	 ncores = t->demo.ncores, core;
	int		 ncols = w - VT_LABEL_W, c;
	int32_t		*out;
	char		 name[16], ch[2] = { 0, 0 };

	if (tr->tl == NULL || ncols <= 0)
		return;
	out = xcalloc((size_t)ncores * (size_t)ncols, sizeof *out);
	timeline_fold_cores(tr->tl, ncores, t0, t1, (unsigned)ncols, out);
	for (core = 0; core < ncores; core++) {
		snprintf(name, sizeof name, "cpu%u", core);
		tui_put(t, y + (int)core, x, VT_LABEL_W - 1, name, ROLE_AXIS);
		tui_put(t, y + (int)core, x + VT_LABEL_W - 1, 1,
		    tui_sym(t, "\xe2\x94\x82", "|"), ROLE_AXIS);
		for (c = 0; c < ncols; c++) {
			if (t0 + (uint64_t)c * (t1 - t0) / (uint64_t)ncols >=
			    playhead)
				break;
			if (out[core * (unsigned)ncols + (unsigned)c] < 0)
				continue;
			ch[0] = view_timeline_digit(out[core * (unsigned)ncols +
			    (unsigned)c]);
			tui_put(t, y + (int)core, x + VT_LABEL_W + c, 1, ch,
			    ROLE_STATE + STATE_RUNNING);
		}
	}
	free(out);
}

/* The time axis: ticks at round times, with units, and the playhead. */
static void
view_timeline_axis(const struct tui *t, int y, int x, int w, uint64_t t0,
    uint64_t t1, uint64_t playhead)
{
	static const uint64_t mult[3] = { 1, 2, 5 };
	uint64_t	span = t1 - t0, step = 1, base, v;
	int		ncols = w - VT_LABEL_W, col, end = 0, m;
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
	for (v = (t0 + step - 1) / step * step; v <= t1; v += step) {
		col = (int)((v - t0) * (uint64_t)ncols / span);
		if (col < end || col >= ncols)
			continue;
		view_timeline_axis_label(buf, sizeof buf, v, step);
		tui_put(t, y, x + col, 1, tui_sym(t, "\xe2\x94\x8a", "|"),
		    ROLE_AXIS);
		end = col + 1 + tui_put(t, y, x + col + 1, ncols - col - 1, buf,
		    ROLE_AXIS) + 1;
	}
	if (playhead > t0 && playhead < t1 && (t->demo.replaying ||
	    (t->demo.cur != NULL && !t->demo.cur->joined))) {
		col = (int)((playhead - t0) * (uint64_t)ncols / span);
		tui_put(t, y, x + col, 1, tui_sym(t, "\xe2\x96\xb2", "^"),
		    ROLE_VALUE);
	}
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
		h += 1 + view_timeline_run_rows(d->prev);
	return h < maxh ? h : maxh;
}

/* The header: demo, knobs for the next run, and what is happening. */
static void
view_timeline_header(const struct tui *t, int y, int x, int w)
{
	const struct tui_demo	*d = &t->demo;
	char			 buf[160], status[64];
	unsigned		 i;
	int			 col, sw;

	col = tui_put(t, y, x, w, tui_sym(t, "\xe2\x96\xb6 ", "> "), ROLE_BOX);
	col += tui_put(t, y, x + col, w - col, d->block->demo->name,
	    ROLE_STRONG);
	for (i = 0; i < d->params.n; i++) {
		if (strcmp(d->params.v[i].spec->name, "scale") == 0 &&
		    !d->params.v[i].set)
			continue;
		snprintf(buf, sizeof buf, " %s=%s", d->params.v[i].spec->name,
		    d->params.v[i].text);
		col += tui_put(t, y, x + col, w - col, buf, ROLE_CODE);
	}
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
	if (sw + 2 > w)
		return;
	/* The status matters more than the last knobs: it covers them. */
	if (col + 2 + sw > w)
		col = w - sw - 2;
	tui_fill(t, y, x + col, w - col - sw, " ", ROLE_NORMAL);
	tui_put(t, y, x + w - sw, sw, status, ROLE_MESSAGE);
}

/* Draw the pane in the box (y, x, h, w). */
void
view_timeline_draw(struct tui *t, int y, int x, int h, int w)
{
	const struct tui_demo	*d = &t->demo;
	uint64_t		 t0, t1, far = UINT64_MAX;
	int			 legend, body, cores = 0, figs = 0, prev = 0;
	char			 buf[160];

	if (h < 2 || w < VT_LABEL_W + 4)
		return;
	legend = view_timeline_legend(t, 0, 0, 0, w);
	if (legend > h - 1)
		legend = h - 1;
	view_timeline_legend(t, y + h - legend, x, legend, w);
	view_timeline_header(t, y, x, w);
	body = h - 1 - legend;
	if (d->cur == NULL) {
		tui_put(t, y + 1, x, w, "Press r to run this demo live; "
		    "+ - g s [ ] turn its knobs first.", ROLE_DIM);
		return;
	}
	tui_demo_window(t, &t0, &t1);
	if (body >= 2) {
		view_timeline_axis(t, y + h - legend - 1, x, w, t0, t1,
		    d->playhead);
		body--;
	}
	if (body >= 4) {
		figs = 1;
		body--;
		view_timeline_figures(t, d->cur, y + 1 + body, x, w,
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
		view_timeline_cores(t, d->cur, y + 1 + body, x, w, t0, t1,
		    d->playhead);
	}
	if (d->prev != NULL && body >= 5) {
		prev = 1 + view_timeline_run_rows(d->prev);
		if (prev > body / 2)
			prev = body / 2;
		snprintf(buf, sizeof buf, "before: %s", d->prev->label);
		tui_put(t, y + 1, x, w, buf, ROLE_DIM);
		view_timeline_lanes(t, d->prev, y + 2, x, prev - 1, w, t0, t1,
		    far, 1);
		if (figs && d->prev->joined)
			view_timeline_figures(t, d->prev, y + 1,
			    x + (int)strlen(buf) + 2,
			    w - (int)strlen(buf) - 2, ROLE_DIM);
		body -= prev;
	}
	view_timeline_lanes(t, d->cur, y + 1 + prev, x, body, w, t0, t1,
	    d->playhead, 0);
}
