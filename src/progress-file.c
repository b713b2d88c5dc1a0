/*
 * progress-file.c -- the progress file on disk: where it is, its lock, and
 * reading, writing and setting it aside safely.
 *
 * The file is $XDG_STATE_HOME/parlab/progress, or
 * $HOME/.local/state/parlab/progress.  A relative XDG_STATE_HOME or HOME is
 * ignored, as the XDG rules say (exports follow the same rule), so a
 * relative HOME means no saved progress rather than a file wherever parlab
 * was started.  A symlink is followed: its target is what gets replaced,
 * never the link; a link to nothing is refused.
 *
 * Invariants: the file is only ever replaced by rename() of a synced temp
 * file in the same folder, under an exclusive flock() on FILE.lock, so
 * concurrent parlabs serialise their read-merge-write cycles.  A file that
 * is not a regular file, cannot be opened, or whose mode denies its owner
 * reading or writing (chmod 000 or 400: "leave it alone", even for root) is
 * refused and never written.  Opening never blocks (O_NONBLOCK: a FIFO).
 * A damaged file is moved aside to a name no earlier one has.
 */

#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parlab.h"

#define PROGRESS_LOCK_TRIES	200	/* of 10 ms: two seconds */

/* Where progress is kept, or NULL (with a cause) if there is no home. */
char *
progress_path(char **cause)
{
	const char	*state = getenv("XDG_STATE_HOME"), *home;
	char		*path;

	if (state != NULL && *state == '/') {
		xasprintf(&path, "%s/parlab/progress", state);
		return path;
	}
	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		xasprintf(cause, "neither XDG_STATE_HOME nor HOME is set");
		return NULL;
	}
	if (*home != '/') {
		xasprintf(cause, "HOME (%s) is not an absolute path", home);
		return NULL;
	}
	xasprintf(&path, "%s/.local/state/parlab/progress", home);
	return path;
}

/* The file to read and replace: progress_path(), a symlink resolved. */
char *
progress_file_target(char **cause)
{
	struct stat	 sb;
	char		*path, real[PATH_MAX];

	if ((path = progress_path(cause)) == NULL)
		return NULL;
	if (lstat(path, &sb) != 0 || !S_ISLNK(sb.st_mode))
		return path;
	if (realpath(path, real) == NULL) {
		xasprintf(cause, "%s is a symlink to nothing usable: %s", path,
		    strerror(errno));
		free(path);
		return NULL;
	}
	free(path);
	return xstrdup(real);
}

/* Make every missing directory above path (like mkdir -p of its dir). */
static int
progress_file_mkdirs(const char *path)
{
	char	*dir = xstrdup(path), *p;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

/*
 * Take the exclusive lock beside path (making its folders); the lock's fd
 * on success, -1 with a cause.  Gives up after two seconds rather than
 * hang behind a stuck parlab.
 */
int
progress_file_lock(const char *path, char **cause)
{
	struct stat	 sb;
	char		*lock;
	int		 fd, i;

	if (progress_file_mkdirs(path) != 0) {
		xasprintf(cause, "cannot make the folder of %s: %s", path,
		    strerror(errno));
		return -1;
	}
	xasprintf(&lock, "%s.lock", path);
	fd = open(lock, O_RDWR | O_CREAT | O_NONBLOCK | O_NOFOLLOW |
	    O_CLOEXEC | O_NOCTTY, 0600);
	if (fd == -1 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		xasprintf(cause, "cannot lock %s: %s", lock, fd == -1 ?
		    strerror(errno) : "not a regular file");
		if (fd != -1)
			close(fd);
		free(lock);
		return -1;
	}
	for (i = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; i++) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    i == PROGRESS_LOCK_TRIES) {
			xasprintf(cause, "cannot lock %s: %s", lock,
			    errno == EWOULDBLOCK ? "another parlab holds it" :
			    strerror(errno));
			close(fd);
			free(lock);
			return -1;
		}
		clock_sleep_ns(10 * NS_PER_MS);
	}
	free(lock);
	return fd;
}

/* Release a lock from progress_file_lock(). */
void
progress_file_unlock(int fd)
{
	if (fd != -1)
		close(fd);	/* closing drops the flock */
}

/*
 * Read the file into *buf (NUL-terminated; binary junk reads as "").
 * Returns 1 when read, 0 when there is no file, -1 (with a cause) when the
 * file must be left alone.  *too_big says it was cut at max bytes.
 */
int
progress_file_read(const char *path, size_t max, char **buf, int *too_big,
    char **cause)
{
	struct stat	 sb;
	size_t		 n = 0;
	ssize_t		 got;
	int		 fd;

	*buf = NULL;
	*too_big = 0;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) ==
	    -1) {
		if (errno == ENOENT)
			return 0;
		xasprintf(cause, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		xasprintf(cause, "%s is not a regular file", path);
		close(fd);
		return -1;
	}
	if ((sb.st_mode & (S_IRUSR | S_IWUSR)) != (S_IRUSR | S_IWUSR)) {
		xasprintf(cause, "%s is not readable and writable by its owner "
		    "(mode %03o)", path, (unsigned)(sb.st_mode & 0777));
		close(fd);
		return -1;
	}
	*buf = xmalloc(max + 1);
	while (n < max + 1 && (got = read(fd, *buf + n, max + 1 - n)) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			xasprintf(cause, "cannot read %s: %s", path,
			    strerror(errno));
			free(*buf);
			*buf = NULL;
			close(fd);
			return -1;
		}
		n += (size_t)got;
	}
	close(fd);
	if (n > max) {
		*too_big = 1;
		n = max;
	}
	(*buf)[n] = '\0';
	if (memchr(*buf, '\0', n) != NULL)
		(*buf)[0] = '\0';	/* binary junk: reported as not a header */
	return 1;
}

/* Replace path with text: a synced temp file beside it, renamed over it. */
int
progress_file_write(const char *path, const char *text, char **cause)
{
	char	*tmp;
	size_t	 len = strlen(text), off = 0;
	ssize_t	 got;
	int	 fd, failed = 0;

	xasprintf(&tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		xasprintf(cause, "cannot write %s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len && !failed) {
		if ((got = write(fd, text + off, len - off)) == -1)
			failed = errno != EINTR;
		else
			off += (size_t)got;
	}
	if (!failed)
		failed = fsync(fd) != 0;
	if (close(fd) != 0)
		failed = 1;
	if (failed || rename(tmp, path) != 0) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/*
 * Move a damaged file aside to FILE.corrupt, or FILE.corrupt.N when that
 * is taken: link() never replaces, so no earlier corrupt file is lost.
 * The new name, or NULL with a cause.
 */
char *
progress_file_aside(const char *path, char **cause)
{
	char	*aside;
	int	 i;

	for (i = 0; i < 1000; i++) {
		if (i == 0)
			xasprintf(&aside, "%s.corrupt", path);
		else
			xasprintf(&aside, "%s.corrupt.%d", path, i);
		if (link(path, aside) == 0) {
			if (unlink(path) == 0)
				return aside;
			unlink(aside);
			break;
		}
		free(aside);
		aside = NULL;
		if (errno != EEXIST)
			break;
	}
	xasprintf(cause, "cannot move %s aside: %s", path, aside == NULL &&
	    errno == EEXIST ? "too many corrupt files" : strerror(errno));
	free(aside);
	return NULL;
}
