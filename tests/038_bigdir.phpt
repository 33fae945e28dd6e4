--TEST--
vpopmail_add_user()/del_user() past 99 users: hashed dir 0/, .dir-control and .dir_control_free as in extra-bigdir (vpopmail 5.6.13)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-038/vpopmail
vpopmail.qmail_dir={TMP}/vp-038/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-038');
$big = "$root/vpopmail/domains/big.test";
$fix = fn(string $step) => vp_t_fixture('5.6', "extra-bigdir/$step") . '/vpopmail/domains/big.test';
function same_file(string $ours, string $real): string
{
	$want = file_get_contents($real);
	if (basename($real) === '.dir-control') { /* mysql: the row, as vpopmail keeps it */
		$want = vp_b_dirc_expect($want);
	}
	return vp_b_read($ours) === $want ? 'as real' : 'DIFFERENT';
}
/* vpasswd and vpasswd.cdb as vp_same_as sees them: paths mapped, hashes masked */
function same_vpasswd(string $root, string $ours, string $real): string
{
	$a = vp_file_view($root, "$ours/vpasswd") === vp_file_view($root, "$real/vpasswd");
	$b = vp_file_view($root, "$ours/vpasswd.cdb") === vp_file_view($root, "$real/vpasswd.cdb");
	return 'vpasswd ' . ($a ? 'as real' : 'DIFFERENT') . ', vpasswd.cdb ' . ($b ? 'as real' : 'DIFFERENT');
}

var_dump(vpopmail_add_domain_ex('big.test', 'BigPass1'));
vp_same_as($root, 'vpopmail-5.6/extra-bigdir', '01-adddomain-big.test');
for ($i = 1; $i <= 98; $i++) {
	vpopmail_add_user(sprintf('u%02d', $i), 'big.test', sprintf('pw%02d', $i)) or print("u$i failed\n");
}
echo strtok(vp_b_read("$big/.dir-control"), "\n"), " users, no bucket yet: ", var_export(is_dir("$big/0"), true), "\n";
$steps = [99 => '02-adduser-u99-100th-user', 100 => '03-adduser-u100-101st-user', 101 => '04-adduser-u101-102nd-user'];
foreach ($steps as $i => $step) {
	echo "-- $step\n";
	vp_t_show(vpopmail_add_user("u$i", 'big.test', "pw$i"));
	echo vp_u_line($root, $big, "u$i"), "\n";
	echo '.dir-control ', same_file("$big/.dir-control", $fix($step) . '/.dir-control'), ', ', same_vpasswd($root, $big, $fix($step)), "\n";
	echo implode(' ', vp_t_ls("$big/0")), ' | ', implode(' ', vp_t_ls("$big/0/u$i")), ' | ', vp_u_mode("$big/0"), ' ', vp_u_mode("$big/0/u$i"), "\n";
	vp_same_as($root, 'vpopmail-5.6/extra-bigdir', $step, ['qmail']);
}
vp_t_show(vpopmail_auth_user('u100', 'big.test', 'pw100'));
vp_t_show(vpopmail_auth_user('u01', 'big.test', 'pw01'));
echo vp_u_cdb_matches($big), "\n";

echo "-- 05-deluser-u100\n";
vp_t_show(vpopmail_del_user('u100', 'big.test'));
$real = $fix('05-deluser-u100');
echo '.dir-control ', same_file("$big/.dir-control", "$real/.dir-control"), ', .dir_control_free ',
     same_file("$big/.dir_control_free", "$real/.dir_control_free"), ', ', same_vpasswd($root, $big, $real), "\n";
var_dump(file_get_contents("$big/.dir_control_free"));
echo implode(' ', vp_t_ls($big, '.')), ' | ', implode(' ', vp_t_ls("$big/0")), "\n";
echo vp_u_mode("$big/.dir_control_free"), "\n";

echo "-- the next user takes the freed slot in 0/\n";
vp_t_show(vpopmail_add_user('u102', 'big.test', 'pw102'));
echo vp_u_line($root, $big, 'u102'), "\n";
echo implode(' ', vp_t_ls("$big/0")), "\n";
var_dump(file_get_contents("$big/.dir_control_free"));
echo strtok(vp_b_read("$big/.dir-control"), "\n"), " users\n";
echo "-- and the one after it comes from the counter again\n";
vp_t_show(vpopmail_add_user('u103', 'big.test', 'pw103'));
echo vp_u_line($root, $big, 'u103'), "\n";
echo vp_b_dirc_as_cdb(vp_b_read("$big/.dir-control"));
vp_t_show(vpopmail_auth_user('u102', 'big.test', 'pw102'));
echo "-- deleting a user of the top level frees no slot\n";
vp_t_show(vpopmail_del_user('u50', 'big.test'));
var_dump(file_get_contents("$big/.dir_control_free"), is_dir("$big/u50"));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-038'));
?>
--EXPECT--
bool(true)
01-adddomain-big.test: same
99 users, no bucket yet: false
-- 02-adduser-u99-100th-user
true errno=0 error=Success
u99:$1$…:1:0:u99:/R/vpopmail/domains/big.test/0/u99:NOQUOTA
.dir-control as real, vpasswd as real, vpasswd.cdb as real
u99 | Maildir lastauth | 0700 0700
02-adduser-u99-100th-user: same
-- 03-adduser-u100-101st-user
true errno=0 error=Success
u100:$1$…:1:0:u100:/R/vpopmail/domains/big.test/0/u100:NOQUOTA
.dir-control as real, vpasswd as real, vpasswd.cdb as real
u100 u99 | Maildir lastauth | 0700 0700
03-adduser-u100-101st-user: same
-- 04-adduser-u101-102nd-user
true errno=0 error=Success
u101:$1$…:1:0:u101:/R/vpopmail/domains/big.test/0/u101:NOQUOTA
.dir-control as real, vpasswd as real, vpasswd.cdb as real
u100 u101 u99 | Maildir lastauth | 0700 0700
04-adduser-u101-102nd-user: same
true errno=0 error=Success
true errno=0 error=Success
cdb = vpasswd (102 records)
-- 05-deluser-u100
true errno=0 error=Success
.dir-control as real, .dir_control_free as real, vpasswd as real, vpasswd.cdb as real
string(2) "0
"
.dir-control .dir_control_free .dir_control_free.lock .qmail-default .vpasswd.lock | u101 u99
0600
-- the next user takes the freed slot in 0/
true errno=0 error=Success
u102:$1$…:1:0:u102:/R/vpopmail/domains/big.test/0/u102:NOQUOTA
u101 u102 u99
string(0) ""
102 users
-- and the one after it comes from the counter again
true errno=0 error=Success
u103:$1$…:1:0:u103:/R/vpopmail/domains/big.test/0/u103:NOQUOTA
103
0
3
0 0 0
61 61 61
0 2 2
0 0 0
0
true errno=0 error=Success
-- deleting a user of the top level frees no slot
true errno=0 error=Success
string(0) ""
bool(false)