/*
 * view-cursor.c -- what the time cursor shows: for each lane of the
 * current run, its state at the cursor, since when and for how long (in a
 * column at the right of the lanes), and one line with the cursor's time,
 * the marks A and B and the time between them.  Like every view, it only
 * reads state.
 */

#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "parlab.h"

/* A trace time in ms, as text. */
static void
view_cursor_ms(char *buf, size_t n, uint64_t ns)
{
	snprintf(buf, n, "%.3fms", (double)ns / 1e6);
}

/* The cursor's column among ncols spanning [t0, t1), or -1 if outside. */
int
view_cursor_col(const struct tui *t, uint64_t t0, uint64_t t1, int ncols)
{
	uint64_t	c = t->demo.cursor;

	if (!t->demo.cursor_on || c < t0 || c >= t1 || ncols <= 0)
		return -1;
	return (int)((c - t0) * (uint64_t)ncols / (t1 - t0));
}

/* One lane's state at the cursor, since when and how long, in w columns. */
void
view_cursor_lane(const struct tui *t, const struct timeline *tl,
    unsigned lane, int y, int x, int w)
{
	const struct trace_lane	*l = trace_lane(tl->trace, lane);
	uint64_t		 since, until;
	int64_t			 v;
	uint8_t			 st;
	char			 buf[96], a[32], b[32];

	if (l->type == LANE_GIL || l->type == LANE_COUNTER) {
		timeline_fold_counter(tl, lane, t->demo.cursor,
		    t->demo.cursor + 1, 1, &v);
		if (v == TL_NOVALUE)
			snprintf(buf, sizeof buf, " -");
		else
			snprintf(buf, sizeof buf, " value %lld", (long long)v);
		tui_put(t, y, x, w, buf, ROLE_VALUE);
		return;
	}
	if (timeline_at(tl, lane, t->demo.cursor, &st, &since, &until) != 0 ||
	    st == STATE_NONE) {
		tui_put(t, y, x, w, " -", ROLE_DIM);
		return;
	}
	view_cursor_ms(a, sizeof a, since);
	view_cursor_ms(b, sizeof b, until - since);
	snprintf(buf, sizeof buf, " %s since %s for %s", trace_states[st].name,
	    a, b);
	tui_put(t, y, x, w, buf, ROLE_STATE + st);
}

/* The cursor line: its time, the marks, and the time between them. */
void
view_cursor_line(const struct tui *t, int y, int x, int w)
{
	const struct tui_demo	*d = &t->demo;
	char			 buf[160], c[32], a[32], b[32], diff[32];

	view_cursor_ms(c, sizeof c, d->cursor);
	if (d->nmarks == 0)
		snprintf(buf, sizeof buf, "cursor %s  (m sets mark A)", c);
	else if (d->nmarks == 1) {
		view_cursor_ms(a, sizeof a, d->marks[0]);
		snprintf(buf, sizeof buf, "cursor %s  A %s  (m sets mark B)",
		    c, a);
	} else {
		view_cursor_ms(a, sizeof a, d->marks[0]);
		view_cursor_ms(b, sizeof b, d->marks[1]);
		view_cursor_ms(diff, sizeof diff, d->marks[1] > d->marks[0] ?
		    d->marks[1] - d->marks[0] : d->marks[0] - d->marks[1]);
		snprintf(buf, sizeof buf, "cursor %s  A %s  B %s  B-A %s", c,
		    a, b, diff);
	}
	tui_put(t, y, x, w, buf, ROLE_MESSAGE);
}
