/*
 * lesson-check.c -- lessons as a set: the validator, the list, the dump.
 *
 * `parlab check FILE...` parses every file with lesson_read() (which keeps
 * going after an error), prints every diagnostic GNU-style, and adds the
 * one check that needs all the files at once: no two share an id.
 * With --run, a lesson without errors also has its runs checked
 * (lesson-run.c).  `parlab list` shows what the search path (lesson-path.c)
 * found.
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define CHECK_DUMP	0x1	/* print the model too */
#define CHECK_STRICT	0x2	/* a warning is an error */
#define CHECK_RUN	0x4	/* run the run blocks, check the asks */

/*
 * Parse "FIGURE OP VALUE" (an ask's expect: line): a figure name, one of
 * < <= > >= == !=, and a number or a word (a word only with == or !=).
 */
int
lesson_expect_parse(const char *s, struct expect *e, char **cause)
{
	static const char *const ops[] = { "<=", ">=", "==", "!=", "<", ">" };
	static const enum expect_op opv[] = { EXPECT_LE, EXPECT_GE, EXPECT_EQ,
	    EXPECT_NE, EXPECT_LT, EXPECT_GT };
	char		 fig[64], op[8], val[64], extra[2], *end;
	size_t		 i, k;

	memset(e, 0, sizeof *e);
	if (sscanf(s, "%63[a-z0-9_] %7[<>=!] %63s %1s", fig, op, val,
	    extra) != 3) {
		xasprintf(cause, "'%s' is not 'FIGURE OP VALUE', such as "
		    "'wall_per_longest < 1.3'", s);
		return -1;
	}
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strcmp(op, ops[i]) == 0)
			break;
	if (i == sizeof ops / sizeof ops[0]) {
		xasprintf(cause, "'%s' is not a comparison: use < <= > >= == "
		    "or !=", op);
		return -1;
	}
	snprintf(e->figure, sizeof e->figure, "%s", fig);
	e->op = opv[i];
	e->value = strtod(val, &end);
	if (*end == '\0' && end != val && isfinite(e->value))
		return 0;
	for (k = 0; val[k] != '\0'; k++)
		if (!((val[k] >= 'a' && val[k] <= 'z') || val[k] == '_'))
			break;
	if (val[k] != '\0' || (e->op != EXPECT_EQ && e->op != EXPECT_NE)) {
		xasprintf(cause, "'%s' is not a number (a word such as 'sum' "
		    "goes with == or != only)", val);
		return -1;
	}
	snprintf(e->word, sizeof e->word, "%s", val);
	return 0;
}

/* Parse "cores>=N" (a needs: line) into *cores. */
int
lesson_needs_parse(const char *s, int *cores, char **cause)
{
	int	n, used = 0;

	if (sscanf(s, " cores >= %d %n", &n, &used) != 1 ||
	    s[used] != '\0' || n < 1 || n > 1024) {
		xasprintf(cause, "'%s' is not 'cores>=N' with N from 1 to "
		    "1024", s);
		return -1;
	}
	*cores = n;
	return 0;
}

/* One pass of `parlab check` over the files; 1 if any error. */
static int
lesson_check_files(int argc, char **argv, int flags)
{
	struct lesson		**v;
	struct lesson_diags	 d;
	size_t			 errors = 0;
	int			 i, k;

	v = xcalloc((size_t)argc, sizeof *v);
	for (i = 0; i < argc; i++) {
		memset(&d, 0, sizeof d);
		v[i] = lesson_read(argv[i], &d);
		/* An id may be given once across the files checked. */
		for (k = 0; v[i] != NULL && v[i]->id != NULL && k < i; k++) {
			if (v[k] == NULL || v[k]->id == NULL ||
			    strcmp(v[k]->id, v[i]->id) != 0)
				continue;
			lesson_diag(&d, v[i]->id_line, 1, "duplicate id '%s' "
			    "(also in %s:%u)", v[i]->id, argv[k],
			    v[k]->id_line);
			break;
		}
		if ((flags & CHECK_RUN) && v[i] != NULL && d.errors == 0)
			lesson_run_check(v[i], &d, LESSON_RUN_SCALE);
		if (flags & CHECK_STRICT)
			lesson_diags_strict(&d);
		lesson_diags_print(stderr, argv[i], &d);
		if ((flags & CHECK_DUMP) && v[i] != NULL)
			lesson_dump(stdout, v[i]);
		errors += d.errors;
		lesson_diags_free(&d);
	}
	for (i = 0; i < argc; i++)
		lesson_destroy(v[i]);
	free(v);
	fflush(stdout);
	return errors > 0 ? 1 : 0;
}

