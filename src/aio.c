/*
 * aio.c -- asyncio's small building blocks over coro.c and evloop.c: a
 * FIFO of tasks, a Semaphore, a blocking sleep that a stop ends, a
 * to_thread call, a pipe server that replies one byte per request, and the
 * resident set a run is measured by.
 *
 * A FIFO links tasks through coro.next, so a task is in at most one queue
 * at a time (the scheduler's ready queue or one wait queue).  The
 * semaphore is asyncio.Semaphore's: acquire succeeds while fewer than
 * limit tasks hold it and nobody queues before it (no barging), else the
 * task queues; a release hands the semaphore straight to the first waiter,
 * so the number held never drops and rises again between them.
 *
 * A to_thread call's worker writes one byte to a pipe the loop watches, as
 * call_soon_threadsafe writes to asyncio's self-pipe: the loop may be in
 * poll(), and only an fd wakes it.  The server answers each request from a
 * zero-delay timer; readers queue in FIFO order and the read handler is
 * registered only while someone waits (add_reader/remove_reader), since a
 * readable fd nobody reads would wake the loop forever.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

/* Append co to the queue. */
void
aio_fifo_push(struct aio_fifo *q, struct coro *co)
{
	co->next = NULL;
	if (q->tail != NULL)
		q->tail->next = co;
	else
		q->head = co;
	q->tail = co;
}

/* Take co out of the queue, wherever it is in it; 0 if it was not in. */
int
aio_fifo_unlink(struct aio_fifo *q, struct coro *co)
{
	struct coro	*p, *prev = NULL;

	for (p = q->head; p != NULL && p != co; p = p->next)
		prev = p;
	if (p == NULL)
		return 0;
	if (prev != NULL)
		prev->next = co->next;
	else
		q->head = co->next;
	if (q->tail == co)
		q->tail = prev;
	co->next = NULL;
	return 1;
}

/* Take the first task of the queue, or NULL. */
struct coro *
aio_fifo_pop(struct aio_fifo *q)
{
	struct coro	*co = q->head;

	if (co != NULL)
		aio_fifo_unlink(q, co);
	return co;
}

/* A semaphore that limit tasks may hold at once (0: no limit). */
void
aio_sem_init(struct aio_sem *s, unsigned limit)
{
	memset(s, 0, sizeof *s);
	s->limit = limit;
}

/* async with sem (enter): 1 if co holds it now, 0 if it queued. */
int
aio_sem_acquire(struct aio_sem *s, struct coro *co)
{
	if (s->limit == 0 || (s->held < s->limit && s->waiters.head == NULL)) {
		if (++s->held > s->max_held)
			s->max_held = s->held;
		return 1;
	}
	aio_fifo_push(&s->waiters, co);
	return 0;
}

/*
 * async with sem (exit): the first waiter holds it now and is returned for
 * the caller to wake; NULL if nobody waited (one fewer holds it).
 */
struct coro *
aio_sem_release(struct aio_sem *s)
{
	struct coro	*next = aio_fifo_pop(&s->waiters);

	if (next == NULL)
		s->held--;
	return next;
}

/*
 * time.sleep(ns) on whichever thread calls it: blocked all along, but in
 * slices of AIO_SLICE_NS, so a stop request ends it within one slice.
 * Returns how long it slept.
 */
uint64_t
aio_block(const struct run *r, uint64_t ns)
{
	uint64_t	t0 = clock_ns(), now = t0, left;

	while (now - t0 < ns && !run_stopping(r)) {
		left = ns - (now - t0);
		clock_sleep_ns(left < AIO_SLICE_NS ? left : AIO_SLICE_NS);
		now = clock_ns();
	}
	return now - t0;
}

