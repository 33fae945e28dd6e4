dnl config.m4 for the vpopmail extension (phpize, pecl install and in-tree builds).
dnl Keep dnl comments on their own lines: dnl also eats the newline.

PHP_ARG_WITH([vpopmail],
  [for vpopmail support],
  [AS_HELP_STRING([[--with-vpopmail[=DIR]]],
    [Include vpopmail support (DIR: tinycdb install prefix)])])

if test "$PHP_VPOPMAIL" != "no"; then
  dnl tinycdb: ask pkg-config when no DIR was given (Debian ships libcdb.pc),
  dnl otherwise, or when that fails, search DIR (or /usr/local and /usr) for cdb.h.
  vp_cdb_found=no
  VPOPMAIL_CDB_CFLAGS=
  if test "$PHP_VPOPMAIL" = "yes"; then
    PKG_CHECK_MODULES([CDB], [libcdb], [vp_cdb_found=yes], [vp_cdb_found=no])
  fi

  if test "$vp_cdb_found" = "yes"; then
    vp_save_CPPFLAGS=$CPPFLAGS
    CPPFLAGS="$CPPFLAGS $CDB_CFLAGS"
    AC_CHECK_HEADER([cdb.h], [],
      [AC_MSG_ERROR([pkg-config knows libcdb but cdb.h does not compile; install libcdb-dev or pass --with-vpopmail=DIR])])
    CPPFLAGS=$vp_save_CPPFLAGS
    PHP_EVAL_INCLINE([$CDB_CFLAGS])
    PHP_EVAL_LIBLINE([$CDB_LIBS], [VPOPMAIL_SHARED_LIBADD])
    VPOPMAIL_CDB_CFLAGS=$CDB_CFLAGS
  else
    vp_search="/usr/local /usr"
    if test "$PHP_VPOPMAIL" != "yes"; then
      vp_search=$PHP_VPOPMAIL
    fi
    AC_MSG_CHECKING([for tinycdb's cdb.h])
    VP_CDB_DIR=
    for vp_dir in $vp_search; do
      if test -r "$vp_dir/include/cdb.h"; then
        VP_CDB_DIR=$vp_dir
        break
      fi
    done
    if test -z "$VP_CDB_DIR"; then
      AC_MSG_RESULT([not found])
      AC_MSG_ERROR([cdb.h not found under $vp_search/include; install tinycdb (Debian: apt-get install libcdb-dev) or pass --with-vpopmail=DIR, DIR being tinycdb's prefix])
    fi
    AC_MSG_RESULT([$VP_CDB_DIR/include/cdb.h])

    PHP_CHECK_LIBRARY([cdb], [cdb_init],
      [PHP_ADD_INCLUDE([$VP_CDB_DIR/include])
       PHP_ADD_LIBRARY_WITH_PATH([cdb], [$VP_CDB_DIR/$PHP_LIBDIR], [VPOPMAIL_SHARED_LIBADD])],
      [AC_MSG_ERROR([cdb_init() not found in libcdb under $VP_CDB_DIR/$PHP_LIBDIR; install tinycdb (Debian: apt-get install libcdb-dev)])],
      [-L$VP_CDB_DIR/$PHP_LIBDIR])
    if test "$VP_CDB_DIR" != "/usr"; then
      VPOPMAIL_CDB_CFLAGS="-I$VP_CDB_DIR/include"
    fi
  fi

  dnl MariaDB Connector/C for the mysql store (libcore/vp_store_mysql.c), found
  dnl like tinycdb through pkg-config (Debian: libmariadb-dev ships libmariadb.pc).
  PKG_CHECK_MODULES([MARIADB], [libmariadb], [],
    [AC_MSG_ERROR([libmariadb not found by pkg-config; install MariaDB Connector/C (Debian: apt-get install libmariadb-dev)])])
  vp_save_CPPFLAGS=$CPPFLAGS
  CPPFLAGS="$CPPFLAGS $MARIADB_CFLAGS"
  AC_CHECK_HEADER([mysql.h], [],
    [AC_MSG_ERROR([pkg-config knows libmariadb but mysql.h does not compile; install libmariadb-dev])])
  CPPFLAGS=$vp_save_CPPFLAGS
  PHP_EVAL_INCLINE([$MARIADB_CFLAGS])
  PHP_EVAL_LIBLINE([$MARIADB_LIBS], [VPOPMAIL_SHARED_LIBADD])
  VPOPMAIL_MARIADB_CFLAGS=$MARIADB_CFLAGS
  PHP_SUBST([VPOPMAIL_MARIADB_CFLAGS])

  dnl crypt_r() comes from libxcrypt on current Linux distributions.
  AC_CHECK_HEADER([crypt.h], [],
    [AC_MSG_ERROR([crypt.h not found; install libxcrypt's headers (Debian: apt-get install libcrypt-dev)])])
  PHP_CHECK_LIBRARY([crypt], [crypt_r],
    [PHP_ADD_LIBRARY([crypt], [1], [VPOPMAIL_SHARED_LIBADD])],
    [AC_MSG_ERROR([crypt_r() not found in libcrypt; install libxcrypt (Debian: apt-get install libcrypt-dev)])])

  PHP_SUBST([VPOPMAIL_SHARED_LIBADD])
  dnl Used by Makefile.frag's libcore-test target to find cdb.h.
  PHP_SUBST([VPOPMAIL_CDB_CFLAGS])
  AC_DEFINE([HAVE_VPOPMAIL], [1], [Whether vpopmail is enabled])

  dnl Every libcore/*.c is part of the module: the list is taken at configure
  dnl time, so a new libcore file needs a new configure run (scripts/build.sh
  dnl notices), never an edit here.  PHP_EXT_SRCDIR is the source folder in
  dnl phpize, pecl and in-tree (ext/vpopmail) builds alike.
  vp_srcdir=PHP_EXT_SRCDIR([vpopmail])
  AC_MSG_CHECKING([for the libcore sources])
  vp_core_src=`cd "$vp_srcdir" && echo libcore/*.c`
  if test "$vp_core_src" = "libcore/*.c"; then
    AC_MSG_RESULT([none])
    AC_MSG_ERROR([no libcore/*.c under $vp_srcdir: the source tree is incomplete])
  fi
  AC_MSG_RESULT([$vp_core_src])

  PHP_NEW_EXTENSION([vpopmail], [php_vpopmail.c $vp_core_src], [$ext_shared],,
    [-DZEND_ENABLE_STATIC_TSRMLS_CACHE=1 -D_GNU_SOURCE])
  PHP_ADD_BUILD_DIR([$ext_builddir/libcore])
  PHP_ADD_INCLUDE([$ext_srcdir/libcore])
  PHP_ADD_MAKEFILE_FRAGMENT([$ext_srcdir/Makefile.frag])
fi
