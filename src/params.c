/*
 * params.c -- the one parameter grammar: key=value, checked against a schema.
 *
 * The command line (`parlab run race threads=4`) and lesson run blocks use
 * this same code, so a bad value gets the same message everywhere.  Every
 * demo's schema is followed by the common parameters (scale), so `scale=F`
 * works for every demo without a demo saying so.  A value is stored both as
 * a number and in canonical text, so the JSON summary can echo every
 * parameter with defaults filled in.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* Parameters every demo takes. */
const struct param_spec params_common[] = {
	{ "scale", PARAM_FLOAT, "1", 0.001, 100, NULL,
	    "multiply every duration (0.1 runs ten times faster)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

static int	params_assign(struct param_value *, const char *, char **);

/* Add a schema's entries to p with their defaults. */
static int
params_add(struct params *p, const struct param_spec *spec)
{
	struct param_value	*v;
	char			*cause = NULL;

	for (; spec != NULL && spec->name != NULL; spec++) {
		if (p->n == PARAMS_MAX)
			fatal("too many parameters in a schema");
		v = &p->v[p->n++];
		memset(v, 0, sizeof *v);
		v->spec = spec;
		if (params_assign(v, spec->def, &cause) != 0)
			fatal("bad default for %s: %s", spec->name, cause);
	}
	return 0;
}

/* Fill p with the defaults of a demo's schema and the common one. */
int
params_init(struct params *p, const struct param_spec *spec)
{
	p->n = 0;
	params_add(p, spec);
	params_add(p, params_common);
	return 0;
}

/* "1 to 1024", "none|lock|atomic", for messages and help. */
char *
params_range(const struct param_spec *s)
{
	char	*out;

	switch (s->type) {
	case PARAM_CHOICE:
		return xstrdup(s->choices);
	case PARAM_FLOAT:
		xasprintf(&out, "%g to %g", s->min, s->max);
		return out;
	case PARAM_LIST:
		xasprintf(&out, "a comma-separated list of 1 to %d numbers, "
		    "each %.0f to %.0f", PARAM_LIST_MAX, s->min, s->max);
		return out;
	case PARAM_INT:
	default:
		xasprintf(&out, "%.0f to %.0f", s->min, s->max);
		return out;
	}
}

/* One line of help: "threads=10   1 to 1024   number of threads". */
char *
params_describe(const struct param_spec *s)
{
	char	*range, *out;

	range = params_range(s);
	xasprintf(&out, "%s=%s (%s): %s", s->name, s->def, range, s->help);
	free(range);
	return out;
}

/* Parse a whole number, the full string, into *out. */
static int
params_parse_int(const char *text, int64_t *out)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(text, &end, 10);
	if (*text == '\0' || *end != '\0')
		return -1;
	if (errno == ERANGE)
		return -2;
	*out = n;
	return 0;
}

/* Say why a value was refused, naming the parameter and its range. */
static int
params_refuse(char **cause, const struct param_spec *s, const char *text,
    const char *why)
{
	char	*range = params_range(s);

	if (s->type == PARAM_CHOICE) {
		xasprintf(cause, "%s=%s: %s; %s is one of %s", s->name, text,
		    why, s->name, range);
	} else {
		xasprintf(cause, "%s=%s: %s; %s is %s", s->name, text, why,
		    s->name, range);
	}
	free(range);
	return -1;
}

/* Check one value against its spec and store it. */
static int
params_assign(struct param_value *v, const char *text, char **cause)
{
	const struct param_spec	*s = v->spec;
	const char		*p, *q;
	char			*end, word[64];
	double			 d;
	int64_t			 n;
	size_t			 len;
	int			 idx, r;

	if (strlen(text) >= sizeof v->text)
		return params_refuse(cause, s, "...", "too long");
	switch (s->type) {
	case PARAM_INT:
		r = params_parse_int(text, &n);
		if (r == -1)
			return params_refuse(cause, s, text,
			    "not a whole number");
		if (r == -2 || n < s->min || n > s->max)
			return params_refuse(cause, s, text, "out of range");
		v->num = (double)n;
		snprintf(v->text, sizeof v->text, "%lld", (long long)n);
		return 0;
	case PARAM_FLOAT:
		errno = 0;
		d = strtod(text, &end);
		if (*text == '\0' || *end != '\0' || !isfinite(d))
			return params_refuse(cause, s, text, "not a number");
		if (errno == ERANGE || d < s->min || d > s->max)
			return params_refuse(cause, s, text, "out of range");
		v->num = d;
		snprintf(v->text, sizeof v->text, "%g", d);
		return 0;
	case PARAM_CHOICE:
		for (idx = 0, p = s->choices; *p != '\0'; idx++) {
			q = strchr(p, '|');
			len = q ? (size_t)(q - p) : strlen(p);
			if (strlen(text) == len && strncmp(p, text, len) == 0) {
				v->num = idx;
				snprintf(v->text, sizeof v->text, "%s", text);
				return 0;
			}
			p += len + (q != NULL);
		}
		return params_refuse(cause, s, text, "not a choice");
	case PARAM_LIST:
		v->nlist = 0;
		v->text[0] = '\0';
		for (p = text;; p = q + 1) {
			q = strchr(p, ',');
			len = q ? (size_t)(q - p) : strlen(p);
			if (len == 0 || len >= sizeof word)
				return params_refuse(cause, s, text,
				    "not a list of numbers");
			memcpy(word, p, len);
			word[len] = '\0';
			r = params_parse_int(word, &n);
			if (r == -1)
				return params_refuse(cause, s, text,
				    "not a list of numbers");
			if (r == -2 || n < s->min || n > s->max)
				return params_refuse(cause, s, text,
				    "out of range");
			if (v->nlist == PARAM_LIST_MAX)
				return params_refuse(cause, s, text,
				    "too many numbers");
			v->list[v->nlist++] = n;
			len = strlen(v->text);
			snprintf(v->text + len, sizeof v->text - len, "%s%lld",
			    len ? "," : "", (long long)n);
			if (q == NULL)
				break;
		}
		v->num = (double)v->nlist;
		return 0;
	}
	return params_refuse(cause, s, text, "bad type");
}

/* List the known names, for an unknown-parameter message. */
static char *
params_names(const struct params *p)
{
	char	*out = xstrdup(""), *next;
	unsigned i;

	for (i = 0; i < p->n; i++) {
		xasprintf(&next, "%s%s%s", out, i ? ", " : "",
		    p->v[i].spec->name);
		free(out);
		out = next;
	}
	return out;
}

/* Apply one "key=value"; on error fill cause and change nothing. */
int
params_set(struct params *p, const char *kv, char **cause)
{
	struct param_value	 tmp;
	const char		*eq = strchr(kv, '=');
	char			*key, *names;
	unsigned		 i;

	if (eq == NULL || eq == kv) {
		xasprintf(cause, "'%s' is not key=value", kv);
		return -1;
	}
	key = xstrndup(kv, (size_t)(eq - kv));
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].spec->name, key) != 0)
			continue;
		free(key);
		tmp = p->v[i];
		if (params_assign(&tmp, eq + 1, cause) != 0)
			return -1;
		tmp.set = 1;
		p->v[i] = tmp;
		return 0;
	}
	names = params_names(p);
	xasprintf(cause, "unknown parameter '%s'; known: %s", key, names);
	free(names);
	free(key);
	return -1;
}

