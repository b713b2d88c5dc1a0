/*
 * compare.c -- real CPython beside the model: running a demo's twin.
 *
 * Every demo stands for a small Python program; data/python/twin_DEMO.py is
 * that program.  compare_python() runs it with the run's parameters as
 * key=value words (the twin uses those that map and ignores the rest),
 * reads the one JSON object it prints last, and keeps, under the run, the
 * figures whose keys the run itself reported (plus wall_ms and CPython's
 * version): the exports then print them beside parlab's, as a "cpython"
 * object in the JSON and a column in the text summary.
 *
 * The interpreter is $PARLAB_PYTHON, else python3 on the PATH.  The twin
 * runs in a process group of its own, so the workers a multiprocessing
 * twin starts go with it: the group is killed when the run is asked to stop
 * (SIGINT; in the TUI, where a thread of tui-twin.c runs this, P, x, a
 * page change or q) and after the twin exits, and the child gets SIGKILL
 * if the thread that started it dies with parlab (PR_SET_PDEATHSIG).  No
 * process is left.
 *
 * A twin that cannot do what the parameters ask (sync=atomic: CPython has
 * no atomic increment) exits 3 with one line on stderr, which becomes the
 * cause.  Without Python, the cause says so; the caller prints it, and
 * nothing else changes.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parlab.h"

#define COMPARE_MAX_OUT	(1024 * 1024)	/* bytes of twin output kept */
#define COMPARE_POLL_MS	50		/* how soon a stop is seen */

extern char	**environ;

/*
 * The twin's environment: ours, and no .pyc litter.  Built before the
 * fork: in the TUI other threads run, so the child may only make calls
 * that are safe after fork() (no malloc, no setenv).
 */
static char **
compare_env(void)
{
	static char	 nopyc[] = "PYTHONDONTWRITEBYTECODE=1";
	char		**env;
	size_t		  n = 0, i, k = 0;

	while (environ[n] != NULL)
		n++;
	env = xcalloc(n + 2, sizeof *env);
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "PYTHONDONTWRITEBYTECODE=", 24) != 0)
			env[k++] = environ[i];
	env[k] = nopyc;
	return env;
}

/* The Python interpreter to run, allocated, or NULL if there is none. */
static char *
compare_python_path(void)
{
	const char	*env = getenv("PARLAB_PYTHON"), *path;
	char		*copy, *dir, *save = NULL, *found = NULL, *cand;

	if (env != NULL && *env != '\0')
		return access(env, X_OK) == 0 ? xstrdup(env) : NULL;
	if ((path = getenv("PATH")) == NULL)
		return NULL;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir != NULL && found == NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		xasprintf(&cand, "%s/python3", *dir ? dir : ".");
		if (access(cand, X_OK) == 0)
			found = cand;
		else
			free(cand);
	}
	free(copy);
	return found;
}

/* The twin script of a demo, allocated, or NULL if it has none. */
static char *
compare_twin_path(const char *demo)
{
	struct stat	 st;
	char		*p;

	xasprintf(&p, "%s/python/twin_%s.py", PKGDATADIR, demo);
	if (stat(p, &st) == 0)
		return p;
	free(p);
	xasprintf(&p, "%s/data/python/twin_%s.py", PARLAB_SRCDIR, demo);
	if (stat(p, &st) == 0)
		return p;
	free(p);
	return NULL;
}

/* Free a comparison. */
void
compare_free(struct compare *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].ints);
		free(c->v[i].text);
	}
	free(c->v);
	free(c->version);
	free(c);
}

/* A figure of the comparison by name, or NULL. */
const struct metric *
compare_metric(const struct compare *c, const char *key)
{
	size_t	i;

	for (i = 0; c != NULL && i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0)
			return &c->v[i];
	return NULL;
}

/* Skip blanks. */
static const char *
compare_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* A JSON string without escapes at s (after its quote), allocated. */
static const char *
compare_string(const char *s, char **out)
{
	const char	*end = strchr(s, '"');

	if (end == NULL)
		return NULL;
	*out = xmalloc((size_t)(end - s) + 1);
	memcpy(*out, s, (size_t)(end - s));
	(*out)[end - s] = '\0';
	return end + 1;
}

