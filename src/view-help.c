/*
 * view-help.c -- the help overlay: every key of the current screen.
 *
 * It prints the key tables of tui-keys.c, the one list of keys: the menu's
 * on the menu; on a lesson page the page keys, plus the demo pane's when
 * the page has a demo, plus the presenter's in presenter mode.  It is a
 * box over the screen; when it does not fit, j/k scroll it (t->help - 1
 * is the first row shown).
 */

#include "config.h"

#include <curses.h>
#include <string.h>

#include "parlab.h"

#define VH_MAX_ROWS	48

/* Draw the help box over the screen. */
void
view_help_draw(struct tui *t)
{
	const struct tui_keydef	*tables[3], *k;
	const char		*heads[3];
	const char		*row_key[VH_MAX_ROWS], *row_what[VH_MAX_ROWS];
	int			 ntables = 0, n = 0, i, y, x, w, h, kw = 0;
	int			 first, shown;

	if (t->step != NULL) {
		heads[ntables] = "Stepper";
		tables[ntables++] = view_step_keys;
	} else if (t->screen == TUI_MENU) {
		heads[ntables] = "Menu";
		tables[ntables++] = tui_keys_menu;
	} else {
		heads[ntables] = "Lesson";
		tables[ntables++] = tui_keys_lesson;
		if (t->demo.block != NULL) {
			heads[ntables] = "Demo";
			tables[ntables++] = tui_keys_demo;
		}
		if (t->present) {
			heads[ntables] = "Presenter";
			tables[ntables++] = tui_keys_present;
		}
	}
	for (i = 0; i < ntables && n < VH_MAX_ROWS; i++) {
		row_key[n] = heads[i];
		row_what[n++] = NULL;
		for (k = tables[i]; k->keys != NULL && n < VH_MAX_ROWS; k++) {
			row_key[n] = k->keys;
			row_what[n++] = k->what;
			if ((int)strlen(k->keys) > kw)
				kw = (int)strlen(k->keys);
		}
	}
	w = t->cols - 4 < 76 ? t->cols - 4 : 76;
	h = n + 3 < t->lines - 2 ? n + 3 : t->lines - 2;
	x = (t->cols - w) / 2;
	y = (t->lines - h) / 2;
	shown = h - 3;
	first = t->help - 1;
	if (first > n - shown)
		first = n - shown > 0 ? n - shown : 0;
	for (i = 0; i < h; i++)
		tui_fill(t, y + i, x, w, " ", ROLE_NORMAL);
	tui_fill(t, y, x, w, " ", ROLE_TITLE);
	tui_put(t, y, x + 1, w - 2, "Keys (any other key closes)", ROLE_TITLE);
	for (i = 0; i < shown && first + i < n; i++) {
		if (row_what[first + i] == NULL) {
			tui_put(t, y + 1 + i, x + 1, w - 2, row_key[first + i],
			    ROLE_HEADING);
			continue;
		}
		tui_put(t, y + 1 + i, x + 2, kw, row_key[first + i], ROLE_CODE);
		tui_put(t, y + 1 + i, x + 3 + kw, w - kw - 4,
		    row_what[first + i], ROLE_NORMAL);
	}
	tui_fill(t, y + h - 1, x, w, " ", ROLE_STATUS);
	tui_put(t, y + h - 1, x + 1, w - 2, first + shown < n ?
	    "j/k scroll, more below" : "j/k scroll", ROLE_STATUS);
}
