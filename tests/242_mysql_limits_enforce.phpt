--TEST--
vpopmail.backend=mysql: phpt 232 and 233 (limits enforced where asked, off by default; the INI and the per-request override) on its own MariaDB, nothing written (tree and every table) when refused; the limits in the file and in the limits table
--EXTENSIONS--
vpopmail
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/limits_mysql.inc';
vp_lm_run('232_limits_enforce', 'vp-242', [], [], []);
vp_lm_run('232_limits_enforce', 'vp-242', ['vpopmail.mysql_limits' => 'table']);
vp_lm_run('233_limits_enforce_ini', 'vp-242', ['vpopmail.mysql_limits' => 'table']);
?>
--EXPECT--
232_limits_enforce on mysql (limits auto): as on cdb
232_limits_enforce on mysql (limits table): as on cdb
233_limits_enforce_ini on mysql (limits table): as on cdb
