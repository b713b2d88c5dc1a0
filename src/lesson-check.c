/*
 * lesson-check.c -- lessons as a set: the validator, the search path, the
 * list, and finding a lesson by id.
 *
 * `parlab check FILE...` parses every file with lesson_read() (which keeps
 * going after an error), prints every diagnostic GNU-style, and adds the
 * one check that needs all the files at once: no two share an id.  With
 * --run, a lesson without errors also has its runs checked (lesson-run.c).
 *
 * Lessons are found in directories, first match wins, so a teacher's copy
 * of a lesson shadows the shipped one with the same id:
 *   $PARLAB_LESSONS (a colon-separated list), $XDG_DATA_HOME/parlab/lessons
 *   (default ~/.local/share), PKGDATADIR/lessons when installed, and
 *   PARLAB_SRCDIR/lessons when it is not (run from the build tree).
 * Every *.md file in them is a lesson, except README.md.
 */

#include "config.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parlab.h"

/* Is path an existing directory? */
static int
lesson_is_dir(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Add a copy of a directory to a list. */
static void
lesson_path_add(char ***v, size_t *n, char *dir)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = dir;
}

/* The lesson directories, in search order (some may not exist). */
char **
lesson_search_path(size_t *n)
{
	const char	*env, *home;
	char		**v = NULL, *dir, *copy, *p, *save = NULL;

	*n = 0;
	if ((env = getenv("PARLAB_LESSONS")) != NULL && *env != '\0') {
		copy = xstrdup(env);
		for (p = strtok_r(copy, ":", &save); p != NULL;
		    p = strtok_r(NULL, ":", &save))
			lesson_path_add(&v, n, xstrdup(p));
		free(copy);
	}
	if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/') {
		xasprintf(&dir, "%s/parlab/lessons", env);
		lesson_path_add(&v, n, dir);
	} else if ((home = getenv("HOME")) != NULL && *home != '\0') {
		xasprintf(&dir, "%s/.local/share/parlab/lessons", home);
		lesson_path_add(&v, n, dir);
	}
	if (lesson_is_dir(PKGDATADIR "/lessons"))
		lesson_path_add(&v, n, xstrdup(PKGDATADIR "/lessons"));
	else
		lesson_path_add(&v, n, xstrdup(PARLAB_SRCDIR "/lessons"));
	return v;
}

/* Sort lessons by order, then id. */
static int
lesson_cmp(const void *a, const void *b)
{
	const struct lesson	*la = *(struct lesson *const *)a;
	const struct lesson	*lb = *(struct lesson *const *)b;

	if (la->order != lb->order)
		return la->order < lb->order ? -1 : 1;
	return strcmp(la->id, lb->id);
}

/* Sort file names. */
static int
lesson_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.md files of a directory, sorted, as paths. */
static char **
lesson_dir_files(const char *dir, size_t *n)
{
	DIR		*dp;
	struct dirent	*de;
	char		**v = NULL, *path;
	size_t		  len;

	*n = 0;
	if ((dp = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 3, ".md") != 0 ||
		    strcmp(de->d_name, "README.md") == 0 ||
		    de->d_name[0] == '.')
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		lesson_path_add(&v, n, path);
	}
	closedir(dp);
	if (*n > 0)
		qsort(v, *n, sizeof *v, lesson_name_cmp);
	return v;
}

/* Move diagnostics of one file into d, naming the file. */
static void
lesson_diags_move(struct lesson_diags *d, struct lesson_diags *from,
    const char *path)
{
	size_t	i;

	if (d == NULL) {
		lesson_diags_free(from);
		return;
	}
	d->v = xreallocarray(d->v, d->n + from->n, sizeof *d->v);
	for (i = 0; i < from->n; i++) {
		d->v[d->n] = from->v[i];
		if (d->v[d->n].file == NULL)
			d->v[d->n].file = xstrdup(path);
		d->n++;
	}
	d->errors += from->errors;
	free(from->v);
	memset(from, 0, sizeof *from);
}

/*
 * Every lesson on the search path, sorted by order then id.  A lesson with
 * errors is left out and its diagnostics go to d (each naming its file);
 * a lesson whose id an earlier directory already gave is shadowed.
 */
