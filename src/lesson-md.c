/*
 * lesson-md.c -- the Markdown body of a lesson, walked with md4c.
 *
 * md4c calls back on entering and leaving each block and span and for each
 * piece of text; this file turns that stream into lesson blocks on the last
 * page of a lesson.  A thematic break starts a new page.  Text goes to the
 * "current" block (an index into the last page, since appending may move
 * the array); text with no current block opens a paragraph.
 *
 * The model is flat, as a terminal draws it: a list item is one ITEM block
 * with its nesting level and number; a paragraph in a quote is a QUOTE
 * block; a table becomes a CODE block (lang "table") of aligned columns.
 * Fenced blocks named run, ask, note and pause are collected as raw lines
 * and handed to lesson-fence.c; any other code block keeps its lines.
 *
 * md4c's text pointers point into the buffer being parsed (checked before
 * use: a few, such as the text of an entity, may not), so each block's
 * line comes from the byte offset of its first text.  md4c accepts any
 * input, so an unclosed fence is found here: the line after its last
 * content line must hold the closing fence, and no line inside may open
 * another fence like it (lesson-src.c reads those line shapes).
 */

#include "config.h"

#include <md4c.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define WALK_MAX_LISTS	32

struct walk {
	const struct lesson_src	*src;
	size_t			 off;		/* where md4c's input starts */
	struct lesson		*l;
	struct lesson_diags	*d;
	int			 top;		/* a whole lesson, not an ask */
	unsigned		 line;		/* the last line seen */
	size_t			 last;		/* last source line index seen */
	ssize_t			 cur;		/* block for text, -1: none */
	int			 quote;		/* blockquote depth */
	unsigned		 nlists;
	struct { int ordered, next; } lists[WALK_MAX_LISTS];
	unsigned		 em, strong, code, link;
	char			*url;

	int			 in_code;	/* collecting a code block */
	char			 fence;		/* its fence char, 0: indented */
	char			*lang;
	unsigned		 code_line;	/* the opening fence's line */
	size_t			 code_idx;	/* its source line index */
	struct lesson_buf		 cl;		/* the line being collected */
	char			**lines;
	unsigned		*lines_at;
	size_t			 nlines;
	unsigned		 cl_at;

	int			 in_html;
	struct lesson_buf		 html;
	unsigned		 html_line;

	int			 in_table;
	char			***rows;	/* rows of cells */
	size_t			 nrows, *ncells;
	struct lesson_buf		 cell;
	unsigned		 table_line;
};

/* Note where we are, from a pointer md4c gave us. */
static void
walk_at(struct walk *w, const char *p)
{
	unsigned	line;

	if ((line = lesson_src_line(w->src, p)) != 0) {
		w->line = line;
		w->last = lesson_src_index(w->src, (size_t)(p - w->src->base));
	}
}

/* The current block, or NULL. */
static struct lesson_block *
walk_cur(struct walk *w)
{
	struct lesson_page	*p;

	if (w->cur < 0 || w->l->npages == 0)
		return NULL;
	p = &w->l->pages[w->l->npages - 1];
	return &p->blocks[w->cur];
}

/* Open a block that text will go to; its line is set by its first text. */
static struct lesson_block *
walk_open(struct walk *w, enum lesson_block_type type, int level)
{
	struct lesson_block	*b;

	b = lesson_block_add(w->l, type, 0);
	b->level = level;
	w->cur = (ssize_t)w->l->pages[w->l->npages - 1].nblocks - 1;
	return b;
}

