/*
 * view-step.c -- the stepper screen: the student is the scheduler.
 *
 * It opens full screen over the menu or a lesson page (t->step is set) or
 * alone, from `parlab step PROGRAM` on a terminal.  Each thread's code is a
 * column with its program counter; under it the thread's locals and the
 * locks it holds; above, the goal and the shared variables; below, why
 * each blocked thread waits, and a deadlock with its wait-for cycle.
 *
 * As everywhere in the TUI, keys change state (step-exec.c's
 * struct step_state, through step_take and step_undo) and set the dirty
 * flag; view_step_draw() only draws from that state.  When the code does
 * not fit the height, each column shows a window of its code that keeps
 * the program counter in view, so 40x12 still works.
 */

#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

const struct tui_keydef view_step_keys[] = {
	{ "0-3", "the thread with that number takes its next step" },
	{ "u  Left", "undo the last step" },
	{ "r", "reset: back to the start" },
	{ "?", "this help" },
	{ "q/Esc", "close the stepper" },
	{ NULL, NULL }
};

/* A stepper over program p (taken over) with goal g (its text taken). */
struct step_view *
step_view_create(struct step_program *p, const struct step_goal *g, int alone)
{
	struct step_view	*sv = xcalloc(1, sizeof *sv);

	sv->p = p;
	sv->goal = *g;
	sv->alone = alone;
	step_reset(&sv->st, p);
	return sv;
}

/* Free a stepper and its program. */
void
step_view_destroy(struct step_view *sv)
{
	if (sv == NULL)
		return;
	free(sv->goal.text);
	step_program_free(sv->p);
	free(sv);
}

/*
 * Open the first step block of the lesson page on screen; 0 if the page
 * has none.  A bad program is refused by `parlab check`; if one slips
 * through (a file deleted since), the message says why.
 */
int
view_step_open_page(struct tui *t)
{
	const struct lesson_page	*pg;
	const struct lesson_block	*b;
	struct step_program		*p;
	struct step_goal		 g;
	char				*cause = NULL;
	size_t				 i;

	if (t->lesson == NULL || t->lesson->npages == 0)
		return 0;
	pg = &t->lesson->pages[t->page];
	for (i = 0; i < pg->nblocks; i++) {
		b = &pg->blocks[i];
		if (b->type != LBLOCK_CODE || b->lang == NULL ||
		    strcmp(b->lang, "step") != 0 || b->nlines == 0)
			continue;
		if (step_block_parse(b, &p, &g, &cause) != 0) {
			tui_message(t, 1, "%s", cause);
			free(cause);
			return 1;
		}
		t->step = step_view_create(p, &g, 0);
		t->dirty = 1;
		return 1;
	}
	return 0;
}

/* Keys of the stepper; q closes it (or quits when it is alone). */
void
view_step_key(struct tui *t, int ch)
{
	struct step_view	*sv = t->step;
	char			*cause = NULL;
	int			 was;

	t->dirty = 1;
	switch (ch) {
	case '0': case '1': case '2': case '3':
		was = step_goal_met(&sv->st, &sv->goal);
		if (step_take(&sv->st, (unsigned)(ch - '0'), &cause) != 0) {
			tui_message(t, 1, "%s", cause);
			free(cause);
		} else if (!was && step_goal_met(&sv->st, &sv->goal))
			tui_message(t, 0, "Goal reached! u undoes, r starts "
			    "again.");
		break;
	case 'u': case KEY_LEFT: case KEY_BACKSPACE: case 127:
		if (step_undo(&sv->st) != 0)
			tui_message(t, 0, "Nothing to undo: this is the "
			    "start.");
		break;
	case 'r':
		step_reset(&sv->st, sv->p);
		tui_message(t, 0, "Back to the start.");
		break;
	case 'q': case 27:
		if (sv->alone)
			t->quit = 1;
		else {
			step_view_destroy(sv);
			t->step = NULL;
		}
		break;
	}
}

