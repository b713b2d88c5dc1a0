/*
 * tui-knobs.c -- the demo pane's knobs, made from the demo's schema.
 *
 * Every parameter of the page's demo is a knob: the ones the lesson's
 * "knobs:" line names come first, in its order, then the rest of the
 * schema (the common ones last), so a new demo gets knobs for free and
 * this file names no parameter.  Tab focuses the knob row; Left/Right (or
 * Tab) choose a knob, Up/Down or + - step it (params_step: a 1-2-5 ladder
 * within the range, choices cycle), digits type a value and Enter sets it,
 * Esc leaves.  Every change goes through params_set() on a copy, so a bad
 * value gets the command line's message and changes nothing.
 */

#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* Whether the lesson's knobs line names a parameter. */
static int
tui_knobs_named(const struct lesson_block *b, const char *name)
{
	size_t	i;

	for (i = 0; i < b->nknobs; i++)
		if (strcmp(b->knobs[i], name) == 0)
			return 1;
	return 0;
}

/*
 * The knobs in the order shown, as indices into d->params (at least
 * PARAMS_MAX of room): the lesson's first, then the demo's, then common.
 */
unsigned
tui_knobs_order(const struct tui_demo *d, unsigned *idx)
{
	const struct params	*p = &d->params;
	unsigned		 n = 0, i, pass;
	size_t			 k;

	if (d->block == NULL)
		return 0;
	for (k = 0; k < d->block->nknobs; k++)
		for (i = 0; i < p->n; i++)
			if (strcmp(p->v[i].spec->name, d->block->knobs[k]) == 0)
				idx[n++] = i;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < p->n; i++)
			if (params_is_common(p->v[i].spec) == (int)pass &&
			    !tui_knobs_named(d->block, p->v[i].spec->name))
				idx[n++] = i;
	return n;
}

/* The selected knob's value. */
static const struct param_value *
tui_knobs_selected(const struct tui *t)
{
	unsigned	idx[PARAMS_MAX], n;

	n = tui_knobs_order(&t->demo, idx);
	if (n == 0)
		return NULL;
	return &t->demo.params.v[idx[t->demo.knob_sel % n]];
}

/* Set the selected knob to text; 0 if it took, else a message and -1. */
static int
tui_knobs_set(struct tui *t, const char *text)
{
	const struct param_value	*v = tui_knobs_selected(t);
	struct params			 copy = t->demo.params;
	char				*kv, *cause = NULL, *end;
	double				 d;
	int				 rc = 0;

	/* "1e4" types 10000 in fewer keys; params_set checks the result. */
	d = strtod(text, &end);
	if (v->spec->type == PARAM_INT && *end == '\0' && end != text &&
	    strpbrk(text, "eE") != NULL && isfinite(d) && d == floor(d) &&
	    fabs(d) < 1e15)
		xasprintf(&kv, "%s=%.0f", v->spec->name, d);
	else
		xasprintf(&kv, "%s=%s", v->spec->name, text);
	if (params_set(&copy, kv, &cause) != 0) {
		tui_message(t, 1, "%s", cause);
		free(cause);
		rc = -1;
	} else {
		t->demo.params = copy;
		tui_message(t, 0, "%s: r runs with it.", kv);
	}
	free(kv);
	return rc;
}

/* Step the selected knob up (dir > 0) or down. */
static void
tui_knobs_step(struct tui *t, int dir)
{
	const struct param_value	*v = tui_knobs_selected(t);
	char				*text, *cause = NULL;

	if (v == NULL)
		return;
	if ((text = params_step(v, dir, &cause)) == NULL) {
		tui_message(t, 0, "%s", cause);
		free(cause);
		return;
	}
	tui_knobs_set(t, text);
	free(text);
}

/* Say what the selected knob is and how to turn it. */
static void
tui_knobs_describe(struct tui *t)
{
	const struct param_value	*v = tui_knobs_selected(t);
	char				*s;

	if (v == NULL)
		return;
	s = params_describe(v->spec);
	tui_message(t, 0, "%s", s);
	free(s);
}

/* Move the knob selection by dir, wrapping. */
static void
tui_knobs_move(struct tui *t, int dir)
{
	unsigned	idx[PARAMS_MAX], n = tui_knobs_order(&t->demo, idx);

	if (n == 0)
		return;
	t->demo.knob_sel = (t->demo.knob_sel + n + (unsigned)(dir % (int)n)) %
	    n;
	t->demo.knob_input[0] = '\0';
	tui_knobs_describe(t);
}

/* Whether ch may be typed into a value. */
static int
tui_knobs_typable(const struct tui *t, int ch)
{
	if ((ch >= '0' && ch <= '9') || ch == '.' || ch == ',')
		return 1;
	/* An exponent or a sign only after a digit has been typed. */
	return (ch == 'e' || ch == '-') && t->demo.knob_input[0] != '\0';
}

/* Keys while the knob row has the focus; 1 if the key was one. */
static int
tui_knobs_focused(struct tui *t, int ch)
{
	struct tui_demo	*d = &t->demo;
	size_t		 n = strlen(d->knob_input);
	char		 typed[sizeof d->knob_input];

	if (tui_knobs_typable(t, ch)) {
		if (n + 1 < sizeof d->knob_input) {
			d->knob_input[n] = (char)ch;
			d->knob_input[n + 1] = '\0';
		}
		return 1;
	}
	switch (ch) {
	case KEY_BACKSPACE: case 127: case 8:
		if (n > 0)
			d->knob_input[n - 1] = '\0';
		return 1;
	case '\n': case '\r': case KEY_ENTER:
		if (n == 0) {
			d->knob_focus = 0;
			return 1;
		}
		tui_knobs_set(t, d->knob_input);
		d->knob_input[0] = '\0';
		return 1;
	case 27:
		if (n > 0)
			d->knob_input[0] = '\0';
		else
			d->knob_focus = 0;
		return 1;
	case '\t': case KEY_RIGHT: case 'l':
		tui_knobs_move(t, 1);
		return 1;
	case KEY_BTAB: case KEY_LEFT: case 'h':
		tui_knobs_move(t, -1);
		return 1;
	case KEY_UP: case 'k': case '+': case '=':
		d->knob_input[0] = '\0';
		tui_knobs_step(t, 1);
		return 1;
	case KEY_DOWN: case 'j': case '_':
		d->knob_input[0] = '\0';
		tui_knobs_step(t, -1);
		return 1;
	case 'r':
		/* A typed value is set before the run that should use it. */
		if (n > 0) {
			snprintf(typed, sizeof typed, "%s", d->knob_input);
			d->knob_input[0] = '\0';
			if (tui_knobs_set(t, typed) != 0)
				return 1;
		}
		return 0;
	}
	return 0;
}

/* Knob keys of the demo pane (Tab, + -, and all keys while focused). */
int
tui_knobs_key(struct tui *t, int ch)
{
	if (t->demo.block == NULL || t->demo.block->demo == NULL)
		return 0;
	if (t->demo.knob_focus)
		return tui_knobs_focused(t, ch);
	switch (ch) {
	case '\t': case KEY_BTAB:
		t->demo.knob_focus = 1;
		t->demo.knob_input[0] = '\0';
		tui_knobs_describe(t);
		return 1;
	case '+': case '=':
		tui_knobs_step(t, 1);
		return 1;
	case '-': case '_':
		tui_knobs_step(t, -1);
		return 1;
	}
	return 0;
}