/* Append text in a style to the current block, merging equal runs. */
static void
walk_text(struct walk *w, unsigned style, const char *s, size_t n)
{
	struct lesson_block	*b;
	struct lesson_text	*t;
	const char		*url = (style & LSTYLE_LINK) ? w->url : NULL;
	char			*clean;
	size_t			 len;
	int			 same;

	if (n == 0)
		return;
	if ((b = walk_cur(w)) == NULL)
		b = walk_open(w, w->quote > 0 ? LBLOCK_QUOTE : LBLOCK_PARA,
		    w->quote > 0 ? w->quote : (int)w->nlists);
	if (b->line == 0)
		b->line = w->line;
	clean = lesson_clean(s, n, 0, NULL);
	t = b->ntext > 0 ? &b->text[b->ntext - 1] : NULL;
	same = t != NULL && t->style == style && strcmp(t->s, "\n") != 0 &&
	    strcmp(clean, "\n") != 0 && ((t->url == NULL && url == NULL) ||
	    (t->url != NULL && url != NULL && strcmp(t->url, url) == 0));
	if (same) {
		len = strlen(t->s);
		t->s = xreallocarray(t->s, len + strlen(clean) + 1, 1);
		strcpy(t->s + len, clean);
		free(clean);
		return;
	}
	b->text = xreallocarray(b->text, b->ntext + 1, sizeof *b->text);
	t = &b->text[b->ntext++];
	t->s = clean;
	t->style = style;
	t->url = url != NULL ? xstrdup(url) : NULL;
}

/* The style of text at this point of the spans. */
static unsigned
walk_style(const struct walk *w)
{
	return (w->em ? LSTYLE_EM : 0) | (w->strong ? LSTYLE_STRONG : 0) |
	    (w->code ? LSTYLE_CODE : 0) | (w->link ? LSTYLE_LINK : 0);
}

/* Keep the code line collected so far, cleaned, with its file line. */
static void
walk_code_line(struct walk *w)
{
	char	*raw = lesson_buf_take(&w->cl);

	w->lines = xreallocarray(w->lines, w->nlines + 1, sizeof *w->lines);
	w->lines_at = xreallocarray(w->lines_at, w->nlines + 1,
	    sizeof *w->lines_at);
	w->lines_at[w->nlines] = w->cl_at != 0 ? w->cl_at : w->line;
	w->lines[w->nlines++] = lesson_clean(raw, strlen(raw), 8, NULL);
	free(raw);
	w->cl_at = 0;
}

/* Finish a code block: check its fence, then keep it or act on it. */
static void
walk_code_end(struct walk *w)
{
	struct lesson_block	*b;
	size_t			 i, close_idx;
	unsigned		 inner;
	int			 open = 0, closed;

	if (w->cl.len > 0)	/* a last line with no newline */
		walk_code_line(w);
	/* One error at the opening fence; its lines are then not acted on,
	 * so they add no errors of their own. */
	if (w->fence != 0) {
		close_idx = w->code_idx + 1 + w->nlines;
		inner = lesson_src_inner_fence(w->src, w->code_idx, w->fence,
		    w->lines, w->lines_at, w->nlines);
		if (inner != 0)
			lesson_diag(w->d, w->code_line, 1, "unterminated "
			    "%c%c%c fence: the fence on line %u opens inside "
			    "it; close this one with a line of %c%c%c",
			    w->fence, w->fence, w->fence, inner, w->fence,
			    w->fence, w->fence);
		closed = lesson_src_fence(w->src, close_idx, w->fence);
		if (!closed && inner == 0)
			lesson_diag(w->d, w->code_line, 1, "unterminated "
			    "%c%c%c fence: close it with a line of %c%c%c",
			    w->fence, w->fence, w->fence, w->fence, w->fence,
			    w->fence);
		open = inner != 0 || !closed;
		if (closed) {
			w->last = close_idx;
			w->line = lesson_src_lineno(w->src, close_idx);
		}
	}
	if (w->top && w->lang != NULL && lesson_fence_kind(w->lang) < 0)
		lesson_fence_near(w->d, w->lang, w->fence, w->code_line);
	if (w->top && w->lang != NULL && lesson_fence_kind(w->lang) >= 0 &&
	    !open) {
		lesson_fence(w->l, w->d, w->lang, w->lines, w->lines_at,
		    w->nlines, w->code_line);
		for (i = 0; i < w->nlines; i++)
			free(w->lines[i]);
		free(w->lines);
		free(w->lang);
	} else {
		b = lesson_block_add(w->l, LBLOCK_CODE, w->code_line);
		b->lang = w->lang;
		b->lines = w->lines;
		b->nlines = w->nlines;
	}
	free(w->lines_at);
	w->lines = NULL;
	w->lines_at = NULL;
	w->nlines = 0;
	w->lang = NULL;
	w->in_code = 0;
}

