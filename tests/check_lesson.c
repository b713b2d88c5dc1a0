/*
 * check_lesson.c -- the lesson parser: front matter, pages, blocks, line
 * numbers, inline styles, stripped escapes, every diagnostic, and no crash
 * on random or truncated input.
 */

#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

static const char good[] =
"---\n"						/* 1 */
"id: demo-lesson\n"
"title: A \"demo\" lesson\n"
"summary: 'what: it shows'\n"
"order: 7\n"					/* 5 */
"level: beginner\n"
"autoplay: 2.5\n"
"---\n"
"# First page\n"
"Some *em*, **strong**, `code` and a [link](https://x.org/a).\n" /* 10 */
"\n"
"- outer\n"
"  1. inner one\n"
"  2. inner two\n"
"- [x] done\n"					/* 15 */
"\n"
"```python\n"
"x = 1\n"
"print(x)\n"
"```\n"						/* 20 */
"\n"
"<!-- pause -->\n"
"\n"
"```run\n"
"race threads=4 sync=lock\n"			/* 25 */
"knobs: threads sync\n"
"```\n"
"\n"
"> a quote\n"
"\n"						/* 30 */
"```ask\n"
"Which is *right*?\n"
"- [ ] this\n"
"- [x] `that`\n"
"> because.\n"					/* 35 */
"```\n"
"\n"
"```note\n"
"Say this.\n"
"```\n"						/* 40 */
"\n"
"---\n"
"\n"
"## Second page\n"
"\n"						/* 45 */
"```ask\n"
"How much faster?\n"
"predict: speedup\n"
"tolerance: 25%\n"
"> it depends.\n"				/* 50 */
"```\n"
"\n"
"```run\n"
"race threads=2 iters=1000\n"
"```\n";					/* 55 */

/* Parse text; fail the test on any error. */
static struct lesson *
parse_ok(const char *text)
{
	struct lesson_diags	 d;
	struct lesson		*l;

	memset(&d, 0, sizeof d);
	l = lesson_parse("t.md", text, strlen(text), &d);
	if (l == NULL)
		lesson_diags_print(stderr, "t.md", &d);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(d.errors, 0);
	lesson_diags_free(&d);
	return l;
}

/* Parse text and return every diagnostic as "LINE: error: msg\n" lines. */
static char *
diags_of(const char *text, size_t len)
{
	struct lesson_diags	 d;
	struct lesson		*l;
	char			*out = NULL;
	size_t			 n = 0;
	FILE			*f;

	memset(&d, 0, sizeof d);
	l = lesson_build("t.md", text, len, &d);
	lesson_destroy(l);
	f = open_memstream(&out, &n);
	lesson_diags_print(f, "t.md", &d);
	fclose(f);
	lesson_diags_free(&d);
	return out;
}

/* The model as lesson_dump() writes it. */
static char *
dump_of(const struct lesson *l)
{
	char	*out = NULL;
	size_t	 n = 0;
	FILE	*f = open_memstream(&out, &n);

	lesson_dump(f, l);
	fclose(f);
	return out;
}

#define ck_assert_has(hay, needle) do {					\
	if (strstr((hay), (needle)) == NULL)				\
		ck_abort_msg("'%s' not found in:\n%s", (needle), (hay)); \
} while (0)

/* Front matter keys land in the lesson, quotes removed. */
START_TEST(test_lesson_front_matter)
{
	struct lesson	*l = parse_ok(good);

	ck_assert_str_eq(l->id, "demo-lesson");
	ck_assert_str_eq(l->title, "A \"demo\" lesson");
	ck_assert_str_eq(l->summary, "what: it shows");
	ck_assert_int_eq(l->order, 7);
	ck_assert_str_eq(l->level, "beginner");
	ck_assert_double_eq(l->autoplay, 2.5);
	ck_assert_uint_eq(l->id_line, 2);
	lesson_destroy(l);
}
END_TEST

