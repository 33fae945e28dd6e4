--TEST--
Security (issue 12, class 6): <home>/domains, a domain dir, a hash bucket, a home and a Maildir swapped for symlinks to the real data moved outside: no call follows them, the outside tree stays byte for byte as it was
--EXTENSIONS--
vpopmail
--SKIPIF--
<?php
require __DIR__ . '/backend.inc';
vp_b_skip_on_mysql('auth opens no file on mysql (record and last login are rows), so it has no symlink to refuse; every other call answers as on cdb');
?>
--INI--
vpopmail.directory={TMP}/vp-151/vpopmail
vpopmail.qmail_dir={TMP}/vp-151/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.auth_logging=1
--FILE--
<?php
require __DIR__ . '/secpath.inc';
$root = vp_root('vp-151');

/* A fresh tree: example.com with alice, bob and dave (dave in hash bucket 0). */
function world(string $root): string
{
	vp_sandbox('vp-151');
	$dom = "$root/vpopmail/domains/example.com";
	$ok = vpopmail_add_domain_ex('example.com', 'Secret123') && vpopmail_add_user('alice', 'example.com', 'alicepw')
	      && vpopmail_add_user('bob', 'example.com', 'bobpw');
	/* the counter says 99 users: the next one goes into bucket 0 */
	file_put_contents("$dom/.dir-control", "99\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n\n");
	$ok = $ok && vpopmail_add_user('dave', 'example.com', 'davepw') && is_dir("$dom/0/dave");
	vp_s_canary($root);
	return $ok ? $dom : '';
}

$cases = [
	'<home>/domains' => ['vpopmail/domains', 'canary/domains'],
	'domain dir' => ['vpopmail/domains/example.com', 'canary/example.com'],
	'bucket dir' => ['vpopmail/domains/example.com/0', 'canary/bucket0'],
	"alice's home" => ['vpopmail/domains/example.com/alice', 'canary/alice'],
	"alice's Maildir" => ['vpopmail/domains/example.com/alice/Maildir', 'canary/Maildir'],
];
foreach ($cases as $what => [$from, $to]) {
	$dom = world($root);
	var_dump($dom !== '');
	rename("$root/$from", "$root/$to");
	symlink("$root/$to", "$root/$from");
	$before = vp_s_snap("$root/canary");
	$calls = [
		'auth alice' => fn() => vpopmail_auth_user('alice', 'example.com', 'alicepw', null, 'pop', '203.0.113.5'),
		'auth dave' => fn() => vpopmail_auth_user('dave', 'example.com', 'davepw', null, 'pop', '203.0.113.5'),
		'usage' => fn() => vpopmail_quota_usage('alice', 'example.com') !== false,
		'quota' => fn() => vpopmail_set_user_quota('alice', 'example.com', '3M'),
		'passwd' => fn() => vpopmail_passwd('bob', 'example.com', 'bobpw2'),
		'add' => fn() => vpopmail_add_user('eve', 'example.com', 'evepw'),
		'alias' => fn() => vpopmail_alias_add('sales', 'example.com', '&bob@example.com'),
		'catch-all' => fn() => vpopmail_set_catchall('example.com', 'bob'),
		'batch' => fn() => vpopmail_batch('example.com', [['quota', 'bob', '2M'], ['add', 'frank', 'frankpw']]),
		'del dave' => fn() => vpopmail_del_user('dave', 'example.com'),
		'del alice' => fn() => vpopmail_del_user('alice', 'example.com'),
		'del domain' => fn() => vpopmail_del_domain('example.com'),
	];
	$out = [];
	$intact = true;
	foreach ($calls as $name => $call) {
		$r = @$call();
		$out[] = "$name=" . ($r ? 'ok' : vpopmail_errno());
		clearstatcache();
		if (vp_s_snap("$root/canary") !== $before) {
			$intact = false;
			echo "$what: $name changed the outside tree\n";
		}
	}
	echo "$what: ", implode(' ', $out), "\n";
	echo "$what: outside tree byte for byte as it was: ", json_encode($intact), "\n";
}
echo "-- the refusal says where\n";
$dom = world($root);
rename($dom, "$root/canary/example.com");
symlink("$root/canary/example.com", $dom);
vp_s_show($root, 'del domain', @vpopmail_del_domain('example.com'));
unlink($dom);
rename("$root/canary/example.com", $dom);
var_dump(vpopmail_del_domain('example.com'), is_dir($dom));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-151'));
?>
--EXPECT--
bool(true)
<home>/domains: auth alice=-116 auth dave=-116 usage=-116 quota=-116 passwd=-116 add=-116 alias=-116 catch-all=-116 batch=-116 del dave=-116 del alice=-116 del domain=-116
<home>/domains: outside tree byte for byte as it was: true
bool(true)
domain dir: auth alice=-116 auth dave=-116 usage=-116 quota=-116 passwd=-116 add=-116 alias=-116 catch-all=-116 batch=-116 del dave=-116 del alice=-116 del domain=-116
domain dir: outside tree byte for byte as it was: true
bool(true)
bucket dir: auth alice=ok auth dave=-116 usage=ok quota=ok passwd=ok add=-116 alias=ok catch-all=ok batch=-116 del dave=-116 del alice=ok del domain=ok
bucket dir: outside tree byte for byte as it was: true
bool(true)
alice's home: auth alice=-116 auth dave=ok usage=-116 quota=-116 passwd=ok add=ok alias=ok catch-all=ok batch=ok del dave=ok del alice=ok del domain=ok
alice's home: outside tree byte for byte as it was: true
bool(true)
alice's Maildir: auth alice=ok auth dave=ok usage=-116 quota=-116 passwd=ok add=ok alias=ok catch-all=ok batch=ok del dave=ok del alice=ok del domain=ok
alice's Maildir: outside tree byte for byte as it was: true
-- the refusal says where
del domain: false errno=-116 unsafe directory: ROOT/vpopmail/domains/example.com is a symbolic link
bool(true)
bool(false)
