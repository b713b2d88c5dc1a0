/*
 * fuzz_runfile.c -- libFuzzer target for saved runs (runfile.c).
 *
 * A saved file ends with a checksum of every byte before it, so a mutated
 * input would almost always stop at "damaged".  To reach the parser
 * behind it, the target rewrites the input's last 8 bytes with the right
 * checksum (FNV-1a, as doc/runfile-format.md says) before reading it from
 * memory.  A file that reads is then printed both ways `parlab show`
 * prints it (JSON and the text summary with its timeline), to /dev/null.
 *
 * Invariants: a refused input fills cause and returns no run; an accepted
 * one has a demo and a trace; no crash, leak or undefined behaviour
 * (ASan/UBSan are on in fuzz builds).
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct runfile_info	 info;
	struct run		*r;
	uint64_t		 h = 0xcbf29ce484222325ULL;
	unsigned char		*buf;
	char			*cause = NULL;
	size_t			 i;
	FILE			*f, *out;

	if (size < 8 || size > 4 * 1024 * 1024)
		return 0;
	buf = malloc(size);
	memcpy(buf, data, size);
	for (i = 0; i < size - 8; i++)
		h = (h ^ buf[i]) * 0x100000001b3ULL;
	for (i = 0; i < 8; i++)
		buf[size - 8 + i] = (unsigned char)(h >> (8 * i));
	if ((f = fmemopen(buf, size, "rb")) == NULL)
		abort();
	r = runfile_read_file(f, "fuzz", &info, &cause);
	fclose(f);
	if (r == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
	} else {
		if (cause != NULL || r->cls == NULL ||
		    atomic_load(&r->trace) == NULL)
			abort();
		if ((out = fopen("/dev/null", "w")) == NULL)
			abort();
		export_json(out, r);
		export_text(out, r);
		fclose(out);
		run_destroy(r);
		runfile_info_free(&info);
	}
	free(buf);
	return 0;
}
