/*
 * step-load.c -- where step programs come from: built-in files, paths given
 * by an instructor, and the ```step blocks of lessons.
 *
 * Built-in programs are data/step/NAME.step, found like themes: the user's
 * data directory ($XDG_DATA_HOME/parlab/step or ~/.local/share/parlab/step,
 * so an instructor's file can replace a shipped one), then PKGDATADIR/step
 * when installed, then the source tree when parlab runs uninstalled.
 *
 * A lesson's step block names a program and may set a goal:
 *
 *     ```step
 *     racy-counter
 *     goal: value == 1
 *     ```
 *
 * `parlab check` loads the program and parses the goal, so a lesson never
 * opens a stepper that cannot start; the block is kept as a code block of
 * language "step" so that no other part of the lesson model changes.
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

#define STEP_MAX_BYTES	(64 * 1024)	/* a larger program file is refused */

/* The directories holding built-in programs, most specific first. */
static char *
step_dir(int i)
{
	const char	*xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char		*path = NULL;

	if (i == 0 && xdg != NULL && *xdg == '/')
		xasprintf(&path, "%s/parlab/step", xdg);
	else if (i == 1 && (xdg == NULL || *xdg != '/') && home != NULL)
		xasprintf(&path, "%s/.local/share/parlab/step", home);
	else if (i == 2)
		path = xstrdup(PKGDATADIR "/step");
	else if (i == 3)
		path = xstrdup(PARLAB_SRCDIR "/data/step");
	return path;
}

/* The path of program NAME (a built-in name or a path), or NULL. */
char *
step_find(const char *name)
{
	char	*dir, *path;
	int	 i;

	if (strchr(name, '/') != NULL || strstr(name, ".step") != NULL)
		return access(name, R_OK) == 0 ? xstrdup(name) : NULL;
	for (i = 0; i < 4; i++) {
		if ((dir = step_dir(i)) == NULL)
			continue;
		xasprintf(&path, "%s/%s.step", dir, name);
		free(dir);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return NULL;
}

/* The names of the built-in programs, sorted, each once. */
char **
step_builtins(size_t *n)
{
	struct dirent	*de;
	DIR		*d;
	char		**v = NULL, *dir, *name;
	size_t		 i, len;
	int		 k;

	*n = 0;
	for (k = 0; k < 4; k++) {
		if ((dir = step_dir(k)) == NULL)
			continue;
		d = opendir(dir);
		free(dir);
		while (d != NULL && (de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (len <= 5 || de->d_name[0] == '.' ||
			    strcmp(de->d_name + len - 5, ".step") != 0)
				continue;
			name = xstrndup(de->d_name, len - 5);
			for (i = 0; i < *n && strcmp(v[i], name) != 0; i++)
				;
			if (i < *n) {
				free(name);
				continue;
			}
			v = xreallocarray(v, *n + 1, sizeof *v);
			for (i = *n; i > 0 && strcmp(v[i - 1], name) > 0; i--)
				v[i] = v[i - 1];
			v[i] = name;
			(*n)++;
		}
		if (d != NULL)
			closedir(d);
	}
	return v;
}

/* Load program NAME (built-in or a path); NULL with cause if it fails. */
struct step_program *
step_load(const char *name, char **cause)
{
	struct step_program	*p;
	FILE			*f;
	char			*path, *text, *base, *dot;
	size_t			 n;

	if ((path = step_find(name)) == NULL) {
		xasprintf(cause, "no step program '%s' (built in: `parlab step "
		    "--list`; or give a path to a .step file)", name);
		return NULL;
	}
	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	text = xmalloc(STEP_MAX_BYTES + 1);
	n = fread(text, 1, STEP_MAX_BYTES + 1, f);
	fclose(f);
	if (n > STEP_MAX_BYTES) {
		xasprintf(cause, "%s: error: larger than %d bytes", path,
		    STEP_MAX_BYTES);
		free(text);
		free(path);
		return NULL;
	}
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	base = xstrdup(base);
	if ((dot = strstr(base, ".step")) != NULL && dot[5] == '\0')
		*dot = '\0';
	p = step_parse(base, path, text, n, cause);
	free(base);
	free(text);
	free(path);
	return p;
}

/* Skip blanks. */
static const char *
step_skip(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * Load the program and goal of a step block's lines (a program name, then
 * an optional `goal: GOAL`).  On failure, -1 with cause and *bad the index
 * of the line at fault.
 */
static int
step_block_lines(char *const *lines, size_t n, struct step_program **pp,
    struct step_goal *g, size_t *bad, char **cause)
{
	const char	*s, *name = NULL;
	size_t		 i, name_at = 0, goal_at = 0;
	const char	*goal = NULL;

	*pp = NULL;
	*bad = 0;
	for (i = 0; i < n; i++) {
		s = step_skip(lines[i]);
		if (*s == '\0')
			continue;
		if (strncmp(s, "goal:", 5) == 0 && name != NULL &&
		    goal == NULL) {
			goal = step_skip(s + 5);
			goal_at = i;
		} else if (name == NULL) {
			name = s;
			name_at = i;
		} else {
			*bad = i;
			xasprintf(cause, "a step block is a program name, then "
			    "an optional `goal: GOAL`; not '%s'", s);
			return -1;
		}
	}
	if (name == NULL) {
		xasprintf(cause, "an empty step block: name a program, like "
		    "racy-counter");
		return -1;
	}
	*bad = name_at;
	if ((*pp = step_load(name, cause)) == NULL)
		return -1;
	*g = (*pp)->goal;
	g->text = (*pp)->goal.text != NULL ? xstrdup((*pp)->goal.text) : NULL;
	if (goal != NULL) {
		free(g->text);
		if (step_goal_parse(*pp, goal, g, cause) != 0) {
			*bad = goal_at;
			step_program_free(*pp);
			*pp = NULL;
			return -1;
		}
	}
	return 0;
}

/* The program and goal of lesson block b (a code block of lang "step"). */
int
step_block_parse(const struct lesson_block *b, struct step_program **pp,
    struct step_goal *g, char **cause)
{
	size_t	bad;

	return step_block_lines(b->lines, b->nlines, pp, g, &bad, cause);
}

/* Check a ```step fence of a lesson and add it as a code block "step". */
void
step_fence(struct lesson *l, struct lesson_diags *d, char **lines,
    const unsigned *at, size_t n, unsigned line)
{
	struct lesson_block	*b;
	struct step_program	*p;
	struct step_goal	 g;
	char			*cause = NULL;
	size_t			 i, bad;

	if (step_block_lines(lines, n, &p, &g, &bad, &cause) != 0) {
		lesson_diag(d, n > 0 ? at[bad] : line, 1, "%s", cause);
		free(cause);
		return;
	}
	free(g.text);
	step_program_free(p);
	b = lesson_block_add(l, LBLOCK_CODE, line);
	b->lang = xstrdup("step");
	b->lines = xreallocarray(NULL, n ? n : 1, sizeof *b->lines);
	for (i = 0; i < n; i++)
		b->lines[i] = xstrdup(lines[i]);
	b->nlines = n;
}
