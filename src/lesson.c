/*
 * lesson.c -- a lesson file becomes a lesson: front matter, pages, blocks.
 *
 * The whole file is parsed into the model (struct lesson -> pages -> blocks
 * -> text runs) before anything is drawn, as mdp does; the TUI only reads
 * it.  Parsing goes in passes over one private copy of the bytes:
 *
 *   1. bytes (lesson-src.c): refuse a file that cannot be text outright,
 *      report long lines, bad UTF-8 and CR-only line ends, and repair them
 *      so the later passes only ever see valid UTF-8 in LF lines;
 *   2. the front matter (`---`, `key: value` lines, `---`), by hand, in
 *      lesson-front.c: it is not Markdown;
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

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

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

/* Are two diagnostics about the same file (NULL: the one being read)? */
static int
lesson_diag_same_file(const struct lesson_diag *a, const struct lesson_diag *b)
{
	if (a->file == NULL || b->file == NULL)
		return a->file == b->file;
	return strcmp(a->file, b->file) == 0;
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
		    lesson_diag_same_file(v[j - 1], t); j--)
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

/* Parse a decimal number ("12", "0.5", "1e3") whatever the locale's point. */
int
lesson_number(const char *s, double *v, const char **end)
{
	const char	*p = s;
	double		 x = 0, scale = 1;
	int		 digits = 0, neg = 0, e = 0, eneg = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; isdigit((unsigned char)*p); p++, digits++)
		x = x * 10 + (*p - '0');
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, digits++) {
			scale /= 10;
			x += (*p - '0') * scale;
		}
	if (digits == 0)
		return -1;
	if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) ||
	    ((p[1] == '-' || p[1] == '+') && isdigit((unsigned char)p[2])))) {
		if (*++p == '-' || *p == '+')
			eneg = *p++ == '-';
		for (; isdigit((unsigned char)*p); p++)
			if (e < 1000)
				e = e * 10 + (*p - '0');
		x *= pow(10, eneg ? -e : e);
	}
	*v = neg ? -x : x;
	*end = p;
	return isfinite(*v) ? 0 : -1;
}

/* The edit distance of a and b, transpositions counting one, case ignored. */
static size_t
lesson_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, c, v;
	size_t	d[65][65];

	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			c = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			v = d[i - 1][j - 1] + c;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/*
 * The name in list (names separated by sep) closest to word, allocated, or
 * NULL if none is close: one edit for a short word, two for a longer one;
 * a name that differs from word only in case is always close.
 */
char *
lesson_suggest(const char *word, const char *list, char sep)
{
	const char	*p, *e;
	char		*name, *best = NULL;
	size_t		 d, best_d, limit = strlen(word) <= 4 ? 1 : 2;

	best_d = limit + 1;
	for (p = list; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		while (*p == sep || *p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != sep; e++)
			;
		if (e == p)
			continue;
		name = xstrndup(p, (size_t)(e - p));
		d = lesson_distance(word, name);
		if (d < best_d && strcmp(word, name) != 0) {
			free(best);
			best = name;
			best_d = d;
		} else
			free(name);
	}
	return best;
}

/* Make every warning an error (`parlab check --strict`). */
void
lesson_diags_strict(struct lesson_diags *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		d->v[i].error = 1;
	d->errors = d->n;
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
	free(b->fallback);
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
	free(b->expect);
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
	free(l->replaces);
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
	struct lesson_block	*b;
	size_t			 i, j, shown, nruns;

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
		for (j = shown = nruns = 0; j < p->nblocks; j++) {
			b = &p->blocks[j];
			shown += lesson_block_visible(b);
			nruns += b->type == LBLOCK_RUN;
		}
		/* A prediction is judged by a run block of its own page:
		 * run: N, else the nearest above, else the first below. */
		for (j = 0; j < p->nblocks; j++) {
			b = &p->blocks[j];
			if (b->type != LBLOCK_ASK || b->predict == NULL)
				continue;
			if (nruns == 0)
				lesson_diag(d, b->line, 1, "a prediction of '%s' "
				    "needs a run block on its page: its figure "
				    "comes from that run", b->predict);
			else if (b->run_ref > 0 && (size_t)b->run_ref > nruns)
				lesson_diag(d, b->line, 1, "run: %d, but this "
				    "page has %zu run block%s", b->run_ref,
				    nruns, nruns == 1 ? "" : "s");
		}
		if (shown == 0)
			lesson_diag(d, p->line, 1, "empty page %zu: it has "
			    "nothing to show", i + 1);
		else if (p->blocks[p->nblocks - 1].type == LBLOCK_PAUSE)
			lesson_diag(d, p->blocks[p->nblocks - 1].line, 0,
			    "a pause at the end of a page reveals nothing");
	}
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
	if (lesson_src_check(copy, len - skip, d) != 0) {
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

/* Read and parse a file, keeping the lesson even if it has errors. */
struct lesson *
lesson_read(const char *path, struct lesson_diags *d)
{
	struct lesson	*l;
	char		*buf;
	size_t		 len;

	if ((buf = lesson_src_read(path, &len, d)) == NULL)
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
