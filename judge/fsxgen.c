/* judge/fsxgen.c — random fsx op logs (see fsxgen.h). */
#include "config.h"

#include <glib.h>

#include "judge/fsxgen.h"
#include "fs/workload/fsx.h"
#include "sim/engine/rng.h"

/* A length: mostly small and unaligned, sometimes a few blocks, sometimes
 * block-aligned. */
static uint64_t draw_len(struct sim_rng *r, uint64_t max, unsigned bs)
{
	uint64_t len;

	switch (sim_rng_below(r, 4)) {
	case 0:
		len = 1 + sim_rng_below(r, 600);
		break;
	case 1:
		len = 1 + sim_rng_below(r, 4 * (uint64_t)bs);
		break;
	case 2:
		len = bs * (1 + sim_rng_below(r, 8));
		break;
	default:
		len = 1 + sim_rng_below(r, max / 4);
		break;
	}
	return MIN(len, max);
}

static uint64_t draw_off(struct sim_rng *r, uint64_t max, unsigned bs)
{
	uint64_t off = sim_rng_below(r, max);

	/* a quarter block-aligned: whole-block extents, then partial ones */
	if (sim_rng_below(r, 4) == 0)
		off -= off % bs;
	return off;
}

char *judge_fsxgen(uint64_t seed, unsigned index, unsigned nops,
		   uint64_t maxfilelen, unsigned bs)
{
	/* weights per kind, in enum fsx_op_kind order */
	static const unsigned weight[FSX_NR_OPS] = {
		[FSX_READ] = 10, [FSX_WRITE] = 16, [FSX_MAPREAD] = 8,
		[FSX_MAPWRITE] = 10, [FSX_TRUNCATE] = 7, [FSX_FALLOCATE] = 8,
		[FSX_PUNCH_HOLE] = 8, [FSX_ZERO_RANGE] = 8,
		[FSX_COLLAPSE_RANGE] = 6, [FSX_INSERT_RANGE] = 6,
		[FSX_FSYNC] = 2,
	};
	unsigned total = 0;
	struct sim_rng r;
	struct fsx_model m;
	GString *out = g_string_new(NULL);

	for (unsigned k = 0; k < FSX_NR_OPS; k++)
		total += weight[k];
	sim_rng_seed(&r, seed, index, 0, sim_rng_purpose("fsxgen"));
	fsx_model_init(&m, maxfilelen, bs);
	g_string_append_printf(out, "# faultline judge/fsxgen.c: random log %u of seed %"
			       G_GUINT64_FORMAT " (%u ops, maxfilelen 0x%"
			       G_GINT64_MODIFIER "x, block size %u)\n",
			       index, seed, nops, maxfilelen, bs);
	for (unsigned i = 0; i < nops; i++) {
		unsigned pick = (unsigned)sim_rng_below(&r, total), k = 0;
		struct fsx_op op = { .line = i + 1 };
		struct fsx_step st;
		char text[160];

		while (pick >= weight[k])
			pick -= weight[k++];
		op.kind = (uint8_t)k;
		/* the first ops write, so later ones have a file to work on */
		if (i < 2)
			op.kind = FSX_WRITE;
		op.size_before = m.file_size;
		switch (op.kind) {
		case FSX_TRUNCATE:
			op.offset = 0;
			/* shrinking and growing, byte-granular */
			op.length = sim_rng_below(&r, 3) == 0 ?
				    sim_rng_below(&r, maxfilelen + 1) :
				    sim_rng_below(&r, m.file_size + 1);
			break;
		case FSX_FSYNC:
			op.offset = 0;
			op.length = 0;
			break;
		default:
			op.offset = draw_off(&r, maxfilelen, bs);
			op.length = draw_len(&r, maxfilelen, bs);
			/* as fsx logs them: trimmed to maxfilelen
			 * (TRIM_OFF_LEN), so no op reaches past the file */
			if (op.offset >= maxfilelen)
				op.offset = maxfilelen - 1;
			if (op.offset + op.length > maxfilelen)
				op.length = maxfilelen - op.offset;
			break;
		}
		if ((op.kind == FSX_FALLOCATE || op.kind == FSX_ZERO_RANGE) &&
		    sim_rng_below(&r, 2))
			op.flags |= FSX_FL_KEEP_SIZE;
		if (sim_rng_below(&r, 25) == 0)
			op.flags |= FSX_FL_CLOSE_OPEN;
		fsx_model_plan(&m, &op, &st);
		if (!st.skip)
			fsx_model_apply(&m, &st, i + 1);  /* any non-zero stamp */
		fsx_op_format(&op, text, sizeof(text));
		g_string_append_printf(out, "%s\n", text);
	}
	fsx_model_destroy(&m);
	return g_string_free(out, FALSE);
}
