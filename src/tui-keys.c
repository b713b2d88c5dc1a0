/*
 * tui-keys.c -- what each key does on each screen, and the help tables
 * that say so.
 *
 * Keys change state and set the dirty flag; they never draw.  The tables
 * below are the one list of keys: the help overlay prints them, so a key
 * added here without a line there is a key nobody finds.
 *
 * A lesson page is revealed in steps: `reveal` counts the pause markers
 * passed, and "next" first reveals the rest of the page, then turns it.
 * On a page with a demo, the knob keys win over navigation keys that share
 * a letter (g is the GIL mode there; Home still goes to the first page).
 */

#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

const struct tui_keydef tui_keys_menu[] = {
	{ "Up/k  Down/j", "choose a lesson" },
	{ "PgUp  PgDn", "a screenful up or down" },
	{ "Home  End", "first or last lesson" },
	{ "Enter/l/Right", "open the lesson" },
	{ "?", "this help (any key closes it)" },
	{ "q", "quit" },
	{ NULL, NULL }
};

const struct tui_keydef tui_keys_lesson[] = {
	{ "Right/Space/l", "next: reveal the rest of the page, then turn it" },
	{ "Left/h/BkSp", "previous page" },
	{ "Home/g  End/G", "first or last page" },
	{ "Up/k  Down/j", "scroll the page" },
	{ "1-9", "answer a question with that choice" },
	{ "o", "open the page's stepper (a step block)" },
	{ "0-9 . Enter", "type a prediction, Enter to lock it in" },
	{ "?", "this help" },
	{ NULL, NULL }
};

/* q on a lesson: the menu's, or the end when it was opened by name. */
const struct tui_keydef tui_keys_back[] = {
	{ "q/Esc", "back to the menu (stops a run)" },
	{ NULL, NULL }
};

const struct tui_keydef tui_keys_quit[] = {
	{ "q/Esc", "quit (the lesson was opened by name: no menu)" },
	{ NULL, NULL }
};

const struct tui_keydef tui_keys_demo[] = {
	{ "r", "run the demo; again: rerun, the last run stays above" },
	{ "x", "stop the run now" },
	{ "Tab", "knobs: Left/Right choose, Up/Down step, type a value "
	    "(1e4 = 10000) and Enter, Esc leaves" },
	{ "+  -", "step the chosen knob up or down" },
	{ "[  ]", "the page's previous or next run block" },
	{ "p", "pause or resume the animation" },
	{ "R  v", "replay the last run; v: speed 1/4, 1/16, 1x" },
	{ "z  Z", "zoom the time axis in or out" },
	{ "<  >", "pan the time axis" },
	{ "e", "export the run as a Chrome trace (Perfetto)" },
	{ "f", "figures: every figure of the last run, explained, and what "
	    "changed since the run compared with (j/k)" },
	{ "c", "compare two of the last 4 runs: Up/Down choose, a/b or 1-9 "
	    "mark A and B, Enter shows them with the figures that "
	    "changed, n none, any other key leaves" },
	{ "P", "CPython: run the real Python twin with the last run's knobs, "
	    "then f shows its figures beside parlab's; P or x stops it" },
	{ "F", "show the run recorded for this block (fallback:)" },
	{ "t", "time cursor: Left/Right (H/L) move, m marks A then B, Up/Down "
	    "scroll lanes, t/Esc leaves" },
	{ NULL, NULL }
};

const struct tui_keydef tui_keys_present[] = {
	{ "a", "pause or resume autoplay" },
	{ "b", "blank the screen; any key brings it back" },
	{ ":  digits Enter", "jump to that page" },
	{ "T", "reset the talk's timer (`parlab notes` shows it)" },
	{ NULL, NULL }
};

/* The page on screen. */
static const struct lesson_page *
tui_page(const struct tui *t)
{
	return &t->lesson->pages[t->page];
}

/* Pause markers on the current page. */
static unsigned
tui_page_pauses(const struct tui *t)
{
	const struct lesson_page	*pg = tui_page(t);
	unsigned			 n = 0;
	size_t				 i;

	for (i = 0; i < pg->nblocks; i++)
		n += pg->blocks[i].type == LBLOCK_PAUSE;
	return n;
}

/* Whether part of the current page is still hidden behind a pause. */
int
tui_page_has_more(const struct tui *t)
{
	return t->lesson != NULL && t->reveal < tui_page_pauses(t);
}

