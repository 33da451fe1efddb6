# fs/extents.mk — see fs/local.mk
