/*
 * tui.c -- the lab's screen: glyphs and text, and the one input/redraw loop.
 *
 * Only this thread calls curses.  Demos run on a thread of their own
 * (tui-demo.c) and write into their trace; each pass of the loop folds
 * what they published (never waiting on them), then redraws once if
 * anything set the dirty flag, then sleeps in poll(2) until a key, a
 * signal or the next frame: a frame every TUI_FRAME_NS (32 a second, a
 * margin over 30) while a timeline moves, no wake-ups at all when nothing
 * does.  Setting the terminal up, putting it back and the signals are
 * tui-term.c's.
 *
 * Colour carries meaning twice: roles map to colours (theme.c) and the
 * timeline's states also have glyphs, UTF-8 or ASCII by the locale, so a
 * monochrome (NO_COLOR) or ASCII (LANG=C) terminal shows the same thing.
 */

#include "config.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"


static struct lesson		*tui_given;	/* tui_give(): open this */
static struct tui_run		*tui_given_run;

/* Set the message line; error picks the error colour. */
void
tui_message(struct tui *t, int error, const char *fmt, ...)
{
	va_list	ap;

	free(t->message);
	va_start(ap, fmt);
	xvasprintf(&t->message, fmt, ap);
	va_end(ap);
	t->message_error = error;
	t->dirty = 1;
}

/* The curses attribute of a role: colour and flags, or flags alone. */
unsigned
tui_attr(const struct tui *t, int role)
{
	const struct theme_style	*st = &t->theme.role[role];
	unsigned			 a = 0;

	if (st->flags & THEME_BOLD)
		a |= A_BOLD;
	if (st->flags & THEME_UNDERLINE)
		a |= A_UNDERLINE;
	if (st->flags & THEME_REVERSE)
		a |= A_REVERSE;
	if (st->flags & THEME_DIM)
		a |= A_DIM;
	if (t->color) {
		if (st->fg >= 8 && st->fg < 16 && COLORS < 16)
			a |= A_BOLD;
		return a | (unsigned)COLOR_PAIR(role + 1);
	}
	/* Monochrome: bars and the cursor must still stand out. */
	if (role == ROLE_TITLE || role == ROLE_STATUS || role == ROLE_SELECTED)
		a = (a & ~(unsigned)A_REVERSE) | A_REVERSE;
	return a;
}

/* A state's glyph: UTF-8 or ASCII by the locale. */
const char *
tui_glyph(const struct tui *t, enum state st)
{
	static char	ascii[STATE_COUNT][2];

	if (t->utf8)
		return trace_states[st].utf8;
	ascii[st][0] = trace_states[st].ascii;
	return ascii[st];
}

/* The UTF-8 symbol on UTF-8 terminals, the ASCII one elsewhere. */
const char *
tui_sym(const struct tui *t, const char *utf8, const char *ascii)
{
	return t->utf8 ? utf8 : ascii;
}

/* Decode one UTF-8 character; returns its length (1 for a bad byte). */
static size_t
tui_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t	len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
	*cp = len == 1 ? '?' : s[0] & (0x3f >> (len - 1));
	if (len > n)
		len = 1;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = '?';
			return 1;
		}
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return len;
}

/* An ASCII stand-in for a character an ASCII terminal cannot show. */
static const char *
tui_ascii(uint32_t cp)
{
	switch (cp) {
	case 0x2013: case 0x2014: case 0x2212: case 0x2500: return "-";
	case 0x2018: case 0x2019: return "'";
	case 0x201c: case 0x201d: return "\"";
	case 0x2026: return "...";
	case 0x00d7: return "x";
	case 0x2192: return "->";
	case 0x2190: return "<-";
	case 0x2022: case 0x00b7: return "*";
	case 0x2502: return "|";
	case 0x2713: return "v";
	case 0x00a0: return " ";
	default: return "?";
	}
}

