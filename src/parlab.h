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
#define TRACE_MAX_CORES		64	/* cores a lane's bitmask tells apart */
#define TRACE_BUDGET_EVENTS	(9u * 512 * 1024)	/* 4.5 M */

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
void	 log_child(void);
void	 fatal(const char *, ...) PARLAB_PRINTF(1, 2) PARLAB_NORETURN;
void	 warnx_(const char *, ...) PARLAB_PRINTF(1, 2);
void	 vwarnx_(const char *, va_list);

/* clock.c */
enum clock_kind {
	CLOCK_KIND_TSC = 1,		/* the TSC, calibrated */
	CLOCK_KIND_MONOTONIC = 2	/* clock_gettime(CLOCK_MONOTONIC) */
};
struct clock_cal {			/* how a process converts the TSC */
	uint64_t	tsc0;		/* a TSC reading ... */
	uint64_t	ns0;		/* ... and CLOCK_MONOTONIC then */
	uint64_t	mult;		/* nanoseconds a tick, times 2^32 */
	int32_t		kind;		/* enum clock_kind */
	int32_t		pad;
};
uint64_t clock_ns(void);
void	 clock_save(struct clock_cal *);
void	 clock_adopt(const struct clock_cal *);
int	 clock_kind(void);
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
	STATE_WAIT_LOCK,	/* a mutex */
	STATE_IO,		/* blocked sleeping or reading; GIL released */
	STATE_READY,		/* runnable, waiting for its scheduler */
	STATE_QUEUE_WAIT,	/* blocked on a full or empty queue */
	STATE_DONE,
	STATE_WAIT_GIL,		/* the GIL: looks unlike a lock wait */
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
#define TRACE_NAME_LEN	32	/* a lane's name, with its NUL */

struct trace_lane {
	char		 name[TRACE_NAME_LEN];
	uint32_t	 type;		/* enum lane_type */
	_Atomic int32_t	 pid;		/* the process writing it, for LANE_PROCESS;
					   set by that child as it starts */
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
void		 trace_enter(struct trace *, unsigned, enum state);
void		 trace_state_at(struct trace *, unsigned, enum state, uint64_t);
void		 trace_account(struct trace *, unsigned, enum state, uint64_t);
void		 trace_point(struct trace *, unsigned, enum ev_kind, int64_t);
void		 trace_lane_cpu(struct trace *, unsigned, uint64_t);
void		 trace_lane_pid(struct trace *, unsigned, pid_t);
void		 trace_shown(struct trace *);
unsigned	 trace_lanes(const struct trace *);
uint64_t	 trace_capacity(const struct trace *);
const struct trace_lane *trace_lane(const struct trace *, unsigned);
const char	*trace_lane_name(const struct trace *, unsigned, char *,
		    size_t);
struct trace_lane *trace_lane_writer(struct trace *, unsigned);
uint64_t	 trace_count(const struct trace *, unsigned);
const struct trace_event *trace_event(const struct trace *, unsigned, uint64_t);
uint64_t	 trace_total_events(const struct trace *);
uint64_t	 trace_total_dropped(const struct trace *);
size_t		 trace_mapping_bytes(const struct trace *);
int		 trace_load_event(struct trace *, unsigned,
		     const struct trace_event *);

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

struct tl_block {		/* TL_BLOCK closed spans, summed */
	uint64_t	t0, t1;		/* first start, last end */
	uint64_t	ns[STATE_COUNT];	/* time in each state */
};

struct tl_fold_cache;
struct tl_core_cache;

struct tl_lane {
	struct tl_span	*spans;
	size_t		 nspans, spans_cap;
	struct tl_block	*blocks;	/* spans [k * TL_BLOCK, (k + 1) *
					   TL_BLOCK) summed in blocks[k] */
	size_t		 nblocks, blocks_cap;
	int		 labelled;	/* has seen an EV_LABEL */
	struct tl_fold_cache *fold;	/* timeline-fold.c's, or NULL */
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
	struct tl_core_cache *cores;	/* timeline-fold.c's */
};

struct timeline	*timeline_create(struct trace *);
void		 timeline_destroy(struct timeline *);
int		 timeline_update(struct timeline *);
void		 timeline_finish(struct timeline *, uint64_t);
#define TL_NOVALUE	INT64_MIN
#define TL_BLOCK	256	/* spans summed together for fast folding */
uint64_t	 timeline_span_end(const struct timeline *,
		     const struct tl_span *);
size_t		 timeline_first_span(const struct timeline *,
		     const struct tl_lane *, uint64_t);
enum tl_future { TL_FUTURE_PENDING, TL_FUTURE_RUNNING, TL_FUTURE_DONE,
    TL_FUTURE_FAILED };
size_t		 timeline_futures(const struct timeline *, unsigned, uint64_t,
		     uint8_t *, size_t);
uint64_t	 timeline_state_ns(const struct timeline *, unsigned,
		     enum state);
int		 timeline_lane_is_worker(const struct timeline *, unsigned);
int		 timeline_workers_done(const struct timeline *);
int		 timeline_at(const struct timeline *, unsigned, uint64_t,
		     uint8_t *, uint64_t *, uint64_t *);

/* timeline-fold.c */
void		 timeline_fold(const struct timeline *, unsigned, uint64_t,
		     uint64_t, unsigned, uint8_t *);
void		 timeline_fold_counter(const struct timeline *, unsigned,
		     uint64_t, uint64_t, unsigned, int64_t *);
void		 timeline_fold_cores(const struct timeline *, unsigned,
		     uint64_t, uint64_t, unsigned, int32_t *);
void		 timeline_fold_util(const struct timeline *, unsigned,
		     uint64_t, uint64_t, unsigned, int32_t *, uint16_t *);
void		 timeline_fold_labels(const struct timeline *, unsigned,
		     uint64_t, uint64_t, unsigned, int64_t *);
void		 timeline_fold_prepare(struct timeline *);
void		 timeline_fold_forget(struct timeline *);

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
const struct param_value *params_need(const struct params *, const char *);
char	*params_step(const struct param_value *, int, char **);
int	 params_is_common(const struct param_spec *);
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
    METRIC_TEXT, METRIC_JSON };

