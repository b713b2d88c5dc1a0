/*
 * main.c -- the command line; every subcommand is dispatched here.
 *
 *   parlab                         the lesson menu (TUI)
 *   parlab LESSON                  open a lesson by id or by path
 *   parlab list [--json]           lessons and demos
 *   parlab run DEMO [key=value ...] [--format text|json|trace] [-o FILE]
 *                                  [--no-trace]
 *   parlab check FILE ...          validate lesson files
 *   parlab progress [--json]       what this student has done
 *
 * Exit status: 0 success, 1 the run or the check failed, 2 bad usage or a
 * bad parameter (and then nothing runs).  A spawned worker process is
 * parlab itself started with a hidden first argument; it is recognised
 * before anything else, as a fresh interpreter would be.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

enum main_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_TRACE };

/*
 * Where a run's output goes.  With -o FILE a regular file is written as
 * FILE.tmp.XXXXXX in FILE's folder and renamed over FILE only when the run
 * succeeded, so a failed or interrupted run leaves FILE as it was.  A
 * device or FIFO named by -o is written in place (it cannot be renamed
 * over); a symlink is followed, never replaced.
 */
struct main_out {
	FILE		*f;
	const char	*name;		/* as the user gave it, for messages */
	char		*target;	/* what is renamed over, or NULL */
	char		*tmp;		/* the temp file, or NULL */
};

static struct run	*main_run;	/* the headless run, for signals */
static int		 main_stdout_closed;	/* fd 1 was closed at start */

static int	main_dispatch(int, char **);
static int	main_list(int, char **);
static int	main_run_demo(int, char **);

/* Print the usage summary to f. */
static void
main_usage(FILE *f)
{
	fputs(
"usage: parlab [--theme NAME] [--present] [LESSON [--page N]]\n"
"       parlab list [--json]\n"
"       parlab run DEMO [key=value ...] [--format text|json|trace] [-o FILE]\n"
"                  [--no-trace] [--compare python] [--save FILE]\n"
"       parlab show FILE [--format text|json]\n"
"       parlab check [--dump] [--run] [--strict] [--watch] FILE ...\n"
"       parlab progress [--json]\n"
"       parlab step PROGRAM [--script 0,1,...] [--goal GOAL]\n"
"                  [--format text|json]\n"
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
"  --page N            open LESSON at page N (the file is reloaded on save)\n"
"  --reset-progress    forget saved progress (`parlab progress` shows it)\n"
"  --help, --version\n"
"\n"
"run options:\n"
"  --format text|json|trace   summary with an ASCII timeline (default), one\n"
"                             JSON object, or a Chrome trace for Perfetto\n"
"  -o FILE                    write the output to FILE instead of stdout;\n"
"                             FILE is replaced only if the run succeeds\n"
"  --no-trace                 switch recording off (to measure its cost)\n"
"  --save FILE                also save the run (figures, every event) for\n"
"                             `parlab show FILE`\n"
"  --compare python           also run the demo's CPython twin beside it\n"
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

/*
 * Make fds 0-2 valid before anything opens a file, so no file, pipe or
 * memfd of ours becomes a standard stream (an export written into the
 * trace's own memory).  A closed stdout or stderr gets /dev/null read-only:
 * every write to it fails and is reported instead of vanishing.
 */
static void
main_std_fds(void)
{
	int	fd, nul;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if ((nul = open("/dev/null", O_RDONLY)) == -1)
			_exit(1);	/* no /dev/null: nothing is safe */
		if (nul != fd) {
			dup2(nul, fd);
			close(nul);
		}
		if (fd == 1)
			main_stdout_closed = 1;
	}
}

/* Flush and close stdout; a lost write is an error (exit 1), said once. */
static int
main_close_stdout(int status)
{
	int	failed, err;

	errno = 0;
	failed = fflush(stdout) != 0 || ferror(stdout);
	err = errno;
	if (fclose(stdout) != 0 && !failed) {
		failed = 1;
		err = errno;
	}
	if (!failed || status != 0)
		return status;
	warnx_("cannot write to standard output: %s",
	    err != 0 ? strerror(err) : "write error");
	return 1;
}

/* The page of --page N: a whole number from 1 (exit 2 otherwise). */
static long
main_page(const char *s)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || n < 1 ||
	    n > 100000)
		exit(main_bad_usage("--page %s: not a page number (1, 2, ...)",
		    s));
	return n;
}

int
main(int argc, char **argv)
{
	return main_close_stdout(main_dispatch(argc, argv));
}

/* Parse the global options and run the subcommand; the exit status. */
static int
main_dispatch(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "theme", required_argument, NULL, 't' },
		{ "present", no_argument, NULL, 'p' },
		{ "reset-progress", no_argument, NULL, 'R' },
		{ "page", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*theme = NULL, *page = NULL;
	int		 ch, present = 0, reset = 0;

	main_std_fds();
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
		case 'P':
			page = optarg;
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
	/* `parlab LESSON --page N`, as the issue and an author type it. */
	if (argc == 3 && strcmp(argv[1], "--page") == 0) {
		page = argv[2];
		argc = 1;
	}
	if (page != NULL && argc != 1)
		return main_bad_usage("--page N needs a lesson");
	if (argc == 0)
		return tui_main(NULL, theme, present, 0);
	if (strcmp(argv[0], "list") == 0)
		return main_list(argc, argv);
	if (strcmp(argv[0], "run") == 0)
		return main_run_demo(argc, argv);
	if (strcmp(argv[0], "progress") == 0)
		return progress_main(argc, argv);
	if (strcmp(argv[0], "step") == 0)
		return step_main(argc, argv);
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
	return tui_main(argv[0], theme, present, page != NULL ?
	    main_page(page) : 0);
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
	int	json = 0, rc;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	else if (argc != 1)
		return main_bad_usage("list takes only --json");
	if (json) {
		fputs("{\"lessons\":", stdout);
		rc = lesson_list(stdout, 1);
		fputs(",\"demos\":", stdout);
		main_list_demos(stdout, 1);
		fputs("}\n", stdout);
	} else {
		rc = lesson_list(stdout, 0);
		fputc('\n', stdout);
		main_list_demos(stdout, 0);
	}
	return rc;	/* 1: a lesson file was refused */
}