/* Start a code block; find the line of its opening fence. */
static void
walk_code_begin(struct walk *w, const MD_BLOCK_CODE_DETAIL *cd)
{
	size_t	i;

	w->in_code = 1;
	w->fence = cd->fence_char;
	/* A malformed nesting can begin a block before the last one ended. */
	free(w->lang);
	w->lang = cd->lang.size > 0 ?
	    lesson_clean(cd->lang.text, cd->lang.size, 0, NULL) : NULL;
	w->code_line = 0;
	if (cd->info.size > 0 && lesson_src_line(w->src, cd->info.text)) {
		walk_at(w, cd->info.text);
		w->code_idx = w->last;
		w->code_line = w->line;
		return;
	}
	/* A bare fence: the next fence line after what we saw last. */
	for (i = w->last + (w->line != 0); w->fence != 0 &&
	    i < w->src->nlines; i++) {
		if (lesson_src_fence(w->src, i, w->fence)) {
			w->code_idx = i;
			w->code_line = lesson_src_lineno(w->src, i);
			w->last = i;
			w->line = w->code_line;
			return;
		}
	}
	w->code_idx = w->last;
	w->code_line = w->line;
}

/* Code text arrives in pieces, each newline on its own. */
static void
walk_code_text(struct walk *w, const char *s, size_t n)
{
	if (n == 1 && *s == '\n') {
		walk_code_line(w);
		return;
	}
	if (w->cl.len == 0)
		w->cl_at = w->line;
	lesson_buf_add(&w->cl, s, n);
}

