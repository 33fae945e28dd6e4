--TEST--
vpopmail.mysql with a second line (replication): a real primary + replica pair with GTID replication; writes go to line 2 (the primary) and appear on the replica, reads come from line 1 (the replica: with replication stopped a new process still sees the old password), a request reads its own writes (from the primary, or with mysql_read_after_write=gtid from the replica once it has the GTID, from the primary when the wait times out); phpinfo shows both servers
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-330/vpopmail
vpopmail.qmail_dir={TMP}/vp-330/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-330-db/vpopmail.mysql
vpopmail.mysql_connect_timeout=2
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/repl.inc';
$root = vp_sandbox('vp-330');
$db = vp_root('vp-330-db');
vp_r_start($db);
$ports = explode(' ', trim(file_get_contents("$db/ports")));
$execs = fn() => (int)preg_replace('/\D/', '', vp_r_sql($db, 'r', "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'"));

echo "-- writes through the extension\n";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_user('alice', 'example.com', 'alicepw'),
         vpopmail_add_user('bob', 'example.com', 'bobpw'), vpopmail_passwd('bob', 'example.com', 'bobpw2'),
         vpopmail_set_user_quota('bob', 'example.com', '10M'), vpopmail_add_user('carol', 'example.com', 'carolpw'),
         vpopmail_del_user('carol', 'example.com'), vpopmail_add_alias_domain_ex('example.com', 'alias.example'),
         vpopmail_auth_user('alice', 'example.com', 'alicepw', null, 'imap', '192.0.2.1'));
echo "replica caught up: ", var_export(vp_r_sync($db), true), "\n";
$p = vp_r_tables($db, 'p', $root);
$r = vp_r_tables($db, 'r', $root);
echo "replica tables = primary tables: ", $p === $r ? 'yes' : 'NO', " (", implode(', ', array_keys($p)), ")\n";
echo "users on the replica: ", trim(str_replace("\n", ' ', vp_r_sql($db, 'r', "SELECT CONCAT(pw_name, '@', pw_domain) FROM vpopmail ORDER BY 1"))), "\n";
echo "alice's login on the replica: ", trim(vp_r_sql($db, 'r', "SELECT remote_ip FROM lastauth WHERE user = 'alice'")), "\n";
$rpos = trim(vp_r_sql($db, 'r', 'SELECT @@gtid_binlog_pos'));
echo "the replica's binlog has only the primary's transactions (server 1): ", preg_match('/^(0-1-\d+)?$/', $rpos) ? 'yes' : "NO: $rpos", "\n";

echo "-- phpinfo\n";
ob_start();
phpinfo(INFO_MODULES);
foreach (explode("\n", ob_get_clean()) as $l) {
	if (preg_match('/^(MySQL server[^=]*|Reads after a write|MySQL connection works) => (.*)$/', $l, $m)) {
		echo "  $m[1]: ", str_replace([$ports[0], $ports[1]], ['PRIMARY', 'REPLICA'], $m[2]), "\n";
	}
}

echo "-- reads from the replica: replication stopped, a password changed on the primary\n";
vp_r_sql($db, 'r', 'STOP SLAVE');
var_dump(vpopmail_passwd('alice', 'example.com', 'alicepw2'));
echo "this request reads its write (from the primary): ", var_export(vpopmail_auth_user('alice', 'example.com', 'alicepw2'), true), "\n";
echo "another process (a new request, from the replica): ",
     vp_r_child('var_export([vpopmail_auth_user("alice", "example.com", "alicepw2"), vpopmail_auth_user("alice", "example.com", "alicepw")]);', $root, $db), "\n";
echo "gtid mode, the replica never gets there: the 300 ms wait, then the primary answers: ",
     vp_r_child('vpopmail_passwd("alice", "example.com", "alicepw3"); $t = microtime(true); $a = vpopmail_auth_user("alice", "example.com", "alicepw3"); $t = microtime(true) - $t;
                 echo var_export($a, true), $t >= 0.25 && $t < 5 ? " after the wait" : " in $t s";', $root, $db,
                ['vpopmail.mysql_read_after_write' => 'gtid', 'vpopmail.mysql_gtid_wait_ms' => '300']), "\n";