/* Pages split at thematic breaks; each block has its type and line. */
START_TEST(test_lesson_blocks)
{
	struct lesson		*l = parse_ok(good);
	struct lesson_block	*b;

	ck_assert_uint_eq(l->npages, 2);
	ck_assert_uint_eq(l->pages[0].nblocks, 12);
	b = l->pages[0].blocks;
	ck_assert_int_eq(b[0].type, LBLOCK_HEADING);
	ck_assert_int_eq(b[0].level, 1);
	ck_assert_uint_eq(b[0].line, 9);
	ck_assert_int_eq(b[1].type, LBLOCK_PARA);
	ck_assert_uint_eq(b[1].line, 10);
	ck_assert_int_eq(b[2].type, LBLOCK_ITEM);
	ck_assert_int_eq(b[2].level, 1);
	ck_assert_int_eq(b[2].ordered, 0);
	ck_assert_int_eq(b[3].level, 2);
	ck_assert_int_eq(b[3].ordered, 1);
	ck_assert_int_eq(b[4].number, 2);
	ck_assert_uint_eq(b[4].line, 14);
	ck_assert_int_eq(b[5].task, 1);
	ck_assert_int_eq(b[5].level, 1);
	ck_assert_int_eq(b[6].type, LBLOCK_CODE);
	ck_assert_str_eq(b[6].lang, "python");
	ck_assert_uint_eq(b[6].nlines, 2);
	ck_assert_str_eq(b[6].lines[1], "print(x)");
	ck_assert_uint_eq(b[6].line, 17);
	ck_assert_int_eq(b[7].type, LBLOCK_PAUSE);
	ck_assert_uint_eq(b[7].line, 22);
	ck_assert_int_eq(b[8].type, LBLOCK_RUN);
	ck_assert_ptr_eq(b[8].demo, demo_find("race"));
	ck_assert_int_eq(params_int(&b[8].params, "threads"), 4);
	ck_assert_str_eq(params_text(&b[8].params, "sync"), "lock");
	ck_assert_uint_eq(b[8].nknobs, 2);
	ck_assert_str_eq(b[8].knobs[1], "sync");
	ck_assert_int_eq(b[9].type, LBLOCK_QUOTE);
	ck_assert_uint_eq(b[9].line, 29);
	ck_assert_int_eq(b[10].type, LBLOCK_ASK);
	ck_assert_uint_eq(b[10].nchoices, 2);
	ck_assert_int_eq(b[10].choices[0].correct, 0);
	ck_assert_int_eq(b[10].choices[1].correct, 1);
	ck_assert_str_eq(b[10].choices[1].text[0].s, "that");
	ck_assert_uint_eq(b[10].choices[1].text[0].style, LSTYLE_CODE);
	ck_assert_str_eq(b[10].explain[0].s, "because.");
	ck_assert_ptr_null(b[10].predict);
	ck_assert_int_eq(b[11].type, LBLOCK_NOTE);
	ck_assert_str_eq(b[11].text[0].s, "Say this.");
	ck_assert_uint_eq(l->pages[1].line, 42);
	b = l->pages[1].blocks;
	ck_assert_int_eq(b[0].type, LBLOCK_HEADING);
	ck_assert_int_eq(b[0].level, 2);
	ck_assert_str_eq(b[1].predict, "speedup");
	ck_assert_double_eq_tol(b[1].tolerance, 0.25, 1e-9);
	ck_assert_uint_eq(b[1].line, 46);
	lesson_destroy(l);
}
END_TEST

/* Emphasis, strong, code and links become styled runs. */
START_TEST(test_lesson_inline)
{
	struct lesson		*l = parse_ok(good);
	struct lesson_block	*b = &l->pages[0].blocks[1];
	char			*dump = dump_of(l);

	ck_assert_str_eq(b->text[0].s, "Some ");
	ck_assert_str_eq(b->text[1].s, "em");
	ck_assert_uint_eq(b->text[1].style, LSTYLE_EM);
	ck_assert_uint_eq(b->text[3].style, LSTYLE_STRONG);
	ck_assert_uint_eq(b->text[5].style, LSTYLE_CODE);
	ck_assert_uint_eq(b->text[7].style, LSTYLE_LINK);
	ck_assert_str_eq(b->text[7].url, "https://x.org/a");
	ck_assert_has(dump, "10 para 0: Some _em_, **strong**, `code` and a "
	    "[link](https://x.org/a).");
	ck_assert_has(dump, "31 ask 0: Which is _right_? [ ] this [x] `that` "
	    "> because.");
	free(dump);
	lesson_destroy(l);
}
END_TEST

/* Escape sequences and control characters never reach the model. */
START_TEST(test_lesson_strip)
{
	static const char text[] =
	    "---\nid: e\ntitle: t\x1b]0;owned\x07 ok\nsummary: s\n---\n"
	    "Red \x1b[31mtext\x1b[0m, bell\x07, C1 \xc2\x9b" "2J, del\x7f.\n\n"
	    "```\nline\x1b[2Jtwo\x1b" "c\n```\n";
	struct lesson	*l = parse_ok(text);
	char		*dump = dump_of(l);

	ck_assert_str_eq(l->title, "t ok");
	ck_assert_has(dump, ": Red text, bell, C1 2J, del.\n");
	ck_assert_has(dump, "  | linetwo\n");
	ck_assert_ptr_null(strchr(dump, 0x1b));
	ck_assert_ptr_null(strchr(dump, 0x07));
	free(dump);
	lesson_destroy(l);
}
END_TEST

