--TEST--
vpopmail.backend=mysql past 99 users (fixture extra-bigdir): the 100th user in hash dir 0/, the dir_control row's the_dir, vdeluser's .dir_control_free, rows and files as vpopmail 5.6.13's mysql module wrote them; the next add takes the freed slot
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-304/vpopmail
vpopmail.qmail_dir={TMP}/vp-304/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-304-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-304-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-304');
$db = vp_root('vp-304-db');
vp_m_start($db);
$big = "$root/vpopmail/domains/big.test";
$check = function (string $step) use ($root, $db) {
	vp_m_same_tables($db, $root, 'default', "extra-bigdir/$step");
	/* the fixture keeps u01 and u98 of the 98 first users */
	vp_m_same_disk($root, "extra-bigdir/$step", '~^vpopmail/domains/big\.test/u(0[2-9]|[1-8][0-9]|9[0-7])(/|$)~');
};
var_dump(vpopmail_add_domain_ex('big.test', 'BigPass1'));
$check('01-adddomain-big.test');
for ($i = 1; $i <= 98; $i++) {
	vpopmail_add_user(sprintf('u%02d', $i), 'big.test', sprintf('pw%02d', $i)) or print("u$i failed\n");
}
echo trim(vp_m_sql($db, "SELECT cur_users, the_dir FROM dir_control WHERE domain = 'big.test'", false)), ", no bucket yet: ", var_export(is_dir("$big/0"), true), "\n";
foreach ([99 => '02-adduser-u99-100th-user', 100 => '03-adduser-u100-101st-user', 101 => '04-adduser-u101-102nd-user'] as $i => $step) {
	echo "-- $step: ", var_export(vpopmail_add_user("u$i", 'big.test', "pw$i"), true), "\n";
	$check($step);
}
var_dump(vpopmail_auth_user('u100', 'big.test', 'pw100'), vpopmail_auth_user('u01', 'big.test', 'pw01'));
echo "-- 05-deluser-u100: ", var_export(vpopmail_del_user('u100', 'big.test'), true), "\n";
$check('05-deluser-u100');
var_dump(file_get_contents("$big/.dir_control_free"));
echo "-- the next user takes the freed slot in 0/\n";
var_dump(vpopmail_add_user('u102', 'big.test', 'pw102'), vpopmail_user_info('u102', 'big.test')['dir'] === "$big/0/u102",
         file_get_contents("$big/.dir_control_free"));
echo trim(vp_m_sql($db, "SELECT cur_users, the_dir FROM dir_control WHERE domain = 'big.test'", false)), "\n";
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-304-db'));
vp_rmtree(vp_root('vp-304-db'));
vp_rmtree(vp_root('vp-304'));
?>
--EXPECT--
bool(true)
extra-bigdir/01-adddomain-big.test tables: same
extra-bigdir/01-adddomain-big.test files: same
99, no bucket yet: false
-- 02-adduser-u99-100th-user: true
extra-bigdir/02-adduser-u99-100th-user tables: same
extra-bigdir/02-adduser-u99-100th-user files: same
-- 03-adduser-u100-101st-user: true
extra-bigdir/03-adduser-u100-101st-user tables: same
extra-bigdir/03-adduser-u100-101st-user files: same
-- 04-adduser-u101-102nd-user: true
extra-bigdir/04-adduser-u101-102nd-user tables: same
extra-bigdir/04-adduser-u101-102nd-user files: same
bool(true)
bool(true)
-- 05-deluser-u100: true
extra-bigdir/05-deluser-u100 tables: same
extra-bigdir/05-deluser-u100 files: same
string(2) "0
"
-- the next user takes the freed slot in 0/
bool(true)
bool(true)
string(0) ""
102	0
