--TEST--
vpopmail_passwd(): only the hash changes; the old password stops working; refusals with their codes
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-033/vpopmail
vpopmail.qmail_dir={TMP}/vp-033/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
umask(0);
$root = vp_sandbox('vp-033');
$dom = "$root/vpopmail/domains/example.com";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_alias_domain_ex('example.com', 'alias.example'));
vp_t_show(vpopmail_add_user('alice', 'example.com', 'alicepw', 'Alice A', true));
vp_t_show(vpopmail_add_user('bob', 'example.com', 'bobpw'));
vp_t_show(vpopmail_set_user_quota('alice', 'example.com', '5M'));
$old = vp_u_vpasswd($dom);
$files = vp_t_ls("$dom/alice/Maildir");
$maildirsize = file_get_contents("$dom/alice/Maildir/maildirsize");

vp_t_show(vpopmail_passwd('alice', 'example.com', 'newpw'));
$new = vp_u_vpasswd($dom);
echo vp_u_line($root, $dom, 'alice'), "\n";
/* the hash is new (new salt too), every other field and line is as it was:
 * the POP/APOP field 3 stays 2 whatever $apop says */
var_dump($new['alice'][1] !== $old['alice'][1], crypt('newpw', $new['alice'][1]) === $new['alice'][1]);
$a = $new['alice']; $b = $old['alice']; unset($a[1], $b[1]);
var_dump($a === $b, $new['bob'] === $old['bob'], $new['postmaster'] === $old['postmaster']);
echo vp_u_cdb_matches($dom), "\n";
echo vp_u_mode("$dom/vpasswd"), ' ', vp_u_mode("$dom/vpasswd.cdb"), "\n";
var_dump($files === vp_t_ls("$dom/alice/Maildir"), $maildirsize === file_get_contents("$dom/alice/Maildir/maildirsize"));
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'newpw'));
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'alicepw'));

echo "-- upper case, the alias domain, the apop flag, the longest password\n";
vp_t_show(vpopmail_passwd('ALICE', 'Alias.Example', 'third', false));
vp_t_show(vpopmail_passwd('bob', 'example.com', str_repeat('p', 128), true));
echo vp_u_line($root, $dom, 'alice'), "\n", vp_u_line($root, $dom, 'bob'), "\n";
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'third'));
vp_t_show(vpopmail_auth_user('bob', 'example.com', str_repeat('p', 128)));
$before = vp_b_read("$dom/vpasswd");

echo "-- refusals\n";
vp_t_show(vpopmail_passwd('nobody', 'example.com', 'pw'));
vp_t_show(vpopmail_passwd('alice', 'nowhere.test', 'pw'));
vp_t_show(vpopmail_passwd('alice', 'bad', 'pw'));
vp_t_show(vpopmail_passwd('alice', 'example.com', ''));
vp_t_show(vpopmail_passwd('alice', 'example.com', str_repeat('p', 129)));
vp_t_show(vpopmail_passwd(str_repeat('a', 65), 'example.com', 'pw'));
foreach (['', 'x', '../alice', 'a/b', '.alice', 'vpasswd', 'a:b'] as $u) {
	echo json_encode($u), ': ';
	vp_t_show(@vpopmail_passwd($u, 'example.com', 'pw'));
}
/* disable_password_changing in the domain's limits (NO_PASSWD_CHNG) */
file_put_contents("$dom/.qmailadmin-limits", "disable_password_changing\n");
vp_t_show(vpopmail_passwd('alice', 'example.com', 'fourth'));
unlink("$dom/.qmailadmin-limits");
foreach ([["ali\0ce", 'example.com', 'pw'], ['alice', "example.com\0", 'pw'], ['alice', 'example.com', "pw\0x"],
          ['alice', 'example.com', []], ['alice', 'example.com', 'pw', []], ['alice', 'example.com']] as $args) {
	try {
		vpopmail_passwd(...$args);
		echo "no exception\n";
	} catch (Throwable $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}
var_dump($before === vp_b_read("$dom/vpasswd"));
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'third'));
echo implode(' ', vp_t_ls($dom)), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-033'));
?>
--EXPECTF--
bool(true)
bool(true)
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
alice:$6$…:2:0:Alice A:/R/vpopmail/domains/example.com/alice:5242880S
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
cdb = vpasswd (3 records)
0600 0600
bool(true)
bool(true)
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
-- upper case, the alias domain, the apop flag, the longest password
true errno=0 error=Success
true errno=0 error=Success
alice:$6$…:2:0:Alice A:/R/vpopmail/domains/example.com/alice:5242880S
bob:$6$…:1:0:bob:/R/vpopmail/domains/example.com/bob:NOQUOTA
true errno=0 error=Success
true errno=0 error=Success
-- refusals

Warning: vpopmail_passwd(): User does not exist: nobody@example.com in %s on line %d
false errno=-10 error=User does not exist: nobody@example.com

Warning: vpopmail_passwd(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test

Warning: vpopmail_passwd(): Invalid domain name: no dot in %s on line %d
false errno=-12 error=Invalid domain name: no dot

Warning: vpopmail_passwd(): password requires more characters  in %s on line %d
false errno=-70 error=password requires more characters 

Warning: vpopmail_passwd(): password too long (max=128) in %s on line %d
false errno=-27 error=password too long (max=128)

Warning: vpopmail_passwd(): user name too long (max=64) in %s on line %d
false errno=-25 error=user name too long (max=64)
"": false errno=-1 error=Illegal username: empty
"x": false errno=-1 error=Illegal username: single character
"..\/alice": false errno=-1 error=Illegal username: invalid character
"a\/b": false errno=-1 error=Illegal username: invalid character
".alice": false errno=-1 error=Illegal username: leading '.' or '-'
"vpasswd": false errno=-1 error=Illegal username: reserved name
"a:b": false errno=-1 error=Illegal username: invalid character

Warning: vpopmail_passwd(): password changes are disabled for this account: alice@example.com in %s on line %d
false errno=-110 error=password changes are disabled for this account: alice@example.com
ValueError: vpopmail_passwd(): Argument #1 ($user) must not contain any null bytes
ValueError: vpopmail_passwd(): Argument #2 ($domain) must not contain any null bytes
ValueError: vpopmail_passwd(): Argument #3 ($password) must not contain any null bytes
TypeError: vpopmail_passwd(): Argument #3 ($password) must be of type string, array given
TypeError: vpopmail_passwd(): Argument #4 ($apop) must be of type bool, array given
ArgumentCountError: vpopmail_passwd() expects at least 3 arguments, 2 given
bool(true)
true errno=0 error=Success
.dir-control .qmail-default .vpasswd.lock alice bob postmaster vpasswd vpasswd.cdb