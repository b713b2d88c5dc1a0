/*
 * parlab.h -- the one project header.
 *
 * Every shared type and prototype lives here, grouped under a banner naming
 * the file that implements it, in the manner of tmux.h.  Anything not listed
 * here is static to its file.  Include "config.h" before this header.
 */

#ifndef PARLAB_H
#define PARLAB_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>
#include <sys/types.h>

#define PARLAB_NORETURN __attribute__((noreturn))
#define PARLAB_PRINTF(a, b) __attribute__((format(printf, a, b)))

#define NS_PER_US	1000ULL
#define NS_PER_MS	1000000ULL
#define NS_PER_SEC	1000000000ULL

/* The most workers (threads, processes) a demo may start. */
#define PARLAB_MAX_WORKERS	1024
/* The most lanes one trace may hold (async tasks are lanes too). */
#define TRACE_MAX_LANES		20000
/* How many events all the lanes of one trace may hold together. */
#define TRACE_BUDGET_EVENTS	(4u * 1024 * 1024)

struct run;
struct trace;
struct gil;
struct proc_ctx;

/* xmalloc.c */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) PARLAB_PRINTF(2, 3);
int	 xvasprintf(char **, const char *, va_list);

/* log.c */
void	 log_set_cleanup(void (*)(void));
void	 fatal(const char *, ...) PARLAB_PRINTF(1, 2) PARLAB_NORETURN;
void	 warnx_(const char *, ...) PARLAB_PRINTF(1, 2);
void	 vwarnx_(const char *, va_list);

/* clock.c */
uint64_t clock_ns(void);
void	 clock_fake_set(uint64_t);
void	 clock_fake_advance(uint64_t);
void	 clock_fake_off(void);
void	 clock_sleep_ns(uint64_t);
uint64_t clock_thread_cpu_ns(void);

/* trace.c */
enum state {
	STATE_NONE = 0,		/* before the lane's first event */
	STATE_STARTING,
	STATE_RUNNING,
	STATE_WAIT_LOCK,	/* a mutex or the GIL */
	STATE_IO,		/* blocked sleeping or reading; GIL released */
	STATE_READY,		/* runnable, waiting for its scheduler */
	STATE_QUEUE_WAIT,	/* blocked on a full or empty queue */
	STATE_DONE,
	STATE_COUNT
};

enum ev_kind {
	EV_STATE = 0,		/* state in .state */
	EV_LOCK_ACQUIRE,	/* arg: lock id */
	EV_LOCK_RELEASE,
	EV_GIL_DROP_REQUEST,	/* arg: lane that asked */
	EV_GIL_SWITCH,		/* on the GIL lane; arg: new holder lane */
	EV_QUEUE_PUT,		/* arg: depth after the put */
	EV_QUEUE_GET,		/* arg: depth after the get */
	EV_YIELD,
	EV_AWAIT,
	EV_SPAWN,		/* arg: pid or task index */
	EV_RESULT,		/* arg: the result value */
	EV_COUNTER,		/* arg: a counter's value (queue depth, ...) */
	EV_CPU,			/* arg: the core now running the lane */
	EV_LABEL,		/* arg: item index the lane now works on */
	EV_KIND_COUNT
};

enum lane_type {
	LANE_THREAD = 0,
	LANE_PROCESS,
	LANE_TASK,		/* a generator or coroutine task */
	LANE_GIL,		/* who holds the GIL (EV_GIL_SWITCH) */
	LANE_LOOP,		/* an event loop or scheduler */
	LANE_COUNTER,		/* a value over time (EV_COUNTER) */
	LANE_TYPE_COUNT
};

/* One recorded event: 24 bytes, written once by its lane's writer. */
struct trace_event {
	uint64_t	ts;		/* ns since the trace started */
	int64_t		arg;
	uint16_t	kind;		/* enum ev_kind */
	uint8_t		state;		/* enum state, for EV_STATE */
	uint8_t		pad;
	int16_t		cpu;		/* sched_getcpu(), -1 if unknown */
	int16_t		pad2;
};

/*
 * One lane's header, in the shared mapping.  head and dropped are the only
 * fields a reader may look at while the run goes on; the accounting fields
 * belong to the writer until the run has ended.
 */
struct trace_lane {
	char		 name[32];
	uint32_t	 type;		/* enum lane_type */
	int32_t		 pid;		/* the process writing it, for LANE_PROCESS */
	_Atomic uint64_t head;		/* events written so far */
	_Atomic uint64_t dropped;	/* events lost to a full lane */
	uint64_t	 since;		/* when the current state began */
	uint64_t	 state_ns[STATE_COUNT];
	uint64_t	 cores;		/* bit per core the lane was seen on */
	uint64_t	 cpu_ns;	/* CPU time, set by trace_lane_cpu() */
	uint32_t	 state;		/* current state */
	int32_t		 last_cpu;
};

struct trace_state_info {
	const char	*name;		/* "wait-lock" */
	char		 ascii;		/* glyph on ASCII terminals and in text */
	const char	*utf8;		/* glyph on UTF-8 terminals */
	const char	*help;		/* one line for a legend */
};
extern const struct trace_state_info trace_states[STATE_COUNT];
extern const char *const trace_kind_names[EV_KIND_COUNT];
extern const char *const trace_lane_type_names[LANE_TYPE_COUNT];

