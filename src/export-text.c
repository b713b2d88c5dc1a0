/*
 * export-text.c -- the headless summary: figures, workers, ASCII timeline.
 *
 * Readable in 80 columns: the timeline is a label column and 64 columns of
 * glyphs, one lane a row, each glyph the state that dominated that slice of
 * time (timeline.c decides which).  A value lane shows digits: the queue's
 * depth, or which thread holds the GIL.  The legend is printed with it,
 * since a glyph alone explains nothing.
 */

#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define TEXT_COLS	64
#define TEXT_MAX_LANES	24

/* One digit or letter for a small number: 0-9, a-z, then '*'. */
static char
export_text_digit(int64_t v)
{
	if (v < 0)
		return ' ';
	if (v < 10)
		return (char)('0' + v);
	if (v < 36)
		return (char)('a' + v - 10);
	return '*';
}

/* One lane as a row of glyphs. */
static void
export_text_lane(FILE *f, const struct timeline *tl, unsigned lane,
    uint64_t t1)
{
	const struct trace_lane	*l = trace_lane(tl->trace, lane);
	uint8_t			 st[TEXT_COLS];
	int64_t			 val[TEXT_COLS];
	char			 row[TEXT_COLS + 1], name[TRACE_NAME_LEN];
	unsigned		 c;

	if (l->type == LANE_GIL || l->type == LANE_COUNTER) {
		/* The GIL's holder (a lane number, -1 nobody) or a count. */
		timeline_fold_counter(tl, lane, 0, t1, TEXT_COLS, val);
		for (c = 0; c < TEXT_COLS; c++) {
			if (val[c] == TL_NOVALUE || val[c] < 0)
				row[c] = l->type == LANE_GIL && val[c] == -1 ?
				    '-' : ' ';
			else
				row[c] = export_text_digit(val[c]);
		}
	} else {
		timeline_fold(tl, lane, 0, t1, TEXT_COLS, st);
		for (c = 0; c < TEXT_COLS; c++)
			row[c] = trace_states[st[c]].ascii;
		/* Labelled work items: the item's number where it starts. */
		timeline_fold_labels(tl, lane, 0, t1, TEXT_COLS, val);
		for (c = 0; c < TEXT_COLS; c++)
			if (val[c] != TL_NOVALUE)
				row[c] = export_text_digit(val[c] % 36);
	}
	row[TEXT_COLS] = '\0';
	fprintf(f, "%-8.8s|%s|\n", trace_lane_name(tl->trace, lane, name,
	    sizeof name), row);
}

/*
 * The ASCII timeline of a run, from 0 to the end of the run; at most
 * max_lanes lanes are drawn, then a count of the rest.
 */
void
export_text_timeline(FILE *f, const struct timeline *tl, unsigned max_lanes,
    int legend)
{
	uint64_t	t1 = tl->t_end ? tl->t_end : 1;
	unsigned	lane, shown = 0;
	char		end[32];

	for (lane = 0; lane < tl->nlanes; lane++) {
		if (shown == max_lanes) {
			fprintf(f, "%8s  ... and %u more lanes\n", "",
			    tl->nlanes - lane);
			break;
		}
		export_text_lane(f, tl, lane, t1);
		shown++;
	}
	snprintf(end, sizeof end, "%.1f ms", (double)t1 / 1e6);
	fprintf(f, "%8s 0%*s\n", "", TEXT_COLS, end);
	if (legend)
		export_text_legend(f);
}

/* The legend: every state's glyph and meaning, and the value lanes. */
void
export_text_legend(FILE *f)
{
	int	s;

	fputs("legend:", f);
	for (s = STATE_STARTING; s < STATE_DONE; s++) {
		if (s == STATE_READY)
			fputs("\n       ", f);
		fprintf(f, " '%c' %s%s", trace_states[s].ascii,
		    trace_states[s].name, s + 1 < STATE_DONE ? "," : "");
	}
	fprintf(f, ", '%c' %s", trace_states[STATE_WAIT_GIL].ascii,
	    trace_states[STATE_WAIT_GIL].name);
	fputs(", ' ' idle or done\n", f);
	fputs("        GIL lane: the holder's lane number, '-' nobody; "
	    "counter lanes: a count;\n        a digit in a worker's lane: the "
	    "work item it starts there\n", f);
}

/* Print text indented by two, wrapped at word boundaries to 78 columns. */
static void
export_text_wrap(FILE *f, const char *text)
{
	const char	*p = text, *end, *sp;
	size_t		 width = 76;

	while (*p != '\0') {
		end = p + strlen(p);
		if ((size_t)(end - p) > width) {
			end = p + width;
			for (sp = end; sp > p && *sp != ' '; sp--)
				;
			if (sp > p)
				end = sp;
		}
		fprintf(f, "  %s%.*s\n", p == text ? "" : "  ",
		    (int)(end - p), p);
		p = *end == ' ' ? end + 1 : end;
		width = 74;
	}
}

