# Extra targets, appended to the phpize Makefile by PHP_ADD_MAKEFILE_FRAGMENT.
#
# libcore-test: builds every libcore/tests/test_*.c with all libcore/*.c under
# ASan+UBSan (no PHP involved) and runs them; the last line is the sum,
# "N passed, N failed".  The runner also works without make:
#   scripts/libcore-tests.sh [srcdir] [builddir]

libcore-test:
	@CC="$(CC)" VP_LIBCORE_CFLAGS="$(VPOPMAIL_CDB_CFLAGS) $(VPOPMAIL_MARIADB_CFLAGS)" VP_LIBCORE_LIBS="$(VPOPMAIL_SHARED_LIBADD)" \
		bash $(srcdir)/scripts/libcore-tests.sh $(srcdir) $(builddir)

.PHONY: libcore-test
