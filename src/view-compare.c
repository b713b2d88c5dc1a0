/*
 * view-compare.c -- the c view: the chooser of two kept runs, then the
 * pair itself.
 *
 * The chooser is a box listing the kept runs, oldest first: their number,
 * wall time and the knobs in which they differ, A and B marked.  The pair
 * is drawn over the screen: A above B, each under a label with every knob
 * that differs and its figures, with all its lanes when the rows allow
 * (else, on a wide terminal, A beside B with the whole height each, or
 * the rows shared fairly and the lanes folded, which the lane view says),
 * one time scale for both, and below them the table of the
 * figures that changed from A to B (view_figures_diff(), the figures
 * panel's table), scrollable with j/k when it does not fit.  Like every
 * view, this only reads state, but for clamping the scroll it was given
 * and closing itself when its runs are no longer kept.
 */

#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define VC_SIDE_COLS	120	/* A beside B from here, if stacking folds */

/* A run's state in the chooser: its wall time, or why it has none. */
static void
view_compare_wall(char *buf, size_t n, const struct tui_run *tr)
{
	if (!tr->joined)
		snprintf(buf, n, "running");
	else if (tr->run->status != 0)
		snprintf(buf, n, "stopped");
	else
		snprintf(buf, n, "%.1f ms", (double)tr->run->wall_ns / 1e6);
}

/* The chooser: a box of the kept runs. */
static void
view_compare_chooser(struct tui *t)
{
	const struct tui_demo	*d = &t->demo;
	struct tui_run		*runs[TUI_KEEP];
	size_t			 n = tui_compare_runs(d, runs), i;
	char			 wall[32], num[16], *label, *row;
	int			 w, h, x, y = 1, role;

	w = t->cols < 78 ? t->cols : 78;
	h = (int)n + 5;
	if (h > t->lines - 1 - y)
		y = 0;
	x = (t->cols - w) / 2;
	view_help_frame(t, y, x, h, w, " Compare two runs ",
	    " a/b or 1-9 mark; Enter shows; n none; other keys leave ");
	tui_put(t, y + 1, x + 2, w - 4, "     run  wall        the knobs "
	    "that differ", ROLE_DIM);
	for (i = 0; i < n; i++) {
		view_compare_wall(wall, sizeof wall, runs[i]);
		label = tui_compare_label(d, runs[i]);
		/* A recorded run (F) has no number: it did not run here. */
		if (runs[i]->seq > 0)
			snprintf(num, sizeof num, "%3u", runs[i]->seq);
		else
			snprintf(num, sizeof num, "rec");
		xasprintf(&row, "%s %c %s  %-10s  %s", i == d->cmp_sel ?
		    tui_sym(t, "\xe2\x96\xb6", ">") : " ", runs[i] == d->cmp_a ?
		    'A' : runs[i] == d->cmp_b ? 'B' : ' ', num, wall, label);
		role = i == d->cmp_sel ? ROLE_SELECTED : runs[i] == d->cmp_a ||
		    runs[i] == d->cmp_b ? ROLE_STRONG : ROLE_NORMAL;
		tui_put(t, y + 2 + (int)i, x + 2, w - 4, row, role);
		free(row);
		free(label);
	}
	tui_put(t, y + 3 + (int)n, x + 2, w - 4, "A is drawn above B; the "
	    "table of changed figures reads A -> B.", ROLE_DIM);
}

/* A run's label row: "A  run 1: knobs", then its figures. */
static void
view_compare_label(struct tui *t, const struct tui_run *tr, char which,
    const struct tui_run *other, int y, int x, int w)
{
	char	*diff, *s;
	int	 col;

	diff = tui_demo_diff(tr, other);
	if (tr->seq > 0)
		xasprintf(&s, "%c  run %u: %s", which, tr->seq, diff);
	else
		xasprintf(&s, "%c  the recorded run: %s", which, diff);
	col = tui_put(t, y, x, w, s, which == 'A' ? ROLE_STRONG :
	    ROLE_MESSAGE);
	free(s);
	free(diff);
	if (tr->joined && col + 4 < w)
		view_figures_line(t, tr, y, x + col + 2, w - col - 2,
		    ROLE_DIM);
}

/* Rows for A and B out of lanes rows: the smaller whole if it fits in
 * half, else half each, so neither is squeezed to a lane while the other
 * sprawls. */
static void
view_compare_share(int lanes, int wa, int wb, int *ra, int *rb)
{
	if (wa + wb <= lanes) {
		*ra = wa;
		*rb = wb;
	} else if (wa <= lanes / 2) {
		*ra = wa;
		*rb = lanes - wa;
	} else if (wb <= lanes / 2) {
		*rb = wb;
		*ra = lanes - wb;
	} else {
		*ra = lanes / 2;
		*rb = lanes - *ra;
	}
}

