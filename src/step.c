/*
 * step.c -- the stepper's programs: finding, reading and checking them.
 *
 * A step program is two to four threads, each a short straight list of
 * statements the size of one Python bytecode or so (`tmp = value`,
 * `value = tmp`, `lock.acquire()`), over a few shared variables, locks,
 * semaphores and events.  The student is the scheduler: step-exec.c runs
 * one statement of the thread they pick.  The file format is documented in
 * doc/step-format.md; an instructor adds a program by writing a file.
 *
 * Invariants a loaded program keeps, so the interpreter needs no checks:
 * every name is resolved to an index (shared, local or object) once, here;
 * a local is never read before its thread has set it (the code has no
 * branches, so one pass in order proves it); an object statement names an
 * object of a kind that has that method.  A bad file is refused with the
 * first problem as `FILE:LINE: error: ...`.
 *
 * Where programs come from (files, built-ins, lesson blocks): step-load.c.
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

struct step_parser {
	struct step_program	*p;
	const char		*file;
	unsigned		 line;
	char			*cause;		/* the first error */
};

static const char *const step_methods[] = {
	[STEP_ACQUIRE] = "acquire", [STEP_RELEASE] = "release",
	[STEP_EVENT_SET] = "set", [STEP_EVENT_CLEAR] = "clear",
	[STEP_EVENT_WAIT] = "wait"
};

/* Record the first error as FILE:LINE: error: MSG. */
static int PARLAB_PRINTF(2, 3)
step_error(struct step_parser *sp, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (sp->cause != NULL)
		return -1;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (sp->line == 0)	/* a problem of the whole file */
		xasprintf(&sp->cause, "%s: error: %s", sp->file, msg);
	else
		xasprintf(&sp->cause, "%s:%u: error: %s", sp->file, sp->line,
		    msg);
	free(msg);
	return -1;
}

/* Skip blanks. */
static const char *
step_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Copy the identifier at *s into buf (NUL if none) and move past it. */
static int
step_ident(const char **s, char *buf, size_t size)
{
	const char	*p = *s;
	size_t		 n = 0;

	if (!isalpha((unsigned char)*p) && *p != '_')
		return -1;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	if (n >= size)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	*s = p + n;
	return 0;
}

/* Read a whole number at *s, with an optional minus. */
static int
step_number(const char **s, int64_t *v)
{
	char		*end;
	long long	 n;

	if (!isdigit((unsigned char)**s) && !(**s == '-' &&
	    isdigit((unsigned char)(*s)[1])))
		return -1;
	errno = 0;
	n = strtoll(*s, &end, 10);
	if (errno != 0 || n > 1000000000 || n < -1000000000)
		return -1;
	*v = n;
	*s = end;
	return 0;
}

/* Index of shared variable name in p, or -1. */
static int
step_shared_index(const struct step_program *p, const char *name)
{
	unsigned	i;

	for (i = 0; i < p->nshared; i++)
		if (strcmp(p->shared[i], name) == 0)
			return (int)i;
	return -1;
}

