/*
 * progress-show.c -- `parlab progress [--json]`: a student's saved progress,
 * printed for the student or for an instructor to collect.
 *
 * Per lesson: the pages seen, right and wrong, the last page shown and the
 * answers given.  Pages, choices and questions are counted from 1 here, as
 * the TUI shows them (the file counts from 0).  A lesson that is on record
 * but no longer installed is still listed, without a title.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* The installed lesson with this id, or NULL. */
static const struct lesson *
progress_show_lesson(struct lesson **v, size_t n, const char *id)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i]->id, id) == 0)
			return v[i];
	return NULL;
}

/* The pages of a lesson having bit, as "1,2,5" (JSON) or "1, 2, 5". */
static void
progress_show_pages(FILE *f, const struct progress *p, const char *id,
    unsigned bit, int json)
{
	unsigned	npages, i;
	int		any = 0;

	progress_page_bits(p, id, 0, &npages);
	for (i = 0; i < npages; i++)
		if (progress_page_bits(p, id, i, &npages) & bit)
			fprintf(f, "%s%u", any++ ? (json ? "," : ", ") : "",
			    i + 1);
	if (!any && !json)
		fputs("none", f);
}

/* One lesson as a JSON object. */
static void
progress_show_json(FILE *f, const struct progress *p, const char *id,
    const struct lesson *l)
{
	struct json	 j;
	unsigned	 page, block;
	double		 value;
	long		 last = progress_last_page(p, id);
	size_t		 i;
	int		 choice;

	j.f = f;
	j.first = 1;
	fputc('{', f);
	json_key(&j, "id");
	json_string(f, id);
	json_key(&j, "title");
	if (l != NULL)
		json_string(f, l->title);
	else
		fputs("null", f);
	json_key(&j, "pages");
	if (l != NULL)
		fprintf(f, "%zu", l->npages);
	else
		fputs("null", f);
	json_key(&j, "seen");
	fputc('[', f);
	progress_show_pages(f, p, id, PROGRESS_SEEN, 1);
	fputc(']', f);
	json_key(&j, "right");
	fputc('[', f);
	progress_show_pages(f, p, id, PROGRESS_RIGHT, 1);
	fputc(']', f);
	json_key(&j, "wrong");
	fputc('[', f);
	progress_show_pages(f, p, id, PROGRESS_WRONG, 1);
	fputc(']', f);
	json_key(&j, "last_page");
	if (last >= 0)
		fprintf(f, "%ld", last + 1);
	else
		fputs("null", f);
	json_key(&j, "answers");
	fputc('[', f);
	for (i = 0; progress_answer_at(p, id, i, &page, &block, &choice,
	    &value) == 0; i++) {
		fprintf(f, "%s{\"page\":%u,\"block\":%u,", i ? "," : "",
		    page + 1, block + 1);
		if (choice >= 0)
			fprintf(f, "\"choice\":%d}", choice + 1);
		else
			fprintf(f, "\"value\":%.17g}", value);
	}
	fputs("]}", f);
}

/* One lesson as text. */
static void
progress_show_text(FILE *f, const struct progress *p, const char *id,
    const struct lesson *l)
{
	unsigned	 page, block, npages;
	double		 value;
	long		 last = progress_last_page(p, id);
	size_t		 i;
	int		 choice;

	fprintf(f, "%s%s%s\n", id, l != NULL ? "  " : "  (not installed)",
	    l != NULL ? l->title : "");
	progress_page_bits(p, id, 0, &npages);
	fputs("    pages seen: ", f);
	progress_show_pages(f, p, id, PROGRESS_SEEN, 0);
	if (l != NULL)
		fprintf(f, " (of %zu)", l->npages);
	if (last >= 0)
		fprintf(f, "; last page %ld", last + 1);
	fputs("\n    right on pages: ", f);
	progress_show_pages(f, p, id, PROGRESS_RIGHT, 0);
	fputs("; wrong on pages: ", f);
	progress_show_pages(f, p, id, PROGRESS_WRONG, 0);
	fputc('\n', f);
	for (i = 0; progress_answer_at(p, id, i, &page, &block, &choice,
	    &value) == 0; i++) {
		fprintf(f, "    page %u, block %u: ", page + 1, block + 1);
		if (choice >= 0)
			fprintf(f, "choice %d\n", choice + 1);
		else
			fprintf(f, "predicted %g\n", value);
	}
}

/* parlab progress [--json] */
int
progress_main(int argc, char **argv)
{
	struct lesson		**v;
	struct lesson_diags	  d;
	struct progress		 *p;
	char			 *warning, *path, *cause = NULL;
	size_t			  n, i;
	int			  json = 0;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	else if (argc != 1) {
		warnx_("progress takes only --json");
		return 2;
	}
	p = progress_load(&warning);
	if (warning != NULL) {
		warnx_("%s", warning);
		free(warning);
	}
	memset(&d, 0, sizeof d);
	v = lesson_find_all(&n, &d);
	lesson_diags_free(&d);
	path = progress_path(&cause);
	free(cause);
	if (json) {
		fputs("{\"file\":", stdout);
		if (path != NULL)
			json_string(stdout, path);
		else
			fputs("null", stdout);
		fputs(",\"last_lesson\":", stdout);
		if (progress_last_lesson(p) != NULL)
			json_string(stdout, progress_last_lesson(p));
		else
			fputs("null", stdout);
		fputs(",\"lessons\":[", stdout);
	} else {
		printf("Progress kept in %s\n", path != NULL ? path :
		    "(nowhere: no HOME)");
		if (progress_last_lesson(p) != NULL)
			printf("Last lesson opened: %s\n",
			    progress_last_lesson(p));
		if (progress_count(p) == 0)
			puts("Nothing done yet.");
	}
	for (i = 0; i < progress_count(p); i++) {
		if (json && i > 0)
			fputc(',', stdout);
		if (json)
			progress_show_json(stdout, p, progress_id(p, i),
			    progress_show_lesson(v, n, progress_id(p, i)));
		else
			progress_show_text(stdout, p, progress_id(p, i),
			    progress_show_lesson(v, n, progress_id(p, i)));
	}
	if (json)
		fputs("]}\n", stdout);
	free(path);
	lesson_free_all(v, n);
	progress_free(p);
	return 0;
}