/* Show page n: close the old demo, open this page's first run block. */
void
tui_goto_page(struct tui *t, size_t n)
{
	if (n >= t->lesson->npages)
		n = t->lesson->npages ? t->lesson->npages - 1 : 0;
	tui_demo_close_page(t);
	t->page = n;
	t->reveal = 0;
	t->scroll = 0;
	t->input[0] = '\0';
	t->page_since = clock_ns();
	t->dirty = 1;
	if (t->lesson->npages == 0)
		return;
	progress_page_seen(t->progress, t->lesson->id, (unsigned)n,
	    (unsigned)t->lesson->npages);
	tui_demo_open_page(t);
	if (t->demo.block != NULL && t->present && t->autoplay &&
	    t->lesson->autoplay > 0)
		tui_demo_start(t);
}

/* Bring back the answers saved for a lesson's questions (those that
 * still fit the lesson as it is now). */
static void
tui_restore_answers(struct tui *t)
{
	const struct lesson_block	*b;
	struct tui_answer		*a;
	size_t				 pg, i;
	double				 value;
	int				 choice;

	for (pg = 0; pg < t->lesson->npages; pg++)
		for (i = 0; i < t->lesson->pages[pg].nblocks; i++) {
			b = &t->lesson->pages[pg].blocks[i];
			if (b->type != LBLOCK_ASK || progress_choice_get(
			    t->progress, t->lesson->id, (unsigned)pg,
			    (unsigned)i, &choice, &value) != 0 ||
			    (choice < 0) != (b->predict != NULL) ||
			    (choice >= 0 && (size_t)choice >= b->nchoices))
				continue;
			t->answers = xreallocarray(t->answers,
			    t->nanswers + 1, sizeof *t->answers);
			a = &t->answers[t->nanswers++];
			memset(a, 0, sizeof *a);
			a->block = b;
			a->choice = choice;
			a->value = value;
			if (choice >= 0) {
				a->correct = b->choices[choice].correct;
				a->checked = 1;
			}
		}
}

/* Open a lesson where the student left it, earlier answers shown. */
void
tui_open_lesson(struct tui *t, struct lesson *l)
{
	long	last = progress_last_page(t->progress, l->id);

	t->lesson = l;
	t->screen = TUI_LESSON;
	free(t->answers);
	t->answers = NULL;
	t->nanswers = 0;
	tui_restore_answers(t);
	tui_goto_page(t, last > 0 ? (size_t)last : 0);
}

/* Leave the lesson (stopping its run) for the menu. */
void
tui_close_lesson(struct tui *t)
{
	tui_demo_close_page(t);
	t->lesson = NULL;
	t->screen = TUI_MENU;
	t->dirty = 1;
}

/* The answer given to an ask block, or NULL. */
static struct tui_answer *
tui_answer_find(struct tui *t, const struct lesson_block *b)
{
	size_t	i;

	for (i = 0; i < t->nanswers; i++)
		if (t->answers[i].block == b)
			return &t->answers[i];
	return NULL;
}

/* The first visible, unanswered question of the page (of a kind), or NULL. */
static const struct lesson_block *
tui_open_ask(struct tui *t, int predict)
{
	const struct lesson_page	*pg = tui_page(t);
	const struct lesson_block	*b;
	unsigned			 pauses = 0;
	size_t				 i;

	for (i = 0; i < pg->nblocks; i++) {
		b = &pg->blocks[i];
		if (b->type == LBLOCK_PAUSE && pauses++ == t->reveal)
			break;
		if (b->type == LBLOCK_ASK && (b->predict != NULL) == predict &&
		    tui_answer_find(t, b) == NULL)
			return b;
	}
	return NULL;
}

/* Record an answer (and tell progress about a choice). */
static void
tui_answer(struct tui *t, const struct lesson_block *b, int choice,
    double value)
{
	struct tui_answer	*a;

	t->answers = xreallocarray(t->answers, t->nanswers + 1,
	    sizeof *t->answers);
	a = &t->answers[t->nanswers++];
	memset(a, 0, sizeof *a);
	a->block = b;
	a->choice = choice;
	a->value = value;
	progress_choice(t->progress, t->lesson->id, (unsigned)t->page,
	    (unsigned)(b - tui_page(t)->blocks), choice, value);
	if (choice >= 0) {
		a->correct = b->choices[choice].correct;
		a->checked = 1;
		progress_answer(t->progress, t->lesson->id, (unsigned)t->page,
		    a->correct);
		tui_message(t, 0, "%s", a->correct ? "Right." :
		    "Not quite: read why below.");
	} else
		tui_message(t, 0, "Prediction noted: now press r and see.");
}

