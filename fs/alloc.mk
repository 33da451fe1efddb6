# fs/alloc.mk — see fs/local.mk
