/*
 * lesson-param.c -- the demo line of a run block, parameter by parameter.
 *
 * Each "key=value" is set with params.c, so a refusal reads exactly as
 * `parlab run` words it; this file adds what an author needs and a command
 * line does not: the close name of a misspelt key or choice (thread:
 * threads), one error for "threads = 10" (not one per word), a warning for
 * a key given twice (the last one counts, as on the command line), and one
 * for a run of a minute or more, read from its *_ms and *_us parameters.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* The parameter of a run's demo named key, or NULL. */
static struct param_value *
lesson_param_find(struct lesson_block *b, const char *key)
{
	unsigned	k;

	for (k = 0; k < b->params.n; k++)
		if (strcmp(b->params.v[k].spec->name, key) == 0)
			return &b->params.v[k];
	return NULL;
}

/* The parameter name of a run's demo closest to key (allocated), or NULL. */
char *
lesson_param_near(struct lesson_block *b, const char *key)
{
	char		*names = xstrdup(""), *next, *near;
	unsigned	 k;

	for (k = 0; k < b->params.n; k++) {
		xasprintf(&next, "%s %s", names, b->params.v[k].spec->name);
		free(names);
		names = next;
	}
	near = lesson_suggest(key, names, ' ');
	free(names);
	return near;
}

/*
 * Set one "key=value" of a run's demo line: a refusal in the words of
 * `parlab run`, with the close name for a misspelt key or choice; a key
 * given twice is a warning (the last one counts, as on the command line).
 */
int
lesson_param_set(struct lesson_block *b, struct lesson_diags *d, unsigned line,
    const char *kv)
{
	struct param_value	*v;
	const char		*eq = strchr(kv, '=');
	char			*key, *cause = NULL, *near = NULL;
	int			 rc = 0;

	key = xstrndup(kv, eq != NULL ? (size_t)(eq - kv) : strlen(kv));
	if ((v = lesson_param_find(b, key)) != NULL && v->set)
		lesson_diag(d, line, 0, "%s: '%s' given twice; the last one "
		    "counts", b->demo->name, key);
	if (params_set(&b->params, kv, &cause) != 0) {
		if (v == NULL && eq != NULL)
			near = lesson_param_near(b, key);
		else if (v != NULL && v->spec->type == PARAM_CHOICE &&
		    eq != NULL)
			near = lesson_suggest(eq + 1, v->spec->choices, '|');
		if (near != NULL)
			lesson_diag(d, line, 1, "%s: %s; did you mean '%s'?",
			    b->demo->name, cause, near);
		else
			lesson_diag(d, line, 1, "%s: %s", b->demo->name, cause);
		rc = -1;
	}
	free(near);
	free(cause);
	free(key);
	return rc;
}

/*
 * The words from w[k] that make one "key=value" (written "key = value",
 * "key= value" or "key =value": one mistake, said once), joined in *kv;
 * returns how many words it took.
 */
size_t
lesson_param_join(char **w, size_t nw, size_t k, char **kv,
    struct lesson_diags *d, unsigned line, const char *demo)
{
	size_t	len = strlen(w[k]), took = 1;

	if (k + 2 < nw && strcmp(w[k + 1], "=") == 0 &&
	    strchr(w[k], '=') == NULL) {
		xasprintf(kv, "%s=%s", w[k], w[k + 2]);
		took = 3;
	} else if (k + 1 < nw && len > 1 && w[k][len - 1] == '=' &&
	    strchr(w[k], '=') == w[k] + len - 1 &&
	    strchr(w[k + 1], '=') == NULL) {
		xasprintf(kv, "%s%s", w[k], w[k + 1]);
		took = 2;
	} else if (k + 1 < nw && w[k + 1][0] == '=' && w[k + 1][1] != '\0' &&
	    strchr(w[k], '=') == NULL) {
		xasprintf(kv, "%s%s", w[k], w[k + 1]);
		took = 2;
	} else {
		*kv = xstrdup(w[k]);
		return 1;
	}
	lesson_diag(d, line, 1, "%s: write '%s' with no spaces around '='",
	    demo, *kv);
	return took;
}

/* Warn of a run far longer than a class can wait for: a minute or more. */
void
lesson_param_long(struct lesson_block *b, struct lesson_diags *d, unsigned line)
{
	const struct param_value	*v;
	const char			*name;
	size_t				 len;
	unsigned			 k;
	double				 s;

	for (k = 0; k < b->params.n; k++) {
		v = &b->params.v[k];
		name = v->spec->name;
		len = strlen(name);
		if (!v->set || len < 3 || v->spec->type != PARAM_INT)
			continue;
		if (strcmp(name + len - 3, "_ms") == 0)
			s = v->num / 1e3;
		else if (strcmp(name + len - 3, "_us") == 0)
			s = v->num / 1e6;
		else
			continue;
		if (s >= 60)
			lesson_diag(d, line, 0, "%s: %s=%s is %.0f s of work; "
			    "keep a run classroom-sized (a few seconds)",
			    b->demo->name, name, v->text, s);
	}
}
