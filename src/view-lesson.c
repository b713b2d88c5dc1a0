/*
 * view-lesson.c -- a lesson page drawn from its blocks.
 *
 * The screen, top to bottom: the title bar (lesson, page n/N), the page's
 * text (scrolled), the demo pane when the page has a run block, and the
 * status bar (the message, or the keys that matter here).  Speaker notes
 * are never drawn here, where the room sees them: `parlab notes` shows
 * them on the presenter's own screen (present.c).
 *
 * Text is laid out for the current width on every draw (there is no cached
 * layout to go stale on resize): a cursor walks the blocks, wrapping words
 * and counting virtual lines; only lines inside the scrolled window reach
 * the screen.  The count it ends with is written back to t->content_h so
 * the keys can clamp scrolling; that and text_h are the only state a draw
 * writes.  Blocks after an unpassed pause marker are not drawn at all.
 */

#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

struct vl {			/* the layout cursor */
	const struct tui *t;
	int		 y0, h, x0, w;	/* the text area */
	int		 line, x;	/* virtual line, column in the area */
	int		 scroll;
	const char	*prefix;	/* drawn at the start of each line */
};

/* Whether the cursor's line is on screen. */
static int
vl_visible(const struct vl *v)
{
	return v->line >= v->scroll && v->line < v->scroll + v->h;
}

/* Draw n bytes at the cursor and move it on. */
static void
vl_put(struct vl *v, const char *s, size_t n, int role)
{
	int	w = tui_width(v->t, s, n);

	if (vl_visible(v))
		tui_putn(v->t, v->y0 + v->line - v->scroll, v->x0 + v->x,
		    v->w - v->x, s, n, role);
	v->x += w;
}

/* Start a new line, with the prefix if any. */
static void
vl_newline(struct vl *v)
{
	v->line++;
	v->x = 0;
	if (v->prefix != NULL)
		vl_put(v, v->prefix, strlen(v->prefix), ROLE_DIM);
}

/* End the current line if anything is on it. */
static void
vl_endline(struct vl *v, int indent)
{
	if (v->x > indent)
		vl_newline(v);
}

/* The role of an inline style over a block's base role. */
static int
vl_role(unsigned style, int base)
{
	if (style & LSTYLE_CODE)
		return ROLE_CODE;
	if (style & LSTYLE_LINK)
		return ROLE_LINK;
	if (style & LSTYLE_STRONG)
		return base == ROLE_HEADING ? base : ROLE_STRONG;
	if (style & LSTYLE_EM)
		return ROLE_EMPH;
	return base;
}

/* Bytes of s (n long) that fit in cols columns, at least one character. */
static size_t
vl_fit(const struct tui *t, const char *s, size_t n, int cols)
{
	size_t	k = 0, next;

	while (k < n) {
		next = k + 1;
		while (next < n && ((unsigned char)s[next] & 0xc0) == 0x80)
			next++;
		if (k > 0 && tui_width(t, s, next) > cols)
			break;
		k = next;
	}
	return k;
}

/* Wrap one word (or a run of one style) onto the lines. */
static void
vl_word(struct vl *v, const char *p, size_t n, int indent, int role)
{
	int	ww = tui_width(v->t, p, n);
	size_t	k;

	if (v->x + ww > v->w && v->x > indent) {
		vl_newline(v);
		v->x = indent > v->x ? indent : v->x;
	}
	while (ww > v->w - v->x && v->w - v->x > 0) {
		k = vl_fit(v->t, p, n, v->w - v->x);
		vl_put(v, p, k, role);
		p += k;
		n -= k;
		ww = tui_width(v->t, p, n);
		vl_newline(v);
		v->x = indent > v->x ? indent : v->x;
	}
	if (n > 0)
		vl_put(v, p, n, role);
}

/* Lay out styled text from the cursor, continuation lines at indent. */
static void
vl_text(struct vl *v, const struct lesson_text *txt, size_t ntxt, int indent,
    int base)
{
	const char	*p, *q;
	size_t		 i;
	int		 role;

	for (i = 0; i < ntxt; i++) {
		if (strcmp(txt[i].s, "\n") == 0) {
			vl_newline(v);
			v->x = indent > v->x ? indent : v->x;
			continue;
		}
		role = vl_role(txt[i].style, base);
		for (p = txt[i].s; *p != '\0'; p = q) {
			if (*p == ' ') {
				if (v->x > indent && v->x < v->w)
					v->x++;
				q = p + 1;
				continue;
			}
			q = p + strcspn(p, " ");
			vl_word(v, p, (size_t)(q - p), indent, role);
		}
		if (txt[i].url != NULL && strcmp(txt[i].url, txt[i].s) != 0) {
			vl_word(v, " <", 2, indent, ROLE_DIM);
			vl_word(v, txt[i].url, strlen(txt[i].url), indent,
			    ROLE_DIM);
			vl_word(v, ">", 1, indent, ROLE_DIM);
		}
	}
}

