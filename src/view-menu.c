/*
 * view-menu.c -- the lesson menu: lessons in order, progress marks.
 *
 * One lesson a row: a mark (done, started, not yet), the percentage seen,
 * the title, and its one-line summary dimmed after it.  The cursor's row
 * is drawn in the selected role; below the list, the chosen lesson's
 * summary in full when there is room.  The list scrolls to keep the cursor
 * on screen: menu_top is the one piece of state a draw writes, since only
 * the draw knows how many rows there are.
 */

#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* One lesson's row. */
static void
view_menu_row(struct tui *t, size_t i, int y)
{
	const struct lesson	*l = t->lessons[i];
	const char		*mark;
	char			 buf[32];
	int			 pct, col, sel = i == t->menu_sel;
	int			 role = sel ? ROLE_SELECTED : ROLE_NORMAL;

	pct = progress_percent(t->progress, l->id, (unsigned)l->npages);
	if (pct >= 100)
		mark = tui_sym(t, "\xe2\x9c\x93", "x");
	else if (pct > 0)
		mark = tui_sym(t, "\xe2\x97\x90", "~");
	else
		mark = tui_sym(t, "\xc2\xb7", " ");
	if (sel)
		tui_fill(t, y, 0, t->cols, " ", ROLE_SELECTED);
	col = tui_put(t, y, 1, 2, sel ? tui_sym(t, "\xe2\x96\xb8", ">") : " ",
	    role);
	col += 1 + tui_put(t, y, 1 + col, 1, mark, pct >= 100 && !sel ?
	    ROLE_RIGHT : role);
	snprintf(buf, sizeof buf, "%3d%%  ", pct < 0 ? 0 : pct);
	col += 1 + tui_put(t, y, 1 + col, 6, buf, sel ? role : ROLE_DIM);
	col += tui_put(t, y, 1 + col, t->cols - col - 2, l->title,
	    sel ? role : ROLE_STRONG);
	if (l->summary != NULL && *l->summary != '\0' && col + 8 < t->cols) {
		col += tui_put(t, y, 1 + col, 3, tui_sym(t, " \xe2\x80\x94 ",
		    " - "), sel ? role : ROLE_DIM);
		tui_put(t, y, 1 + col, t->cols - col - 2, l->summary,
		    sel ? role : ROLE_DIM);
	}
}

/* Draw the menu screen. */
void
view_menu_draw(struct tui *t)
{
	const char	*title;
	char		 buf[96];
	size_t		 i, rows, nrows;
	int		 y, cw;

	tui_fill(t, 0, 0, t->cols, " ", ROLE_TITLE);
	/* The title gives way to the count, never runs into it. */
	snprintf(buf, sizeof buf, "%zu lessons", t->nlessons);
	cw = (int)strlen(buf);
	title = "parlab: concurrency and parallelism, live";
	if ((int)strlen(title) + cw + 4 > t->cols)
		title = "parlab";
	tui_put(t, 0, 1, t->cols - cw - 4, title, ROLE_TITLE);
	if ((int)strlen(title) + cw + 4 <= t->cols)
		tui_put(t, 0, t->cols - cw - 1, cw, buf, ROLE_TITLE);
	rows = (size_t)(t->lines - 3);
	if (t->nlessons == 0) {
		tui_put(t, 2, 2, t->cols - 4, "No lessons found.", ROLE_ERROR);
		tui_put(t, 3, 2, t->cols - 4, "Set PARLAB_LESSONS to a folder "
		    "of lesson files, or see `parlab list`.", ROLE_DIM);
	}
	/* Leave room for the summary when the list is short. */
	nrows = t->nlessons < rows ? t->nlessons : rows;
	if (t->menu_sel < t->menu_top)
		t->menu_top = t->menu_sel;
	if (t->menu_sel >= t->menu_top + nrows)
		t->menu_top = t->menu_sel - nrows + 1;
	for (i = 0; i < nrows && t->menu_top + i < t->nlessons; i++)
		view_menu_row(t, t->menu_top + i, 2 + (int)i);
	y = 3 + (int)nrows;
	if (t->nlessons > 0 && y + 1 < t->lines - 1) {
		tui_put(t, y, 2, t->cols - 4, t->lessons[t->menu_sel]->title,
		    ROLE_HEADING);
		if (t->lessons[t->menu_sel]->summary != NULL)
			tui_put(t, y + 1, 2, t->cols - 4,
			    t->lessons[t->menu_sel]->summary, ROLE_NORMAL);
	}
	tui_fill(t, t->lines - 1, 0, t->cols, " ", ROLE_STATUS);
	if (t->message != NULL)
		tui_put(t, t->lines - 1, 1, t->cols - 2, t->message,
		    t->message_error ? ROLE_ERROR : ROLE_STATUS);
	else
		tui_put(t, t->lines - 1, 1, t->cols - 2, tui_sym(t,
		    "\xe2\x86\x91\xe2\x86\x93 choose  Enter open  ? help  "
		    "q quit", "Up/Down choose  Enter open  ? help  q quit"),
		    ROLE_STATUS);
}