struct trace	*trace_create(unsigned, int, char **);
struct trace	*trace_attach(int, char **);
void		 trace_destroy(struct trace *);
int		 trace_fd(const struct trace *);
void		 trace_rewind(struct trace *);
void		 trace_lane_init(struct trace *, unsigned, const char *,
		     enum lane_type);
int		 trace_recording(const struct trace *);
uint64_t	 trace_now(const struct trace *);
void		 trace_state(struct trace *, unsigned, enum state);
void		 trace_state_at(struct trace *, unsigned, enum state, uint64_t);
void		 trace_point(struct trace *, unsigned, enum ev_kind, int64_t);
void		 trace_lane_cpu(struct trace *, unsigned, uint64_t);
void		 trace_lane_pid(struct trace *, unsigned, pid_t);
unsigned	 trace_lanes(const struct trace *);
uint64_t	 trace_capacity(const struct trace *);
struct trace_lane *trace_lane(const struct trace *, unsigned);
uint64_t	 trace_count(const struct trace *, unsigned);
const struct trace_event *trace_event(const struct trace *, unsigned, uint64_t);
uint64_t	 trace_total_events(const struct trace *);
uint64_t	 trace_total_dropped(const struct trace *);
size_t		 trace_mapping_bytes(const struct trace *);

/* timeline.c */
struct tl_span {
	uint64_t	t0;
	uint64_t	t1;		/* end, or the latest time seen if open */
	uint8_t		state;
	int16_t		cpu;
	int64_t		label;		/* last EV_LABEL arg, -1 if none */
};

struct tl_mark {
	uint64_t	ts;
	uint16_t	kind;
	int64_t		arg;
};

struct tl_lane {
	struct tl_span	*spans;
	size_t		 nspans, spans_cap;
	uint64_t	(*blocks)[STATE_COUNT];	/* per-state time of each
					   TL_BLOCK closed spans */
	size_t		 nblocks, blocks_cap;
	struct tl_mark	*marks;		/* point events */
	size_t		 nmarks, marks_cap;
	uint64_t	 consumed;	/* events folded in so far */
	int64_t		 label;
	int16_t		 cpu;
};

struct timeline {
	struct trace	*trace;
	unsigned	 nlanes;
	struct tl_lane	*lanes;
	uint64_t	 t_end;		/* latest timestamp seen */
	int		 finished;	/* set by timeline_finish() */
};

struct timeline	*timeline_create(struct trace *);
void		 timeline_destroy(struct timeline *);
int		 timeline_update(struct timeline *);
void		 timeline_finish(struct timeline *, uint64_t);
void		 timeline_fold(const struct timeline *, unsigned, uint64_t,
		     uint64_t, unsigned, uint8_t *);
#define TL_NOVALUE	INT64_MIN
#define TL_BLOCK	256	/* spans summed together for fast folding */
void		 timeline_fold_counter(const struct timeline *, unsigned,
		     uint64_t, uint64_t, unsigned, int64_t *);
void		 timeline_fold_cores(const struct timeline *, unsigned,
		     uint64_t, uint64_t, unsigned, int32_t *);
void		 timeline_fold_labels(const struct timeline *, unsigned,
		     uint64_t, uint64_t, unsigned, int64_t *);
enum tl_future { TL_FUTURE_PENDING, TL_FUTURE_RUNNING, TL_FUTURE_DONE,
    TL_FUTURE_FAILED };
size_t		 timeline_futures(const struct timeline *, unsigned, uint64_t,
		     uint8_t *, size_t);
uint64_t	 timeline_state_ns(const struct timeline *, unsigned,
		     enum state);
int		 timeline_lane_is_worker(const struct timeline *, unsigned);
int		 timeline_workers_done(const struct timeline *);

/* params.c */
enum param_type {
	PARAM_INT,		/* whole number in [min, max] */
	PARAM_FLOAT,		/* number in [min, max] */
	PARAM_CHOICE,		/* one word of choices, "none|lock|atomic" */
	PARAM_LIST		/* comma-separated whole numbers in [min, max] */
};

struct param_spec {
	const char	*name;
	enum param_type	 type;
	const char	*def;		/* default, in the command-line grammar */
	double		 min, max;
	const char	*choices;	/* PARAM_CHOICE: "a|b|c" */
	const char	*help;
};

#define PARAMS_MAX	16
#define PARAM_LIST_MAX	16

struct param_value {
	const struct param_spec	*spec;
	int			 set;	/* given explicitly */
	double			 num;	/* INT, FLOAT; CHOICE: index */
	int64_t			 list[PARAM_LIST_MAX];
	unsigned		 nlist;
	char			 text[160];	/* canonical text form */
};

struct params {
	unsigned		 n;
	struct param_value	 v[PARAMS_MAX];
};

extern const struct param_spec params_common[];
int	 params_init(struct params *, const struct param_spec *);
int	 params_set(struct params *, const char *, char **);
int	 params_parse(struct params *, const struct param_spec *, int,
	     char *const *, char **);
