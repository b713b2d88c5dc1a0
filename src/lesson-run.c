/*
 * lesson-run.c -- `parlab check --run`: a lesson's questions against its
 * own runs.
 *
 * A lesson that parses can still lie: its marked answer may contradict what
 * its demo shows, or a prediction may name a figure the demo never reports
 * (a misspelt `max_lag` passes the parser, and the student's answer is then
 * never checked).  Here every run block is run headless, scaled down, and
 * every question tied to a run is held against it:
 *
 *  - a prediction's figure (predict:) must be a number the run reports;
 *  - an expect: line ("wall_per_longest < 1.3") must hold for the run.
 *
 * A question is tied to the run block its "run: N" names on its page,
 * else the nearest run block above it on its page (the rule the TUI
 * follows), else the first run block of its page (a prediction asked
 * before the run).  A run block or
 * lesson that declares needs: cores>=N is not run where parlab may use
 * fewer cores: a warning says so, and its questions go unchecked rather
 * than fail on a machine that cannot show their point.
 *
 * Runs keep their own scale= and are multiplied by the checker's scale, so
 * the shipped lessons check in well under a minute.  Figures that are
 * ratios (speedups, shares, wall per longest) survive the scaling; a
 * lesson's expect: lines should rest on those.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

struct lesson_run {		/* one run block and its run */
	const struct lesson_block *block;
	size_t		 page;
	struct run	*run;		/* NULL: not run (skipped or failed) */
};

/* The run's figures, "a, b, c", allocated. */
static char *
lesson_run_figures(const struct run *r)
{
	char	*out = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < r->nmetrics; i++) {
		xasprintf(&t, "%s%s%s", out, i ? ", " : "", r->metrics[i].key);
		free(out);
		out = t;
	}
	return out;
}

/* Run one run block at scale times its own scale; NULL with a diagnostic. */
static struct run *
lesson_run_one(const struct lesson *l, const struct lesson_block *b,
    struct lesson_diags *d, double scale, unsigned cores)
{
	struct params	 p = b->params;
	struct run	*r;
	char		 set[64], *cause = NULL;
	int		 needs = b->needs_cores > l->needs_cores ?
			    b->needs_cores : l->needs_cores;

	if (needs > 0 && (unsigned)needs > cores) {
		lesson_diag(d, b->line, 0, "run %s needs %d cores and parlab may "
		    "use %u here: not run, and its questions not checked",
		    b->demo->name, needs, cores);
		return NULL;
	}
	scale *= params_float(&p, "scale");
	snprintf(set, sizeof set, "scale=%.6f", scale < 0.001 ? 0.001 : scale);
	if (params_set(&p, set, &cause) != 0) {
		lesson_diag(d, b->line, 1, "run %s: %s", b->demo->name, cause);
		free(cause);
		return NULL;
	}
	r = run_create(b->demo, &p, 1);
	if (run_execute(r) != 0) {
		lesson_diag(d, b->line, 1, "run %s failed: %s", b->demo->name,
		    r->cause);
		run_destroy(r);
		return NULL;
	}
	return r;
}

/* A figure of a run as a number; -1 if it is missing or not a number. */
static int
lesson_run_number(const struct run *r, const char *key, double *v)
{
	const struct metric	*m;

	if (strcmp(key, "wall_ms") == 0) {
		*v = (double)r->wall_ns / 1e6;
		return 0;
	}
	if ((m = run_metric(r, key)) == NULL)
		return -1;
	switch (m->type) {
	case METRIC_INT:
	case METRIC_BOOL:
		*v = (double)m->i;
		return 0;
	case METRIC_FLOAT:
		*v = m->f;
		return 0;
	default:
		return -1;
	}
}

/* Whether v op w holds. */
static int
lesson_run_holds(double v, enum expect_op op, double w)
{
	switch (op) {
	case EXPECT_LT:
		return v < w;
	case EXPECT_LE:
		return v <= w;
	case EXPECT_GT:
		return v > w;
	case EXPECT_GE:
		return v >= w;
	case EXPECT_EQ:
		return v == w;
	case EXPECT_NE:
		return v != w;
	}
	return 0;
}

/* Check an ask's expect: line against run r (of run block rb). */
static void
lesson_run_expect(const struct lesson_block *b, const struct lesson_run *rb,
    struct lesson_diags *d)
{
	const struct metric	*m;
	struct expect		 e;
	char			*cause = NULL, *figs;
	double			 v;
	int			 holds;

