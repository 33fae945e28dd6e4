--TEST--
vpasswd.cdb (the cdb backend's own file): a missing one is rebuilt from vpasswd first, a garbage one is never trusted, one that cannot be rebuilt warns (from 035, which runs on both backends)
--EXTENSIONS--
vpopmail
--SKIPIF--
<?php
require __DIR__ . '/backend.inc';
vp_b_skip_on_mysql('vpasswd.cdb is the cdb module\'s file; on mysql the table answers (308: a stale vpasswd.cdb never does)');
?>
--INI--
vpopmail.directory={TMP}/vp-310/vpopmail
vpopmail.qmail_dir={TMP}/vp-310/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_t_root('310');
$dom = "$root/vpopmail/domains/example.com";
/* every "no" below must be silent: a warning here fails the test */
set_error_handler(function (int $no, string $str) { echo "UNEXPECTED: $str\n"; return true; });
function auth(string $u, string $d, string $p): void
{
	printf("%-34s ", "$u@$d $p");
	vp_t_show(vpopmail_auth_user($u, $d, $p));
}
vp_u_copy_fixture('5.6', '05-adduser-bob', $root);

echo "== vpasswd.cdb missing: rebuilt from vpasswd first\n";
unlink("$dom/vpasswd.cdb");
auth('bob', 'example.com', 'bobpw');
echo vp_u_cdb_matches($dom), ' ', vp_u_mode("$dom/vpasswd.cdb"), "\n";

echo "== a garbage vpasswd.cdb is never trusted: rebuilt from vpasswd\n";
file_put_contents("$dom/vpasswd.cdb", "garbage");
auth('bob', 'example.com', 'bobpw');
echo vp_u_cdb_matches($dom), "\n";

echo "== real trouble warns\n";
restore_error_handler();
file_put_contents("$dom/vpasswd.cdb", "garbage");
@unlink("$dom/.vpasswd.lock");
mkdir("$dom/.vpasswd.lock"); /* the rebuild cannot take the lock */
vp_t_show(vpopmail_auth_user('bob', 'example.com', 'bobpw'));
rmdir("$dom/.vpasswd.lock");
vp_u_vpasswd_cdb_build($dom);
auth('bob', 'example.com', 'bobpw');
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('310'));
?>
--EXPECTF--
== vpasswd.cdb missing: rebuilt from vpasswd first
bob@example.com bobpw              true errno=0 error=Success
cdb = vpasswd (3 records) 0600
== a garbage vpasswd.cdb is never trusted: rebuilt from vpasswd
bob@example.com bobpw              true errno=0 error=Success
cdb = vpasswd (3 records)
== real trouble warns

Warning: vpopmail_auth_user(): corrupt data file: %s/vp-310/vpopmail/domains/example.com/vpasswd.cdb, stale or unreadable (cannot rebuild it: %s) in %s on line %d
false errno=-103 error=corrupt data file: %s/vp-310/vpopmail/domains/example.com/vpasswd.cdb, stale or unreadable (cannot rebuild it: %s)
bob@example.com bobpw              true errno=0 error=Success
