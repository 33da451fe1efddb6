/* reports/validate.h — results.json checked before anything is drawn
 * (see validate.c). */
#ifndef REPORT_VALIDATE_H
#define REPORT_VALIDATE_H

#include <json-glib/json-glib.h>

/* Nesting a results file may have: ours nest 7 deep; json-glib's parser
 * recurses once per level, so a file nested 100 000 deep would overflow
 * the stack.  Checked on the text before it is parsed. */
#define REP_MAX_DEPTH 32

/* Deepest nesting of [ and { in text outside strings, counting stops past
 * max (then *where is the byte offset). */
guint rep_json_depth(const char *text, gsize len, guint max, gsize *where);

/* FALSE with REPORT_ERROR_INPUT: "FILE: not a valid faultline results
 * file: $.json.path: what". root is an object with the right schema. */
gboolean rep_validate(JsonNode *root, const char *file, GError **err);

#endif /* REPORT_VALIDATE_H */
