--TEST--
vpopmail.backend=mysql: phpt 231 (default quota and message count of new mailboxes from the limits, the domain's disabled services in auth) on its own MariaDB, the limits in .qmailadmin-limits (no limits table) and in the limits table
--EXTENSIONS--
vpopmail
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/limits_mysql.inc';
vp_lm_run('231_limits_applied', 'vp-241');
vp_lm_run('231_limits_applied', 'vp-241', ['vpopmail.mysql_limits' => 'table']);
?>
--EXPECT--
231_limits_applied on mysql (limits auto): as on cdb
231_limits_applied on mysql (limits table): as on cdb
