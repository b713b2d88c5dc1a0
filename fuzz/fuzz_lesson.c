/*
 * fuzz_lesson.c -- libFuzzer target for the lesson parser and validator.
 *
 * The input is the bytes of a lesson file.  It goes through lesson_build()
 * (the validator's view: every problem reported) and lesson_parse() (the
 * TUI's: NULL on any error), and the diagnostics are printed as
 * `parlab check` prints them.  ASan and UBSan catch memory errors and
 * leaks; on top of that, invariants that the terminal and the registry
 * rely on abort with a message:
 * - no text in the model (text runs, urls, code, run and note lines, front
 *   matter, knobs) and no diagnostic message holds a C0 control byte other
 *   than a newline, DEL, or a C1 control: a lesson cannot drive the
 *   terminal it is shown on;
 * - every run block names a demo of the registry, and its parameters are
 *   inside their ranges: lesson files configure built-in demos only;
 * - lesson_parse() returns NULL exactly when lesson_build() reported an
 *   error, and lesson_build() returns NULL only with an error reported.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static FILE	*fuzz_sink;

/* Abort: the fuzzer keeps the input. */
static void
fuzz_fail(const char *why, const char *what)
{
	fprintf(stderr, "fuzz_lesson: %s: '%s'\n", why, what ? what : "");
	abort();
}

/* A string that could reach the terminal must hold no control sequence. */
static void
fuzz_clean(const char *s, const char *where)
{
	const unsigned char	*p;

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f ||
		    (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			fuzz_fail(where, s);
	}
}

static void
fuzz_texts(const struct lesson_text *t, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		fuzz_clean(t[i].s, "control byte in a text run");
		fuzz_clean(t[i].url, "control byte in a link");
	}
}

static void
fuzz_lines(char **v, size_t n, const char *where)
{
	size_t	i;

	for (i = 0; i < n; i++)
		fuzz_clean(v[i], where);
}

/* A run block's demo is in the registry and its values are in range. */
static void
fuzz_run_block(const struct lesson_block *b)
{
	const struct demo_class *const	*dc;
	const struct param_value	*v;
	unsigned			 i, k;

	if (b->demo == NULL)
		return;		/* refused, with an error reported */
	for (dc = demo_classes; *dc != NULL && *dc != b->demo; dc++)
		;
	if (*dc == NULL)
		fuzz_fail("a run block names a demo outside the registry",
		    NULL);
	for (i = 0; i < b->params.n; i++) {
		v = &b->params.v[i];
		fuzz_clean(v->text, "control byte in a parameter");
		switch (v->spec->type) {
		case PARAM_INT:
		case PARAM_FLOAT:
			if (v->num < v->spec->min || v->num > v->spec->max)
				fuzz_fail("a parameter out of range", v->text);
			break;
		case PARAM_LIST:
			for (k = 0; k < v->nlist; k++)
				if (v->list[k] < v->spec->min ||
				    v->list[k] > v->spec->max)
					fuzz_fail("a list item out of range",
					    v->text);
			break;
		case PARAM_CHOICE:
			break;
		}
	}
}

/* Walk the whole model. */
static void
fuzz_lesson(const struct lesson *l)
{
	const struct lesson_block	*b;
	size_t				 p, i, c;

	fuzz_clean(l->id, "control byte in the id");
	fuzz_clean(l->title, "control byte in the title");
	fuzz_clean(l->summary, "control byte in the summary");
	fuzz_clean(l->level, "control byte in the level");
	for (p = 0; p < l->npages; p++) {
		for (i = 0; i < l->pages[p].nblocks; i++) {
			b = &l->pages[p].blocks[i];
			fuzz_texts(b->text, b->ntext);
			fuzz_texts(b->explain, b->nexplain);
			for (c = 0; c < b->nchoices; c++)
				fuzz_texts(b->choices[c].text,
				    b->choices[c].ntext);
			fuzz_clean(b->lang, "control byte in a code language");
			fuzz_lines(b->lines, b->nlines,
			    "control byte in a block line");
			fuzz_lines(b->knobs, b->nknobs,
			    "control byte in a knob");
			fuzz_clean(b->predict, "control byte in a prediction");
			if (b->type == LBLOCK_RUN)
				fuzz_run_block(b);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lesson_diags	 d1, d2;
	struct lesson		*l;
	size_t			 i;

	if (fuzz_sink == NULL && (fuzz_sink = fopen("/dev/null", "w")) == NULL)
		abort();
	memset(&d1, 0, sizeof d1);
	l = lesson_build("fuzz.md", (const char *)data, size, &d1);
	if (l == NULL && d1.errors == 0)
		fuzz_fail("lesson_build gave nothing and no error", NULL);
	for (i = 0; i < d1.n; i++)
		fuzz_clean(d1.v[i].msg, "control byte in a diagnostic");
	if (l != NULL)
		fuzz_lesson(l);
	lesson_diags_print(fuzz_sink, "fuzz.md", &d1);
	lesson_destroy(l);

	memset(&d2, 0, sizeof d2);
	l = lesson_parse("fuzz.md", (const char *)data, size, &d2);
	if ((l == NULL) != (d1.errors != 0))
		fuzz_fail("lesson_parse and lesson_build disagree", NULL);
	if (d2.errors != d1.errors)
		fuzz_fail("two parses of the same bytes disagree", NULL);
	lesson_destroy(l);
	lesson_diags_free(&d1);
	lesson_diags_free(&d2);
	return 0;
}
