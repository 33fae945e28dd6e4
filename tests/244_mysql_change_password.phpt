--TEST--
vpopmail.backend=mysql: phpt 236 (vpopmail_change_password(): nothing told to a stranger, the owner's change as vpasswd writes it, the policy, NO_PASSWD_CHNG and disable_password_changing) on its own MariaDB, the record read from the vpopmail row and lastauth from its table
--EXTENSIONS--
vpopmail
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/limits_mysql.inc';
$code = ['@vp_b_read("$dir/ann/lastauth")' => 'vp_lm_lastauth("$dir/ann")'];
/* the mysql module's uid field of an APOP user is 1 (vauth_adduser), the cdb module's 2 */
$expect = ['fields: uid 2,' => 'fields: uid 1,', 'cdb = vpasswd (2 records)' => 'no vpasswd files, 2 rows'];
vp_lm_run('236_change_password', 'vp-244', [], $code, $expect);
vp_lm_run('236_change_password', 'vp-244', ['vpopmail.mysql_limits' => 'table'], $code, $expect);
?>
--EXPECT--
236_change_password on mysql (limits auto): as on cdb
236_change_password on mysql (limits table): as on cdb