/* Columns of one character. */
static int
tui_cp_width(const struct tui *t, uint32_t cp)
{
	int	w;

	if (!t->utf8)
		return cp < 0x80 ? 1 : (int)strlen(tui_ascii(cp));
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

/* Columns the first n bytes of s take on screen. */
int
tui_width(const struct tui *t, const char *s, size_t n)
{
	uint32_t	cp;
	size_t		i = 0;
	int		w = 0;

	while (i < n && s[i] != '\0') {
		i += tui_utf8((const unsigned char *)s + i, n - i, &cp);
		w += tui_cp_width(t, cp);
	}
	return w;
}

/*
 * Draw n bytes of s at (y, x) in a role, in at most maxcols columns and
 * never past the screen's edge; returns the columns drawn.  On an ASCII
 * terminal other characters are replaced by stand-ins.
 */
int
tui_putn(const struct tui *t, int y, int x, int maxcols, const char *s,
    size_t n, int role)
{
	uint32_t	cp;
	size_t		i = 0, len;
	int		w, used = 0;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;
	if (maxcols > COLS - x)
		maxcols = COLS - x;
	attrset(tui_attr(t, role));
	move(y, x);
	while (i < n && s[i] != '\0') {
		len = tui_utf8((const unsigned char *)s + i, n - i, &cp);
		if (cp < 0x20 || cp == 0x7f)
			cp = ' ';
		w = tui_cp_width(t, cp);
		if (used + w > maxcols)
			break;
		if (cp < 0x80)
			addch((chtype)cp | tui_attr(t, role));
		else if (t->utf8)
			addnstr(s + i, (int)len);
		else
			addstr(tui_ascii(cp));
		used += w;
		i += len;
	}
	attrset(A_NORMAL);
	return used;
}

/* Draw a string; see tui_putn(). */
int
tui_put(const struct tui *t, int y, int x, int maxcols, const char *s,
    int role)
{
	return tui_putn(t, y, x, maxcols, s, strlen(s), role);
}

/* Repeat a one-column glyph n times from (y, x). */
void
tui_fill(const struct tui *t, int y, int x, int n, const char *glyph,
    int role)
{
	int	i;

	for (i = 0; i < n; i++)
		tui_put(t, y, x + i, 1, glyph, role);
}

/* Draw the whole screen from state: the one redraw point. */
static void
tui_draw(struct tui *t)
{
	char	buf[96];

	t->cols = COLS;
	t->lines = LINES;
	erase();
	if (present_blanked(t->presenter))
		;	/* the projector shows black until a key */
	else if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_LINES) {
		snprintf(buf, sizeof buf, "%dx%d; needs %dx%d", COLS, LINES,
		    TUI_MIN_COLS, TUI_MIN_LINES);
		tui_put(t, 0, 0, COLS, "terminal too small", ROLE_ERROR);
		tui_put(t, 1, 0, COLS, buf, ROLE_NORMAL);
		tui_put(t, 2, 0, COLS, "enlarge it, or q", ROLE_DIM);
	} else {
		if (t->step != NULL)
			view_step_draw(t);
		else if (t->screen == TUI_MENU)
			view_menu_draw(t);
		else
			view_lesson_draw(t);
		if (t->help)
			view_help_draw(t);
		else if (t->demo.figures)
			view_figures_draw(t);
		else if (t->demo.cmp)
			view_compare_draw(t);
	}
	wnoutrefresh(stdscr);
	doupdate();
	t->frames++;
}

/* Presenter autoplay: go on when the page's time is up and no run is live. */
static uint64_t
tui_autoplay(struct tui *t, uint64_t now)
{
	uint64_t	due;

	if (!t->present || !t->autoplay || t->lesson == NULL ||
	    t->lesson->autoplay <= 0 || t->help)
		return 0;
	due = t->page_since + (uint64_t)(t->lesson->autoplay * 1e9);
	if (tui_demo_live(t))
		return 0;
	if (now < due)
		return due;
	if (tui_page_has_more(t) || t->page + 1 < t->lesson->npages)
		tui_keys_handle(t, ' ');
	else
		t->autoplay = 0;
	t->page_since = now;
	t->dirty = 1;
	return now + (uint64_t)(t->lesson->autoplay * 1e9);
}

/* Save progress after a page turn or an answer (a crash loses nothing);
 * the first failure is shown once, later ones are retried quietly. */
static void
tui_progress_sync(struct tui *t)
{
	static int	 warned;
	char		*cause = NULL;

	if (!progress_dirty(t->progress) ||
	    progress_save(t->progress, &cause) == 0)
		return;
	if (!warned++)
		tui_message(t, 1, "progress not saved: %s", cause);
	free(cause);
}