struct lesson **
lesson_find_all(size_t *n, struct lesson_diags *d)
{
	struct lesson	**v = NULL, *l;
	struct lesson_diags one;
	char		**dirs, **files;
	size_t		  ndirs, nfiles, i, j, k;

	*n = 0;
	dirs = lesson_search_path(&ndirs);
	for (i = 0; i < ndirs; i++) {
		files = lesson_dir_files(dirs[i], &nfiles);
		for (j = 0; j < nfiles; j++) {
			memset(&one, 0, sizeof one);
			l = lesson_load(files[j], &one);
			lesson_diags_move(d, &one, files[j]);
			for (k = 0; l != NULL && k < *n; k++)
				if (strcmp(v[k]->id, l->id) == 0)
					break;
			if (l == NULL || k < *n) {
				lesson_destroy(l);
				continue;
			}
			v = xreallocarray(v, *n + 1, sizeof *v);
			v[(*n)++] = l;
		}
		for (j = 0; j < nfiles; j++)
			free(files[j]);
		free(files);
		free(dirs[i]);
	}
	free(dirs);
	if (*n > 0)
		qsort(v, *n, sizeof *v, lesson_cmp);
	return v;
}

/* Free what lesson_find_all() returned. */
void
lesson_free_all(struct lesson **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		lesson_destroy(v[i]);
	free(v);
}

/*
 * The file of a lesson named by path or by id, or NULL.  A name with a '/'
 * or ending in ".md" is a path; otherwise the first file on the search
 * path with that id, even one with errors (so the TUI can say what they
 * are), and failing that a file path in the current directory.
 */
char *
lesson_resolve(const char *name)
{
	struct lesson		*l;
	struct lesson_diags	 d;
	struct stat		 st;
	char			**dirs, **files, *found = NULL;
	size_t			 ndirs, nfiles, i, j, len = strlen(name);

	if (strchr(name, '/') != NULL || (len > 3 &&
	    strcmp(name + len - 3, ".md") == 0))
		return stat(name, &st) == 0 ? xstrdup(name) : NULL;
	dirs = lesson_search_path(&ndirs);
	for (i = 0; i < ndirs; i++) {
		files = lesson_dir_files(dirs[i], &nfiles);
		for (j = 0; j < nfiles; j++) {
			memset(&d, 0, sizeof d);
			l = found == NULL ? lesson_read(files[j], &d) : NULL;
			if (l != NULL && l->id != NULL &&
			    strcmp(l->id, name) == 0)
				found = xstrdup(files[j]);
			lesson_destroy(l);
			lesson_diags_free(&d);
			free(files[j]);
		}
		free(files);
		free(dirs[i]);
	}
	free(dirs);
	if (found == NULL && stat(name, &st) == 0 && S_ISREG(st.st_mode))
		found = xstrdup(name);
	return found;
}

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

/*
 * parlab check [--dump] [--run] FILE...: every problem of every file; 1 if
 * any error.
 */
int
lesson_check_main(int argc, char **argv)
{
	struct lesson		**v;
	struct lesson_diags	 d;
	size_t			 errors = 0;
	int			 i, k, dump = 0, run = 0;

	/* --dump shows the model, so authors see what parlab understood;
	 * --run also runs the lesson's demos and checks its questions. */
	for (; argc > 0; argc--, argv++)
		if (strcmp(argv[0], "--dump") == 0)
			dump = 1;
		else if (strcmp(argv[0], "--run") == 0)
			run = 1;
		else
			break;
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
		if (run && v[i] != NULL && d.errors == 0)
			lesson_run_check(v[i], &d, LESSON_RUN_SCALE);
		lesson_diags_print(stderr, argv[i], &d);
		if (dump && v[i] != NULL)
			lesson_dump(stdout, v[i]);
		errors += d.errors;
		lesson_diags_free(&d);
	}
	for (i = 0; i < argc; i++)
		lesson_destroy(v[i]);
	free(v);
	return errors > 0 ? 1 : 0;
}

/* List the lessons on the search path, as text or a JSON array. */
int
lesson_list(FILE *f, int json)
{
	struct lesson		**v;
	struct lesson_diags	 d;
	struct json		 j;
	size_t			 n, i;

	memset(&d, 0, sizeof d);
	v = lesson_find_all(&n, &d);
	lesson_diags_print(stderr, "?", &d);
	lesson_diags_free(&d);
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
			fputc('}', f);
		}
		fputc(']', f);
	} else if (n == 0)
		fputs("No lessons found (set PARLAB_LESSONS to a directory "
		    "of lesson files).\n", f);
	else {
		fputs("Lessons (parlab ID):\n", f);
		for (i = 0; i < n; i++)
			fprintf(f, "  %2d %-16s %s\n     %19s%s\n",
			    v[i]->order, v[i]->id, v[i]->title, "",
			    v[i]->summary ? v[i]->summary : "");
	}
	lesson_free_all(v, n);
	return 0;
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
