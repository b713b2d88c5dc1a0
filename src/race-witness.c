/*
 * race-witness.c -- a lost update caught in the act, in a real race run.
 *
 * With `race ... witness=1` every increment of the shared counter is
 * recorded by the thread that made it: the value it read, when it read it,
 * and when it wrote value+1.  Each thread appends to its own buffer, sized
 * before the run (iters records), so the hot path takes no lock and never
 * allocates; the buffers are read only after the threads are joined.
 *
 * A lost update is two increments by two lanes that read the same value v
 * and both wrote v+1, with both reads before both writes (read, read,
 * write, write in time order): two increments, one step up.  To find them,
 * all records are sorted by the value read, then by the read time; within
 * one value, a record and a later one of another lane whose read comes
 * before the first one's write overlap, which is the pattern.  Sorting is
 * O(n log n) over at most WITNESS_MAX_RECORDS records, after the run.
 *
 * Times are trace time (ns since the run started), so a witness lines up
 * with the timeline; the clock is read just after the load and just after
 * the store, so the order of two threads' steps is as exact as the clock.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define WITNESS_SHOWN	3	/* witnesses kept in the JSON */

/* One increment: read value at t_read, wrote value+1 at t_write. */
struct witness_rec {
	uint64_t	t_read;
	uint64_t	t_write;
	uint64_t	value;
	uint32_t	lane;
};

struct witness {
	struct witness_rec	**buf;		/* per thread */
	size_t			 *n;		/* per thread, its writer's */
	size_t			  cap;		/* records per thread */
	unsigned		  nthreads;
};

/* Buffers for nthreads threads of iters increments each. */
struct witness *
witness_create(unsigned nthreads, uint64_t iters)
{
	struct witness	*wt = xcalloc(1, sizeof *wt);
	unsigned	 i;

	wt->nthreads = nthreads;
	wt->cap = (size_t)iters;
	wt->buf = xcalloc(nthreads, sizeof *wt->buf);
	wt->n = xcalloc(nthreads, sizeof *wt->n);
	for (i = 0; i < nthreads; i++)
		wt->buf[i] = xcalloc(wt->cap ? wt->cap : 1,
		    sizeof **wt->buf);
	return wt;
}

/* Free the buffers. */
void
witness_destroy(struct witness *wt)
{
	unsigned	i;

	if (wt == NULL)
		return;
	for (i = 0; i < wt->nthreads; i++)
		free(wt->buf[i]);
	free(wt->buf);
	free(wt->n);
	free(wt);
}

/* Thread lane's increment: read value at t_read, wrote at t_write. */
void
witness_note(struct witness *wt, unsigned lane, uint64_t t_read,
    uint64_t t_write, uint64_t value)
{
	struct witness_rec	*r;

	if (wt->n[lane] == wt->cap)
		return;
	r = &wt->buf[lane][wt->n[lane]++];
	r->t_read = t_read;
	r->t_write = t_write;
	r->value = value;
	r->lane = lane;
}

/* qsort: by value read, then by read time. */
static int
witness_cmp(const void *a, const void *b)
{
	const struct witness_rec	*x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	if (x->t_read != y->t_read)
		return x->t_read < y->t_read ? -1 : 1;
	return 0;
}

/* Append one step {"lane","op","value","t_us"} to the JSON text *j. */
static void
witness_step(char **j, const char *sep, unsigned lane, const char *op,
    uint64_t value, uint64_t t)
{
	char	*s;

	xasprintf(&s, "%s%s{\"lane\":\"T%u\",\"op\":\"%s\",\"value\":%llu,"
	    "\"t_us\":%.3f}", *j, sep, lane, op, (unsigned long long)value,
	    (double)t / 1e3);
	free(*j);
	*j = s;
}

/* Append witness {"lost_value","steps"} of records a and b to *j. */
static void
witness_json(char **j, const char *sep, const struct witness_rec *a,
    const struct witness_rec *b)
{
	const struct witness_rec	*w1 = a->t_write <= b->t_write ? a : b;
	const struct witness_rec	*w2 = w1 == a ? b : a;
	char				*s;

	xasprintf(&s, "%s%s{\"lost_value\":%llu,\"steps\":[", *j, sep,
	    (unsigned long long)a->value + 1);
	free(*j);
	*j = s;
	witness_step(j, "", a->lane, "read", a->value, a->t_read);
	witness_step(j, ",", b->lane, "read", b->value, b->t_read);
	witness_step(j, ",", w1->lane, "write", w1->value + 1, w1->t_write);
	witness_step(j, ",", w2->lane, "write", w2->value + 1, w2->t_write);
	xasprintf(&s, "%s]}", *j);
	free(*j);
	*j = s;
}

