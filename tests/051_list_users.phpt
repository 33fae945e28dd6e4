--TEST--
vpopmail_list_users() / vpopmail_count_users(): agree with vuserinfo -D and vdominfo on every fixture step; paging edges; unsorted vpasswd; errors
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-051/vpopmail
vpopmail.qmail_dir={TMP}/vp-051/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/info.inc';
$root = vp_t_root('051');

$listings = $records = 0;
foreach (vp_i_steps() as [$ver, $step]) {
	vp_u_copy_fixture($ver, $step, $root);
	$bad = [];
	foreach (vp_i_vuserinfo(vp_t_fixture($ver, $step) . '/_meta/vuserinfo.txt') as $cmd => $want) {
		if (!str_starts_with($cmd, '-D ')) {
			continue;
		}
		$domain = substr($cmd, 3);
		$got = vpopmail_list_users($domain);
		if (!is_array($got) || count($got) !== count($want)) {
			$bad[] = "$domain: " . json_encode($got === false ? false : array_column($got, 'name'));
			continue;
		}
		foreach ($want as $i => $w) {
			$bad = array_merge($bad, vp_i_user_diff($root, $w, $got[$i], false));
			if (array_keys($got[$i]) !== ['name', 'gecos', 'dir', 'quota', 'flags', 'uid']) {
				$bad[] = 'keys ' . implode(',', array_keys($got[$i]));
			}
		}
		if (vpopmail_count_users($domain) !== count($want)) {
			$bad[] = "count_users($domain) = " . json_encode(vpopmail_count_users($domain));
		}
		$listings++;
		$records += count($want);
	}
	/* vdominfo's "users:" for every domain whose directory the fixture kept */
	foreach (vp_i_vdominfo(vp_t_fixture($ver, $step) . '/_meta/vdominfo.txt') as $cmd => $blocks) {
		foreach ($blocks as $b) {
			if (is_dir(str_replace('/home/vpopmail', "$root/vpopmail", $b['dir'])) &&
			    vpopmail_count_users($b['domain']) !== (int)$b['users']) {
				$bad[] = "count_users({$b['domain']}) = " . json_encode(vpopmail_count_users($b['domain'])) . ", vdominfo: {$b['users']}";
			}
		}
	}
	if ($bad) {
		echo "$ver $step: ", implode('; ', $bad), "\n";
	}
}
echo "listings compared: $listings ($records records)\n";

$names = fn($a) => is_array($a) ? implode(' ', array_column($a, 'name')) ?: '(none)' : json_encode($a);
echo "== paging, 5.6 step 24 (5 users)\n";
vp_u_copy_fixture('5.6', '24-adduser-uppercase-dotted', $root);
foreach ([[0, 0], [0, 2], [2, 2], [4, 2], [5, 2], [6, 0], [PHP_INT_MAX, 1], [1, PHP_INT_MAX], [0, 1]] as [$o, $l]) {
	printf("%-26s %s\n", "offset $o limit $l", $names(vpopmail_list_users('example.com', $o, $l)));
}
echo $names(vpopmail_list_users('ALIAS.example', 3)), "\n";
var_dump(vpopmail_count_users('Alias.Example'));
echo json_encode(vpopmail_list_users('example.com', 1, 1)[0], JSON_UNESCAPED_SLASHES) === json_encode([
	'name' => 'bob', 'gecos' => 'Bob Builder', 'dir' => "$root/vpopmail/domains/example.com/bob",
	'quota' => '20971520S', 'flags' => 2, 'uid' => vp_b_mysql() ? 0 : 1], JSON_UNESCAPED_SLASHES) ? "bob's row as expected\n" : "bob's row differs\n";

echo "== a vpasswd edited by hand: out of order, blank and broken lines\n";
$dom = "$root/vpopmail/domains/example.com";
$lines = explode("\n", rtrim(vp_b_read("$dom/vpasswd")));
$text = implode("\n", array_reverse($lines)) . "\n\nbroken line\n:noname:1:0\nZed:x:1:0:Z:$dom/Zed:NOQUOTA";
file_put_contents("$dom/vpasswd", $text);
vp_u_vpasswd_cdb_build($dom);
/* On mysql the rows may come in the column's collation order (vpopmail's
 * "order by pw_name": Zed after postmaster): each page must be the slice of
 * the order the whole list came in, and is shown as the bytewise order's. */
