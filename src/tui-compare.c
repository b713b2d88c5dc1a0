/*
 * tui-compare.c -- c in the demo pane: pick any two kept runs, A and B.
 *
 * The pane keeps the last TUI_KEEP runs of a run block, numbered in the
 * order they ran.  c opens a chooser listing them with the knobs in which
 * they differ; arrows choose a row, a and b (or a run's number) mark it,
 * Enter shows the pair stacked, each with its lanes, its label
 * and the table of figures that changed (view-compare.c).  When B is the
 * newest run, A also becomes the run the pane shows above it.
 *
 * The pair is two pointers into the kept runs, not owned: before every
 * use they are checked against the runs still kept, so a run pushed out
 * or a page closed can only close the view, never leave it dangling.
 */

#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* The kept runs, oldest first, into runs (TUI_KEEP room); how many. */
size_t
tui_compare_runs(const struct tui_demo *d, struct tui_run **runs)
{
	size_t	n = 0, k = 0;

	while (k < TUI_KEEP - 1 && d->hist[k] != NULL)
		k++;
	while (k > 0)
		runs[n++] = d->hist[--k];
	if (d->cur != NULL)
		runs[n++] = d->cur;
	return n;
}

/*
 * Run tr's knobs that are not the same in every kept run, as "k=v k=v";
 * "the same knobs" if none differ.
 */
char *
tui_compare_label(const struct tui_demo *d, const struct tui_run *tr)
{
	struct tui_run		*runs[TUI_KEEP];
	const struct params	*p = &tr->run->params, *q;
	size_t			 n = tui_compare_runs(d, runs), k;
	char			*s = xstrdup(""), *next;
	unsigned		 i;

	for (i = 0; i < p->n; i++) {
		for (k = 0; k < n; k++) {
			q = &runs[k]->run->params;
			if (i >= q->n || strcmp(q->v[i].text, p->v[i].text))
				break;
		}
		if (k == n)
			continue;
		xasprintf(&next, "%s%s%s=%s", s, *s ? " " : "",
		    p->v[i].spec->name, p->v[i].text);
		free(s);
		s = next;
	}
	if (*s == '\0') {
		free(s);
		s = xstrdup("the same knobs");
	}
	return s;
}

/* The row of run tr among the kept runs, or -1. */
static int
tui_compare_row(const struct tui_demo *d, const struct tui_run *tr)
{
	struct tui_run	*runs[TUI_KEEP];
	size_t		 n = tui_compare_runs(d, runs), i;

	for (i = 0; tr != NULL && i < n; i++)
		if (runs[i] == tr)
			return (int)i;
	return -1;
}

/*
 * Whether the view may go on: the marks still name kept runs (dropped if
 * not), and the pair view has both.  Closes the view when it may not.
 */
int
tui_compare_valid(struct tui *t)
{
	struct tui_demo	*d = &t->demo;
	struct tui_run	*runs[TUI_KEEP];
	size_t		 n = tui_compare_runs(d, runs);

	if (tui_compare_row(d, d->cmp_a) < 0)
		d->cmp_a = NULL;
	if (tui_compare_row(d, d->cmp_b) < 0)
		d->cmp_b = NULL;
	if (n < 2 || (d->cmp == 2 && (d->cmp_a == NULL || d->cmp_b == NULL)))
		d->cmp = 0;
	if (d->cmp_sel >= n)
		d->cmp_sel = n > 0 ? (unsigned)n - 1 : 0;
	return d->cmp != 0;
}

/* c: open the chooser on the pair the pane shows (the last two runs). */
void
tui_compare_open(struct tui *t)
{
	struct tui_demo	*d = &t->demo;
	struct tui_run	*runs[TUI_KEEP];
	size_t		 n = tui_compare_runs(d, runs);

	if (n < 2) {
		tui_message(t, 0, "Nothing to compare yet: run twice (r, "
		    "turn a knob, r).");
		return;
	}
	d->cmp_b = runs[n - 1];
	d->cmp_a = tui_compare_row(d, d->prev) >= 0 && d->prev != d->cmp_b ?
	    d->prev : runs[n - 2];
	d->cmp_sel = (unsigned)tui_compare_row(d, d->cmp_a);
	d->cmp_next_b = 0;
	d->cmp = 1;
}