/* Finish a raw HTML block: a comment (perhaps a pause) or ignored HTML. */
static void
walk_html_end(struct walk *w)
{
	char	*s = lesson_buf_take(&w->html), *p, *e;

	for (p = s; *p == ' ' || *p == '\t' || *p == '\n'; p++)
		;
	for (e = p + strlen(p); e > p && (e[-1] == ' ' || e[-1] == '\n' ||
	    e[-1] == '\r' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	if (strncmp(p, "<!--", 4) == 0)
		lesson_fence_comment(w->l, w->d, p + 4, w->html_line);
	else
		lesson_diag(w->d, w->html_line, 0, "raw HTML is not shown");
	free(s);
	w->in_html = 0;
}

/* md4c: a block begins. */
static int
walk_enter_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct walk		*w = arg;
	struct lesson_block	*b;
	MD_BLOCK_LI_DETAIL	*li = detail;
	unsigned		 n;

	switch (type) {
	case MD_BLOCK_QUOTE:
		w->quote++;
		w->cur = -1;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		n = w->nlists < WALK_MAX_LISTS ? w->nlists : WALK_MAX_LISTS - 1;
		w->lists[n].ordered = type == MD_BLOCK_OL;
		w->lists[n].next = type == MD_BLOCK_OL ?
		    (int)((MD_BLOCK_OL_DETAIL *)detail)->start : 1;
		w->nlists++;
		w->cur = -1;
		break;
	case MD_BLOCK_LI:
		n = w->nlists < WALK_MAX_LISTS ? w->nlists : WALK_MAX_LISTS;
		b = walk_open(w, LBLOCK_ITEM, (int)w->nlists);
		if (n > 0) {
			b->ordered = w->lists[n - 1].ordered;
			b->number = w->lists[n - 1].next++;
		}
		if (li->is_task) {
			b->task = li->task_mark != ' ';
			b->line = lesson_src_line(w->src, w->src->base +
			    w->off + li->task_mark_offset);
		}
		break;
	case MD_BLOCK_HR:
		w->cur = -1;
		if (!w->top) {
			lesson_diag(w->d, w->line, 1, "a page break cannot be "
			    "inside an ask block");
			break;
		}
		/* The break is on the first non-blank line after the last. */
		n = (unsigned)lesson_src_nonblank(w->src, w->last +
		    (w->line != 0));
		if (n < w->src->nlines) {
			w->last = n;
			w->line = lesson_src_lineno(w->src, n);
		}
		lesson_page_add(w->l, w->line);
		break;
	case MD_BLOCK_H:
		walk_open(w, LBLOCK_HEADING,
		    (int)((MD_BLOCK_H_DETAIL *)detail)->level);
		break;
	case MD_BLOCK_CODE:
		w->cur = -1;
		walk_code_begin(w, detail);
		break;
	case MD_BLOCK_HTML:
		w->cur = -1;
		w->in_html = 1;
		w->html_line = 0;
		break;
	case MD_BLOCK_P:
		b = walk_cur(w);
		if (b != NULL && b->type == LBLOCK_ITEM && b->ntext == 0)
			break;	/* a loose list item's first paragraph */
		walk_open(w, w->quote > 0 ? LBLOCK_QUOTE : LBLOCK_PARA,
		    w->quote > 0 ? w->quote : (int)w->nlists);
		break;
	case MD_BLOCK_TABLE:
		w->cur = -1;
		w->in_table = 1;
		w->table_line = 0;
		break;
	case MD_BLOCK_TR:
		if (w->in_table) {
			w->rows = xreallocarray(w->rows, w->nrows + 1,
			    sizeof *w->rows);
			w->ncells = xreallocarray(w->ncells, w->nrows + 1,
			    sizeof *w->ncells);
			w->rows[w->nrows] = NULL;
			w->ncells[w->nrows++] = 0;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* md4c: a block ends. */
static int
walk_leave_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct walk	*w = arg;
	size_t		 r;
	unsigned	 n;
	char		*raw;

	switch (type) {
	case MD_BLOCK_QUOTE:
		w->quote--;
		w->cur = -1;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		w->nlists--;
		w->cur = -1;
		break;
	case MD_BLOCK_H:
		if (((MD_BLOCK_H_DETAIL *)detail)->level == 2 && w->top &&
		    (n = lesson_src_setext(w->src, w->last)) != 0)
			lesson_diag(w->d, n, 1, "text right above '---' makes "
			    "it a heading's underline, not a page break: leave "
			    "a blank line before '---'");
		w->cur = -1;
		break;
	case MD_BLOCK_LI:
	case MD_BLOCK_P:
		w->cur = -1;
		break;
	case MD_BLOCK_CODE:
		walk_code_end(w);
		break;
	case MD_BLOCK_HTML:
		walk_html_end(w);
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		if (w->in_table && w->nrows > 0) {
			r = w->nrows - 1;
			w->rows[r] = xreallocarray(w->rows[r], w->ncells[r] + 1,
			    sizeof *w->rows[r]);
			raw = lesson_buf_take(&w->cell);
			w->rows[r][w->ncells[r]++] = lesson_clean(raw,
			    strlen(raw), 0, NULL);
			free(raw);
		}
		break;
	case MD_BLOCK_TABLE:
		/* Aligned columns as a CODE block (lesson-table.c). */
		lesson_table_block(w->l, w->rows, w->ncells, w->nrows,
		    w->table_line);
		w->rows = NULL;
		w->ncells = NULL;
		w->nrows = 0;
		w->in_table = 0;
		break;
	default:
		break;
	}
	return 0;
}

/* md4c: a span begins. */
static int
walk_enter_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct walk		*w = arg;
	const MD_SPAN_A_DETAIL	*a = detail;

	switch (type) {
	case MD_SPAN_EM:
		w->em++;
		break;
	case MD_SPAN_STRONG:
		w->strong++;
		break;
	case MD_SPAN_CODE:
		w->code++;
		break;
	case MD_SPAN_A:
		if (w->link++ == 0) {
			free(w->url);
			w->url = lesson_clean(a->href.text, a->href.size, 0,
			    NULL);
		}
		break;
	default:
		break;
	}
	return 0;
}

/* md4c: a span ends. */
static int
walk_leave_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct walk	*w = arg;

	switch (type) {
	case MD_SPAN_EM:
		w->em--;
		break;
	case MD_SPAN_STRONG:
		w->strong--;
		break;
	case MD_SPAN_CODE:
		w->code--;
		break;
	case MD_SPAN_A:
		if (--w->link == 0) {
			free(w->url);
			w->url = NULL;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* md4c: text. */
static int
walk_on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *arg)
{
	struct walk	*w = arg;
	char		 ent[8];
	size_t		 k;

	walk_at(w, s);
	if (w->in_code) {
		walk_code_text(w, s, n);
		return 0;
	}
	if (w->in_html) {
		if (w->html_line == 0)
			w->html_line = w->line;
		lesson_buf_add(&w->html, s, n);
		return 0;
	}
	if (type == MD_TEXT_ENTITY) {
		k = lesson_src_entity(s, n, ent);
		s = ent;
		n = (MD_SIZE)k;
	} else if (type == MD_TEXT_SOFTBR) {
		s = " ";
		n = 1;
	} else if (type == MD_TEXT_NULLCHAR) {
		s = "\xef\xbf\xbd";
		n = 3;
	} else if (type == MD_TEXT_HTML)
		return 0;	/* inline raw HTML is not shown */
	if (w->in_table) {
		if (w->table_line == 0)
			w->table_line = w->line;
		lesson_buf_add(&w->cell, type == MD_TEXT_BR ? " " : s,
		    type == MD_TEXT_BR ? 1 : n);
		return 0;
	}
	if (type == MD_TEXT_BR)
		walk_text(w, LSTYLE_PLAIN, "\n", 1);
	else
		walk_text(w, walk_style(w), s, n);
	return 0;
}

/*
 * Walk the Markdown from byte off of src to its end, adding blocks to l.
 * top is 0 for the inside of an ask block: no pages, no parlab fences.
 */
void
lesson_md_walk(const struct lesson_src *src, size_t off, struct lesson *l,
    struct lesson_diags *d, int top)
{
	MD_PARSER	p;
	struct walk	w;
	size_t		r;

	memset(&p, 0, sizeof p);
	p.flags = MD_DIALECT_GITHUB;
	p.enter_block = walk_enter_block;
	p.leave_block = walk_leave_block;
	p.enter_span = walk_enter_span;
	p.leave_span = walk_leave_span;
	p.text = walk_on_text;
	memset(&w, 0, sizeof w);
	w.src = src;
	w.off = off;
	w.l = l;
	w.d = d;
	w.top = top;
	w.cur = -1;
	/* Nothing seen yet (line 0): scans start at the body's first line. */
	w.last = off < src->len ? lesson_src_index(src, off) : src->nlines - 1;
	if (top && l->npages == 0)
		lesson_page_add(l, lesson_src_lineno(src, w.last));
	if (off < src->len &&
	    md_parse(src->base + off, (MD_SIZE)(src->len - off), &p, &w) != 0)
		lesson_diag(d, w.line, 1, "the Markdown parser gave up here");
	/* Free what an unclosed or a failed block left (NULL otherwise). */
	for (r = 0; r < w.nlines; r++)
		free(w.lines[r]);
	free(w.lines);
	free(w.lines_at);
	free(w.lang);
	lesson_table_free(w.rows, w.ncells, w.nrows);
	free(w.cl.s);
	free(w.html.s);
	free(w.cell.s);
	free(w.url);
}
