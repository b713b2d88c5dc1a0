/*
 * lesson-ask.c -- a lesson's ask blocks: a question, or a prediction.
 *
 * lesson-fence.c hands over an ask fence's lines with the file line of
 * each.  An ask is a question: paragraphs, then a task list of choices
 * ("- [x]" is right), then "> explanation"; or "predict: METRIC" (with an
 * optional "tolerance: 20%") judged by the run block "run: N" names, else
 * the one above it on the page; either may carry "expect: FIGURE OP VALUE"
 * for `check --run`.  The option lines are taken out (kept blank, so line
 * numbers hold) and the rest is Markdown too, walked by lesson-md.c with
 * line numbers mapped back to the file, so choices can hold `code` and
 * *emphasis*; its blocks are then sorted into question, choices and
 * explanation.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* Move text runs from a block to the end of an array, with a separator. */
static void
ask_take_text(struct lesson_text **v, size_t *n, struct lesson_block *b,
    const char *sep)
{
	size_t	i;

	if (b->ntext == 0)
		return;
	*v = xreallocarray(*v, *n + b->ntext + 1, sizeof **v);
	if (*n > 0 && sep != NULL) {
		(*v)[*n].s = xstrdup(sep);
		(*v)[*n].style = LSTYLE_PLAIN;
		(*v)[(*n)++].url = NULL;
	}
	for (i = 0; i < b->ntext; i++)
		(*v)[(*n)++] = b->text[i];
	free(b->text);
	b->text = NULL;
	b->ntext = 0;
}

/*
 * Parse "tolerance:": "20%" (relative to the figure; "0%" asks for it
 * exactly) or "±0.5" / "+-0.5" (absolute, for figures near 0).  Returns -1
 * for a bare number, whose meaning a reader cannot guess, -2 for anything
 * else that is not a tolerance.  Numbers are read whatever the locale.
 */
static int
ask_tolerance(const char *s, struct lesson_block *b)
{
	const char	*end;
	double		 v;
	int		 abs = 0;

	if (strncmp(s, "\xc2\xb1", 2) == 0 || strncmp(s, "+-", 2) == 0) {
		s = lesson_fence_skip(s + 2);
		abs = 1;
	}
	if (*s == '-' || *s == '+' || lesson_number(s, &v, &end) != 0)
		return -2;
	if (!abs && *lesson_fence_skip(end) == '\0')
		return -1;
	if (!abs && *(end = lesson_fence_skip(end)) == '%')
		end++;
	else if (!abs)
		return -2;
	if (*lesson_fence_skip(end) != '\0' || v < 0 || (!abs && v > 1000))
		return -2;
	b->tolerance = abs ? 0 : v / 100;
	b->tol_abs = abs ? v : 0;
	return 0;
}

/* Is s a metric name: lower-case letters, digits and '_'? */
static int
ask_metric_ok(const char *s)
{
	const char	*p;

	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_'))
			return 0;
	return p != s;
}

