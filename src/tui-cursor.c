/*
 * tui-cursor.c -- the time cursor (the Perfetto habit): t puts a cursor
 * on the time axis of the current run; Left/Right (h/l) move it a column's
 * worth, H/L ten; m drops a mark there (two marks, A and B, alternately),
 * and the pane shows the time between them; Up/Down (j/k) scroll the lanes
 * when there are more than rows; t or Esc leaves.  While it is
 * on, view-timeline.c draws each lane's state at the cursor, since when and
 * for how long (timeline_at()), so the cursor itself is only a time.
 *
 * A run that caught a lost update (race witness=1) puts the cursor on it
 * when it ends: the cursor at the first read, mark A there and mark B at
 * the last write, the window zoomed around the four steps, and the
 * sentence that names them in the message line.
 */

#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* Move the cursor by cols hundredths of the window, kept inside it. */
static void
tui_cursor_move(struct tui *t, int cols)
{
	struct tui_demo	*d = &t->demo;
	uint64_t	 t0, t1, step;

	tui_demo_window(t, &t0, &t1);
	step = (t1 - t0) / 100 > 0 ? (t1 - t0) / 100 : 1;
	if (cols < 0)
		d->cursor = d->cursor > t0 + step * (uint64_t)-cols ?
		    d->cursor - step * (uint64_t)-cols : t0;
	else
		d->cursor += step * (uint64_t)cols;
	if (d->cursor < t0)
		d->cursor = t0;
	if (d->cursor >= t1)
		d->cursor = t1 - 1;
}

/* Keys of the time cursor (t, and all keys while it is on); 1 if one. */
int
tui_cursor_key(struct tui *t, int ch)
{
	struct tui_demo	*d = &t->demo;
	uint64_t	 t0, t1;

	if (!d->cursor_on) {
		if (ch != 't')
			return 0;
		if (d->cur == NULL || d->cur->tl == NULL) {
			tui_message(t, 0, "The time cursor needs a run: r runs "
			    "one.");
			return 1;
		}
		tui_demo_window(t, &t0, &t1);
		d->cursor_on = 1;
		d->cursor = t0 + (t1 - t0) / 2;
		tui_message(t, 0, "time cursor: Left/Right move (H/L more), "
		    "m marks, t or Esc leaves");
		return 1;
	}
	switch (ch) {
	case KEY_LEFT: case 'h':
		tui_cursor_move(t, -1);
		return 1;
	case KEY_RIGHT: case 'l':
		tui_cursor_move(t, 1);
		return 1;
	case 'H':
		tui_cursor_move(t, -10);
		return 1;
	case 'L':
		tui_cursor_move(t, 10);
		return 1;
	case 'm':
		d->marks[d->nmarks % 2] = d->cursor;
		d->nmarks++;
		return 1;
	case KEY_UP: case 'k':
		if (d->lane_top > 0)
			d->lane_top--;
		return 1;
	case KEY_DOWN: case 'j':
		if (d->cur->tl != NULL && d->lane_top + 1 < d->cur->tl->nlanes)
			d->lane_top++;
		return 1;
	case 't': case 27:
		d->cursor_on = 0;
		return 1;
	}
	return 0;
}

/*
 * After a run: if it reports a witness (a lost update seen in the act),
 * jump the cursor to the first one.  The figure is the JSON text the demo
 * wrote; its first four "t_us" are that witness's steps, in time order.
 */
void
tui_cursor_witness(struct tui *t, const struct run *r)
{
	struct tui_demo		*d = &t->demo;
	const struct metric	*m = run_metric(r, "witness");
	const char		*p;
	uint64_t		 ts[4], span;
	size_t			 i, n = 0;

	if (m == NULL || m->type != METRIC_JSON || m->text == NULL)
		return;
	for (p = m->text; n < 4 && (p = strstr(p, "\"t_us\":")) != NULL; n++) {
		p += strlen("\"t_us\":");
		ts[n] = (uint64_t)(strtod(p, NULL) * 1e3);
	}
	if (n < 4)
		return;
	span = ts[3] - ts[0];
	d->cursor_on = 1;
	d->cursor = ts[0];
	d->marks[0] = ts[0];
	d->marks[1] = ts[3];
	d->nmarks = 2;
	/* Zoom so the four steps take the middle of the window. */
	span = span * 4 > 2 * NS_PER_US ? span * 4 : 2 * NS_PER_US;
	d->zoom_span = span;
	d->zoom_t0 = ts[0] > span / 3 ? ts[0] - span / 3 : 0;
	for (i = 0; i < r->nnotes; i++)
		if (strncmp(r->notes[i], "Caught in the act", 17) == 0)
			tui_message(t, 0, "%s (cursor on it: A-B, t leaves)",
			    r->notes[i]);
}
