/*
 * tui-term.c -- the terminal's set-up and tear-down, and the signals.
 *
 * tui_term_init() starts curses (refusing a terminal that cannot move the
 * cursor) with the theme's colour pairs; tui_term_done() puts it back.
 * The terminal is restored on every way out: tui_term_done() on the normal
 * path and from fatal() (log_set_cleanup); SIGINT, SIGTERM, SIGHUP and
 * SIGQUIT only set a flag and poke a self-pipe (tui_term_wake_fd), so the
 * loop in tui.c leaves by the normal path; a crash (SIGSEGV, SIGABRT, ...)
 * writes reset sequences computed at start-up and the saved terminal modes
 * back with async-signal-safe calls only, then dies of the same signal.
 */

#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "parlab.h"

static struct tui		*tui_cur;	/* the one terminal user */
static int			 tui_active;
static struct termios		 tui_saved_tios;
static int			 tui_have_tios;
static int			 tui_pipe[2] = { -1, -1 };
static volatile sig_atomic_t	 tui_signalled;
static char			 tui_reset[256];
static size_t			 tui_reset_len;
static struct sigaction		 tui_old_act[NSIG];

static const int tui_quit_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static const int tui_crash_signals[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE,
    SIGILL };

/* SIGINT, SIGTERM, SIGHUP, SIGQUIT: note it and wake the loop; nothing else. */
static void
tui_term_on_signal(int sig)
{
	int	saved = errno;
	char	c = 1;

	tui_signalled = sig;
	if (tui_pipe[1] != -1)
		(void)!write(tui_pipe[1], &c, 1);
	errno = saved;
}

/* A crash: restore the terminal with safe calls only, then die of it. */
static void
tui_term_on_crash(int sig)
{
	if (tui_reset_len > 0)
		(void)!write(STDOUT_FILENO, tui_reset, tui_reset_len);
	if (tui_have_tios)
		tcsetattr(STDIN_FILENO, TCSANOW, &tui_saved_tios);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Append a terminfo capability to the crash handler's reset string. */
static void
tui_term_reset_add(const char *cap, const char *fallback)
{
	char	*s = tigetstr((char *)cap);
	size_t	 n;

	if (s == NULL || s == (char *)-1)
		s = (char *)fallback;
	n = strlen(s);
	if (tui_reset_len + n < sizeof tui_reset) {
		memcpy(tui_reset + tui_reset_len, s, n);
		tui_reset_len += n;
	}
}

/* Install the quit and crash handlers, keeping the old ones. */
static void
tui_term_signals(void)
{
	struct sigaction	sa;
	size_t			i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = tui_term_on_signal;
	for (i = 0; i < sizeof tui_quit_signals / sizeof(int); i++)
		sigaction(tui_quit_signals[i], &sa, &tui_old_act[
		    tui_quit_signals[i]]);
	sa.sa_handler = tui_term_on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < sizeof tui_crash_signals / sizeof(int); i++)
		sigaction(tui_crash_signals[i], &sa, &tui_old_act[
		    tui_crash_signals[i]]);
}