/* lesson_clean() on its own: tabs, CSI, OSC, C1. */
START_TEST(test_lesson_clean)
{
	char	*s;
	int	 stripped = 0;

	s = lesson_clean("a\tb", 3, 4, &stripped);
	ck_assert_str_eq(s, "a   b");
	ck_assert_int_eq(stripped, 0);
	free(s);
	s = lesson_clean("x\x1b[1;31my\x1b]8;;u\x1b\\z", 18, 0, &stripped);
	ck_assert_str_eq(s, "xyz");
	ck_assert_int_eq(stripped, 1);
	free(s);
	s = lesson_clean("\xc3\xa9\xc2\x85!", 5, 0, NULL);
	ck_assert_str_eq(s, "\xc3\xa9!");
	free(s);
}
END_TEST

/* A table becomes aligned lines; a ```pause fence is a pause too. */
START_TEST(test_lesson_table_pause)
{
	static const char text[] =
	    "---\nid: t\ntitle: t\nsummary: s\n---\n"
	    "| what | how |\n|---|---|\n| threads | I/O |\n\n"
	    "```pause\n```\n\nafter\n";
	struct lesson		*l = parse_ok(text);
	struct lesson_block	*b = l->pages[0].blocks;

	ck_assert_int_eq(b[0].type, LBLOCK_CODE);
	ck_assert_str_eq(b[0].lang, "table");
	ck_assert_uint_eq(b[0].nlines, 3);
	ck_assert_str_eq(b[0].lines[0], "what     how");
	ck_assert_str_eq(b[0].lines[1], "-------  ---");
	ck_assert_str_eq(b[0].lines[2], "threads  I/O");
	ck_assert_int_eq(b[1].type, LBLOCK_PAUSE);
	ck_assert_uint_eq(b[1].line, 10);
	lesson_destroy(l);
}
END_TEST

/* Every fault in one file is reported, each on its own line. */
START_TEST(test_lesson_diags)
{
	static const char text[] =
	    "---\ntitle: t\nsummary: s\ncolour: red\n---\n"	/* 1-5 */
	    "```run\nrace threads=0\nknobs: nope\n```\n"	/* 6-9 */
	    "\n***\n\n***\n\n"				/* 10-14 */
	    "```ask\nQ?\n- [ ] a\n```\n\n"			/* 15-19 */
	    "```run\nflood x=1\n```\n\n"			/* 20-23 */
	    "```\nopen\n";					/* 24-25 */
	char	*out = diags_of(text, sizeof text - 1);

	ck_assert_has(out, "t.md:1: error: missing 'id' in the front matter\n");
	ck_assert_has(out, "t.md:4: warning: unknown front matter key "
	    "'colour'");
	ck_assert_has(out, "t.md:7: error: race: threads=0: out of range; "
	    "threads is 1 to 1024\n");
	ck_assert_has(out, "t.md:8: error: race: knobs: unknown parameter "
	    "'nope'; known: threads,");
	ck_assert_has(out, "t.md:11: error: empty page 2: it has nothing to "
	    "show\n");
	ck_assert_has(out, "t.md:15: error: ask has no right answer");
	ck_assert_has(out, "t.md:21: error: unknown demo 'flood'; demos:");
	ck_assert_has(out, "t.md:24: error: unterminated ``` fence");
	free(out);
}
END_TEST

/* Broken bytes: NUL, bad UTF-8, long lines, a file over 1 MiB. */
START_TEST(test_lesson_bytes)
{
	char	*big, *out;
	size_t	 n = LESSON_MAX_BYTES + 1;

	out = diags_of("---\nid: a\n\0---\n", 15);
	ck_assert_str_eq(out, "t.md:3: error: not a text file (NUL byte at "
	    "offset 10)\n");
	free(out);
	out = diags_of("---\nid: a\ntitle: \xc0\xaf\n---\nx\n", 25);
	ck_assert_has(out, "t.md:3: error: invalid UTF-8 (byte 0xc0 at "
	    "column 8)\n");
	free(out);
	big = malloc(n);
	memset(big, 'a', n);
	memcpy(big, "---\nid: a\ntitle: b\n---\n", 23);
	out = diags_of(big, 23 + 5000);
	ck_assert_has(out, "t.md:5: error: line is too long (5000 bytes; "
	    "the limit is 4096)\n");
	free(out);
	out = diags_of(big, n);
	ck_assert_str_eq(out, "t.md: error: file is too large (1048577 "
	    "bytes; the limit is 1 MiB)\n");
	free(out);
	free(big);
}
END_TEST

