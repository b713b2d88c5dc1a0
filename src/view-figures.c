/*
 * view-figures.c -- a run's figures: one summary line in the demo pane,
 * and the figures panel (f) with every figure in student words and the
 * plain-language lines of the text summary, scrollable.
 *
 * The summary line puts the figures the run block names (show:) first,
 * then whatever else fits the width.  The panel lists every figure as
 * "key value  label" (labels from figure.c, the table the text summary
 * uses too), with CPython's value beside each once P's twin has run
 * (tui-twin.c), then the figures that changed since the run compared
 * with (view_figures_diff(), which the c view shows too), then
 * run->notes wrapped to the width.  t->demo.figures is 0
 * when the panel is closed, else 1 + the first row shown.  Like every
 * view, this only reads state (and clamps the scroll it was given).
 */

#include "config.h"

#include <curses.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* A whole number with thousands separators. */
static void
view_figures_int(char *buf, size_t n, int64_t v)
{
	char	 tmp[32], *p = buf;
	size_t	 len, i;

	snprintf(tmp, sizeof tmp, "%" PRId64, v < 0 ? -v : v);
	len = strlen(tmp);
	if (v < 0 && n > 1) {
		*p++ = '-';
		n--;
	}
	for (i = 0; i < len && n > 1; i++, n--) {
		*p++ = tmp[i];
		if ((len - i - 1) % 3 == 0 && i + 1 < len && n > 2) {
			*p++ = ',';
			n--;
		}
	}
	*p = '\0';
}

/* A metric as "key value". */
void
view_figures_metric(char *buf, size_t n, const struct metric *m)
{
	char	v[64];
	double	a;
	size_t	i, len;

	switch (m->type) {
	case METRIC_INT:
		view_figures_int(v, sizeof v, m->i);
		break;
	case METRIC_FLOAT:
		a = m->f < 0 ? -m->f : m->f;
		snprintf(v, sizeof v, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" :
		    "%.2f", m->f);
		break;
	case METRIC_BOOL:
		snprintf(v, sizeof v, "%s", m->i ? "yes" : "no");
		break;
	case METRIC_INTS:
		len = 0;
		v[0] = '\0';
		for (i = 0; i < m->nints && len + 24 < sizeof v; i++)
			len += (size_t)snprintf(v + len, sizeof v - len,
			    "%s%" PRId64, i ? "," : "[", m->ints[i]);
		snprintf(v + len, sizeof v - len, "%s", i < m->nints ? ",..]" :
		    "]");
		break;
	case METRIC_TEXT:
	default:
		snprintf(v, sizeof v, "%s", m->text ? m->text : "");
		break;
	}
	snprintf(buf, n, "%s %s", m->key, v);
}

/* The figures of a run in one line, from (y, x), in w columns. */
void
view_figures_line(const struct tui *t, const struct tui_run *tr, int y,
    int x, int w, int role)
{
	const struct lesson_block	*b = t->demo.block;
	const struct metric		*m;
	char				 buf[128];
	size_t				 i, k;
	int				 col = 0;

	if (!tr->joined) {
		if (tr->measuring)
			snprintf(buf, sizeof buf, "workers done; now timing "
			    "the same work one piece after another...");
		else
			snprintf(buf, sizeof buf, "running... %.0f ms",
			    (double)tr->t_total / 1e6);
		tui_put(t, y, x, w, buf, ROLE_MESSAGE);
		return;
	}
	if (tr->run->status != 0) {
		tui_put(t, y, x, w, tr->run->cause, ROLE_ERROR);
		return;
	}
	snprintf(buf, sizeof buf, "wall %.1f ms", (double)tr->run->wall_ns /
	    1e6);
	col += tui_put(t, y, x, w, buf, role);
	/* The figures the lesson names (show:) first, then what fits. */
	for (k = 0; b != NULL && k < b->nshow; k++) {
		if ((m = run_metric(tr->run, b->show[k])) == NULL)
			continue;
		view_figures_metric(buf, sizeof buf, m);
		if (col + 2 + (int)strlen(buf) > w)
			continue;
		col += 2 + tui_put(t, y, x + col + 2, w - col - 2, buf, role);
	}
	for (i = 0; i < tr->run->nmetrics && col + 3 < w; i++) {
		for (k = 0; b != NULL && k < b->nshow; k++)
			if (strcmp(b->show[k], tr->run->metrics[i].key) == 0)
				break;
		if (b != NULL && k < b->nshow)
			continue;
		view_figures_metric(buf, sizeof buf, &tr->run->metrics[i]);
		if (col + 2 + (int)strlen(buf) > w)
			continue;
		col += 2 + tui_put(t, y, x + col + 2, w - col - 2, buf, role);
	}
}