	if (lesson_expect_parse(b->expect, &e, &cause) != 0) {
		free(cause);	/* the parser has said so already */
		return;
	}
	m = run_metric(rb->run, e.figure);
	if (e.word[0] != '\0' && m != NULL && m->type == METRIC_TEXT) {
		holds = (strcmp(m->text, e.word) == 0) == (e.op == EXPECT_EQ);
		if (!holds)
			lesson_diag(d, b->line, 1, "expect: %s does not hold: the "
			    "%s run at line %u gave %s = %s; the marked answer "
			    "contradicts its run", b->expect,
			    rb->block->demo->name, rb->block->line, e.figure,
			    m->text);
		return;
	}
	if (e.word[0] != '\0' || lesson_run_number(rb->run, e.figure,
	    &v) != 0) {
		figs = lesson_run_figures(rb->run);
		lesson_diag(d, b->expect_line, 1, "expect: '%s' is not a %s of "
		    "the %s run at line %u (its figures: %s)", e.figure,
		    e.word[0] != '\0' ? "word figure" : "number figure",
		    rb->block->demo->name, rb->block->line, figs);
		free(figs);
		return;
	}
	if (!lesson_run_holds(v, e.op, e.value))
		lesson_diag(d, b->line, 1, "expect: %s does not hold: the %s run "
		    "at line %u gave %s = %g; the marked answer contradicts its "
		    "run", b->expect, rb->block->demo->name, rb->block->line,
		    e.figure, v);
}

/* Check one ask against the run it is tied to. */
static void
lesson_run_ask(const struct lesson_block *b, const struct lesson_run *rb,
    struct lesson_diags *d)
{
	char	*figs;
	double	 v;

	if (rb->run == NULL)
		return;		/* skipped or failed: said so already */
	if (b->predict != NULL && lesson_run_number(rb->run, b->predict,
	    &v) != 0) {
		figs = lesson_run_figures(rb->run);
		lesson_diag(d, b->line, 1, "predict: '%s' is not a figure of the "
		    "%s run at line %u (its figures: %s)", b->predict,
		    rb->block->demo->name, rb->block->line, figs);
		free(figs);
	}
	if (b->expect != NULL)
		lesson_run_expect(b, rb, d);
}

/*
 * Run every run block of l at scale and check each question tied to a run;
 * problems go to d.  Returns the number of runs made.
 */
int
lesson_run_check(const struct lesson *l, struct lesson_diags *d,
    double scale)
{
	struct lesson_run		*runs = NULL;
	const struct lesson_block	*b;
	size_t				 n = 0, i, j, k, above, first, nr;
	unsigned			 cores = cores_available(NULL);
	int				 made = 0;

	for (i = 0; i < l->npages; i++)
		for (j = 0; j < l->pages[i].nblocks; j++) {
			b = &l->pages[i].blocks[j];
			if (b->type != LBLOCK_RUN || b->demo == NULL)
				continue;
			runs = xreallocarray(runs, n + 1, sizeof *runs);
			runs[n].block = b;
			runs[n].page = i;
			runs[n].run = lesson_run_one(l, b, d, scale, cores);
			made += runs[n++].run != NULL;
		}
	for (i = 0, k = 0; i < l->npages; i++) {
		for (first = k, nr = 0; first + nr < n &&
		    runs[first + nr].page == i; nr++)
			;
		for (j = 0, above = (size_t)-1; j < l->pages[i].nblocks; j++) {
			b = &l->pages[i].blocks[j];
			if (b->type == LBLOCK_RUN && b->demo != NULL) {
				above = k++;	/* runs[] is in block order */
				continue;
			}
			if (b->type != LBLOCK_ASK || (b->predict == NULL &&
			    b->expect == NULL))
				continue;
			if (b->run_ref > 0 && (size_t)b->run_ref <= nr)
				lesson_run_ask(b, &runs[first + (size_t)
				    b->run_ref - 1], d);
			else if (above != (size_t)-1)
				lesson_run_ask(b, &runs[above], d);
			else if (nr > 0)
				lesson_run_ask(b, &runs[first], d);
			else if (b->expect != NULL)
				lesson_diag(d, b->expect_line, 1, "expect: no "
				    "run block on its page to check it "
				    "against: put the ask below its run");
		}
	}
	for (i = 0; i < n; i++)
		run_destroy(runs[i].run);
	free(runs);
	return made;
}
