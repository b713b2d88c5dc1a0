/*
 * main.c -- the command line; every subcommand is dispatched here.
 *
 *   parlab                         the lesson menu (TUI)
 *   parlab LESSON                  open a lesson by id or by path
 *   parlab list [--json]           lessons and demos
 *   parlab run DEMO [key=value ...] [--format text|json|trace] [-o FILE]
 *                                  [--no-trace]
 *   parlab check FILE ...          validate lesson files
 *
 * Exit status: 0 success, 1 the run or the check failed, 2 bad usage or a
 * bad parameter (and then nothing runs).  A spawned worker process is
 * parlab itself started with a hidden first argument; it is recognised
 * before anything else, as a fresh interpreter would be.
 */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

enum main_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_TRACE };

static struct run	*main_run;	/* the headless run, for signals */

static int	main_list(int, char **);
static int	main_run_demo(int, char **);

/* Print the usage summary to f. */
static void
main_usage(FILE *f)
{
	fputs(
"usage: parlab [--theme NAME] [--present] [LESSON]\n"
"       parlab list [--json]\n"
"       parlab run DEMO [key=value ...] [--format text|json|trace] [-o FILE]\n"
"                  [--no-trace] [--save FILE]\n"
"       parlab show FILE [--format text|json]\n"
"       parlab check FILE ...\n"
"       parlab notes\n"
"       parlab --reset-progress | --help | --version\n", f);
}

/* The full --help text. */
static void
main_help(void)
{
	const struct demo_class *const	*dc;

	printf("parlab %s: a terminal lab for concurrency and parallelism.\n\n",
	    PACKAGE_VERSION);
	main_usage(stdout);
	fputs(
"\n"
"With no argument, parlab opens the lesson menu.  LESSON is a lesson id\n"
"(see `parlab list`) or the path of a lesson file.\n"
"\n"
"Options:\n"
"  --theme NAME        colour theme (default, light, contrast); also $PARLAB_THEME\n"
"  --present           presenter mode: autoplay, and speaker notes for\n"
"                      `parlab notes` in another terminal\n"
"  --reset-progress    forget saved progress\n"
"  --help, --version\n"
"\n"
"run options:\n"
"  --format text|json|trace   summary with an ASCII timeline (default), one\n"
"                             JSON object, or a Chrome trace for Perfetto\n"
"  -o FILE                    write the output to FILE instead of stdout\n"
"  --no-trace                 switch recording off (to measure its cost)\n"
"  --save FILE                also save the run (figures, every event) for\n"
"                             `parlab show FILE`\n"
"  scale=F                    every demo: multiply every duration by F\n"
"\n"
"Demos (`parlab list` shows their parameters):\n", stdout);
	for (dc = demo_classes; *dc != NULL; dc++)
		printf("  %-8s %s\n", (*dc)->name, (*dc)->summary);
	fputs("\nExit status: 0 success, 1 the run or check failed, "
	    "2 bad usage or parameter.\n", stdout);
}

/* A bad usage: say why and how, exit 2. */
static int PARLAB_PRINTF(1, 2)
main_bad_usage(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vwarnx_(fmt, ap);
	va_end(ap);
	main_usage(stderr);
	return 2;
}

