--TEST--
vpopmail_add_user(): the vpasswd line, vpasswd.cdb, home, Maildir and lastauth vadduser writes; modes whatever the umask
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-030/vpopmail
vpopmail.qmail_dir={TMP}/vp-030/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
umask(0); /* the extension must not depend on it: dirs 0700, files 0600 */
$root = vp_sandbox('vp-030');
$dom = "$root/vpopmail/domains/example.com";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'));

echo "-- alice: defaults\n";
vp_t_show(vpopmail_add_user('alice', 'example.com', 'alicepw'));
$raw = explode("\n", vp_b_read("$dom/vpasswd"));
echo count($raw), ' lines, last empty: ', var_export(end($raw) === '', true), "\n";
$f = vp_u_vpasswd($dom)['alice'];
echo count($f), " fields\n";
echo vp_u_line($root, $dom, 'alice'), "\n";
/* SHA-512 crypt by default, verifiable by any crypt(3) */
var_dump((bool)preg_match('~^\$6\$[./0-9A-Za-z]{8,16}\$[./0-9A-Za-z]{86}$~', $f[1]), crypt('alicepw', $f[1]) === $f[1]);
echo vp_u_cdb_matches($dom), "\n";
var_dump(vp_b_read("$dom/alice/lastauth"));
echo implode(' ', vp_t_ls("$dom/alice")), ' | ', implode(' ', vp_t_ls("$dom/alice/Maildir")), "\n";
foreach (['alice', 'alice/Maildir', 'alice/Maildir/cur', 'alice/Maildir/new', 'alice/Maildir/tmp',
          'alice/lastauth', 'vpasswd', 'vpasswd.cdb', '.vpasswd.lock', '.dir-control'] as $p) {
	echo str_pad($p, 18), vp_u_mode("$dom/$p"), "\n";
}
echo vp_b_read("$dom/.dir-control") === vp_b_dirc_expect("2\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n\n") ? "dir-control: 2 users\n" : "dir-control bad\n";
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'alicepw'));

echo "-- gecos, apop, upper case, the alias domain\n";
vp_t_show(vpopmail_add_user('bob', 'example.com', 'bobpw', 'Bob Builder'));
vp_t_show(vpopmail_add_user('apop', 'example.com', 'apoppw', '', true));
vp_t_show(vpopmail_add_user('Carol.SMITH', 'EXAMPLE.COM', 'carolpw'));
var_dump(vpopmail_add_alias_domain_ex('example.com', 'alias.example'));
vp_t_show(vpopmail_add_user('dave', 'Alias.Example', 'davepw'));
/* longest gecos (64), 32-char name (5.4's limit), every other allowed character */
vp_t_show(vpopmail_add_user('g64', 'example.com', 'pw', str_repeat('g', 64)));
vp_t_show(vpopmail_add_user(str_repeat('n', 32), 'example.com', 'pw'));
vp_t_show(vpopmail_add_user("o'k!#$&*+=?^_`{|}~-x.y", 'example.com', 'pw'));
foreach (['bob', 'apop', 'carol.smith', 'dave', 'g64', str_repeat('n', 32), "o'k!#$&*+=?^_`{|}~-x.y"] as $u) {
	echo vp_u_line($root, $dom, $u), "\n";
}
var_dump(is_dir("$dom/carol.smith/Maildir/new"), is_dir("$dom/dave"), file_exists("$root/vpopmail/domains/alias.example"));
vp_t_show(vpopmail_auth_user('DAVE', 'example.com', 'davepw'));

echo "-- sorted by strcmp, whatever the order of the adds\n";
foreach (['zed', 'ab', 'a_b', 'a.b', 'a-b', 'a0', 'aa'] as $u) {
	vpopmail_add_user($u, 'example.com', 'pw') or print("$u failed\n");
}
echo implode(' ', array_keys(vp_u_vpasswd($dom))), "\n";
echo vp_u_cdb_matches($dom), "\n";
echo strtok(vp_b_read("$dom/.dir-control"), "\n"), " users counted\n";

