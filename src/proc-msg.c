/*
 * proc-msg.c -- framed messages on the pipes between parlab and a worker.
 *
 * A message is a frame (struct proc_hdr: a 32-bit type and a 32-bit body
 * length, in the machine's own byte order, since both ends are the same
 * parlab on the same machine) followed by the body.  A body is at most
 * PROC_MSG_MAX bytes, so a corrupt length is refused before anything is
 * allocated.  Writes and reads resume after signals and short transfers;
 * an end of file before a frame is a clean end (the worker finished), an
 * end of file inside one is an error.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "parlab.h"

/* Write all of buf, resuming after signals; -1 on error. */
static int
proc_write_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read all of len bytes; 0 done, 1 end of file before any byte, -1 error. */
static int
proc_read_all(int fd, void *buf, size_t len)
{
	char	*p = buf;
	size_t	 got = 0;
	ssize_t	 n;

	while (got < len) {
		n = read(fd, p + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0)
			return got == 0 ? 1 : -1;
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Send one framed message: a type and len bytes of body. */
int
proc_send(int fd, uint32_t type, const void *body, size_t len)
{
	struct proc_hdr	h;

	if (len > PROC_MSG_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	h.type = type;
	h.len = (uint32_t)len;
	if (proc_write_all(fd, &h, sizeof h) != 0)
		return -1;
	return len ? proc_write_all(fd, body, len) : 0;
}

/*
 * Receive one framed message into a new buffer (NUL-terminated, so a text
 * body is a string).  Returns 0, 1 at a clean end of file, -1 with a cause.
 */
int
proc_recv(int fd, uint32_t *type, void **body, size_t *len, char **cause)
{
	struct proc_hdr	 h;
	char		*buf;
	int		 r;

	*body = NULL;
	if ((r = proc_read_all(fd, &h, sizeof h)) != 0) {
		if (r < 0)
			xasprintf(cause, "a worker's message was cut short");
		return r;
	}
	if (h.len > PROC_MSG_MAX) {
		xasprintf(cause, "a worker sent a %u-byte message", h.len);
		return -1;
	}
	buf = xmalloc((size_t)h.len + 1);
	if (h.len > 0 && proc_read_all(fd, buf, h.len) != 0) {
		free(buf);
		xasprintf(cause, "a worker's message was cut short");
		return -1;
	}
	buf[h.len] = '\0';
	*type = h.type;
	*body = buf;
	*len = h.len;
	return 0;
}
