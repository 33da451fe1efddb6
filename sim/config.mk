# sim/config.mk — see sim/local.mk
