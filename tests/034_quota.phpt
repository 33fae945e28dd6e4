--TEST--
vpopmail_set_user_quota(): vsetuserquota's normalised forms, maildirsize written or removed; invalid and too long quotas
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-034/vpopmail
vpopmail.qmail_dir={TMP}/vp-034/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
umask(0);
$root = vp_sandbox('vp-034');
$dom = "$root/vpopmail/domains/example.com";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_alias_domain_ex('example.com', 'alias.example'));
vp_t_show(vpopmail_add_user('bob', 'example.com', 'bobpw', 'Bob Builder'));
$md = "$dom/bob/Maildir";
function show(string $in): void
{
	global $dom, $md;
	$r = vpopmail_set_user_quota('bob', 'example.com', $in);
	$q = vp_u_vpasswd($dom)['bob'][6];
	$size = @file_get_contents("$md/maildirsize");
	printf("%-14s %s %-16s %s\n", json_encode($in), $r ? 'ok ' : 'ERR', $q,
	       $size === false ? '(no maildirsize)' : json_encode($size));
}
echo "-- the forms vsetuserquota accepts, stored as 5.6 stores them\n";
foreach (['10M', '1024K', '1000C', '10M,1000C', 'NOQUOTA', '1048576', '10m', '10MB', '10MS', '10mbs',
          '1024KB', '5000000S', '1000C,10MBS', 'noquota', 'NoQuota', '20971520S', '1G', '00000000000010485760'] as $q) {
	show($q);
}
echo vp_u_mode("$md/maildirsize"), ' ', vp_u_mode("$dom/vpasswd"), "\n";
echo vp_u_line($root, $dom, 'bob'), "\n";
echo vp_u_cdb_matches($dom), "\n";
echo implode(' ', vp_t_ls($md)), ' | ', implode(' ', vp_t_ls("$md/tmp")), "\n";

echo "-- maildirsize counts the mail already there (not trashed, not in .Trash)\n";
file_put_contents("$md/new/1.M1P1.host,S=1000", str_repeat('x', 10));
file_put_contents("$md/cur/2.M2P2.host,S=500:2,S", 'x');
file_put_contents("$md/cur/3.M3P3.host,S=300:2,ST", 'x');
file_put_contents("$md/cur/4.M4P4.host:2,", str_repeat('y', 42));
mkdir("$md/.Sent/cur", 0700, true);
file_put_contents("$md/.Sent/cur/5.M5P5.host,S=50:2,S", 'x');
mkdir("$md/.Trash/cur", 0700, true);
file_put_contents("$md/.Trash/cur/6.M6P6.host,S=7000:2,S", 'x');
show('1M');
show('NOQUOTA');

echo "-- through the alias domain, upper case\n";
vp_t_show(vpopmail_set_user_quota('BOB', 'Alias.Example', '2M'));
echo vp_u_line($root, $dom, 'bob'), "\n";

echo "-- refused: nothing changes\n";
$before = [vp_b_read("$dom/vpasswd"), file_get_contents("$md/maildirsize")];
foreach (['', 'abc', '0', '0S', '0S,0C', '2.5M', '-1', '5M ', ' 5M', '1mbs,1000c', '10M,', ',10M', 'M', 'S', '10T',
          '1000c', '0x10', '99999999999999999999', '5M,abc'] as $q) {
	echo json_encode($q), ': ';
	vp_t_show(@vpopmail_set_user_quota('bob', 'example.com', $q));
}
vp_t_show(vpopmail_set_user_quota('bob', 'example.com', 'abc'));
var_dump(vpopmail_errno() === VPOPMAIL_VA_INVALID_QUOTA);
vp_t_show(vpopmail_set_user_quota('bob', 'example.com', '000000000000010485760'));
vp_t_show(vpopmail_set_user_quota('bob', 'example.com', str_repeat('9', 30)));
var_dump($before === [vp_b_read("$dom/vpasswd"), file_get_contents("$md/maildirsize")]);

