--TEST--
vpopmail.backend=mysql: vpopmail_change_password() check and write in one transaction (the row read FOR UPDATE): raced against vpopmail_passwd() a passwd is never lost, raced against another change only one of two changes from the same old password succeeds
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-247/vpopmail
vpopmail.qmail_dir={TMP}/vp-247/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.auth_logging=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-247-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-247-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
require __DIR__ . '/chpass_race.inc';
$root = vp_sandbox('vp-247');
$db = vp_root('vp-247-db');
vp_m_start($db);
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_user('ann', 'example.com', 'p0'));
vp_race_report(vp_race_run(['vpopmail.directory' => "$root/vpopmail", 'vpopmail.qmail_dir' => "$root/qmail",
    'vpopmail.uid' => '89', 'vpopmail.gid' => '89', 'vpopmail.auth_logging' => '0', 'vpopmail.backend' => 'mysql',
    'vpopmail.mysql_config' => "$db/vpopmail.mysql", 'vpopmail.mysql_socket' => "$db/sock"], 25));
vp_m_stop($db);
vp_rmtree($db);
vp_rmtree($root);
?>
--EXPECT--
bool(true)
bool(true)
no lost update in 50 rounds