/* Draw the code of thread th in a column; returns the rows used. */
static int
view_step_column(struct tui *t, unsigned th, int y, int x, int w, int h)
{
	const struct step_view	*sv = t->step;
	const struct step_code	*c = &sv->p->thread[th];
	enum step_tstate	 s = step_status(&sv->st, th, NULL);
	const char		*mark = tui_sym(t, "\xe2\x96\xb6", ">");
	char			 buf[96];
	unsigned		 i, first = 0, pc = sv->st.pc[th], n = 0;
	int			 role;

	snprintf(buf, sizeof buf, "T%u %s", th, s == STEP_DONE ? "done" :
	    s == STEP_BLOCKED ? "blocked" : "ready");
	tui_put(t, y, x, w, buf, s == STEP_BLOCKED ? ROLE_ERROR :
	    s == STEP_DONE ? ROLE_DIM : ROLE_HEADING);
	/* A window of the code that keeps the program counter in view. */
	if (c->n > (unsigned)h && pc > (unsigned)h / 2)
		first = pc - (unsigned)h / 2;
	if (c->n > (unsigned)h && first > c->n - (unsigned)h)
		first = c->n - (unsigned)h;
	for (i = first; i < c->n && n < (unsigned)h; i++, n++) {
		role = i < pc ? ROLE_DIM : ROLE_CODE;
		if (i == pc) {
			role = s == STEP_BLOCKED ? ROLE_ERROR : ROLE_STRONG;
			tui_put(t, y + 1 + (int)n, x, 2, mark, role);
		}
		tui_put(t, y + 1 + (int)n, x + 2, w - 2, c->insn[i].text, role);
	}
	return (int)n + 1;
}

/* The locals of thread th, or the locks it holds, as one line. */
static void
view_step_line(const struct step_view *sv, unsigned th, int holds, char *buf,
    size_t size)
{
	const struct step_program	*p = sv->p;
	size_t				 len;
	unsigned			 i, n = 0;

	snprintf(buf, size, "%s", holds ? "holds" : "locals:");
	for (i = 0; i < (holds ? p->nobj : p->thread[th].nlocal); i++) {
		len = strlen(buf);
		if (holds && p->obj[i].kind == STEP_LOCK &&
		    sv->st.holder[i] == (int)th)
			snprintf(buf + len, size - len, " %s", p->obj[i].name);
		else if (!holds && sv->st.local_set[th][i])
			snprintf(buf + len, size - len, " %s=%lld",
			    p->thread[th].local[i],
			    (long long)sv->st.local[th][i]);
		else
			continue;
		n++;
	}
	if (n == 0)
		snprintf(buf, size, "%s", holds ? "holds -" : "locals: -");
}

/* The bottom lines: the deadlock and its cycle, or why threads wait. */
static void
view_step_why(struct tui *t, int y, int h)
{
	const struct step_view	*sv = t->step;
	struct step_link	 l[STEP_MAX_THREADS];
	unsigned		 i, n;
	char			 buf[160], held[96], *why;
	int			 row = 0;

	if (step_deadlocked(&sv->st)) {
		tui_put(t, y + row++, 1, t->cols - 2, "DEADLOCK: every thread "
		    "left is waiting, and none can go on.", ROLE_ERROR);
		n = step_cycle(&sv->st, l);
		for (i = 0; i < n && row < h; i++) {
			view_step_line(sv, (unsigned)l[i].thread, 1, held,
			    sizeof held);
			snprintf(buf, sizeof buf, "  T%d %s, waits for %s, "
			    "held by T%d", l[i].thread, held,
			    sv->p->obj[l[i].waits_obj].name, l[i].holder);
			tui_put(t, y + row++, 1, t->cols - 2, buf, ROLE_ERROR);
		}
		if (n > 0)
			return;
	}
	for (i = 0; i < sv->p->nthreads && row < h; i++) {
		if (step_status(&sv->st, i, &why) == STEP_BLOCKED)
			tui_put(t, y + row++, 1, t->cols - 2, why, ROLE_ERROR);
		free(why);
	}
}

