--TEST--
vpopmail.backend=mysql: phpt 237 (vpopmail_change_password(): a known user with a wrong old password and an unknown user take the same time, median ratio within 10% in one run) on its own MariaDB
--EXTENSIONS--
vpopmail
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/limits_mysql.inc';
vp_lm_run('237_change_password_timing', 'vp-245', ['vpopmail.mysql_limits' => 'table']);
?>
--EXPECT--
237_change_password_timing on mysql (limits table): as on cdb