/* Colour pairs from the theme: pair role+1 for each role. */
static void
tui_term_colours(struct tui *t)
{
	const struct theme_style	*st;
	int				 r, fg, bg, dflt;

	dflt = use_default_colors() == OK;
	for (r = 0; r < ROLE_COUNT && r + 1 < COLOR_PAIRS; r++) {
		st = &t->theme.role[r];
		fg = st->fg;
		bg = st->bg;
		if (fg >= COLORS)
			fg = fg < 16 ? fg - 8 : COLOR_WHITE;
		if (bg >= COLORS)
			bg = bg < 16 ? bg - 8 : COLOR_BLACK;
		if (r != ROLE_NORMAL && fg < 0 &&
		    t->theme.role[ROLE_NORMAL].fg >= 0)
			fg = t->theme.role[ROLE_NORMAL].fg % COLORS;
		if (r != ROLE_NORMAL && bg < 0 &&
		    t->theme.role[ROLE_NORMAL].bg >= 0)
			bg = t->theme.role[ROLE_NORMAL].bg % COLORS;
		if (!dflt) {
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		init_pair((short)(r + 1), (short)fg, (short)bg);
	}
}

/* Start curses; -1 with a cause if there is no usable terminal. */
int
tui_term_init(struct tui *t, char **cause)
{
	const char	*nc = getenv("NO_COLOR");
	SCREEN		*sp;
	char		*cup;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		xasprintf(cause, "the lesson menu needs a terminal; `parlab "
		    "list` and `parlab run DEMO` work without one");
		return -1;
	}
	if (pipe(tui_pipe) != 0) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		return -1;
	}
	fcntl(tui_pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(tui_pipe[1], F_SETFL, O_NONBLOCK);
	fcntl(tui_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(tui_pipe[1], F_SETFD, FD_CLOEXEC);
	tui_have_tios = tcgetattr(STDIN_FILENO, &tui_saved_tios) == 0;
	if ((sp = newterm(NULL, stdout, stdin)) == NULL) {
		xasprintf(cause, "cannot use terminal type '%s'",
		    getenv("TERM") ? getenv("TERM") : "(unset)");
		return -1;
	}
	cup = tigetstr((char *)"cup");
	if (cup == NULL || cup == (char *)-1) {
		/* TERM=dumb and the like: a screen of spaces otherwise. */
		endwin();
		delscreen(sp);
		xasprintf(cause, "terminal type '%s' cannot move the cursor; "
		    "use a terminal that can (e.g. TERM=xterm-256color), or "
		    "`parlab run DEMO` for text", getenv("TERM") ?
		    getenv("TERM") : "(unset)");
		return -1;
	}
	tui_cur = t;
	tui_active = 1;
	log_set_cleanup(tui_term_done);
	tui_term_reset_add("sgr0", "\033[0m");
	tui_term_reset_add("cnorm", "\033[?25h");
	tui_term_reset_add("rmkx", "");
	tui_term_reset_add("rmcup", "\033[?1049l");
	tui_term_signals();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	t->color = has_colors() && (nc == NULL || *nc == '\0');
	if (t->color) {
		start_color();
		tui_term_colours(t);
		bkgdset(' ' | tui_attr(t, ROLE_NORMAL));
	}
	return 0;
}

/* Leave curses and put the terminal back; safe to call more than once. */
void
tui_term_done(void)
{
	size_t	i;

	if (!tui_active)
		return;
	tui_active = 0;
	endwin();
	/* The quit handlers stay (they only set a flag) until tui_main has
	 * joined the run and saved progress: ncurses' own would exit first. */
	for (i = 0; i < sizeof tui_crash_signals / sizeof(int); i++)
		sigaction(tui_crash_signals[i], &tui_old_act[
		    tui_crash_signals[i]], NULL);
	if (tui_have_tios)
		tcsetattr(STDIN_FILENO, TCSANOW, &tui_saved_tios);
	log_set_cleanup(NULL);
}

/* The quit signal that arrived (SIGINT, ...), or 0. */
int
tui_term_signalled(void)
{
	return tui_signalled;
}

/* The self-pipe's read end: readable once a quit signal arrived. */
int
tui_term_wake_fd(void)
{
	return tui_pipe[0];
}

/* Empty the self-pipe after a wake-up. */
void
tui_term_drain(void)
{
	char	drain[64];

	while (tui_pipe[0] != -1 && read(tui_pipe[0], drain, sizeof drain) > 0)
		;
}

/*
 * After tui_term_done() and the last save: give the quit signals their
 * old handlers back and close the self-pipe.
 */
void
tui_term_close(void)
{
	size_t	i;

	tui_cur = NULL;
	for (i = 0; i < sizeof tui_quit_signals / sizeof(int); i++)
		sigaction(tui_quit_signals[i], &tui_old_act[
		    tui_quit_signals[i]], NULL);
	if (tui_pipe[0] != -1) {
		close(tui_pipe[0]);
		close(tui_pipe[1]);
		tui_pipe[0] = tui_pipe[1] = -1;
	}
}