/* Make a pipe, both ends non-blocking and close-on-exec. */
int
aio_pipe(int fds[2], char **cause)
{
	int	i, fl;

	if (pipe(fds) == -1) {
		xasprintf(cause, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		fl = fcntl(fds[i], F_GETFL);
		fcntl(fds[i], F_SETFL, fl | O_NONBLOCK);
		fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

/* The larger of peak and the resident set now, in KB. */
long
aio_rss_max(long peak)
{
	long	kb = aio_rss_kb();

	return kb > peak ? kb : peak;
}

/* The process's resident set now, in KB (/proc/self/statm); 0 unknown. */
long
aio_rss_kb(void)
{
	FILE	*f = fopen("/proc/self/statm", "re");
	long	 size, resident = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* The worker thread: the blocking call, then a byte to wake the loop. */
static void *
aio_thread_main(void *arg)
{
	struct worker		*w = arg;
	struct aio_thread	*t = w->arg;
	char			 b = 1;

	t->began_ns = clock_ns();
	trace_state(w->trace, w->lane, STATE_IO);
	t->slept_ns = aio_block(t->run, t->ns);
	trace_state(w->trace, w->lane, STATE_RUNNING);
	/* call_soon_threadsafe: the loop may be in poll(); a byte wakes it. */
	while (write(t->wake[1], &b, 1) == -1 && errno == EINTR)
		;
	trace_state(w->trace, w->lane, STATE_DONE);
	return NULL;
}

/* The wake-up pipe is readable: the thread's call returned. */
static void
aio_thread_on_wake(struct evloop *loop, int fd, int mask, void *arg)
{
	struct aio_thread	*t = arg;
	char			 b;

	(void)mask;
	if (read(fd, &b, 1) != 1)
		return;
	evloop_file_del(loop, fd, EVLOOP_READ);
	t->done(t->arg);
}

/* Prepare a to_thread call: its wake-up pipe, made before the loop. */
int
aio_thread_init(struct aio_thread *t, char **cause)
{
	memset(t, 0, sizeof *t);
	t->wake[0] = t->wake[1] = -1;
	return aio_pipe(t->wake, cause);
}

/*
 * await asyncio.to_thread(time.sleep, ns): start a worker thread on lane
 * (its own lane, which it alone writes) and watch for its wake-up; the
 * loop calls done(arg) when the call has returned.
 */
int
aio_thread_start(struct aio_thread *t, struct run *r, struct evloop *loop,
    unsigned lane, uint64_t ns, void (*done)(void *), void *arg,
    char **cause)
{
	int	error;

	t->run = r;
	t->ns = ns;
	t->done = done;
	t->arg = arg;
	if (evloop_file_add(loop, t->wake[0], EVLOOP_READ, aio_thread_on_wake,
	    t, cause) != 0)
		return -1;
	t->w.run = r;
	t->w.trace = atomic_load(&r->trace);
	t->w.lane = lane;
	t->w.arg = t;
	t->asked_ns = clock_ns();
	/* The creator writes the lane's first event; pthread_create orders
	 * it before anything the new thread writes. */
	if (t->w.trace != NULL)
		trace_state(t->w.trace, lane, STATE_STARTING);
	if ((error = pthread_create(&t->tid, NULL, aio_thread_main,
	    &t->w)) != 0) {
		xasprintf(cause, "could not start the to_thread worker: %s",
		    strerror(error));
		evloop_file_del(loop, t->wake[0], EVLOOP_READ);
		return -1;
	}
	t->started = 1;
	return 0;
}

/* Wait for the thread, as asyncio.run waits for its executor. */
void
aio_thread_join(struct aio_thread *t)
{
	if (t->started && !t->joined)
		pthread_join(t->tid, NULL);
	t->joined = 1;
}

/* Join the thread if it runs, and close the wake-up pipe. */
void
aio_thread_free(struct aio_thread *t)
{
	int	i;

	aio_thread_join(t);
	for (i = 0; i < 2; i++) {
		if (t->wake[i] != -1)
			close(t->wake[i]);
		t->wake[i] = -1;
	}
}

/* Give up: the loop stops, and the first cause is kept. */
static void
aio_server_fail(struct aio_server *s, const char *what)
{
	if (s->cause == NULL)
		s->cause = xstrdup(what);
	evloop_stop(s->loop);
}

/*
 * The pipe is readable: hand one byte to each waiting task, in the order
 * they began to wait.  Stop watching when nobody waits.
 */
static void
aio_server_on_readable(struct evloop *loop, int fd, int mask, void *arg)
{
	struct aio_server	*s = arg;
	struct coro		*co;
	unsigned char		 buf[4096];
	size_t			 want = 0;
	ssize_t			 got, i;

	(void)mask;
	for (co = s->readers.head; co != NULL && want < sizeof buf;
	    co = co->next)
		want++;
	got = want > 0 ? read(fd, buf, want) : 0;
	if (got == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (got < 0 || (got == 0 && want > 0)) {
		aio_server_fail(s, got == 0 ? "the reply pipe closed" :
		    "cannot read the reply pipe");
		return;
	}
	for (i = 0; i < got; i++)
		s->deliver(s->arg, aio_fifo_pop(&s->readers), buf[i]);
	if (s->readers.head == NULL) {
		evloop_file_del(loop, fd, EVLOOP_READ);
		s->reading = 0;
	}
}

/*
 * The server's side: write the replies asked for, one byte each.  If the
 * pipe is full, come back in a millisecond for the rest.
 */
static int64_t
aio_server_on_timer(struct evloop *loop, int64_t id, void *arg)
{
	struct aio_server	*s = arg;
	char			 buf[4096];
	size_t			 want;
	ssize_t			 put;

	(void)loop;
	(void)id;
	memset(buf, AIO_REPLY, sizeof buf);
	while (s->unwritten > 0) {
		want = s->unwritten < sizeof buf ? s->unwritten : sizeof buf;
		put = write(s->pipe[1], buf, want);
		if (put == -1 && errno == EINTR)
			continue;
		if (put == -1 && errno == EAGAIN)
			return (int64_t)NS_PER_MS;
		if (put <= 0) {
			aio_server_fail(s, "cannot write the reply pipe");
			break;
		}
		s->unwritten -= (size_t)put;
	}
	s->serving = 0;
	return EVLOOP_NOMORE;
}

/* A server with its pipe, made before the loop (whose fd set holds it). */
int
aio_server_init(struct aio_server *s, char **cause)
{
	memset(s, 0, sizeof *s);
	s->pipe[0] = s->pipe[1] = -1;
	return aio_pipe(s->pipe, cause);
}

/*
 * await reader.read(1) for co: ask the server (a zero-delay timer) for a
 * byte and queue for it; deliver(arg, co, byte) hands it over later.
 */
void
aio_server_request(struct aio_server *s, struct coro *co)
{
	char	*cause = NULL;

	s->unwritten++;
	if (!s->serving) {
		s->serving = 1;
		evloop_timer_add(s->loop, 0, aio_server_on_timer, s);
	}
	aio_fifo_push(&s->readers, co);
	if (s->reading)
		return;
	if (evloop_file_add(s->loop, s->pipe[0], EVLOOP_READ,
	    aio_server_on_readable, s, &cause) != 0) {
		aio_server_fail(s, cause);
		free(cause);
		return;
	}
	s->reading = 1;
}

/* co no longer waits for its byte (it was cancelled). */
void
aio_server_cancel(struct aio_server *s, struct coro *co)
{
	if (!aio_fifo_unlink(&s->readers, co))
		return;
	if (s->unwritten > 0)
		s->unwritten--;
	if (s->readers.head == NULL && s->reading) {
		evloop_file_del(s->loop, s->pipe[0], EVLOOP_READ);
		s->reading = 0;
	}
}

/* Close the pipe and free the cause (copy it first to keep it). */
void
aio_server_free(struct aio_server *s)
{
	int	i;

	free(s->cause);
	s->cause = NULL;
	for (i = 0; i < 2; i++) {
		if (s->pipe[i] != -1)
			close(s->pipe[i]);
		s->pipe[i] = -1;
	}
}
