--TEST--
vpopmail_change_password() check and write are one step under the domain lock: raced against vpopmail_passwd() a passwd is never lost, raced against another change only one of two changes from the same old password succeeds
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-246/vpopmail
vpopmail.qmail_dir={TMP}/vp-246/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.auth_logging=0
--FILE--
<?php
require __DIR__ . '/chpass_race.inc';
$dir = vp_l_domain('vp-246');
$root = vp_root('vp-246');
vpopmail_add_user('ann', 'example.com', 'p0');
vp_race_report(vp_race_run(['vpopmail.directory' => "$root/vpopmail", 'vpopmail.qmail_dir' => "$root/qmail",
    'vpopmail.uid' => '89', 'vpopmail.gid' => '89', 'vpopmail.auth_logging' => '0'], 25));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-246'));
?>
--EXPECT--
no lost update in 50 rounds
