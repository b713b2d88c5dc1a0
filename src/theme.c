/*
 * theme.c -- colour themes: a role for each part of the screen, a style
 * for each role.
 *
 * The screen never names a colour: it names a role (heading, selected,
 * running, ...) and the theme says how that role looks.  A theme is a small
 * text file in data/themes/, one role a line:
 *
 *	# comment
 *	heading    = yellow default bold
 *	running    = green
 *	selected   = black cyan
 *
 * that is, a foreground, an optional background, then optional attributes
 * (bold, underline, reverse, dim).  Colours are default, the eight names,
 * bright-NAME, or a number 0-255.  Roles a file does not mention keep the
 * built-in default; a file with any error is refused as a whole with
 * FILE:LINE and what was wrong, and the caller keeps the default theme.
 *
 * The state roles are named after trace_states[] (running, wait-lock, ...),
 * so the timeline's one table names them everywhere.
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

#define THEME_MAX_BYTES	(64 * 1024)

static const char *const theme_names[ROLE_STATE] = {
	"normal", "title", "status", "heading", "emphasis", "strong", "code",
	"link", "box", "selected", "dim", "message", "error", "right", "wrong",
	"notes", "axis", "value"
};

static const char *const theme_colours[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

/* The built-in theme, for dark terminals: role, fg, bg, flags. */
static const struct {
	int		role;
	int16_t		fg, bg;
	unsigned	flags;
} theme_builtin[] = {
	{ ROLE_TITLE, 0, 6, THEME_BOLD },
	{ ROLE_STATUS, 0, 7, 0 },
	{ ROLE_HEADING, 3, -1, THEME_BOLD },
	{ ROLE_EMPH, -1, -1, THEME_UNDERLINE },
	{ ROLE_STRONG, -1, -1, THEME_BOLD },
	{ ROLE_CODE, 6, -1, 0 },
	{ ROLE_LINK, 4, -1, THEME_UNDERLINE },
	{ ROLE_BOX, 4, -1, 0 },
	{ ROLE_SELECTED, 0, 6, THEME_REVERSE },
	{ ROLE_DIM, -1, -1, THEME_DIM },
	{ ROLE_MESSAGE, 3, -1, THEME_BOLD },
	{ ROLE_ERROR, 1, -1, THEME_BOLD },
	{ ROLE_RIGHT, 2, -1, THEME_BOLD },
	{ ROLE_WRONG, 1, -1, THEME_BOLD },
	{ ROLE_NOTES, 5, -1, 0 },
	{ ROLE_AXIS, -1, -1, THEME_DIM },
	{ ROLE_VALUE, 3, -1, THEME_BOLD },
	{ ROLE_STATE + STATE_STARTING, 6, -1, 0 },
	{ ROLE_STATE + STATE_RUNNING, 2, -1, 0 },
	{ ROLE_STATE + STATE_WAIT_LOCK, 1, -1, THEME_BOLD },
	{ ROLE_STATE + STATE_IO, 4, -1, THEME_BOLD },
	{ ROLE_STATE + STATE_READY, 3, -1, 0 },
	{ ROLE_STATE + STATE_QUEUE_WAIT, 5, -1, 0 },
	{ ROLE_STATE + STATE_WAIT_GIL, 1, -1, 0 },
};

/* A role's name in theme files, or NULL past the end. */
const char *
theme_role_name(int role)
{
	if (role < 0 || role >= ROLE_COUNT)
		return NULL;
	if (role < ROLE_STATE)
		return theme_names[role];
	return trace_states[role - ROLE_STATE].name;
}

/* Fill t with the built-in theme. */
void
theme_default(struct theme *t)
{
	size_t	i;
	int	r;

	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "default");
	for (r = 0; r < ROLE_COUNT; r++) {
		t->role[r].fg = -1;
		t->role[r].bg = -1;
	}
	for (i = 0; i < sizeof theme_builtin / sizeof theme_builtin[0]; i++) {
		r = theme_builtin[i].role;
		t->role[r].fg = theme_builtin[i].fg;
		t->role[r].bg = theme_builtin[i].bg;
		t->role[r].flags = theme_builtin[i].flags;
	}
}

/* A colour word: 0-255, -1 for default; -3 if it is not a colour. */
static int
theme_colour(const char *w)
{
	char	*end;
	long	 n;
	size_t	 i;
	int	 bright = 0;

	if (strcmp(w, "default") == 0)
		return -1;
	if (isdigit((unsigned char)*w)) {
		errno = 0;
		n = strtol(w, &end, 10);
		return *end == '\0' && errno == 0 && n <= 255 ? (int)n : -3;
	}
	if (strncmp(w, "bright-", 7) == 0) {
		bright = 8;
		w += 7;
	}
	for (i = 0; i < 8; i++)
		if (strcmp(w, theme_colours[i]) == 0)
			return (int)i + bright;
	return -3;
}

/* An attribute word's flag, or 0. */
static unsigned
theme_flag(const char *w)
{
	if (strcmp(w, "bold") == 0)
		return THEME_BOLD;
	if (strcmp(w, "underline") == 0)
		return THEME_UNDERLINE;
	if (strcmp(w, "reverse") == 0)
		return THEME_REVERSE;
	if (strcmp(w, "dim") == 0)
		return THEME_DIM;
	return 0;
}