/* Index of object name in p, or -1. */
static int
step_obj_index(const struct step_program *p, const char *name)
{
	unsigned	i;

	for (i = 0; i < p->nobj; i++)
		if (strcmp(p->obj[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Is name already declared (shared or object)? */
static int
step_declared(const struct step_program *p, const char *name)
{
	return step_shared_index(p, name) >= 0 || step_obj_index(p, name) >= 0;
}

/* Parse an operand that is read: a number, a shared or a set local. */
static int
step_operand(struct step_parser *sp, struct step_code *c, const uint8_t *set,
    const char **s, struct step_operand *o)
{
	char		name[32];
	unsigned	i;

	*s = step_blank(*s);
	if (step_number(s, &o->value) == 0) {
		o->where = STEP_CONST;
		return 0;
	}
	if (step_ident(s, name, sizeof name) != 0)
		return step_error(sp, "expected a name or a number at '%s'",
		    *s);
	if ((o->index = step_shared_index(sp->p, name)) >= 0) {
		o->where = STEP_SHARED;
		return 0;
	}
	if (step_obj_index(sp->p, name) >= 0)
		return step_error(sp, "'%s' is a lock, semaphore or event, "
		    "not a number", name);
	for (i = 0; i < c->nlocal; i++)
		if (strcmp(c->local[i], name) == 0 && set[i]) {
			o->where = STEP_LOCAL;
			o->index = (int)i;
			return 0;
		}
	return step_error(sp, "'%s' is read before this thread sets it "
	    "(shared variables are declared with `shared:`)", name);
}

/* Parse `obj.method()`, whose object name is already in name. */
static int
step_call(struct step_parser *sp, struct step_insn *in, const char *name,
    const char *s)
{
	const struct step_object	*o;
	char				 meth[16];
	int				 i;

	if ((in->obj = step_obj_index(sp->p, name)) < 0)
		return step_error(sp, "no lock, semaphore or event named '%s'",
		    name);
	o = &sp->p->obj[in->obj];
	s++;
	if (step_ident(&s, meth, sizeof meth) != 0 || strcmp(s, "()") != 0)
		return step_error(sp, "expected %s.METHOD()", name);
	for (i = STEP_ACQUIRE; i <= STEP_EVENT_WAIT; i++)
		if (strcmp(meth, step_methods[i]) == 0)
			break;
	if (i > STEP_EVENT_WAIT ||
	    ((i == STEP_ACQUIRE || i == STEP_RELEASE) &&
	    o->kind == STEP_EVENT) ||
	    (i >= STEP_EVENT_SET && o->kind != STEP_EVENT))
		return step_error(sp, "%s %s has no method %s() (a lock or "
		    "semaphore: acquire, release; an event: set, clear, wait)",
		    o->kind == STEP_EVENT ? "event" : o->kind == STEP_LOCK ?
		    "lock" : "semaphore", name, meth);
	in->op = (enum step_op)i;
	return 0;
}

/* Parse one statement of thread c; set marks which locals are set so far. */
static int
step_statement(struct step_parser *sp, struct step_code *c, uint8_t *set,
    const char *s)
{
	struct step_insn	*in;
	const char		*text = s;
	char			 name[32];
	int			 i;

	if (c->n == STEP_MAX_CODE)
		return step_error(sp, "a thread has at most %d statements",
		    STEP_MAX_CODE);
	in = &c->insn[c->n];
	memset(in, 0, sizeof *in);
	in->line = sp->line;
	in->obj = -1;
	if (step_ident(&s, name, sizeof name) != 0)
		return step_error(sp, "a statement starts with a name, not "
		    "'%s'", s);
	if (*s == '.') {
		if (step_call(sp, in, name, s) != 0)
			return -1;
	} else {
		s = step_blank(s);
		if (*s != '=' || s[1] == '=')
			return step_error(sp, "expected NAME = EXPRESSION or "
			    "NAME.METHOD()");
		s++;
		if (step_obj_index(sp->p, name) >= 0)
			return step_error(sp, "cannot assign to '%s', a lock, "
			    "semaphore or event", name);
		in->op = STEP_SET;
		if (step_operand(sp, c, set, &s, &in->a) != 0)
			return -1;
		s = step_blank(s);
		if (*s == '+' || *s == '-') {
			in->op = *s == '+' ? STEP_ADD : STEP_SUB;
			s++;
			if (step_operand(sp, c, set, &s, &in->b) != 0)
				return -1;
			s = step_blank(s);
		}
		if (*s != '\0')
			return step_error(sp, "unexpected '%s' (one + or - "
			    "at most: a statement is one small step)", s);
		if ((i = step_shared_index(sp->p, name)) >= 0) {
			in->dst.where = STEP_SHARED;
			in->dst.index = i;
		} else {
			for (i = 0; i < (int)c->nlocal; i++)
				if (strcmp(c->local[i], name) == 0)
					break;
			if (i == (int)c->nlocal) {
				if (c->nlocal == STEP_MAX_NAMES)
					return step_error(sp, "a thread has at "
					    "most %d locals", STEP_MAX_NAMES);
				c->local[c->nlocal++] = xstrdup(name);
			}
			set[i] = 1;
			in->dst.where = STEP_LOCAL;
			in->dst.index = i;
		}
	}
	in->text = xstrdup(text);	/* as written, for the screen */
	c->n++;
	return 0;
}

/* Parse `NAME [= N]` of a declaration line into name and *v. */
static int
step_decl(struct step_parser *sp, const char *s, char *name, size_t size,
    int64_t *v, int need_value)
{
	s = step_blank(s);
	if (step_ident(&s, name, size) != 0)
		return step_error(sp, "expected a name, not '%s'", s);
	if (step_declared(sp->p, name))
		return step_error(sp, "'%s' is declared twice", name);
	s = step_blank(s);
	if (*s == '=') {
		s = step_blank(s + 1);
		if (step_number(&s, v) != 0)
			return step_error(sp, "expected a whole number after "
			    "'%s ='", name);
		s = step_blank(s);
	} else if (need_value)
		return step_error(sp, "expected '%s = N'", name);
	if (*s != '\0')
		return step_error(sp, "unexpected '%s'", s);
	return 0;
}

/* Parse one header line `key: rest`. */
static int
step_header(struct step_parser *sp, const char *key, const char *rest,
    uint8_t *set)
{
	struct step_program	*p = sp->p;
	struct step_object	*o;
	char			 name[32];
	int64_t			 v = 0;

	if (strcmp(key, "title") == 0) {
		free(p->title);
		p->title = xstrdup(rest);
		return 0;
	}
	if (strcmp(key, "goal") == 0) {
		free(p->goal.text);
		p->goal.text = NULL;
		if (step_goal_parse(p, rest, &p->goal, &sp->cause) != 0) {
			char *m = sp->cause;

			sp->cause = NULL;
			step_error(sp, "%s", m);
			free(m);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "thread") == 0) {
		if (*rest != '\0')
			return step_error(sp, "`thread:` stands alone; its "
			    "statements follow, indented");
		if (p->nthreads == STEP_MAX_THREADS)
			return step_error(sp, "at most %d threads",
			    STEP_MAX_THREADS);
		p->nthreads++;
		memset(set, 0, STEP_MAX_NAMES);
		return 0;
	}
	if (p->nthreads > 0)
		return step_error(sp, "declare `%s:` before the first thread",
		    key);
	if (strcmp(key, "shared") == 0) {
		if (p->nshared == STEP_MAX_NAMES)
			return step_error(sp, "at most %d shared variables",
			    STEP_MAX_NAMES);
		if (step_decl(sp, rest, name, sizeof name, &v, 1) != 0)
			return -1;
		p->shared_init[p->nshared] = v;
		p->shared[p->nshared++] = xstrdup(name);
		return 0;
	}
	if (strcmp(key, "lock") != 0 && strcmp(key, "semaphore") != 0 &&
	    strcmp(key, "event") != 0)
		return step_error(sp, "unknown key '%s' (title, shared, lock, "
		    "semaphore, event, goal, thread)", key);
	if (p->nobj == STEP_MAX_NAMES)
		return step_error(sp, "at most %d locks, semaphores and events",
		    STEP_MAX_NAMES);
	if (step_decl(sp, rest, name, sizeof name, &v, key[0] == 's') != 0)
		return -1;
	if (key[0] == 's' && (v < 0 || v > 100))
		return step_error(sp, "a semaphore starts at 0 to 100");
	if (key[0] != 's' && v != 0)
		return step_error(sp, "a %s takes no value", key);
	o = &p->obj[p->nobj++];
	o->name = xstrdup(name);
	o->kind = key[0] == 'l' ? STEP_LOCK : key[0] == 's' ? STEP_SEMAPHORE :
	    STEP_EVENT;
	o->init = v;
	return 0;
}

/* Parse one line (NUL-terminated, no newline). */
static int
step_line(struct step_parser *sp, char *s, uint8_t *set)
{
	char	*end, *colon, key[16];
	int	 indented = (*s == ' ' || *s == '\t');

	/* A comment runs to the end of the line, as in Python. */
	if ((end = strchr(s, '#')) != NULL)
		*end = '\0';
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	s = (char *)step_blank(s);
	if (*s == '\0')
		return 0;
	if (indented) {
		if (sp->p->nthreads == 0)
			return step_error(sp, "an indented statement belongs "
			    "under a `thread:` line");
		return step_statement(sp, &sp->p->thread[sp->p->nthreads - 1],
		    set, s);
	}
	colon = strchr(s, ':');
	if (colon == NULL || (size_t)(colon - s) >= sizeof key)
		return step_error(sp, "expected `key: value` (statements are "
		    "indented under `thread:`)");
	memcpy(key, s, (size_t)(colon - s));
	key[colon - s] = '\0';
	return step_header(sp, key, step_blank(colon + 1), set);
}

/*
 * Parse a program from text (len bytes) read from file, named name.
 * Returns NULL with cause "FILE:LINE: error: ..." on the first problem.
 */
struct step_program *
step_parse(const char *name, const char *file, const char *text, size_t len,
    char **cause)
{
	struct step_parser	 sp;
	uint8_t			 set[STEP_MAX_NAMES] = { 0 };
	const char		*s = text, *nl, *end = text + len;
	char			*line;
	unsigned		 t;

	memset(&sp, 0, sizeof sp);
	sp.p = xcalloc(1, sizeof *sp.p);
	sp.p->name = xstrdup(name);
	sp.file = file;
	while (s < end && sp.cause == NULL) {
		sp.line++;
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		line = xstrndup(s, (size_t)(nl - s));
		if (strlen(line) != (size_t)(nl - s))
			step_error(&sp, "a NUL byte in the file");
		else
			step_line(&sp, line, set);
		free(line);
		s = nl + 1;
	}
	sp.line = 0;
	if (sp.cause == NULL && sp.p->nthreads < 2)
		step_error(&sp, "a program has two to four threads, not %u",
		    sp.p->nthreads);
	for (t = 0; sp.cause == NULL && t < sp.p->nthreads; t++)
		if (sp.p->thread[t].n == 0)
			step_error(&sp, "thread T%u has no statement", t);
	if (sp.cause != NULL) {
		*cause = sp.cause;
		step_program_free(sp.p);
		return NULL;
	}
	if (sp.p->title == NULL)
		sp.p->title = xstrdup(name);
	return sp.p;
}

/* Free a program. */
void
step_program_free(struct step_program *p)
{
	unsigned	i, j;

	if (p == NULL)
		return;
	free(p->name);
	free(p->title);
	free(p->goal.text);
	for (i = 0; i < p->nshared; i++)
		free(p->shared[i]);
	for (i = 0; i < p->nobj; i++)
		free(p->obj[i].name);
	for (i = 0; i < p->nthreads; i++) {
		for (j = 0; j < p->thread[i].n; j++)
			free(p->thread[i].insn[j].text);
		for (j = 0; j < p->thread[i].nlocal; j++)
			free(p->thread[i].local[j]);
	}
	free(p);
}

/*
 * Parse a goal, `deadlock` or `NAME == N` / `NAME != N` over a shared
 * variable, into g (whose text is then allocated).
 */
int
step_goal_parse(const struct step_program *p, const char *text,
    struct step_goal *g, char **cause)
{
	const char	*s = step_blank(text);
	char		 name[32];

	memset(g, 0, sizeof *g);
	if (strcmp(s, "deadlock") == 0 || strcmp(s, "none") == 0) {
		g->kind = s[0] == 'd' ? STEP_GOAL_DEADLOCK : STEP_GOAL_NONE;
		g->text = s[0] == 'd' ? xstrdup(s) : NULL;
		return 0;
	}
	if (step_ident(&s, name, sizeof name) != 0 ||
	    (g->var = step_shared_index(p, name)) < 0) {
		xasprintf(cause, "a goal is `deadlock` or SHARED == N (or !=) "
		    "over a shared variable, not '%s'", text);
		return -1;
	}
	s = step_blank(s);
	if ((s[0] != '=' && s[0] != '!') || s[1] != '=') {
		xasprintf(cause, "a goal compares with == or !=: '%s'", text);
		return -1;
	}
	g->ne = s[0] == '!';
	s = step_blank(s + 2);
	if (step_number(&s, &g->value) != 0 || *step_blank(s) != '\0') {
		xasprintf(cause, "a goal compares with a whole number: '%s'",
		    text);
		return -1;
	}
	g->kind = STEP_GOAL_VALUE;
	xasprintf(&g->text, "%s %s %lld", name, g->ne ? "!=" : "==",
	    (long long)g->value);
	return 0;
}
