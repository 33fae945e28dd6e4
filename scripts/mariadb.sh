#!/bin/sh
# mariadb.sh: a private, throw-away MariaDB server for the tests.
#
# usage: scripts/mariadb.sh start DIR [mariadbd options]
#        scripts/mariadb.sh stop DIR
#        scripts/mariadb.sh kill DIR      (kill -9: a crash; the data stays for a start)
#        scripts/mariadb.sh template      (build the template now; start does it when missing)
#
# Debian's mariadb-server binaries only (no system service, nothing under
# /etc/mysql is read: --no-defaults), unix socket DIR/sock, no TCP
# (--skip-networking), datadir DIR/data.  The first start copies a stopped
# template datadir (installing one costs 2-4 s, a copy 0.1 s); the template
# already holds what vpopmail's README.mysql sets up:
#   database  vpopmail (utf8mb4 / utf8mb4_general_ci, Debian's server default,
#             which vpopmail's CREATE TABLEs inherit, as in the fixtures)
#   account   'vpopmailuser'@'localhost' IDENTIFIED BY 'vpoppasswd' with
#             SELECT, INSERT, UPDATE, DELETE, CREATE, DROP ON vpopmail.* and
#             nothing more (no ALTER, INDEX, LOCK TABLES or routines)
#   root      root@localhost without password, over the socket only (the tests
#             use it to look at the tables and to set up odd schemas)
# start also writes DIR/vpopmail.mysql in vpopmail's format, socket form:
#   localhost|0|vpopmailuser|vpoppasswd|vpopmail
# Port 0 means "the default socket": the client is told the path DIR/sock
# separately (libcore's mysql_socket option, or MYSQL_UNIX_PORT in the
# environment, which Connector/C reads when it initialises).
#
# A start on a DIR whose data/ exists reuses it (a restart keeps the rows).
# stop waits until the server process is gone (exited; pid 1 may reap it later).
# With "kill" instead of stop it is killed with SIGKILL (a crash), same wait.  With VP_MARIADB_OWNER=PID in
# the environment, start also leaves a watchdog that stops the server once
# process PID is gone (a test that crashes or is killed leaves no server).
# Template: $VP_MARIADB_TEMPLATE, default ${TMPDIR:-/tmp}/vp-mariadb-template-<uid>-<version>;
# built in a temporary folder and renamed into place, so parallel runs are safe.
set -eu

die() { echo "mariadb.sh: $*" >&2; exit 1; }

for tool in mariadbd mariadb-install-db mariadb-admin mariadb; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool not found: install Debian's mariadb-server (scripts/deps.sh does)"
done

version=$(mariadbd --version 2>/dev/null | sed -n 's/.*Ver \([^ ]*\).*/\1/p')
template=${VP_MARIADB_TEMPLATE:-${TMPDIR:-/tmp}/vp-mariadb-template-$(id -u)-${version:-unknown}}

# Server options shared by the template build and the test servers.
# tmpdir: the server's own (its internal temporary tables are files there; in
# the shared /tmp one was once gone before the server removed it, failing a test).
server_opts() { # datadir socket pidfile errlog tmpdir
	echo --no-defaults --user=root --datadir="$1" --socket="$2" --pid-file="$3" \
		--log-error="$4" --tmpdir="$5" --skip-networking --innodb-buffer-pool-size=32M \
		--innodb-log-file-size=8M --open-files-limit=1024 \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
}

wait_up() { # socket errlog pid
	i=0
	until mariadb-admin --no-defaults -S "$1" -uroot ping >/dev/null 2>&1; do
		kill -0 "$3" 2>/dev/null || die "the server exited: see $2"
		i=$((i + 1))
		[ $i -le 600 ] || die "the server did not answer within 60 s: see $2"
		sleep 0.1
	done
}