int64_t	 params_int(const struct params *, const char *);
double	 params_float(const struct params *, const char *);
int	 params_choice(const struct params *, const char *);
const char *params_text(const struct params *, const char *);
const struct param_value *params_get(const struct params *, const char *);
char	*params_describe(const struct param_spec *);
char	*params_range(const struct param_spec *);

/* demo.c */
struct demo_class {
	const char		*name;		/* "race" */
	const char		*summary;	/* one line for `parlab list` */
	const struct param_spec	*params;	/* schema, without the common ones */
	int			(*run)(struct run *, char **);
	/* A worker process's body (proc.c), found by name after a spawn. */
	int			(*worker)(struct proc_ctx *, int, char **,
				    char **);
	/* Rules across parameters (NULL: none): -1 with a cause naming the
	 * parameter refuses the set before anything runs (exit 2). */
	int			(*check)(const struct params *, char **);
};
extern const struct demo_class *const demo_classes[];
const struct demo_class *demo_find(const char *);

/* run.c */
enum metric_type { METRIC_INT, METRIC_FLOAT, METRIC_BOOL, METRIC_INTS,
    METRIC_TEXT };

struct metric {
	char		*key;
	enum metric_type type;
	int64_t		 i;
	double		 f;
	int64_t		*ints;
	size_t		 nints;
	char		*text;
};

/* Everything a worker thread needs to do its work and report it. */
struct worker {
	struct run	*run;
	struct trace	*trace;
	unsigned	 lane;
	unsigned	 index;		/* 0..n-1 among its demo's workers */
	struct gil	*gil;		/* NULL: no GIL */
	unsigned	 ticks;		/* units since the last old-GIL check */
	void		*arg;		/* the demo's own */
};

struct run {
	const struct demo_class	*cls;
	struct params		 params;
	double			 scale;
	int			 traced;
	struct trace		*made;		/* run_trace()'s, owned here */
	_Atomic(struct trace *)	 trace;		/* published by run_begin() */
	atomic_int		 stop;		/* asked to stop early */
	atomic_int		 finished;
	uint64_t		 wall_ns;	/* the demo's timed part */
	uint64_t		 begin_ns;
	uint64_t		 end_trace_ns;	/* trace time at run_end() */
	struct metric		*metrics;
	size_t			 nmetrics;
	char			**notes;	/* lines for the text summary */
	size_t			 nnotes;
	int			 status;	/* 0 ok, -1 failed */
	char			*cause;
};

struct run	*run_create(const struct demo_class *, const struct params *,
		     int);
void		 run_destroy(struct run *);
int		 run_execute(struct run *);
struct trace	*run_trace(struct run *, unsigned, char **);
void		 run_begin(struct run *);
void		 run_end(struct run *);
uint64_t	 run_scaled_ns(const struct run *, double);
int		 run_stopping(const struct run *);
void		 run_request_stop(struct run *);
void		 run_metric_int(struct run *, const char *, int64_t);
void		 run_metric_float(struct run *, const char *, double);
void		 run_metric_bool(struct run *, const char *, int);
void		 run_metric_ints(struct run *, const char *, const int64_t *,
		     size_t);
void		 run_metric_text(struct run *, const char *, const char *);
const struct metric *run_metric(const struct run *, const char *);
void		 run_note(struct run *, const char *, ...) PARLAB_PRINTF(2, 3);
int		 run_threads_start(struct run *, pthread_t *, struct worker *,
		     unsigned, void *(*)(void *), char **);
void		 run_threads_join(pthread_t *, unsigned);
int		 run_is_worker_lane(const struct trace *, unsigned);

struct lane_stats {		/* what one worker lane did, in ms */
	double		 cpu_ms;	/* CPU time, or time running */
	double		 wait_ms;	/* waiting for a lock, a queue, a turn */
	double		 io_ms;		/* blocked in I/O or sleep */
	double		 start_ms;	/* starting up */
	uint64_t	 cores;		/* bit per core seen */
};
void		 run_lane_stats(const struct trace *, unsigned,
		     struct lane_stats *);

/* work.c */
void	 work_calibrate(void);
uint64_t work_units_per_ms(void);
void	 work_unit(void);
void	 work_statement(void);
int	 work_cpu(struct worker *, uint64_t);
void	 work_io(struct worker *, uint64_t);
void	 work_spin_ns(uint64_t);

/* gil.c */
enum gil_mode { GIL_NONE = 0, GIL_NEW, GIL_OLD };

struct gil {
	enum gil_mode	 mode;
	uint64_t	 interval_ns;	/* new: the switch interval */
	unsigned	 check;		/* old: units between releases */
	struct trace	*trace;
	int		 lane;		/* the GIL lane, -1 for none */

	pthread_mutex_t	 mutex;
	pthread_cond_t	 cond;		/* waiters for the GIL */
	pthread_cond_t	 switch_cond;	/* new: a dropper awaiting the switch */
	int		 locked;
	int		 holder;	/* lane of the holder, -1 */
	uint64_t	 switch_number;
	atomic_int	 drop_request;

