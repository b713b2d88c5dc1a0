/*
 * check_evloop.c -- the event loop: timer order, fd handlers, repeating and
 * deleted events, many timers, and the stall figures; and aio.c's pieces
 * on it: the task FIFO, the Semaphore's hand-over, the one-byte server.
 * Timers run on the fake clock and passes use EVLOOP_DONT_WAIT, so nothing
 * here sleeps.
 */

#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

#define MS	NS_PER_MS

struct log {
	int64_t		 v[64];
	unsigned	 n;
	int64_t		 next;		/* what a timer returns */
	unsigned	 limit;		/* ...until it has fired this often */
	int64_t		 del;		/* a timer id to delete when fired */
	struct evloop	*loop;
};

static struct log	lg;

/* A timer that logs its arg and returns lg.next (until lg.limit fires). */
static int64_t
on_timer(struct evloop *loop, int64_t id, void *arg)
{
	(void)loop;
	(void)id;
	if (lg.n < 64)
		lg.v[lg.n++] = (int64_t)(intptr_t)arg;
	if (lg.del != 0) {
		evloop_timer_del(loop, lg.del);
		lg.del = 0;
	}
	if (lg.limit != 0 && lg.n >= lg.limit)
		return EVLOOP_NOMORE;
	return lg.next;
}

/* A read handler that reads one byte and logs it with the fd. */
static void
on_read(struct evloop *loop, int fd, int mask, void *arg)
{
	char	c;

	(void)loop;
	(void)arg;
	ck_assert_int_eq(mask, EVLOOP_READ);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	lg.v[lg.n++] = c;
}

/* Start each test on a fresh log and a fake clock at 1 s. */
static void
setup(void)
{
	memset(&lg, 0, sizeof lg);
	lg.next = EVLOOP_NOMORE;
	clock_fake_set(NS_PER_SEC);
}

static void
teardown(void)
{
	clock_fake_off();
}

/* Timers fire in due order; equal times in the order they were added. */
START_TEST(test_evloop_timer_order)
{
	struct evloop	*loop = evloop_create(16);

	evloop_timer_add(loop, 30 * MS, on_timer, (void *)(intptr_t)30);
	evloop_timer_add(loop, 10 * MS, on_timer, (void *)(intptr_t)10);
	evloop_timer_add(loop, 20 * MS, on_timer, (void *)(intptr_t)20);
	evloop_timer_add(loop, 10 * MS, on_timer, (void *)(intptr_t)11);
	ck_assert_uint_eq(evloop_timers(loop), 4);

	clock_fake_advance(9 * MS);
	ck_assert_int_eq(evloop_pass(loop, EVLOOP_DONT_WAIT), 0);
	ck_assert_uint_eq(lg.n, 0);

	clock_fake_advance(11 * MS);		/* at +20: three are due */
	ck_assert_int_eq(evloop_pass(loop, EVLOOP_DONT_WAIT), 3);
	ck_assert_uint_eq(lg.n, 3);
	ck_assert_int_eq(lg.v[0], 10);
	ck_assert_int_eq(lg.v[1], 11);
	ck_assert_int_eq(lg.v[2], 20);

	clock_fake_advance(100 * MS);
	evloop_pass(loop, EVLOOP_DONT_WAIT);
	ck_assert_uint_eq(lg.n, 4);
	ck_assert_int_eq(lg.v[3], 30);
	ck_assert_uint_eq(evloop_timers(loop), 0);
	evloop_destroy(loop);
}
END_TEST