/* Mark run tr: as A, as B, or (which 0) A and B in turn. */
static void
tui_compare_mark(struct tui *t, struct tui_run *tr, int which)
{
	struct tui_demo	*d = &t->demo;

	if (!tr->joined) {
		tui_message(t, 0, "Run %u is still going: wait, or x stops it "
		    "(Esc first).", tr->seq);
		return;
	}
	/* Numbers mark A, then B, then A again. */
	if (which == 0) {
		which = d->cmp_next_b ? 'b' : 'a';
		d->cmp_next_b = !d->cmp_next_b;
	}
	if (which == 'a') {
		if (d->cmp_b == tr)
			d->cmp_b = d->cmp_a;
		d->cmp_a = tr;
	} else {
		if (d->cmp_a == tr)
			d->cmp_a = d->cmp_b;
		d->cmp_b = tr;
	}
}

/* Enter: show the pair marked. */
static void
tui_compare_show(struct tui *t)
{
	struct tui_demo	*d = &t->demo;

	if (d->cmp_a == NULL || d->cmp_b == NULL || d->cmp_a == d->cmp_b) {
		tui_message(t, 0, "Mark two runs first: a and b, or their "
		    "numbers.");
		return;
	}
	/* The pane's own comparison follows when B is the newest run. */
	if (d->cmp_b == d->cur && d->cmp_a != d->cur)
		d->prev = d->cmp_a;
	d->cmp = 2;
	d->cmp_scroll = 0;
	d->cursor_on = 0;	/* its lane column would narrow the lanes */
}

/* Keys of the chooser. */
static void
tui_compare_choose(struct tui *t, int ch)
{
	struct tui_demo	*d = &t->demo;
	struct tui_run	*runs[TUI_KEEP];
	size_t		 n = tui_compare_runs(d, runs), i;

	switch (ch) {
	case KEY_UP: case 'k':
		if (d->cmp_sel > 0)
			d->cmp_sel--;
		return;
	case KEY_DOWN: case 'j':
		if (d->cmp_sel + 1 < n)
			d->cmp_sel++;
		return;
	case 'a': case 'b':
		tui_compare_mark(t, runs[d->cmp_sel], ch);
		return;
	case '\n': case '\r': case KEY_ENTER:
		tui_compare_show(t);
		return;
	case 'n':
		d->prev = NULL;
		d->cmp = 0;
		tui_message(t, 0, "The pane shows the last run alone; c "
		    "compares again.");
		return;
	}
	/* Any other key leaves, as in the pair and the figures panel. */
	if (ch < '1' || ch > '9') {
		d->cmp = 0;
		return;
	}
	for (i = 0; i < n && runs[i]->seq != (unsigned)(ch - '0'); i++)
		;
	if (i == n) {
		tui_message(t, 0, "Run %c is not kept: runs %u to %u are.", ch,
		    runs[0]->seq, runs[n - 1]->seq);
		return;
	}
	d->cmp_sel = (unsigned)i;
	tui_compare_mark(t, runs[i], 0);
}

/* Keys while the chooser or the pair is on screen (they take them all). */
void
tui_compare_key(struct tui *t, int ch)
{
	struct tui_demo	*d = &t->demo;

	if (ch == KEY_RESIZE || !tui_compare_valid(t))
		return;
	if (d->cmp == 1) {
		tui_compare_choose(t, ch);
		return;
	}
	switch (ch) {
	case KEY_DOWN: case 'j':
		d->cmp_scroll++;	/* clamped by the view */
		break;
	case KEY_UP: case 'k':
		if (d->cmp_scroll > 0)
			d->cmp_scroll--;
		break;
	case 'c':
		d->cmp = 1;
		break;
	default:
		d->cmp = 0;
		break;
	}
}