	/* Statistics, under mutex. */
	uint64_t	 switches;
	uint64_t	 drop_requests;
	uint64_t	 failed_wakeups;
	uint64_t	 wait_ns;
	uint64_t	 max_wait_ns;	/* the longest single wait */
};

int	 gil_mode_parse(const char *);
void	 gil_init(struct gil *, enum gil_mode, uint64_t, unsigned,
	     struct trace *, int);
void	 gil_free(struct gil *);
void	 gil_take(struct gil *, struct worker *);
void	 gil_drop(struct gil *, struct worker *);
void	 gil_yield(struct gil *, struct worker *);

/*
 * A safe point (a loop back-edge or a call): give the GIL away if another
 * thread asked for it (new) or every `check` units (old).  Inline because it
 * runs once per simulated bytecode.
 */
static inline void
gil_safepoint(struct gil *g, struct worker *w)
{
	if (g == NULL || g->mode == GIL_NONE)
		return;
	if (g->mode == GIL_NEW) {
		if (atomic_load_explicit(&g->drop_request,
		    memory_order_relaxed))
			gil_yield(g, w);
	} else if (++w->ticks >= g->check) {
		/* Keep the remainder, so a loop whose length does not divide
		 * check meets the release at each of its safe points in turn. */
		w->ticks -= g->check;
		gil_yield(g, w);
	}
}

/* coro.c */
enum coro_status {
	CORO_YIELD,		/* paused, runnable again at once */
	CORO_AWAIT,		/* paused until someone calls coro_wake() */
	CORO_DONE		/* returned; result is set */
};

struct coro;
typedef enum coro_status coro_fn(struct coro *);

/*
 * A resumable task: a step function plus an explicit resume point, like a
 * Python generator's frame (its code, its locals, its last instruction).
 */
struct coro {
	coro_fn		*fn;
	void		*frame;		/* the task's locals, the caller's */
	int		 state;		/* resume point: 0 at first, fn sets */
	int		 done;
	int		 awaiting;	/* paused in CORO_AWAIT, not yet woken */
	int64_t		 result;
	unsigned	 index;		/* 0..n-1 among its scheduler's tasks */
	unsigned	 lane;		/* its trace lane */
	uint64_t	 resumes;
	struct coro	*next;		/* in the ready queue or one wait queue */
};

/* The round-robin scheduler: a FIFO of ready tasks on one thread. */
struct coro_sched {
	struct trace	*trace;		/* NULL: record nothing */
	int		 loop_lane;	/* the scheduler's lane, -1 none */
	struct coro	*head;		/* the ready queue */
	struct coro	*tail;
	size_t		 nready;
	size_t		 nlive;		/* spawned, not done */
	struct coro	*last;		/* the task resumed last */
	uint64_t	 resumes;
	uint64_t	 switches;	/* resumes of a task other than last */
};

void	 coro_init(struct coro *, coro_fn *, void *, unsigned, unsigned);
void	 coro_sched_init(struct coro_sched *, struct trace *, int);
void	 coro_spawn(struct coro_sched *, struct coro *);
void	 coro_wake(struct coro_sched *, struct coro *);
enum coro_status coro_resume(struct coro_sched *, struct coro *);
size_t	 coro_sched_pass(struct coro_sched *);
int	 coro_sched_run(struct coro_sched *, const struct run *);

/*
 * evloop.c: a single-threaded event loop in the spirit of redis ae.c.  One
 * pass: wait for the nearest timer or a ready fd (poll), call the file
 * handlers, then the due timers.  A timer callback returns its next
 * interval in ns, or EVLOOP_NOMORE.  Times are clock_ns(), so the fake
 * clock drives it in tests (with EVLOOP_DONT_WAIT).
 */
#define EVLOOP_READ		1
#define EVLOOP_WRITE		2
#define EVLOOP_DONT_WAIT	1		/* evloop_pass(): poll, never block */
#define EVLOOP_NOMORE		(-1)		/* a timer callback: do not repeat */

struct evloop;
typedef void	evloop_file_fn(struct evloop *, int, int, void *);
typedef int64_t	evloop_timer_fn(struct evloop *, int64_t, void *);
typedef int	evloop_hook_fn(struct evloop *, void *);

struct evloop_stats {
	uint64_t	passes;
	uint64_t	files_fired;
	uint64_t	timers_fired;
	uint64_t	max_busy_ns;	/* longest stretch away from poll */
	uint64_t	max_late_ns;	/* latest a timer fired after its time */
};

struct evloop	*evloop_create(int);
void		 evloop_destroy(struct evloop *);
int		 evloop_file_add(struct evloop *, int, int, evloop_file_fn *,
		     void *, char **);
void		 evloop_file_del(struct evloop *, int, int);
int64_t		 evloop_timer_add(struct evloop *, uint64_t, evloop_timer_fn *,
		     void *);
int		 evloop_timer_del(struct evloop *, int64_t);
size_t		 evloop_timers(const struct evloop *);
void		 evloop_set_before(struct evloop *, evloop_hook_fn *, void *);
void		 evloop_set_after(struct evloop *, evloop_hook_fn *, void *);
int		 evloop_pass(struct evloop *, int);
void		 evloop_run(struct evloop *);
void		 evloop_stop(struct evloop *);
void		 evloop_stats(const struct evloop *, struct evloop_stats *);