/* Refuse a metric name, suggesting its lower-case form if that is one. */
static void
ask_bad_metric(struct lesson_diags *d, unsigned line, const char *name)
{
	char	*lower = xstrdup(name), *p;

	for (p = lower; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (ask_metric_ok(lower))
		lesson_diag(d, line, 1, "predict: '%s' is not a metric name; "
		    "did you mean '%s'?", name, lower);
	else
		lesson_diag(d, line, 1, "predict: '%s' is not a metric name "
		    "(such as speedup or lost)", name);
	free(lower);
}

/*
 * Sort the inner blocks of an ask into question, choices, explanation;
 * returns how many list items were not written as choices.
 */
static size_t
ask_blocks(struct lesson_block *b, struct lesson_diags *d,
    struct lesson *in)
{
	struct lesson_block	*ib;
	struct lesson_choice	*c;
	size_t			 i, bad = 0;

	for (i = 0; in->npages > 0 && i < in->pages[0].nblocks; i++) {
		ib = &in->pages[0].blocks[i];
		switch (ib->type) {
		case LBLOCK_PARA:
			ask_take_text(&b->text, &b->ntext, ib, "\n");
			break;
		case LBLOCK_ITEM:
			if (ib->task < 0) {
				lesson_diag(d, ib->line, 1, "a choice is "
				    "written '- [ ] text' or '- [x] text'");
				bad++;
				break;
			}
			if (ib->ntext == 0)
				lesson_diag(d, ib->line, 1, "a choice has no "
				    "text: write it after '- [ ] '");
			if (b->nchoices == LESSON_MAX_CHOICES)
				lesson_diag(d, ib->line, 1, "an ask has at "
				    "most %d choices (answered with keys 1 to "
				    "%d)",
				    LESSON_MAX_CHOICES, LESSON_MAX_CHOICES);
			b->choices = xreallocarray(b->choices, b->nchoices + 1,
			    sizeof *b->choices);
			c = &b->choices[b->nchoices++];
			memset(c, 0, sizeof *c);
			c->correct = ib->task;
			ask_take_text(&c->text, &c->ntext, ib, NULL);
			break;
		case LBLOCK_QUOTE:
			ask_take_text(&b->explain, &b->nexplain, ib, "\n");
			break;
		case LBLOCK_CODE:
			/* The question box draws text only. */
			lesson_diag(d, ib->line, 1, "an ask cannot hold a code "
			    "listing (it would not be shown): put it above the "
			    "ask");
			break;
		default:
			lesson_diag(d, ib->line, 1, "an ask holds a question, "
			    "choices ('- [ ]', '- [x]') and '> explanation', "
			    "not a heading");
			break;
		}
	}
	return bad;
}

/* An ask's "expect: FIGURE OP VALUE" line, checked by `check --run`. */
static void
ask_expect(struct lesson_block *b, struct lesson_diags *d, unsigned line,
    const char *s)
{
	struct expect	 e;
	char		*cause = NULL;

	if (b->expect != NULL)
		lesson_diag(d, line, 1, "an ask has one expect: line");
	else if (lesson_expect_parse(s, &e, &cause) != 0)
		lesson_diag(d, line, 1, "expect: %s", cause);
	else {
		b->expect = xstrdup(s);
		b->expect_line = line;
	}
	free(cause);
}

/* An ask block: a question with choices, or a numeric prediction. */
void
lesson_ask(struct lesson *l, struct lesson_diags *d, char **lines,
    const unsigned *at, size_t n, unsigned line)
{
	struct lesson_block	*b;
	struct lesson		 in;
	struct lesson_src	 src;
	char			*doc, *p;
	const char		*s;
	size_t			 i, len = 0, k, right = 0, bad;
	unsigned		 tol_line = 0;
	int			 rc;

	b = lesson_block_add(l, LBLOCK_ASK, line);
	b->tolerance = 0.1;
	for (i = 0; i < n; i++)
		len += strlen(lines[i]) + 1;
	doc = p = xmalloc(len + 1);
	for (i = 0; i < n; i++) {
		s = lesson_fence_skip(lines[i]);
		if (strncmp(s, "predict:", 8) == 0) {
			if (b->predict != NULL)
				lesson_diag(d, at[i], 1, "an ask predicts one "
				    "figure");
			free(b->predict);
			b->predict = xstrdup(lesson_fence_skip(s + 8));
			if (!ask_metric_ok(b->predict))
				ask_bad_metric(d, at[i], b->predict);
			s = "";	/* keep the line, for the line numbers */
		} else if (strncmp(s, "expect:", 7) == 0) {
			ask_expect(b, d, at[i], lesson_fence_skip(s + 7));
			s = "";
		} else if (strncmp(s, "tolerance:", 10) == 0) {
			tol_line = at[i];
			s = lesson_fence_skip(s + 10);
			if ((rc = ask_tolerance(s, b)) == -1)
				lesson_diag(d, at[i], 1, "tolerance: '%s' has "
				    "no unit: write '%s%%' (a percentage of "
				    "the figure) or '\xc2\xb1%s' (an absolute "
				    "margin, also '+-%s')", s, s, s, s);
			else if (rc != 0)
				lesson_diag(d, at[i], 1, "tolerance: '%s' is "
				    "not a percentage such as 20%% nor an "
				    "absolute margin such as \xc2\xb1" "0.5 or "
				    "+-0.5", s);
			s = "";
		} else if (strncmp(s, "run:", 4) == 0) {
			/* Which run block of the page judges a prediction. */
			b->run_ref = atoi(lesson_fence_skip(s + 4));
			if (b->run_ref < 1 || b->run_ref > 99 ||
			    strspn(lesson_fence_skip(s + 4), "0123456789") !=
			    strlen(lesson_fence_skip(s + 4)))
				lesson_diag(d, at[i], 1, "run: '%s' is not a run "
				    "block's number on the page (1, 2, ...)",
				    lesson_fence_skip(s + 4));
			s = "";
		} else
			s = lines[i];
		k = strlen(s);
		memcpy(p, s, k);
		p += k;
		*p++ = '\n';
	}
	*p = '\0';
	memset(&in, 0, sizeof in);
	lesson_src_init(&src, doc, (size_t)(p - doc), at, line);
	if (n > 0)
		lesson_md_walk(&src, 0, &in, d, 0);
	bad = ask_blocks(b, d, &in);
	lesson_src_free(&src);
	for (i = 0; in.npages > 0 && i < in.pages[0].nblocks; i++)
		lesson_block_free(&in.pages[0].blocks[i]);
	if (in.npages > 0)
		free(in.pages[0].blocks);
	free(in.pages);
	free(doc);

	for (i = 0; i < b->nchoices; i++)
		right += b->choices[i].correct != 0;
	if (b->ntext == 0)
		lesson_diag(d, line, 1, "ask has no question");
	if (tol_line != 0 && b->predict == NULL)
		lesson_diag(d, tol_line, 1, "tolerance: without predict:");
	if (b->predict != NULL) {
		if (b->nchoices > 0)
			lesson_diag(d, line, 1, "an ask has choices or a "
			    "prediction, not both");
	} else if (b->nchoices == 0)
		lesson_diag(d, line, 1, "ask has no choices: write '- [ ] "
		    "wrong' and '- [x] right' lines, or 'predict: METRIC'");
	else if (right == 0)
		lesson_diag(d, line, 1, "ask has no right answer: mark one "
		    "choice '- [x]'");
	else if (b->nchoices + bad == 1)
		lesson_diag(d, line, 0, "ask has only one choice");
	if (b->nexplain == 0)
		lesson_diag(d, line, 0, "ask has no explanation (a '> ...' "
		    "line shown after answering)");
}