/* One row of the panel: the text, and its role. */
struct vf_row {
	char	*text;
	int	 role;
};

/* Add a row (takes text). */
static void
view_figures_add(struct vf_row **rows, size_t *n, char *text, int role)
{
	*rows = xreallocarray(*rows, *n + 1, sizeof **rows);
	(*rows)[*n].text = text;
	(*rows)[(*n)++].role = role;
}

/* Add a paragraph, word-wrapped to w columns. */
static void
view_figures_wrap(struct vf_row **rows, size_t *n, const char *s, int w)
{
	const char	*p = s, *brk, *q;
	size_t		 len;

	while (*p != '\0') {
		len = strlen(p);
		if ((int)len <= w) {
			view_figures_add(rows, n, xstrdup(p), ROLE_NORMAL);
			return;
		}
		for (brk = NULL, q = p; q < p + w; q++)
			if (*q == ' ')
				brk = q;
		if (brk == NULL)
			brk = p + w;
		view_figures_add(rows, n, xstrndup(p, (size_t)(brk - p)),
		    ROLE_NORMAL);
		p = brk;
		while (*p == ' ')
			p++;
	}
}

/* A figure's value alone, as the summary line writes it. */
static void
view_figures_value(char *buf, size_t n, const struct metric *m)
{
	char	tmp[160];

	view_figures_metric(tmp, sizeof tmp, m);
	snprintf(buf, n, "%s", tmp + strlen(m->key) + 1);
}

/*
 * The figures that changed from run a to run b, one line each as
 * "key  a -> b" in columns (or without padding when w is under 50),
 * wall_ms first; allocated, *n lines.
 */
char **
view_figures_diff(const struct tui_run *a, const struct tui_run *b, int w,
    size_t *n)
{
	const struct metric	*m, *am;
	const char		*fmt = w < 50 ? "%s %s -> %s" :
				    "%-22s %12s -> %-12s";
	char			 va[80], vb[80], **lines;
	size_t			 i;

	lines = xcalloc(b->run->nmetrics + 1, sizeof *lines);
	snprintf(va, sizeof va, "%.1f", (double)a->run->wall_ns / 1e6);
	snprintf(vb, sizeof vb, "%.1f", (double)b->run->wall_ns / 1e6);
	xasprintf(&lines[0], fmt, "wall_ms", va, vb);
	*n = 1;
	for (i = 0; i < b->run->nmetrics; i++) {
		m = &b->run->metrics[i];
		if ((am = run_metric(a->run, m->key)) == NULL)
			continue;
		view_figures_value(va, sizeof va, am);
		view_figures_value(vb, sizeof vb, m);
		if (strcmp(va, vb) == 0 || m->type == METRIC_INTS ||
		    m->type == METRIC_TEXT)
			continue;
		xasprintf(&lines[(*n)++], fmt, m->key, va, vb);
	}
	return lines;
}

/* The table of figures that changed since run prev: "key a -> b". */
static void
view_figures_changed(struct vf_row **rows, size_t *n,
    const struct tui_run *tr, const struct tui_run *prev, int w)
{
	char	**lines, *s, *label;
	size_t	  nlines, i;

	label = tui_demo_diff(prev, tr);
	view_figures_add(rows, n, xstrdup(""), ROLE_NORMAL);
	if (prev->seq > 0)
		xasprintf(&s, "Changed since run %u (%s):", prev->seq, label);
	else
		xasprintf(&s, "Changed since the run before (%s):", label);
	free(label);
	view_figures_add(rows, n, s, ROLE_STRONG);
	lines = view_figures_diff(prev, tr, w, &nlines);
	for (i = 0; i < nlines; i++)
		view_figures_add(rows, n, lines[i], ROLE_NORMAL);
	free(lines);
	if (nlines == 1)
		view_figures_add(rows, n, xstrdup("(no other figure changed)"),
		    ROLE_DIM);
}

/* A figure as "key value" (mine), then CPython's value when the twin ran. */
static void
view_figures_pair(char *buf, size_t n, const char *mine, const char *key,
    const struct compare *py)
{
	const struct metric	*pm;
	char			 theirs[80];

	if (py == NULL) {
		snprintf(buf, n, "%s", mine);
		return;
	}
	if ((pm = compare_metric(py, key)) != NULL)
		view_figures_value(theirs, sizeof theirs, pm);
	else
		snprintf(theirs, sizeof theirs, "-");
	snprintf(buf, n, "%-28s %-12s", mine, theirs);
}

