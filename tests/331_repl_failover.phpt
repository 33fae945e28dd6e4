--TEST--
replication, a server lost mid-run: the replica killed (kill -9) while a request reads and writes: reads go on from the primary, writes too, and once it is back it has them all; the primary killed: writes give false + VPOPMAIL_VA_NO_AUTH_CONNECTION at once while user_info and logins go on from the replica (the login's lastauth row is skipped, the login does not fail); restarted, the next write succeeds; a primary that accepts and never answers costs one connect timeout, then the logins do not wait
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-331/vpopmail
vpopmail.qmail_dir={TMP}/vp-331/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-331-db/vpopmail.mysql
vpopmail.mysql_connect_timeout=1
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/repl.inc';
$root = vp_sandbox('vp-331');
$db = vp_root('vp-331-db');
vp_r_start($db);
$execs = fn() => (int)preg_replace('/\D/', '', vp_r_sql($db, 'r', "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'"));
$t = microtime(true);
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_user('alice', 'example.com', 'alicepw'));
$t_add = microtime(true) - $t; /* the yardstick of this run (valgrind slows all alike) */
var_dump(vpopmail_add_user('bob', 'example.com', 'bobpw'));
vp_r_sync($db);
/* one round: a login, a user_info, a wrong password, and (with $write) a password change and a login with it */
function round_(int $i, bool $write): array
{
	$t = microtime(true);
	$r = [vpopmail_auth_user('alice', 'example.com', 'alicepw', null, 'imap', "192.0.2.$i") !== false,
	      is_array(vpopmail_user_info('alice', 'example.com')), @vpopmail_auth_user('alice', 'example.com', 'nope') === false];
	if ($write) {
		$w = @vpopmail_passwd('bob', 'example.com', "bob$i");
		$r[] = $w ? 'written' : (vpopmail_errno() === VPOPMAIL_VA_NO_AUTH_CONNECTION ? 'refused -23' : 'error ' . vpopmail_errno());
		$r[] = vpopmail_auth_user('bob', 'example.com', $w ? "bob$i" : 'bob9') !== false;
	}
	return [$r, microtime(true) - $t];
}
function run_(int $n, callable $at10): array
{
	$seen = [];
	$before = [];
	$slow = 0;
	for ($i = 0; $i < $n; $i++) {
		if ($i === 10) {
			$at10();
		}
		[$r, $t] = round_($i, true);
		$seen[json_encode($r)] = ($seen[json_encode($r)] ?? 0) + 1;
		if ($i < 10) {
			$before[] = $t;
		} else {
			$slow = max($slow, $t);
		}
	}
	sort($before);
	/* no round after the kill waits for a timeout: at most a reconnect more */
	return [$seen, $slow / $before[5]];
}

echo "-- the replica killed after 10 of 30 rounds\n";
[$seen, $slow] = run_(30, fn() => vp_r_kill($db, 'r'));
var_dump($seen);
echo "slowest round after the kill within 25 rounds before it: ", $slow < 25 ? 'yes' : $slow, "\n";
vp_r_again($db, 'r');
echo "the replica back, caught up: ", var_export(vp_r_sync($db), true), "\n";
echo "its bob row = the primary's: ", vp_r_sql($db, 'r', "SELECT pw_passwd FROM vpopmail WHERE pw_name = 'bob'") === vp_r_sql($db, 'p', "SELECT pw_passwd FROM vpopmail WHERE pw_name = 'bob'") ? 'yes' : 'NO', "\n";
$before = $execs();
echo "a new request reads from it again: ", vp_r_child('var_export(vpopmail_auth_user("bob", "example.com", "bob29"));', $root, $db), "; ", $execs() > $before ? 'served by the replica' : 'NOT by the replica', "\n";

echo "-- the primary killed after 10 of 30 rounds (bob's password stays bob9)\n";
$la = vp_r_sql($db, 'r', "SELECT remote_ip FROM lastauth WHERE user = 'alice'");
[$seen, $slow] = run_(30, fn() => vp_r_kill($db, 'p'));
var_dump($seen);
echo "slowest round after the kill within 25 rounds before it: ", $slow < 25 ? 'yes' : $slow, "\n";
echo "alice's lastauth on the replica is that of round 9: ", trim(vp_r_sql($db, 'r', "SELECT remote_ip FROM lastauth WHERE user = 'alice'")), "\n";
$t = microtime(true);
var_dump(@vpopmail_add_user('carol', 'example.com', 'carolpw'), vpopmail_errno() === VPOPMAIL_VA_NO_AUTH_CONNECTION);
echo "add_user refused faster than the first add_user took: ", microtime(true) - $t < $t_add ? 'yes' : 'NO', "; no home made: ", json_encode(glob("$root/vpopmail/domains/example.com/carol*")), "\n";
echo "a new process: logins and reads from the replica, writes refused: ",
     vp_r_child('var_export([vpopmail_auth_user("bob", "example.com", "bob9"), is_array(vpopmail_user_info("bob", "example.com")), @vpopmail_passwd("bob", "example.com", "x"), vpopmail_errno()]);', $root, $db), "\n";

