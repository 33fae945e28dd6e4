--TEST--
vpopmail.auth_logging: on by default (as vpopmail), changeable per script, shown by phpinfo(); the REMOTE_ADDR of the environment
--EXTENSIONS--
vpopmail
--ENV--
REMOTE_ADDR=203.0.113.77
--INI--
vpopmail.directory={TMP}/vp-065/vpopmail
vpopmail.qmail_dir={TMP}/vp-065/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_t_root('065');
vp_u_copy_fixture('5.6', '15-moduser-bob-nopop', $root);
var_dump(ini_get('vpopmail.auth_logging'));
ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
preg_match_all('/^(Logins recorded in lastauth|vpopmail\.auth_logging) => .*$/m', $info, $m);
echo implode("\n", $m[0]), "\n";
var_dump(vpopmail_auth_user('alice', 'example.com', 'newpw', null, 'imap'));
echo vp_b_read("$root/vpopmail/domains/example.com/alice/lastauth"), "\n";
var_dump(ini_set('vpopmail.auth_logging', 'off'));
ob_start();
phpinfo(INFO_MODULES);
preg_match('/^Logins recorded in lastauth => .*$/m', ob_get_clean(), $m);
echo $m[0], "\n";
var_dump(vpopmail_auth_user('bob', 'example.com', 'bobpw', null, 'imap', '192.0.2.1'));
echo vp_b_read("$root/vpopmail/domains/example.com/bob/lastauth"), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-065'));
?>
--EXPECT--
string(1) "1"
Logins recorded in lastauth => yes (vpopmail.auth_logging)
vpopmail.auth_logging => On => On
bool(true)
203.0.113.77
string(1) "1"
Logins recorded in lastauth => no
bool(true)
0.0.0.0
