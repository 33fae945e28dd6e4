#!/usr/bin/env bash
# roundcube.sh: Debian's roundcube-plugins package, unpacked (not installed),
# for tests/239_roundcube_driver.phpt: the real password plugin that loads our
# contrib/roundcube/vpopmail_ext.php driver.
#
# usage: scripts/roundcube.sh            prints the plugin directory
#                                        (<dir>/usr/share/roundcube/plugins/password)
# The package is fetched with `apt-get download` (no root, no dependencies,
# no web server) and unpacked with `dpkg-deb -x` into $VP_ROUNDCUBE_DIR
# (default: ${TMPDIR:-/tmp}/vp-roundcube), once; later runs reuse it.
# Fails (status 1, a reason on stderr) when apt cannot fetch it, e.g. offline
# or on a system without apt: the test then skips.
set -euo pipefail

dir=${VP_ROUNDCUBE_DIR:-${TMPDIR:-/tmp}/vp-roundcube}
plugin=$dir/usr/share/roundcube/plugins/password

if [ -f "$plugin/password.php" ] && [ -f "$plugin/localization/en_US.inc" ]; then
	echo "$plugin"
	exit 0
fi
for tool in apt-get dpkg-deb; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "roundcube.sh: no $tool: cannot fetch Debian's roundcube-plugins" >&2
		exit 1
	fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/vp-roundcube-fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get download -q roundcube-plugins >/dev/null 2>"$work/apt.err"); then
	echo "roundcube.sh: apt-get download roundcube-plugins failed: $(tail -1 "$work/apt.err")" >&2
	exit 1
fi
deb=$(ls "$work"/roundcube-plugins_*.deb)
mkdir -p "$dir"
dpkg-deb -x "$deb" "$work/x"
# Only the password plugin is needed; keep its whole folder as the package ships it.
rm -rf "$dir/usr"
mkdir -p "$dir/usr/share/roundcube/plugins"
cp -a "$work/x/usr/share/roundcube/plugins/password" "$dir/usr/share/roundcube/plugins/"
basename "$deb" > "$dir/package"
echo "$plugin"
