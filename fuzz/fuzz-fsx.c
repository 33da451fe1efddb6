/* fuzz/fuzz-fsx.c — libFuzzer target: an fsx operations log through
 * fsx_log_parse (fs/workload/fsx.c); every op it accepts is formatted
 * back (fsx_op_format), and the formatted log parses to the same ops. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/workload/fsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *err = NULL;
	struct fsx_log *log, *again;
	GString *text;
	unsigned i;

	if (size > 1 << 16)
		return 0;
	log = fsx_log_parse("fuzz.fsxops", (const char *)data, size, &err);
	if (!log) {
		if (!err || strchr(err->message, '\n'))
			abort();
		g_error_free(err);
		return 0;
	}
	text = g_string_new(NULL);
	for (i = 0; i < log->n; i++) {
		char buf[256];

		if (fsx_op_format(&log->ops[i], buf, sizeof(buf)) >= (int)sizeof(buf))
			abort();
		g_string_append_printf(text, "%s\n", buf);
	}
	again = fsx_log_parse("again.fsxops", text->str, text->len, &err);
	if (!again || again->n != log->n) {
		fprintf(stderr, "formatted log does not parse back: %s\n%s",
			err ? err->message : "op count differs", text->str);
		abort();
	}
	fsx_log_free(again);
	g_string_free(text, TRUE);
	fsx_log_free(log);
	return 0;
}
