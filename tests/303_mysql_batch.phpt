--TEST--
vpopmail.backend=mysql: vpopmail_batch() in one transaction: the same rows (vpopmail, dir_control, lastauth) and files as the same calls one by one; a failing operation leaves the tables and the tree as they were
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-303/vpopmail
vpopmail.qmail_dir={TMP}/vp-303/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-303-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-303-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-303');
$db = vp_root('vp-303-db');
vp_m_start($db);

/* one domain's rows and files, its name and hashes masked */
function state(string $d): array
{
	global $root, $db;
	$q = fn($sql) => vp_m_mask($root, 'x', str_replace($d, 'D', vp_m_sql($db, $sql)));
	$files = [];
	foreach (vp_list("$root/vpopmail/domains/$d") as $rel => $kind) {
		$files[] = "$rel $kind" . ($kind === 'file' ? ' ' . md5(str_replace($d, 'D', file_get_contents("$root/vpopmail/domains/$d$rel"))) : '');
	}
	return ['users' => $q("SELECT pw_name, pw_passwd, pw_uid, pw_gid, pw_gecos, pw_dir, pw_shell FROM vpopmail WHERE pw_domain = '$d' ORDER BY pw_name"),
	        'dir_control' => $q("SELECT * FROM dir_control WHERE domain = '$d'"),
	        'lastauth' => $q("SELECT user, remote_ip FROM lastauth WHERE domain = '$d' ORDER BY user"),
	        'files' => $files];
}

$ops1 = [['add', 'u1', 'pw1'], ['add', 'u2', 'pw2', 'Second User'], ['add', 'u3', 'pw3', '', true],
         ['add', 'u4', 'pw4', '', false, '5M'], ['passwd', 'postmaster', 'newpm']];
$ops2 = [['del', 'u2'], ['passwd', 'u3', 'pw3b'], ['quota', 'u4', '20M'], ['add', 'u5', 'pw5']];
foreach (['b1.test', 's1.test'] as $d) {
	var_dump(vpopmail_add_domain_ex($d, 'Secret123'));
}
var_dump(vpopmail_batch('b1.test', $ops1), vpopmail_batch('b1.test', $ops2));
$one = function (array $op) {
	return match ($op[0]) {
		'add' => vpopmail_add_user($op[1], 's1.test', $op[2], $op[3] ?? '', $op[4] ?? false)
		         && (!isset($op[5]) || vpopmail_set_user_quota($op[1], 's1.test', $op[5])),
		'del' => vpopmail_del_user($op[1], 's1.test'),
		'passwd' => vpopmail_passwd($op[1], 's1.test', $op[2]),
		'quota' => vpopmail_set_user_quota($op[1], 's1.test', $op[2]),
	};
};
foreach (array_merge($ops1, $ops2) as $op) {
	if (!$one($op)) {
		echo "single call failed: ", json_encode($op), "\n";
	}
}
$b = state('b1.test');
$s = state('s1.test');
foreach ($b as $k => $v) {
	echo "$k: ", $v === $s[$k] ? 'same' : "DIFFERENT\n" . print_r([$v, $s[$k]], true), "\n";
}
echo $b['users'], $b['dir_control'];
var_dump(vpopmail_auth_user('u3', 'b1.test', 'pw3b'), vpopmail_auth_user('postmaster', 'b1.test', 'newpm'),
         vpopmail_auth_user('u2', 'b1.test', 'pw2'));

echo "-- all or nothing: the last operation fails\n";
$before = state('b1.test');
var_dump(@vpopmail_batch('b1.test', [['add', 'u6', 'pw6'], ['del', 'u1'], ['passwd', 'u4', 'x'], ['add', 'u5', 'again']]),
         vpopmail_errno() === VPOPMAIL_VA_USERNAME_EXISTS, vpopmail_error());
echo state('b1.test') === $before ? "tables and tree as they were\n" : "CHANGED\n";
echo "-- all or nothing: a row refused in the last step, after the counter, the rows before it and the homes\n";
/* a narrower pw_gecos, met by a fresh process (its handle reads the widths) */
vp_m_sql($db, 'ALTER TABLE vpopmail MODIFY pw_gecos VARCHAR(10)');
echo vp_m_child('var_dump(@vpopmail_batch("b1.test", [["add", "u6", "pw6", "short"], ["del", "u1"], ["add", "u7", "pw7", "a gecos of 21 chars"]]),
                          vpopmail_errno() === VPOPMAIL_VA_GECOS_TOO_LONG, vpopmail_error());', $root, $db);
echo state('b1.test') === $before ? "tables and tree as they were\n" : "CHANGED\n" . print_r([$before, state('b1.test')], true);
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-303-db'));
vp_rmtree(vp_root('vp-303-db'));
vp_rmtree(vp_root('vp-303'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
users: same
dir_control: same
lastauth: same
files: same
pw_name	pw_passwd	pw_uid	pw_gid	pw_gecos	pw_dir	pw_shell
postmaster	<sha512-crypt: salt, 86 characters>	0	0	Postmaster	/home/vpopmail/domains/D/postmaster	NOQUOTA
u1	<sha512-crypt: salt, 86 characters>	0	0	u1	/home/vpopmail/domains/D/u1	NOQUOTA
u3	<sha512-crypt: salt, 86 characters>	1	0	u3	/home/vpopmail/domains/D/u3	NOQUOTA
u4	<sha512-crypt: salt, 86 characters>	0	0	u4	/home/vpopmail/domains/D/u4	20971520S
u5	<sha512-crypt: salt, 86 characters>	0	0	u5	/home/vpopmail/domains/D/u5	NOQUOTA
domain	cur_users	level_cur	level_max	level_start0	level_start1	level_start2	level_end0	level_end1	level_end2	level_mod0	level_mod1	level_mod2	level_index0	level_index1	level_index2	the_dir
D	5	0	3	0	0	0	61	61	61	0	2	4	0	0	0	
bool(true)
bool(true)
bool(false)
-- all or nothing: the last operation fails
bool(false)
bool(true)
string(49) "operation 3 (add u5): Username exists: u5@b1.test"
tables and tree as they were
-- all or nothing: a row refused in the last step, after the counter, the rows before it and the homes
bool(false)
bool(true)
string(156) "operation 2 (add u7): gecos too long (max=64): column vpopmail.pw_gecos holds 10 characters, the value has 19 (the table is left as it is: widen the column)"
tables and tree as they were