/* The loop: fold, redraw if dirty, sleep until input or the next frame. */
static void
tui_loop(struct tui *t)
{
	struct pollfd	pfd[4];
	uint64_t	now, due, next_frame = 0;
	uint64_t	anim_frames = 0, anim_since = 0, anim_last = 0;
	int		ch, timeout;

	t->dirty = 1;
	while (!t->quit && !tui_term_signalled()) {
		now = clock_ns();
		if (tui_demo_tick(t))
			t->dirty = 1;
		due = tui_autoplay(t, now);
		if (t->presenter != NULL)
			present_tick(t->presenter, t);
		/* While animating, a key waits for the next beat (31 ms). */
		if (t->dirty && (now >= next_frame || !tui_demo_live(t))) {
			tui_draw(t);
			t->dirty = 0;
			/* The longest animated frame, against its budget. */
			if (tui_demo_live(t) && clock_ns() - now > t->frame_max_ns)
				t->frame_max_ns = clock_ns() - now;
			/* Frames on a fixed beat, so drawing time and poll's
			 * rounding do not add up to a slower rate. */
			next_frame = next_frame + TUI_FRAME_NS > now ?
			    next_frame + TUI_FRAME_NS : now + TUI_FRAME_NS;
			if (tui_demo_live(t)) {
				anim_frames++;
				if (anim_since == 0)
					anim_since = now;
				anim_last = now;
			}
		}
		timeout = -1;
		now = clock_ns();
		if (tui_demo_live(t))
			timeout = next_frame > now ? (int)((next_frame - now +
			    NS_PER_MS - 1) / NS_PER_MS) : 0;
		else if (due != 0)
			timeout = (int)((due - now) / NS_PER_MS) + 1;
		if (tui_twin_busy(t) && (timeout < 0 || timeout > 100))
			timeout = 100;	/* a CPython twin's end is polled */
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = tui_term_wake_fd();
		pfd[1].events = POLLIN;
		/* Hot reload: a save of the open lesson wakes us too. */
		timeout = lesson_watch_tick(t, timeout);
		pfd[2].fd = lesson_watch_fd(t->watch);
		pfd[2].events = POLLIN;
		/* A notes client connecting or leaving. */
		pfd[3].fd = t->presenter ? present_fd(t->presenter) : -1;
		pfd[3].events = POLLIN;
		if (poll(pfd, 4, timeout) < 0 && errno != EINTR)
			fatal("poll: %s", strerror(errno));
		tui_term_drain();
		if (pfd[0].revents & (POLLHUP | POLLERR))
			break;
		while ((ch = getch()) != ERR && !t->quit) {
			if (ch == KEY_RESIZE)
				t->dirty = 1;
			else if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_LINES)
				t->quit = ch == 'q';
			else
				tui_keys_handle(t, ch);
		}
		tui_progress_sync(t);
	}
	if (anim_frames > 1 && anim_last > anim_since)
		t->anim_fps = (double)(anim_frames - 1) * 1e9 /
		    (double)(anim_last - anim_since);
}

/*
 * Write figures for tests and measurements, when $PARLAB_TUI_STATS asks.
 * first_real is the wall-clock time of the first frame: a launcher that
 * sets $PARLAB_LAUNCH_NS (date +%s%N) just before it starts parlab gets the
 * whole start-up, exec and libraries included, as launch_to_first_frame_ms.
 */
static void
tui_stats(const struct tui *t, uint64_t start, uint64_t first,
    const struct timespec *first_real)
{
	const char	*path = getenv("PARLAB_TUI_STATS");
	const char	*launch = getenv("PARLAB_LAUNCH_NS");
	FILE		*f;
	double		 ms;

	if (path == NULL || *path == '\0' || (f = fopen(path, "we")) == NULL)
		return;
	fprintf(f, "frames %llu\nanim_fps %.1f\nfirst_frame_ms %.3f\n"
	    "ui_tid %ld\nframe_max_ms %.3f\n", (unsigned long long)t->frames,
	    t->anim_fps, (double)(first - start) / 1e6, (long)getpid(),
	    (double)t->frame_max_ns / 1e6);
	if (launch != NULL && *launch != '\0') {
		ms = ((double)first_real->tv_sec * 1e9 +
		    (double)first_real->tv_nsec - strtod(launch, NULL)) / 1e6;
		fprintf(f, "launch_to_first_frame_ms %.3f\n", ms);
	}
	fclose(f);
}

/*
 * Open the lesson named on the command line; refuse a broken one.  *status
 * is the exit status on failure: 2 for a name that is no lesson (bad
 * usage, like an unknown demo), 1 for a lesson that does not check.
 */
static struct lesson *
tui_load_one(const char *name, int *status)
{
	struct lesson_diags	 d;
	struct lesson		*l;
	char			*path;

	*status = 2;
	if ((path = lesson_resolve(name)) == NULL) {
		warnx_("no lesson '%s'; `parlab list` shows the lessons", name);
		return NULL;
	}
	*status = 1;
	memset(&d, 0, sizeof d);
	l = lesson_load(path, &d);
	if (l == NULL || d.errors > 0) {
		lesson_diags_print(stderr, path, &d);
		warnx_("%s: refused: fix the errors above (`parlab check` "
		    "lists them too)", path);
		lesson_destroy(l);
		l = NULL;
	}
	lesson_diags_free(&d);
	free(path);
	return l;
}

/*
 * Make the next tui_main() open lesson l (it takes it over) with a
 * finished run already in the first page's demo pane: `parlab show`.
 */
void
tui_give(struct lesson *l, struct tui_run *tr)
{
	tui_given = l;
	tui_given_run = tr;
}

