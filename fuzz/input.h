/* fuzz/input.h — for targets whose reader takes a path: the input written
 * to one temporary file per process (created on first use, rewritten for
 * every input).  Header-only: each target is one clang command
 * (fuzz/run.sh). */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib.h>

/* The path of a file holding data[0, size); tag names the temporary file
 * (/tmp/fuzz-TAG-XXXXXX).  Aborts when the file cannot be written. */
static inline char *fuzz_input_file(const char *tag, const uint8_t *data,
				    size_t size)
{
	static char path[64];
	FILE *f;

	if (!path[0]) {
		int fd;

		g_snprintf(path, sizeof(path), "/tmp/fuzz-%s-XXXXXX", tag);
		fd = g_mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
	}
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	return path;
}

#endif /* FUZZ_INPUT_H */
