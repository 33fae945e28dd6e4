--TEST--
vpopmail.backend=mysql: a clean shutdown while an add waits on a row lock (MariaDB 10.11 closes the connection: 2013; a 1053 ER_SERVER_SHUTDOWN answer is taken the same way) gives false + VPOPMAIL_VA_NO_AUTH_CONNECTION, as a kill -9 does, and nothing is written; the server started again, the same add succeeds
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-309/vpopmail
vpopmail.qmail_dir={TMP}/vp-309/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-309-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-309-db/sock
vpopmail.mysql_connect_timeout=1
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-309');
$db = vp_root('vp-309-db');
vp_rmtree($db);
mkdir($db);
file_put_contents("$db/vpopmail.mysql", "localhost|0|vpopmailuser|vpoppasswd|vpopmail\n");
vp_m_start($db);
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'));
$before = vp_m_tables($db, $root);
/* root holds the domain's counter row; the add waits on it until the shutdown */
$lock = proc_open(['mariadb', '--no-defaults', '-S', "$db/sock", '-uroot', 'vpopmail', '-e',
                   "BEGIN; SELECT cur_users FROM dir_control WHERE domain = 'example.com' FOR UPDATE; SELECT SLEEP(30)"], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
for ($i = 0; $i < 100 && !str_contains(vp_m_sql($db, 'SHOW PROCESSLIST', false), 'SLEEP(30)'); $i++) {
	usleep(50000);
}
exec('(sleep 1; ' . escapeshellarg(dirname(__DIR__) . '/scripts/mariadb.sh') . ' stop ' . escapeshellarg($db) . ') > /dev/null 2>&1 &');
$r = @vpopmail_add_user('carol', 'example.com', 'carolpw');
var_dump($r, vpopmail_errno() === VPOPMAIL_VA_NO_AUTH_CONNECTION);
$e = vpopmail_error();
echo preg_match('/(2013|1053|connect)/', $e) ? "the error names the lost connection\n" : "$e\n";
proc_close($lock);
for ($i = 0; $i < 200 && is_file("$db/pid"); $i++) {
	usleep(50000);
}
echo "no home: ", var_export(!file_exists("$root/vpopmail/domains/example.com/carol"), true), "\n";
vp_m_start_again($db);
echo "rows unchanged: ", var_export(vp_m_tables($db, $root) === $before, true), "\n";
var_dump(vpopmail_add_user('carol', 'example.com', 'carolpw'), vpopmail_auth_user('carol', 'example.com', 'carolpw'));
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
ob_start();
vp_m_stop(vp_root('vp-309-db'));
@vp_rmtree(vp_root('vp-309-db'));
@vp_rmtree(vp_root('vp-309'));
ob_end_clean();
?>
--EXPECT--
bool(true)
bool(false)
bool(true)
the error names the lost connection
no home: true
rows unchanged: true
bool(true)
bool(true)
