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
 * content line must hold the closing fence.
 */

#include "config.h"

#include <ctype.h>
#include <md4c.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parlab.h"

#define WALK_MAX_LISTS	32

struct walk_buf {		/* a growing string */
	char	*s;
	size_t	 len, cap;
};

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
	struct walk_buf		 cl;		/* the line being collected */
	char			**lines;
	unsigned		*lines_at;
	size_t			 nlines;
	unsigned		 cl_at;

	int			 in_html;
	struct walk_buf		 html;
	unsigned		 html_line;

	int			 in_table;
	char			***rows;	/* rows of cells */
	size_t			 nrows, *ncells;
	struct walk_buf		 cell;
	unsigned		 table_line;
};

/* Append n bytes to a growing string. */
static void
walk_buf_add(struct walk_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Take a growing string's contents (never NULL) and empty it. */
static char *
walk_buf_take(struct walk_buf *b)
{
	char	*s = b->s != NULL ? b->s : xstrdup("");

	memset(b, 0, sizeof *b);
	return s;
}

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

/* Decode an HTML entity ("&amp;", "&#233;") into UTF-8 in out (8 bytes). */
static size_t
walk_entity(const char *s, size_t n, char *out)
{
	static const struct { const char *name, *utf8; } names[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&apos;", "'" }, { "&nbsp;", " " },
		{ "&mdash;", "\xe2\x80\x94" }, { "&ndash;", "\xe2\x80\x93" },
		{ "&hellip;", "\xe2\x80\xa6" }, { "&times;", "\xc3\x97" },
		{ "&rarr;", "\xe2\x86\x92" }, { "&larr;", "\xe2\x86\x90" },
	};
	unsigned long	c = 0;
	size_t		i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == n &&
		    memcmp(names[i].name, s, n) == 0) {
			strcpy(out, names[i].utf8);
			return strlen(out);
		}
	if (n < 4 || s[1] != '#') {
		memcpy(out, "?", 2);	/* an entity we do not know */
		return 1;
	}
	c = strtoul(s + 2 + (s[2] == 'x' || s[2] == 'X'), NULL,
	    (s[2] == 'x' || s[2] == 'X') ? 16 : 10);
	if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Is source line idx a closing fence of char c (after container marks)? */
static int
walk_is_fence(const struct lesson_src *src, size_t idx, char c)
{
	const char	*s, *e;
	int		 n = 0;

	if (idx >= src->nlines)
		return 0;
	s = src->base + src->starts[idx];
	e = src->base + src->starts[idx + 1];
	while (s < e && (*s == ' ' || *s == '\t' || *s == '>'))
		s++;
	while (s < e && *s == c)
		s++, n++;
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	return n >= 3 && s == e;
}

/*
 * The file line of a line inside a fenced block that opens another fence
 * of the same kind (at least as long, with a name), or 0.  It means this
 * block was never closed: the other block's closing line closed it.
 */
static unsigned
walk_inner_fence(const struct walk *w)
{
	const char	*s, *e;
	size_t		 i, open = 0;

	s = w->src->base + w->src->starts[w->code_idx];
	e = w->src->base + w->src->starts[w->code_idx + 1];
	while (s < e && (*s == ' ' || *s == '\t' || *s == '>'))
		s++;
	while (s < e && *s == w->fence)
		s++, open++;
	for (i = 0; i < w->nlines; i++) {
		s = w->lines[i];
		while (*s == ' ')
			s++;
		for (e = s; *e == w->fence; e++)
			;
		if ((size_t)(e - s) < open || e - s < 3)
			continue;
		while (*e == ' ')
			e++;
		if (*e != '\0' && (w->fence != '`' || strchr(e, '`') == NULL))
			return w->lines_at[i];
	}
	return 0;
}

/* Refuse a code block named like a parlab block (notes, Run, asks). */
static void
walk_near_fence(struct walk *w)
{
	static const char	*languages = " awk asm none node ";
	char			*near, *pad;

	xasprintf(&pad, " %s ", w->lang);
	near = strstr(languages, pad) == NULL ?
	    lesson_suggest(w->lang, "run ask note pause", ' ') : NULL;
	if (near != NULL)
		lesson_diag(w->d, w->code_line, 1, "unknown block '%c%c%c%s': "
		    "did you mean '%c%c%c%s'? As a code listing its text is "
		    "shown to students", w->fence, w->fence, w->fence, w->lang,
		    w->fence, w->fence, w->fence, near);
	free(near);
	free(pad);
}

/* Finish a code block: check its fence, then keep it or act on it. */
static void
walk_code_end(struct walk *w)
{
	struct lesson_block	*b;
	size_t			 i, close_idx;
	unsigned		 inner;
	int			 open = 0;

	if (w->cl.len > 0) {	/* a last line with no newline */
		w->lines = xreallocarray(w->lines, w->nlines + 1,
		    sizeof *w->lines);
		w->lines_at = xreallocarray(w->lines_at, w->nlines + 1,
		    sizeof *w->lines_at);
		w->lines_at[w->nlines] = w->cl_at;
		w->lines[w->nlines++] = walk_buf_take(&w->cl);
	}
	/* One error at the opening fence; its lines are then not acted on,
	 * so they add no errors of their own. */
	if (w->fence != 0) {
		close_idx = w->code_idx + 1 + w->nlines;
		if ((inner = walk_inner_fence(w)) != 0)
			lesson_diag(w->d, w->code_line, 1, "unterminated %c%c%c "
			    "fence: the fence on line %u opens inside it; close "
			    "this one with a line of %c%c%c", w->fence, w->fence,
			    w->fence, inner, w->fence, w->fence, w->fence);
		if (!walk_is_fence(w->src, close_idx, w->fence) && inner == 0)
			lesson_diag(w->d, w->code_line, 1, "unterminated %c%c%c "
			    "fence: close it with a line of %c%c%c",
			    w->fence, w->fence, w->fence, w->fence, w->fence,
			    w->fence);
		open = inner != 0 || !walk_is_fence(w->src, close_idx, w->fence);
		if (walk_is_fence(w->src, close_idx, w->fence)) {
			w->last = close_idx;
			w->line = lesson_src_lineno(w->src, close_idx);
		}
	}
	if (w->top && w->lang != NULL && lesson_fence_kind(w->lang) < 0)
		walk_near_fence(w);
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
		if (walk_is_fence(w->src, i, w->fence)) {
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
	char	*raw;

	if (n == 1 && *s == '\n') {
		raw = walk_buf_take(&w->cl);
		w->lines = xreallocarray(w->lines, w->nlines + 1,
		    sizeof *w->lines);
		w->lines_at = xreallocarray(w->lines_at, w->nlines + 1,
		    sizeof *w->lines_at);
		w->lines_at[w->nlines] = w->cl_at != 0 ? w->cl_at : w->line;
		w->lines[w->nlines++] = lesson_clean(raw, strlen(raw), 8,
		    NULL);
		free(raw);
		w->cl_at = 0;
		return;
	}
	if (w->cl.len == 0)
		w->cl_at = w->line;
	walk_buf_add(&w->cl, s, n);
}

/* The display width of UTF-8 text, counting code points. */
static size_t
walk_width(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Finish a table: aligned columns as a CODE block, lang "table". */
static void
walk_table_end(struct walk *w)
{
	struct lesson_block	*b;
	struct walk_buf		 out;
	size_t			 width[64], ncols = 0, r, c, k;

	memset(width, 0, sizeof width);
	for (r = 0; r < w->nrows; r++)
		for (c = 0; c < w->ncells[r] && c < 64; c++) {
			if (walk_width(w->rows[r][c]) > width[c])
				width[c] = walk_width(w->rows[r][c]);
			if (c + 1 > ncols)
				ncols = c + 1;
		}
	b = lesson_block_add(w->l, LBLOCK_CODE, w->table_line);
	b->lang = xstrdup("table");
	for (r = 0; r < w->nrows; r++) {
		memset(&out, 0, sizeof out);
		for (c = 0; c < ncols; c++) {
			const char *cell = c < w->ncells[r] ? w->rows[r][c] : "";

			walk_buf_add(&out, cell, strlen(cell));
			for (k = walk_width(cell); c + 1 < ncols &&
			    k < width[c] + 2; k++)
				walk_buf_add(&out, " ", 1);
		}
		b->lines = xreallocarray(b->lines, b->nlines + 2,
		    sizeof *b->lines);
		b->lines[b->nlines++] = walk_buf_take(&out);
		if (r == 0) {	/* rule the header off */
			for (c = 0; c < ncols; c++)
				for (k = 0; k < width[c] + (c + 1 < ncols ?
				    2 : 0); k++)
					walk_buf_add(&out, k < width[c] ?
					    "-" : " ", 1);
			b->lines[b->nlines++] = walk_buf_take(&out);
		}
	}
	for (r = 0; r < w->nrows; r++) {
		for (c = 0; c < w->ncells[r]; c++)
			free(w->rows[r][c]);
		free(w->rows[r]);
	}
	free(w->rows);
	free(w->ncells);
	w->rows = NULL;
	w->ncells = NULL;
	w->nrows = 0;
	w->in_table = 0;
}

/* Finish a raw HTML block: a pause marker, a comment, or ignored HTML. */
static void
walk_html_end(struct walk *w)
{
	char	*s = walk_buf_take(&w->html), *p, *e;
	int	 exact;

	for (p = s; *p == ' ' || *p == '\t' || *p == '\n'; p++)
		;
	for (e = p + strlen(p); e > p && (e[-1] == ' ' || e[-1] == '\n' ||
	    e[-1] == '\r' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	if (strncmp(p, "<!--", 4) == 0) {
		for (p += 4; *p == ' ' || *p == '-'; p++)
			;
		/* "PAUSE" or "pause here" would be a remark, silently. */
		if (strncasecmp(p, "pause", 5) == 0 &&
		    !isalnum((unsigned char)p[5])) {
			exact = strncmp(p, "pause", 5) == 0;
			for (p += 5; *p == ' ' || *p == '-'; p++)
				;
			if (exact && strcmp(p, ">") == 0)
				lesson_block_add(w->l, LBLOCK_PAUSE,
				    w->html_line);
			else
				lesson_diag(w->d, w->html_line, 1, "this comment "
				    "is not a pause: write it '<!-- pause -->', "
				    "in lower case and alone");
		}
		/* Any other comment is the author's own remark. */
	} else
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
		for (n = (unsigned)w->last + (w->line != 0);
		    n < w->src->nlines; n++) {
			const char *s = w->src->base + w->src->starts[n];

			while (*s == ' ' || *s == '\t' || *s == '\r')
				s++;
			if (*s != '\n' && *s != '\0')
				break;
		}
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

/*
 * A heading just ended: if it is text underlined by a "---" line, the
 * author most likely meant a page break (and the pages on either side
 * merge), since a blank line was all it lacked.
 */
static void
walk_setext(struct walk *w)
{
	const char	*s, *e;
	size_t		 idx = w->last + 1;

	if (!w->top || idx >= w->src->nlines)
		return;
	s = w->src->base + w->src->starts[w->last];
	while (*s == ' ')
		s++;
	if (*s == '#')
		return;		/* "## Title": the line below is a break */
	s = w->src->base + w->src->starts[idx];
	e = w->src->base + w->src->starts[idx + 1];
	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '))
		e--;
	if (e - s == 3 && strncmp(s, "---", 3) == 0)
		lesson_diag(w->d, lesson_src_lineno(w->src, idx), 1, "text "
		    "right above '---' makes it a heading's underline, not a "
		    "page break: leave a blank line before '---'");
}

/* md4c: a block ends. */
static int
walk_leave_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct walk	*w = arg;
	size_t		 r;
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
		if (((MD_BLOCK_H_DETAIL *)detail)->level == 2)
			walk_setext(w);
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
			raw = walk_buf_take(&w->cell);
			w->rows[r][w->ncells[r]++] = lesson_clean(raw,
			    strlen(raw), 0, NULL);
			free(raw);
		}
		break;
	case MD_BLOCK_TABLE:
		walk_table_end(w);
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
		walk_buf_add(&w->html, s, n);
		return 0;
	}
	if (type == MD_TEXT_ENTITY) {
		k = walk_entity(s, n, ent);
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
		walk_buf_add(&w->cell, type == MD_TEXT_BR ? " " : s,
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
	size_t		r, c;

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
	for (r = 0; r < w.nrows; r++) {
		for (c = 0; c < w.ncells[r]; c++)
			free(w.rows[r][c]);
		free(w.rows[r]);
	}
	free(w.rows);
	free(w.ncells);
	free(w.cl.s);
	free(w.html.s);
	free(w.cell.s);
	free(w.url);
}