/* parlab [--theme NAME] [--present] [LESSON [--page N]]: the lab. */
int
tui_main(const char *name, const char *theme, int present, long page)
{
	struct tui	 t;
	struct lesson	*one = NULL;
	char		*cause = NULL, *warning = NULL;
	int		 status;
	size_t		 i;
	uint64_t	 start = clock_ns(), first;
	struct timespec	 first_real;
	const char	*cs;

	memset(&t, 0, sizeof t);
	t.present = present;
	t.autoplay = present;
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");	/* text in the user's; numbers never */
	cs = nl_langinfo(CODESET);
	t.utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
	if (name != NULL && (one = tui_load_one(name, &status)) == NULL)
		return status;
	if (one != NULL && page > (long)one->npages) {
		warnx_("%s has %zu page%s: --page takes 1 to %zu", one->path,
		    one->npages, one->npages == 1 ? "" : "s", one->npages);
		lesson_destroy(one);
		return 2;
	}
	if (tui_given != NULL)
		one = tui_given;
	if (one == NULL)
		t.lessons = lesson_find_all(&t.nlessons, &t.diags);
	if (theme == NULL)
		theme = getenv("PARLAB_THEME");
	if (theme == NULL || *theme == '\0')
		theme = "default";
	if (theme_load(&t.theme, theme, &cause) != 0 &&
	    strcmp(theme, "default") != 0)
		tui_message(&t, 1, "%s", cause);
	free(cause);
	cause = NULL;
	t.progress = progress_load(&warning);
	if (warning != NULL) {
		tui_message(&t, 1, "%s", warning);
		free(warning);
	}
	if (t.diags.errors > 0)
		tui_message(&t, 1, "some lesson files were refused; their "
		    "errors are printed when you quit");
	if (present && (t.presenter = present_create(&cause)) == NULL) {
		warnx_("%s", cause);
		free(cause);
		cause = NULL;
	}
	if (t.presenter == NULL && present) {
		lesson_destroy(one);
		lesson_free_all(t.lessons, t.nlessons);
		progress_free(t.progress);
		return 1;
	}
	if (tui_term_init(&t, &cause) != 0) {
		present_destroy(t.presenter);
		warnx_("%s", cause);
		free(cause);
		lesson_destroy(one);
		lesson_free_all(t.lessons, t.nlessons);
		progress_free(t.progress);
		return 1;
	}
	if (one != NULL)
		tui_open_lesson(&t, one);
	for (i = 0; i < t.nlessons && progress_last_lesson(t.progress); i++)
		if (strcmp(t.lessons[i]->id,
		    progress_last_lesson(t.progress)) == 0)
			t.menu_sel = i;	/* the menu opens on the last lesson */
	if (one != NULL && page > 1)
		tui_goto_page(&t, (size_t)page - 1);
	if (tui_given_run != NULL && t.demo.block != NULL) {
		t.demo.cur = tui_given_run;
		t.demo.playhead = tui_given_run->t_total;
		tui_message(&t, 0, "%s", tui_given_run->label);
	}
	tui_given = NULL;
	tui_given_run = NULL;
	tui_draw(&t);
	first = clock_ns();
	clock_gettime(CLOCK_REALTIME, &first_real);
	tui_loop(&t);
	tui_term_done();
	step_view_destroy(t.step);
	present_destroy(t.presenter);
	if (t.lesson != NULL)
		tui_close_lesson(&t);
	tui_stats(&t, start, first, &first_real);
	lesson_watch_destroy(t.watch);
	free(t.watch_error);
	if (t.diags.errors > 0)
		lesson_diags_print(stderr, NULL, &t.diags);
	if (progress_save(t.progress, &cause) != 0) {
		warnx_("progress not saved: %s", cause);
		free(cause);
	}
	progress_free(t.progress);
	lesson_destroy(one);
	lesson_free_all(t.lessons, t.nlessons);
	lesson_diags_free(&t.diags);
	free(t.message);
	free(t.answers);
	tui_term_close();
	return tui_term_signalled() ? 128 + tui_term_signalled() : 0;
}

/* parlab step PROGRAM on a terminal: the stepper alone; q quits. */
int
tui_step_main(struct step_view *sv)
{
	struct tui	 t;
	char		*cause = NULL;
	const char	*cs, *theme = getenv("PARLAB_THEME");

	memset(&t, 0, sizeof t);
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	t.utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
	/* A theme that does not load leaves the default one. */
	theme_load(&t.theme, theme != NULL && *theme != '\0' ? theme :
	    "default", &cause);
	free(cause);
	cause = NULL;
	if (tui_term_init(&t, &cause) != 0) {
		warnx_("%s", cause);
		free(cause);
		return 1;
	}
	t.step = sv;
	tui_draw(&t);
	tui_loop(&t);
	tui_term_done();
	free(t.message);
	tui_term_close();
	return tui_term_signalled() ? 128 + tui_term_signalled() : 0;
}
