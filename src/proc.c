/*
 * proc.c -- child processes that never outlive parlab.
 *
 * A worker process is started one of two ways, as Python's multiprocessing
 * does.  fork: the child is a copy of parlab and runs its demo's worker body
 * at once, with the trace mapping (MAP_SHARED) inherited.  spawn: the child
 * execs parlab itself (/proc/self/exe) with the hidden first argument
 * PROC_WORKER_ARG; main() hands it to proc_worker_main(), which maps the
 * trace from the inherited memfd, calibrates its work units and finds the
 * demo's worker body by name: a new program starts from the top, which is
 * why Python's spawn needs its `if __name__ == '__main__'` guard.
 *
 * Either way the parent marks the child's lane `starting` before the fork
 * and the child switches it to `running` once ready, so the lane shows the
 * start cost; from then on the child is its lane's only writer.  The child
 * names the lane by its pid ("P1234").  Results come back on a pipe as
 * framed messages (proc-msg.c); tasks, if any, go out on another.
 *
 * Children never outlive parlab.  Each runs in its own session and process
 * group, so a ^C at the terminal reaches parlab alone, which then stops them in order;
 * each asks the kernel to kill it if its parent dies (PR_SET_PDEATHSIG), in
 * case parlab itself is killed outright.  A registry holds every live child:
 * proc_stop_all() (a stop request, a signal, an error path, exit) sends
 * SIGTERM to each group, SIGKILL to what is left after a grace period, and
 * waits for every one, so no zombie is left either.
 *
 * The registry is used from the one thread that runs a demo; its mutex only
 * guards against an exit handler on another thread.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "parlab.h"

#define PROC_SELF	"/proc/self/exe"
#define PROC_GRACE_NS	(300 * NS_PER_MS)	/* SIGTERM to SIGKILL */
#define PROC_ARGS_MAX	32

static pthread_mutex_t	 proc_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t	 proc_once = PTHREAD_ONCE_INIT;
static struct proc	*proc_registry[PARLAB_MAX_WORKERS];
static unsigned		 proc_nregistry;
static pid_t		 proc_owner;	/* the process the registry is of */

static int	proc_child_body(struct trace *, unsigned, int, int,
		    enum proc_start, const char *, int, char **);

/* At exit, stop whatever children are left (an error path forgot them). */
static void
proc_atexit(void)
{
	if (getpid() == proc_owner)
		proc_stop_all();
}

/* Register the exit handler once. */
static void
proc_init(void)
{
	proc_owner = getpid();
	atexit(proc_atexit);
}

/* Add a started child to the registry. */
static void
proc_register(struct proc *p)
{
	pthread_mutex_lock(&proc_mutex);
	if (proc_nregistry == PARLAB_MAX_WORKERS)
		fatal("more than %d live child processes", PARLAB_MAX_WORKERS);
	proc_registry[proc_nregistry++] = p;
	pthread_mutex_unlock(&proc_mutex);
}

/* Drop a reaped child from the registry. */
static void
proc_unregister(struct proc *p)
{
	unsigned	i;

	pthread_mutex_lock(&proc_mutex);
	for (i = 0; i < proc_nregistry; i++) {
		if (proc_registry[i] == p) {
			proc_registry[i] = proc_registry[--proc_nregistry];
			break;
		}
	}
	pthread_mutex_unlock(&proc_mutex);
}

/* Close a descriptor held in *fd, once. */
static void
proc_close(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

/*
 * In a new child, before anything else: its own session and so its own
 * process group, death with its parent, default handling of every signal
 * parlab caught (the TUI's crash handlers would reset the parent's
 * terminal under it), no fatal() hook and no exit-time work of the
 * parent's (log_child()), and no blocked signals.  Signals the parent
 * ignored stay ignored, as the user (nohup) may have wanted, but SIGINT,
 * SIGTERM and SIGPIPE are the defaults a worker is stopped by.  Its own session also means no controlling terminal,
 * and, where the kernel groups scheduling by session (autogroup), the
 * scheduler weighs each worker as a process of its own rather than sharing
 * parlab's one slice among them all, as it would without autogroup.  Only
 * async-signal-safe calls: the parent may have other threads.
 */
static void
proc_child_setup(pid_t parent)
{
	struct sigaction	sa;
	sigset_t		none;
	int			sig;

	if (setsid() == -1)
		setpgid(0, 0);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (getppid() != parent)
		_exit(1);	/* the parent died before prctl */
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP ||
		    sigaction(sig, NULL, &sa) != 0)
			continue;
		if ((sa.sa_flags & SA_SIGINFO) || (sa.sa_handler != SIG_DFL &&
		    sa.sa_handler != SIG_IGN))
			signal(sig, SIG_DFL);
	}
	log_child();
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * In a forked child: close the parent's ends of every other child's pipes.
 * Otherwise this child would hold a sibling's task pipe open and the
 * sibling would never see its end of input.
 */