/* Defaults, then each argv "key=value"; stops at the first error. */
int
params_parse(struct params *p, const struct param_spec *spec, int argc,
    char *const *argv, char **cause)
{
	int	i;

	params_init(p, spec);
	for (i = 0; i < argc; i++)
		if (params_set(p, argv[i], cause) != 0)
			return -1;
	return 0;
}

/* The value of a parameter, or NULL if the schema has no such name. */
const struct param_value *
params_get(const struct params *p, const char *name)
{
	unsigned	i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].spec->name, name) == 0)
			return &p->v[i];
	return NULL;
}

/* The value of a parameter a demo knows its schema has: else a bug. */
const struct param_value *
params_need(const struct params *p, const char *name)
{
	const struct param_value	*v = params_get(p, name);

	if (v == NULL)
		fatal("no parameter '%s' in this schema", name);
	return v;
}

/* A whole-number parameter. */
int64_t
params_int(const struct params *p, const char *name)
{
	return (int64_t)params_need(p, name)->num;
}

/* A number parameter. */
double
params_float(const struct params *p, const char *name)
{
	return params_need(p, name)->num;
}

/* A choice parameter's index in its choices. */
int
params_choice(const struct params *p, const char *name)
{
	return (int)params_need(p, name)->num;
}

/* A parameter's canonical text. */
const char *
params_text(const struct params *p, const char *name)
{
	return params_need(p, name)->text;
}

/* Whether a spec is one of the parameters every demo takes. */
int
params_is_common(const struct param_spec *s)
{
	const struct param_spec	*c;

	for (c = params_common; c->name != NULL; c++)
		if (c == s)
			return 1;
	return 0;
}

/* The next value on the 1-2-5 ladder above (dir > 0) or below n; n if none. */
static double
params_ladder(double n, int dir)
{
	static const double	mult[3] = { 1, 2, 5 };
	double			c, best = n;
	int			k, m;

	for (k = -3; k <= 18; k++) {
		for (m = 0; m < 3; m++) {
			c = mult[m] * pow(10, k);
			if (dir > 0 && c > n * (1 + 1e-9) + 1e-12)
				return c;
			if (dir < 0 && c < n * (1 - 1e-9) - 1e-12)
				best = c;
		}
	}
	return best;
}

/* Choice idx of a choices string, as allocated text. */
static char *
params_choice_word(const char *choices, int idx)
{
	const char	*p = choices;

	while (idx-- > 0 && strchr(p, '|') != NULL)
		p = strchr(p, '|') + 1;
	return xstrndup(p, strcspn(p, "|"));
}

/*
 * The value one step up (dir > 0) or down from v, as text for params_set:
 * numbers move on a 1-2-5 ladder within the range, choices cycle.  NULL
 * (and a cause) when there is no step: a list, or the end of the range.
 */
char *
params_step(const struct param_value *v, int dir, char **cause)
{
	const struct param_spec	*s = v->spec;
	const char		*p;
	char			*out;
	double			 n = v->num, next;
	int			 count = 1;

	switch (s->type) {
	case PARAM_CHOICE:
		for (p = s->choices; (p = strchr(p, '|')) != NULL; p++)
			count++;
		return params_choice_word(s->choices,
		    ((int)n + (dir > 0 ? 1 : count - 1)) % count);
	case PARAM_LIST:
		xasprintf(cause, "%s is a list: type it, e.g. %s", s->name,
		    s->def);
		return NULL;
	case PARAM_INT:
	case PARAM_FLOAT:
		break;
	}
	next = params_ladder(n, dir);
	if (next == n)
		next = n + (dir > 0 ? 1 : -1);
	if (s->type == PARAM_INT)
		next = dir > 0 ? ceil(next) : floor(next);
	if (next > s->max)
		next = s->max;
	if (next < s->min)
		next = s->min;
	if (next == n) {
		xasprintf(cause, "%s is at its %s (%g)", s->name, dir > 0 ?
		    "largest" : "smallest", n);
		return NULL;
	}
	if (s->type == PARAM_INT)
		xasprintf(&out, "%.0f", next);
	else
		xasprintf(&out, "%g", next);
	return out;
}