echo "-- users and domains\n";
vp_t_show(vpopmail_set_user_quota('nobody', 'example.com', '10M'));
vp_t_show(vpopmail_set_user_quota('bob', 'nowhere.test', '10M'));
vp_t_show(vpopmail_set_user_quota('bob', 'bad', '10M'));
vp_t_show(vpopmail_set_user_quota('x', 'example.com', '10M'));
vp_t_show(vpopmail_set_user_quota('../bob', 'example.com', '10M'));
vp_t_show(vpopmail_set_user_quota(str_repeat('a', 65), 'example.com', '10M'));
foreach ([["bob\0", 'example.com', '1M'], ['bob', "example.com\0", '1M'], ['bob', 'example.com', "1M\0NOQUOTA"],
          ['bob', 'example.com', []], ['bob', 'example.com']] as $args) {
	try {
		vpopmail_set_user_quota(...$args);
		echo "no exception\n";
	} catch (Throwable $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}
var_dump($before === [vp_b_read("$dom/vpasswd"), file_get_contents("$md/maildirsize")]);
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-034'));
?>
--EXPECTF--
bool(true)
bool(true)
true errno=0 error=Success
-- the forms vsetuserquota accepts, stored as 5.6 stores them
"10M"          ok  10485760S        "10485760S\n0 0\n"
"1024K"        ok  1048576S         "1048576S\n0 0\n"
"1000C"        ok  1000C            "1000C\n0 0\n"
"10M,1000C"    ok  10485760S,1000C  "10485760S,1000C\n0 0\n"
"NOQUOTA"      ok  NOQUOTA          (no maildirsize)
"1048576"      ok  1048576S         "1048576S\n0 0\n"
"10m"          ok  10485760S        "10485760S\n0 0\n"
"10MB"         ok  10485760S        "10485760S\n0 0\n"
"10MS"         ok  10485760S        "10485760S\n0 0\n"
"10mbs"        ok  10485760S        "10485760S\n0 0\n"
"1024KB"       ok  1048576S         "1048576S\n0 0\n"
"5000000S"     ok  5000000S         "5000000S\n0 0\n"
"1000C,10MBS"  ok  10485760S,1000C  "10485760S,1000C\n0 0\n"
"noquota"      ok  NOQUOTA          (no maildirsize)
"NoQuota"      ok  NOQUOTA          (no maildirsize)
"20971520S"    ok  20971520S        "20971520S\n0 0\n"
"1G"           ok  1073741824S      "1073741824S\n0 0\n"
"00000000000010485760" ok  10485760S        "10485760S\n0 0\n"
0600 0600
bob:$6$…:1:0:Bob Builder:/R/vpopmail/domains/example.com/bob:10485760S
cdb = vpasswd (2 records)
cur maildirsize new tmp | 
-- maildirsize counts the mail already there (not trashed, not in .Trash)
"1M"           ok  1048576S         "1048576S\n1592 4\n"
"NOQUOTA"      ok  NOQUOTA          (no maildirsize)
-- through the alias domain, upper case
true errno=0 error=Success
bob:$6$…:1:0:Bob Builder:/R/vpopmail/domains/example.com/bob:2097152S
-- refused: nothing changes
"": false errno=-101 error=invalid quota: empty
"abc": false errno=-101 error=invalid quota: bad size
"0": false errno=-101 error=invalid quota: zero quota (use NOQUOTA)
"0S": false errno=-101 error=invalid quota: zero quota (use NOQUOTA)
"0S,0C": false errno=-101 error=invalid quota: zero quota (use NOQUOTA)
"2.5M": false errno=-101 error=invalid quota: bad size
"-1": false errno=-101 error=invalid quota: bad size
"5M ": false errno=-101 error=invalid quota: bad size
" 5M": false errno=-101 error=invalid quota: bad size
"1mbs,1000c": false errno=-101 error=invalid quota: bad size
"10M,": false errno=-101 error=invalid quota: empty part
",10M": false errno=-101 error=invalid quota: empty part
"M": false errno=-101 error=invalid quota: bad size
"S": false errno=-101 error=invalid quota: bad size
"10T": false errno=-101 error=invalid quota: bad size
"1000c": false errno=-101 error=invalid quota: bad size
"0x10": false errno=-101 error=invalid quota: bad size
"99999999999999999999": false errno=-101 error=invalid quota: bad size
"5M,abc": false errno=-101 error=invalid quota: bad size

Warning: vpopmail_set_user_quota(): invalid quota: bad size in %s on line %d
false errno=-101 error=invalid quota: bad size
bool(true)

Warning: vpopmail_set_user_quota(): quota too long (max=20) in %s on line %d
false errno=-29 error=quota too long (max=20)

Warning: vpopmail_set_user_quota(): quota too long (max=20) in %s on line %d
false errno=-29 error=quota too long (max=20)
bool(true)
-- users and domains

Warning: vpopmail_set_user_quota(): User does not exist: nobody@example.com in %s on line %d
false errno=-10 error=User does not exist: nobody@example.com

Warning: vpopmail_set_user_quota(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test

Warning: vpopmail_set_user_quota(): Invalid domain name: no dot in %s on line %d
false errno=-12 error=Invalid domain name: no dot

Warning: vpopmail_set_user_quota(): Illegal username: single character in %s on line %d
false errno=-1 error=Illegal username: single character

Warning: vpopmail_set_user_quota(): Illegal username: invalid character in %s on line %d
false errno=-1 error=Illegal username: invalid character

Warning: vpopmail_set_user_quota(): user name too long (max=64) in %s on line %d
false errno=-25 error=user name too long (max=64)
ValueError: vpopmail_set_user_quota(): Argument #1 ($user) must not contain any null bytes
ValueError: vpopmail_set_user_quota(): Argument #2 ($domain) must not contain any null bytes
ValueError: vpopmail_set_user_quota(): Argument #3 ($quota) must not contain any null bytes
TypeError: vpopmail_set_user_quota(): Argument #3 ($quota) must be of type string, array given
ArgumentCountError: vpopmail_set_user_quota() expects exactly 3 arguments, 2 given
bool(true)