/*
 * tui-fuzz.c -- a key fuzzer for the TUI, straight through a pty.
 *
 * usage: tui-fuzz [-k KEYS] [-r RESIZES] [-s SEED] PARLAB LESSON...
 *
 * For each lesson: start `PARLAB LESSON` on a fresh pty (forkpty), write
 * KEYS seeded random keys (every key the help lists, as the terminal
 * sends them, but never q or a lone Esc, which leave), and RESIZES times
 * change the pty's size and send SIGWINCH; the output is drained all the
 * while so parlab never blocks on a full pty.  parlab must not exit
 * before it is asked; then q must end it with status 0.  Built for make
 * check (tests/tui-fuzz.sh runs a quick round); `make fuzz-tui` runs the
 * full one, under ASan/UBSan when configured so.  Exits 1 on a failure.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Keys as xterm sends them in keypad mode (terminfo's kcuu1=\EOA, khome=
 * \EOH ...; a sequence terminfo does not know would arrive as a lone Esc,
 * which leaves): arrows, paging, Tab, Enter, letters.
 */
static const char *const fuzz_keys[] = {
	"\033OA", "\033OB", "\033OC", "\033OD", "\033OH", "\033OF",
	"\033[5~", "\033[6~", "\033[Z", "\t", "\r", " ", "\177",
	"j", "k", "h", "l", "g", "G", "n", "?", "0", "1", "2", "3", "4",
	"5", "6", "7", "8", "9", ".", ",", "e", "r", "x", "+", "-", "=",
	"_", "[", "]", "p", "R", "v", "z", "Z", "<", ">", "a", "c", "f",
	"r", "x", "\t", "\033OA", "\r", "t", "m", "H", "L", "t"
};
#define FUZZ_NKEYS	(sizeof fuzz_keys / sizeof fuzz_keys[0])

/* Read whatever parlab wrote, waiting at most ms milliseconds. */
static void
fuzz_drain(int fd, int ms)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	char		buf[65536];

	while (poll(&pfd, 1, ms) > 0 && (pfd.revents & POLLIN)) {
		if (read(fd, buf, sizeof buf) <= 0)
			break;
		ms = 0;
	}
}

/* Write all of s, draining output when the pty is full. */
static int
fuzz_write(int fd, const char *s)
{
	size_t	n = strlen(s);
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, s, n)) < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				fuzz_drain(fd, 10);
				continue;
			}
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Milliseconds on the monotonic clock. */
static long long
fuzz_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether the child has ended; its status in *st. */
static int
fuzz_ended(pid_t pid, int *st)
{
	return waitpid(pid, st, WNOHANG) == pid;
}

/* Describe how a child ended. */
static void
fuzz_status(char *buf, size_t n, int st)
{
	if (WIFEXITED(st))
		snprintf(buf, n, "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, n, "signal %d", WTERMSIG(st));
	else
		snprintf(buf, n, "status 0x%x", st);
}

/* One lesson: keys and resizes, then q; 0 if parlab behaved. */
static int
fuzz_lesson(const char *parlab, const char *lesson, long nkeys,
    long nresizes, unsigned seed)
{
	struct winsize	 ws = { 30, 100, 0, 0 };
	char		 why[64];
	pid_t		 pid;
	long		 k, every;
	long long	 t0;
	int		 fd, st, i, ended;

	if ((pid = forkpty(&fd, NULL, NULL, &ws)) < 0) {
		perror("forkpty");
		return -1;
	}
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		setenv("ESCDELAY", "25", 1);
		execl(parlab, parlab, lesson, (char *)NULL);
		_exit(127);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	srand(seed);
	fuzz_drain(fd, 300);
	every = nresizes > 0 ? nkeys / nresizes : nkeys + 1;
	for (k = 0; k < nkeys; k++) {
		if (fuzz_write(fd, fuzz_keys[(size_t)rand() % FUZZ_NKEYS]) != 0)
			break;
		if (every > 0 && k % every == every - 1) {
			/* Sometimes below the 40x12 minimum, sometimes huge. */
			ws.ws_col = (unsigned short)(20 + rand() % 200);
			ws.ws_row = (unsigned short)(6 + rand() % 60);
			ioctl(fd, TIOCSWINSZ, &ws);
			kill(pid, SIGWINCH);
		}
		fuzz_drain(fd, k % 16 == 15 ? 2 : 0);
		if (k % 256 == 0 && fuzz_ended(pid, &st)) {
			fuzz_status(why, sizeof why, st);
			fprintf(stderr, "tui-fuzz: %s: parlab ended (%s) after "
			    "%ld keys (seed %u)\n", lesson, why, k, seed);
			close(fd);
			return -1;
		}
	}
	fuzz_drain(fd, 200);
	if (fuzz_ended(pid, &st)) {
		fuzz_status(why, sizeof why, st);
		fprintf(stderr, "tui-fuzz: %s: parlab ended (%s) before q "
		    "(seed %u)\n", lesson, why, seed);
		close(fd);
		return -1;
	}
	/*
	 * x stops a run; q closes an overlay, then quits.  A run the keys
	 * made huge (1024 threads) may take a while to notice the stop, the
	 * more so under a sanitizer: up to two minutes by the clock (the
	 * drain returns at once while parlab draws, so count time, not keys).
	 */
	t0 = fuzz_ms();
	for (i = 0, ended = 0; !ended && fuzz_ms() - t0 < 120000; i++) {
		fuzz_write(fd, i % 4 == 0 ? "x" : "q");
		fuzz_drain(fd, 100);
		ended = fuzz_ended(pid, &st);
		if (!ended)
			poll(NULL, 0, 50);
	}
	close(fd);
	if (!ended) {
		fprintf(stderr, "tui-fuzz: %s: q did not end parlab\n", lesson);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fuzz_status(why, sizeof why, st);
		fprintf(stderr, "tui-fuzz: %s: q ended parlab with %s (seed "
		    "%u)\n", lesson, why, seed);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	long		nkeys = 10000, nresizes = 50;
	unsigned	seed = 11;
	int		c, i, bad = 0;

	while ((c = getopt(argc, argv, "k:r:s:")) != -1) {
		switch (c) {
		case 'k':
			nkeys = strtol(optarg, NULL, 10);
			break;
		case 'r':
			nresizes = strtol(optarg, NULL, 10);
			break;
		case 's':
			seed = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind < 2)
		goto usage;
	for (i = optind + 1; i < argc; i++) {
		if (fuzz_lesson(argv[optind], argv[i], nkeys, nresizes,
		    seed + (unsigned)i) != 0)
			bad = 1;
		else
			printf("ok: %s: %ld keys, %ld resizes\n", argv[i],
			    nkeys, nresizes);
	}
	return bad;
usage:
	fprintf(stderr, "usage: tui-fuzz [-k KEYS] [-r RESIZES] [-s SEED] "
	    "PARLAB LESSON...\n");
	return 2;
}