# A process that exited but is not reaped yet (a zombie: it holds no file,
# socket or lock any more) counts as gone: pid 1 here may reap orphans late.
alive() { # pid
	kill -0 "$1" 2>/dev/null || return 1
	state=$(sed 's/^.*) \([A-Z]\).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[ "$state" != Z ]
}

stop_server() { # socket pidfile
	[ -f "$2" ] || return 0
	pid=$(cat "$2")
	mariadb-admin --no-defaults -S "$1" -uroot shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
	while alive "$pid"; do sleep 0.05; done
	rm -f "$2"
}

build_template() {
	[ -d "$template/data/mysql" ] && return 0
	mkdir -p "$(dirname "$template")"
	work=$(mktemp -d "$template.build.XXXXXX")
	mariadb-install-db --no-defaults --datadir="$work/data" --user=root \
		--auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
		--innodb-buffer-pool-size=32M --innodb-log-file-size=8M > "$work/install.log" 2>&1 ||
		die "mariadb-install-db failed: see $work/install.log"
	# shellcheck disable=SC2046  # server_opts prints separate words on purpose
	mkdir -p "$work/tmp"
	mariadbd $(server_opts "$work/data" "$work/sock" "$work/pid" "$work/err.log" "$work/tmp") >/dev/null 2>&1 &
	wait_up "$work/sock" "$work/err.log" $!
	mariadb --no-defaults -S "$work/sock" -uroot <<-'SQL' || die "setting up the template failed"
		CREATE DATABASE vpopmail;
		CREATE USER 'vpopmailuser'@'localhost' IDENTIFIED BY 'vpoppasswd';
		GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP ON vpopmail.* TO 'vpopmailuser'@'localhost';
	SQL
	stop_server "$work/sock" "$work/pid"
	mv -T "$work" "$template" 2>/dev/null || rm -rf "$work" # another run won the race
	[ -d "$template/data/mysql" ] || die "no template at $template"
}

[ $# -ge 1 ] || die "usage: mariadb.sh start DIR [mariadbd options] | stop DIR | template"
cmd=$1
shift
case $cmd in
template)
	build_template ;;
start)
	[ $# -ge 1 ] || die "usage: mariadb.sh start DIR"
	d=$(realpath -m "$1") # the server resolves a relative datadir against /usr
	shift
	mkdir -p "$d"
	if [ ! -d "$d/data/mysql" ]; then
		build_template
		cp -a "$template/data" "$d/data"
	fi
	mkdir -p "$d/tmp"
	# shellcheck disable=SC2046
	mariadbd $(server_opts "$d/data" "$d/sock" "$d/pid" "$d/err.log" "$d/tmp") "$@" >/dev/null 2>&1 &
	server=$!
	wait_up "$d/sock" "$d/err.log" $server
	if [ -n "${VP_MARIADB_OWNER:-}" ]; then
		owner=$VP_MARIADB_OWNER
		(
			while kill -0 "$owner" 2>/dev/null && alive "$server"; do sleep 1; done
			# only our server: a later start on DIR has another pid
			if alive "$server" && [ "$(cat "$d/pid" 2>/dev/null)" = "$server" ]; then
				stop_server "$d/sock" "$d/pid"
			fi
		) </dev/null >/dev/null 2>&1 &
	fi
	printf '%s\n' '# written by scripts/mariadb.sh: socket form, the path is given separately' \
		'localhost|0|vpopmailuser|vpoppasswd|vpopmail' > "$d/vpopmail.mysql" ;;
stop)
	[ $# -ge 1 ] || die "usage: mariadb.sh stop DIR"
	d=$(realpath -m "$1")
	stop_server "$d/sock" "$d/pid" ;;
kill)
	[ $# -ge 1 ] || die "usage: mariadb.sh kill DIR"
	d=$(realpath -m "$1")
	if [ -f "$d/pid" ]; then
		pid=$(cat "$d/pid")
		kill -9 "$pid" 2>/dev/null || true
		while alive "$pid"; do sleep 0.02; done
		rm -f "$d/pid"
	fi ;;
*)
	die "unknown command $cmd" ;;
esac