/*
 * Find the lost updates among the records and report them: the JSON
 * `witness` list and one plain sentence.  Of all the pairs found, the
 * WITNESS_SHOWN tightest ones (shortest from first read to last write) are
 * shown: those are the interleavings of the lesson, where a thread lost
 * its time slice between read and write lasts milliseconds.
 */
void
witness_report(struct witness *wt, struct run *r, uint64_t lost)
{
	struct witness_rec	*all, *a, *b, *w1, *w2;
	size_t			 n = 0, i, k, m, found = 0, nbest = 0;
	size_t			 best[WITNESS_SHOWN][2];
	uint64_t		 span[WITNESS_SHOWN], sp;
	unsigned		 t;
	char			*j = xstrdup("["), *s;

	for (t = 0; t < wt->nthreads; t++)
		n += wt->n[t];
	all = xcalloc(n ? n : 1, sizeof *all);
	for (n = 0, t = 0; t < wt->nthreads; t++) {
		memcpy(all + n, wt->buf[t], wt->n[t] * sizeof *all);
		n += wt->n[t];
	}
	qsort(all, n, sizeof *all, witness_cmp);
	for (i = 0; i < n; i++) {
		a = &all[i];
		/* A later read of the same value, by another lane, before a's
		 * write: both then write value+1.  One pair per record. */
		for (k = i + 1; k < n && all[k].value == a->value &&
		    all[k].t_read < a->t_write; k++)
			if (all[k].lane != a->lane)
				break;
		if (k == n || all[k].value != a->value ||
		    all[k].t_read >= a->t_write)
			continue;
		b = &all[k];
		found++;
		sp = (a->t_write > b->t_write ? a->t_write : b->t_write) -
		    a->t_read;
		/* Keep the tightest, in order of span (insertion sort). */
		for (m = nbest; m > 0 && span[m - 1] > sp; m--)
			if (m < WITNESS_SHOWN) {
				span[m] = span[m - 1];
				best[m][0] = best[m - 1][0];
				best[m][1] = best[m - 1][1];
			}
		if (m < WITNESS_SHOWN) {
			span[m] = sp;
			best[m][0] = i;
			best[m][1] = k;
			if (nbest < WITNESS_SHOWN)
				nbest++;
		}
	}
	for (m = 0; m < nbest; m++)
		witness_json(&j, m ? "," : "", &all[best[m][0]],
		    &all[best[m][1]]);
	xasprintf(&s, "%s]", j);
	run_metric_json(r, "witness", s);
	run_metric_int(r, "witness_found", (int64_t)found);
	if (nbest > 0) {
		a = &all[best[0][0]];
		b = &all[best[0][1]];
		w1 = a->t_write <= b->t_write ? a : b;
		w2 = w1 == a ? b : a;
		run_note(r, "Caught in the act: T%u read %llu at %.3f us, T%u "
		    "read %llu at %.3f us, T%u wrote %llu, T%u wrote %llu: one "
		    "update lost.", a->lane, (unsigned long long)a->value,
		    (double)a->t_read / 1e3, b->lane,
		    (unsigned long long)b->value, (double)b->t_read / 1e3,
		    w1->lane, (unsigned long long)w1->value + 1, w2->lane,
		    (unsigned long long)w2->value + 1);
		if (found > 1)
			run_note(r, "%zu such pairs were recorded; the JSON "
			    "lists the %zu tightest.", found, nbest);
	} else if (lost == 0)
		run_note(r, "No witness: no update was lost, so no two "
		    "threads ever read the same value and both wrote it "
		    "plus one.");
	else
		run_note(r, "No witness among the records: each lost update "
		    "was an old value written back after a long pause, never "
		    "two reads of one value side by side.");
	free(s);
	free(j);
	free(all);
}
