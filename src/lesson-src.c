/*
 * lesson-src.c -- a lesson's bytes and lines, before any parsing.
 *
 * Everything here works on the raw text and knows nothing of Markdown:
 *
 *   - reading a file (at most LESSON_MAX_BYTES, regular files only);
 *   - the byte checks of pass 1: a file that cannot be a lesson at all
 *     (too large, binary, UTF-16) is refused with one message; CR-only line
 *     ends are reported once and turned into LF in place, so every later
 *     line number is the one an editor shows; each line over
 *     LESSON_MAX_LINE and each line with invalid UTF-8 is reported, and bad
 *     bytes become '?' so the later passes only ever see valid UTF-8;
 *   - line maps (struct lesson_src): byte offset to file line, for text
 *     that is the whole file or the inside of an ask (whose lines map back
 *     to the file through an array);
 *   - lesson_clean(), which every piece of text passes through before it
 *     reaches the model: no control character or escape sequence survives;
 *     HTML entities decoded; a growing string (struct lesson_buf);
 *   - the shapes of lines that need no parser: fences, a fence opened
 *     inside a fenced block (it was never closed), a "---" under text.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parlab.h"

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
lesson_src_utf8_len(const unsigned char *s, size_t n)
{
	size_t		len, i;
	uint32_t	c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

/*
 * Copy n bytes of text without control characters or escape sequences.
 * A tab becomes spaces up to the next multiple of tabs (one space if tabs
 * is 0).  *stripped (if not NULL) is set when anything was removed.
 */
char *
lesson_clean(const char *in, size_t n, int tabs, int *stripped)
{
	const unsigned char	*s = (const unsigned char *)in;
	char			*out = xmalloc(n * (tabs > 0 ? tabs : 1) + 1);
	size_t			 i = 0, o = 0, col = 0, len;

	while (i < n) {
		if (s[i] == '\t') {
			do
				out[o++] = ' ';
			while (tabs > 0 && ++col % tabs != 0);
			i++;
			continue;
		}
		if (s[i] == 0x1b) {
			/* ESC [ ... final, ESC ] ... BEL or ST, ESC x. */
			if (stripped != NULL)
				*stripped = 1;
			i++;
			if (i < n && s[i] == '[') {
				for (i++; i < n && s[i] >= 0x20 && s[i] < 0x40;
				    i++)
					;
				if (i < n && s[i] >= 0x40 && s[i] < 0x7f)
					i++;
			} else if (i < n && (s[i] == ']' || s[i] == 'P' ||
			    s[i] == '_' || s[i] == '^')) {
				for (i++; i < n && s[i] != 0x07 && s[i] != 0x1b;
				    i++)
					;
				if (i < n && s[i] == 0x07)
					i++;
				else if (i + 1 < n && s[i + 1] == '\\')
					i += 2;
			} else if (i < n && s[i] >= 0x20 && s[i] < 0x7f)
				i++;
			continue;
		}
		if (s[i] < 0x20 || s[i] == 0x7f ||
		    (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9f)) {
			/* C0, DEL and C1 (U+0080-U+009F, two bytes). */
			if (stripped != NULL)
				*stripped = 1;
			i += s[i] == 0xc2 ? 2 : 1;
			continue;
		}
		len = lesson_src_utf8_len(s + i, n - i);
		if (len == 0) {
			out[o++] = '?';
			i++;
		} else {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		}
		col++;
	}
	out[o] = '\0';
	return out;
}

/* Find the line starts of buf; the result has *nlines + 1 entries. */
static size_t *
lesson_line_starts(const char *buf, size_t len, size_t *nlines)
{
	size_t	*starts, n = 1, i, k = 1;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n' && i + 1 < len)
			n++;
	starts = xreallocarray(NULL, n + 1, sizeof *starts);
	starts[0] = 0;
	for (i = 0; i < len; i++)
		if (buf[i] == '\n' && i + 1 < len)
			starts[k++] = i + 1;
	starts[n] = len;
	*nlines = n;
	return starts;
}

/* Make a source over buf: line i (from 0) is file line map[i] or first+i. */
void
lesson_src_init(struct lesson_src *src, const char *buf, size_t len,
    const unsigned *map, unsigned first)
{
	src->base = buf;
	src->len = len;
	src->starts = lesson_line_starts(buf, len, &src->nlines);
	src->map = map;
	src->first = first;
}

/* Free what lesson_src_init() made. */
void
lesson_src_free(struct lesson_src *src)
{
	free(src->starts);
}

