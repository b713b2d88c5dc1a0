/*
 * lesson-fence.c -- the fenced blocks parlab acts on: run, ask, note, pause.
 *
 * lesson-md.c hands over a fenced block's lines (already cleaned of control
 * characters) with the file line of each.  This file checks them and adds
 * one block to the lesson:
 *
 *   run    "DEMO key=value ..." in the command-line grammar, checked with the
 *          same registry and the same params.c messages as `parlab run`
 *          (lesson-param.c), and optional lines: "knobs: NAME ..." the
 *          parameters a student may turn first, "show: FIGURE ..." the
 *          figures its summary line shows first, "needs: cores>=N"
 *          (lesson-check.c), and "fallback: FILE" a saved run (runfile.c)
 *          to show when it cannot run live;
 *   ask    a question with choices, or a prediction (lesson-ask.c);
 *   note   speaker notes, kept as lines and as one text;
 *   pause  the rest of the page shows on a key;
 *   step   a stepper program and an optional goal (step-load.c).
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "parlab.h"

static const char *const fence_kinds[] = { "run", "ask", "note", "pause",
    "step", NULL };

/* The index of a parlab fence name, or -1 for an ordinary code block. */
int
lesson_fence_kind(const char *lang)
{
	int	i;

	for (i = 0; fence_kinds[i] != NULL; i++)
		if (strcmp(lang, fence_kinds[i]) == 0)
			return i;
	return -1;
}

/* Split a line at blanks into words (the array and each word allocated). */
static char **
fence_words(const char *line, size_t *n)
{
	char		**v = NULL;
	const char	 *s = line, *e;

	*n = 0;
	for (;;) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			return v;
		for (e = s; *e != '\0' && *e != ' '; e++)
			;
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = xstrndup(s, (size_t)(e - s));
		s = e;
	}
}

