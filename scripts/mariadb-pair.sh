#!/bin/sh
# mariadb-pair.sh: a private primary + replica pair of MariaDB servers with
# GTID replication, on loopback TCP, for the replication tests.
#
# usage: scripts/mariadb-pair.sh start DIR [mariadbd options]   both servers, replication running
#        scripts/mariadb-pair.sh stop DIR       both (waits until they are gone)
#        scripts/mariadb-pair.sh stop DIR p|r   one of them (clean shutdown)
#        scripts/mariadb-pair.sh kill DIR p|r   one of them, kill -9
#        scripts/mariadb-pair.sh again DIR p|r  start one again on its data
#
# DIR/p is the primary, DIR/r the replica: each a scripts/mariadb.sh server
# (own socket DIR/x/sock for root, same template: vpopmail database and
# account) with TCP on 127.0.0.1 only, on two free ports.  The replica runs
# read_only (the vpopmail account cannot write there) and follows the
# primary with MASTER_USE_GTID=slave_pos, retrying every second when the
# primary is away.  start writes DIR/vpopmail.mysql in vpopmail's
# replication form: line 1 the server for reads (the replica), line 2 the
# server for updates (the primary), and DIR/ports ("PRIMARY REPLICA").
# VP_MARIADB_OWNER is passed on to mariadb.sh (the servers stop when that
# process is gone).
set -eu

die() { echo "mariadb-pair.sh: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)

free_port() { # a port nobody listens on (another helper may race: start retries)
	while :; do
		p=$(( ($(od -An -N2 -tu2 /dev/urandom) % 20000) + 30000 ))
		ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
	done
}

one() { # start DIR/x with its saved options
	# shellcheck disable=SC2046  # the saved options are separate words
	"$here/mariadb.sh" start "$1" $(cat "$1/args")
}

[ $# -ge 2 ] || die "usage: mariadb-pair.sh start|stop|kill|again DIR [p|r]"
cmd=$1
d=$(realpath -m "$2")
shift 2
case $cmd in
start)
	mkdir -p "$d"
	pp=$(free_port)
	rp=$(free_port)
	[ "$pp" != "$rp" ] || rp=$((pp + 1))
	mkdir -p "$d/p" "$d/r"
	common="--skip-networking=0 --bind-address=127.0.0.1 --log-bin=mysql-bin --binlog-format=ROW"
	echo "$common --port=$pp --server-id=1 $*" > "$d/p/args"
	echo "$common --port=$rp --server-id=2 --relay-log=relay-bin --log-slave-updates=1 --read-only=1 $*" > "$d/r/args"
	one "$d/p"
	one "$d/r"
	mariadb --no-defaults -S "$d/p/sock" -uroot -e "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'replpw';
		GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
		CREATE USER 'vpopmailuser'@'127.0.0.1' IDENTIFIED BY 'vpoppasswd';
		GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP ON vpopmail.* TO 'vpopmailuser'@'127.0.0.1'" ||
		die "setting up the primary failed"
	mariadb --no-defaults -S "$d/r/sock" -uroot -e "CHANGE MASTER TO MASTER_HOST='127.0.0.1',
		MASTER_PORT=$pp, MASTER_USER='repl', MASTER_PASSWORD='replpw', MASTER_USE_GTID=slave_pos,
		MASTER_CONNECT_RETRY=1; START SLAVE" || die "starting replication failed"
	# the accounts made on the primary are on the replica once it caught up
	pos=$(mariadb --no-defaults -S "$d/p/sock" -uroot -N -e "SELECT @@gtid_binlog_pos")
	w=$(mariadb --no-defaults -S "$d/r/sock" -uroot -N -e "SELECT MASTER_GTID_WAIT('$pos', 30)")
	[ "$w" = 0 ] || die "the replica did not catch up: see $d/r/err.log"
	echo "$pp $rp" > "$d/ports"
	printf '%s\n' '# written by scripts/mariadb-pair.sh: reads from the replica, updates to the primary' \
		"127.0.0.1|$rp|vpopmailuser|vpoppasswd|vpopmail" \
		"127.0.0.1|$pp|vpopmailuser|vpoppasswd|vpopmail" > "$d/vpopmail.mysql" ;;
stop)
	if [ $# -ge 1 ]; then
		"$here/mariadb.sh" stop "$d/$1"
	else
		"$here/mariadb.sh" stop "$d/r"
		"$here/mariadb.sh" stop "$d/p"
	fi ;;
kill)
	[ $# -ge 1 ] || die "usage: mariadb-pair.sh kill DIR p|r"
	"$here/mariadb.sh" kill "$d/$1" ;;
again)
	[ $# -ge 1 ] || die "usage: mariadb-pair.sh again DIR p|r"
	one "$d/$1" ;;
*)
	die "unknown command $cmd" ;;
esac
