--TEST--
vpopmail_batch(): the same vpasswd and vpasswd.cdb records, .dir-control, free list and homes as the same calls one by one
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-072/vpopmail
vpopmail.qmail_dir={TMP}/vp-072/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-072');
$base = "$root/vpopmail/domains";

/* a population across hashed buckets, with a freed slot */
foreach (['one.test', 'batch.test'] as $d) {
	vpopmail_add_domain_ex($d, 'Secret123');
	for ($i = 0; $i < 105; $i++) {
		vpopmail_add_user(sprintf('p%03d', $i), $d, 'pw') or print("fill $d failed\n");
	}
	vpopmail_del_user('p102', $d); /* in bucket 0: its slot goes to the free list */
}
$ops = [];
for ($i = 0; $i < 60; $i++) {
	$ops[] = ['add', sprintf('n%03d', ($i * 7) % 60), "pw$i", $i % 5 ? '' : "Name $i", $i % 9 === 0];
}
$ops[] = ['add', 'aaa', 'x', '', false, '2M'];
$ops[] = ['del', 'p003'];
$ops[] = ['del', 'p101'];
$ops[] = ['passwd', 'p010', 'newpw'];
$ops[] = ['quota', 'p011', '100M'];

foreach ($ops as $i => $op) {
	$u = $op[1];
	$ok = match ($op[0]) {
		'add' => vpopmail_add_user($u, 'one.test', $op[2], $op[3] ?? '', $op[4] ?? false)
		         && (!isset($op[5]) || vpopmail_set_user_quota($u, 'one.test', $op[5])),
		'del' => vpopmail_del_user($u, 'one.test'),
		'passwd' => vpopmail_passwd($u, 'one.test', $op[2]),
		'quota' => vpopmail_set_user_quota($u, 'one.test', $op[2]),
	};
	$ok or print("single op $i failed: " . vpopmail_error() . "\n");
}
var_dump(vpopmail_batch('batch.test', $ops));

/* the domain's files and tree, hashes masked, the domain name mapped (vpasswd
 * and vpasswd.cdb compared by content above: their bytes hold salted hashes) */
function view(string $base, string $d): array
{
	$dir = "$base/$d";
	$mask = fn($s) => str_replace($d, 'D', preg_replace('/^([^:\n]*):[^:\n]*:/m', '$1:H:', $s));
	$recs = [];
	foreach (vp_b_cdb_records("$dir/vpasswd.cdb") as [$k, $v]) {
		$recs[] = $k . '=' . $mask(":$v");
	}
	$tree = [];
	$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($dir, FilesystemIterator::SKIP_DOTS),
	                                    RecursiveIteratorIterator::SELF_FIRST);
	foreach ($it as $f) {
		$rel = substr($f->getPathname(), strlen($dir));
		if (!str_contains($rel, '.lock')) {
			$tree[] = $rel . ' ' . decoct($f->getPerms() & 0777) . ($f->isFile() && !str_starts_with($rel, '/vpasswd') ? ' ' . md5($mask(file_get_contents($f->getPathname()))) : '');
		}
	}
	foreach (vp_b_mysql() ? vp_b_store_files(vp_b_root_of($dir)) : [] as $p) { /* their rows, as files */
		if (str_starts_with($p, "$dir/")) {
			$rel = substr($p, strlen($dir));
			$tree[] = "$rel 600" . (str_starts_with($rel, '/vpasswd') ? '' : ' ' . md5($mask((string)vp_b_read($p))));
		}
	}
	sort($tree);
	return ['vpasswd' => $mask(vp_b_read("$dir/vpasswd")), 'cdb' => $recs,
	        'dir-control' => vp_b_read("$dir/.dir-control"),
	        'free' => @file_get_contents("$dir/.dir_control_free"), 'tree' => $tree];
}
$a = view($base, 'one.test');
$b = view($base, 'batch.test');
foreach ($a as $k => $v) {
	echo str_pad($k, 12), $v === $b[$k] ? 'same' : 'DIFFERENT', "\n";
}
echo count($b['cdb']), " records, ", count($b['tree']), " paths, ", strtok($b['dir-control'], "\n"), " users counted\n";
var_dump($b['free']);
echo vp_u_line($root, "$base/batch.test", 'n000'), "\n", vp_u_line($root, "$base/batch.test", 'aaa'), "\n";
var_dump(vpopmail_auth_user('n007', 'batch.test', 'pw1'), vpopmail_auth_user('p010', 'batch.test', 'newpw'));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-072'));
?>
--EXPECT--
bool(true)
vpasswd     same
cdb         same
dir-control same
free        same
tree        same
164 records, 992 paths, 164 users counted
string(2) "0
"
n000:$1$…:2:0:Name 0:/R/vpopmail/domains/batch.test/0/n000:NOQUOTA
aaa:$1$…:1:0:aaa:/R/vpopmail/domains/batch.test/0/aaa:2097152S
bool(true)
bool(true)
