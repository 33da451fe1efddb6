# sim/locks.mk — see sim/local.mk
