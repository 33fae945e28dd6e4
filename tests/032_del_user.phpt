--TEST--
vpopmail_del_user(): record, home and .dir-control go, nothing else; missing user, catch-all, hostile names
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-032/vpopmail
vpopmail.qmail_dir={TMP}/vp-032/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-032');
$vp = "$root/vpopmail";
$dom = "$vp/domains/example.com";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_alias_domain_ex('example.com', 'alias.example'));
foreach (['alice', 'bob', 'carol', 'delete'] as $u) {
	vpopmail_add_user($u, 'example.com', "{$u}pw") or print("$u failed\n");
}
var_dump(vpopmail_alias_add('sales', 'example.com', 'alice@example.com'));
file_put_contents("$dom/alice/Maildir/new/1.M1P1.host,S=5", "hello");
echo strtok(vp_b_read("$dom/.dir-control"), "\n"), " users counted\n";

echo "-- alice: line, cdb record, home; her alias stays\n";
vp_t_show(vpopmail_del_user('alice', 'example.com'));
echo implode(' ', array_keys(vp_u_vpasswd($dom))), "\n";
echo vp_u_cdb_matches($dom), "\n";
var_dump(file_exists("$dom/alice"));
echo file_get_contents("$dom/.qmail-sales");
echo implode(' ', vp_t_ls($dom)), "\n";
echo vp_b_read("$dom/.dir-control") === vp_b_dirc_expect("4\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n\n") ? "dir-control: 4 users\n" : "dir-control bad\n";
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'alicepw'));
echo "-- upper case, through the alias domain; a user named as the default action\n";
vp_t_show(vpopmail_del_user('BOB', 'Alias.Example'));
vp_t_show(vpopmail_del_user('delete', 'example.com'));
echo implode(' ', array_keys(vp_u_vpasswd($dom))), "\n";
echo strtok(vp_b_read("$dom/.dir-control"), "\n"), " users counted\n";

echo "-- missing users\n";
vp_t_show(vpopmail_del_user('alice', 'example.com'));
vp_t_show(vpopmail_del_user('nobody', 'example.com'));
vp_t_show(vpopmail_del_user('sales', 'example.com'));

echo "-- the catch-all user is kept (vadddomain -e)\n";
var_dump(vpopmail_add_domain_ex('catch.test', 'Catch123', null, 'alice@catch.test'));
var_dump(vpopmail_add_alias_domain_ex('catch.test', 'alias-catch.test'));
vp_t_show(vpopmail_add_user('alice', 'catch.test', 'alicepw'));
vp_t_show(vpopmail_add_user('bob', 'catch.test', 'bobpw'));
vp_t_show(vpopmail_del_user('alice', 'catch.test'));
vp_t_show(vpopmail_del_user('Alice', 'ALIAS-CATCH.test'));
vp_t_show(vpopmail_auth_user('alice', 'catch.test', 'alicepw'));
/* the same mailbox named through an alias domain, or by its Maildir */
file_put_contents("$vp/domains/catch.test/.qmail-default", "| $vp/bin/vdelivermail '' ALICE@alias-catch.test\n");
vp_t_show(vpopmail_del_user('alice', 'catch.test'));
file_put_contents("$vp/domains/catch.test/.qmail-default", "| $vp/bin/vdelivermail '' $vp/domains/catch.test/alice/Maildir/\n");
vp_t_show(vpopmail_del_user('alice', 'catch.test'));
/* a catch-all written as a path to the user's directory, as older tools do */
file_put_contents("$vp/domains/catch.test/.qmail-default", "| $vp/bin/vdelivermail '' $vp/domains/catch.test/bob\n");
vp_t_show(vpopmail_del_user('bob', 'catch.test'));
vp_t_show(vpopmail_del_user('alice', 'catch.test'));
/* another domain's catch-all protects nobody here (vdeluser reads only this domain's) */
vp_t_show(vpopmail_add_user('alice', 'example.com', 'alicepw'));
file_put_contents("$vp/domains/catch.test/.qmail-default", "| $vp/bin/vdelivermail '' alice@example.com\n");
vp_t_show(vpopmail_del_user('alice', 'example.com'));