/* A code block in a box with its language on the top edge. */
static void
vl_code(struct vl *v, const struct lesson_block *b)
{
	const struct tui	*t = v->t;
	const char		*h = tui_sym(t, "\xe2\x94\x80", "-");
	const char		*vb = tui_sym(t, "\xe2\x94\x82", "|");
	size_t			 i, k;
	int			 bw = 12, lw, c;

	for (i = 0; i < b->nlines; i++) {
		lw = tui_width(t, b->lines[i], strlen(b->lines[i])) + 4;
		bw = lw > bw ? lw : bw;
	}
	bw = bw > v->w ? v->w : bw;
	vl_put(v, tui_sym(t, "\xe2\x94\x8c", "+"), 3, ROLE_BOX);
	v->x = 1;
	vl_put(v, h, strlen(h), ROLE_BOX);
	if (b->lang != NULL && *b->lang != '\0') {
		vl_put(v, " ", 1, ROLE_BOX);
		vl_put(v, b->lang, strlen(b->lang), ROLE_DIM);
		vl_put(v, " ", 1, ROLE_BOX);
	}
	for (c = v->x; c < bw - 1; c++)
		vl_put(v, h, strlen(h), ROLE_BOX);
	vl_put(v, tui_sym(t, "\xe2\x94\x90", "+"), 3, ROLE_BOX);
	for (i = 0; i < b->nlines; i++) {
		vl_newline(v);
		vl_put(v, vb, strlen(vb), ROLE_BOX);
		v->x = 2;
		k = vl_fit(t, b->lines[i], strlen(b->lines[i]), bw - 4);
		vl_put(v, b->lines[i], k, ROLE_CODE);
		if (k < strlen(b->lines[i])) {
			v->x = bw - 2;
			vl_put(v, tui_sym(t, "\xe2\x80\xba", ">"), 3, ROLE_DIM);
		}
		v->x = bw - 1;
		vl_put(v, vb, strlen(vb), ROLE_BOX);
	}
	vl_newline(v);
	vl_put(v, tui_sym(t, "\xe2\x94\x94", "+"), 3, ROLE_BOX);
	v->x = 1;
	for (c = 1; c < bw - 1; c++)
		vl_put(v, h, strlen(h), ROLE_BOX);
	vl_put(v, tui_sym(t, "\xe2\x94\x98", "+"), 3, ROLE_BOX);
	vl_newline(v);
}

/* The answer given to an ask, or NULL. */
static const struct tui_answer *
vl_answer(const struct tui *t, const struct lesson_block *b)
{
	size_t	i;

	for (i = 0; i < t->nanswers; i++)
		if (t->answers[i].block == b)
			return &t->answers[i];
	return NULL;
}

