/*
 * progress-format.c -- the progress file's text: parsed into, and written
 * from, a struct progress.
 *
 *   parlab-progress 2
 *   last ID                        the lesson opened last
 *   lesson ID SEEN RIGHT WRONG LAST  SEEN, RIGHT, WRONG: comma-separated
 *                                  page numbers (from 0) or "-"; LAST the
 *                                  last page shown or "-"
 *   answer ID PAGE BLOCK CHOICE VALUE  an ask block (its index on the page):
 *                                  the choice (from 0) and "-", or -1 and
 *                                  the predicted value
 *
 * Version 1 files ("ID SEEN RIGHT WRONG" lines) are still read.  Numbers
 * are read and written in the C locale (the TUI keeps LC_NUMERIC at C).
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define PROGRESS_HEADER		"parlab-progress 2"
#define PROGRESS_HEADER_V1	"parlab-progress 1"

/* Can an id be written in the file (letters, digits, '-', '_')? */
int
progress_id_ok(const char *id)
{
	const char	*p;

	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return 0;
	return p != id;
}

/* Parse a whole number in [lo, PROGRESS_MAX_PAGES); -1 if it is not. */
static long
progress_num(const char *s, long lo)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || n < lo ||
	    n >= PROGRESS_MAX_PAGES || *s == '+' || (*s == '-' && lo >= 0))
		return lo - 1;
	return n;
}

/* Parse one field: "-" or "0,3,7"; sets bit on those pages. */
static int
progress_field(struct progress *p, const char *id, char *field,
    unsigned bit)
{
	struct progress_op	 op = { PROGRESS_OP_MARK, (char *)id, 0, bit, 0,
				     { 0, 0, 0, 0 } };
	char			*s, *comma;
	long			 n;

	if (strcmp(field, "-") == 0)
		return 0;
	for (s = field; s != NULL; s = comma) {
		if ((comma = strchr(s, ',')) != NULL)
			*comma++ = '\0';
		if ((n = progress_num(s, 0)) < 0)
			return -1;
		op.page = (unsigned)n;
		progress_apply(p, &op);
	}
	return 0;
}

/* Split line into at most max words; their count (max + 1: too many). */
static int
progress_words(char *line, char **w, int max)
{
	char	*save = NULL;
	int	 n;

	for (n = 0; n <= max; n++)
		if ((w[n] = strtok_r(n ? NULL : line, " ", &save)) == NULL)
			break;
	return n;
}

/* Parse one line of the file (of version v). */
static int
progress_line(struct progress *p, char *line, int v)
{
	struct progress_op	 op;
	char			*w[8], **f, *end;
	int			 nw = progress_words(line, w, 6);
	long			 n;

	if (v == 2 && nw == 2 && strcmp(w[0], "last") == 0) {
		if (!progress_id_ok(w[1]))
			return -1;
		free(p->last);
		p->last = xstrdup(w[1]);
		return 0;
	}
	if (v == 2 && nw == 6 && strcmp(w[0], "answer") == 0) {
		memset(&op, 0, sizeof op);
		op.type = PROGRESS_OP_ANSWER;
		op.id = w[1];
		if ((n = progress_num(w[2], 0)) < 0)
			return -1;
		op.ans.page = (unsigned)n;
		if ((n = progress_num(w[3], 0)) < 0)
			return -1;
		op.ans.block = (unsigned)n;
		if ((n = progress_num(w[4], -1)) < -1)
			return -1;
		op.ans.choice = (int)n;
		if (n == -1) {
			errno = 0;
			op.ans.value = strtod(w[5], &end);
			if (end == w[5] || *end != '\0' || errno != 0)
				return -1;
		} else if (strcmp(w[5], "-") != 0)
			return -1;
		if (!progress_id_ok(w[1]))
			return -1;
		progress_apply(p, &op);
		return 0;
	}
	if (v == 2 && (nw != 6 || strcmp(w[0], "lesson") != 0))
		return -1;
	if (v == 1 && nw != 4)
		return -1;
	f = v == 2 ? w + 1 : w;
	if (!progress_id_ok(f[0]) || progress_find(p, f[0], 0) != NULL)
		return -1;
	progress_find(p, f[0], 1);	/* kept even with nothing marked */
	if (progress_field(p, f[0], f[1], PROGRESS_SEEN) != 0 ||
	    progress_field(p, f[0], f[2], PROGRESS_RIGHT) != 0 ||
	    progress_field(p, f[0], f[3], PROGRESS_WRONG) != 0)
		return -1;
	if (v == 2 && strcmp(f[4], "-") != 0) {
		if ((n = progress_num(f[4], 0)) < 0)
			return -1;
		progress_find(p, f[0], 0)->last_page = n;
	}
	return 0;
}

/* Parse the whole file into p; on error say why in *why. */
int
progress_parse(struct progress *p, char *buf, char **why)
{
	char		*line, *next;
	unsigned	 lineno = 0;
	int		 v = 0;

	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else {
			xasprintf(why, "line %u is cut short", lineno + 1);
			return -1;
		}
		if (++lineno == 1) {
			if (strcmp(line, PROGRESS_HEADER) == 0)
				v = 2;
			else if (strcmp(line, PROGRESS_HEADER_V1) == 0)
				v = 1;
			else {
				xasprintf(why, "it does not start with '%s'",
				    PROGRESS_HEADER);
				return -1;
			}
			continue;
		}
		if (progress_line(p, line, v) != 0) {
			xasprintf(why, "line %u is not a progress line", lineno);
			return -1;
		}
	}
	if (lineno == 0) {
		xasprintf(why, "it is empty");
		return -1;
	}
	return 0;
}

/* Write the pages having a bit, as " 0,3,7" or " -". */
static void
progress_write_field(FILE *f, const struct progress_lesson *pl,
    unsigned bit)
{
	size_t	i;
	int	any = 0;

	for (i = 0; i < pl->npages; i++)
		if (pl->pages[i] & bit)
			fprintf(f, "%s%zu", any++ ? "," : " ", i);
	if (!any)
		fputs(" -", f);
}

/* The file's text for p (to free). */
char *
progress_format(const struct progress *p)
{
	const struct progress_lesson	*pl;
	const struct progress_ans	*a;
	char				*text = NULL;
	size_t				 len, i, j;
	FILE				*f;

	if ((f = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream: %s", strerror(errno));
	fprintf(f, "%s\n", PROGRESS_HEADER);
	if (p->last != NULL)
		fprintf(f, "last %s\n", p->last);
	for (i = 0; i < p->n; i++) {
		pl = &p->v[i];
		fprintf(f, "lesson %s", pl->id);
		progress_write_field(f, pl, PROGRESS_SEEN);
		progress_write_field(f, pl, PROGRESS_RIGHT);
		progress_write_field(f, pl, PROGRESS_WRONG);
		if (pl->last_page >= 0)
			fprintf(f, " %ld\n", pl->last_page);
		else
			fputs(" -\n", f);
		for (j = 0; j < pl->nans; j++) {
			a = &pl->ans[j];
			fprintf(f, "answer %s %u %u %d ", pl->id, a->page,
			    a->block, a->choice);
			if (a->choice < 0)
				fprintf(f, "%.17g\n", a->value);
			else
				fputs("-\n", f);
		}
	}
	if (fclose(f) != 0)
		fatal("open_memstream: %s", strerror(errno));
	return text;
}