/*
 * parlab check [--dump] [--run] [--strict] [--watch] FILE...: every problem of
 * every file; 1 if any error, 2 for bad usage.
 */
int
lesson_check_main(int argc, char **argv)
{
	int	flags = 0, watch = 0;

	/* --dump shows the model, so authors see what parlab understood;
	 * --run also runs the lesson's demos and checks its questions;
	 * --strict fails on a warning too (for CI); --watch checks again
	 * on every save, until ^C. */
	for (; argc > 0 && strncmp(argv[0], "--", 2) == 0; argc--, argv++) {
		if (strcmp(argv[0], "--dump") == 0)
			flags |= CHECK_DUMP;
		else if (strcmp(argv[0], "--run") == 0)
			flags |= CHECK_RUN;
		else if (strcmp(argv[0], "--strict") == 0)
			flags |= CHECK_STRICT;
		else if (strcmp(argv[0], "--watch") == 0)
			watch = 1;
		else {
			warnx_("check: unknown option '%s'", argv[0]);
			return 2;
		}
	}
	if (argc == 0) {
		warnx_("check needs at least one file");
		return 2;
	}
	if (watch)
		return lesson_watch_check(argc, argv, flags,
		    lesson_check_files);
	return lesson_check_files(argc, argv, flags);
}

/* How many files the errors of d are in. */
static size_t
lesson_diags_files(const struct lesson_diags *d)
{
	size_t	i, k, n = 0;

	for (i = 0; i < d->n; i++) {
		if (!d->v[i].error)
			continue;
		for (k = 0; k < i; k++)
			if (d->v[k].error && d->v[k].file != NULL &&
			    d->v[i].file != NULL &&
			    strcmp(d->v[k].file, d->v[i].file) == 0)
				break;
		n += k == i;
	}
	return n;
}

/*
 * List the lessons on the search path, as text or a JSON array: each with
 * its file and the file it replaces.  1 if a lesson file was refused.
 */
int
lesson_list(FILE *f, int json)
{
	struct lesson		**v;
	struct lesson_diags	 d;
	struct json		 j;
	size_t			 n, i;
	int			 refused;

	memset(&d, 0, sizeof d);
	v = lesson_find_all(&n, &d);
	lesson_diags_print(stderr, "?", &d);
	refused = d.errors > 0;
	if (json) {
		fputc('[', f);
		for (i = 0; i < n; i++) {
			fputs(i == 0 ? "{" : ",{", f);
			j.f = f;
			j.first = 1;
			json_key(&j, "id");
			json_string(f, v[i]->id);
			json_key(&j, "title");
			json_string(f, v[i]->title);
			json_key(&j, "summary");
			json_string(f, v[i]->summary ? v[i]->summary : "");
			json_key(&j, "order");
			fprintf(f, "%d", v[i]->order);
			json_key(&j, "level");
			json_string(f, v[i]->level ? v[i]->level : "");
			json_key(&j, "path");
			json_string(f, v[i]->path);
			json_key(&j, "pages");
			fprintf(f, "%zu", v[i]->npages);
			json_key(&j, "replaces");
			json_string(f, v[i]->replaces ? v[i]->replaces : "");
			fputc('}', f);
		}
		fputc(']', f);
	} else if (n == 0)
		fputs("No lessons found (set PARLAB_LESSONS to a directory "
		    "of lesson files).\n", f);
	else {
		fputs("Lessons (parlab ID):\n", f);
		for (i = 0; i < n; i++) {
			fprintf(f, "  %2d %-16s %s\n     %19s%s\n",
			    v[i]->order, v[i]->id, v[i]->title, "",
			    v[i]->summary ? v[i]->summary : "");
			fprintf(f, "     %19sfile %s\n", "", v[i]->path);
			if (v[i]->replaces != NULL)
				fprintf(f, "     %19sreplaces %s\n", "",
				    v[i]->replaces);
		}
	}
	if (refused)
		fprintf(stderr, "%zu lesson file%s refused: `parlab check "
		    "FILE` says why\n", lesson_diags_files(&d),
		    lesson_diags_files(&d) == 1 ? " was" : "s were");
	lesson_diags_free(&d);
	lesson_free_all(v, n);
	return refused ? 1 : 0;
}