$all = array_column(vpopmail_list_users('example.com'), 'name');
$bytewise = $all;
sort($bytewise, SORT_STRING);
$ci = $all;
usort($ci, 'strcasecmp');
$ok_order = $all === $bytewise || (vp_b_mysql() && $all === $ci);
$page = function (int $o, int $l) use ($all, $bytewise, $ok_order, $names) {
	$got = array_column(vpopmail_list_users('example.com', $o, $l), 'name');
	return $ok_order && $got === array_slice($all, $o, $l) ? implode(' ', array_slice($bytewise, $o, $l))
	                                                       : 'page ' . json_encode($got) . ' of ' . json_encode($all);
};
echo $ok_order ? implode(' ', $bytewise) : 'order ' . json_encode($all), "\n";
echo $page(2, 2), "\n";
echo $page(5, 9), "\n";
var_dump(vpopmail_count_users('example.com'));
vp_b_unlink("$dom/vpasswd.cdb");
var_dump(vpopmail_count_users('example.com'));   /* no cdb: the lines */
vp_b_unlink("$dom/vpasswd");
echo $names(vpopmail_list_users('example.com')), "\n";
var_dump(vpopmail_count_users('example.com'));

echo "== hashed user directories (extra-bigdir step 04, 102 users)\n";
vp_u_copy_fixture('5.6', 'extra-bigdir/04-adduser-u101-102nd-user', $root);
$all = vpopmail_list_users('big.test');
$sorted = array_column($all, 'name');
sort($sorted, SORT_STRING);
var_dump(count($all), vpopmail_count_users('big.test'), array_column($all, 'name') === $sorted);
echo $names(vpopmail_list_users('big.test', 9, 5)), "\n";
echo str_replace($root, '/R', vpopmail_list_users('big.test', 11, 1)[0]['dir']), "\n";
echo $names(vpopmail_list_users('big.test', 100, 50)), "\n";

echo "== errors\n";
vp_t_show(vpopmail_list_users('nowhere.test'));
vp_t_show(vpopmail_count_users('nowhere.test'));
vp_t_show(vpopmail_list_users('bad..name'));
foreach ([['big.test', -1], ['big.test', 0, -1], ["big.test\0"], ['big.test', 'x'], []] as $args) {
	try {
		vpopmail_list_users(...$args);
		echo "no exception\n";
	} catch (Throwable $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}
try {
	vpopmail_count_users("big.test\0");
} catch (Throwable $e) {
	echo get_class($e), ': ', $e->getMessage(), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('051'));
?>
--EXPECTF--
listings compared: 184 (414 records)
== paging, 5.6 step 24 (5 users)
offset 0 limit 0           alice bob dave first.last postmaster
offset 0 limit 2           alice bob
offset 2 limit 2           dave first.last
offset 4 limit 2           postmaster
offset 5 limit 2           (none)
offset 6 limit 0           (none)
offset 9223372036854775807 limit 1 (none)
offset 1 limit 9223372036854775807 bob dave first.last postmaster
offset 0 limit 1           alice
first.last postmaster
int(5)
bob's row as expected
== a vpasswd edited by hand: out of order, blank and broken lines
Zed alice bob dave first.last postmaster
bob dave
postmaster
int(6)
int(6)
(none)
int(0)
== hashed user directories (extra-bigdir step 04, 102 users)
int(102)
int(102)
bool(true)
u09 u10 u100 u101 u11
/R/vpopmail/domains/big.test/0/u100
u98 u99
== errors

Warning: vpopmail_list_users(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test

Warning: vpopmail_count_users(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test

Warning: vpopmail_list_users(): Invalid domain name: %s in %s on line %d
false errno=-12 error=Invalid domain name: %s
ValueError: vpopmail_list_users(): Argument #2 ($offset) must be greater than or equal to 0
ValueError: vpopmail_list_users(): Argument #3 ($limit) must be greater than or equal to 0
ValueError: vpopmail_list_users(): Argument #1 ($domain) must not contain any null bytes
TypeError: vpopmail_list_users(): Argument #2 ($offset) must be of type int, string given
ArgumentCountError: vpopmail_list_users() expects at least 1 argument, 0 given
ValueError: vpopmail_count_users(): Argument #1 ($domain) must not contain any null bytes
