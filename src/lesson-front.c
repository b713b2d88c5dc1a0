/*
 * lesson-front.c -- a lesson's front matter: "---", "key: value" lines,
 * "---", before the Markdown.
 *
 * It is read by hand, line by line, as a small subset of YAML: a value may
 * be quoted to keep a '#' or ':', '#' starts a comment line.  Each mistake
 * is said once, at its line: a blank line above the opening "---", YAML's
 * "..." as the end, a forgotten closing line (which would make the
 * lesson's first page front matter: one error, not one per line), an
 * unknown key (with the close one: titel, title), a value out of range.
 * Numbers are read without strtod, whatever the locale's decimal point.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* Is source line idx exactly mark ("---", "..."), trailing blanks allowed? */
static int
lesson_line_is(const struct lesson_src *src, size_t idx, const char *mark)
{
	const char	*s = src->base + src->starts[idx];
	const char	*e = src->base + src->starts[idx + 1];

	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	return e - s == 3 && strncmp(s, mark, 3) == 0;
}

/* Is source line idx blank? */
static int
lesson_line_blank(const struct lesson_src *src, size_t idx)
{
	const char	*s = src->base + src->starts[idx];
	const char	*e = src->base + src->starts[idx + 1];

	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	return s == e;
}

/* Is id made of letters, digits, '-' and '_' only? */
static int
lesson_id_ok(const char *id)
{
	const char	*p;

	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return 0;
	return p != id && p - id <= 64;
}

/* Warn of a front matter key parlab does not know, with a likely one. */
static void
lesson_front_unknown(const char *key, unsigned line, struct lesson_diags *d)
{
	char	*near = lesson_suggest(key,
	    "id title summary order level autoplay needs", ' ');

	if (near != NULL)
		lesson_diag(d, line, 0, "unknown front matter key '%s'; did "
		    "you mean '%s'?", key, near);
	else
		lesson_diag(d, line, 0, "unknown front matter key '%s'; known: "
		    "id, title, summary, order, level, autoplay, needs", key);
	free(near);
}

/* Store one front matter "key: value" in the lesson. */
static void
lesson_front_key(struct lesson *l, const char *key, char *value,
    unsigned line, struct lesson_diags *d)
{
	char		**slot = NULL, *end, *cause = NULL;
	const char	 *vend;
	double		  v;
	long		  n;

	if (strcmp(key, "id") == 0) {
		l->id_line = line;
		if (!lesson_id_ok(value)) {
			lesson_diag(d, line, 1, "id '%s' must be 1 to 64 "
			    "letters, digits, '-' or '_'", value);
			free(value);
			return;
		}
		slot = &l->id;
	} else if (strcmp(key, "title") == 0) {
		if (*value == '\0')
			lesson_diag(d, line, 1, "empty title: the menu and the "
			    "lesson's heading show it");
		slot = &l->title;
	}
	else if (strcmp(key, "summary") == 0)
		slot = &l->summary;
	else if (strcmp(key, "level") == 0)
		slot = &l->level;
	if (slot != NULL) {
		if (*slot != NULL)
			lesson_diag(d, line, 0, "'%s' given twice; the last "
			    "one counts", key);
		free(*slot);
		*slot = value;
		return;
	}
	if (strcmp(key, "order") == 0) {
		errno = 0;
		n = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0 ||
		    n < 0 || n > 9999)
			lesson_diag(d, line, 1, "order=%s: not a whole number "
			    "from 0 to 9999", value);
		else
			l->order = (int)n;
	} else if (strcmp(key, "autoplay") == 0) {
		if (lesson_number(value, &v, &vend) != 0 || *vend != '\0' ||
		    v < 0 || v > 3600)
			lesson_diag(d, line, 1, "autoplay=%s: not a number of "
			    "seconds from 0 to 3600", value);
		else
			l->autoplay = v;
	} else if (strcmp(key, "needs") == 0) {
		if (lesson_needs_parse(value, &l->needs_cores, &cause) != 0) {
			lesson_diag(d, line, 1, "needs: %s", cause);
			free(cause);
		}
	} else
		lesson_front_unknown(key, line, d);
	free(value);
}

/* Parse front matter line idx as "key: value"; 0 if it is not one. */
static int
lesson_front_line(struct lesson *l, const struct lesson_src *src, size_t idx,
    struct lesson_diags *d)
{
	const char	*s, *e, *colon, *k0, *k1, *v0, *v1;
	char		*key;