/* Random bytes, Markdown-ish noise and every prefix: never a crash. */
/* Numbers are read the same whatever the locale; near names are found. */
START_TEST(test_lesson_number_suggest)
{
	static const struct { const char *word, *list, *want; char sep; } sg[] = {
		{ "rcae", "gen threads race queue", "race", ' ' },
		{ "thread", "threads iters sync", "threads", ' ' },
		{ "titel", "id title summary", "title", ' ' },
		{ "Speedup", "lost speedup", "speedup", ' ' },
		{ "mutx", "none|lock|atomic", NULL, '|' },
		{ "zzzzzz", "race threads", NULL, ' ' },
		{ "race", "race threads", NULL, ' ' },
	};
	const char	*end;
	double		 v;
	char		*near;
	size_t		 i;

	ck_assert_int_eq(lesson_number("0.5", &v, &end), 0);
	ck_assert_double_eq_tol(v, 0.5, 1e-12);
	ck_assert_str_eq(end, "");
	ck_assert_int_eq(lesson_number("12.25%", &v, &end), 0);
	ck_assert_double_eq_tol(v, 12.25, 1e-12);
	ck_assert_str_eq(end, "%");
	ck_assert_int_eq(lesson_number("1e3x", &v, &end), 0);
	ck_assert_double_eq_tol(v, 1000, 1e-9);
	ck_assert_str_eq(end, "x");
	ck_assert_int_eq(lesson_number("-2", &v, &end), 0);
	ck_assert_double_eq_tol(v, -2, 1e-12);
	ck_assert_int_eq(lesson_number("1,5", &v, &end), 0);
	ck_assert_str_eq(end, ",5");	/* a comma is never a point */
	ck_assert_int_eq(lesson_number(".", &v, &end), -1);
	ck_assert_int_eq(lesson_number("abc", &v, &end), -1);
	ck_assert_int_eq(lesson_number("1e999", &v, &end), -1);
	for (i = 0; i < sizeof sg / sizeof sg[0]; i++) {
		near = lesson_suggest(sg[i].word, sg[i].list, sg[i].sep);
		if (sg[i].want == NULL)
			ck_assert_msg(near == NULL, "%s: got %s", sg[i].word,
			    near);
		else
			ck_assert_msg(near != NULL && strcmp(near,
			    sg[i].want) == 0, "%s: got %s, want %s",
			    sg[i].word, near ? near : "(none)", sg[i].want);
		free(near);
	}
}
END_TEST

START_TEST(test_lesson_fuzz)
{
	static const char alphabet[] = "-*`[]()>#|x \n\n\t!:=0123456789"
	    "runaskpausenote\x1b\xc3\xa9\xff";
	struct lesson_diags	 d;
	struct lesson		*l;
	char			 buf[2048];
	size_t			 i, k, len, glen = sizeof good - 1;
	unsigned		 seed = 12345;

	for (i = 0; i < 3000; i++) {
		len = (size_t)rand_r(&seed) % sizeof buf;
		for (k = 0; k < len; k++)
			buf[k] = (i & 1) ? (char)rand_r(&seed) :
			    alphabet[(size_t)rand_r(&seed) %
			    (sizeof alphabet - 1)];
		if (i % 3 == 0 && len > 16)
			memcpy(buf, "---\nid: f\n---\n", 14);
		memset(&d, 0, sizeof d);
		lesson_destroy(lesson_build("f.md", buf, len, &d));
		lesson_diags_free(&d);
	}
	for (len = 0; len <= glen; len++) {	/* every truncation */
		memset(&d, 0, sizeof d);
		l = lesson_build("g.md", good, len, &d);
		ck_assert_ptr_nonnull(l);
		lesson_destroy(l);
		lesson_diags_free(&d);
	}
	for (i = 0; i < 2000; i++) {		/* one byte changed */
		memcpy(buf, good, glen);
		buf[(size_t)rand_r(&seed) % glen] =
		    alphabet[(size_t)rand_r(&seed) % (sizeof alphabet - 1)];
		memset(&d, 0, sizeof d);
		lesson_destroy(lesson_build("m.md", buf, glen, &d));
		lesson_diags_free(&d);
	}
}
END_TEST

static Suite *
lesson_suite(void)
{
	Suite	*s = suite_create("lesson");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_test(core, test_lesson_front_matter);
	tcase_add_test(core, test_lesson_blocks);
	tcase_add_test(core, test_lesson_inline);
	tcase_add_test(core, test_lesson_strip);
	tcase_add_test(core, test_lesson_clean);
	tcase_add_test(core, test_lesson_table_pause);
	tcase_add_test(edge, test_lesson_diags);
	tcase_add_test(edge, test_lesson_bytes);
	tcase_add_test(edge, test_lesson_fuzz);
	tcase_add_test(core, test_lesson_number_suggest);
	tcase_set_timeout(edge, 60);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(lesson_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