/* A readable fd calls its handler, once per pass while it stays ready. */
START_TEST(test_evloop_file)
{
	struct evloop	*loop;
	char		*cause = NULL;
	int		 fds[2];
	struct evloop_stats st;

	ck_assert_int_eq(pipe(fds), 0);
	loop = evloop_create(fds[0] + 1);
	ck_assert_int_eq(evloop_file_add(loop, fds[0], EVLOOP_READ, on_read,
	    NULL, &cause), 0);
	ck_assert_int_eq(evloop_pass(loop, EVLOOP_DONT_WAIT), 0);
	ck_assert_int_eq(write(fds[1], "ab", 2), 2);
	ck_assert_int_eq(evloop_pass(loop, EVLOOP_DONT_WAIT), 1);
	ck_assert_int_eq(evloop_pass(loop, EVLOOP_DONT_WAIT), 1);
	ck_assert_int_eq(evloop_pass(loop, EVLOOP_DONT_WAIT), 0);
	ck_assert_uint_eq(lg.n, 2);
	ck_assert_int_eq(lg.v[0], 'a');
	ck_assert_int_eq(lg.v[1], 'b');
	evloop_stats(loop, &st);
	ck_assert_uint_eq(st.files_fired, 2);
	ck_assert_uint_eq(st.passes, 4);
	evloop_destroy(loop);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/* A timer's return value is its next interval, until EVLOOP_NOMORE. */
START_TEST(test_evloop_timer_repeat)
{
	struct evloop	*loop = evloop_create(1);
	int		 i;

	lg.next = 10 * MS;
	lg.limit = 3;
	evloop_timer_add(loop, 10 * MS, on_timer, (void *)(intptr_t)7);
	for (i = 0; i < 5; i++) {
		clock_fake_advance(10 * MS);
		evloop_pass(loop, EVLOOP_DONT_WAIT);
		ck_assert_uint_eq(lg.n, i < 3 ? (unsigned)i + 1 : 3);
	}
	ck_assert_uint_eq(evloop_timers(loop), 0);
	evloop_destroy(loop);
}
END_TEST

/* Deleted timers and fds never fire; a stale id deletes nothing. */
START_TEST(test_evloop_remove)
{
	struct evloop	*loop;
	char		*cause = NULL;
	int64_t		 a, b, c;
	int		 fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	loop = evloop_create(fds[0] + 1);
	a = evloop_timer_add(loop, 10 * MS, on_timer, (void *)(intptr_t)1);
	b = evloop_timer_add(loop, 20 * MS, on_timer, (void *)(intptr_t)2);
	ck_assert_int_gt(a, 0);
	ck_assert_int_eq(evloop_timer_del(loop, a), 0);
	ck_assert_int_eq(evloop_timer_del(loop, a), -1);
	/* The freed slot is reused; the old id must not reach the new one. */
	c = evloop_timer_add(loop, 30 * MS, on_timer, (void *)(intptr_t)3);
	ck_assert_int_ne(c, a);
	ck_assert_int_eq(evloop_timer_del(loop, a), -1);
	ck_assert_int_eq(evloop_timer_del(loop, 0), -1);
	ck_assert_int_eq(evloop_timer_del(loop, b), 0);

	ck_assert_int_eq(evloop_file_add(loop, fds[0], EVLOOP_READ, on_read,
	    NULL, &cause), 0);
	evloop_file_del(loop, fds[0], EVLOOP_READ);
	ck_assert_int_eq(write(fds[1], "x", 1), 1);

	clock_fake_advance(100 * MS);
	ck_assert_int_eq(evloop_pass(loop, EVLOOP_DONT_WAIT), 1);
	ck_assert_uint_eq(lg.n, 1);
	ck_assert_int_eq(lg.v[0], 3);
	evloop_destroy(loop);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

static uint64_t	many_last;
static unsigned	many_fired, many_bad;

/* A timer whose arg is its due time: check none fires before an earlier. */
static int64_t
on_many(struct evloop *loop, int64_t id, void *arg)
{
	uint64_t	due = (uint64_t)(uintptr_t)arg;

	(void)loop;
	(void)id;
	if (due < many_last)
		many_bad++;
	many_last = due;
	many_fired++;
	return EVLOOP_NOMORE;
}

/* Ten thousand timers, added in scrambled order, fire in due order. */
START_TEST(test_evloop_many)
{
	struct evloop	*loop = evloop_create(1);
	uint64_t	 x = 12345, due;
	unsigned	 i;
	int64_t		 ids[100];

	many_last = 0;
	many_fired = many_bad = 0;
	for (i = 0; i < 10000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		due = (x >> 33) % 5000 * NS_PER_US;
		if (i < 100)
			ids[i] = evloop_timer_add(loop, due, on_many,
			    (void *)(uintptr_t)due);
		else
			evloop_timer_add(loop, due, on_many,
			    (void *)(uintptr_t)due);
	}
	for (i = 0; i < 100; i += 2)		/* delete every other one */
		ck_assert_int_eq(evloop_timer_del(loop, ids[i]), 0);
	ck_assert_uint_eq(evloop_timers(loop), 9950);
	for (i = 0; i < 50; i++) {
		clock_fake_advance(100 * NS_PER_US);
		evloop_pass(loop, EVLOOP_DONT_WAIT);
	}
	ck_assert_uint_eq(many_bad, 0);
	ck_assert_uint_eq(many_fired, 9950);
	ck_assert_uint_eq(evloop_timers(loop), 0);
	evloop_destroy(loop);
}
END_TEST

/* A callback that deletes itself, or another due timer, is safe. */
START_TEST(test_evloop_delete_in_callback)
{
	struct evloop	*loop = evloop_create(1);
	int64_t		 a, b;

	lg.next = 10 * MS;			/* repeats unless deleted */
	a = evloop_timer_add(loop, 10 * MS, on_timer, (void *)(intptr_t)1);
	b = evloop_timer_add(loop, 10 * MS, on_timer, (void *)(intptr_t)2);
	lg.del = b;				/* a deletes b, due as well */
	clock_fake_advance(10 * MS);
	evloop_pass(loop, EVLOOP_DONT_WAIT);
	ck_assert_uint_eq(lg.n, 1);
	ck_assert_int_eq(lg.v[0], 1);
	ck_assert_uint_eq(evloop_timers(loop), 1);	/* a repeats */
	lg.del = a;				/* a deletes itself */
	clock_fake_advance(10 * MS);
	evloop_pass(loop, EVLOOP_DONT_WAIT);
	ck_assert_uint_eq(lg.n, 2);
	ck_assert_uint_eq(evloop_timers(loop), 0);
	evloop_destroy(loop);
}
END_TEST

/* An interval of 0 fires once per pass, never in a loop within one. */
START_TEST(test_evloop_zero_interval)
{
	struct evloop	*loop = evloop_create(1);

	lg.next = 0;
	evloop_timer_add(loop, 0, on_timer, (void *)(intptr_t)5);
	ck_assert_int_eq(evloop_pass(loop, EVLOOP_DONT_WAIT), 1);
	ck_assert_int_eq(evloop_pass(loop, EVLOOP_DONT_WAIT), 1);
	ck_assert_uint_eq(lg.n, 2);
	evloop_destroy(loop);
}
END_TEST

/* A timer that stalls the loop shows up as lag and lateness. */
static int64_t
on_stall(struct evloop *loop, int64_t id, void *arg)
{
	(void)loop;
	(void)id;
	(void)arg;
	clock_fake_advance(30 * MS);		/* "blocks" for 30 ms */
	return EVLOOP_NOMORE;
}

/* max_busy_ns is time away from poll; max_late_ns how late a timer ran. */
START_TEST(test_evloop_stall_figures)
{
	struct evloop		*loop = evloop_create(1);
	struct evloop_stats	 st;

	evloop_timer_add(loop, 10 * MS, on_stall, NULL);
	evloop_timer_add(loop, 12 * MS, on_timer, (void *)(intptr_t)1);
	clock_fake_advance(10 * MS);
	evloop_pass(loop, EVLOOP_DONT_WAIT);	/* the stall: +30 ms */
	evloop_pass(loop, EVLOOP_DONT_WAIT);	/* the other, 28 ms late */
	evloop_stats(loop, &st);
	ck_assert_uint_eq(st.max_busy_ns, 30 * MS);
	ck_assert_uint_eq(st.max_late_ns, 28 * MS);
	ck_assert_uint_eq(st.timers_fired, 2);
	evloop_destroy(loop);
}
END_TEST

static int	hook_calls;

/* A before hook that stops the loop on its third call. */
static int
on_before(struct evloop *loop, void *arg)
{
	(void)arg;
	if (++hook_calls == 3)
		evloop_stop(loop);
	return 1;			/* pending: never block */
}

/* evloop_run() ends on evloop_stop(), or when nothing can ever happen. */
START_TEST(test_evloop_run_ends)
{
	struct evloop	*loop = evloop_create(1);

	hook_calls = 0;
	evloop_set_before(loop, on_before, NULL);
	evloop_timer_add(loop, 3600 * NS_PER_SEC, on_timer, NULL);
	evloop_run(loop);
	ck_assert_int_eq(hook_calls, 3);
	evloop_destroy(loop);

	loop = evloop_create(1);		/* no timers, no fds */
	evloop_run(loop);
	evloop_destroy(loop);
}
END_TEST

/* An fd outside the set is refused with a cause. */
START_TEST(test_evloop_bad_fd)
{
	struct evloop	*loop = evloop_create(4);
	char		*cause = NULL;

	ck_assert_int_eq(evloop_file_add(loop, 4, EVLOOP_READ, on_read, NULL,
	    &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "fd 4"));
	free(cause);
	ck_assert_int_eq(evloop_file_add(loop, -1, EVLOOP_READ, on_read, NULL,
	    &cause), -1);
	free(cause);
	evloop_file_del(loop, 99, EVLOOP_READ);	/* harmless */
	evloop_destroy(loop);
}
END_TEST

/* The FIFO unlinks from the head, the middle and the tail. */
START_TEST(test_aio_fifo)
{
	struct aio_fifo	q = { NULL, NULL };
	struct coro	co[4];
	unsigned	i;

	for (i = 0; i < 4; i++) {
		coro_init(&co[i], NULL, NULL, i, i);
		aio_fifo_push(&q, &co[i]);
	}
	ck_assert_int_eq(aio_fifo_unlink(&q, &co[1]), 1);
	ck_assert_int_eq(aio_fifo_unlink(&q, &co[1]), 0);
	ck_assert_int_eq(aio_fifo_unlink(&q, &co[3]), 1);
	ck_assert_ptr_eq(q.tail, &co[2]);
	ck_assert_ptr_eq(aio_fifo_pop(&q), &co[0]);
	ck_assert_ptr_eq(aio_fifo_pop(&q), &co[2]);
	ck_assert_ptr_null(aio_fifo_pop(&q));
	ck_assert_ptr_null(q.tail);
}
END_TEST

/*
 * Semaphore(2) among four tasks: two enter, two queue in order; a release
 * hands it to the first waiter (held stays 2), never more than 2 inside.
 */
START_TEST(test_aio_sem)
{
	struct aio_sem	s;
	struct coro	co[4];
	unsigned	i;

	aio_sem_init(&s, 2);
	for (i = 0; i < 4; i++)
		coro_init(&co[i], NULL, NULL, i, i);
	ck_assert_int_eq(aio_sem_acquire(&s, &co[0]), 1);
	ck_assert_int_eq(aio_sem_acquire(&s, &co[1]), 1);
	ck_assert_int_eq(aio_sem_acquire(&s, &co[2]), 0);
	ck_assert_int_eq(aio_sem_acquire(&s, &co[3]), 0);
	ck_assert_ptr_eq(aio_sem_release(&s), &co[2]);
	ck_assert_uint_eq(s.held, 2);
	ck_assert_ptr_eq(aio_sem_release(&s), &co[3]);
	ck_assert_ptr_null(aio_sem_release(&s));
	ck_assert_ptr_null(aio_sem_release(&s));
	ck_assert_uint_eq(s.held, 0);
	ck_assert_uint_eq(s.max_held, 2);
	/* limit 0: nobody waits, but the figure still counts. */
	aio_sem_init(&s, 0);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(aio_sem_acquire(&s, &co[i]), 1);
	ck_assert_uint_eq(s.max_held, 4);
}
END_TEST

/* The server's deliveries, in order. */
static void
on_deliver(void *arg, struct coro *co, int byte)
{
	(void)arg;
	ck_assert_int_eq(byte, AIO_REPLY);
	lg.v[lg.n++] = co->index;
}

/*
 * Three requests, one cancelled: the other two get a byte each, in the
 * order they asked, and the read handler goes away once nobody waits.
 */
START_TEST(test_aio_server)
{
	struct aio_server	srv;
	struct coro		co[3];
	char			*cause = NULL;
	unsigned		 i;

	ck_assert_int_eq(aio_server_init(&srv, &cause), 0);
	srv.loop = evloop_create(srv.pipe[1] + 1);
	srv.deliver = on_deliver;
	for (i = 0; i < 3; i++) {
		coro_init(&co[i], NULL, NULL, i, i);
		aio_server_request(&srv, &co[i]);
	}
	aio_server_cancel(&srv, &co[1]);
	for (i = 0; i < 4 && lg.n < 2; i++)
		evloop_pass(srv.loop, EVLOOP_DONT_WAIT);
	ck_assert_uint_eq(lg.n, 2);
	ck_assert_int_eq(lg.v[0], 0);
	ck_assert_int_eq(lg.v[1], 2);
	ck_assert_int_eq(srv.reading, 0);
	ck_assert_ptr_null(srv.cause);
	evloop_destroy(srv.loop);
	aio_server_free(&srv);
}
END_TEST

static Suite *
evloop_suite(void)
{
	Suite	*s = suite_create("evloop");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(edge, setup, teardown);
	tcase_add_test(core, test_evloop_timer_order);
	tcase_add_test(core, test_evloop_file);
	tcase_add_test(core, test_evloop_timer_repeat);
	tcase_add_test(core, test_evloop_remove);
	tcase_add_test(core, test_evloop_many);
	tcase_add_test(edge, test_evloop_delete_in_callback);
	tcase_add_test(edge, test_evloop_zero_interval);
	tcase_add_test(edge, test_evloop_stall_figures);
	tcase_add_test(edge, test_evloop_run_ends);
	tcase_add_test(edge, test_evloop_bad_fd);
	tcase_add_test(core, test_aio_fifo);
	tcase_add_test(core, test_aio_sem);
	tcase_add_test(core, test_aio_server);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(evloop_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