/* Print a metric's value as text, without its name; the columns used. */
static int
export_text_value(FILE *f, const struct metric *m)
{
	size_t	i;
	int	col = 0;

	switch (m->type) {
	case METRIC_INT:
		col += fprintf(f, "%" PRId64, m->i);
		break;
	case METRIC_FLOAT:
		col += fprintf(f, "%.3f", m->f);
		break;
	case METRIC_BOOL:
		col += fprintf(f, "%s", m->i ? "yes" : "no");
		break;
	case METRIC_INTS:
		for (i = 0; i < m->nints && i < 16; i++)
			fprintf(f, "%s%" PRId64, i ? ", " : "", m->ints[i]);
		if (m->nints > 16)
			fprintf(f, ", ... (%zu in all)", m->nints);
		break;
	case METRIC_TEXT:
	case METRIC_JSON:	/* the notes say it in words */
		col += fprintf(f, "%s", m->text);
		break;
	}
	return col;
}

/*
 * Print a metric as text; with a CPython twin's run (c), its figure of the
 * same name goes in a second column.
 */
static void
export_text_metric(FILE *f, const struct metric *m, const struct compare *c)
{
	const struct metric	*cm;
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*mf;
	int			 col;

	col = fprintf(f, "  %-20s ", m->key);
	if (c == NULL || (mf = open_memstream(&buf, &len)) == NULL) {
		col += export_text_value(f, m);
		/* Student words from figure.c, as the TUI's figures panel
		 * shows, when they fit the 80 columns. */
		if (figure_has_label(m->key) && m->type != METRIC_INTS &&
		    m->type != METRIC_TEXT && m->type != METRIC_JSON &&
		    col + 3 + (int)strlen(figure_label(m->key)) <= 80)
			fprintf(f, "   %s", figure_label(m->key));
		fputc('\n', f);
		return;
	}
	export_text_value(mf, m);
	fclose(mf);
	fprintf(f, "%-24s ", buf);
	free(buf);
	if ((cm = compare_metric(c, m->key)) != NULL)
		export_text_value(f, cm);
	else
		fputc('-', f);
	fputc('\n', f);
}

/* Print the worker table: one row per worker lane (at most 24). */
static void
export_text_workers(FILE *f, const struct trace *tr)
{
	struct lane_stats	st;
	unsigned		lane, shown = 0, c;
	char			name[TRACE_NAME_LEN];

	fprintf(f, "  %-8s %10s %10s %10s  %s\n", "lane", "cpu ms", "wait ms",
	    "io ms", "cores");
	for (lane = 0; lane < trace_lanes(tr); lane++) {
		if (!run_is_worker_lane(tr, lane))
			continue;
		if (shown++ == TEXT_MAX_LANES) {
			fprintf(f, "  ...\n");
			break;
		}
		run_lane_stats(tr, lane, &st);
		fprintf(f, "  %-8.8s %10.1f %10.1f %10.1f  ",
		    trace_lane_name(tr, lane, name, sizeof name), st.cpu_ms,
		    st.wait_ms, st.io_ms);
		for (c = 0; c < TRACE_MAX_CORES; c++)
			if (st.cores & (1ULL << c))
				fprintf(f, "%u ", c);
		fputc('\n', f);
	}
}

/* "demo: key=value ...", wrapped to 80 columns under the demo's name. */
static void
export_text_header(FILE *f, const struct run *r)
{
	const struct param_value	*v;
	size_t				 col, len, indent;
	unsigned			 i;

	col = indent = (size_t)fprintf(f, "%s:", r->cls->name);
	for (i = 0; i < r->params.n; i++) {
		v = &r->params.v[i];
		len = 1 + strlen(v->spec->name) + 1 + strlen(v->text);
		if (col + len > 80 && col > indent) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		}
		col += (size_t)fprintf(f, " %s=%s", v->spec->name, v->text);
	}
	fputc('\n', f);
}

/* The whole text summary of a finished run. */
int
export_text(FILE *f, struct run *r)
{
	struct trace	*tr = atomic_load(&r->trace);
	struct timeline	*tl;
	struct metric	 wall;
	size_t		 i;

	memset(&wall, 0, sizeof wall);
	export_text_header(f, r);
	if (r->cpython != NULL) {
		fprintf(f, "  %-20s %-24s CPython %s\n", "", "parlab",
		    r->cpython->version);
		wall.key = (char *)"wall_ms";
		wall.type = METRIC_FLOAT;
		wall.f = (double)r->wall_ns / 1e6;
		export_text_metric(f, &wall, r->cpython);
	} else
		fprintf(f, "  %-20s %.1f\n", "wall_ms",
		    (double)r->wall_ns / 1e6);
	for (i = 0; i < r->nmetrics; i++)
		export_text_metric(f, &r->metrics[i], r->cpython);
	for (i = 0; i < r->nnotes; i++)
		export_text_wrap(f, r->notes[i]);
	if (tr == NULL)
		return 0;
	fputc('\n', f);
	export_text_workers(f, tr);
	fputc('\n', f);
	if (!trace_recording(tr)) {
		fputs("(recording was off: --no-trace)\n", f);
		return 0;
	}
	tl = timeline_create(tr);
	timeline_finish(tl, r->end_trace_ns);
	export_text_timeline(f, tl, TEXT_MAX_LANES, 1);
	timeline_destroy(tl);
	fprintf(f, "events %" PRIu64 ", dropped %" PRIu64 "\n",
	    trace_total_events(tr), trace_total_dropped(tr));
	return 0;
}