echo "-- names and domains\n";
foreach (['', 'x', '../x', 'a/b', '../example.com', '.qmail-default', 'vpasswd', str_repeat('a', 65)] as $u) {
	echo json_encode($u), ': ';
	vp_t_show(@vpopmail_del_user($u, 'example.com'));
}
vp_t_show(vpopmail_del_user('carol', 'nowhere.test'));
vp_t_show(vpopmail_del_user('carol', 'bad'));
vp_t_show(vpopmail_del_user('carol', str_repeat('a', 93) . '.com'));
foreach ([["car\0ol", 'example.com'], ['carol', "example.com\0x"], [[], 'example.com'], ['carol']] as $args) {
	try {
		vpopmail_del_user(...$args);
		echo "no exception\n";
	} catch (Throwable $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}
echo implode(' ', vp_t_ls($dom)), "\n";

echo "-- a home outside the domain is never removed (refused: the account stays)\n";
mkdir("$root/carol");
file_put_contents("$root/carol/keep", "x");
$text = vp_b_read("$dom/vpasswd");
file_put_contents("$dom/vpasswd", str_replace("$dom/carol:", "$root/carol:", $text));
vp_u_vpasswd_cdb_build($dom);
vp_t_show(vpopmail_del_user('carol', 'example.com'));
var_dump(file_get_contents("$root/carol/keep"), isset(vp_u_vpasswd($dom)['carol']), is_dir("$dom/carol"));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-032'));
?>
--EXPECTF--
bool(true)
bool(true)
bool(true)
5 users counted
-- alice: line, cdb record, home; her alias stays
true errno=0 error=Success
bob carol delete postmaster
cdb = vpasswd (4 records)
bool(false)
alice@example.com
.dir-control .qmail-default .qmail-sales .vpasswd.lock bob carol delete postmaster vpasswd vpasswd.cdb
dir-control: 4 users
false errno=-10 error=User does not exist: alice@example.com
-- upper case, through the alias domain; a user named as the default action
true errno=0 error=Success
true errno=0 error=Success
carol postmaster
2 users counted
-- missing users

Warning: vpopmail_del_user(): User does not exist: alice@example.com in %s on line %d
false errno=-10 error=User does not exist: alice@example.com

Warning: vpopmail_del_user(): User does not exist: nobody@example.com in %s on line %d
false errno=-10 error=User does not exist: nobody@example.com

Warning: vpopmail_del_user(): User does not exist: sales@example.com in %s on line %d
false errno=-10 error=User does not exist: sales@example.com
-- the catch-all user is kept (vadddomain -e)
bool(true)
bool(true)
true errno=0 error=Success
true errno=0 error=Success

Warning: vpopmail_del_user(): can't delete catchall account: alice@catch.test in %s on line %d
false errno=-55 error=can't delete catchall account: alice@catch.test

Warning: vpopmail_del_user(): can't delete catchall account: alice@catch.test in %s on line %d
false errno=-55 error=can't delete catchall account: alice@catch.test
true errno=0 error=Success

Warning: vpopmail_del_user(): can't delete catchall account: alice@catch.test in %s on line %d
false errno=-55 error=can't delete catchall account: alice@catch.test

Warning: vpopmail_del_user(): can't delete catchall account: alice@catch.test in %s on line %d
false errno=-55 error=can't delete catchall account: alice@catch.test

Warning: vpopmail_del_user(): can't delete catchall account: bob@catch.test in %s on line %d
false errno=-55 error=can't delete catchall account: bob@catch.test
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
-- names and domains
"": false errno=-1 error=Illegal username: empty
"x": false errno=-1 error=Illegal username: single character
"..\/x": false errno=-1 error=Illegal username: invalid character
"a\/b": false errno=-1 error=Illegal username: invalid character
"..\/example.com": false errno=-1 error=Illegal username: invalid character
".qmail-default": false errno=-1 error=Illegal username: leading '.' or '-'
"vpasswd": false errno=-1 error=Illegal username: reserved name
"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": false errno=-25 error=user name too long (max=64)

Warning: vpopmail_del_user(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test

Warning: vpopmail_del_user(): Invalid domain name: no dot in %s on line %d
false errno=-12 error=Invalid domain name: no dot

Warning: vpopmail_del_user(): domain name too long (max=96) in %s on line %d
false errno=-26 error=domain name too long (max=96)
ValueError: vpopmail_del_user(): Argument #1 ($user) must not contain any null bytes
ValueError: vpopmail_del_user(): Argument #2 ($domain) must not contain any null bytes
TypeError: vpopmail_del_user(): Argument #1 ($user) must be of type string, array given
ArgumentCountError: vpopmail_del_user() expects exactly 2 arguments, 1 given
.dir-control .qmail-default .qmail-sales .vpasswd.lock carol postmaster vpasswd vpasswd.cdb
-- a home outside the domain is never removed (refused: the account stays)

Warning: vpopmail_del_user(): unsafe directory: %s/vp-032/carol is not inside the domain's directory %s/vp-032/vpopmail/domains/example.com in %s on line %d
false errno=-116 error=unsafe directory: %s/vp-032/carol is not inside the domain's directory %s/vp-032/vpopmail/domains/example.com
string(1) "x"
bool(true)
bool(true)