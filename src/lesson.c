/*
 * lesson.c -- a lesson file becomes a lesson: front matter, pages, blocks.
 *
 * The whole file is parsed into the model (struct lesson -> pages -> blocks
 * -> text runs) before anything is drawn, as mdp does; the TUI only reads
 * it.  Parsing goes in passes over one private copy of the bytes:
 *
 *   1. bytes: refuse a file over 1 MiB or one holding a NUL byte outright
 *      (nothing else is said about it); report each line over 4096 bytes
 *      and each line with invalid UTF-8, and replace bad bytes with '?' so
 *      the later passes only ever see valid UTF-8;
 *   2. the front matter (`---`, `key: value` lines, `---`), by hand: it is
 *      not Markdown;
 *   3. the body, with md4c (lesson-md.c), whose text pointers point into
 *      our copy, so every block gets its source line from a byte offset;
 *      fenced blocks parlab acts on are handed to lesson-fence.c;
 *   4. whole-lesson checks: empty pages, a prediction with no run after it.
 *
 * Every problem becomes a diagnostic with a line number, and parsing goes
 * on, so `parlab check` reports all of them at once.  lesson_build() always
 * returns the lesson it could build (the validator wants its id even when
 * other things are wrong); lesson_parse() returns NULL if there was any
 * error, so the TUI never half-draws a broken lesson.
 *
 * All text that reaches the model has gone through lesson_clean(): no
 * control character or escape sequence survives, so a lesson cannot drive
 * the terminal it is shown on.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parlab.h"

static int	lesson_front_matter(struct lesson *, struct lesson_src *,
		    struct lesson_diags *, size_t *);
static void	lesson_final_checks(struct lesson *, struct lesson_diags *,
		    int);

/* Add a diagnostic (error if error is set, else a warning). */
void
lesson_diag(struct lesson_diags *d, unsigned line, int error,
    const char *fmt, ...)
{
	struct lesson_diag	*g;
	va_list			 ap;

	if (d == NULL)
		return;
	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	g = &d->v[d->n++];
	g->file = NULL;
	g->line = line;
	g->error = error;
	va_start(ap, fmt);
	xvasprintf(&g->msg, fmt, ap);
	va_end(ap);
	if (error)
		d->errors++;
}