/* Free words from fence_words(). */
static void
fence_words_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Skip leading blanks. */
const char *
lesson_fence_skip(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* A copy of the lines, for a block to keep. */
static char **
fence_copy(char **lines, size_t n)
{
	char	**v = xreallocarray(NULL, n + 1, sizeof *v);
	size_t	  i;

	for (i = 0; i < n; i++)
		v[i] = xstrdup(lines[i]);
	return v;
}

/* Say that a demo is unknown, listing the demos, as `parlab run` does. */
static void
fence_unknown_demo(struct lesson_diags *d, unsigned line, const char *name)
{
	char	*list = xstrdup(""), *next, *near;
	size_t	 i;

	for (i = 0; demo_classes[i] != NULL; i++) {
		xasprintf(&next, "%s %s", list, demo_classes[i]->name);
		free(list);
		list = next;
	}
	if ((near = lesson_suggest(name, list, ' ')) != NULL)
		lesson_diag(d, line, 1, "unknown demo '%s'; did you mean '%s'? "
		    "demos:%s", name, near, list);
	else
		lesson_diag(d, line, 1, "unknown demo '%s'; demos:%s", name,
		    list);
	free(near);
	free(list);
}

/* The knobs line of a run block: each must be a parameter of the demo. */
static void
fence_knobs(struct lesson_block *b, struct lesson_diags *d, unsigned line,
    const char *rest)
{
	struct params	 tmp;
	char		**w, *kv, *cause, *near;
	size_t		  n, i, k;
	int		  known;

	w = fence_words(rest, &n);
	if (n == 0)
		lesson_diag(d, line, 1, "knobs: names no parameter");
	for (i = 0; i < n; i++) {
		if (strchr(w[i], '=') != NULL) {
			lesson_diag(d, line, 1, "knob '%s': name a parameter, "
			    "without '=' and a value", w[i]);
			continue;
		}
		for (k = 0, known = 0; b->demo != NULL && k < b->params.n; k++)
			known |= strcmp(b->params.v[k].spec->name, w[i]) == 0;
		if (b->demo != NULL && !known) {
			/* params_set words the refusal as the CLI does. */
			tmp = b->params;
			cause = NULL;
			xasprintf(&kv, "%s=", w[i]);
			near = lesson_param_near(b, w[i]);
			if (params_set(&tmp, kv, &cause) != 0 && near != NULL)
				lesson_diag(d, line, 1, "%s: knobs: %s; did "
				    "you mean '%s'?", b->demo->name, cause,
				    near);
			else if (cause != NULL)
				lesson_diag(d, line, 1, "%s: knobs: %s",
				    b->demo->name, cause);
			free(near);
			free(cause);
			free(kv);
			continue;
		}
		for (k = 0; k < b->nknobs; k++)
			if (strcmp(b->knobs[k], w[i]) == 0)
				break;
		if (k < b->nknobs) {
			lesson_diag(d, line, 0, "knob '%s' named twice", w[i]);
			continue;
		}
		b->knobs = xreallocarray(b->knobs, b->nknobs + 1,
		    sizeof *b->knobs);
		b->knobs[b->nknobs++] = xstrdup(w[i]);
	}
	fence_words_free(w, n);
}

/*
 * The fallback line of a run block: a saved run (`parlab run ... --save`)
 * the TUI offers when the demo cannot run live here; relative to the
 * lesson file.  A missing file is a warning: the lesson still works.
 */
static void
fence_fallback(struct lesson *l, struct lesson_block *b,
    struct lesson_diags *d, unsigned line, const char *s)
{
	const char	*slash = strrchr(l->path, '/');

	s = lesson_fence_skip(s);
	if (*s == '\0' || b->fallback != NULL) {
		lesson_diag(d, line, 1, "fallback: %s", *s == '\0' ? "names "
		    "no file (a run saved with `parlab run ... --save FILE`)" :
		    "a run block has one fallback: line");
		return;
	}
	if (*s == '/' || slash == NULL)
		b->fallback = xstrdup(s);
	else
		xasprintf(&b->fallback, "%.*s/%s", (int)(slash - l->path),
		    l->path, s);
	if (access(b->fallback, R_OK) != 0)
		lesson_diag(d, line, 0, "fallback: %s: %s", b->fallback,
		    strerror(errno));
}

/*
 * The show line of a run block: the figures its one-line summary puts
 * first.  Demos do not declare their figures before a run, so each key is
 * checked against figure.c's table of known figures, not the demo's.
 */
static void
fence_show(struct lesson_block *b, struct lesson_diags *d, unsigned line,
    const char *rest)
{
	char	**w;
	size_t	  n, i;

	w = fence_words(rest, &n);
	if (n == 0)
		lesson_diag(d, line, 1, "show: names no figure");
	for (i = 0; i < n; i++) {
		if (!figure_has_label(w[i])) {
			lesson_diag(d, line, 1, "show: '%s' is not a figure "
			    "parlab knows (such as speedup or lost)", w[i]);
			continue;
		}
		b->show = xreallocarray(b->show, b->nshow + 1,
		    sizeof *b->show);
		b->show[b->nshow++] = xstrdup(w[i]);
	}
	fence_words_free(w, n);
}

/* A run block: "DEMO key=value ...", then optionally "knobs: ...". */
static void
fence_run(struct lesson *l, struct lesson_diags *d, char **lines,
    const unsigned *at, size_t n, unsigned line)
{
	struct lesson_block	*b;
	const char		*s;
	char			**w = NULL, *cause, *kv;
	size_t			 i, k, nw = 0, took;
	int			 have_demo = 0, have_knobs = 0, bad;

	b = lesson_block_add(l, LBLOCK_RUN, line);
	b->lines = fence_copy(lines, n);
	b->nlines = n;
	for (i = 0; i < n; i++) {
		s = lesson_fence_skip(lines[i]);
		if (*s == '\0' || *s == '#')
			continue;	/* blank, or the author's comment */
		if (strncmp(s, "needs:", 6) == 0) {
			cause = NULL;
			if (lesson_needs_parse(lesson_fence_skip(s + 6),
			    &b->needs_cores, &cause) != 0)
				lesson_diag(d, at[i], 1, "needs: %s", cause);
			free(cause);
			continue;
		}
		if (strncmp(s, "knobs:", 6) == 0) {
			if (have_knobs++)
				lesson_diag(d, at[i], 1, "a run block has one "
				    "knobs: line");
			else
				fence_knobs(b, d, at[i], s + 6);
			continue;
		}
		if (strncmp(s, "fallback:", 9) == 0) {
			fence_fallback(l, b, d, at[i], s + 9);
			continue;
		}
		if (strncmp(s, "show:", 5) == 0) {
			if (b->nshow > 0)
				lesson_diag(d, at[i], 1, "a run block has one "
				    "show: line");
			else
				fence_show(b, d, at[i], s + 5);
			continue;
		}
		if (have_demo++) {
			lesson_diag(d, at[i], 1, "unexpected line in a run "
			    "block: a run block holds 'DEMO key=value ...' and "
			    "optionally 'knobs: NAME ...' and 'show: FIGURE "
			    "...'");
			continue;
		}
		b->line = at[i];
		w = fence_words(s, &nw);
		if ((b->demo = demo_find(w[0])) == NULL) {
			fence_unknown_demo(d, at[i], w[0]);
			fence_words_free(w, nw);
			continue;
		}
		params_init(&b->params, b->demo->params);
		for (k = 1, bad = 0; k < nw; k += took) {
			took = lesson_param_join(w, nw, k, &kv, d, at[i],
			    b->demo->name);
			bad |= took > 1;
			if (lesson_param_set(b, d, at[i], kv) != 0)
				bad = 1;
			free(kv);
		}
		/* Rules across parameters, as `parlab run` applies them. */
		cause = NULL;
		if (!bad && b->demo->check != NULL &&
		    b->demo->check(&b->params, &cause) != 0)
			lesson_diag(d, at[i], 1, "%s: %s", b->demo->name,
			    cause);
		free(cause);
		if (!bad)
			lesson_param_long(b, d, at[i]);
		fence_words_free(w, nw);
		if (have_knobs)
			lesson_diag(d, at[i], 1, "the knobs: line comes after "
			    "the demo line");
	}
	if (!have_demo)
		lesson_diag(d, line, 1, "empty run block: write 'DEMO "
		    "key=value ...' in it");
}

/* A note block: the lines, and one text with a break per blank line. */
static void
fence_note(struct lesson *l, struct lesson_diags *d, char **lines,
    size_t n, unsigned line)
{
	struct lesson_block	*b;
	struct lesson_text	*t;
	const char		*s;
	size_t			 i, len;
	int			 blank = 0;

	b = lesson_block_add(l, LBLOCK_NOTE, line);
	b->lines = fence_copy(lines, n);
	b->nlines = n;
	for (i = 0; i < n; i++) {
		s = lesson_fence_skip(lines[i]);
		if (*s == '\0') {
			blank = b->ntext > 0;
			continue;
		}
		if (blank || b->ntext == 0) {
			b->text = xreallocarray(b->text, b->ntext + 2,
			    sizeof *b->text);
			if (blank) {
				b->text[b->ntext].s = xstrdup("\n");
				b->text[b->ntext].style = LSTYLE_PLAIN;
				b->text[b->ntext++].url = NULL;
			}
			t = &b->text[b->ntext++];
			t->s = xstrdup(s);
			t->style = LSTYLE_PLAIN;
			t->url = NULL;
			blank = 0;
			continue;
		}
		t = &b->text[b->ntext - 1];
		len = strlen(t->s);
		t->s = xreallocarray(t->s, len + strlen(s) + 2, 1);
		t->s[len] = ' ';
		strcpy(t->s + len + 1, s);
	}
	if (b->ntext == 0)
		lesson_diag(d, line, 0, "empty note");
}

/*
 * Refuse a code block named like a parlab block (notes, Run, asks): as a
 * listing its text would reach the students.  A few real languages are
 * that close (awk, asm) and pass.
 */
void
lesson_fence_near(struct lesson_diags *d, const char *lang, char fence,
    unsigned line)
{
	static const char	*languages = " awk asm none node ";
	char			*near, *pad;

	xasprintf(&pad, " %s ", lang);
	near = strstr(languages, pad) == NULL ?
	    lesson_suggest(lang, "run ask note pause", ' ') : NULL;
	if (near != NULL)
		lesson_diag(d, line, 1, "unknown block '%c%c%c%s': "
		    "did you mean '%c%c%c%s'? As a code listing its text is "
		    "shown to students", fence, fence, fence, lang,
		    fence, fence, fence, near);
	free(near);
	free(pad);
}

/*
 * An HTML comment (p: its text after "<!--"): "<!-- pause -->" is a pause
 * block; "PAUSE" or "pause here" is refused, since it would otherwise be a
 * silent remark; any other comment is the author's own.
 */
void
lesson_fence_comment(struct lesson *l, struct lesson_diags *d, const char *p,
    unsigned line)
{
	int	exact;

	while (*p == ' ' || *p == '-')
		p++;
	if (strncasecmp(p, "pause", 5) != 0 || isalnum((unsigned char)p[5]))
		return;
	exact = strncmp(p, "pause", 5) == 0;
	for (p += 5; *p == ' ' || *p == '-'; p++)
		;
	if (exact && strcmp(p, ">") == 0)
		lesson_block_add(l, LBLOCK_PAUSE, line);
	else
		lesson_diag(d, line, 1, "this comment is not a pause: write it "
		    "'<!-- pause -->', in lower case and alone");
}

/* Add the block a parlab fence stands for (lang is one of fence_kinds). */
void
lesson_fence(struct lesson *l, struct lesson_diags *d, const char *lang,
    char **lines, const unsigned *at, size_t n, unsigned line)
{
	size_t	i;

	switch (lesson_fence_kind(lang)) {
	case 0:
		fence_run(l, d, lines, at, n, line);
		break;
	case 1:
		lesson_ask(l, d, lines, at, n, line);
		break;
	case 2:
		fence_note(l, d, lines, n, line);
		break;
	case 3:
		for (i = 0; i < n; i++)
			if (*lesson_fence_skip(lines[i]) != '\0') {
				lesson_diag(d, at[i], 0, "a pause block holds "
				    "nothing; this text is not shown");
				break;
			}
		lesson_block_add(l, LBLOCK_PAUSE, line);
		break;
	case 4:		/* the stepper's own (step-load.c) */
		step_fence(l, d, lines, at, n, line);
		break;
	}
}
