#!/usr/bin/env bash
# build.sh: phpize, configure and make the extension in the source tree.
#
# Incremental: phpize and configure run again only when there is no Makefile,
# or when config.m4, Makefile.frag, the list of libcore/*.c, the configure
# arguments or the PHP installation changed since the last configure (the
# fingerprint is kept in .vp-build-stamp); otherwise this is a plain `make`.
# Generated files stay in the source tree, as phpize does; .gitignore hides them.
#
# Knobs: VP_CONFIGURE_ARGS (extra configure arguments, e.g. --with-vpopmail=/opt/tinycdb
# replaces the default --with-vpopmail), VP_EXTRA_CFLAGS (default
# "-Wall -Wextra -Wno-unused-parameter -Werror"), VP_JOBS (default 2),
# PHPIZE and PHP_CONFIG (another PHP's phpize and php-config).
set -euo pipefail
cd "$(dirname "$0")/.."

phpize=${PHPIZE:-phpize}
php_config=${PHP_CONFIG:-php-config}
extra_cflags=${VP_EXTRA_CFLAGS:--Wall -Wextra -Wno-unused-parameter -Werror}
read -r -a configure_args <<< "${VP_CONFIGURE_ARGS:-}"
case " ${configure_args[*]} " in
	*" --with-vpopmail"*) ;;
	*) configure_args=(--with-vpopmail "${configure_args[@]}") ;;
esac
configure_args+=(--with-php-config="$(command -v "$php_config")")

stamp=.vp-build-stamp
fingerprint() {
	echo "configure: ${configure_args[*]}"
	echo "php: $("$php_config" --phpapi) $("$php_config" --php-binary)"
	sha1sum config.m4 Makefile.frag
	(shopt -s nullglob; for f in libcore/*.c; do echo "$f"; done)
}
want=$(fingerprint)

if [ ! -f Makefile ] || [ ! -f configure ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	rm -f "$stamp"
	echo "build: phpize + configure ${configure_args[*]}"
	"$phpize"
	./configure "${configure_args[@]}"
	echo "$want" > "$stamp"
fi

# gen_stub.php wants nikic/PHP-Parser 4.15.1 next to itself and would download
# it; Debian's php-parser (4.15.4, same API) behind a symlink keeps it offline.
# phpize --clean removes build/, so redo it every time (cheap).
if [ -d /usr/share/php/PhpParser ] && [ -f build/gen_stub.php ]; then
	mkdir -p build/PHP-Parser-4.15.1/lib
	ln -sfn /usr/share/php/PhpParser build/PHP-Parser-4.15.1/lib/PhpParser
fi

make -j"${VP_JOBS:-2}" EXTRA_CFLAGS="$extra_cflags"