/* aio.c: asyncio's building blocks over coro.c */
#define AIO_SLICE_NS	(10 * NS_PER_MS)	/* a stop ends aio_block() so soon */
struct aio_fifo {
	struct coro	*head, *tail;
};
struct aio_sem {		/* asyncio.Semaphore */
	unsigned	 limit;		/* 0: no limit */
	unsigned	 held, max_held;
	struct aio_fifo	 waiters;
};
void	 aio_fifo_push(struct aio_fifo *, struct coro *);
int	 aio_fifo_unlink(struct aio_fifo *, struct coro *);
struct coro *aio_fifo_pop(struct aio_fifo *);
void	 aio_sem_init(struct aio_sem *, unsigned);
int	 aio_sem_acquire(struct aio_sem *, struct coro *);
struct coro *aio_sem_release(struct aio_sem *);
uint64_t aio_block(const struct run *, uint64_t);
int	 aio_pipe(int [2], char **);
long	 aio_rss_kb(void);
long	 aio_rss_max(long);
struct aio_thread {		/* one asyncio.to_thread call */
	struct run	*run;
	int		 wake[2];	/* the thread's byte wakes the loop */
	pthread_t	 tid;
	struct worker	 w;
	int		 started, joined;
	uint64_t	 ns;		/* the blocking call's length */
	uint64_t	 asked_ns, began_ns, slept_ns;
	void		(*done)(void *);	/* on the loop, when it returned */
	void		*arg;
};
int	 aio_thread_init(struct aio_thread *, char **);
int	 aio_thread_start(struct aio_thread *, struct run *, struct evloop *,
	     unsigned, uint64_t, void (*)(void *), void *, char **);
#define AIO_REPLY	'r'			/* the byte a server replies */
struct aio_server {		/* replies one byte per request on a pipe */
	struct evloop	*loop;		/* set before the first request */
	int		 pipe[2];	/* read end, write end; non-blocking */
	struct aio_fifo	 readers;	/* awaiting a byte */
	int		 reading;	/* the read handler is registered */
	int		 serving;	/* the write timer is armed */
	size_t		 unwritten;	/* bytes asked for, not yet written */
	void		(*deliver)(void *, struct coro *, int);
	void		*arg;
	char		*cause;		/* why it stopped the loop */
};
int	 aio_server_init(struct aio_server *, char **);
void	 aio_server_request(struct aio_server *, struct coro *);
void	 aio_server_cancel(struct aio_server *, struct coro *);
void	 aio_server_free(struct aio_server *);
void	 aio_thread_join(struct aio_thread *);
void	 aio_thread_free(struct aio_thread *);

/* tsync.c: threading's Semaphore, Event, Condition, Barrier (GIL-aware) */
struct tsync_sem {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	unsigned	 limit, held, max_held;
};
struct tsync_event {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 set;
	uint64_t	 set_ns;
};
struct tsync_cond {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	unsigned	 notifies, wakeups, false_wakeups;
};
struct tsync_barrier {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	unsigned	 parties, count, generation;
	uint64_t	 opened_ns;	/* when the last phase opened */
};
void	 tsync_sem_init(struct tsync_sem *, unsigned);
void	 tsync_sem_free(struct tsync_sem *);
int	 tsync_sem_acquire(struct tsync_sem *, struct worker *);
void	 tsync_sem_release(struct tsync_sem *);
void	 tsync_event_init(struct tsync_event *);
void	 tsync_event_free(struct tsync_event *);
int	 tsync_event_wait(struct tsync_event *, struct worker *);
void	 tsync_event_set(struct tsync_event *);
void	 tsync_cond_init(struct tsync_cond *);
void	 tsync_cond_free(struct tsync_cond *);
int	 tsync_cond_wait_for(struct tsync_cond *, struct worker *,
	     int (*)(void *), void (*)(void *), void *);
void	 tsync_cond_notify_all(struct tsync_cond *, struct worker *,
	     void (*)(void *), void *);
void	 tsync_barrier_init(struct tsync_barrier *, unsigned);
void	 tsync_barrier_free(struct tsync_barrier *);
int	 tsync_barrier_wait(struct tsync_barrier *, struct worker *);

/* share.c: a named shared-memory segment (SharedMemory) */
struct share {
	char		 name[64];
	unsigned char	*base;		/* NULL when len is 0 */
	size_t		 len;
	int		 owner;		/* created here: unlink on free */
};
int	 share_create(struct share *, const char *, size_t, char **);
int	 share_attach(struct share *, const char *, size_t, char **);
void	 share_unlink(struct share *);
void	 share_free(struct share *);

/* export-text.c */
int	 export_text(FILE *, struct run *);
void	 export_text_timeline(FILE *, const struct timeline *, unsigned, int);
void	 export_text_legend(FILE *);