/* A question: its choices or prediction, then, once answered, why. */
static void
vl_ask(struct vl *v, const struct lesson_block *b)
{
	const struct tui	*t = v->t;
	const struct tui_answer	*a = vl_answer(t, b);
	char			 buf[96];
	size_t			 i;
	int			 role;

	vl_put(v, "? ", 2, ROLE_MESSAGE);
	vl_text(v, b->text, b->ntext, 2, ROLE_STRONG);
	for (i = 0; i < b->nchoices; i++) {
		vl_newline(v);
		role = ROLE_NORMAL;
		v->x = 2;
		if (a != NULL && b->choices[i].correct) {
			vl_put(v, tui_sym(t, "\xe2\x9c\x93", "+"), 3, ROLE_RIGHT);
			role = ROLE_RIGHT;
		} else if (a != NULL && a->choice == (int)i) {
			vl_put(v, tui_sym(t, "\xe2\x9c\x97", "x"), 3, ROLE_WRONG);
			role = ROLE_WRONG;
		}
		v->x = 4;
		snprintf(buf, sizeof buf, "%zu) ", i + 1);
		vl_put(v, buf, strlen(buf), a != NULL && a->choice == (int)i ?
		    ROLE_SELECTED : ROLE_MESSAGE);
		vl_text(v, b->choices[i].text, b->choices[i].ntext, 7, role);
	}
	vl_newline(v);
	v->x = 2;
	if (b->predict != NULL && a == NULL) {
		snprintf(buf, sizeof buf, "Your prediction of %s: ", b->predict);
		vl_put(v, buf, strlen(buf), ROLE_NORMAL);
		vl_put(v, t->input, strlen(t->input), ROLE_SELECTED);
		vl_put(v, "_  (type a number, Enter)", 25, ROLE_DIM);
	} else if (b->predict != NULL && !a->checked) {
		snprintf(buf, sizeof buf, "You predicted %s = %g: r runs the "
		    "demo to check.", b->predict, a->value);
		vl_put(v, buf, strlen(buf), ROLE_MESSAGE);
	} else if (a == NULL) {
		snprintf(buf, sizeof buf, "Press 1-%zu to answer.", b->nchoices);
		vl_put(v, buf, strlen(buf), ROLE_DIM);
	} else {
		if (b->predict != NULL) {
			snprintf(buf, sizeof buf, "You predicted %g: %s",
			    a->value, a->correct ? "right." : "not close.");
			vl_put(v, buf, strlen(buf), a->correct ? ROLE_RIGHT :
			    ROLE_WRONG);
		} else
			vl_put(v, a->correct ? "Right." : "Not quite.",
			    a->correct ? 6 : 10, a->correct ? ROLE_RIGHT :
			    ROLE_WRONG);
		if (b->nexplain > 0) {
			v->prefix = tui_sym(t, "  \xe2\x94\x82 ", "  | ");
			vl_newline(v);
			vl_text(v, b->explain, b->nexplain, 4, ROLE_NORMAL);
			v->prefix = NULL;
		}
	}
	vl_newline(v);
}

/* One block; 0 if the page stops here (an unpassed pause). */
static int
vl_block(struct vl *v, const struct lesson_page *pg, size_t i,
    unsigned *pauses)
{
	const struct lesson_block	*b = &pg->blocks[i];
	const struct tui		*t = v->t;
	char				 buf[32];
	int				 indent;

	switch (b->type) {
	case LBLOCK_HEADING:
		if (v->line > 0)
			vl_newline(v);
		vl_text(v, b->text, b->ntext, 0, ROLE_HEADING);
		if (b->level == 1) {
			indent = v->x;
			vl_newline(v);
			while (v->x < indent)
				vl_put(v, tui_sym(t, "\xe2\x95\x90", "="), 3,
				    ROLE_HEADING);
		}
		vl_newline(v);
		break;
	case LBLOCK_PARA:
		vl_text(v, b->text, b->ntext, 0, ROLE_NORMAL);
		vl_newline(v);
		break;
	case LBLOCK_ITEM:
		v->x = 2 * (b->level > 0 ? b->level - 1 : 0);
		if (b->task >= 0)
			snprintf(buf, sizeof buf, "[%c] ", b->task ? 'x' : ' ');
		else if (b->ordered)
			snprintf(buf, sizeof buf, "%d. ", b->number);
		else
			snprintf(buf, sizeof buf, "%s ", tui_sym(t,
			    "\xe2\x80\xa2", "*"));
		vl_put(v, buf, strlen(buf), ROLE_BOX);
		vl_text(v, b->text, b->ntext, v->x, ROLE_NORMAL);
		break;
	case LBLOCK_QUOTE:
		v->prefix = tui_sym(t, "\xe2\x94\x82 ", "| ");
		vl_put(v, v->prefix, strlen(v->prefix), ROLE_DIM);
		vl_text(v, b->text, b->ntext, 2, ROLE_EMPH);
		v->prefix = NULL;
		vl_newline(v);
		break;
	case LBLOCK_CODE:
		if (b->lang != NULL && strcmp(b->lang, "step") == 0) {
			/* A step block: one line, the stepper opens on o. */
			vl_put(v, tui_sym(t, "\xe2\x96\xb6 ", "> "), 4, ROLE_BOX);
			vl_put(v, "step ", 5, ROLE_STRONG);
			vl_word(v, b->lines[0], strlen(b->lines[0]), 2,
			    ROLE_CODE);
			vl_word(v, "  (press o to open the stepper)", 31, 2,
			    ROLE_DIM);
			vl_newline(v);
			break;
		}
		vl_code(v, b);
		break;
	case LBLOCK_RUN:
		vl_put(v, tui_sym(t, "\xe2\x96\xb6 ", "> "), 4, ROLE_BOX);
		vl_put(v, "run ", 4, ROLE_STRONG);
		if (b->nlines > 0)
			vl_word(v, b->lines[0], strlen(b->lines[0]), 2,
			    ROLE_CODE);
		if (b == t->demo.block)
			vl_word(v, "  (r runs it below)", 19, 2, ROLE_DIM);
		else
			vl_word(v, "  ([ ] selects it)", 18, 2, ROLE_DIM);
		vl_newline(v);
		break;
	case LBLOCK_ASK:
		vl_ask(v, b);
		break;
	case LBLOCK_NOTE:
		return 1;
	case LBLOCK_PAUSE:
		if ((*pauses)++ < t->reveal)
			return 1;
		vl_endline(v, 0);
		vl_put(v, tui_sym(t, "\xe2\x96\xbc more: space",
		    "v more: space"), 15, ROLE_DIM);
		vl_newline(v);
		return 0;
	}
	/* A list's last item ends the list with a blank line. */
	if (b->type == LBLOCK_ITEM) {
		vl_newline(v);
		if (i + 1 < pg->nblocks && pg->blocks[i + 1].type ==
		    LBLOCK_ITEM)
			return 1;
	}
	vl_endline(v, 0);
	vl_newline(v);
	return 1;
}