/* SIGINT/SIGTERM during a headless run: ask it to stop cleanly. */
static void
main_on_signal(int sig)
{
	struct run	*r = main_run;

	if (r != NULL)
		atomic_store(&r->stop, 1);
	signal(sig, SIG_DFL);	/* a second one ends parlab at once */
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "theme", required_argument, NULL, 't' },
		{ "present", no_argument, NULL, 'p' },
		{ "reset-progress", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*theme = NULL;
	int		 ch, present = 0, reset = 0;

	if (argc > 1 && strcmp(argv[1], PROC_WORKER_ARG) == 0)
		return proc_worker_main(argc - 1, argv + 1);

	/* Options stop at the first word, which may be a subcommand. */
	while ((ch = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			main_help();
			return 0;
		case 'V':
			printf("parlab %s\n", PACKAGE_VERSION);
			return 0;
		case 't':
			theme = optarg;
			break;
		case 'p':
			present = 1;
			break;
		case 'R':
			reset = 1;
			break;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (reset) {
		if (argc > 0)
			return main_bad_usage("--reset-progress takes no "
			    "argument");
		return progress_reset() == 0 ? 0 : 1;
	}
	if (argc == 0)
		return tui_main(NULL, theme, present);
	if (strcmp(argv[0], "list") == 0)
		return main_list(argc, argv);
	if (strcmp(argv[0], "run") == 0)
		return main_run_demo(argc, argv);
	if (strcmp(argv[0], "notes") == 0)
		return notes_main(argc, argv);
	if (strcmp(argv[0], "show") == 0)
		return show_main(argc, argv);
	if (strcmp(argv[0], "check") == 0) {
		if (argc < 2)
			return main_bad_usage("check needs at least one file");
		return lesson_check_main(argc - 1, argv + 1);
	}
	if (argc > 1)
		return main_bad_usage("unexpected '%s' after the lesson",
		    argv[1]);
	return tui_main(argv[0], theme, present);
}

/* Print the demos (and their parameters) as text or JSON. */
static void
main_list_demos(FILE *f, int json)
{
	const struct demo_class *const	*dc;
	const struct param_spec		*s;
	struct json			 j;
	char				*line, *range;

	if (!json) {
		fputs("Demos (parlab run DEMO key=value ...):\n", f);
		for (dc = demo_classes; *dc != NULL; dc++) {
			fprintf(f, "  %-8s %s\n", (*dc)->name, (*dc)->summary);
			for (s = (*dc)->params; s->name != NULL; s++) {
				line = params_describe(s);
				fprintf(f, "      %s\n", line);
				free(line);
			}
		}
		line = params_describe(&params_common[0]);
		fprintf(f, "  every demo:\n      %s\n", line);
		free(line);
		return;
	}
	fputc('[', f);
	for (dc = demo_classes; *dc != NULL; dc++) {
		fputs(dc == demo_classes ? "{" : ",{", f);
		j.f = f;
		j.first = 1;
		json_key(&j, "name");
		json_string(f, (*dc)->name);
		json_key(&j, "summary");
		json_string(f, (*dc)->summary);
		json_key(&j, "params");
		fputc('[', f);
		for (s = (*dc)->params; s->name != NULL; s++) {
			range = params_range(s);
			fprintf(f, "%s{\"name\":", s == (*dc)->params ? "" :
			    ",");
			json_string(f, s->name);
			fputs(",\"default\":", f);
			json_string(f, s->def);
			fputs(",\"range\":", f);
			json_string(f, range);
			fputs(",\"help\":", f);
			json_string(f, s->help);
			fputc('}', f);
			free(range);
		}
		fputs("]}", f);
	}
	fputc(']', f);
}

/* parlab list [--json] */
static int
main_list(int argc, char **argv)
{
	int	json = 0;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	else if (argc != 1)
		return main_bad_usage("list takes only --json");
	if (json) {
		fputs("{\"lessons\":", stdout);
		lesson_list(stdout, 1);
		fputs(",\"demos\":", stdout);
		main_list_demos(stdout, 1);
		fputs("}\n", stdout);
	} else {
		lesson_list(stdout, 0);
		fputc('\n', stdout);
		main_list_demos(stdout, 0);
	}
	return 0;
}

/* parlab run DEMO [key=value ...] [--format F] [-o FILE] [--no-trace] */
static int
main_run_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-trace", no_argument, NULL, 'n' },
		{ "save", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct demo_class	*cls;
	enum main_format	 format = FORMAT_TEXT;
	struct params		 p;
	struct run		*r;
	const char		*out = NULL, *save = NULL;
	char			*cause = NULL;
	FILE			*f = stdout;
	int			 ch, traced = 1, status, i;

	optind = 0;	/* 0: GNU getopt starts afresh, permuting again */
	while ((ch = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "text") == 0)
				format = FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				format = FORMAT_JSON;
			else if (strcmp(optarg, "trace") == 0)
				format = FORMAT_TRACE;
			else
				return main_bad_usage("--format is text, json "
				    "or trace, not '%s'", optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'n':
			traced = 0;
			break;
		case 's':
			save = optarg;
			break;
		case 'h':
			main_list_demos(stdout, 0);
			return 0;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	/* getopt moved the key=value words after the options. */
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return main_bad_usage("run needs a demo; `parlab list` "
		    "shows them");
	if ((cls = demo_find(argv[0])) == NULL) {
		fprintf(stderr, "parlab: unknown demo '%s'; demos:", argv[0]);
		for (i = 0; demo_classes[i] != NULL; i++)
			fprintf(stderr, " %s", demo_classes[i]->name);
		fputc('\n', stderr);
		return 2;
	}
	if (params_parse(&p, cls->params, argc - 1, argv + 1, &cause) != 0 ||
	    (cls->check != NULL && cls->check(&p, &cause) != 0)) {
		fprintf(stderr, "parlab: %s: %s\n", cls->name, cause);
		free(cause);
		return 2;
	}
	if (out != NULL && (f = fopen(out, "w")) == NULL) {
		fprintf(stderr, "parlab: %s: %s\n", out, strerror(errno));
		return 1;
	}

	r = run_create(cls, &p, traced);
	main_run = r;
	signal(SIGINT, main_on_signal);
	signal(SIGTERM, main_on_signal);
	status = run_execute(r);
	main_run = NULL;
	if (status != 0) {
		fprintf(stderr, "parlab: %s: %s\n", cls->name, r->cause);
		status = 1;
	} else {
		switch (format) {
		case FORMAT_TEXT:
			status = export_text(f, r);
			break;
		case FORMAT_JSON:
			status = export_json(f, r);
			break;
		case FORMAT_TRACE:
			status = export_trace(f, r);
			break;
		}
		if (fflush(f) != 0 || status != 0) {
			fprintf(stderr, "parlab: cannot write %s: %s\n",
			    out ? out : "the output", strerror(errno));
			status = 1;
		}
		if (save != NULL && status == 0 &&
		    (status = runfile_write(save, r, &cause)) != 0) {
			fprintf(stderr, "parlab: %s\n", cause);
			free(cause);
			status = 1;
		}
		if (out != NULL && format == FORMAT_TRACE && status == 0)
			fprintf(stderr, "parlab: trace written to %s "
			    "(open it in Perfetto or chrome://tracing)\n", out);
	}
	if (f != stdout)
		fclose(f);
	run_destroy(r);
	return status;
}
