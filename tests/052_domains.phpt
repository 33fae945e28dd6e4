--TEST--
vpopmail_list_domains() / vpopmail_domain_info(): agree with vdominfo on every 5.6 / 5.4 fixture step (alias domains, 52 domains); errors
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-052/vpopmail
vpopmail.qmail_dir={TMP}/vp-052/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/info.inc';
$root = vp_t_root('052');

/* One vdominfo block against one of our rows; users only where the fixture kept the directory. */
function diff_block(string $root, array $b, array $row, bool $single): array
{
	$bad = [];
	$want = [
		'domain' => $single ? $row['domain'] : $b['domain'],
		'real_domain' => $single ? $b['domain'] : ($b['alias_of'] ?? $b['domain']),
		'is_alias' => $single ? $row['domain'] !== $b['domain'] : $b['alias_of'] !== null,
		'dir' => $b['dir'], 'uid' => (int)$b['uid'], 'gid' => (int)$b['gid'],
	];
	$got = ['dir' => vp_i_path($root, $row['dir'])] + $row;
	foreach ($want as $k => $v) {
		if ($got[$k] !== $v) {
			$bad[] = "{$b['domain']}: $k " . json_encode($got[$k]) . ' (vdominfo: ' . json_encode($v) . ')';
		}
	}
	if (is_dir($row['dir']) && $row['users'] !== (int)$b['users']) {
		$bad[] = "{$b['domain']}: users {$row['users']} (vdominfo: {$b['users']})";
	}
	if ($single && $row['aliases'] !== $b['aliases']) {
		$bad[] = "{$b['domain']}: aliases " . json_encode($row['aliases']) . ' (vdominfo: ' . json_encode($b['aliases']) . ')';
	}
	return $bad;
}

$lists = $singles = 0;
foreach (vp_i_steps() as [$ver, $step]) {
	vp_u_copy_fixture($ver, $step, $root);
	$bad = [];
	foreach (vp_i_vdominfo(vp_t_fixture($ver, $step) . '/_meta/vdominfo.txt') as $cmd => $blocks) {
		if ($cmd === '') {
			$all = vpopmail_list_domains();
			if (array_column($all, 'domain') !== array_column($blocks, 'domain')) {
				$bad[] = 'domains ' . implode(' ', array_column($all, 'domain'));
				continue;
			}
			foreach ($blocks as $i => $b) {
				$bad = array_merge($bad, diff_block($root, $b, $all[$i], false));
				if (array_keys($all[$i]) !== ['domain', 'real_domain', 'is_alias', 'dir', 'uid', 'gid', 'users']) {
					$bad[] = 'keys ' . implode(',', array_keys($all[$i]));
				}
			}
			$lists++;
			continue;
		}
		$row = vpopmail_domain_info($cmd);
		if ($row === false || count($blocks) !== 1) {
			$bad[] = "$cmd: " . json_encode($row);
			continue;
		}
		$bad = array_merge($bad, diff_block($root, $blocks[0], $row, true));
		$singles++;
	}
	if ($bad) {
		echo "$ver $step: ", implode('; ', $bad), "\n";
	}
}
echo "listings compared: $lists, single domains: $singles\n";

echo "== 5.6 step 15\n";
vp_u_copy_fixture('5.6', '15-moduser-bob-nopop', $root);
foreach (vpopmail_list_domains() as $d) {
	echo str_replace($root, '/R', json_encode($d, JSON_UNESCAPED_SLASHES)), "\n";
}
echo str_replace($root, '/R', json_encode(vpopmail_domain_info('ALIAS.EXAMPLE'), JSON_UNESCAPED_SLASHES)), "\n";
echo str_replace($root, '/R', json_encode(vpopmail_domain_info('example.com'), JSON_UNESCAPED_SLASHES)), "\n";
echo json_encode(vpopmail_domain_info('bounce.test')['aliases']), "\n";

echo "== no users/assign yet (fresh install)\n";
vp_t_rmtree($root);
mkdir("$root/vpopmail/domains", 0755, true);
mkdir("$root/qmail/users", 0755, true);
vp_t_show(vpopmail_list_domains());

echo "== errors\n";
vp_u_copy_fixture('5.6', '28-deldomain-aliasdomain', $root);
vp_t_show(vpopmail_domain_info('Alias.Example'));
vp_t_show(vpopmail_domain_info('bad..name'));
foreach ([["example.com\0"], []] as $args) {
	try {
		vpopmail_domain_info(...$args);
		echo "no exception\n";
	} catch (Throwable $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}
try {
	vpopmail_list_domains('x');
} catch (Throwable $e) {
	echo get_class($e), ': ', $e->getMessage(), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('052'));
?>
--EXPECTF--
listings compared: 66, single domains: 443
== 5.6 step 15
{"domain":"alias.example","real_domain":"example.com","is_alias":true,"dir":"/R/vpopmail/domains/example.com","uid":89,"gid":89,"users":3}
{"domain":"bounce.test","real_domain":"bounce.test","is_alias":false,"dir":"/R/vpopmail/domains/bounce.test","uid":89,"gid":89,"users":1}
{"domain":"example.com","real_domain":"example.com","is_alias":false,"dir":"/R/vpopmail/domains/example.com","uid":89,"gid":89,"users":3}
{"domain":"second.test","real_domain":"second.test","is_alias":false,"dir":"/R/vpopmail/domains/second.test","uid":89,"gid":89,"users":1}
{"domain":"alias.example","real_domain":"example.com","is_alias":true,"dir":"/R/vpopmail/domains/example.com","uid":89,"gid":89,"users":3,"aliases":["alias.example"]}
{"domain":"example.com","real_domain":"example.com","is_alias":false,"dir":"/R/vpopmail/domains/example.com","uid":89,"gid":89,"users":3,"aliases":["alias.example"]}
[]
== no users/assign yet (fresh install)
[] errno=0 error=Success
== errors

Warning: vpopmail_domain_info(): Domain does not exist: alias.example in %s on line %d
false errno=-11 error=Domain does not exist: alias.example

Warning: vpopmail_domain_info(): Invalid domain name: %s in %s on line %d
false errno=-12 error=Invalid domain name: %s
ValueError: vpopmail_domain_info(): Argument #1 ($domain) must not contain any null bytes
ArgumentCountError: vpopmail_domain_info() expects exactly 1 argument, 0 given
ArgumentCountError: vpopmail_list_domains() expects exactly 0 arguments, 1 given