/* The status bar: the message, or the keys that matter now. */
static void
view_lesson_status(struct tui *t, int y)
{
	char	buf[160];
	int	secs;

	tui_fill(t, y, 0, t->cols, " ", ROLE_STATUS);
	if (t->message != NULL) {
		tui_put(t, y, 1, t->cols - 1, t->message, t->message_error ?
		    ROLE_ERROR : ROLE_STATUS);
		return;
	}
	if (t->demo.knob_focus) {
		tui_put(t, y, 1, t->cols - 1, "knobs: Left/Right choose  "
		    "Up/Down step  type a value, Enter  r run  Esc leaves",
		    ROLE_STATUS);
		return;
	}
	snprintf(buf, sizeof buf, "%s  %s%s%s%s? help  q %s",
	    tui_sym(t, "\xe2\x86\x90 \xe2\x86\x92 page", "<- -> page"),
	    t->demo.block ? "r run  Tab knobs  " : "",
	    t->demo.block && t->demo.block->fallback ? "F recorded run  " : "",
	    t->nshelf > 1 ? "[ ] run block  " : "",
	    t->scroll + t->text_h < t->content_h ? "j/k scroll  " : "",
	    t->lessons != NULL ? "back" : "quit");
	tui_put(t, y, 1, t->cols - 1, buf, ROLE_STATUS);
	if (t->present && t->autoplay && t->lesson->autoplay > 0) {
		secs = (int)(t->lesson->autoplay - (double)(clock_ns() -
		    t->page_since) / 1e9);
		snprintf(buf, sizeof buf, "autoplay %ds", secs < 0 ? 0 : secs);
		tui_put(t, y, t->cols - (int)strlen(buf) - 1, (int)strlen(buf),
		    buf, ROLE_STATUS);
	}
}

/* Draw the lesson screen. */
void
view_lesson_draw(struct tui *t)
{
	const struct lesson_page	*pg;
	struct vl			 v;
	char				 buf[64];
	unsigned			 pauses = 0;
	size_t				 i;
	int				 cw = t->cols, ph = 0;
	int				 avail = t->lines - 2;

	tui_fill(t, 0, 0, t->cols, " ", ROLE_TITLE);
	snprintf(buf, sizeof buf, "%s%zu/%zu", t->present ? "PRESENTER  " : "",
	    t->lesson->npages ? t->page + 1 : 0, t->lesson->npages);
	tui_put(t, 0, 1, t->cols - (int)strlen(buf) - 3, t->lesson->title,
	    ROLE_TITLE);
	tui_put(t, 0, t->cols - (int)strlen(buf) - 1, (int)strlen(buf), buf,
	    ROLE_TITLE);
	view_lesson_status(t, t->lines - 1);
	if (t->lesson->npages == 0)
		return;
	pg = &t->lesson->pages[t->page];
	if (t->demo.block != NULL) {
		ph = view_timeline_height(t, cw, avail - 3);
		view_timeline_draw(t, 1 + avail - ph, 0, ph, cw);
	}
	t->text_h = avail - ph;
	memset(&v, 0, sizeof v);
	v.t = t;
	v.y0 = 1;
	v.h = t->text_h;
	v.x0 = 1;
	v.w = cw - 2;
	v.scroll = t->scroll;
	for (i = 0; i < pg->nblocks; i++)
		if (!vl_block(&v, pg, i, &pauses))
			break;
	t->content_h = v.line;
	if (t->scroll + t->text_h < t->content_h && t->text_h > 0)
		tui_put(t, t->text_h, cw - 3, 2, tui_sym(t, "\xe2\x86\x93",
		    "v"), ROLE_MESSAGE);
}