vp_r_sql($db, 'r', 'START SLAVE');
echo "replication back: ", var_export(vp_r_sync($db), true), "\n";

echo "-- a login right after each password change, 40 times in one request\n";
$loop = 'vpopmail_auth_user("bob", "example.com", "bobpw2"); $ok = 0;
for ($i = 0; $i < 40; $i++) { vpopmail_passwd("bob", "example.com", "x$i"); $ok += vpopmail_auth_user("bob", "example.com", "x$i") ? 1 : 0; }
echo "$ok of 40";';
foreach (['primary', 'gtid'] as $mode) {
	$before = $execs();
	$out = vp_r_child($loop, $root, $db, ['vpopmail.mysql_read_after_write' => $mode]);
	$n = $execs() - $before;
	/* primary: the replica answers only the first login (before any write);
	 * gtid: each login waits there (MASTER_GTID_WAIT) and reads there */
	echo "$mode: $out new passwords seen; statements on the replica: ",
	     $mode === 'primary' ? ($n < 10 ? 'few' : $n) : ($n >= 80 ? 'at least 2 per login' : $n), "\n";
}
$before = $execs();
$out = vp_r_child('$ok = 0; for ($i = 0; $i < 10; $i++) { $ok += vpopmail_auth_user("alice", "example.com", "alicepw3", null, "imap", "198.51.100.$i") ? 1 : 0; } echo $ok;', $root, $db);
echo "10 logins in one request: $out ok, their lastauth on the primary: ", trim(vp_r_sql($db, 'p', "SELECT remote_ip FROM lastauth WHERE user = 'alice'")),
     ", each read from the replica (a login's lastauth does not pull the request to the primary): ", $execs() - $before >= 10 ? 'yes' : 'NO', "\n";
var_dump(vp_r_sync($db));
echo "bob's row on the replica = on the primary: ", vp_r_sql($db, 'r', "SELECT pw_passwd FROM vpopmail WHERE pw_name = 'bob'") === vp_r_sql($db, 'p', "SELECT pw_passwd FROM vpopmail WHERE pw_name = 'bob'") ? 'yes' : 'NO', "\n";
vp_r_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/repl.inc';
/* best effort and silent: a storm's last server may still be going down
 * (any output here is a WARN) */
ob_start();
vp_r_stop(vp_root('vp-330-db'));
@vp_rmtree(vp_root('vp-330-db'));
@vp_rmtree(vp_root('vp-330'));
ob_end_clean();
?>
--EXPECT--
-- writes through the extension
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
replica caught up: true
replica tables = primary tables: yes (aliasdomains, dir_control, lastauth, vpopmail)
users on the replica: alice@example.com bob@example.com postmaster@example.com
alice's login on the replica: 192.0.2.1
the replica's binlog has only the primary's transactions (server 1): yes
-- phpinfo
  MySQL server for reads (vpopmail.mysql line 1): 127.0.0.1:REPLICA: connected
  MySQL server for updates (line 2): 127.0.0.1:PRIMARY: connected
  Reads after a write: from the primary until the request ends (vpopmail.mysql_read_after_write)
  MySQL connection works: yes
-- reads from the replica: replication stopped, a password changed on the primary
bool(true)
this request reads its write (from the primary): true
another process (a new request, from the replica): array (
  0 => false,
  1 => true,
)
gtid mode, the replica never gets there: the 300 ms wait, then the primary answers: true after the wait
replication back: true
-- a login right after each password change, 40 times in one request
primary: 40 of 40 new passwords seen; statements on the replica: few
gtid: 40 of 40 new passwords seen; statements on the replica: at least 2 per login
10 logins in one request: 10 ok, their lastauth on the primary: 198.51.100.9, each read from the replica (a login's lastauth does not pull the request to the primary): yes
bool(true)
bob's row on the replica = on the primary: yes
