--TEST--
vpopmail.backend=mysql: phpt 234 (vpopmail_domain_usage(): counts, disk and limits side by side on a generated domain of 241 mailboxes) on its own MariaDB, nothing written (tree and every table); the limits in the file and in the limits table
--EXTENSIONS--
vpopmail
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/limits_mysql.inc';
vp_lm_run('234_domain_usage', 'vp-243');
vp_lm_run('234_domain_usage', 'vp-243', ['vpopmail.mysql_limits' => 'table'], [], ['limits source domain' => 'limits source table']);
?>
--EXPECT--
234_domain_usage on mysql (limits auto): as on cdb
234_domain_usage on mysql (limits table): as on cdb