struct metric {
	char		*key;
	enum metric_type type;
	int64_t		 i;
	double		 f;
	int64_t		*ints;
	size_t		 nints;
	char		*text;		/* TEXT; JSON: a JSON value, as text */
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
	struct run_workers *team;	/* its team, for the start gate */
};

/* A team of worker threads behind one start gate (run_workers_*). */
struct run_workers {
	struct run	*run;
	struct worker	*w;		/* n of them, lanes 0..n-1 */
	pthread_t	*tids;
	unsigned char	*started;	/* whether tids[i] is to be joined */
	unsigned	 n;
	atomic_uint	 arrived;	/* workers at the gate */
	atomic_int	 go;		/* the gate is open */
	/* Wakes workers blocked in the demo's own waits when a start fails
	 * (NULL: they only wait at the gate, or poll run_stopping()). */
	void		(*wake)(void *);
	void		*wake_arg;
};

/* What a sequential baseline took. */
struct run_baseline {
	uint64_t	 ns;		/* wall time, at least 1 */
	uint64_t	 cpu_ns;	/* this thread's CPU time */
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
	struct compare		*cpython;	/* --compare python, or NULL */
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
void		 run_metric_json(struct run *, const char *, const char *);
const struct metric *run_metric(const struct run *, const char *);
void		 run_note(struct run *, const char *, ...) PARLAB_PRINTF(2, 3);
int		 run_stop_cause(const struct run *, char **);
void		 run_workers_init(struct run_workers *, struct run *,
		     struct trace *, unsigned, const char *, struct gil *,
		     void *);
void		 run_workers_free(struct run_workers *);
int		 run_workers_start(struct run_workers *, unsigned, unsigned,
		     void *(*)(void *), char **);
void		 run_workers_gate(struct worker *);
void		 run_workers_join(struct run_workers *);
int		 run_workers_finish(struct run_workers *, char **);
void		 run_workers_release(struct run_workers *);
void		 run_worker_done(struct worker *);
int		 run_baseline(struct run *, struct gil *,
		     int (*)(struct worker *, void *), void *,
		     struct run_baseline *, char **);
int		 run_cmp_double(const void *, const void *);
double		 run_percentile(double *, size_t, unsigned);
double		 run_median(double *, size_t);
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

/* demo-*.c: each class is declared in demo.c, beside the registry. */

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

/* How to start one worker process. */
struct proc_spec {
	enum proc_start	 how;
	struct trace	*trace;
	unsigned	 lane;		/* its lane; also its index in the set */
	unsigned	 of;		/* how many the set has, for messages */
	int		 tasks;		/* give it a task pipe */
	const char	*demo;		/* whose worker body it runs */
	int		 argc;
	char		**argv;
};

int	 proc_start(struct proc *, const struct proc_spec *, char **);
int	 proc_ready(struct proc *, unsigned, int);
void	 proc_close_tasks(struct proc *);
int	 proc_wait(struct proc *, char **);
unsigned proc_stop_all(void);
unsigned proc_live(void);
int	 proc_worker_main(int, char **);

/* demo-pool.c: the pool demo's executor, shared with its backends */
#define POOL_MSG_CHUNK		1	/* parent to worker: a chunk's args */
#define POOL_MSG_RESULTS	2	/* worker to parent: its results */

enum pool_fn { POOL_SQUARE, POOL_CUBE, POOL_CPU, POOL_SLEEP };
enum pool_fstate { FUT_PENDING, FUT_RUNNING, FUT_DONE, FUT_FAILED };
#define POOL_RAISED	INT64_MIN	/* the call raised instead of returning */

struct pool_future {
	enum pool_fstate state;
	int64_t		 arg;
	int64_t		 result;
	int		 worker;	/* who ran it, -1 before */
};

struct pool_chunk {
	size_t		first;		/* first item */
	size_t		n;
};

struct pool;

/* A backend: how submitted chunks reach workers and come back done. */
struct pool_backend {
	int	(*start)(struct pool *, char **);
	void	(*submit)(struct pool *, size_t);
	int	(*wait)(struct pool *, char **);
	void	(*shutdown)(struct pool *, int);
};

struct pool {				/* one executor and its map() */
	struct run			*run;
	struct trace			*tr;
	const struct pool_backend	*be;
	enum pool_fn			 fn;
	uint64_t			 work_ns;
	int64_t				 fail;	/* input that raises, 0 none */
	unsigned			 nworkers;
	size_t				 nitems, nchunks;
	struct pool_future		*futures;
	struct pool_chunk		*chunks;
	size_t				*queue;	/* submitted chunks, FIFO */
	size_t				 qhead, qtail;
	size_t				 ndone;
	unsigned			 counter_lane;
	int64_t				*per_worker;	/* chunks each ran */
	int64_t				*check;	/* the plain loop's results */
	uint64_t			 messages;

