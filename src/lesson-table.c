/*
 * lesson-table.c -- a Markdown table as a terminal shows it.
 *
 * lesson-md.c collects a GFM table's cells as rows of cleaned strings;
 * this turns them into one CODE block (lang "table") of columns padded to
 * their widest cell, counted in code points, with the header row ruled
 * off.  A table over 64 columns keeps the widths of its first 64.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* The display width of UTF-8 text, counting code points. */
static size_t
lesson_table_width(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * Add a table's rows of cells (nrows rows, ncells[r] cells each) as a CODE
 * block of aligned columns, lang "table", at file line line; the rows and
 * cells are freed.
 */
void
lesson_table_block(struct lesson *l, char ***rows, size_t *ncells,
    size_t nrows, unsigned line)
{
	struct lesson_block	*b;
	struct lesson_buf		 out;
	size_t			 width[64], ncols = 0, r, c, k;

	memset(width, 0, sizeof width);
	for (r = 0; r < nrows; r++)
		for (c = 0; c < ncells[r] && c < 64; c++) {
			if (lesson_table_width(rows[r][c]) > width[c])
				width[c] = lesson_table_width(rows[r][c]);
			if (c + 1 > ncols)
				ncols = c + 1;
		}
	b = lesson_block_add(l, LBLOCK_CODE, line);
	b->lang = xstrdup("table");
	for (r = 0; r < nrows; r++) {
		memset(&out, 0, sizeof out);
		for (c = 0; c < ncols; c++) {
			const char *cell = c < ncells[r] ? rows[r][c] : "";

			lesson_buf_add(&out, cell, strlen(cell));
			for (k = lesson_table_width(cell); c + 1 < ncols &&
			    k < width[c] + 2; k++)
				lesson_buf_add(&out, " ", 1);
		}
		b->lines = xreallocarray(b->lines, b->nlines + 2,
		    sizeof *b->lines);
		b->lines[b->nlines++] = lesson_buf_take(&out);
		if (r == 0) {	/* rule the header off */
			for (c = 0; c < ncols; c++)
				for (k = 0; k < width[c] + (c + 1 < ncols ?
				    2 : 0); k++)
					lesson_buf_add(&out, k < width[c] ?
					    "-" : " ", 1);
			b->lines[b->nlines++] = lesson_buf_take(&out);
		}
	}
	lesson_table_free(rows, ncells, nrows);
}

/* Free a table's rows of cells. */
void
lesson_table_free(char ***rows, size_t *ncells, size_t nrows)
{
	size_t	r, c;

	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncells[r]; c++)
			free(rows[r][c]);
		free(rows[r]);
	}
	free(rows);
	free(ncells);
}