/* export-json.c */
struct json {
	FILE	*f;
	int	 first;		/* no comma before the next member */
};
int	 export_json(FILE *, struct run *);
void	 json_string(FILE *, const char *);
void	 json_key(struct json *, const char *);
void	 json_double(FILE *, double);

/* export-trace.c */
int	 export_trace(FILE *, struct run *);

/* demo-*.c */
extern const struct demo_class demo_race_class;
extern const struct demo_class demo_threads_class;
extern const struct demo_class demo_queue_class;
extern const struct demo_class demo_procs_class;
extern const struct demo_class demo_pool_class;
extern const struct demo_class demo_gen_class;
extern const struct demo_class demo_async_class;
extern const struct demo_class demo_meet_class;

/* proc.c: child processes that never outlive parlab */
#define PROC_WORKER_ARG	"--parlab-worker"	/* argv[1] of a spawned worker */
#define PROC_MSG_ERROR	0	/* message type: the child failed, body text */
#define PROC_MSG_MAX	(64u * 1024 * 1024 + 4096)	/* largest body */
enum proc_start { PROC_FORK, PROC_SPAWN };

/* A child as its parent sees it. */
struct proc {
	pid_t		 pid;		/* -1 once reaped */
	unsigned	 lane;
	int		 in;		/* results from the child, -1 closed */
	int		 out;		/* tasks to the child, -1 if none */
	int		 status;	/* wait status once reaped */
};

/* What a worker process's body is given. */
struct proc_ctx {
	struct trace	*trace;
	unsigned	 lane;
	int		 in;		/* tasks from the parent, -1 if none */
	int		 out;		/* results to the parent */
	enum proc_start	 how;
	struct worker	*w;		/* for work_cpu() and work_io() */
};

int	 proc_start(struct proc *, enum proc_start, struct trace *, unsigned,
	     int, const char *, int, char **, char **);
int	 proc_ready(struct proc *, unsigned, int);
int	 proc_send(int, uint32_t, const void *, size_t);
int	 proc_recv(int, uint32_t *, void **, size_t *, char **);
void	 proc_close_tasks(struct proc *);
int	 proc_wait(struct proc *, char **);
unsigned proc_stop_all(void);
unsigned proc_live(void);
int	 proc_worker_main(int, char **);

/* lesson.c */
enum lesson_style {		/* inline text styles, may be or'ed */
	LSTYLE_PLAIN = 0,
	LSTYLE_EM = 1,
	LSTYLE_STRONG = 2,
	LSTYLE_CODE = 4,
	LSTYLE_LINK = 8
};

struct lesson_text {		/* a run of text in one style */
	char		*s;		/* UTF-8, control characters removed;
					   "\n" alone: a hard line break */
	unsigned	 style;
	char		*url;		/* LSTYLE_LINK: the target, else NULL */
};

enum lesson_block_type {
	LBLOCK_HEADING,		/* level 1-6 */
	LBLOCK_PARA,
	LBLOCK_ITEM,		/* a list item; level = nesting, 1 = outer */
	LBLOCK_QUOTE,
	LBLOCK_CODE,		/* lang, lines */
	LBLOCK_RUN,		/* demo, params, knobs */
	LBLOCK_ASK,		/* question, choices or a prediction */
	LBLOCK_NOTE,		/* speaker notes, presenter mode only */
	LBLOCK_PAUSE		/* reveal the rest of the page on a key */
};

struct lesson_choice {
	struct lesson_text *text;
	size_t		 ntext;
	int		 correct;
};

struct lesson_block {
	enum lesson_block_type	 type;
	unsigned		 line;		/* in the source file */
	int			 level;
	int			 ordered;	/* ITEM: numbered list */
	int			 number;	/* ITEM: its number */
	int			 task;		/* ITEM: -1 not a task, 0 [ ], 1 [x] */
	struct lesson_text	*text;		/* HEADING PARA ITEM QUOTE NOTE, ASK question */
	size_t			 ntext;
	char			*lang;		/* CODE */
	char			**lines;	/* CODE RUN NOTE: raw lines */
	size_t			 nlines;
	const struct demo_class	*demo;		/* RUN */
	struct params		 params;	/* RUN */
	char			**knobs;	/* RUN: parameters a student may turn */
	size_t			 nknobs;
	struct lesson_choice	*choices;	/* ASK */
	size_t			 nchoices;
	struct lesson_text	*explain;	/* ASK: shown after answering */
	size_t			 nexplain;
	char			*predict;	/* ASK: metric to predict, or NULL */
	double			 tolerance;	/* ASK: relative, 0.2 = 20 % */
};

struct lesson_page {
	struct lesson_block	*blocks;
	size_t			 nblocks;
	unsigned		 line;
};

struct lesson {
	char			*path;
	char			*id;
	char			*title;
	char			*summary;
	int			 order;
	char			*level;
	double			 autoplay;	/* seconds per page, 0 = off */
	unsigned		 id_line;	/* where id: was given, 0 if not */
	struct lesson_page	*pages;
	size_t			 npages;
};

struct lesson_diag {		/* one problem found in a lesson file */
	char		*file;		/* NULL: the file being checked */
	unsigned	 line;		/* 0: the whole file */
	int		 error;		/* 1 error, 0 warning */
	char		*msg;
};