	/* thread */
	pthread_mutex_t			 mutex;
	pthread_cond_t			 work_cond;
	pthread_cond_t			 done_cond;
	int				 closing;
	struct gil			 gil;
	int				 use_gil;
	struct run_workers		 ws;
	int				 started;

	/* process */
	struct proc			*procs;
	size_t				*busy;	/* chunk per worker, or -1 */
};
int64_t	 pool_call(struct worker *, enum pool_fn, uint64_t, int64_t, int64_t);
void	 pool_future_done(struct pool *, size_t, int64_t, int);
void	 pool_chunk_submitted(struct pool *, size_t);
void	 pool_chunk_running(struct pool *, size_t, int);

/* demo-pool-proc.c */
extern const struct pool_backend pool_proc_backend;
int	 pool_proc_worker(struct proc_ctx *, int, char **, char **);
/* pyboot.c: CPython's start of a worker process, modelled */
int	 pyboot_heap_create(char **);
void	 pyboot_heap_free(void);
int	 pyboot_run(struct worker *, enum proc_start, uint64_t *);
void	 pyboot_forked(void);
int	 pyboot_tracker_start(char **);
void	 pyboot_tracker_join(void);

/* race-witness.c */
struct witness;
struct witness	*witness_create(unsigned, uint64_t);
void		 witness_destroy(struct witness *);
void		 witness_note(struct witness *, unsigned, uint64_t, uint64_t,
		     uint64_t);
void		 witness_report(struct witness *, struct run *, uint64_t);

/* step.c: the interleaving stepper's programs (see doc/step-format.md) */
#define STEP_MAX_THREADS	4	/* digit keys 0-3 pick one */
#define STEP_MAX_CODE		24	/* statements in one thread */
#define STEP_MAX_NAMES		8	/* shared variables, objects, locals */
enum step_op {
	STEP_SET,		/* dst = a */
	STEP_ADD,		/* dst = a + b */
	STEP_SUB,		/* dst = a - b */
	STEP_ACQUIRE,		/* obj.acquire(): a lock or a semaphore */
	STEP_RELEASE,		/* obj.release() */
	STEP_EVENT_SET,		/* obj.set() */
	STEP_EVENT_CLEAR,	/* obj.clear() */
	STEP_EVENT_WAIT		/* obj.wait() */
};
enum step_where { STEP_CONST, STEP_SHARED, STEP_LOCAL };
struct step_operand {
	enum step_where	 where;
	int		 index;		/* SHARED, LOCAL: which */
	int64_t		 value;		/* CONST */
};
struct step_insn {
	enum step_op		 op;
	struct step_operand	 dst, a, b;	/* dst: SHARED or LOCAL */
	int			 obj;		/* the lock, semaphore or event */
	char			*text;		/* the line as shown */
	unsigned		 line;		/* in the program file */
};
enum step_obj_kind { STEP_LOCK, STEP_SEMAPHORE, STEP_EVENT };
struct step_object {
	char			*name;
	enum step_obj_kind	 kind;
	int64_t			 init;		/* SEMAPHORE: its count */
};
struct step_code {		/* one thread's program */
	struct step_insn	 insn[STEP_MAX_CODE];
	unsigned		 n;
	char			*local[STEP_MAX_NAMES];
	unsigned		 nlocal;
};
enum step_goal_kind { STEP_GOAL_NONE, STEP_GOAL_DEADLOCK, STEP_GOAL_VALUE };
struct step_goal {
	enum step_goal_kind	 kind;
	int			 var;		/* VALUE: the shared variable */
	int			 ne;		/* VALUE: != instead of == */
	int64_t			 value;
	char			*text;		/* as written, NULL for none */
};
struct step_program {
	char			*name;		/* "racy-counter" */
	char			*title;
	char			*shared[STEP_MAX_NAMES];
	int64_t			 shared_init[STEP_MAX_NAMES];
	unsigned		 nshared;
	struct step_object	 obj[STEP_MAX_NAMES];
	unsigned		 nobj;
	struct step_code	 thread[STEP_MAX_THREADS];
	unsigned		 nthreads;
	struct step_goal	 goal;
};
struct step_program *step_parse(const char *, const char *, const char *,
	     size_t, char **);
void	 step_program_free(struct step_program *);
int	 step_goal_parse(const struct step_program *, const char *,
	     struct step_goal *, char **);

/* step-load.c */
struct lesson;
struct lesson_block;
struct lesson_diags;
char	*step_find(const char *);
struct step_program *step_load(const char *, char **);
char	**step_builtins(size_t *);
int	 step_block_parse(const struct lesson_block *, struct step_program **,
	     struct step_goal *, char **);
void	 step_fence(struct lesson *, struct lesson_diags *, char **,
	     const unsigned *, size_t, unsigned);
/* step-exec.c: running a step program one statement at a time */
enum step_tstate { STEP_READY, STEP_BLOCKED, STEP_DONE };
struct step_state {
	const struct step_program *p;
	int64_t		 shared[STEP_MAX_NAMES];
	int64_t		 local[STEP_MAX_THREADS][STEP_MAX_NAMES];
	uint8_t		 local_set[STEP_MAX_THREADS][STEP_MAX_NAMES];
	unsigned	 pc[STEP_MAX_THREADS];
	int		 holder[STEP_MAX_NAMES];	/* a lock's thread, -1 */
	int64_t		 count[STEP_MAX_NAMES];	/* semaphore count, event flag */
	uint8_t		 sched[STEP_MAX_THREADS * STEP_MAX_CODE];
	unsigned	 nsched;	/* statements taken so far */
};
struct step_link {		/* one edge of a deadlock's wait-for cycle */
	int		 thread;
	int		 waits_obj;	/* the lock it waits for */
	int		 holder;	/* the thread holding that lock */
};
void	 step_reset(struct step_state *, const struct step_program *);
enum step_tstate step_status(const struct step_state *, unsigned, char **);
int	 step_take(struct step_state *, unsigned, char **);
int	 step_undo(struct step_state *);
int	 step_deadlocked(const struct step_state *);
unsigned step_cycle(const struct step_state *, struct step_link *);
int	 step_goal_met(const struct step_state *, const struct step_goal *);
char	*step_goal_message(const struct step_goal *);
/* step-main.c */
int	 step_main(int, char **);
void	 step_print_json(FILE *, const struct step_state *,
	     const struct step_goal *);
void	 step_print_text(FILE *, const struct step_state *,
	     const struct step_goal *);
/* proc-msg.c: framed messages between parlab and its workers */
struct proc_hdr {		/* a message's frame, before its body */
	uint32_t	type;
	uint32_t	len;
};
int	 proc_send(int, uint32_t, const void *, size_t);
int	 proc_recv(int, uint32_t *, void **, size_t *, char **);

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
	char			*fallback;	/* RUN: a saved run to offer */
	char			**show;		/* RUN: figures shown first */
	size_t			 nshow;
	struct lesson_choice	*choices;	/* ASK */
	size_t			 nchoices;
	struct lesson_text	*explain;	/* ASK: shown after answering */
	size_t			 nexplain;
	char			*predict;	/* ASK: metric to predict, or NULL */
	double			 tolerance;	/* ASK: relative, 0.2 = 20 % */
	double			 tol_abs;	/* ASK: absolute, "±0.5" */
	char			*expect;	/* ASK: "FIGURE OP VALUE", or NULL */
	unsigned		 expect_line;
	int			 needs_cores;	/* RUN: needs: cores>=N, else 0 */
	int			 run_ref;	/* ASK: the page's run block (from 1)
						   judging it; 0: the one above */
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
	char			*replaces;	/* file of a lesson it shadows */
	int			 needs_cores;	/* needs: cores>=N, else 0 */
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
int		 lesson_number(const char *, double *, const char **);
void		 lesson_diags_strict(struct lesson_diags *);
char		*lesson_suggest(const char *, const char *, char);
char		**lesson_search_path(size_t *);
struct lesson	**lesson_find_all(size_t *, struct lesson_diags *);
void		 lesson_free_all(struct lesson **, size_t);
char		*lesson_resolve(const char *);
int		 lesson_check_main(int, char **);	/* lesson-check.c */
int		 lesson_list(FILE *, int);		/* lesson-check.c */
void		 lesson_dump(FILE *, const struct lesson *);	/* lesson-check.c */

#define LESSON_MAX_BYTES	(1024 * 1024)	/* a larger file is refused */
#define LESSON_MAX_LINE		4096		/* bytes in one line */
#define LESSON_MAX_CHOICES	9		/* keys 1 to 9 answer an ask */

struct lesson_src {		/* text being parsed, and its line numbers */
	const char	*base;
	size_t		 len;
	size_t		*starts;	/* nlines + 1 line start offsets */
	size_t		 nlines;
	const unsigned	*map;		/* file line of each line, or NULL */
	unsigned	 first;		/* without map: file line of line 0 */
};
void		 lesson_src_init(struct lesson_src *, const char *, size_t,
		     const unsigned *, unsigned);	/* lesson-src.c */
int		 lesson_src_check(char *, size_t, struct lesson_diags *);
struct lesson_buf {		/* a growing string */
	char	*s;
	size_t	 len, cap;
};
void		 lesson_buf_add(struct lesson_buf *, const char *, size_t);
char		*lesson_buf_take(struct lesson_buf *);
size_t		 lesson_src_entity(const char *, size_t, char *);
int		 lesson_src_fence(const struct lesson_src *, size_t, char);
unsigned	 lesson_src_inner_fence(const struct lesson_src *, size_t, char,
		     char **, const unsigned *, size_t);
unsigned	 lesson_src_setext(const struct lesson_src *, size_t);
size_t		 lesson_src_nonblank(const struct lesson_src *, size_t);
void		 lesson_table_block(struct lesson *, char ***, size_t *, size_t,
		     unsigned);	/* lesson-table.c */
void		 lesson_table_free(char ***, size_t *, size_t);
int		 lesson_front_matter(struct lesson *, struct lesson_src *,
		     struct lesson_diags *, size_t *);	/* lesson-front.c */
char		*lesson_src_read(const char *, size_t *, struct lesson_diags *);
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

/* lesson-watch.c */
struct lesson_watch;
struct tui;
struct lesson_watch *lesson_watch_create(const char *);
void		 lesson_watch_destroy(struct lesson_watch *);
int		 lesson_watch_fd(const struct lesson_watch *);
int		 lesson_watch_changed(struct lesson_watch *);
int		 lesson_watch_check(int, char **, int,
		     int (*)(int, char **, int));
int		 lesson_watch_tick(struct tui *, int);
/* compare.c */
struct compare {		/* a CPython twin's figures beside a run */
	char		*version;	/* "3.11.7" */
	struct metric	*v;		/* wall_ms and the run's own keys */
	size_t		 n;
};
int		 compare_python(struct run *, char **);
const struct metric *compare_metric(const struct compare *, const char *);
void		 compare_free(struct compare *);

/* cores.c */
unsigned	 cores_available(const char **);
void		 cores_report(struct run *);

/* lesson-run.c */
#define LESSON_RUN_SCALE	0.2	/* check --run: runs at a fifth */
int		 lesson_run_check(const struct lesson *, struct lesson_diags *,
		     double);

/* lesson-check.c: check --run */
enum expect_op { EXPECT_LT, EXPECT_LE, EXPECT_GT, EXPECT_GE, EXPECT_EQ,
	EXPECT_NE };
struct expect {			/* "wall_per_longest < 1.3", "took == sum" */
	char		 figure[64];
	enum expect_op	 op;
	double		 value;
	char		 word[64];	/* a word instead of a number, or "" */
};
int		 lesson_expect_parse(const char *, struct expect *, char **);
int		 lesson_needs_parse(const char *, int *, char **);

/* lesson-md.c */
void		 lesson_md_walk(const struct lesson_src *, size_t,
		     struct lesson *, struct lesson_diags *, int);

/* lesson-param.c */
char		*lesson_param_near(struct lesson_block *, const char *);
int		 lesson_param_set(struct lesson_block *, struct lesson_diags *,
		     unsigned, const char *);
size_t		 lesson_param_join(char **, size_t, size_t, char **,
		     struct lesson_diags *, unsigned, const char *);
void		 lesson_param_long(struct lesson_block *, struct lesson_diags *,
		     unsigned);

/* lesson-fence.c */
int		 lesson_fence_kind(const char *);
const char	*lesson_fence_skip(const char *);
void		 lesson_fence_near(struct lesson_diags *, const char *, char,
		     unsigned);
void		 lesson_fence_comment(struct lesson *, struct lesson_diags *,
		     const char *, unsigned);
void		 lesson_fence(struct lesson *, struct lesson_diags *,
		     const char *, char **, const unsigned *, size_t,
		     unsigned);

/* lesson-ask.c */
void		 lesson_ask(struct lesson *, struct lesson_diags *, char **,
		     const unsigned *, size_t, unsigned);

/* progress.c: the model; its internals are shared by progress*.c only. */
#define PROGRESS_SEEN	1	/* bits of a page */
#define PROGRESS_RIGHT	2
#define PROGRESS_WRONG	4
#define PROGRESS_MAX_PAGES	10000

struct progress_ans {
	unsigned	 page, block;
	int		 choice;	/* -1: a prediction */
	double		 value;
};

struct progress_lesson {
	char			*id;
	unsigned char		*pages;		/* PROGRESS_* bits per page */
	size_t			 npages;
	long			 last_page;	/* -1: none */
	struct progress_ans	*ans;
	size_t			 nans;
};

enum progress_op_type {
	PROGRESS_OP_MARK, PROGRESS_OP_LAST_PAGE, PROGRESS_OP_ANSWER
};

struct progress_op {		/* one change not yet on disk */
	enum progress_op_type	 type;
	char			*id;
	unsigned		 page, set, clear;
	struct progress_ans	 ans;
};

struct progress {
	struct progress_lesson	*v;
	size_t			 n;
	char			*last;		/* lesson opened last */
	struct progress_op	*ops;		/* the journal */
	size_t			 nops;
	int			 memory_only;	/* leave the file alone */
	int			 dirty;		/* changed since the last save */
};

struct progress_lesson *progress_find(const struct progress *, const char *,
	    int);
void	 progress_apply(struct progress *, const struct progress_op *);
struct progress	*progress_load(char **);
void	 progress_page_seen(struct progress *, const char *, unsigned,
	     unsigned);
void	 progress_answer(struct progress *, const char *, unsigned, int);
int	 progress_percent(const struct progress *, const char *, unsigned);
int	 progress_save(struct progress *, char **);
void	 progress_free(struct progress *);
int	 progress_reset(void);
void	 progress_choice(struct progress *, const char *, unsigned, unsigned,
	    int, double);
int	 progress_choice_get(const struct progress *, const char *, unsigned,
	    unsigned, int *, double *);
long	 progress_last_page(const struct progress *, const char *);
const char *progress_last_lesson(const struct progress *);
int	 progress_dirty(const struct progress *);
size_t	 progress_count(const struct progress *);
const char *progress_id(const struct progress *, size_t);
unsigned progress_page_bits(const struct progress *, const char *, unsigned,
	    unsigned *);
int	 progress_answer_at(const struct progress *, const char *, size_t,
	    unsigned *, unsigned *, int *, double *);
int	 progress_main(int, char **);		/* progress-show.c */

/* progress-format.c */
int	 progress_id_ok(const char *);
int	 progress_parse(struct progress *, char *, char **);
char	*progress_format(const struct progress *);

/* progress-file.c */
char	*progress_path(char **);
char	*progress_file_target(char **);
int	 progress_file_lock(const char *, char **);
void	 progress_file_unlock(int);
int	 progress_file_read(const char *, size_t, char **, int *, char **);
int	 progress_file_write(const char *, const char *, char **);
char	*progress_file_aside(const char *, char **);

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

/* figure.c */
const char	*figure_label(const char *);
int		 figure_has_label(const char *);

/* tui.c */
int	 tui_main(const char *, const char *, int, long);
struct step_view;
int	 tui_step_main(struct step_view *);
enum tui_screen { TUI_MENU, TUI_LESSON };

struct tui_run {		/* one run of the demo pane, live or done */
	struct run	*run;
	pthread_t	 thread;
	int		 joined;
	struct timeline	*tl;		/* NULL until the trace appears */
	uint64_t	 t_total;	/* trace ns: now while live, then the end */
	int		 measuring;	/* workers done, the demo still busy */
	char		*label;		/* the knobs it ran with */
	unsigned	 seq;		/* its number on the run block, from 1;
					   0: a recorded or given run */
	pthread_t	 twin_thread;	/* P: the CPython twin (tui-twin.c) */
	atomic_int	 twin_state;	/* TUI_TWIN_* */
	char		*twin_cause;	/* why the twin gave no figures */
};

#define TUI_KEEP	4	/* runs kept per run block, for comparison */

struct tui_demo {		/* the demo pane of the current page */
	const struct lesson_block *block;	/* NULL: the page has none */
	struct params	 params;	/* the knobs as turned */
	struct tui_run	*cur, *prev;	/* prev: the run compared with, one of
					   hist (not owned) or NULL */
	struct tui_run	*hist[TUI_KEEP - 1];	/* earlier runs, newest
					   first; owned */
	int		 paused;
	int		 replaying;
	unsigned	 speed;		/* replay slowdown: 1, 4 or 16 */
	uint64_t	 playhead;	/* the trace time drawn up to */
	uint64_t	 tick_ns;	/* clock at the last tick */
	uint64_t	 zoom_t0;
	uint64_t	 zoom_span;	/* 0: fit the runs */
	unsigned	 ncores;
	int		 knob_focus;	/* the knob row takes the keys */
	unsigned	 knob_sel;	/* in tui_knobs_order() */
	char		 knob_input[64];	/* a value being typed */
	int		 figures;	/* f panel: 0 closed, else 1 + scroll */
	int		 cursor_on;	/* t: the time cursor takes the keys */
	uint64_t	 cursor;	/* its trace time */
	uint64_t	 marks[2];	/* m: two marks, the time between */
	unsigned	 nmarks;	/* marks set so far (the next is
					   nmarks % 2) */
	unsigned	 lane_top;	/* first lane shown (cursor Up/Down) */
	int		 figures_scrolls;	/* set by its draw */
	const struct lesson_block *needs_told;	/* its needs: notice shown */
	unsigned	 nruns;		/* runs started, numbering them */
	int		 cmp;		/* c: 0 closed, 1 choosing, 2 the pair */
	unsigned	 cmp_sel;	/* the chooser's row */
	struct tui_run	*cmp_a, *cmp_b;	/* the pair marked (not owned) */
	int		 cmp_next_b;	/* the next number marks B */
	int		 cmp_scroll;	/* first row of the changed figures */
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
	int		 help_scrolls;	/* the help overlay has more rows than
					   fit (set by its draw) */
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
	struct tui_demo	*shelf;		/* every run block of the page; the
					   selected one's slot is empty while
					   it is t->demo */
	size_t		 nshelf, demo_sel;