/* The rows of the panel for run tr at text width w. */
static struct vf_row *
view_figures_rows(const struct tui_run *tr, const struct tui_run *prev,
    int w, size_t *n)
{
	const struct compare *py = tui_twin_figures(tr);
	int		 twin = atomic_load(&tr->twin_state);
	struct vf_row	*rows = NULL;
	const struct metric *m;
	char		 mine[160], buf[200], *s;
	size_t		 i;

	*n = 0;
	if (tr->seq > 0)
		xasprintf(&s, "run %u, %s: %s", tr->seq, tr->run->cls->name,
		    tr->label);
	else
		xasprintf(&s, "%s: %s", tr->run->cls->name, tr->label);
	view_figures_add(&rows, n, s, ROLE_STRONG);
	if (py != NULL) {
		xasprintf(&s, "%-28s CPython %s (its twin, the same knobs)",
		    "parlab", py->version);
		view_figures_add(&rows, n, s, ROLE_DIM);
	} else if (twin == TUI_TWIN_RUNNING || twin == TUI_TWIN_ENDED)
		view_figures_add(&rows, n, xstrdup("CPython: the twin is "
		    "running (P stops it)..."), ROLE_DIM);

	snprintf(mine, sizeof mine, "wall_ms %.1f", (double)tr->run->wall_ns /
	    1e6);
	view_figures_pair(buf, sizeof buf, mine, "wall_ms", py);
	xasprintf(&s, "%-28s %s", buf, figure_label("wall_ms"));
	view_figures_add(&rows, n, s, ROLE_NORMAL);
	for (i = 0; i < tr->run->nmetrics; i++) {
		m = &tr->run->metrics[i];
		view_figures_metric(mine, sizeof mine, m);
		view_figures_pair(buf, sizeof buf, mine, m->key, py);
		if (figure_has_label(m->key))
			xasprintf(&s, "%-28s %s", buf, figure_label(m->key));
		else
			s = xstrdup(buf);
		view_figures_add(&rows, n, s, ROLE_NORMAL);
	}
	if (prev != NULL)
		view_figures_changed(&rows, n, tr, prev, w);
	if (tr->run->nnotes > 0)
		view_figures_add(&rows, n, xstrdup(""), ROLE_NORMAL);
	for (i = 0; i < tr->run->nnotes; i++)
		view_figures_wrap(&rows, n, tr->run->notes[i], w);
	return rows;
}

/* The run the panel shows: the current one, once it has finished. */
static const struct tui_run *
view_figures_run(const struct tui *t)
{
	const struct tui_run	*tr = t->demo.cur;

	if (tr == NULL || !tr->joined || tr->run->status != 0)
		return NULL;
	return tr;
}

/* Whether the panel has something to show. */
int
view_figures_ready(const struct tui *t)
{
	return view_figures_run(t) != NULL;
}

/* Draw the figures panel over the screen. */
void
view_figures_draw(struct tui *t)
{
	const struct tui_run	*tr = view_figures_run(t);
	struct vf_row		*rows;
	size_t			 n, i;
	int			 w, h, x, y, shown, first;

	if (tr == NULL) {
		t->demo.figures = 0;
		return;
	}
	w = t->cols;
	h = t->lines - 1;
	x = 0;
	y = 0;
	rows = view_figures_rows(tr, t->demo.prev != NULL &&
	    t->demo.prev->joined && t->demo.prev->run->status == 0 ?
	    t->demo.prev : NULL, w - 4, &n);
	shown = h - 2;
	first = t->demo.figures - 1;
	if (first > (int)n - shown)
		first = (int)n - shown > 0 ? (int)n - shown : 0;
	t->demo.figures = first + 1;
	t->demo.figures_scrolls = shown < (int)n;
	view_help_frame(t, y, x, h, w, " Figures of the last run ",
	    shown >= (int)n ? " f or any key closes " : first + shown <
	    (int)n ? " j/k scroll, more below; f closes " :
	    " k scrolls up; f closes ");
	for (i = 0; (int)i < shown && (size_t)first + i < n; i++)
		tui_put(t, y + 1 + (int)i, x + 2, w - 4,
		    rows[(size_t)first + i].text, rows[(size_t)first + i].role);
	for (i = 0; i < n; i++)
		free(rows[i].text);
	free(rows);
}