struct lesson_diags {
	struct lesson_diag	*v;
	size_t			 n;
	size_t			 errors;
};

struct lesson	*lesson_load(const char *, struct lesson_diags *);
struct lesson	*lesson_parse(const char *, const char *, size_t,
		     struct lesson_diags *);
struct lesson	*lesson_read(const char *, struct lesson_diags *);
struct lesson	*lesson_build(const char *, const char *, size_t,
		     struct lesson_diags *);
void		 lesson_diag(struct lesson_diags *, unsigned, int,
		     const char *, ...) PARLAB_PRINTF(4, 5);
void		 lesson_destroy(struct lesson *);
void		 lesson_diags_print(FILE *, const char *,
		     const struct lesson_diags *);
void		 lesson_diags_free(struct lesson_diags *);
char		**lesson_search_path(size_t *);
struct lesson	**lesson_find_all(size_t *, struct lesson_diags *);
void		 lesson_free_all(struct lesson **, size_t);
char		*lesson_resolve(const char *);
int		 lesson_check_main(int, char **);	/* lesson-check.c */
int		 lesson_list(FILE *, int);		/* lesson-check.c */
void		 lesson_dump(FILE *, const struct lesson *);	/* lesson-check.c */

#define LESSON_MAX_BYTES	(1024 * 1024)	/* a larger file is refused */
#define LESSON_MAX_LINE		4096		/* bytes in one line */

struct lesson_src {		/* text being parsed, and its line numbers */
	const char	*base;
	size_t		 len;
	size_t		*starts;	/* nlines + 1 line start offsets */
	size_t		 nlines;
	const unsigned	*map;		/* file line of each line, or NULL */
	unsigned	 first;		/* without map: file line of line 0 */
};
void		 lesson_src_init(struct lesson_src *, const char *, size_t,
		     const unsigned *, unsigned);
void		 lesson_src_free(struct lesson_src *);
size_t		 lesson_src_index(const struct lesson_src *, size_t);
unsigned	 lesson_src_lineno(const struct lesson_src *, size_t);
unsigned	 lesson_src_line(const struct lesson_src *, const char *);
char		*lesson_clean(const char *, size_t, int, int *);
struct lesson_page *lesson_page_add(struct lesson *, unsigned);
struct lesson_block *lesson_block_add(struct lesson *,
		     enum lesson_block_type, unsigned);
void		 lesson_block_free(struct lesson_block *);
void		 lesson_text_free(struct lesson_text *, size_t);

/* lesson-md.c */
void		 lesson_md_walk(const struct lesson_src *, size_t,
		     struct lesson *, struct lesson_diags *, int);

/* lesson-fence.c */
int		 lesson_fence_kind(const char *);
void		 lesson_fence(struct lesson *, struct lesson_diags *,
		     const char *, char **, const unsigned *, size_t,
		     unsigned);

/* progress.c */
struct progress;
struct progress	*progress_load(char **);
void	 progress_page_seen(struct progress *, const char *, unsigned,
	     unsigned);
void	 progress_answer(struct progress *, const char *, unsigned, int);
int	 progress_percent(const struct progress *, const char *, unsigned);
int	 progress_save(struct progress *, char **);
void	 progress_free(struct progress *);
char	*progress_path(char **);
int	 progress_reset(void);

/* theme.c */
enum theme_role {		/* what a piece of the screen means */
	ROLE_NORMAL = 0,
	ROLE_TITLE,		/* the top bar */
	ROLE_STATUS,		/* the bottom bar */
	ROLE_HEADING,
	ROLE_EMPH,
	ROLE_STRONG,
	ROLE_CODE,		/* inline code and code blocks */
	ROLE_LINK,
	ROLE_BOX,		/* frames, rules, the run block */
	ROLE_SELECTED,		/* the menu's cursor */
	ROLE_DIM,		/* summaries, hints */
	ROLE_MESSAGE,
	ROLE_ERROR,
	ROLE_RIGHT,		/* a right answer */
	ROLE_WRONG,
	ROLE_NOTES,		/* speaker notes */
	ROLE_AXIS,		/* the time axis, lane names */
	ROLE_VALUE,		/* GIL holder and queue depth digits */
	ROLE_STATE,		/* + enum state: a timeline state */
	ROLE_COUNT = ROLE_STATE + STATE_COUNT
};

#define THEME_BOLD	0x1
#define THEME_UNDERLINE	0x2
#define THEME_REVERSE	0x4
#define THEME_DIM	0x8
#define THEME_NOCOLOR	(-2)	/* fg/bg not set: the terminal's default */

struct theme_style {
	int16_t		 fg, bg;	/* 0-255, -1 default, THEME_NOCOLOR */
	unsigned	 flags;
};

struct theme {
	char			name[64];
	struct theme_style	role[ROLE_COUNT];
};

const char	*theme_role_name(int);
void		 theme_default(struct theme *);
int		 theme_parse(struct theme *, const char *, const char *,
		     char **);
char		*theme_find(const char *);
int		 theme_load(struct theme *, const char *, char **);

