/* sim/option.h — the option-table machinery (fio's shape): one table per
 * section type defines every key — type, unit, range, default, allowed
 * values, help — and drives parsing, validation, --set overrides and
 * --help-config.  The tables themselves live with their owners (fs/options.c
 * for the model's sections).  Implemented in option.c and cfg.c.
 */
#ifndef SIM_OPTION_H
#define SIM_OPTION_H

#include "sim/types.h"

/* Filled in by the config module. */

#endif /* SIM_OPTION_H */
