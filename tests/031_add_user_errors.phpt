--TEST--
vpopmail_add_user(): every refusal with its code; nothing reaches the disk
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-031/vpopmail
vpopmail.qmail_dir={TMP}/vp-031/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-031');
$dom = "$root/vpopmail/domains/example.com";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_alias_domain_ex('example.com', 'alias.example'));
vp_t_show(vpopmail_add_user('alice', 'example.com', 'alicepw'));
$before = [vp_b_read("$dom/vpasswd"), vp_b_read("$dom/vpasswd.cdb"),
           vp_b_read("$dom/.dir-control"), vp_t_ls($dom)];

echo "-- duplicates: same name, other case, through the alias domain\n";
vp_t_show(vpopmail_add_user('alice', 'example.com', 'otherpw'));
vp_t_show(vpopmail_add_user('ALICE', 'Example.COM', 'otherpw'));
vp_t_show(vpopmail_add_user('alice', 'alias.example', 'otherpw'));
vp_t_show(vpopmail_add_user('postmaster', 'example.com', 'otherpw'));

echo "-- domains\n";
vp_t_show(vpopmail_add_user('joe', 'nowhere.test', 'pw'));
vp_t_show(vpopmail_add_user('joe', 'no', 'pw'));
vp_t_show(vpopmail_add_user('joe', 'no-dot', 'pw'));
vp_t_show(vpopmail_add_user('joe', '../../etc', 'pw'));
vp_t_show(vpopmail_add_user('joe', str_repeat('a', 93) . '.com', 'pw'));

echo "-- names (each warns)\n";
$warnings = 0;
set_error_handler(function (int $no, string $str) use (&$warnings) {
	$warnings += $no === E_WARNING && str_starts_with($str, 'vpopmail_add_user(): Illegal username');
	return true;
});
foreach (['../x', 'a/b', '.hidden', '-x', 'x', ':', 'a:b', '', 'a b', "a\tb", "a\nb", 'a@b', 'a%b',
          'a"b', 'a,b', "caf\xc3\xa9", 'vpasswd', 'VPASSWD', 'vpasswd.cdb', 'cdb.tmp'] as $u) {
	echo json_encode($u), ': ';
	vp_t_show(vpopmail_add_user($u, 'example.com', 'pw'));
}
restore_error_handler();
echo "$warnings warnings\n";
vp_t_show(vpopmail_add_user(str_repeat('a', 65), 'example.com', 'pw'));

echo "-- gecos\n";
vp_t_show(vpopmail_add_user('joe', 'example.com', 'pw', 'Joe:Smith'));
vp_t_show(vpopmail_add_user('joe', 'example.com', 'pw', "Joe\npostmaster:x:1:0:x:/tmp:NOQUOTA"));
vp_t_show(vpopmail_add_user('joe', 'example.com', 'pw', "Joe\r"));
vp_t_show(vpopmail_add_user('joe', 'example.com', 'pw', str_repeat('g', 65)));

echo "-- passwords\n";
vp_t_show(vpopmail_add_user('joe', 'example.com', str_repeat('p', 129)));
vp_t_show(vpopmail_add_user('joe', 'example.com', ''));

