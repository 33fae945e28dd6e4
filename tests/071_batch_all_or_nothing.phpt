--TEST--
vpopmail_batch(): a failing operation in the middle leaves vpasswd, vpasswd.cdb, .dir-control and the tree as they were
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-071/vpopmail
vpopmail.qmail_dir={TMP}/vp-071/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-071');
$dom = "$root/vpopmail/domains/example.com";
vpopmail_add_domain_ex('example.com', 'Secret123');
for ($i = 0; $i < 5; $i++) {
	vpopmail_add_user("user$i", 'example.com', "pw$i") or print("add user$i failed\n");
}
vpopmail_del_user('user2', 'example.com'); /* nothing: the bucket is "" */

function state(string $dom): array
{
	clearstatcache();
	$files = [];
	$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($dom, FilesystemIterator::SKIP_DOTS),
	                                    RecursiveIteratorIterator::SELF_FIRST);
	foreach ($it as $f) {
		$files[] = substr($f->getPathname(), strlen($dom));
	}
	sort($files);
	return ['vpasswd' => vp_b_md5("$dom/vpasswd"), 'cdb' => vp_b_md5("$dom/vpasswd.cdb"),
	        'dirc' => vp_b_read("$dom/.dir-control"), 'files' => $files];
}

$before = state($dom);
echo "-- a missing user to delete, after five adds\n";
$ops = [];
for ($i = 0; $i < 5; $i++) {
	$ops[] = ['add', "fresh$i", "pw$i"];
}
$ops[] = ['del', 'nobody'];
$ops[] = ['passwd', 'user1', 'changed'];
vp_t_show(vpopmail_batch('example.com', $ops));
var_dump(vpopmail_errno() === VPOPMAIL_VA_USER_DOES_NOT_EXIST, state($dom) === $before);

echo "-- a home in the way of the fourth add: the homes made before it go again\n";
mkdir("$dom/fresh3", 0700);
file_put_contents("$dom/fresh3/keepme", "mine\n"); // not a crashed add's leftover: never adopted
$before = state($dom);
$ops = [['del', 'user4'], ['add', 'fresh0', 'a'], ['add', 'fresh1', 'b'], ['add', 'fresh2', 'c'], ['add', 'fresh3', 'd'], ['add', 'fresh4', 'e']];
vp_t_show(vpopmail_batch('example.com', $ops));
var_dump(state($dom) === $before, is_dir("$dom/user4"));
unlink("$dom/fresh3/keepme");
rmdir("$dom/fresh3");

echo "-- a refused argument: nothing was started\n";
$before = state($dom);
vp_t_show(vpopmail_batch('example.com', [['add', 'fine', 'pw'], ['add', 'not ok', 'pw']]));
vp_t_show(vpopmail_batch('example.com', [['add', 'fine', 'pw'], ['quota', 'user1', 'lots']]));
vp_t_show(vpopmail_batch('example.com', [['add', 'fine', 'pw'], ['passwd', 'user1', '']]));
var_dump(state($dom) === $before);

echo "-- the same operations without the bad one\n";
vp_t_show(vpopmail_batch('example.com', [['add', 'fresh0', 'pw0'], ['passwd', 'user1', 'changed'], ['del', 'user4']]));
var_dump(vpopmail_auth_user('fresh0', 'example.com', 'pw0'), vpopmail_auth_user('user1', 'example.com', 'changed'),
         is_dir("$dom/user4"));
echo vp_u_cdb_matches($dom), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-071'));
?>
--EXPECTF--
-- a missing user to delete, after five adds

Warning: vpopmail_batch(): operation 5 (del nobody): User does not exist: nobody@example.com in %s on line %d
false errno=-10 error=operation 5 (del nobody): User does not exist: nobody@example.com
bool(true)
bool(true)
-- a home in the way of the fourth add: the homes made before it go again

Warning: vpopmail_batch(): operation 4 (add fresh3): %s in %s on line %d
false errno=-7 error=operation 4 (add fresh3): %s
bool(true)
bool(true)
-- a refused argument: nothing was started

Warning: vpopmail_batch(): operation 1 (add not ok): %s in %s on line %d
false errno=-1 error=operation 1 (add not ok): %s

Warning: vpopmail_batch(): operation 1 (quota user1): %s in %s on line %d
false errno=-101 error=operation 1 (quota user1): %s

Warning: vpopmail_batch(): operation 1 (passwd user1): %s in %s on line %d
false errno=-70 error=operation 1 (passwd user1): %s
bool(true)
-- the same operations without the bad one
true errno=0 error=Success
bool(true)
bool(true)
bool(false)
cdb = vpasswd (5 records)
