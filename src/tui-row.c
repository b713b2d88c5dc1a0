/*
 * tui-row.c -- a row of one-column cells, built in memory, drawn in one call.
 *
 * The demo pane draws a glyph per column per lane: 200 columns by 70 lanes
 * is 14,000 glyphs a frame.  Put one at a time (tui_put), each goes through
 * UTF-8 decoding, a width lookup, an attribute change and curses' own
 * multibyte conversion, and that was most of a frame's time at scale.  A
 * row instead is filled with ready-made cells (a glyph in a role becomes a
 * cchar_t once, then comes from a small cache) and handed to curses whole.
 *
 * What lands on the screen is what tui_put() would have drawn: the same
 * character (the same ASCII stand-ins on an ASCII terminal), the role's
 * attributes with the background's folded in as curses does for addch,
 * and the background cell where nothing was set, as erase() leaves it (so
 * the background at either end of a row is not drawn again).
 * Only one-column glyphs belong in a row.  Only the UI thread draws, so
 * the row and the cache are plain statics.
 */

#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "parlab.h"

#define TUI_ROW_CACHE	256	/* glyph-and-role pairs remembered */

struct tui_row_pen {		/* a glyph in a role, made a cell */
	const struct tui *t;	/* for whom: NULL marks a free slot */
	int		 role;
	char		 glyph[8];
	cchar_t		 cell;
};

static struct tui_row_pen	 tui_row_cache[TUI_ROW_CACHE];
static cchar_t			*tui_row_cells;
static int			 tui_row_n, tui_row_cap;
static int			 tui_row_lo, tui_row_hi;	/* cells set */

/* Make the cell for a one-column glyph in a role. */
static void
tui_row_make(const struct tui *t, const char *glyph, int role, cchar_t *cc)
{
	wchar_t		 wc[2] = { L'?', 0 };
	mbstate_t	 mbs;
	attr_t		 a = tui_attr(t, role), bg_attr;
	short		 bg_pair;
	cchar_t		 bg;
	wchar_t		 bg_wc[CCHARW_MAX + 1];

	memset(&mbs, 0, sizeof mbs);
	if ((unsigned char)glyph[0] < 0x80)
		wc[0] = (unsigned char)glyph[0];
	else if (t->utf8)
		(void)mbrtowc(&wc[0], glyph, strlen(glyph), &mbs);
	if (wc[0] < 0x20 || wc[0] == 0x7f)
		wc[0] = L' ';	/* as tui_putn() shows a control character */
	/* addch() folds the background's attributes into a coloured cell. */
	if (t->color && wgetbkgrnd(stdscr, &bg) == OK &&
	    getcchar(&bg, bg_wc, &bg_attr, &bg_pair, NULL) != ERR)
		a |= bg_attr & ~A_COLOR;
	setcchar(cc, wc, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL);
}

/* The cell for a glyph in a role, from the cache when it was made before. */
static const cchar_t *
tui_row_pen(const struct tui *t, const char *glyph, int role)
{
	struct tui_row_pen	*p;
	size_t			 i, len = strlen(glyph);
	unsigned		 h = (unsigned)role * 31u;

	if (len >= sizeof p->glyph)
		len = sizeof p->glyph - 1;
	for (i = 0; i < len; i++)
		h = h * 33u + (unsigned char)glyph[i];
	p = &tui_row_cache[h % TUI_ROW_CACHE];
	if (p->t != t || p->role != role ||
	    strncmp(p->glyph, glyph, sizeof p->glyph) != 0) {
		p->t = t;
		p->role = role;
		memset(p->glyph, 0, sizeof p->glyph);
		memcpy(p->glyph, glyph, len);
		tui_row_make(t, p->glyph, role, &p->cell);
	}
	return &p->cell;
}

/* Start a row of n cells, all background (what erase() leaves). */
void
tui_row_begin(int n)
{
	cchar_t	bg;
	int	i;

	if (n < 0)
		n = 0;
	if (n > tui_row_cap) {
		tui_row_cap = n;
		tui_row_cells = xreallocarray(tui_row_cells, (size_t)n,
		    sizeof *tui_row_cells);
	}
	if (wgetbkgrnd(stdscr, &bg) != OK)
		setcchar(&bg, L" ", A_NORMAL, 0, NULL);
	for (i = 0; i < n; i++)
		tui_row_cells[i] = bg;
	tui_row_n = n;
	tui_row_lo = n;
	tui_row_hi = -1;
}

/* Set cell c of the row to a one-column glyph in a role. */
void
tui_row_set(const struct tui *t, int c, const char *glyph, int role)
{
	if (c < 0 || c >= tui_row_n)
		return;
	tui_row_cells[c] = *tui_row_pen(t, glyph, role);
	if (c < tui_row_lo)
		tui_row_lo = c;
	if (c > tui_row_hi)
		tui_row_hi = c;
}

/*
 * Draw the row from (y, x), cut at the screen's edge: only from its first
 * set cell to its last, since erase() left background on either side (a
 * live lane is blank past the playhead, often half the row).
 */
void
tui_row_draw(int y, int x)
{
	int	n = tui_row_hi + 1 - tui_row_lo;

	x += tui_row_lo;
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || n <= 0)
		return;
	if (n > COLS - x)
		n = COLS - x;
	mvadd_wchnstr(y, x, tui_row_cells + tui_row_lo, n);
}
