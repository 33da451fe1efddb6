# sim/engine.mk — see sim/local.mk