/* Keys that type or answer: digits, '.', Backspace, Enter. */
static int
tui_keys_answer(struct tui *t, int ch)
{
	const struct lesson_block	*b;
	size_t				 n = strlen(t->input);
	char				*end;
	double				 v;

	if ((b = tui_open_ask(t, 1)) != NULL) {
		if (((ch >= '0' && ch <= '9') || ch == '.') &&
		    n + 1 < sizeof t->input) {
			t->input[n] = (char)ch;
			t->input[n + 1] = '\0';
			return 1;
		}
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0) {
			t->input[n - 1] = '\0';
			return 1;
		}
		if ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) && n > 0) {
			v = strtod(t->input, &end);
			if (*end != '\0' || !isfinite(v))
				tui_message(t, 1, "'%s' is not a number",
				    t->input);
			else
				tui_answer(t, b, -1, v);
			t->input[0] = '\0';
			return 1;
		}
		return 0;
	}
	if (ch >= '1' && ch <= '9' && (b = tui_open_ask(t, 0)) != NULL) {
		if ((size_t)(ch - '1') >= b->nchoices)
			tui_message(t, 1, "choose 1 to %zu", b->nchoices);
		else
			tui_answer(t, b, ch - '1', 0);
		return 1;
	}
	return 0;
}

/* Keys of the demo pane; 1 if the key was one. */
static int
tui_keys_on_demo(struct tui *t, int ch)
{
	if (t->demo.block == NULL)
		return 0;
	if (tui_knobs_key(t, ch))
		return 1;
	switch (ch) {
	case 'r':
		tui_demo_start(t);
		return 1;
	case 'x':
		if (!tui_twin_stop(t))
			tui_demo_stop(t);
		return 1;
	case '[': case ']':
		tui_demo_select(t, ch == ']' ? 1 : -1);
		return 1;
	case 'p':
		t->demo.paused = !t->demo.paused;
		tui_message(t, 0, "%s", t->demo.paused ? "paused: p resumes" :
		    "resumed");
		return 1;
	case 'R':
		tui_demo_replay(t);
		return 1;
	case 'v':
		t->demo.speed = t->demo.speed == 4 ? 16 : t->demo.speed == 16 ?
		    1 : 4;
		tui_message(t, 0, "replay speed %s: R replays",
		    t->demo.speed == 1 ? "1x" : t->demo.speed == 4 ? "1/4" :
		    "1/16");
		return 1;
	case 'z': case 'Z':
		tui_demo_zoom(t, ch == 'z');
		return 1;
	case '<': case ',': case '>': case '.':
		tui_demo_pan(t, ch == '>' || ch == '.' ? 1 : -1);
		return 1;
	case 'e':
		tui_demo_export(t);
		return 1;
	case 'c':
		tui_compare_open(t);
		return 1;
	case 'P':
		tui_twin_key(t);
		return 1;
	case 'f':
		if (view_figures_ready(t))
			t->demo.figures = 1;
		else
			tui_message(t, 0, "The figures panel needs a finished "
			    "run: r runs one.");
		return 1;
	case 'F':
		return show_fallback(t);
	}
	return 0;
}

/* Next: reveal the rest of the page, else turn it. */
static void
tui_next(struct tui *t)
{
	if (tui_page_has_more(t)) {
		t->reveal++;
		t->dirty = 1;
	} else if (t->page + 1 < t->lesson->npages)
		tui_goto_page(t, t->page + 1);
	else
		tui_message(t, 0, "End of the lesson: q %s.", t->lessons ?
		    "goes back to the menu" : "quits");
}