static void
proc_child_close_others(void)
{
	unsigned	i;

	for (i = 0; i < proc_nregistry; i++) {
		proc_close(&proc_registry[i]->in);
		proc_close(&proc_registry[i]->out);
	}
	proc_nregistry = 0;
}

/* Make a pipe whose both ends close on exec; -1 with a cause. */
static int
proc_pipe(int fds[2], char **cause)
{
	if (pipe2(fds, O_CLOEXEC) == 0)
		return 0;
	xasprintf(cause, "could not make a pipe for a worker process: %s",
	    strerror(errno));
	return -1;
}

/* In a spawned child before exec: keep fd open across the exec. */
static void
proc_keep(int fd)
{
	if (fd != -1)
		fcntl(fd, F_SETFD, 0);
}

/*
 * Start a worker process as spec says: on its lane, running its demo's
 * worker body with its argv, with a task pipe if it asks.  On success p
 * holds the child; on failure nothing is left running and -1 comes with a
 * cause naming which process could not start and why.
 */
int
proc_start(struct proc *p, const struct proc_spec *spec, char **cause)
{
	static const char	 failed[] = "cannot exec " PROC_SELF;
	struct proc_hdr		 h;
	struct trace		*tr = spec->trace;
	enum proc_start		 how = spec->how;
	unsigned		 lane = spec->lane;
	const char		*demo = spec->demo;
	char			*args[PROC_ARGS_MAX + 8], num[4][24];
	char			**argv = spec->argv;
	int			 res[2], task[2] = { -1, -1 }, i, n = 0;
	int			 argc = spec->argc, tasks = spec->tasks;
	pid_t			 parent = getpid(), pid;

	pthread_once(&proc_once, proc_init);
	if (argc > PROC_ARGS_MAX)
		fatal("too many worker arguments");
	if (proc_pipe(res, cause) != 0)
		return -1;
	if (tasks && proc_pipe(task, cause) != 0) {
		close(res[0]);
		close(res[1]);
		return -1;
	}

	/* Everything the spawned child needs is built before the fork. */
	snprintf(num[0], sizeof num[0], "%d", trace_fd(tr));
	snprintf(num[1], sizeof num[1], "%u", lane);
	snprintf(num[2], sizeof num[2], "%d", task[0]);
	snprintf(num[3], sizeof num[3], "%d", res[1]);
	args[n++] = (char *)PROC_SELF;
	args[n++] = (char *)PROC_WORKER_ARG;
	for (i = 0; i < 4; i++)
		args[n++] = num[i];
	args[n++] = (char *)demo;
	for (i = 0; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	h.type = PROC_MSG_ERROR;
	h.len = sizeof failed - 1;

	trace_state(tr, lane, STATE_STARTING);
	pid = fork();
	if (pid == -1) {
		xasprintf(cause, "could not start process %u of %u: %s",
		    lane + 1, spec->of, strerror(errno));
		close(res[0]);
		close(res[1]);
		if (tasks) {
			close(task[0]);
			close(task[1]);
		}
		trace_state(tr, lane, STATE_DONE);
		return -1;
	}
	if (pid == 0) {
		proc_child_setup(parent);
		close(res[0]);
		if (tasks)
			close(task[1]);
		if (how == PROC_SPAWN) {
			proc_keep(trace_fd(tr));
			proc_keep(res[1]);
			proc_keep(task[0]);
			execv(PROC_SELF, args);
			if (write(res[1], &h, sizeof h) == sizeof h &&
			    write(res[1], failed, h.len) == (ssize_t)h.len)
				_exit(127);
			_exit(127);
		}
		proc_child_close_others();
		_exit(proc_child_body(tr, lane, task[0], res[1], how, demo,
		    argc, argv));
	}

	/* No setpgid(pid, pid) here: it would make setsid() fail in the
	 * child.  A stop that comes first signals the pid itself. */
	close(res[1]);
	if (tasks)
		close(task[0]);
	p->pid = pid;
	p->lane = lane;
	p->in = res[0];
	p->out = tasks ? task[1] : -1;
	p->status = -1;
	proc_register(p);
	return 0;
}

/*
 * Wait up to timeout_ms for a child among v[0..n-1] with a message (or an
 * end of file) to read.  Returns its index, or -1 if none (time ran out, or
 * a signal came: the caller checks for a stop request).
 */
int
proc_ready(struct proc *v, unsigned n, int timeout_ms)
{
	struct pollfd	*fds;
	unsigned	 i, k = 0;
	int		 found = -1;

	fds = xcalloc(n ? n : 1, sizeof *fds);
	for (i = 0; i < n; i++) {
		fds[i].fd = v[i].in;	/* -1 is ignored by poll */
		fds[i].events = POLLIN;
		if (v[i].in != -1)
			k++;
	}
	if (k > 0 && poll(fds, n, timeout_ms) > 0) {
		for (i = 0; i < n && found == -1; i++)
			if (fds[i].revents != 0)
				found = (int)i;
	}
	free(fds);
	return found;
}

/* Close the task pipe: the child reads end of file and finishes. */
void
proc_close_tasks(struct proc *p)
{
	proc_close(&p->out);
}

/* A signal's name ("SIGKILL") for messages, or NULL if not a usual one. */
static const char *
proc_signame(int sig)
{
	static const struct {
		int		 sig;
		const char	*name;
	} names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" },
		{ SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
		{ SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
		{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" },
		{ SIGKILL, "SIGKILL" }, { SIGUSR1, "SIGUSR1" },
		{ SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
		{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" },
		{ SIGTERM, "SIGTERM" }, { SIGXCPU, "SIGXCPU" },
		{ SIGXFSZ, "SIGXFSZ" }, { SIGSYS, "SIGSYS" },
	};
	size_t	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].sig == sig)
			return names[i].name;
	return NULL;
}

/*
 * Reap a child that is finishing of its own accord.  Returns -1 with a
 * cause if it failed or died of a signal.
 */
int
proc_wait(struct proc *p, char **cause)
{
	int	status;

	proc_close(&p->out);
	proc_close(&p->in);
	if (p->pid == -1)
		return 0;
	while (waitpid(p->pid, &status, 0) == -1 && errno == EINTR)
		;
	proc_unregister(p);
	p->status = status;
	p->pid = -1;
	if (WIFSIGNALED(status)) {
		if (proc_signame(WTERMSIG(status)) != NULL)
			xasprintf(cause, "worker %u was killed by %s", p->lane,
			    proc_signame(WTERMSIG(status)));
		else
			xasprintf(cause, "worker %u was killed by signal %d",
			    p->lane, WTERMSIG(status));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		xasprintf(cause, "worker %u exited with status %d",
		    p->lane, WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

/* Send sig to a child's process group (or to the child, if not yet one). */
static void
proc_signal(pid_t pid, int sig)
{
	if (kill(-pid, sig) == -1)
		kill(pid, sig);
}

/*
 * Stop every live child: SIGTERM, then SIGKILL after a grace period, then
 * wait for each, so none is left running and none as a zombie.  Returns how
 * many there were.
 */
unsigned
proc_stop_all(void)
{
	struct proc	*p;
	uint64_t	 deadline;
	unsigned	 i, n, left;
	int		 status;

	pthread_mutex_lock(&proc_mutex);
	n = proc_nregistry;
	for (i = 0; i < n; i++) {
		proc_close(&proc_registry[i]->out);
		proc_signal(proc_registry[i]->pid, SIGTERM);
	}
	deadline = clock_ns() + PROC_GRACE_NS;
	for (;;) {
		left = 0;
		for (i = 0; i < n; i++) {
			p = proc_registry[i];
			if (p->pid == -1)
				continue;
			if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
				p->status = status;
				p->pid = -1;
			} else
				left++;
		}
		if (left == 0 || clock_ns() >= deadline)
			break;
		clock_sleep_ns(NS_PER_MS);
	}
	for (i = 0; i < n; i++) {
		p = proc_registry[i];
		if (p->pid != -1) {
			proc_signal(p->pid, SIGKILL);
			while (waitpid(p->pid, &status, 0) == -1 &&
			    errno == EINTR)
				;
			p->status = status;
			p->pid = -1;
		}
		proc_close(&p->in);
	}
	proc_nregistry = 0;
	pthread_mutex_unlock(&proc_mutex);
	return n;
}

/* How many children are registered (started and not yet reaped). */
unsigned
proc_live(void)
{
	unsigned	n;

	pthread_mutex_lock(&proc_mutex);
	n = proc_nregistry;
	pthread_mutex_unlock(&proc_mutex);
	return n;
}

/* The CPU time this process has used. */
static uint64_t
proc_cpu_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/*
 * A worker process from its first ready moment to its end, however it was
 * started: name the lane by pid, switch it to running (the end of its
 * start), run the demo's worker body, and send any failure to the parent.
 * Returns the exit status.
 */
static int
proc_child_body(struct trace *tr, unsigned lane, int in, int out,
    enum proc_start how, const char *demo, int argc, char **argv)
{
	static struct run		 run;	/* never asked to stop: signals end us */
	const struct demo_class		*cls = demo_find(demo);
	struct proc_ctx			 ctx;
	struct worker			 w;
	char				*cause = NULL;
	int				 status = 0;

	trace_lane_pid(tr, lane, getpid());	/* its name, "P<pid>", from now */
	trace_state(tr, lane, STATE_RUNNING);

	memset(&w, 0, sizeof w);
	w.run = &run;
	w.trace = tr;
	w.lane = lane;
	w.index = lane;
	ctx.trace = tr;
	ctx.lane = lane;
	ctx.in = in;
	ctx.out = out;
	ctx.how = how;
	ctx.w = &w;
	if (cls == NULL || cls->worker == NULL)
		xasprintf(&cause, "no worker body for demo '%s'", demo);
	else if (cls->worker(&ctx, argc, argv, &cause) != 0 && cause == NULL)
		cause = xstrdup("the worker failed");
	if (cause != NULL) {
		proc_send(out, PROC_MSG_ERROR, cause, strlen(cause));
		free(cause);
		status = 1;
	}
	trace_lane_cpu(tr, lane, proc_cpu_ns());
	trace_state(tr, lane, STATE_DONE);
	return status;
}

/* Parse a descriptor or lane number from a worker's command line. */
static int
proc_arg_num(const char *s, long max)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n < -1 || n > max)
		return -2;
	return (int)n;
}

/*
 * A spawned worker: parlab exec'd with
 *   PROC_WORKER_ARG TRACE_FD LANE TASK_FD RESULT_FD DEMO [ARG ...]
 * It maps the trace from the inherited memfd, calibrates its work units
 * (a fresh program knows nothing of its parent) and runs the worker body.
 */
int
proc_worker_main(int argc, char **argv)
{
	struct trace	*tr;
	char		*cause = NULL;
	int		 fd, lane, in, out, status;

	if (argc < 6 || (fd = proc_arg_num(argv[1], 1 << 20)) < 0 ||
	    (lane = proc_arg_num(argv[2], TRACE_MAX_LANES)) < 0 ||
	    (in = proc_arg_num(argv[3], 1 << 20)) < -1 ||
	    (out = proc_arg_num(argv[4], 1 << 20)) < 0) {
		warnx_("%s is for parlab's own worker processes", argv[0]);
		return 2;
	}
	if ((tr = trace_attach(fd, &cause)) == NULL) {
		proc_send(out, PROC_MSG_ERROR, cause, strlen(cause));
		free(cause);
		return 1;
	}
	if ((unsigned)lane >= trace_lanes(tr)) {
		warnx_("lane %d is not in the trace", lane);
		trace_destroy(tr);
		return 2;
	}
	work_calibrate();
	status = proc_child_body(tr, (unsigned)lane, in, out, PROC_SPAWN,
	    argv[5], argc - 6, argv + 6);
	trace_destroy(tr);
	return status;
}
