--TEST--
Security (issue 12, class 8): homes 200 and 5000 folders deep are removed by vpopmail_del_user(), a batch's delete and vpopmail_del_domain(), and the names can be added again
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-152/vpopmail
vpopmail.qmail_dir={TMP}/vp-152/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/secpath.inc';
$root = vp_sandbox('vp-152');
$dom = "$root/vpopmail/domains/example.com";
$other = "$root/vpopmail/domains/other.test";

/* $levels nested folders "d" below $dir (relative steps: the path is far
 * longer than PATH_MAX), a file at the bottom.  PHP itself cannot do it on a
 * ZTS build, whose virtual cwd keeps the whole path: perl (perl-base is
 * essential on Debian) makes each step with a real chdir(2). */
function deep(string $dir, int $levels): bool
{
	$script = 'chdir $ARGV[0] or exit 1; for (1..$ARGV[1]) { mkdir "d", 0700 or exit 1; chdir "d" or exit 1 } '
	        . 'open(my $f, ">", "bottom") or exit 1; print $f "x"; close $f or exit 1';
	$p = proc_open(['perl', '-e', $script, $dir, (string)$levels], [], $pipes);
	return $p !== false && proc_close($p) === 0;
}

var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_domain_ex('other.test', 'Secret123'));
foreach ([200, 5000] as $n) {
	echo "-- $n levels\n";
	var_dump(vpopmail_add_user('alice', 'example.com', 'alicepw'), vpopmail_add_user('bob', 'example.com', 'bobpw'),
	         vpopmail_add_user('carol', 'other.test', 'carolpw'));
	var_dump(deep("$dom/alice/Maildir", $n), deep("$dom/bob", $n), deep("$other/carol/Maildir/cur", $n));
	echo "del_user: ";
	var_dump(vpopmail_del_user('alice', 'example.com'), is_dir("$dom/alice"));
	echo "batch del: ";
	var_dump(vpopmail_batch('example.com', [['del', 'bob']]), is_dir("$dom/bob"));
	echo "added again: ";
	var_dump(vpopmail_add_user('alice', 'example.com', 'alicepw2'), vpopmail_add_user('bob', 'example.com', 'bobpw2'),
	         vpopmail_auth_user('alice', 'example.com', 'alicepw2'), is_dir("$dom/alice/Maildir/d"));
	echo "del_domain: ";
	var_dump(vpopmail_del_domain('other.test'), is_dir($other));
	echo "added again: ";
	var_dump(vpopmail_add_domain_ex('other.test', 'Secret123'));
	echo "left in the domains: ", implode(' ', vp_t_ls($dom)), ' | ', implode(' ', vp_t_ls($other)), "\n";
	var_dump(vpopmail_del_user('alice', 'example.com'), vpopmail_del_user('bob', 'example.com'));
}
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-152'));
?>
--EXPECT--
bool(true)
bool(true)
-- 200 levels
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
del_user: bool(true)
bool(false)
batch del: bool(true)
bool(false)
added again: bool(true)
bool(true)
bool(true)
bool(false)
del_domain: bool(true)
bool(false)
added again: bool(true)
left in the domains: .dir-control .qmail-default .vpasswd.lock alice bob postmaster vpasswd vpasswd.cdb | .dir-control .qmail-default .vpasswd.lock postmaster vpasswd vpasswd.cdb
bool(true)
bool(true)
-- 5000 levels
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
del_user: bool(true)
bool(false)
batch del: bool(true)
bool(false)
added again: bool(true)
bool(true)
bool(true)
bool(false)
del_domain: bool(true)
bool(false)
added again: bool(true)
left in the domains: .dir-control .qmail-default .vpasswd.lock alice bob postmaster vpasswd vpasswd.cdb | .dir-control .qmail-default .vpasswd.lock postmaster vpasswd vpasswd.cdb
bool(true)
bool(true)