/* Print the diagnostics as GNU-style "FILE:LINE: error: ...", by line. */
void
lesson_diags_print(FILE *f, const char *path, const struct lesson_diags *d)
{
	const struct lesson_diag **v;
	const struct lesson_diag  *t;
	const char		  *file;
	size_t			   i, j;

	if (d->n == 0)
		return;
	/* An insertion sort: stable, and files have few problems. */
	v = xreallocarray(NULL, d->n, sizeof *v);
	for (i = 0; i < d->n; i++) {
		t = &d->v[i];
		for (j = i; j > 0 && v[j - 1]->line > t->line &&
		    v[j - 1]->file == t->file; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	for (i = 0; i < d->n; i++) {
		file = v[i]->file != NULL ? v[i]->file : path;
		if (v[i]->line > 0)
			fprintf(f, "%s:%u: ", file, v[i]->line);
		else
			fprintf(f, "%s: ", file);
		fprintf(f, "%s: %s\n", v[i]->error ? "error" : "warning",
		    v[i]->msg);
	}
	free(v);
}

/* Free the diagnostics and empty the list. */
void
lesson_diags_free(struct lesson_diags *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}

/* Free an array of text runs. */
void
lesson_text_free(struct lesson_text *t, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(t[i].s);
		free(t[i].url);
	}
	free(t);
}

/* Free what one block owns (not the block itself). */
void
lesson_block_free(struct lesson_block *b)
{
	size_t	i;

	lesson_text_free(b->text, b->ntext);
	free(b->lang);
	for (i = 0; i < b->nlines; i++)
		free(b->lines[i]);
	free(b->lines);
	for (i = 0; i < b->nknobs; i++)
		free(b->knobs[i]);
	free(b->knobs);
	for (i = 0; i < b->nshow; i++)
		free(b->show[i]);
	free(b->show);
	for (i = 0; i < b->nchoices; i++)
		lesson_text_free(b->choices[i].text, b->choices[i].ntext);
	free(b->choices);
	lesson_text_free(b->explain, b->nexplain);
	free(b->predict);
}

/* Free a lesson and everything in it. */
void
lesson_destroy(struct lesson *l)
{
	size_t	i, j;

	if (l == NULL)
		return;
	for (i = 0; i < l->npages; i++) {
		for (j = 0; j < l->pages[i].nblocks; j++)
			lesson_block_free(&l->pages[i].blocks[j]);
		free(l->pages[i].blocks);
	}
	free(l->pages);
	free(l->path);
	free(l->id);
	free(l->title);
	free(l->summary);
	free(l->level);
	free(l);
}

/* Start a new page at a source line. */
struct lesson_page *
lesson_page_add(struct lesson *l, unsigned line)
{
	struct lesson_page	*p;

	l->pages = xreallocarray(l->pages, l->npages + 1, sizeof *l->pages);
	p = &l->pages[l->npages++];
	memset(p, 0, sizeof *p);
	p->line = line;
	return p;
}

/* Append a zeroed block of a type to the last page (made if none). */
struct lesson_block *
lesson_block_add(struct lesson *l, enum lesson_block_type type,
    unsigned line)
{
	struct lesson_page	*p;
	struct lesson_block	*b;

	if (l->npages == 0)
		lesson_page_add(l, line);
	p = &l->pages[l->npages - 1];
	p->blocks = xreallocarray(p->blocks, p->nblocks + 1,
	    sizeof *p->blocks);
	b = &p->blocks[p->nblocks++];
	memset(b, 0, sizeof *b);
	b->type = type;
	b->line = line;
	b->task = -1;
	return b;
}

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
lesson_utf8_len(const unsigned char *s, size_t n)
{
	size_t		len, i;
	uint32_t	c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

/*
 * Copy n bytes of text without control characters or escape sequences.
 * A tab becomes spaces up to the next multiple of tabs (one space if tabs
 * is 0).  *stripped (if not NULL) is set when anything was removed.
 */
char *
lesson_clean(const char *in, size_t n, int tabs, int *stripped)
{
	const unsigned char	*s = (const unsigned char *)in;
	char			*out = xmalloc(n * (tabs > 0 ? tabs : 1) + 1);
	size_t			 i = 0, o = 0, col = 0, len;

	while (i < n) {
		if (s[i] == '\t') {
			do
				out[o++] = ' ';
			while (tabs > 0 && ++col % tabs != 0);
			i++;
			continue;
		}
		if (s[i] == 0x1b) {
			/* ESC [ ... final, ESC ] ... BEL or ST, ESC x. */
			if (stripped != NULL)
				*stripped = 1;
			i++;
			if (i < n && s[i] == '[') {
				for (i++; i < n && s[i] >= 0x20 && s[i] < 0x40;
				    i++)
					;
				if (i < n && s[i] >= 0x40 && s[i] < 0x7f)
					i++;
			} else if (i < n && (s[i] == ']' || s[i] == 'P' ||
			    s[i] == '_' || s[i] == '^')) {
				for (i++; i < n && s[i] != 0x07 && s[i] != 0x1b;
				    i++)
					;
				if (i < n && s[i] == 0x07)
					i++;
				else if (i + 1 < n && s[i + 1] == '\\')
					i += 2;
			} else if (i < n && s[i] >= 0x20 && s[i] < 0x7f)
				i++;
			continue;
		}
		if (s[i] < 0x20 || s[i] == 0x7f ||
		    (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9f)) {
			/* C0, DEL and C1 (U+0080-U+009F, two bytes). */
			if (stripped != NULL)
				*stripped = 1;
			i += s[i] == 0xc2 ? 2 : 1;
			continue;
		}
		len = lesson_utf8_len(s + i, n - i);
		if (len == 0) {
			out[o++] = '?';
			i++;
		} else {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		}
		col++;
	}
	out[o] = '\0';
	return out;
}

/* Find the line starts of buf; the result has *nlines + 1 entries. */
static size_t *
lesson_line_starts(const char *buf, size_t len, size_t *nlines)
{
	size_t	*starts, n = 1, i, k = 1;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n' && i + 1 < len)
			n++;
	starts = xreallocarray(NULL, n + 1, sizeof *starts);
	starts[0] = 0;
	for (i = 0; i < len; i++)
		if (buf[i] == '\n' && i + 1 < len)
			starts[k++] = i + 1;
	starts[n] = len;
	*nlines = n;
	return starts;
}

/* Make a source over buf: line i (from 0) is file line map[i] or first+i. */
void
lesson_src_init(struct lesson_src *src, const char *buf, size_t len,
    const unsigned *map, unsigned first)
{
	src->base = buf;
	src->len = len;
	src->starts = lesson_line_starts(buf, len, &src->nlines);
	src->map = map;
	src->first = first;
}

/* Free what lesson_src_init() made. */
void
lesson_src_free(struct lesson_src *src)
{
	free(src->starts);
}

/* The index (from 0) of the source line holding byte offset off. */
size_t
lesson_src_index(const struct lesson_src *src, size_t off)
{
	size_t	lo = 0, hi = src->nlines, mid;

	/* The last line whose start is <= off: a binary search. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (src->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The file line of a source line index. */
unsigned
lesson_src_lineno(const struct lesson_src *src, size_t idx)
{
	if (idx >= src->nlines)
		idx = src->nlines - 1;
	return src->map != NULL ? src->map[idx] : src->first + (unsigned)idx;
}

/* The file line of a pointer into the source, or 0 if it points elsewhere. */
unsigned
lesson_src_line(const struct lesson_src *src, const char *p)
{
	if (p == NULL || p < src->base || p > src->base + src->len)
		return 0;
	return lesson_src_lineno(src, lesson_src_index(src,
	    (size_t)(p - src->base)));
}

/*
 * Pass 1: check the bytes.  Returns -1 when the file cannot be a lesson at
 * all (too large, not text); otherwise repairs buf in place.
 */
static int
lesson_check_bytes(char *buf, size_t len, struct lesson_diags *d)
{
	unsigned char	*s = (unsigned char *)buf;
	const char	*nul;
	size_t		 i, start = 0, k, n, bad;
	unsigned	 line = 1;

	if (len > LESSON_MAX_BYTES) {
		lesson_diag(d, 0, 1, "file is too large (%zu bytes; the "
		    "limit is 1 MiB)", len);
		return -1;
	}
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		for (i = 0; buf + i < nul; i++)
			line += buf[i] == '\n';
		lesson_diag(d, line, 1, "not a text file (NUL byte at "
		    "offset %zu)", (size_t)(nul - buf));
		return -1;
	}
	for (i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\n')
			continue;
		if (i - start > LESSON_MAX_LINE)
			lesson_diag(d, line, 1, "line is too long (%zu bytes; "
			    "the limit is %d)", i - start, LESSON_MAX_LINE);
		for (k = start, bad = 0; k < i; k += n) {
			if ((n = lesson_utf8_len(s + k, i - k)) != 0)
				continue;
			if (!bad)
				lesson_diag(d, line, 1, "invalid UTF-8 (byte "
				    "0x%02x at column %zu)", s[k],
				    k - start + 1);
			bad = 1;
			s[k] = '?';
			n = 1;
		}
		start = i + 1;
		line++;
	}
	return 0;
}

/* Is line [s, e) exactly "---" (trailing blanks and a CR allowed)? */
static int
lesson_is_dashes(const char *s, const char *e)
{
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return e - s == 3 && strncmp(s, "---", 3) == 0;
}

/* Is id made of letters, digits, '-' and '_' only? */
static int
lesson_id_ok(const char *id)
{
	const char	*p;

	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return 0;
	return p != id && p - id <= 64;
}

/* Store one front matter "key: value" in the lesson. */
static void
lesson_front_key(struct lesson *l, const char *key, char *value,
    unsigned line, struct lesson_diags *d)
{
	char	**slot = NULL, *end;
	double	  v;
	long	  n;

	if (strcmp(key, "id") == 0) {
		l->id_line = line;
		if (!lesson_id_ok(value)) {
			lesson_diag(d, line, 1, "id '%s' must be 1 to 64 "
			    "letters, digits, '-' or '_'", value);
			free(value);
			return;
		}
		slot = &l->id;
	} else if (strcmp(key, "title") == 0)
		slot = &l->title;
	else if (strcmp(key, "summary") == 0)
		slot = &l->summary;
	else if (strcmp(key, "level") == 0)
		slot = &l->level;
	if (slot != NULL) {
		if (*slot != NULL)
			lesson_diag(d, line, 0, "'%s' given twice; the last "
			    "one counts", key);
		free(*slot);
		*slot = value;
		return;
	}
	if (strcmp(key, "order") == 0) {
		errno = 0;
		n = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0 ||
		    n < 0 || n > 9999)
			lesson_diag(d, line, 1, "order=%s: not a whole number "
			    "from 0 to 9999", value);
		else
			l->order = (int)n;
	} else if (strcmp(key, "autoplay") == 0) {
		errno = 0;
		v = strtod(value, &end);
		if (*value == '\0' || *end != '\0' || errno != 0 ||
		    !isfinite(v) || v < 0 || v > 3600)
			lesson_diag(d, line, 1, "autoplay=%s: not a number of "
			    "seconds from 0 to 3600", value);
		else
			l->autoplay = v;
	} else
		lesson_diag(d, line, 0, "unknown front matter key '%s'; "
		    "known: id, title, summary, order, level, autoplay", key);
	free(value);
}

/*
 * Pass 2: the front matter, a "---" line, "key: value" lines, a "---"
 * line.  *body is set to the offset where the Markdown begins.  Returns
 * -1 if there is none (or it never ends): then nothing more can be said.
 */
static int
lesson_front_matter(struct lesson *l, struct lesson_src *src,
    struct lesson_diags *d, size_t *body)
{
	const char	*s, *e, *colon, *k0, *k1, *v0, *v1;
	char		*key;
	size_t		 i;

	*body = 0;
	s = src->base + src->starts[0];
	e = src->base + src->starts[1];
	if (src->len == 0 || !lesson_is_dashes(s, e - (e > s &&
	    e[-1] == '\n'))) {
		lesson_diag(d, 1, 1, "missing front matter: a lesson starts "
		    "with '---', 'id: ...', 'title: ...', '---'");
		return -1;
	}
	for (i = 1; i < src->nlines; i++) {
		s = src->base + src->starts[i];
		e = src->base + src->starts[i + 1];
		if (lesson_is_dashes(s, e - (e > s && e[-1] == '\n')))
			break;
	}
	if (i >= src->nlines) {
		lesson_diag(d, 1, 1, "unterminated front matter: no closing "
		    "'---' line");
		*body = src->len;
		return -1;
	}
	for (i = 1; i < src->nlines; i++) {
		s = src->base + src->starts[i];
		e = src->base + src->starts[i + 1];
		if (e > s && e[-1] == '\n')
			e--;
		if (lesson_is_dashes(s, e)) {
			*body = src->starts[i + 1];
			return 0;
		}
		for (k0 = s; k0 < e && (*k0 == ' ' || *k0 == '\t'); k0++)
			;
		if (k0 == e || *k0 == '#' || (e - k0 == 1 && *k0 == '\r'))
			continue;	/* a blank line or a comment */
		colon = memchr(k0, ':', (size_t)(e - k0));
		for (k1 = colon; k1 != NULL && k1 > k0 && k1[-1] == ' '; k1--)
			;
		if (colon == NULL || k1 == k0) {
			lesson_diag(d, (unsigned)i + 1, 1, "front matter line is "
			    "not 'key: value'");
			continue;
		}
		for (v0 = colon + 1; v0 < e && (*v0 == ' ' || *v0 == '\t');
		    v0++)
			;
		for (v1 = e; v1 > v0 && (v1[-1] == ' ' || v1[-1] == '\t' ||
		    v1[-1] == '\r'); v1--)
			;
		/* A value may be quoted, as in YAML, to keep a '#' or ':'. */
		if (v1 - v0 >= 2 && (*v0 == '"' || *v0 == '\'') &&
		    v1[-1] == *v0)
			v0++, v1--;
		key = lesson_clean(k0, (size_t)(k1 - k0), 0, NULL);
		lesson_front_key(l, key, lesson_clean(v0, (size_t)(v1 - v0),
		    0, NULL), (unsigned)i + 1, d);
		free(key);
	}
	return -1;	/* not reached: the closing line was found above */
}

/* Does a block show something to a student (a note or pause does not)? */
static int
lesson_block_visible(const struct lesson_block *b)
{
	return b->type != LBLOCK_NOTE && b->type != LBLOCK_PAUSE;
}

/* Pass 4: checks over the whole lesson (front matter ones if it has one). */
static void
lesson_final_checks(struct lesson *l, struct lesson_diags *d, int fm)
{
	struct lesson_page	*p;
	struct lesson_block	*b, *ask = NULL;
	size_t			 i, j, shown;

	if (!fm)
		;	/* already reported as missing front matter */
	else if (l->id_line == 0)
		lesson_diag(d, 1, 1, "missing 'id' in the front matter");
	if (fm && l->title == NULL)
		lesson_diag(d, 1, 1, "missing 'title' in the front matter");
	if (fm && l->summary == NULL)
		lesson_diag(d, 1, 0, "no 'summary' in the front matter; "
		    "the menu shows it");
	for (i = 0; i < l->npages; i++) {
		p = &l->pages[i];
		for (j = shown = 0; j < p->nblocks; j++) {
			b = &p->blocks[j];
			shown += lesson_block_visible(b);
			if (b->type == LBLOCK_ASK && b->predict != NULL)
				ask = b;
			else if (b->type == LBLOCK_RUN)
				ask = NULL;
		}
		if (shown == 0)
			lesson_diag(d, p->line, 1, "empty page %zu: it has "
			    "nothing to show", i + 1);
		else if (p->blocks[p->nblocks - 1].type == LBLOCK_PAUSE)
			lesson_diag(d, p->blocks[p->nblocks - 1].line, 0,
			    "a pause at the end of a page reveals nothing");
	}
	if (ask != NULL)
		lesson_diag(d, ask->line, 1, "a prediction of '%s' needs a "
		    "run block after it: its figure comes from the next run",
		    ask->predict);
}

/*
 * Parse a lesson held in buf (len bytes), reporting every problem into d.
 * Returns the lesson as far as it could be built; NULL only if the bytes
 * cannot be a lesson at all (too large, not text).
 */
struct lesson *
lesson_build(const char *path, const char *buf, size_t len,
    struct lesson_diags *d)
{
	struct lesson		*l;
	struct lesson_src	 src;
	char			*copy;
	size_t			 body, skip = 0;

	if (len > LESSON_MAX_BYTES) {
		lesson_diag(d, 0, 1, "file is too large (%zu bytes; the "
		    "limit is 1 MiB)", len);
		return NULL;
	}
	/* A byte-order mark says nothing a UTF-8 reader needs. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	copy = xmalloc(len - skip + 1);
	memcpy(copy, buf + skip, len - skip);
	copy[len - skip] = '\0';
	if (lesson_check_bytes(copy, len - skip, d) != 0) {
		free(copy);
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	l->path = xstrdup(path != NULL ? path : "-");
	lesson_src_init(&src, copy, len - skip, NULL, 1);
	if (lesson_front_matter(l, &src, d, &body) == 0 || body == 0) {
		lesson_md_walk(&src, body, l, d, 1);
		if (l->npages == 0)
			lesson_page_add(l, lesson_src_line(&src, copy + body));
		lesson_final_checks(l, d, body != 0);
	} else
		lesson_page_add(l, 1);
	lesson_src_free(&src);
	free(copy);
	return l;
}

/* Parse a lesson; NULL (with the reasons in d) if it has any error. */
struct lesson *
lesson_parse(const char *path, const char *buf, size_t len,
    struct lesson_diags *d)
{
	struct lesson	*l;
	size_t		 before = d->errors;

	l = lesson_build(path, buf, len, d);
	if (l != NULL && d->errors != before) {
		lesson_destroy(l);
		return NULL;
	}
	return l;
}

/* Read a whole file of at most LESSON_MAX_BYTES (+1 to see it is over). */
static char *
lesson_slurp(const char *path, size_t *len, struct lesson_diags *d)
{
	struct stat	 st;
	char		*buf;
	size_t		 cap = LESSON_MAX_BYTES + 1, n = 0;
	ssize_t		 got;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK)) == -1) {
		lesson_diag(d, 0, 1, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		lesson_diag(d, 0, 1, "not a regular file");
		close(fd);
		return NULL;
	}
	buf = xmalloc(cap);
	while (n < cap && (got = read(fd, buf + n, cap - n)) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			lesson_diag(d, 0, 1, "cannot read: %s",
			    strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		n += (size_t)got;
	}
	close(fd);
	if (n == cap) {
		lesson_diag(d, 0, 1, "file is too large (%lld bytes; the "
		    "limit is 1 MiB)", (long long)st.st_size);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Read and parse a file, keeping the lesson even if it has errors. */
struct lesson *
lesson_read(const char *path, struct lesson_diags *d)
{
	struct lesson	*l;
	char		*buf;
	size_t		 len;

	if ((buf = lesson_slurp(path, &len, d)) == NULL)
		return NULL;
	l = lesson_build(path, buf, len, d);
	free(buf);
	return l;
}

/* Read and parse a file; NULL (reasons in d) if it has any error. */
struct lesson *
lesson_load(const char *path, struct lesson_diags *d)
{
	struct lesson	*l;
	size_t		 before = d->errors;

	l = lesson_read(path, d);
	if (l != NULL && d->errors != before) {
		lesson_destroy(l);
		return NULL;
	}
	return l;
}
