/*
 * step-main.c -- `parlab step`: the stepper from the command line.
 *
 *   parlab step PROGRAM [--script 0,1,...] [--goal GOAL]
 *                       [--format text|json]
 *   parlab step --list
 *
 * With a script, each number is the thread that takes the next step; the
 * final state is printed as text or as one JSON object (DESIGN.md section
 * 5).  A step of a blocked or finished thread is refused: a message naming
 * the step and why, exit 2, nothing printed on stdout.  Without a script on
 * a terminal the interactive stepper opens (view-step.c); without a
 * terminal the starting state is printed.
 */

#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

static const char *const step_state_names[] = {
	[STEP_READY] = "ready", [STEP_BLOCKED] = "blocked",
	[STEP_DONE] = "done"
};

/* The code of step i of the schedule: which statement it ran. */
static const struct step_insn *
step_nth(const struct step_state *st, unsigned i)
{
	unsigned	t = st->sched[i], pc = 0, k;

	for (k = 0; k < i; k++)
		if (st->sched[k] == t)
			pc++;
	return &st->p->thread[t].insn[pc];
}

/* Write the locks thread t holds as a JSON array. */
static void
step_json_holds(FILE *f, const struct step_state *st, unsigned t)
{
	unsigned	i, n = 0;

	fputc('[', f);
	for (i = 0; i < st->p->nobj; i++)
		if (st->p->obj[i].kind == STEP_LOCK &&
		    st->holder[i] == (int)t) {
			fputs(n++ ? "," : "", f);
			json_string(f, st->p->obj[i].name);
		}
	fputc(']', f);
}

/* Print the state as one JSON object (the `parlab step` contract). */
void
step_print_json(FILE *f, const struct step_state *st,
    const struct step_goal *g)
{
	const struct step_program	*p = st->p;
	struct step_link		 links[STEP_MAX_THREADS];
	struct json			 j = { f, 1 }, jl;
	unsigned			 i, t, n;
	char				*why, name[8];

	fputc('{', f);
	json_key(&j, "program");
	json_string(f, p->name);
	json_key(&j, "title");
	json_string(f, p->title);
	json_key(&j, "goal");
	if (g->text != NULL)
		json_string(f, g->text);
	else
		fputs("null", f);
	json_key(&j, "steps");
	fputc('[', f);
	for (i = 0; i < st->nsched; i++) {
		fprintf(f, "%s{\"thread\":%u,\"code\":", i ? "," : "",
		    st->sched[i]);
		json_string(f, step_nth(st, i)->text);
		fputc('}', f);
	}
	fputc(']', f);
	json_key(&j, "shared");
	jl.f = f;
	jl.first = 1;
	fputc('{', f);
	for (i = 0; i < p->nshared; i++) {
		json_key(&jl, p->shared[i]);
		fprintf(f, "%lld", (long long)st->shared[i]);
	}
	fputc('}', f);
	json_key(&j, "threads");
	fputc('[', f);
	for (t = 0; t < p->nthreads; t++) {
		enum step_tstate s = step_status(st, t, &why);

		fprintf(f, "%s{\"name\":\"T%u\",\"pc\":%u,\"locals\":{",
		    t ? "," : "", t, st->pc[t]);
		jl.first = 1;
		for (i = 0; i < p->thread[t].nlocal; i++)
			if (st->local_set[t][i]) {
				json_key(&jl, p->thread[t].local[i]);
				fprintf(f, "%lld",
				    (long long)st->local[t][i]);
			}
		fputs("},\"state\":", f);
		json_string(f, step_state_names[s]);
		fputs(",\"holds\":", f);
		step_json_holds(f, st, t);
		if (s == STEP_BLOCKED) {
			fputs(",\"waiting\":", f);
			json_string(f, why);
		}
		free(why);
		fputc('}', f);
	}
	fputc(']', f);
	json_key(&j, "deadlock");
	fputs(step_deadlocked(st) ? "true" : "false", f);
	if (step_deadlocked(st)) {
		json_key(&j, "cycle");
		fputc('[', f);
		n = step_cycle(st, links);
		for (i = 0; i < n; i++) {
			snprintf(name, sizeof name, "T%d", links[i].thread);
			fputs(i ? ",{\"thread\":" : "{\"thread\":", f);
			json_string(f, name);
			fputs(",\"holds\":", f);
			step_json_holds(f, st, (unsigned)links[i].thread);
			fputs(",\"waits_for\":", f);
			json_string(f, p->obj[links[i].waits_obj].name);
			fprintf(f, ",\"held_by\":\"T%d\"}", links[i].holder);
		}
		fputc(']', f);
	}
	json_key(&j, "goal_met");
	fputs(step_goal_met(st, g) ? "true" : "false", f);
	fputs("}\n", f);
}

