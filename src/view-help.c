/*
 * view-help.c -- the help overlay: every key of the current screen.
 *
 * It prints the key tables of tui-keys.c, the one list of keys: the menu's
 * on the menu; on a lesson page the page keys and what q does there (back
 * to the menu, or quit when the lesson was opened by name), plus the demo
 * pane's when the page has a demo, plus the presenter's in presenter mode.
 * A description too long for the box goes on over the rows below it, cut
 * at spaces, so no key's text is lost at 80 columns.
 * It is a framed box over the screen; only when it does not fit do j/k
 * scroll it (t->help - 1 is the first row shown), and only then does its
 * bottom edge say so.
 */

#include "config.h"

#include <curses.h>
#include <string.h>

#include "parlab.h"

#define VH_MAX_ROWS	160

/* A framed box (y, x, h, w), titles on its top and bottom edges. */
void
view_help_frame(const struct tui *t, int y, int x, int h, int w,
    const char *title, const char *foot)
{
	const char	*hz = tui_sym(t, "\xe2\x94\x80", "-");
	const char	*vt = tui_sym(t, "\xe2\x94\x82", "|");
	int		 i;

	tui_fill(t, y, x, w, hz, ROLE_BOX);
	tui_fill(t, y + h - 1, x, w, hz, ROLE_BOX);
	for (i = 1; i < h - 1; i++) {
		tui_fill(t, y + i, x, w, " ", ROLE_NORMAL);
		tui_put(t, y + i, x, 1, vt, ROLE_BOX);
		tui_put(t, y + i, x + w - 1, 1, vt, ROLE_BOX);
	}
	tui_put(t, y, x, 1, tui_sym(t, "\xe2\x94\x8c", "+"), ROLE_BOX);
	tui_put(t, y, x + w - 1, 1, tui_sym(t, "\xe2\x94\x90", "+"), ROLE_BOX);
	tui_put(t, y + h - 1, x, 1, tui_sym(t, "\xe2\x94\x94", "+"), ROLE_BOX);
	tui_put(t, y + h - 1, x + w - 1, 1, tui_sym(t, "\xe2\x94\x98", "+"),
	    ROLE_BOX);
	tui_put(t, y, x + 2, w - 4, title, ROLE_HEADING);
	tui_put(t, y + h - 1, x + 2, w - 4, foot, ROLE_DIM);
}

/*
 * The length of the first row of text s in ww columns (ASCII): up to the
 * last space that fits, or all of it.
 */
static int
view_help_cut(const char *s, int ww)
{
	int	len = (int)strlen(s), i, brk = 0;

	if (len <= ww || ww < 8)
		return len;
	for (i = 1; i <= ww; i++)
		if (s[i] == ' ')
			brk = i;
	return brk > 0 ? brk : ww;
}

/* Draw the help box over the screen. */
void
view_help_draw(struct tui *t)
{
	const struct tui_keydef	*tables[5], *k;
	const char		*heads[5];
	const char		*row_key[VH_MAX_ROWS], *row_what[VH_MAX_ROWS];
	const char		*what;
	int			 row_len[VH_MAX_ROWS];
	int			 ntables = 0, n, i, j, y, x, w, h, kw = 0;
	int			 first, shown, len;

	if (t->step != NULL) {
		heads[ntables] = "Stepper";
		tables[ntables++] = view_step_keys;
	} else if (t->screen == TUI_MENU) {
		heads[ntables] = "Menu";
		tables[ntables++] = tui_keys_menu;
	} else {
		heads[ntables] = "Lesson";
		tables[ntables++] = tui_keys_lesson;
		heads[ntables] = NULL;
		tables[ntables++] = t->lessons != NULL ? tui_keys_back :
		    tui_keys_quit;
		if (t->demo.block != NULL) {
			heads[ntables] = "Demo";
			tables[ntables++] = tui_keys_demo;
		}
		if (t->present) {
			heads[ntables] = "Presenter";
			tables[ntables++] = tui_keys_present;
		}
	}
	for (i = 0; i < ntables; i++)
		for (k = tables[i]; k->keys != NULL; k++)
			if ((int)strlen(k->keys) > kw)
				kw = (int)strlen(k->keys);
	w = t->cols - 2 < 80 ? t->cols - 2 : 80;
	/* Each description over as many rows as it takes. */
	for (i = 0, j = 0; i < ntables && j < VH_MAX_ROWS; i++) {
		if (heads[i] != NULL) {
			row_key[j] = heads[i];
			row_what[j++] = NULL;
		}
		for (k = tables[i]; k->keys != NULL && j < VH_MAX_ROWS; k++) {
			row_key[j] = k->keys;
			for (what = k->what; *what != '\0' && j < VH_MAX_ROWS;
			    what += len) {
				len = view_help_cut(what, w - kw - 6);
				row_what[j] = what;
				row_len[j++] = len;
				while (what[len] == ' ')
					len++;
				if (j < VH_MAX_ROWS)
					row_key[j] = "";
			}
		}
	}
	n = j;
	h = n + 2 < t->lines - 1 ? n + 2 : t->lines - 1;
	x = (t->cols - w) / 2;
	y = (t->lines - h) / 2;
	shown = h - 2;
	first = t->help - 1;
	if (first > n - shown)
		first = n - shown > 0 ? n - shown : 0;
	t->help = first + 1;	/* j past the end does not pile up */
	t->help_scrolls = shown < n;
	view_help_frame(t, y, x, h, w, " Keys ", shown >= n ?
	    " any key closes " : first + shown < n ?
	    " j/k scroll, more below; any other key closes " :
	    " k scrolls up; any other key closes ");
	for (i = 0; i < shown && first + i < n; i++) {
		if (row_what[first + i] == NULL) {
			tui_put(t, y + 1 + i, x + 2, w - 4, row_key[first + i],
			    ROLE_HEADING);
			continue;
		}
		tui_put(t, y + 1 + i, x + 3, kw, row_key[first + i], ROLE_CODE);
		len = row_len[first + i] < w - kw - 5 ? row_len[first + i] :
		    w - kw - 5;
		tui_put(t, y + 1 + i, x + 4 + kw, len, row_what[first + i],
		    ROLE_NORMAL);
	}
}