/*
 * One value of the twin's flat JSON object into m; returns the text after
 * it, or NULL if it is not a value a twin prints.  A list of words (the
 * twin's "mapped") becomes text.
 */
static const char *
compare_value(const char *s, struct metric *m)
{
	char	*end, *word;
	double	 v;

	s = compare_ws(s);
	if (*s == '"') {
		m->type = METRIC_TEXT;
		return compare_string(s + 1, &m->text);
	}
	if (strncmp(s, "true", 4) == 0 || strncmp(s, "false", 5) == 0) {
		m->type = METRIC_BOOL;
		m->i = *s == 't';
		return s + (*s == 't' ? 4 : 5);
	}
	if (*s == '[') {
		m->type = METRIC_INTS;
		for (s = compare_ws(s + 1); *s != ']'; s = compare_ws(s)) {
			if (*s == '"') {	/* words: kept as text */
				if ((s = compare_string(s + 1, &word)) == NULL)
					return NULL;
				free(word);
			} else {
				v = strtod(s, &end);
				if (end == s)
					return NULL;
				m->ints = xreallocarray(m->ints, m->nints + 1,
				    sizeof *m->ints);
				m->ints[m->nints++] = (int64_t)v;
				s = end;
			}
			s = compare_ws(s);
			if (*s == ',')
				s++;
			else if (*s != ']')
				return NULL;
		}
		return s + 1;
	}
	v = strtod(s, &end);
	if (end == s)
		return NULL;
	if (strcspn(s, ".eE") < (size_t)(end - s)) {
		m->type = METRIC_FLOAT;
		m->f = v;
	} else {
		m->type = METRIC_INT;
		m->i = (int64_t)v;
	}
	return end;
}

/*
 * Keep from the twin's JSON object the figures the run also reported (and
 * wall_ms, version); -1 if the text is not such an object.
 */
static int
compare_parse(struct compare *c, const struct run *r, const char *s)
{
	struct metric	 m;
	char		*key;

	if (*(s = compare_ws(s)) != '{')
		return -1;
	for (s = compare_ws(s + 1); *s == '"'; s = compare_ws(s)) {
		if ((s = compare_string(s + 1, &key)) == NULL)
			return -1;
		s = compare_ws(s);
		memset(&m, 0, sizeof m);
		if (*s++ != ':' || (s = compare_value(s, &m)) == NULL) {
			free(key);
			free(m.ints);
			free(m.text);
			return -1;
		}
		if (strcmp(key, "version") == 0 && m.type == METRIC_TEXT) {
			free(c->version);
			c->version = m.text;
			free(key);
		} else if (strcmp(key, "wall_ms") == 0 ||
		    run_metric(r, key) != NULL) {
			m.key = key;
			c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
			c->v[c->n++] = m;
		} else {
			free(key);
			free(m.ints);
			free(m.text);
		}
		s = compare_ws(s);
		if (*s == ',')
			s = compare_ws(s + 1);
	}
	return *s == '}' && c->version != NULL ? 0 : -1;
}