/* tui.c */
int	 tui_main(const char *, const char *, int);
enum tui_screen { TUI_MENU, TUI_LESSON };

struct tui_run {		/* one run of the demo pane, live or done */
	struct run	*run;
	pthread_t	 thread;
	int		 joined;
	struct timeline	*tl;		/* NULL until the trace appears */
	uint64_t	 t_total;	/* trace ns: now while live, then the end */
	int		 measuring;	/* workers done, the demo still busy */
	char		*label;		/* the knobs it ran with */
};

struct tui_demo {		/* the demo pane of the current page */
	const struct lesson_block *block;	/* NULL: the page has none */
	struct params	 params;	/* the knobs as turned */
	struct tui_run	*cur, *prev;	/* prev: the last run, for comparison */
	int		 paused;
	int		 replaying;
	unsigned	 speed;		/* replay slowdown: 1, 4 or 16 */
	uint64_t	 playhead;	/* the trace time drawn up to */
	uint64_t	 tick_ns;	/* clock at the last tick */
	uint64_t	 zoom_t0;
	uint64_t	 zoom_span;	/* 0: fit the runs */
	unsigned	 ncores;
};

struct tui_answer {		/* what the student answered to an ask */
	const struct lesson_block *block;
	int		 choice;	/* 0-based, -1 for a prediction */
	double		 value;		/* a prediction */
	int		 checked;	/* prediction compared with a run */
	int		 correct;
};

struct tui_keydef {		/* one line of help */
	const char	*keys;
	const char	*what;
};

struct progress;

struct tui {
	enum tui_screen	 screen;
	int		 help, dirty, quit;
	int		 utf8, color, present;
	int		 cols, lines;
	struct theme	 theme;

	struct lesson	**lessons;	/* the menu */
	size_t		 nlessons, menu_sel, menu_top;
	struct lesson_diags diags;	/* refused lesson files */

	struct lesson	*lesson;	/* open lesson, NULL on the menu */
	size_t		 page;
	unsigned	 reveal;	/* pause markers passed on this page */
	int		 scroll, content_h, text_h;
	struct tui_answer *answers;
	size_t		 nanswers;
	char		 input[24];	/* a prediction being typed */
	struct tui_demo	 demo;

	struct progress	*progress;
	char		*message;
	int		 message_error;
	int		 autoplay;	/* presenter: pages advance on a timer */
	uint64_t	 page_since;	/* clock when the page was opened */
	uint64_t	 frames;
	double		 anim_fps;	/* measured while animating */
};

#define TUI_MIN_COLS	40
#define TUI_MIN_LINES	12
#define TUI_FRAME_NS	(NS_PER_SEC / 32)	/* a margin over 30 fps */

void		 tui_done(void);
void		 tui_message(struct tui *, int, const char *, ...)
		     PARLAB_PRINTF(3, 4);
unsigned	 tui_attr(const struct tui *, int);
const char	*tui_glyph(const struct tui *, enum state);
const char	*tui_sym(const struct tui *, const char *, const char *);
int		 tui_put(const struct tui *, int, int, int, const char *,
		     int);
int		 tui_putn(const struct tui *, int, int, int, const char *,
		     size_t, int);
int		 tui_width(const struct tui *, const char *, size_t);
void		 tui_fill(const struct tui *, int, int, int, const char *,
		     int);

/* tui-keys.c */
extern const struct tui_keydef tui_keys_menu[];
extern const struct tui_keydef tui_keys_lesson[];
extern const struct tui_keydef tui_keys_demo[];
extern const struct tui_keydef tui_keys_present[];
void	 tui_keys_handle(struct tui *, int);
void	 tui_open_lesson(struct tui *, struct lesson *);
void	 tui_goto_page(struct tui *, size_t);
void	 tui_close_lesson(struct tui *);
int	 tui_page_has_more(const struct tui *);

/* tui-demo.c */
void	 tui_demo_open(struct tui *, const struct lesson_block *);
void	 tui_demo_close(struct tui *);
int	 tui_demo_start(struct tui *);
void	 tui_demo_stop(struct tui *);
int	 tui_demo_tick(struct tui *);
int	 tui_demo_live(const struct tui *);
int	 tui_demo_knob(struct tui *, int);
void	 tui_demo_replay(struct tui *);
void	 tui_demo_zoom(struct tui *, int);
void	 tui_demo_pan(struct tui *, int);
void	 tui_demo_export(struct tui *);
void	 tui_demo_window(const struct tui *, uint64_t *, uint64_t *);

/* view-menu.c */
void	 view_menu_draw(struct tui *);

/* view-lesson.c */
void	 view_lesson_draw(struct tui *);

/* view-timeline.c */
int	 view_timeline_height(const struct tui *, int, int);
void	 view_timeline_draw(struct tui *, int, int, int, int);
int	 view_timeline_legend(const struct tui *, int, int, int, int);
void	 view_timeline_axis_label(char *, size_t, uint64_t, uint64_t);
void	 view_timeline_metric(char *, size_t, const struct metric *);

/* view-help.c */
void	 view_help_draw(struct tui *);

#endif /* PARLAB_H */
