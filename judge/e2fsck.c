/* judge/e2fsck.c — e2fsck -fn on an image (see e2fsck.h). */
#include "config.h"

#include <string.h>

#include "judge/e2fsck.h"
#include "judge/loop.h"

/* A line that is not a finding: a pass header, the banner, the closing
 * summary "LABEL: 13/65536 files (0.0% non-contiguous), 9/262144 blocks"
 * (e2fsck names the file system by its label, or the image's path). */
static bool chatter(const char *l)
{
	return !*l || g_str_has_prefix(l, "Pass ") ||
	       g_str_has_prefix(l, "e2fsck ") ||
	       g_regex_match_simple("^\\S+: [0-9]+/[0-9]+ files \\(.*\\), "
				    "[0-9]+/[0-9]+ blocks$", l, 0, 0);
}

bool judge_e2fsck(const char *e2fsck, const char *img, int *status,
		  char **problems, GError **err)
{
	char *argv[] = { (char *)e2fsck, "-fn", (char *)img, NULL };
	char *out = NULL;
	char **lines;
	GString *p = g_string_new(NULL);

	*problems = NULL;
	if (!judge_run(argv, &out, status, err)) {
		g_string_free(p, TRUE);
		return false;
	}
	lines = g_strsplit(out, "\n", -1);
	for (char **l = lines; *l; l++)
		if (!chatter(*l))
			g_string_append_printf(p, "%s\n", *l);
	g_strfreev(lines);
	g_free(out);
	if (p->len)
		*problems = g_string_free(p, FALSE);
	else
		g_string_free(p, TRUE);
	return true;
}
