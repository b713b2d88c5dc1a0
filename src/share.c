/*
 * share.c -- a named shared-memory segment, as multiprocessing's
 * SharedMemory: the creator names it (shm_open) and sizes it, any process
 * that knows the name maps the same pages, and the bytes written by one are
 * read by the other without being copied through a pipe.
 *
 * The creator owns the name: share_free() unlinks it (so does
 * share_unlink(), as soon as every user has it mapped); a mapping outlives
 * the name.  A zero-length segment maps nothing (base NULL).
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "parlab.h"

/* Map fd's first len bytes shared; close fd either way. */
static int
share_map(struct share *s, int fd, size_t len, char **cause)
{
	void	*p = NULL;

	if (len > 0 && (p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0)) == MAP_FAILED) {
		xasprintf(cause, "cannot map shared memory %s: %s", s->name,
		    strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	s->base = p;
	s->len = len;
	return 0;
}

/* Create the segment name of len bytes, owned by the caller. */
int
share_create(struct share *s, const char *name, size_t len, char **cause)
{
	int	fd;

	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	fd = shm_open(s->name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (fd == -1) {
		xasprintf(cause, "cannot create shared memory %s: %s", s->name,
		    strerror(errno));
		return -1;
	}
	s->owner = 1;
	if (ftruncate(fd, (off_t)len) == -1) {
		xasprintf(cause, "cannot size shared memory %s to %zu bytes: "
		    "%s", s->name, len, strerror(errno));
		close(fd);
		share_free(s);
		return -1;
	}
	if (share_map(s, fd, len, cause) != 0) {
		share_free(s);
		return -1;
	}
	return 0;
}

/* Map the existing segment name, len bytes. */
int
share_attach(struct share *s, const char *name, size_t len, char **cause)
{
	int	fd;

	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	if ((fd = shm_open(s->name, O_RDWR | O_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "cannot open shared memory %s: %s", s->name,
		    strerror(errno));
		return -1;
	}
	return share_map(s, fd, len, cause);
}

/* Remove the name (the owner's); mappings stay valid. */
void
share_unlink(struct share *s)
{
	if (s->owner && s->name[0] != '\0')
		shm_unlink(s->name);
	s->owner = 0;
}

/* Unmap, and unlink the name if this process created it. */
void
share_free(struct share *s)
{
	if (s->base != NULL)
		munmap(s->base, s->len);
	s->base = NULL;
	share_unlink(s);
}
