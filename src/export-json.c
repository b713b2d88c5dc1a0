/*
 * export-json.c -- the one-object JSON summary that scripts and tests read.
 *
 * The keys are a contract (DESIGN.md section 5): demo, params (every
 * parameter, defaults filled in), wall_ms, workers, events, dropped, then
 * the demo's own metrics in the order it reported them.  The small json_*
 * helpers are shared with the Chrome trace export.
 */

#include "config.h"

#include <inttypes.h>
#include <math.h>

#include "parlab.h"

/* Write s as a JSON string, escaping what JSON requires. */
void
json_string(FILE *f, const char *s)
{
	const unsigned char	*p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Write a member's key, with the comma before it when needed. */
void
json_key(struct json *j, const char *key)
{
	if (!j->first)
		fputc(',', j->f);
	j->first = 0;
	json_string(j->f, key);
	fputc(':', j->f);
}

/* Write a number; JSON has no NaN or infinity, so those become null. */
void
json_double(FILE *f, double v)
{
	if (!isfinite(v))
		fputs("null", f);
	else
		fprintf(f, "%.3f", v);
}

/* The params object: every parameter with its value. */
static void
export_json_params(FILE *f, const struct params *p)
{
	struct json			 j = { f, 1 };
	const struct param_value	*v;
	unsigned			 i, k;

	fputc('{', f);
	for (i = 0; i < p->n; i++) {
		v = &p->v[i];
		json_key(&j, v->spec->name);
		switch (v->spec->type) {
		case PARAM_INT:
			fprintf(f, "%lld", (long long)v->num);
			break;
		case PARAM_FLOAT:
			fprintf(f, "%g", v->num);
			break;
		case PARAM_CHOICE:
			json_string(f, v->text);
			break;
		case PARAM_LIST:
			fputc('[', f);
			for (k = 0; k < v->nlist; k++)
				fprintf(f, "%s%" PRId64, k ? "," : "",
				    v->list[k]);
			fputc(']', f);
			break;
		}
	}
	fputc('}', f);
}

/* The workers array, one object per worker lane. */
static void
export_json_workers(FILE *f, const struct trace *tr)
{
	struct lane_stats	 st;
	struct json		 j;
	unsigned		 lane, c, n = 0, k;
	char			 name[TRACE_NAME_LEN];

	fputc('[', f);
	for (lane = 0; tr != NULL && lane < trace_lanes(tr); lane++) {
		if (!run_is_worker_lane(tr, lane))
			continue;
		run_lane_stats(tr, lane, &st);
		fputs(n++ ? ",{" : "{", f);
		j.f = f;
		j.first = 1;
		json_key(&j, "lane");
		json_string(f, trace_lane_name(tr, lane, name, sizeof name));
		json_key(&j, "type");
		json_string(f, trace_lane_type_names[trace_lane(tr,
		    lane)->type]);
		if (trace_lane(tr, lane)->type == LANE_PROCESS) {
			json_key(&j, "pid");
			fprintf(f, "%d", (int)trace_lane(tr, lane)->pid);
		}
		json_key(&j, "cpu_ms");
		json_double(f, st.cpu_ms);
		json_key(&j, "wait_ms");
		json_double(f, st.wait_ms);
		json_key(&j, "io_ms");
		json_double(f, st.io_ms);
		json_key(&j, "start_ms");
		json_double(f, st.start_ms);
		json_key(&j, "cores");
		fputc('[', f);
		for (c = 0, k = 0; c < TRACE_MAX_CORES; c++)
			if (st.cores & (1ULL << c))
				fprintf(f, "%s%u", k++ ? "," : "", c);
		fputs("]}", f);
	}
	fputc(']', f);
}

/* One metric's value. */
static void
export_json_metric(FILE *f, const struct metric *m)
{
	size_t	i;

	switch (m->type) {
	case METRIC_INT:
		fprintf(f, "%" PRId64, m->i);
		break;
	case METRIC_FLOAT:
		json_double(f, m->f);
		break;
	case METRIC_BOOL:
		fputs(m->i ? "true" : "false", f);
		break;
	case METRIC_INTS:
		fputc('[', f);
		for (i = 0; i < m->nints; i++)
			fprintf(f, "%s%" PRId64, i ? "," : "", m->ints[i]);
		fputc(']', f);
		break;
	case METRIC_TEXT:
		json_string(f, m->text);
		break;
	case METRIC_JSON:
		fputs(m->text, f);
		break;
	}
}

/* The whole summary as exactly one JSON object and a newline. */
int
export_json(FILE *f, struct run *r)
{
	struct trace	*tr = atomic_load(&r->trace);
	struct json	 j = { f, 1 };
	size_t		 i;

	fputc('{', f);
	json_key(&j, "demo");
	json_string(f, r->cls->name);
	json_key(&j, "params");
	export_json_params(f, &r->params);
	json_key(&j, "wall_ms");
	json_double(f, (double)r->wall_ns / 1e6);
	json_key(&j, "traced");
	fputs(r->traced ? "true" : "false", f);
	json_key(&j, "workers");
	export_json_workers(f, tr);
	json_key(&j, "events");
	fprintf(f, "%" PRIu64, tr ? trace_total_events(tr) : 0);
	json_key(&j, "dropped");
	fprintf(f, "%" PRIu64, tr ? trace_total_dropped(tr) : 0);
	json_key(&j, "trace_bytes");
	fprintf(f, "%zu", tr ? trace_mapping_bytes(tr) : (size_t)0);
	for (i = 0; i < r->nmetrics; i++) {
		json_key(&j, r->metrics[i].key);
		export_json_metric(f, &r->metrics[i]);
	}
	if (r->cpython != NULL) {	/* --compare python */
		json_key(&j, "cpython");
		fputs("{\"version\":", f);
		json_string(f, r->cpython->version);
		for (i = 0; i < r->cpython->n; i++) {
			fputc(',', f);
			json_string(f, r->cpython->v[i].key);
			fputc(':', f);
			export_json_metric(f, &r->cpython->v[i]);
		}
		fputc('}', f);
	}
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}