echo "-- the domain's default quota (.qmailadmin-limits)\n";
file_put_contents("$dom/.qmailadmin-limits", "default_quota 1000000\ndefault_maxmsgcount 50\n");
vp_t_show(vpopmail_add_user('quser', 'example.com', 'pw'));
echo vp_u_line($root, $dom, 'quser'), "\n";
var_dump(file_get_contents("$dom/quser/Maildir/maildirsize"));
echo vp_u_mode("$dom/quser/Maildir/maildirsize"), "\n";
file_put_contents("$dom/.qmailadmin-limits", "default_quota 2000000\n");
vp_t_show(vpopmail_add_user('quser2', 'example.com', 'pw'));
echo vp_u_line($root, $dom, 'quser2'), "\n";
unlink("$dom/.qmailadmin-limits");

echo "-- vadddomain's postmaster with a quota\n";
var_dump(vpopmail_add_domain_ex('second.test', 'Second123', '50M'));
echo vp_u_line($root, "$root/vpopmail/domains/second.test", 'postmaster'), "\n";
var_dump(file_get_contents("$root/vpopmail/domains/second.test/postmaster/Maildir/maildirsize"));

echo "-- nothing else in the domain dir\n";
echo implode(' ', vp_t_ls($dom)), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-030'));
?>
--EXPECT--
bool(true)
-- alice: defaults
true errno=0 error=Success
3 lines, last empty: true
7 fields
alice:$6$…:1:0:alice:/R/vpopmail/domains/example.com/alice:NOQUOTA
bool(true)
bool(true)
cdb = vpasswd (2 records)
string(7) "0.0.0.0"
Maildir lastauth | cur new tmp
alice             0700
alice/Maildir     0700
alice/Maildir/cur 0700
alice/Maildir/new 0700
alice/Maildir/tmp 0700
alice/lastauth    0600
vpasswd           0600
vpasswd.cdb       0600
.vpasswd.lock     0600
.dir-control      0600
dir-control: 2 users
true errno=0 error=Success
-- gecos, apop, upper case, the alias domain
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
bool(true)
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
bob:$6$…:1:0:Bob Builder:/R/vpopmail/domains/example.com/bob:NOQUOTA
apop:$6$…:2:0:apop:/R/vpopmail/domains/example.com/apop:NOQUOTA
carol.smith:$6$…:1:0:carol.smith:/R/vpopmail/domains/example.com/carol.smith:NOQUOTA
dave:$6$…:1:0:dave:/R/vpopmail/domains/example.com/dave:NOQUOTA
g64:$6$…:1:0:gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg:/R/vpopmail/domains/example.com/g64:NOQUOTA
nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn:$6$…:1:0:nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn:/R/vpopmail/domains/example.com/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn:NOQUOTA
o'k!#$&*+=?^_`{|}~-x.y:$6$…:1:0:o'k!#$&*+=?^_`{|}~-x.y:/R/vpopmail/domains/example.com/o'k!#$&*+=?^_`{|}~-x.y:NOQUOTA
bool(true)
bool(true)
bool(false)
true errno=0 error=Success
-- sorted by strcmp, whatever the order of the adds
a-b a.b a0 a_b aa ab alice apop bob carol.smith dave g64 nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn o'k!#$&*+=?^_`{|}~-x.y postmaster zed
cdb = vpasswd (16 records)
16 users counted
-- the domain's default quota (.qmailadmin-limits)
true errno=0 error=Success
quser:$6$…:1:0:quser:/R/vpopmail/domains/example.com/quser:1000000S,50C
string(17) "1000000S,50C
0 0
"
0600
true errno=0 error=Success
quser2:$6$…:1:0:quser2:/R/vpopmail/domains/example.com/quser2:2000000S
-- vadddomain's postmaster with a quota
bool(true)
postmaster:$6$…:1:0:Postmaster:/R/vpopmail/domains/second.test/postmaster:52428800S
string(14) "52428800S
0 0
"
-- nothing else in the domain dir
.dir-control .qmail-default .vpasswd.lock a-b a.b a0 a_b aa ab alice apop bob carol.smith dave g64 nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn o'k!#$&*+=?^_`{|}~-x.y postmaster quser quser2 vpasswd vpasswd.cdb zed
