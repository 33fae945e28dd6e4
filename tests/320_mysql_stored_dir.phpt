--TEST--
vpopmail.backend=mysql: a pw_dir written by another tool outside the domain's directory (a cron folder, a prefix twin of the domain, '..' into another domain) is refused by a logged login as on cdb (phpt 150), and its lastauth row is left alone
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-320/vpopmail
vpopmail.qmail_dir={TMP}/vp-320/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.auth_logging=1
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-320-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-320-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-320');
$db = vp_root('vp-320-db');
vp_m_start($db);
$dom = "$root/vpopmail/domains/example.com";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_domain_ex('other.test', 'Secret123'),
         vpopmail_add_user('alice', 'example.com', 'alicepw1'), vpopmail_add_user('carol', 'other.test', 'carolpw1'));
$la = fn() => trim(vp_m_sql($db, "SELECT remote_ip, timestamp FROM lastauth WHERE user = 'alice'", false));
vp_m_sql($db, "UPDATE lastauth SET remote_ip = '192.0.2.1', timestamp = 1000 WHERE user = 'alice'");
foreach (["$root/canary/cron.hourly", "{$dom}2/alice", "$dom/../other.test/carol", "$dom/./alice", $dom] as $target) {
	echo '-- alice\'s pw_dir: ', str_replace($root, 'ROOT', $target), "\n";
	vp_m_sql($db, "UPDATE vpopmail SET pw_dir = '" . addslashes($target) . "' WHERE pw_name = 'alice'");
	$r = @vpopmail_auth_user('alice', 'example.com', 'alicepw1', null, 'imap', '203.0.113.9');
	echo 'logged login: ', json_encode($r), ' errno=', vpopmail_errno(), ' ', str_replace($root, 'ROOT', vpopmail_error()), "\n";
	echo 'lastauth row: ', $la(), "\n";
}
echo "-- the password alone still answers (no directory used), with logging off, as on cdb\n";
ini_set('vpopmail.auth_logging', '0');
var_dump(vpopmail_auth_user('alice', 'example.com', 'alicepw1'));
echo "-- the real home back: the login is logged\n";
ini_set('vpopmail.auth_logging', '1');
vp_m_sql($db, "UPDATE vpopmail SET pw_dir = '" . addslashes("$dom/alice") . "' WHERE pw_name = 'alice'");
var_dump(vpopmail_auth_user('alice', 'example.com', 'alicepw1', null, 'imap', '203.0.113.9'));
var_dump(vpopmail_user_info('alice', 'example.com')['last_auth_ip']);
vp_m_stop($db);
vp_rmtree($db);
vp_rmtree($root);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
-- alice's pw_dir: ROOT/canary/cron.hourly
logged login: false errno=-116 unsafe directory: ROOT/canary/cron.hourly is not inside the domain's directory ROOT/vpopmail/domains/example.com
lastauth row: 192.0.2.1	1000
-- alice's pw_dir: ROOT/vpopmail/domains/example.com2/alice
logged login: false errno=-116 unsafe directory: ROOT/vpopmail/domains/example.com2/alice is not inside the domain's directory ROOT/vpopmail/domains/example.com
lastauth row: 192.0.2.1	1000
-- alice's pw_dir: ROOT/vpopmail/domains/example.com/../other.test/carol
logged login: false errno=-116 unsafe directory: ROOT/vpopmail/domains/example.com/../other.test/carol names '.', '..' or an empty component
lastauth row: 192.0.2.1	1000
-- alice's pw_dir: ROOT/vpopmail/domains/example.com/./alice
logged login: false errno=-116 unsafe directory: ROOT/vpopmail/domains/example.com/./alice names '.', '..' or an empty component
lastauth row: 192.0.2.1	1000
-- alice's pw_dir: ROOT/vpopmail/domains/example.com
logged login: false errno=-116 unsafe directory: ROOT/vpopmail/domains/example.com is not inside the domain's directory ROOT/vpopmail/domains/example.com
lastauth row: 192.0.2.1	1000
-- the password alone still answers (no directory used), with logging off, as on cdb
bool(true)
-- the real home back: the login is logged
bool(true)
string(11) "203.0.113.9"