/* Write text runs with their styles marked: _em_ **strong** `code` [a](u). */
static void
lesson_dump_text(FILE *f, const struct lesson_text *t, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		fputs((t[i].style & LSTYLE_LINK) ? "[" : "", f);
		fputs((t[i].style & LSTYLE_STRONG) ? "**" : "", f);
		fputs((t[i].style & LSTYLE_EM) ? "_" : "", f);
		fputs((t[i].style & LSTYLE_CODE) ? "`" : "", f);
		fputs(strcmp(t[i].s, "\n") == 0 ? "\\n" : t[i].s, f);
		fputs((t[i].style & LSTYLE_CODE) ? "`" : "", f);
		fputs((t[i].style & LSTYLE_EM) ? "_" : "", f);
		fputs((t[i].style & LSTYLE_STRONG) ? "**" : "", f);
		if (t[i].style & LSTYLE_LINK)
			fprintf(f, "](%s)", t[i].url ? t[i].url : "");
	}
}

/* Write the model of a lesson, one line per block (for tests and authors). */
void
lesson_dump(FILE *f, const struct lesson *l)
{
	static const char *const names[] = { "heading", "para", "item",
	    "quote", "code", "run", "ask", "note", "pause" };
	const struct lesson_block	*b;
	size_t				 i, j, k;

	fprintf(f, "lesson id=%s title=%s order=%d level=%s autoplay=%g\n",
	    l->id ? l->id : "-", l->title ? l->title : "-", l->order,
	    l->level ? l->level : "-", l->autoplay);
	fprintf(f, "summary=%s\n", l->summary ? l->summary : "-");
	for (i = 0; i < l->npages; i++) {
		fprintf(f, "page %zu line %u\n", i + 1, l->pages[i].line);
		for (j = 0; j < l->pages[i].nblocks; j++) {
			b = &l->pages[i].blocks[j];
			fprintf(f, "%u %s %d", b->line, names[b->type],
			    b->level);
			if (b->type == LBLOCK_ITEM)
				fprintf(f, " %s%d%s", b->ordered ? "#" : "-",
				    b->number, b->task < 0 ? "" :
				    b->task ? " [x]" : " [ ]");
			if (b->lang != NULL)
				fprintf(f, " lang=%s", b->lang);
			if (b->demo != NULL) {
				fprintf(f, " demo=%s", b->demo->name);
				for (k = 0; k < b->params.n; k++)
					if (b->params.v[k].set)
						fprintf(f, " %s=%s",
						    b->params.v[k].spec->name,
						    b->params.v[k].text);
			}
			for (k = 0; k < b->nknobs; k++)
				fprintf(f, " knob=%s", b->knobs[k]);
			if (b->predict != NULL)
				fprintf(f, " predict=%s tolerance=%g",
				    b->predict, b->tolerance);
			if (b->predict != NULL && b->tol_abs > 0)
				fprintf(f, " margin=%g", b->tol_abs);
			fputs(": ", f);
			lesson_dump_text(f, b->text, b->ntext);
			for (k = 0; k < b->nchoices; k++) {
				fputs(b->choices[k].correct ? " [x] " : " [ ] ",
				    f);
				lesson_dump_text(f, b->choices[k].text,
				    b->choices[k].ntext);
			}
			if (b->nexplain > 0) {
				fputs(" > ", f);
				lesson_dump_text(f, b->explain, b->nexplain);
			}
			fputc('\n', f);
			if (b->type == LBLOCK_CODE || b->type == LBLOCK_ASK)
				for (k = 0; k < b->nlines; k++)
					fprintf(f, "  | %s\n", b->lines[k]);
		}
	}
}
