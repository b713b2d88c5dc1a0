/*
 * lesson-path.c -- where lessons are found: the search path, the lessons
 * on it, and a lesson by id.
 *
 * Lessons are found in directories, first match wins, so a teacher's copy
 * of a lesson shadows (replaces) the shipped one with the same id:
 *   $PARLAB_LESSONS (a colon-separated list), $XDG_DATA_HOME/parlab/lessons
 *   (default ~/.local/share), PKGDATADIR/lessons when installed, and
 *   PARLAB_SRCDIR/lessons when it is not (run from the build tree).
 * Every *.md file in them is a lesson, except README.md; files are read in
 * name order, so of two files with one id in one directory the first name
 * wins, with a warning naming both (that is a mistake, not a replacement).
 */

#include "config.h"

#include <dirent.h>
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

/* Are a and b one file (by device and inode)? */
static int
lesson_same_file(const char *a, const char *b)
{
	struct stat	sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * Add a lesson found in directory dir unless its id is taken: by a lesson
 * of an earlier directory, which it is then said to replace, or of the
 * same one, a warning naming both files.  Returns 1 if it was added.
 */
static int
lesson_found(struct lesson ***v, size_t **dir_of, size_t *n,
    struct lesson *l, size_t dir, struct lesson_diags *d)
{
	struct lesson_diags	one;
	size_t			k;

	for (k = 0; k < *n; k++)
		if (strcmp((*v)[k]->id, l->id) == 0)
			break;
	if (k == *n) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		*dir_of = xreallocarray(*dir_of, *n + 1, sizeof **dir_of);
		(*dir_of)[*n] = dir;
		(*v)[(*n)++] = l;
		return 1;
	}
	if (lesson_same_file((*v)[k]->path, l->path))
		return 0;	/* a directory named twice on the path */
	if ((*dir_of)[k] != dir) {
		if ((*v)[k]->replaces == NULL)
			(*v)[k]->replaces = xstrdup(l->path);
		return 0;
	}
	memset(&one, 0, sizeof one);
	lesson_diag(&one, l->id_line, 0, "duplicate id '%s' in one directory: "
	    "this file is skipped, %s is used", l->id, (*v)[k]->path);
	lesson_diags_move(d, &one, l->path);
	return 0;
}

/*
 * Every lesson on the search path, sorted by order then id.  A lesson with
 * errors is left out and its diagnostics go to d (each naming its file);
 * a lesson whose id an earlier directory already gave is shadowed, and
 * the lesson that shadows it names its file in ->replaces.
 */
struct lesson **
lesson_find_all(size_t *n, struct lesson_diags *d)
{
	struct lesson	**v = NULL, *l;
	struct lesson_diags one;
	char		**dirs, **files;
	size_t		  ndirs, nfiles, i, j, *dir_of = NULL;

	*n = 0;
	dirs = lesson_search_path(&ndirs);
	for (i = 0; i < ndirs; i++) {
		files = lesson_dir_files(dirs[i], &nfiles);
		for (j = 0; j < nfiles; j++) {
			memset(&one, 0, sizeof one);
			l = lesson_load(files[j], &one);
			lesson_diags_move(d, &one, files[j]);
			if (l != NULL && !lesson_found(&v, &dir_of, n, l, i, d))
				lesson_destroy(l);
		}
		for (j = 0; j < nfiles; j++)
			free(files[j]);
		free(files);
		free(dirs[i]);
	}
	free(dirs);
	free(dir_of);
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
