/*
 * show.c -- `parlab show FILE`: a saved run (runfile.c), printed as `run`
 * would have printed it, or opened in the TUI's demo pane.
 *
 * The TUI knows lessons, not files of runs, so a saved run is shown as a
 * one-page lesson made from its own Markdown (a heading, where it was
 * recorded, and a run block with the run's parameters, parsed by
 * lesson.c like any other) whose demo pane starts with the saved run in
 * it: replay, zoom, pan, export and the figures work as on a live run,
 * and r runs the same demo here, with the saved run kept above for
 * comparison.  A lesson's run block may name such a file (`fallback:`);
 * show_fallback() puts it in the pane the same way, on F, offered when
 * the live run fails and, before the first run, when the block needs
 * more cores than parlab may use here (show_needs_notice()).
 */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parlab.h"

/* "host (N cores), YYYY-MM-DD HH:MM UTC, parlab V": where a run was made. */
char *
show_label(const struct runfile_info *info)
{
	struct tm	tm;
	time_t		t = (time_t)info->date;
	char		date[32], *s;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(date, sizeof date, "an unknown date");
	xasprintf(&s, "recorded on %s (%u cores), %s, parlab %s", info->host,
	    info->cores, date, info->version);
	return s;
}

/* A finished run as a demo pane's run: its timeline folded to the end. */
struct tui_run *
show_tui_run(struct run *r, const struct runfile_info *info)
{
	struct tui_run	*tr = xcalloc(1, sizeof *tr);
	struct trace	*trace = atomic_load(&r->trace);

	tr->run = r;
	tr->joined = 1;
	tr->label = show_label(info);
	if (trace != NULL) {
		tr->tl = timeline_create(trace);
		timeline_update(tr->tl);
		timeline_finish(tr->tl, r->end_trace_ns);
		tr->t_total = tr->tl->t_end;
	}
	return tr;
}

/*
 * f on a run block with `fallback:`: put the recorded run in the pane, the
 * current run moving up for comparison.  0 if the block names none.
 */
int
show_fallback(struct tui *t)
{
	struct tui_demo		*d = &t->demo;
	struct runfile_info	 info;
	struct run		*r;
	char			*cause = NULL;

	if (d->block == NULL || d->block->fallback == NULL)
		return 0;
	if (d->cur != NULL && !d->cur->joined) {
		tui_message(t, 0, "A run is going on: wait, or x stops it.");
		return 1;
	}
	if ((r = runfile_read(d->block->fallback, &info, &cause)) == NULL) {
		tui_message(t, 1, "%s", cause);
		free(cause);
		return 1;
	}
	tui_demo_keep(t, show_tui_run(r, &info));
	d->replaying = d->paused = 0;
	d->playhead = d->cur->t_total;
	d->zoom_span = 0;
	/* The core strip shows the recording machine's cores too. */
	if (info.cores > d->ncores)
		d->ncores = info.cores < 64 ? info.cores : 64;
	tui_message(t, 0, "the recorded run, %s: R replays it", d->cur->label);
	runfile_info_free(&info);
	return 1;
}

/* The one-page lesson that frames a saved run; NULL with a cause. */
static struct lesson *
show_lesson(const char *path, const struct run *r,
    const struct runfile_info *info, char **cause)
{
	struct lesson_diags	 d;
	struct lesson		*l;
	char			*md = NULL, *label;
	size_t			 len, i;
	FILE			*f;

	if ((f = open_memstream(&md, &len)) == NULL)
		fatal("open_memstream: %s", strerror(errno));
	label = show_label(info);
	fprintf(f, "---\nid: saved-run\ntitle: Saved run: %s\n---\n"
	    "# %s, %s\n\n", r->cls->name, r->cls->name, label);
	fprintf(f, "From `%s`. R replays it, z zooms, e exports; r runs the "
	    "same demo here, with the saved run kept above.\n\n```run\n%s",
	    path, r->cls->name);
	for (i = 0; i < r->params.n; i++)
		fprintf(f, " %s=%s", r->params.v[i].spec->name,
		    r->params.v[i].text);
	fputs("\n```\n", f);
	free(label);
	if (fclose(f) != 0)
		fatal("open_memstream: %s", strerror(errno));
	memset(&d, 0, sizeof d);
	l = lesson_parse(path, md, len, &d);
	free(md);
	if (l == NULL || d.errors > 0) {
		xasprintf(cause, "%s: cannot frame the run: %s", path,
		    d.n > 0 ? d.v[0].msg : "no lesson");
		lesson_destroy(l);
		l = NULL;
	}
	lesson_diags_free(&d);
	return l;
}

/* parlab show FILE [--format text|json] */
int
show_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct runfile_info	 info;
	struct lesson		*l;
	struct run		*r;
	const char		*format = NULL;
	char			*cause = NULL, *label;
	int			 ch, status;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		if (ch != 'f') {
			warnx_("usage: parlab show FILE [--format text|json]");
			return 2;
		}
		format = optarg;
		if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
			warnx_("--format is text or json, not '%s'", format);
			return 2;
		}
	}
	if (argc - optind != 1) {
		warnx_("usage: parlab show FILE [--format text|json]");
		return 2;
	}
	if ((r = runfile_read(argv[optind], &info, &cause)) == NULL) {
		warnx_("%s", cause);
		free(cause);
		return 1;
	}
	if (format == NULL && (!isatty(STDIN_FILENO) ||
	    !isatty(STDOUT_FILENO))) {
		warnx_("showing a run needs a terminal; `parlab show FILE "
		    "--format text|json` prints it");
		status = 1;
	} else if (format == NULL) {
		if ((l = show_lesson(argv[optind], r, &info, &cause)) == NULL) {
			warnx_("%s", cause);
			free(cause);
			status = 1;
		} else {
			tui_give(l, show_tui_run(r, &info));
			r = NULL;	/* the pane owns it now */
			status = tui_main(NULL, NULL, 0, 0);
		}
	} else if (strcmp(format, "json") == 0)
		status = export_json(stdout, r);
	else {
		label = show_label(&info);
		printf("saved run, %s\n", label);
		free(label);
		status = export_text(stdout, r);
	}
	if (fflush(stdout) != 0)
		status = 1;
	run_destroy(r);
	runfile_info_free(&info);
	return status;
}

/*
 * A run block that needs more cores than parlab may use here (needs:
 * cores>=N) says so once before its first run, and offers its recorded
 * run (fallback:) if it has one; 1 when it spoke, so r again runs it.
 */
int
show_needs_notice(struct tui *t)
{
	struct tui_demo	*d = &t->demo;
	unsigned	 have;

	if (d->block->needs_cores <= 0 || d->needs_told == d->block)
		return 0;
	d->needs_told = d->block;
	if ((have = cores_available(NULL)) >= (unsigned)d->block->needs_cores)
		return 0;
	tui_message(t, 1, "This run needs %d cores to show its point and "
	    "parlab may use %u here: %s", d->block->needs_cores, have,
	    d->block->fallback != NULL ? "F shows a run recorded on a larger "
	    "machine, r runs it here anyway." : "r runs it anyway, to see the "
	    "overhead.");
	return 1;
}