/* Start the twin with the run's parameters, its output on *fd. */
static pid_t
compare_spawn(const char *python, const char *twin, const struct run *r,
    int *fd, char **cause)
{
	char	**argv, **env, *failed;
	int	  pfd[2], nul;
	unsigned  i;
	pid_t	  pid;

	/* Close-on-exec: a demo forking meanwhile must not hold the pipe. */
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		xasprintf(cause, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	argv = xcalloc(r->params.n + 3, sizeof *argv);
	argv[0] = (char *)python;
	argv[1] = (char *)twin;
	for (i = 0; i < r->params.n; i++)
		xasprintf(&argv[i + 2], "%s=%s", r->params.v[i].spec->name,
		    r->params.v[i].text);
	env = compare_env();
	xasprintf(&failed, "cannot run %s\n", python);
	/* Not the terminal: the TUI reads it. */
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if ((pid = fork()) == 0) {
		/* The twin and its workers: one group, gone with parlab. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (nul != -1)
			dup2(nul, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execve(python, argv, env);
		(void)!write(2, failed, strlen(failed));
		_exit(127);
	}
	free(failed);
	free(env);
	if (nul != -1)
		close(nul);
	for (i = 0; i < r->params.n; i++)
		free(argv[i + 2]);
	free(argv);
	close(pfd[1]);
	if (pid == -1) {
		close(pfd[0]);
		xasprintf(cause, "cannot fork: %s", strerror(errno));
		return -1;
	}
	setpgid(pid, pid);	/* whichever of the two runs first */
	*fd = pfd[0];
	return pid;
}

/*
 * Read the twin's output until it ends, or kill its group if the run is
 * asked to stop; returns its exit status (-1 if stopped or killed).
 */
static int
compare_collect(struct run *r, pid_t pid, int fd, char **out, size_t *len)
{
	struct pollfd	 p = { .fd = fd, .events = POLLIN };
	char		 buf[4096];
	ssize_t		 n;
	int		 st, stopped = 0;

	*out = xmalloc(COMPARE_MAX_OUT + 1);
	*len = 0;
	for (;;) {
		if (run_stopping(r)) {
			kill(-pid, SIGKILL);
			stopped = 1;
			break;
		}
		if (poll(&p, 1, COMPARE_POLL_MS) <= 0)
			continue;
		if ((n = read(fd, buf, sizeof buf)) == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (*len + (size_t)n > COMPARE_MAX_OUT)
			n = (ssize_t)(COMPARE_MAX_OUT - *len);
		memcpy(*out + *len, buf, (size_t)n);
		*len += (size_t)n;
	}
	(*out)[*len] = '\0';
	close(fd);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	kill(-pid, SIGKILL);	/* workers the twin left behind */
	if (stopped || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* The last non-empty line of text (modified in place). */
static char *
compare_last_line(char *text)
{
	char	*nl, *line = text;

	while (*text != '\0') {
		if ((nl = strchr(text, '\n')) == NULL)
			nl = text + strlen(text);
		if (nl > text)
			line = text;
		if (*nl == '\0')
			break;
		*nl = '\0';
		text = nl + 1;
	}
	return line;
}

/*
 * Run the CPython twin of r's demo with r's parameters and keep its
 * figures in r->cpython; -1 with a cause (no Python, no twin, a refusal,
 * a failure) and nothing kept.
 */
int
compare_python(struct run *r, char **cause)
{
	struct compare	*c;
	char		*python, *twin, *out, *line;
	size_t		 len;
	pid_t		 pid;
	int		 fd, st;

	if ((python = compare_python_path()) == NULL) {
		*cause = xstrdup(getenv("PARLAB_PYTHON") != NULL ?
		    "PARLAB_PYTHON is not an executable: no CPython figures" :
		    "no python3 found "
		    "on the PATH (set PARLAB_PYTHON): no CPython figures");
		return -1;
	}
	if ((twin = compare_twin_path(r->cls->name)) == NULL) {
		xasprintf(cause, "no CPython twin of %s installed",
		    r->cls->name);
		free(python);
		return -1;
	}
	pid = compare_spawn(python, twin, r, &fd, cause);
	free(python);
	free(twin);
	if (pid == -1)
		return -1;
	st = compare_collect(r, pid, fd, &out, &len);
	line = compare_last_line(out);
	c = xcalloc(1, sizeof *c);
	if (st != 0 || compare_parse(c, r, line) != 0) {
		if (st == -1)
			*cause = xstrdup("stopped");
		else
			xasprintf(cause, "the CPython twin of %s %s: %s",
			    r->cls->name, st == 3 ? "cannot run this" :
			    "failed", *line ? line : "no output");
		compare_free(c);
		free(out);
		return -1;
	}
	free(out);
	compare_free(r->cpython);
	r->cpython = c;
	return 0;
}