/* The index (from 0) of the source line holding byte offset off. */
size_t
lesson_src_index(const struct lesson_src *src, size_t off)
{
	size_t	lo = 0, hi = src->nlines, mid;

	/* The last line whose start is <= off: a binary search. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (src->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The file line of a source line index. */
unsigned
lesson_src_lineno(const struct lesson_src *src, size_t idx)
{
	if (idx >= src->nlines)
		idx = src->nlines - 1;
	return src->map != NULL ? src->map[idx] : src->first + (unsigned)idx;
}

/* The file line of a pointer into the source, or 0 if it points elsewhere. */
unsigned
lesson_src_line(const struct lesson_src *src, const char *p)
{
	if (p == NULL || p < src->base || p > src->base + src->len)
		return 0;
	return lesson_src_lineno(src, lesson_src_index(src,
	    (size_t)(p - src->base)));
}

/* Append n bytes to a growing string. */
void
lesson_buf_add(struct lesson_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Take a growing string's contents (never NULL) and empty it. */
char *
lesson_buf_take(struct lesson_buf *b)
{
	char	*s = b->s != NULL ? b->s : xstrdup("");

	memset(b, 0, sizeof *b);
	return s;
}

/* Decode an HTML entity ("&amp;", "&#233;") into UTF-8 in out (8 bytes). */
size_t
lesson_src_entity(const char *s, size_t n, char *out)
{
	static const struct { const char *name, *utf8; } names[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&apos;", "'" }, { "&nbsp;", " " },
		{ "&mdash;", "\xe2\x80\x94" }, { "&ndash;", "\xe2\x80\x93" },
		{ "&hellip;", "\xe2\x80\xa6" }, { "&times;", "\xc3\x97" },
		{ "&rarr;", "\xe2\x86\x92" }, { "&larr;", "\xe2\x86\x90" },
	};
	unsigned long	c = 0;
	size_t		i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == n &&
		    memcmp(names[i].name, s, n) == 0) {
			strcpy(out, names[i].utf8);
			return strlen(out);
		}
	if (n < 4 || s[1] != '#') {
		memcpy(out, "?", 2);	/* an entity we do not know */
		return 1;
	}
	c = strtoul(s + 2 + (s[2] == 'x' || s[2] == 'X'), NULL,
	    (s[2] == 'x' || s[2] == 'X') ? 16 : 10);
	if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Is source line idx a closing fence of char c (after container marks)? */
int
lesson_src_fence(const struct lesson_src *src, size_t idx, char c)
{
	const char	*s, *e;
	int		 n = 0;

	if (idx >= src->nlines)
		return 0;
	s = src->base + src->starts[idx];
	e = src->base + src->starts[idx + 1];
	while (s < e && (*s == ' ' || *s == '\t' || *s == '>'))
		s++;
	while (s < e && *s == c)
		s++, n++;
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	return n >= 3 && s == e;
}

/*
 * The file line of a line of a fenced block (lines, at: n collected lines
 * and their file lines; open: the source line of its opening fence of
 * char c) that opens another fence of the same kind (at least as long,
 * with a name), or 0.  It means the block was never closed: the other
 * block's closing line closed it.
 */
unsigned
lesson_src_inner_fence(const struct lesson_src *src, size_t open, char c,
    char **lines, const unsigned *at, size_t n)
{
	const char	*s, *e;
	size_t		 i, len = 0;

	s = src->base + src->starts[open];
	e = src->base + src->starts[open + 1];
	while (s < e && (*s == ' ' || *s == '\t' || *s == '>'))
		s++;
	while (s < e && *s == c)
		s++, len++;
	for (i = 0; i < n; i++) {
		s = lines[i];
		while (*s == ' ')
			s++;
		for (e = s; *e == c; e++)
			;
		if ((size_t)(e - s) < len || e - s < 3)
			continue;
		while (*e == ' ')
			e++;
		if (*e != '\0' && (c != '`' || strchr(e, '`') == NULL))
			return at[i];
	}
	return 0;
}

/*
 * The file line of a "---" right under line idx, the last line of a
 * heading, if that heading is text underlined (not "## ..."), else 0.  The
 * author most likely meant a page break, and the pages on either side
 * merge, since a blank line was all it lacked.
 */
unsigned
lesson_src_setext(const struct lesson_src *src, size_t idx)
{
	const char	*s, *e;

	if (idx + 1 >= src->nlines)
		return 0;
	s = src->base + src->starts[idx];
	while (*s == ' ')
		s++;
	if (*s == '#')
		return 0;	/* "## Title": the line below is a break */
	s = src->base + src->starts[idx + 1];
	e = src->base + src->starts[idx + 2];
	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '))
		e--;
	if (e - s == 3 && strncmp(s, "---", 3) == 0)
		return lesson_src_lineno(src, idx + 1);
	return 0;
}

/* The index of the first source line from idx that is not blank, or nlines. */
size_t
lesson_src_nonblank(const struct lesson_src *src, size_t idx)
{
	const char	*s;

	for (; idx < src->nlines; idx++) {
		s = src->base + src->starts[idx];
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (*s != '\n' && *s != '\0')
			break;
	}
	return idx;
}

/* Do buf's NUL bytes look like UTF-16 (all at even or all at odd offsets)? */
static int
lesson_src_utf16(const char *buf, size_t len)
{
	size_t	i, nul[2] = { 0, 0 };

	for (i = 0; i < len && i < 256; i++)
		if (buf[i] == '\0')
			nul[i % 2]++;
	if (len > 256)
		len = 256;
	return (nul[0] == 0 || nul[1] == 0) && (nul[0] + nul[1]) * 3 >= len / 2;
}

/*
 * Lone CRs (classic Mac OS line ends) become LF in place, so md4c and our
 * line maps agree with an editor; the first one is reported, once.
 */
static void
lesson_src_lone_cr(char *buf, size_t len, struct lesson_diags *d)
{
	size_t		i;
	unsigned	line = 1, first = 0;
	int		lf = memchr(buf, '\n', len) != NULL;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\r' && (i + 1 == len || buf[i + 1] != '\n')) {
			buf[i] = '\n';
			if (first == 0)
				first = line;
		}
		line += buf[i] == '\n';
	}
	if (first != 0 && !lf)
		lesson_diag(d, 1, 1, "the file has CR-only line ends (classic "
		    "Mac OS): save it with LF (Unix) line ends");
	else if (first != 0)
		lesson_diag(d, first, 1, "this line ends with a lone CR (a "
		    "classic Mac OS line end): save the file with LF (Unix) "
		    "line ends");
}

