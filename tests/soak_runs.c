/*
 * soak_runs.c -- run every demo many times in one process and watch for
 * growth: resident memory, open file descriptors, threads and children.
 *
 *   tests/soak_runs [RUNS [DEMO]]       default 1000 runs of every demo
 *
 * Separate `parlab run` processes would hide a leak (each exit frees
 * everything), so this links libparlab.a and does what main.c does for one
 * headless run -- run_create, run_execute, an export, run_destroy -- RUNS
 * times per demo class.  Parameters are shrunk generically from the schema
 * (scale=0.01; whole numbers above 4 become 4 or their minimum; list items
 * likewise) and each choice parameter cycles through its choices, so sync,
 * gil, start and backend modes are all soaked.
 *
 * Every 100 runs it prints RSS (from /proc/self/statm) and open fds (from
 * /proc/self/fd).  After every run no thread but this one may remain (in
 * /proc/self/task) and no child process (proc_live()).  It fails if, after
 * a warm-up of the first 100 runs, RSS grows by more than SOAK_RSS_SLACK_KB
 * (default 4096) or the fd count changes at all.
 */

#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

#define SOAK_WARMUP	100
#define SOAK_EVERY	100

/* Resident set size in KiB. */
static long
soak_rss_kb(void)
{
	FILE	*f = fopen("/proc/self/statm", "r");
	long	 size = 0, res = 0;

	if (f == NULL)
		fatal("cannot open /proc/self/statm");
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		fatal("cannot read /proc/self/statm");
	fclose(f);
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Entries in a /proc/self directory, less "." and ".." (and the DIR's fd). */
static int
soak_count(const char *path, int own_fd)
{
	DIR		*d = opendir(path);
	struct dirent	*e;
	int		 n = 0;

	if (d == NULL)
		fatal("cannot open %s", path);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - own_fd;
}

/* Threads of this process, waiting up to a second for exiting ones. */
static int
soak_threads(void)
{
	int	i, n = 0;

	for (i = 0; i < 100; i++) {
		if ((n = soak_count("/proc/self/task", 0)) == 1)
			break;
		clock_sleep_ns(10 * NS_PER_MS);
	}
	return n;
}

/* Set one parameter from text; the soak's own choices must be valid. */
static void
soak_set(struct params *p, const char *name, const char *fmt, ...)
{
	char	*kv, *val, *cause = NULL;
	va_list	 ap;

	va_start(ap, fmt);
	xvasprintf(&val, fmt, ap);
	va_end(ap);
	xasprintf(&kv, "%s=%s", name, val);
	if (params_set(p, kv, &cause) != 0)
		fatal("soak: %s", cause);
	free(kv);
	free(val);
}

/* Small parameters for run i of a demo, from its schema. */
static void
soak_params(struct params *p, const struct demo_class *cls, unsigned i)
{
	const struct param_spec	*s;
	const char		*c;
	char			 list[160];
	unsigned		 k, nchoices;
	double			 v;
	size_t			 len;

	params_init(p, cls->params);
	soak_set(p, "scale", "0.01");
	for (s = cls->params; s->name != NULL; s++) {
		const struct param_value *pv = params_get(p, s->name);

		switch (s->type) {
		case PARAM_INT:
			v = pv->num;
			if (v > 4)
				soak_set(p, s->name, "%.0f", s->min > 4 ?
				    s->min : 4);
			break;
		case PARAM_CHOICE:
			for (nchoices = 1, c = s->choices; *c != '\0'; c++)
				nchoices += *c == '|';
			c = s->choices;
			for (k = 0; k < i % nchoices; k++)
				c = strchr(c, '|') + 1;
			len = strcspn(c, "|");
			soak_set(p, s->name, "%.*s", (int)len, c);
			break;
		case PARAM_LIST:
			list[0] = '\0';
			for (k = 0; k < pv->nlist; k++) {
				v = (double)pv->list[k];
				if (v > 4)
					v = s->min > 4 ? s->min : 4;
				len = strlen(list);
				snprintf(list + len, sizeof list - len,
				    "%s%.0f", k ? "," : "", v);
			}
			soak_set(p, s->name, "%s", list);
			break;
		case PARAM_FLOAT:
			break;
		}
	}
}

/* Soak one demo; 0 if nothing grew. */
static int
soak_demo(const struct demo_class *cls, unsigned runs, long slack_kb,
    FILE *sink)
{
	struct params	 p;
	struct run	*r;
	long		 rss, rss0 = 0, rss_max = 0;
	int		 fds, fds0 = 0, threads;
	unsigned	 i;

	for (i = 1; i <= runs; i++) {
		soak_params(&p, cls, i);
		r = run_create(cls, &p, 1);
		if (run_execute(r) != 0) {
			fprintf(stderr, "soak: %s run %u failed: %s\n",
			    cls->name, i, r->cause);
			run_destroy(r);
			return -1;
		}
		/* Exercise the exports as the CLI does, into /dev/null. */
		if (export_json(sink, r) != 0 || export_text(sink, r) != 0)
			fatal("soak: %s: export failed", cls->name);
		run_destroy(r);

		if ((threads = soak_threads()) != 1) {
			fprintf(stderr, "soak: %s run %u left %d threads\n",
			    cls->name, i, threads - 1);
			return -1;
		}
		if (proc_live() != 0) {
			fprintf(stderr, "soak: %s run %u left %u children\n",
			    cls->name, i, proc_live());
			return -1;
		}
		if (i % SOAK_EVERY != 0 && i != runs)
			continue;
		rss = soak_rss_kb();
		fds = soak_count("/proc/self/fd", 1);
		printf("soak: %-8s run %5u  rss %6ld KiB  fds %d\n", cls->name,
		    i, rss, fds);
		fflush(stdout);
		if (i == SOAK_WARMUP || (runs < SOAK_WARMUP && i == runs)) {
			rss0 = rss_max = rss;
			fds0 = fds;
		} else if (i > SOAK_WARMUP) {
			if (rss > rss_max)
				rss_max = rss;
			if (fds != fds0) {
				fprintf(stderr, "soak: %s: open fds went from "
				    "%d to %d\n", cls->name, fds0, fds);
				return -1;
			}
		}
	}
	if (rss_max - rss0 > slack_kb) {
		fprintf(stderr, "soak: %s: RSS grew by %ld KiB after warm-up "
		    "(%ld to %ld; allowed %ld)\n", cls->name, rss_max - rss0,
		    rss0, rss_max, slack_kb);
		return -1;
	}
	printf("soak: %-8s ok: %u runs, RSS %+ld KiB after warm-up, fds "
	    "flat at %d\n", cls->name, runs, rss_max - rss0, fds0);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct demo_class *const	*dc;
	const char			*only = NULL, *env;
	unsigned			 runs = 1000;
	long				 slack_kb = 4096;
	int				 status = 0;
	FILE				*sink;

	/* A spawned worker process execs this program: act like parlab. */
	if (argc > 1 && strcmp(argv[1], PROC_WORKER_ARG) == 0)
		return proc_worker_main(argc - 1, argv + 1);
	if (argc > 1 && (runs = (unsigned)strtoul(argv[1], NULL, 10)) == 0)
		fatal("usage: soak_runs [RUNS [DEMO]]");
	if (argc > 2)
		only = argv[2];
	if ((env = getenv("SOAK_RSS_SLACK_KB")) != NULL)
		slack_kb = strtol(env, NULL, 10);
	if ((sink = fopen("/dev/null", "w")) == NULL)
		fatal("cannot open /dev/null");
	for (dc = demo_classes; *dc != NULL; dc++) {
		if (only != NULL && strcmp((*dc)->name, only) != 0)
			continue;
		if (soak_demo(*dc, runs, slack_kb, sink) != 0)
			status = 1;
	}
	fclose(sink);
	return status;
}