	struct progress	*progress;
	char		*message;
	int		 message_error;
	int		 autoplay;	/* presenter: pages advance on a timer */
	struct present	*presenter;	/* --present: the notes socket */
	uint64_t	 page_since;	/* clock when the page was opened */
	uint64_t	 frames;
	double		 anim_fps;	/* measured while animating */
	struct lesson_watch *watch;	/* the open lesson's file */
	char		*watch_error;	/* its first error since a save */
	struct step_view *step;		/* the stepper, open over the screen */
	uint64_t	 frame_max_ns;	/* the longest frame while animating,
					   fold and draw */
};

#define TUI_MIN_COLS	40
#define TUI_MIN_LINES	12
#define TUI_FRAME_NS	(NS_PER_SEC / 32)	/* a margin over 30 fps */

void		 tui_give(struct lesson *, struct tui_run *);
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
extern const struct tui_keydef tui_keys_back[];
extern const struct tui_keydef tui_keys_quit[];
extern const struct tui_keydef tui_keys_present[];
void	 tui_keys_handle(struct tui *, int);
void	 tui_open_lesson(struct tui *, struct lesson *);
void	 tui_goto_page(struct tui *, size_t);
void	 tui_close_lesson(struct tui *);
int	 tui_page_has_more(const struct tui *);

/* tui-demo.c */
void	 tui_demo_open(struct tui *, const struct lesson_block *);
void	 tui_demo_close(struct tui *);
void	 tui_demo_open_page(struct tui *);
void	 tui_demo_close_page(struct tui *);
void	 tui_demo_select(struct tui *, int);
char	*tui_demo_diff(const struct tui_run *, const struct tui_run *);
void	 tui_demo_keep(struct tui *, struct tui_run *);
const struct lesson_block *tui_demo_judge(const struct tui *,
	     const struct lesson_block *);
int	 tui_demo_start(struct tui *);
void	 tui_demo_stop(struct tui *);
int	 tui_demo_tick(struct tui *);
int	 tui_demo_live(const struct tui *);
void	 tui_demo_replay(struct tui *);
void	 tui_demo_zoom(struct tui *, int);
void	 tui_demo_pan(struct tui *, int);
void	 tui_demo_export(struct tui *);
void	 tui_demo_window(const struct tui *, uint64_t *, uint64_t *);

/* present.c */
struct present;
char		*present_socket_path(int, char **);
int		 present_connect(const char *);
struct present	*present_create(char **);
void		 present_destroy(struct present *);
int		 present_fd(const struct present *);
int		 present_blanked(const struct present *);
void		 present_tick(struct present *, const struct tui *);
int		 present_key(struct tui *, int);

/* runfile.c */
#define RUNFILE_MAGIC	"parlabR\n"
#define RUNFILE_VERSION	1
#define RUNFILE_END	0x0a646e65	/* "end\n", little-endian */
#define RUNFILE_FNV_INIT 0xcbf29ce484222325ULL
#define RUNFILE_FNV_PRIME 0x100000001b3ULL
struct runfile_info {		/* where and when a saved run was recorded */
	char		*version;	/* parlab's */
	char		*host;
	unsigned	 cores;
	int64_t		 date;		/* seconds since 1970 */
};
uint64_t	 runfile_sum(uint64_t, const void *, size_t);
struct run	*runfile_read(const char *, struct runfile_info *, char **);
struct run	*runfile_read_file(FILE *, const char *, struct runfile_info *,
		     char **);
void		 runfile_info_free(struct runfile_info *);

/* runfile-write.c */
int		 runfile_write(const char *, const struct run *, char **);

/* show.c */
char		*show_label(const struct runfile_info *);
struct tui_run	*show_tui_run(struct run *, const struct runfile_info *);
int		 show_main(int, char **);
int		 show_fallback(struct tui *);
int		 show_needs_notice(struct tui *);

/* notes.c */
int		 notes_main(int, char **);
/* tui-cursor.c */
int	 tui_cursor_key(struct tui *, int);
void	 tui_cursor_witness(struct tui *, const struct run *);

/* tui-term.c */
int		 tui_term_init(struct tui *, char **);
void		 tui_term_done(void);
int		 tui_term_signalled(void);
int		 tui_term_wake_fd(void);
void		 tui_term_drain(void);
void		 tui_term_close(void);

/* tui-row.c */
void	 tui_row_begin(int);
void	 tui_row_set(const struct tui *, int, const char *, int);
void	 tui_row_draw(int, int);

/* tui-knobs.c */
unsigned tui_knobs_order(const struct tui_demo *, unsigned *);
int	 tui_knobs_key(struct tui *, int);

/* view-menu.c */
void	 view_menu_draw(struct tui *);

/* view-lesson.c */
void	 view_lesson_draw(struct tui *);

/* view-timeline.c */
int	 view_timeline_height(const struct tui *, int, int);
void	 view_timeline_draw(struct tui *, int, int, int, int);
int	 view_timeline_legend(const struct tui *, int, int, int, int);
void	 view_timeline_axis_label(char *, size_t, uint64_t, uint64_t);
void	 view_timeline_lanes(const struct tui *, const struct tui_run *, int,
	     int, int, int, uint64_t, uint64_t, uint64_t, int);
void	 view_timeline_axis(const struct tui *, int, int, int, uint64_t,
	     uint64_t, uint64_t);

/* view-cursor.c */
#define VC_INFO_W	40	/* the cursor's column of lane states */
int	 view_cursor_col(const struct tui *, uint64_t, uint64_t, int);
void	 view_cursor_lane(const struct tui *, const struct timeline *,
	     unsigned, int, int, int);
void	 view_cursor_line(const struct tui *, int, int, int);

/* tui-compare.c */
size_t	 tui_compare_runs(const struct tui_demo *, struct tui_run **);
char	*tui_compare_label(const struct tui_demo *, const struct tui_run *);
int	 tui_compare_valid(struct tui *);
void	 tui_compare_open(struct tui *);
void	 tui_compare_key(struct tui *, int);

/* tui-twin.c */
enum { TUI_TWIN_NONE, TUI_TWIN_RUNNING, TUI_TWIN_ENDED, TUI_TWIN_READ };
void	 tui_twin_key(struct tui *);
int	 tui_twin_stop(struct tui *);
void	 tui_twin_stop_run(struct tui_run *);
int	 tui_twin_tick(struct tui *);
int	 tui_twin_busy(const struct tui *);
const struct compare *tui_twin_figures(const struct tui_run *);

/* view-compare.c */
void	 view_compare_draw(struct tui *);

/* view-figures.c */
void	 view_figures_metric(char *, size_t, const struct metric *);
char	**view_figures_diff(const struct tui_run *, const struct tui_run *,
	     int, size_t *);
void	 view_figures_line(const struct tui *, const struct tui_run *, int,
	     int, int, int);
int	 view_figures_ready(const struct tui *);
void	 view_figures_draw(struct tui *);

/* view-help.c */
void	 view_help_draw(struct tui *);
void	 view_help_frame(const struct tui *, int, int, int, int,
	     const char *, const char *);

/* view-step.c */
struct step_view {		/* the stepper screen */
	struct step_program	*p;
	struct step_goal	 goal;
	struct step_state	 st;
	int			 alone;		/* parlab step: q quits */
};
extern const struct tui_keydef view_step_keys[];
struct step_view *step_view_create(struct step_program *,
		     const struct step_goal *, int);
void		 step_view_destroy(struct step_view *);
int		 view_step_open_page(struct tui *);
void		 view_step_key(struct tui *, int);
void		 view_step_draw(struct tui *);

#endif /* PARLAB_H */