/* Open the run's output: stdout, or -o's temp file beside it; -1 if not. */
static int
main_out_open(struct main_out *o, const char *name)
{
	struct stat	 sb;
	char		 real[PATH_MAX];
	mode_t		 mode, mask;
	int		 fd;

	memset(o, 0, sizeof *o);
	o->name = name;
	if (name == NULL) {
		if (main_stdout_closed) {
			warnx_("standard output is closed; use -o FILE");
			return -1;
		}
		o->f = stdout;
		return 0;
	}
	if (stat(name, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		/* A device or FIFO: written in place, never renamed over. */
		if ((fd = open(name, O_WRONLY | O_CLOEXEC)) == -1 ||
		    (o->f = fdopen(fd, "w")) == NULL) {
			warnx_("%s: %s", name, strerror(errno));
			if (fd != -1)
				close(fd);
			return -1;
		}
		return 0;
	}
	/* A symlink is followed: its target is what gets replaced. */
	o->target = realpath(name, real) != NULL ? xstrdup(real) :
	    xstrdup(name);
	if (stat(o->target, &sb) == 0)
		mode = sb.st_mode & 07777;
	else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	xasprintf(&o->tmp, "%s.tmp.XXXXXX", o->target);
	if ((fd = mkostemp(o->tmp, O_CLOEXEC)) == -1 ||
	    fchmod(fd, mode) != 0 || (o->f = fdopen(fd, "w")) == NULL) {
		warnx_("%s: %s", name, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		free(o->target);
		return -1;
	}
	return 0;
}

/*
 * Finish the output: on success flush, sync and rename the temp file into
 * place; on failure remove it.  Returns the exit status.
 */
static int
main_out_close(struct main_out *o, int status)
{
	int	failed;

	errno = 0;
	failed = fflush(o->f) != 0 || ferror(o->f);
	if (status == 0 && !failed && o->tmp != NULL)
		failed = fsync(fileno(o->f)) != 0;
	if (status == 0 && failed)
		warnx_("cannot write %s: %s", o->name ? o->name :
		    "the output", errno ? strerror(errno) : "write error");
	if (o->f != stdout) {
		if (fclose(o->f) != 0 && status == 0 && !failed) {
			warnx_("cannot write %s: %s", o->name,
			    strerror(errno));
			failed = 1;
		}
	}
	if (status == 0 && failed)
		status = 1;
	if (o->tmp != NULL) {
		if (status == 0 && rename(o->tmp, o->target) != 0) {
			warnx_("cannot write %s: %s", o->name,
			    strerror(errno));
			status = 1;
		}
		if (status != 0)
			unlink(o->tmp);
		free(o->tmp);
		free(o->target);
	}
	return status;
}

/* parlab run DEMO [key=value ...] [--format F] [-o FILE] [--no-trace] */
static int
main_run_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-trace", no_argument, NULL, 'n' },
		{ "compare", required_argument, NULL, 'c' },
		{ "save", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct demo_class	*cls;
	enum main_format	 format = FORMAT_TEXT;
	struct params		 p;
	struct run		*r;
	const char		*out = NULL, *save = NULL;
	struct main_out		 o;
	char			*cause = NULL;
	int			 ch, traced = 1, status = 0, i, compare = 0;

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
			if (optarg[0] == '-')
				return main_bad_usage("-o needs a file name, "
				    "not '%s' (write ./%s for a file named "
				    "so)", optarg, optarg);
			out = optarg;
			break;
		case 'n':
			traced = 0;
			break;
		case 'c':
			if (strcmp(optarg, "python") != 0)
				return main_bad_usage("--compare takes python, "
				    "not '%s'", optarg);
			compare = 1;
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
	if (main_out_open(&o, out) != 0)
		return 1;

	r = run_create(cls, &p, traced);
	main_run = r;
	signal(SIGINT, main_on_signal);
	signal(SIGTERM, main_on_signal);
	status = run_execute(r);
	/* CPython beside the model: without it, one line and no change. */
	if (status == 0 && compare && compare_python(r, &cause) != 0) {
		fprintf(stderr, "parlab: --compare python: %s\n", cause);
		free(cause);
		cause = NULL;
	}
	main_run = NULL;
	if (status != 0) {
		fprintf(stderr, "parlab: %s: %s\n", cls->name, r->cause);
		status = 1;
	} else {
		switch (format) {
		case FORMAT_TEXT:
			status = export_text(o.f, r);
			break;
		case FORMAT_JSON:
			status = export_json(o.f, r);
			break;
		case FORMAT_TRACE:
			status = export_trace(o.f, r);
			break;
		}
		if (status != 0) {
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
	}
	status = main_out_close(&o, status);
	if (out != NULL && format == FORMAT_TRACE && status == 0)
		fprintf(stderr, "parlab: trace written to %s "
		    "(open it in Perfetto or chrome://tracing)\n", out);
	run_destroy(r);
	return status;
}
