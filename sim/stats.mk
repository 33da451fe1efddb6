# sim/stats.mk — see sim/local.mk