/* Parse one "role = words" line into t; -1 with a message in *msg. */
static int
theme_line(struct theme *t, char *line, char **msg)
{
	struct theme_style	 st = { -1, -1, 0 };
	char			*eq, *name, *w, *save = NULL;
	int			 role, c, ncolours = 0;
	unsigned		 f;

	if ((eq = strchr(line, '=')) == NULL) {
		xasprintf(msg, "expected 'role = colour ...', not '%s'", line);
		return -1;
	}
	*eq = '\0';
	name = strtok_r(line, " \t", &save);
	if (name == NULL || strtok_r(NULL, " \t", &save) != NULL) {
		xasprintf(msg, "expected one role name before '='");
		return -1;
	}
	for (role = 0; role < ROLE_COUNT; role++)
		if (strcmp(name, theme_role_name(role)) == 0)
			break;
	if (role == ROLE_COUNT || role == ROLE_STATE + STATE_NONE) {
		xasprintf(msg, "unknown role '%s'", name);
		return -1;
	}
	save = NULL;
	for (w = strtok_r(eq + 1, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		if ((f = theme_flag(w)) != 0) {
			st.flags |= f;
			continue;
		}
		if ((c = theme_colour(w)) == -3 || ncolours == 2) {
			xasprintf(msg, "'%s' is not a colour (default, black, "
			    "red, green, yellow, blue, magenta, cyan, white, "
			    "bright-NAME or 0-255) or an attribute (bold, "
			    "underline, reverse, dim)%s", w, c == -3 ? "" :
			    "; at most two colours");
			return -1;
		}
		if (ncolours++ == 0)
			st.fg = (int16_t)c;
		else
			st.bg = (int16_t)c;
	}
	t->role[role] = st;
	return 0;
}

/*
 * Parse a theme file's text over the default theme.  On any error t is
 * left as the default and -1 is returned with "PATH:LINE: why" in *cause.
 */
int
theme_parse(struct theme *t, const char *path, const char *text, char **cause)
{
	const char	*p = text, *nl;
	char		*line, *msg = NULL, *s, *e;
	unsigned	 lineno = 0;

	theme_default(t);
	while (*p != '\0') {
		lineno++;
		nl = strchr(p, '\n');
		line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		p = nl ? nl + 1 : p + strlen(p);
		if ((s = strchr(line, '#')) != NULL)
			*s = '\0';
		for (s = line; isspace((unsigned char)*s); s++)
			;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		if (*s != '\0' && theme_line(t, s, &msg) != 0) {
			xasprintf(cause, "%s:%u: %s", path, lineno, msg);
			free(msg);
			free(line);
			theme_default(t);
			return -1;
		}
		free(line);
	}
	return 0;
}

/*
 * The file of a theme: NAME with a slash is a path; else NAME is looked
 * for in $XDG_DATA_HOME/parlab/themes, the installed themes, and the source
 * tree (when run uninstalled).  NULL if it is nowhere.
 */
char *
theme_find(const char *name)
{
	const char	*xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char		*path;
	int		 i;

	if (strchr(name, '/') != NULL)
		return xstrdup(name);
	for (i = 0; i < 4; i++) {
		path = NULL;
		if (i == 0 && xdg != NULL && *xdg == '/')
			xasprintf(&path, "%s/parlab/themes/%s", xdg, name);
		else if (i == 1 && (xdg == NULL || *xdg != '/') && home != NULL)
			xasprintf(&path, "%s/.local/share/parlab/themes/%s",
			    home, name);
		else if (i == 2)
			xasprintf(&path, "%s/themes/%s", PKGDATADIR, name);
		else if (i == 3)
			xasprintf(&path, "%s/data/themes/%s", PARLAB_SRCDIR,
			    name);
		if (path != NULL && access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return NULL;
}

/*
 * Load theme NAME into t.  On failure t is the default theme and -1 is
 * returned with a message that says what to do.
 */
int
theme_load(struct theme *t, const char *name, char **cause)
{
	FILE	*f;
	char	*path, *text, *msg = NULL;
	size_t	 n;

	theme_default(t);
	if ((path = theme_find(name)) == NULL) {
		xasprintf(cause, "no theme '%s' (themes: default, light, "
		    "contrast); using the default", name);
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s; using the default theme", path,
		    strerror(errno));
		free(path);
		return -1;
	}
	text = xmalloc(THEME_MAX_BYTES + 1);
	n = fread(text, 1, THEME_MAX_BYTES + 1, f);
	fclose(f);
	if (n > THEME_MAX_BYTES || memchr(text, '\0', n) != NULL) {
		xasprintf(cause, "%s: not a theme file (too big or binary); "
		    "using the default theme", path);
		free(text);
		free(path);
		return -1;
	}
	text[n] = '\0';
	if (theme_parse(t, path, text, &msg) != 0) {
		xasprintf(cause, "%s; using the default theme", msg);
		free(msg);
		free(text);
		free(path);
		return -1;
	}
	snprintf(t->name, sizeof t->name, "%s", name);
	free(text);
	free(path);
	return 0;
}