/* Keys on a lesson page. */
static void
tui_keys_on_lesson(struct tui *t, int ch)
{
	int	page_h = t->text_h > 1 ? t->text_h - 1 : 1;

	/* The time cursor takes the arrows while it is on. */
	if (t->demo.block != NULL && tui_cursor_key(t, ch))
		return;
	/* The focused knob row types digits before a prediction does. */
	if ((t->demo.knob_focus && tui_keys_on_demo(t, ch)) ||
	    tui_keys_answer(t, ch) || tui_keys_on_demo(t, ch))
		return;
	if (ch == 'o' && view_step_open_page(t))	/* a step block */
		return;
	switch (ch) {
	case KEY_RIGHT: case ' ': case 'l': case 'n':
		tui_next(t);
		break;
	case KEY_LEFT: case 'h': case KEY_BACKSPACE: case 127:
		if (t->page > 0) {
			tui_goto_page(t, t->page - 1);
			t->reveal = tui_page_pauses(t);
		}
		break;
	case KEY_HOME: case 'g':
		tui_goto_page(t, 0);
		break;
	case KEY_END: case 'G':
		tui_goto_page(t, t->lesson->npages - 1);
		break;
	case KEY_DOWN: case 'j':
		t->scroll++;
		break;
	case KEY_UP: case 'k':
		t->scroll--;
		break;
	case KEY_NPAGE:
		t->scroll += page_h;
		break;
	case KEY_PPAGE:
		t->scroll -= page_h;
		break;
	case 'a':
		if (t->present && t->lesson->autoplay <= 0)
			tui_message(t, 1, "this lesson sets no `autoplay:` "
			    "(seconds a page) in its front matter");
		else if (t->present) {
			t->autoplay = !t->autoplay;
			t->page_since = clock_ns();
			tui_message(t, 0, "autoplay %s", t->autoplay ? "on" :
			    "paused");
		}
		break;
	case 'q': case 27:
		if (t->lessons == NULL)
			t->quit = 1;
		else
			tui_close_lesson(t);
		break;
	}
	if (t->scroll > t->content_h - t->text_h)
		t->scroll = t->content_h - t->text_h;
	if (t->scroll < 0)
		t->scroll = 0;
}

/* Keys on the menu. */
static void
tui_keys_on_menu(struct tui *t, int ch)
{
	size_t	page = t->lines > 4 ? (size_t)t->lines - 4 : 1;

	switch (ch) {
	case KEY_DOWN: case 'j':
		if (t->menu_sel + 1 < t->nlessons)
			t->menu_sel++;
		break;
	case KEY_UP: case 'k':
		if (t->menu_sel > 0)
			t->menu_sel--;
		break;
	case KEY_NPAGE:
		t->menu_sel += page;
		break;
	case KEY_PPAGE:
		t->menu_sel = t->menu_sel > page ? t->menu_sel - page : 0;
		break;
	case KEY_HOME: case 'g':
		t->menu_sel = 0;
		break;
	case KEY_END: case 'G':
		t->menu_sel = t->nlessons;
		break;
	case '\n': case '\r': case KEY_ENTER: case KEY_RIGHT: case 'l':
		if (t->nlessons > 0)
			tui_open_lesson(t, t->lessons[t->menu_sel]);
		break;
	case 'q': case 27:
		t->quit = 1;
		break;
	}
	if (t->menu_sel >= t->nlessons)
		t->menu_sel = t->nlessons ? t->nlessons - 1 : 0;
}

/* One key: help first, then the screen's own keys. */
void
tui_keys_handle(struct tui *t, int ch)
{
	t->dirty = 1;
	if (t->help) {
		if ((ch == KEY_DOWN || ch == 'j') && t->help_scrolls)
			t->help++;
		else if ((ch == KEY_UP || ch == 'k') && t->help_scrolls) {
			if (t->help > 1)
				t->help--;
		} else if (ch != KEY_RESIZE)
			t->help = 0;
		return;
	}
	if (ch == '?') {
		t->help = 1;
		return;
	}
	if (t->demo.figures) {
		if ((ch == KEY_DOWN || ch == 'j') && t->demo.figures_scrolls)
			t->demo.figures++;
		else if ((ch == KEY_UP || ch == 'k') && t->demo.figures_scrolls) {
			if (t->demo.figures > 1)
				t->demo.figures--;
		} else if (ch == KEY_NPAGE && t->demo.figures_scrolls)
			t->demo.figures += t->lines / 2;
		else if (ch == KEY_PPAGE && t->demo.figures_scrolls)
			t->demo.figures = t->demo.figures > t->lines / 2 ?
			    t->demo.figures - t->lines / 2 : 1;
		else if (ch != KEY_RESIZE)
			t->demo.figures = 0;
		return;
	}
	if (t->demo.cmp) {
		tui_compare_key(t, ch);
		return;
	}
	if (t->message != NULL && ch != KEY_RESIZE) {
		free(t->message);
		t->message = NULL;
	}
	if (t->step != NULL) {
		view_step_key(t, ch);
		return;
	}
	if (t->screen == TUI_LESSON && present_key(t, ch))
		return;
	if (t->screen == TUI_MENU)
		tui_keys_on_menu(t, ch);
	else
		tui_keys_on_lesson(t, ch);
}