echo "-- the primary back: the next write succeeds\n";
vp_r_again($db, 'p');
usleep(1100000); /* a server whose connect failed is tried again after 1 s */
var_dump(vpopmail_passwd('bob', 'example.com', 'bobback'), vpopmail_add_user('carol', 'example.com', 'carolpw'),
         vpopmail_auth_user('bob', 'example.com', 'bobback'));
echo "replication resumed, the replica has them: ", var_export(vp_r_sync($db), true), ", ",
     trim(str_replace("\n", ' ', vp_r_sql($db, 'r', "SELECT pw_name FROM vpopmail WHERE pw_name IN ('bob', 'carol') AND (pw_name = 'carol' OR pw_passwd = (SELECT pw_passwd FROM vpopmail WHERE pw_name = 'bob')) ORDER BY 1"))), "\n";
echo "carol has her home: ", is_dir("$root/vpopmail/domains/example.com/carol/Maildir/new") ? 'yes' : 'NO', "\n";

echo "-- a primary that accepts and never answers (connect timeout 1 s)\n";
$silent = stream_socket_server('tcp://127.0.0.1:0', $en, $es);
$port = (int)substr(strrchr(stream_socket_get_name($silent, false), ':'), 1);
$lines = file("$db/vpopmail.mysql", FILE_IGNORE_NEW_LINES);
file_put_contents("$db/silent.mysql", "$lines[1]\n127.0.0.1|$port|vpopmailuser|vpoppasswd|vpopmail\n");
echo vp_r_child('$t = microtime(true); $w = @vpopmail_passwd("bob", "example.com", "y"); $e = vpopmail_errno(); $t1 = microtime(true) - $t;
$t = microtime(true); $ok = 0; for ($i = 0; $i < 5; $i++) { $ok += vpopmail_auth_user("bob", "example.com", "bobback", null, "imap", "192.0.2.99") ? 1 : 0; } $t2 = microtime(true) - $t;
$t = microtime(true); $w2 = @vpopmail_del_user("carol", "example.com"); $e2 = vpopmail_errno(); $t3 = microtime(true) - $t;
echo "write: ", var_export($w, true), " $e after ", $t1 >= 0.9 && $t1 < 5 ? "the timeout" : "$t1 s", "; 5 logins: $ok ok in ", $t2 < $t1 / 2 ? "less than half of it" : "$t2 s",
     "; the next write: ", var_export($w2, true), " $e2 in ", $t3 < $t1 / 4 ? "less than a quarter of it" : "$t3 s";', $root, $db, ['vpopmail.mysql_config' => "$db/silent.mysql"]), "\n";
fclose($silent);
echo "carol is still there: ", trim(vp_r_sql($db, 'p', "SELECT COUNT(*) FROM vpopmail WHERE pw_name = 'carol'")), "\n";
vp_r_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/repl.inc';
/* best effort and silent: a storm's last server may still be going down
 * (any output here is a WARN) */
ob_start();
vp_r_stop(vp_root('vp-331-db'));
@vp_rmtree(vp_root('vp-331-db'));
@vp_rmtree(vp_root('vp-331'));
ob_end_clean();
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
-- the replica killed after 10 of 30 rounds
array(1) {
  ["[true,true,true,"written",true]"]=>
  int(30)
}
slowest round after the kill within 25 rounds before it: yes
the replica back, caught up: true
its bob row = the primary's: yes
a new request reads from it again: true; served by the replica
-- the primary killed after 10 of 30 rounds (bob's password stays bob9)
array(2) {
  ["[true,true,true,"written",true]"]=>
  int(10)
  ["[true,true,true,"refused -23",true]"]=>
  int(20)
}
slowest round after the kill within 25 rounds before it: yes
alice's lastauth on the replica is that of round 9: 192.0.2.9
bool(false)
bool(true)
add_user refused faster than the first add_user took: yes; no home made: []
a new process: logins and reads from the replica, writes refused: array (
  0 => true,
  1 => true,
  2 => false,
  3 => -23,
)
-- the primary back: the next write succeeds
bool(true)
bool(true)
bool(true)
replication resumed, the replica has them: true, bob carol
carol has her home: yes
-- a primary that accepts and never answers (connect timeout 1 s)
write: false -23 after the timeout; 5 logins: 5 ok in less than half of it; the next write: false -23 in less than a quarter of it
carol is still there: 1