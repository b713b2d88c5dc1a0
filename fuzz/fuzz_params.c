/*
 * fuzz_params.c -- libFuzzer target for the key=value parameter grammar.
 *
 * An input reads like a lesson run block: "DEMO key=value key=value ...".
 * The first word picks a demo from the registry (an unknown word picks one
 * by a hash of its bytes, so the fuzzer reaches every schema); each further
 * word, split at white space, goes through params_set() against it.
 *
 * Invariants checked on every word:
 * - a refused word fills cause, names the parameter it was about when it
 *   has a known key, and leaves the whole struct params byte for byte as it
 *   was (the old value stays);
 * - an accepted word marks the value set, keeps it inside its range, and
 *   its canonical text re-parses to the same number, list and text.
 * Any violation aborts, which libFuzzer reports as a crash with the input.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Abort with a message: the fuzzer keeps the input that did it. */
static void
fuzz_fail(const char *why, const char *word, const char *detail)
{
	fprintf(stderr, "fuzz_params: %s: word '%s': %s\n", why, word,
	    detail != NULL ? detail : "");
	abort();
}

/* The value named key in p, or NULL. */
static const struct param_value *
fuzz_find(const struct params *p, const char *key)
{
	unsigned	i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].spec->name, key) == 0)
			return &p->v[i];
	return NULL;
}

/* Whether a stored value respects its spec's range. */
static int
fuzz_in_range(const struct param_value *v)
{
	const struct param_spec	*s = v->spec;
	unsigned		 i;
	size_t			 n;

	switch (s->type) {
	case PARAM_INT:
	case PARAM_FLOAT:
		return v->num >= s->min && v->num <= s->max;
	case PARAM_CHOICE:
		for (n = 1, i = 0; s->choices[i] != '\0'; i++)
			n += s->choices[i] == '|';
		return v->num >= 0 && v->num < (double)n;
	case PARAM_LIST:
		if (v->nlist < 1 || v->nlist > PARAM_LIST_MAX)
			return 0;
		for (i = 0; i < v->nlist; i++)
			if (v->list[i] < s->min || v->list[i] > s->max)
				return 0;
		return v->num == (double)v->nlist;
	}
	return 0;
}

/* Check one accepted value: in range, and its canonical text round-trips. */
static void
fuzz_check_accepted(const struct params *p, const char *word, const char *key)
{
	const struct param_value	*v = fuzz_find(p, key), *w;
	struct params			 again = *p;
	char				*kv, *cause = NULL;

	if (v == NULL)
		fuzz_fail("accepted an unknown key", word, key);
	if (!v->set)
		fuzz_fail("accepted value not marked set", word, v->text);
	if (!fuzz_in_range(v))
		fuzz_fail("accepted value out of range", word, v->text);
	if (memchr(v->text, '\0', sizeof v->text) == NULL)
		fuzz_fail("canonical text not terminated", word, NULL);
	xasprintf(&kv, "%s=%s", key, v->text);
	if (params_set(&again, kv, &cause) != 0)
		fuzz_fail("canonical text refused", word, cause);
	w = fuzz_find(&again, key);
	if (strcmp(w->text, v->text) != 0)
		fuzz_fail("canonical text changed when re-parsed", word,
		    w->text);
	if (v->spec->type != PARAM_FLOAT && w->num != v->num)
		fuzz_fail("canonical text re-parsed to another number", word,
		    w->text);
	if (w->nlist != v->nlist || memcmp(w->list, v->list,
	    v->nlist * sizeof v->list[0]) != 0)
		fuzz_fail("canonical list re-parsed to another list", word,
		    w->text);
	free(kv);
}

/* Apply one word and check the invariants around it. */
static void
fuzz_word(struct params *p, const char *word)
{
	struct params	 before = *p;
	const char	*eq = strchr(word, '=');
	char		*key, *cause = NULL;

	key = eq != NULL ? xstrndup(word, (size_t)(eq - word)) : NULL;
	if (params_set(p, word, &cause) == 0) {
		if (cause != NULL)
			fuzz_fail("cause set on success", word, cause);
		if (key == NULL)
			fuzz_fail("accepted a word without '='", word, NULL);
		fuzz_check_accepted(p, word, key);
	} else {
		if (cause == NULL || *cause == '\0')
			fuzz_fail("refused without a cause", word, NULL);
		if (memcmp(&before, p, sizeof before) != 0)
			fuzz_fail("a refused value changed the parameters",
			    word, cause);
		if (key != NULL && *key != '\0' && fuzz_find(p, key) != NULL &&
		    strncmp(cause, key, strlen(key)) != 0)
			fuzz_fail("the message does not name the parameter",
			    word, cause);
		free(cause);
	}
	free(key);
}

/* The demo a first word names, or one picked by its bytes. */
static const struct demo_class *
fuzz_demo(const char *word)
{
	const struct demo_class	*cls;
	unsigned		 n, h = 0;

	if ((cls = demo_find(word)) != NULL)
		return cls;
	for (n = 0; demo_classes[n] != NULL; n++)
		;
	for (; *word != '\0'; word++)
		h = h * 31 + (unsigned char)*word;
	return demo_classes[h % n];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 sep[] = " \t\r\n";
	struct params		 p;
	char			*text, *word, *save = NULL;

	if (size > 4096)
		return 0;
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	word = strtok_r(text, sep, &save);
	params_init(&p, fuzz_demo(word != NULL ? word : "")->params);
	while ((word = strtok_r(NULL, sep, &save)) != NULL)
		fuzz_word(&p, word);
	free(text);
	return 0;
}