	s = src->base + src->starts[idx];
	e = src->base + src->starts[idx + 1];
	if (e > s && e[-1] == '\n')
		e--;
	for (k0 = s; k0 < e && (*k0 == ' ' || *k0 == '\t'); k0++)
		;
	if (k0 == e || *k0 == '#' || (e - k0 == 1 && *k0 == '\r'))
		return 1;	/* a blank line or a comment */
	colon = memchr(k0, ':', (size_t)(e - k0));
	for (k1 = colon; k1 != NULL && k1 > k0 && k1[-1] == ' '; k1--)
		;
	if (colon == NULL || k1 == k0)
		return 0;
	for (v0 = colon + 1; v0 < e && (*v0 == ' ' || *v0 == '\t'); v0++)
		;
	for (v1 = e; v1 > v0 && (v1[-1] == ' ' || v1[-1] == '\t' ||
	    v1[-1] == '\r'); v1--)
		;
	/* A value may be quoted, as in YAML, to keep a '#' or ':'. */
	if (v1 - v0 >= 2 && (*v0 == '"' || *v0 == '\'') && v1[-1] == *v0)
		v0++, v1--;
	key = lesson_clean(k0, (size_t)(k1 - k0), 0, NULL);
	lesson_front_key(l, key, lesson_clean(v0, (size_t)(v1 - v0), 0, NULL),
	    lesson_src_lineno(src, idx), d);
	free(key);
	return 1;
}

/*
 * Pass 2: the front matter, a "---" line, "key: value" lines, a "---"
 * line.  *body is set to the offset where the Markdown begins.  Returns
 * -1 if there is none (or it never ends): then nothing more can be said.
 * Each mistake is said once: blank lines above it, a YAML "..." end, and
 * (for a forgotten closing line, which makes the body front matter) only
 * the first line that is not "key: value".
 */
int
lesson_front_matter(struct lesson *l, struct lesson_src *src,
    struct lesson_diags *d, size_t *body)
{
	size_t		first, close, i, bad = 0, blank = 0;
	unsigned	bad_line = 0;

	*body = 0;
	for (first = 0; first < src->nlines && lesson_line_blank(src, first);
	    first++)
		;
	if (src->len == 0 || first >= src->nlines ||
	    !lesson_line_is(src, first, "---")) {
		lesson_diag(d, 1, 1, "missing front matter: a lesson starts "
		    "with '---', 'id: ...', 'title: ...', '---'");
		return -1;
	}
	if (first > 0)
		lesson_diag(d, 1, 1, "blank line before the front matter: its "
		    "'---' must be the file's first line");
	for (close = first + 1; close < src->nlines; close++)
		if (lesson_line_is(src, close, "---") ||
		    lesson_line_is(src, close, "..."))
			break;
	if (close >= src->nlines) {
		lesson_diag(d, (unsigned)first + 1, 1, "unterminated front "
		    "matter: no closing '---' line");
		*body = src->len;
		return -1;
	}
	if (lesson_line_is(src, close, "..."))
		lesson_diag(d, (unsigned)close + 1, 1, "the front matter ends "
		    "with a '---' line, not '...'");
	for (i = first + 1; i < close; i++) {
		if (lesson_line_blank(src, i) && blank == 0)
			blank = i;
		if (!lesson_front_line(l, src, i, d) && bad++ == 0)
			bad_line = (unsigned)i + 1;
	}
	/* Markdown after a blank line: the closing line was forgotten. */
	if (bad > 0 && blank != 0 && blank + 1 < bad_line)
		lesson_diag(d, (unsigned)first + 1, 1, "unterminated front "
		    "matter: no closing '---' line before the Markdown (line "
		    "%u is not 'key: value')", bad_line);
	else if (bad == 1)
		lesson_diag(d, bad_line, 1, "front matter line is not "
		    "'key: value'");
	else if (bad > 1)
		lesson_diag(d, bad_line, 1, "front matter line is not "
		    "'key: value' (nor are %zu lines below it: is the closing "
		    "'---' missing above it?)", bad - 1);
	*body = close + 1 < src->nlines ? src->starts[close + 1] : src->len;
	return 0;
}