echo "-- argument errors throw\n";
foreach ([["jo\0e", 'example.com', 'pw'], ['joe', "example.com\0", 'pw'], ['joe', 'example.com', "p\0w"],
          ['joe', 'example.com', 'pw', "Joe\0"], [[], 'example.com', 'pw'], ['joe', 'example.com', new stdClass],
          ['joe', 'example.com', 'pw', 'Joe', []], ['joe', 'example.com']] as $args) {
	try {
		vpopmail_add_user(...$args);
		echo "no exception\n";
	} catch (Throwable $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}

echo "-- nothing was touched\n";
var_dump($before === [vp_b_read("$dom/vpasswd"), vp_b_read("$dom/vpasswd.cdb"),
                      vp_b_read("$dom/.dir-control"), vp_t_ls($dom)]);
echo implode(' ', vp_t_ls($dom)), "\n";
var_dump(file_exists("$root/vpopmail/domains/x"), file_exists("$root/etc"), file_exists("$dom/a"));
echo "-- a home that is already there (a directory, a planted symlink) is left alone\n";
mkdir("$dom/joe", 0700);
file_put_contents("$dom/joe/keep", 'x');
symlink('/etc', "$dom/evil");
vp_t_show(vpopmail_add_user('joe', 'example.com', 'pw'));
vp_t_show(vpopmail_add_user('evil', 'example.com', 'pw'));
var_dump(file_get_contents("$dom/joe/keep"), readlink("$dom/evil"), $before[2] === vp_b_read("$dom/.dir-control"),
         $before[0] === vp_b_read("$dom/vpasswd"));
vp_t_rmtree("$dom/joe");
unlink("$dom/evil");
echo "-- the limits still allow their maximum, and a success clears the error\n";
vp_t_show(vpopmail_add_user('joe', 'example.com', str_repeat('p', 128), str_repeat('g', 64)));
vp_t_show(vpopmail_auth_user('joe', 'example.com', str_repeat('p', 128)));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-031'));
?>
--EXPECTF--
bool(true)
bool(true)
true errno=0 error=Success
-- duplicates: same name, other case, through the alias domain

Warning: vpopmail_add_user(): Username exists: alice@example.com in %s on line %d
false errno=-2 error=Username exists: alice@example.com

Warning: vpopmail_add_user(): Username exists: alice@example.com in %s on line %d
false errno=-2 error=Username exists: alice@example.com

Warning: vpopmail_add_user(): Username exists: alice@example.com in %s on line %d
false errno=-2 error=Username exists: alice@example.com

Warning: vpopmail_add_user(): Username exists: postmaster@example.com in %s on line %d
false errno=-2 error=Username exists: postmaster@example.com
-- domains

Warning: vpopmail_add_user(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test

Warning: vpopmail_add_user(): Invalid domain name in %s on line %d
false errno=-12 error=Invalid domain name

Warning: vpopmail_add_user(): Invalid domain name: no dot in %s on line %d
false errno=-12 error=Invalid domain name: no dot

Warning: vpopmail_add_user(): Invalid domain name: empty label or label ending in '-' in %s on line %d
false errno=-12 error=Invalid domain name: empty label or label ending in '-'

Warning: vpopmail_add_user(): domain name too long (max=96) in %s on line %d
false errno=-26 error=domain name too long (max=96)
-- names (each warns)
"..\/x": false errno=-1 error=Illegal username: invalid character
"a\/b": false errno=-1 error=Illegal username: invalid character
".hidden": false errno=-1 error=Illegal username: leading '.' or '-'
"-x": false errno=-1 error=Illegal username: leading '.' or '-'
"x": false errno=-1 error=Illegal username: single character
":": false errno=-1 error=Illegal username: single character
"a:b": false errno=-1 error=Illegal username: invalid character
"": false errno=-1 error=Illegal username: empty
"a b": false errno=-1 error=Illegal username: invalid character
"a\tb": false errno=-1 error=Illegal username: invalid character
"a\nb": false errno=-1 error=Illegal username: invalid character
"a@b": false errno=-1 error=Illegal username: invalid character
"a%b": false errno=-1 error=Illegal username: invalid character
"a\"b": false errno=-1 error=Illegal username: invalid character
"a,b": false errno=-1 error=Illegal username: invalid character
"caf\u00e9": false errno=-1 error=Illegal username: invalid character
"vpasswd": false errno=-1 error=Illegal username: reserved name
"VPASSWD": false errno=-1 error=Illegal username: reserved name
"vpasswd.cdb": false errno=-1 error=Illegal username: reserved name
"cdb.tmp": false errno=-1 error=Illegal username: reserved name
20 warnings

Warning: vpopmail_add_user(): user name too long (max=64) in %s on line %d
false errno=-25 error=user name too long (max=64)
-- gecos

Warning: vpopmail_add_user(): bad character: in gecos in %s on line %d
false errno=-20 error=bad character: in gecos

Warning: vpopmail_add_user(): bad character: in gecos in %s on line %d
false errno=-20 error=bad character: in gecos

Warning: vpopmail_add_user(): bad character: in gecos in %s on line %d
false errno=-20 error=bad character: in gecos

Warning: vpopmail_add_user(): gecos too long (max=64) in %s on line %d
false errno=-28 error=gecos too long (max=64)
-- passwords

Warning: vpopmail_add_user(): password too long (max=128) in %s on line %d
false errno=-27 error=password too long (max=128)

Warning: vpopmail_add_user(): password requires more characters  in %s on line %d
false errno=-70 error=password requires more characters 
-- argument errors throw
ValueError: vpopmail_add_user(): Argument #1 ($user) must not contain any null bytes
ValueError: vpopmail_add_user(): Argument #2 ($domain) must not contain any null bytes
ValueError: vpopmail_add_user(): Argument #3 ($password) must not contain any null bytes
ValueError: vpopmail_add_user(): Argument #4 ($gecos) must not contain any null bytes
TypeError: vpopmail_add_user(): Argument #1 ($user) must be of type string, array given
TypeError: vpopmail_add_user(): Argument #3 ($password) must be of type string, stdClass given
TypeError: vpopmail_add_user(): Argument #5 ($apop) must be of type bool, array given
ArgumentCountError: vpopmail_add_user() expects at least 3 arguments, 2 given
-- nothing was touched
bool(true)
.dir-control .qmail-default .vpasswd.lock alice postmaster vpasswd vpasswd.cdb
bool(false)
bool(false)
bool(false)
-- a home that is already there (a directory, a planted symlink) is left alone

Warning: vpopmail_add_user(): User's directory already exists: cannot create %s/vp-031/vpopmail/domains/example.com/joe: File exists in %s on line %d
false errno=-7 error=User's directory already exists: cannot create %s/vp-031/vpopmail/domains/example.com/joe: File exists

Warning: vpopmail_add_user(): User's directory already exists: cannot create %s/vp-031/vpopmail/domains/example.com/evil: File exists in %s on line %d
false errno=-7 error=User's directory already exists: cannot create %s/vp-031/vpopmail/domains/example.com/evil: File exists
string(1) "x"
string(4) "/etc"
bool(true)
bool(true)
-- the limits still allow their maximum, and a success clears the error
true errno=0 error=Success
true errno=0 error=Success