/* Draw the stepper screen from its state. */
void
view_step_draw(struct tui *t)
{
	const struct step_view	*sv = t->step;
	const struct step_program *p = sv->p;
	char			 buf[160], *goal;
	unsigned		 i, maxcode = 0, nwhy;
	int			 y, w, h, len, locks = 0, met;

	tui_fill(t, 0, 0, t->cols, " ", ROLE_TITLE);
	snprintf(buf, sizeof buf, "Stepper: %s - %s", p->name, p->title);
	tui_put(t, 0, 1, t->cols - 2, buf, ROLE_TITLE);
	/* The goal, and whether it is reached. */
	met = step_goal_met(&sv->st, &sv->goal);
	if ((goal = step_goal_message(&sv->goal)) != NULL) {
		snprintf(buf, sizeof buf, "%s%s", met ? "Goal reached! " : "",
		    goal + (met ? 6 : 0));
		tui_put(t, 1, 1, t->cols - 2, buf, met ? ROLE_RIGHT :
		    ROLE_EMPH);
		free(goal);
	} else
		tui_put(t, 1, 1, t->cols - 2, "Pick the thread that runs "
		    "next: press its number.", ROLE_DIM);
	/* The shared variables and the schedule so far. */
	len = snprintf(buf, sizeof buf, "shared:");
	for (i = 0; i < p->nshared && len < (int)sizeof buf; i++)
		len += snprintf(buf + len, sizeof buf - (size_t)len, " %s=%lld",
		    p->shared[i], (long long)sv->st.shared[i]);
	tui_put(t, 2, 1, t->cols - 2, buf, ROLE_VALUE);
	len = snprintf(buf, sizeof buf, "steps %u:", sv->st.nsched);
	for (i = sv->st.nsched > 12 ? sv->st.nsched - 12 : 0;
	    i < sv->st.nsched; i++)
		len += snprintf(buf + len, sizeof buf - (size_t)len, " %u",
		    sv->st.sched[i]);
	if (t->cols >= 60)
		tui_put(t, 3, 1, t->cols - 2, buf, ROLE_DIM);
	/* The columns get what the header, the footer and the reasons leave. */
	for (i = 0; i < p->nthreads; i++)
		maxcode = p->thread[i].n > maxcode ? p->thread[i].n : maxcode;
	for (i = 0; i < p->nobj; i++)
		locks |= p->obj[i].kind == STEP_LOCK;
	nwhy = step_deadlocked(&sv->st) ? p->nthreads + 1 : p->nthreads;
	y = t->cols >= 60 ? 5 : 4;
	h = t->lines - y - 1 - (int)nwhy - 2 - locks - 1;
	if (h < 2) {
		nwhy = 1;
		h = t->lines - y - 1 - (int)nwhy - 2 - locks - 1;
	}
	if (h > (int)maxcode)
		h = (int)maxcode;
	w = t->cols / (int)p->nthreads;
	for (i = 0; i < p->nthreads; i++) {
		int x = (int)i * w + 1, used;

		used = view_step_column(t, i, y, x, w - 2, h);
		view_step_line(sv, i, 0, buf, sizeof buf);
		tui_put(t, y + used, x, w - 2, buf, ROLE_VALUE);
		if (locks) {
			view_step_line(sv, i, 1, buf, sizeof buf);
			tui_put(t, y + used + 1, x, w - 2, buf, ROLE_NORMAL);
		}
	}
	view_step_why(t, y + h + 2 + locks + 1, (int)nwhy);
	/* The status bar: the message, or the keys. */
	tui_fill(t, t->lines - 1, 0, t->cols, " ", ROLE_STATUS);
	if (t->message != NULL)
		tui_put(t, t->lines - 1, 1, t->cols - 2, t->message,
		    t->message_error ? ROLE_ERROR : ROLE_STATUS);
	else {
		snprintf(buf, sizeof buf, t->cols < 60 ?
		    "0-%u step u undo r reset ? help q %s" :
		    "0-%u step  u undo  r reset  ? help  q %s",
		    p->nthreads - 1, sv->alone ? "quit" : "back");
		tui_put(t, t->lines - 1, 1, t->cols - 2, buf, ROLE_STATUS);
	}
}