/* The table of changed figures in rows rows from y, scrolled. */
static void
view_compare_table(struct tui *t, char **lines, size_t nlines, int y, int x,
    int w, int rows)
{
	int	first = t->demo.cmp_scroll, i;

	if (rows < 1)
		return;
	if (first > (int)nlines - (rows - 1))
		first = (int)nlines - (rows - 1) > 0 ? (int)nlines -
		    (rows - 1) : 0;
	t->demo.cmp_scroll = first;
	tui_put(t, y++, x + 1, w - 1, lines == NULL ? "Figures that changed: "
	    "both runs must finish (a stopped run has none)." :
	    first + rows - 1 < (int)nlines ? "Figures that changed, A -> B "
	    "(j: more below):" : first > 0 ? "Figures that changed, A -> B "
	    "(k: more above):" : "Figures that changed, A -> B:",
	    ROLE_STRONG);
	for (i = 0; i < rows - 1 && (size_t)(first + i) < nlines; i++)
		tui_put(t, y + i, x + 1, w - 1, lines[first + i], ROLE_NORMAL);
}

/*
 * The pair: A above B, one axis, the changed figures below; on a wide
 * terminal where stacking would fold lanes, A beside B instead, each with
 * the whole height.
 */
static void
view_compare_pair(struct tui *t)
{
	const struct tui_run	*a = t->demo.cmp_a, *b = t->demo.cmp_b;
	char			**lines = NULL, *title;
	size_t			  nlines = 0, i;
	uint64_t		  t1;
	int			  h = t->lines - 1, w = t->cols - 2, x = 1, y = 1;
	int			  inner = h - 2, wa, wb, ra, rb, lanes, tab, half;

	if (a->joined && b->joined && a->run->status == 0 &&
	    b->run->status == 0)
		lines = view_figures_diff(a, b, w - 1, &nlines);
	if (a->seq > 0 && b->seq > 0)
		xasprintf(&title, " Run %u (A) and run %u (B) ", a->seq,
		    b->seq);
	else
		title = xstrdup(" A and B, one of them the recorded run ");
	view_help_frame(t, 0, 0, h, t->cols, title, " j/k scroll the table; c "
	    "picks again; any other key closes ");
	free(title);
	/*
	 * Rows: two labels and an axis, the lanes, the table's title and its
	 * lines.  The table keeps a few rows (it scrolls), the lanes take
	 * what they want of the rest, and the table what is left.
	 */
	tab = 1 + (nlines > 0 ? (int)nlines : 1);
	tab = tab < 4 ? tab : 4;
	wa = a->tl != NULL ? (int)a->tl->nlanes : 1;
	wb = b->tl != NULL ? (int)b->tl->nlanes : 1;
	t1 = a->t_total > b->t_total ? a->t_total : b->t_total;
	if (t1 < 1000)
		t1 = 1000;
	lanes = inner - 3 - tab < wa + wb ? inner - 3 - tab : wa + wb;
	if (wa + wb > lanes && w >= VC_SIDE_COLS) {
		/* Beside each other: one label row, one axis row each. */
		half = (w - 1) / 2;
		lanes = inner - 2 - tab;
		ra = wa < lanes ? wa : lanes;
		rb = wb < lanes ? wb : lanes;
		view_compare_label(t, a, 'A', b, y, x, half - 2);
		view_compare_label(t, b, 'B', a, y, x + half + 1, w - half - 1);
		view_timeline_lanes(t, a, y + 1, x, ra, half, 0, t1,
		    UINT64_MAX, ra < wa);
		view_timeline_lanes(t, b, y + 1, x + half + 1, rb,
		    w - half - 1, 0, t1, UINT64_MAX, rb < wb);
		y += 1 + (ra > rb ? ra : rb);
		view_timeline_axis(t, y, x, half, 0, t1, UINT64_MAX);
		view_timeline_axis(t, y++, x + half + 1, w - half - 1, 0, t1,
		    UINT64_MAX);
	} else {
		if (lanes < 2)
			lanes = 2;
		view_compare_share(lanes, wa, wb, &ra, &rb);
		view_compare_label(t, a, 'A', b, y, x, w);
		view_timeline_lanes(t, a, y + 1, x, ra, w, 0, t1, UINT64_MAX,
		    ra < wa);
		y += 1 + ra;
		view_compare_label(t, b, 'B', a, y, x, w);
		view_timeline_lanes(t, b, y + 1, x, rb, w, 0, t1, UINT64_MAX,
		    rb < wb);
		y += 1 + rb;
		view_timeline_axis(t, y++, x, w, 0, t1, UINT64_MAX);
	}
	view_compare_table(t, lines, nlines, y, x, w, h - 1 - y);
	for (i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
}

/* Draw the c view over the screen: the chooser or the pair. */
void
view_compare_draw(struct tui *t)
{
	if (!tui_compare_valid(t))
		return;
	if (t->demo.cmp == 1)
		view_compare_chooser(t);
	else
		view_compare_pair(t);
}