/*
 * Pass 1: check the bytes.  Returns -1 when the file cannot be a lesson at
 * all (too large, not text, UTF-16); otherwise repairs buf in place.
 */
int
lesson_src_check(char *buf, size_t len, struct lesson_diags *d)
{
	unsigned char	*s = (unsigned char *)buf;
	const char	*nul;
	size_t		 i, start = 0, k, n, bad;
	unsigned	 line = 1;

	if (len > LESSON_MAX_BYTES) {
		lesson_diag(d, 0, 1, "file is too large (%zu bytes; the "
		    "limit is 1 MiB)", len);
		return -1;
	}
	if (len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) ||
	    (s[0] == 0xfe && s[1] == 0xff))) {
		lesson_diag(d, 1, 1, "the file is UTF-16 (it starts with a "
		    "UTF-16 byte-order mark): save it as UTF-8");
		return -1;
	}
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		if (lesson_src_utf16(buf, len)) {
			lesson_diag(d, 1, 1, "the file looks like UTF-16 "
			    "(every other byte is NUL): save it as UTF-8");
			return -1;
		}
		for (i = 0; buf + i < nul; i++)
			line += buf[i] == '\n';
		lesson_diag(d, line, 1, "not a text file (NUL byte at "
		    "offset %zu)", (size_t)(nul - buf));
		return -1;
	}
	lesson_src_lone_cr(buf, len, d);
	for (i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\n')
			continue;
		if (i - start > LESSON_MAX_LINE)
			lesson_diag(d, line, 1, "line is too long (%zu bytes; "
			    "the limit is %d)", i - start, LESSON_MAX_LINE);
		for (k = start, bad = 0; k < i; k += n) {
			if ((n = lesson_src_utf8_len(s + k, i - k)) != 0)
				continue;
			if (!bad)
				lesson_diag(d, line, 1, "invalid UTF-8 (byte "
				    "0x%02x at column %zu)", s[k],
				    k - start + 1);
			bad = 1;
			s[k] = '?';
			n = 1;
		}
		start = i + 1;
		line++;
	}
	return 0;
}

/* Read a whole file of at most LESSON_MAX_BYTES (+1 to see it is over). */
char *
lesson_src_read(const char *path, size_t *len, struct lesson_diags *d)
{
	struct stat	 st;
	char		*buf;
	size_t		 cap = LESSON_MAX_BYTES + 1, n = 0;
	ssize_t		 got;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK)) == -1) {
		lesson_diag(d, 0, 1, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		lesson_diag(d, 0, 1, "not a regular file");
		close(fd);
		return NULL;
	}
	buf = xmalloc(cap);
	while (n < cap && (got = read(fd, buf + n, cap - n)) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			lesson_diag(d, 0, 1, "cannot read: %s",
			    strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		n += (size_t)got;
	}
	close(fd);
	if (n == cap) {
		lesson_diag(d, 0, 1, "file is too large (%lld bytes; the "
		    "limit is 1 MiB)", (long long)st.st_size);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}