/* Print the state for a reader: code with the program counters. */
void
step_print_text(FILE *f, const struct step_state *st,
    const struct step_goal *g)
{
	const struct step_program	*p = st->p;
	struct step_link		 links[STEP_MAX_THREADS];
	unsigned			 i, t, n;
	char				*why, *msg;

	fprintf(f, "%s: %s\nsteps:", p->name, p->title);
	for (i = 0; i < st->nsched; i++)
		fprintf(f, " T%u", st->sched[i]);
	fputs(st->nsched == 0 ? " none yet\nshared:" : "\nshared:", f);
	for (i = 0; i < p->nshared; i++)
		fprintf(f, "%s %s = %lld", i ? "," : "", p->shared[i],
		    (long long)st->shared[i]);
	fputc('\n', f);
	for (t = 0; t < p->nthreads; t++) {
		enum step_tstate s = step_status(st, t, &why);

		fprintf(f, "\nT%u (%s)\n", t, step_state_names[s]);
		for (i = 0; i < p->thread[t].n; i++)
			fprintf(f, "  %s %s\n", i == st->pc[t] ? "->" : "  ",
			    p->thread[t].insn[i].text);
		fputs("  locals:", f);
		for (n = 0, i = 0; i < p->thread[t].nlocal; i++)
			if (st->local_set[t][i])
				fprintf(f, "%s %s = %lld", n++ ? "," : "",
				    p->thread[t].local[i],
				    (long long)st->local[t][i]);
		fputs(n == 0 ? " none\n" : "\n", f);
		if (s == STEP_BLOCKED)
			fprintf(f, "  blocked: %s\n", why);
		free(why);
	}
	if (step_deadlocked(st)) {
		fputs("\nDeadlock: every thread that has not finished is "
		    "waiting.\n", f);
		n = step_cycle(st, links);
		for (i = 0; i < n; i++)
			fprintf(f, "  T%d waits for %s, held by T%d\n",
			    links[i].thread,
			    p->obj[links[i].waits_obj].name, links[i].holder);
	}
	if ((msg = step_goal_message(g)) != NULL) {
		fprintf(f, "\n%s %s\n", msg, step_goal_met(st, g) ?
		    "Reached." : "Not reached yet.");
		free(msg);
	}
}

/* Run the comma-separated script on st; 2 with a message if refused. */
static int
step_script(struct step_state *st, const char *script)
{
	const char	*s = script;
	char		*end, *cause = NULL;
	unsigned long	 t;
	unsigned	 k = 0;

	while (*s != '\0') {
		k++;
		if (*s < '0' || *s > '9') {
			warnx_("--script is thread numbers separated by "
			    "commas, like 0,1,0: '%s'", script);
			return 2;
		}
		t = strtoul(s, &end, 10);
		if (step_take(st, t > STEP_MAX_THREADS ? STEP_MAX_THREADS :
		    (unsigned)t, &cause) != 0) {
			warnx_("step %u refused: %s", k, cause);
			free(cause);
			return 2;
		}
		s = end;
		if (*s == ',' && s[1] != '\0')
			s++;
		else if (*s != '\0') {
			warnx_("--script is thread numbers separated by "
			    "commas, like 0,1,0: '%s'", script);
			return 2;
		}
	}
	return 0;
}

/* parlab step --list: the built-in programs and their titles. */
static int
step_list(void)
{
	struct step_program	*p;
	char			**v, *cause;
	size_t			 n, i;

	v = step_builtins(&n);
	for (i = 0; i < n; i++) {
		if ((p = step_load(v[i], &cause)) == NULL) {
			printf("  %-18s (broken: %s)\n", v[i], cause);
			free(cause);
		} else
			printf("  %-18s %s\n", v[i], p->title);
		step_program_free(p);
		free(v[i]);
	}
	free(v);
	return 0;
}

/* parlab step PROGRAM [--script LIST] [--goal GOAL] [--format F] */
int
step_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "script", required_argument, NULL, 's' },
		{ "goal", required_argument, NULL, 'g' },
		{ "format", required_argument, NULL, 'f' },
		{ "list", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct step_program	*p;
	struct step_state	 st;
	struct step_goal	 goal;
	const char		*script = NULL, *goaltext = NULL;
	char			*cause = NULL;
	int			 ch, json = 0, status;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "s:g:f:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 's':
			script = optarg;
			break;
		case 'g':
			goaltext = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "text") != 0) {
				warnx_("step: --format is text or json, not "
				    "'%s'", optarg);
				return 2;
			}
			json = optarg[0] == 'j';
			break;
		case 'l':
			return step_list();
		default:
			goto usage;
		}
	}
	if (argc - optind != 1)
		goto usage;
	if ((p = step_load(argv[optind], &cause)) == NULL) {
		warnx_("%s", cause);
		free(cause);
		return 2;
	}
	goal = p->goal;
	goal.text = NULL;
	if (goaltext != NULL && step_goal_parse(p, goaltext, &goal,
	    &cause) != 0) {
		warnx_("step: --goal: %s", cause);
		free(cause);
		step_program_free(p);
		return 2;
	}
	if (goaltext == NULL && p->goal.text != NULL)
		goal.text = xstrdup(p->goal.text);
	step_reset(&st, p);
	if (script == NULL && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		struct step_view *sv = step_view_create(p, &goal, 1);

		/* The screen took the program and the goal over. */
		status = tui_step_main(sv);
		step_view_destroy(sv);
		return status;
	} else if ((status = step_script(&st, script ? script : "")) == 0) {
		if (json)
			step_print_json(stdout, &st, &goal);
		else
			step_print_text(stdout, &st, &goal);
	}
	free(goal.text);
	step_program_free(p);
	return status;

usage:
	fputs("usage: parlab step PROGRAM [--script 0,1,...] [--goal GOAL] "
	    "[--format text|json]\n       parlab step --list\n", stderr);
	return 2;
}
