--TEST--
No password in warnings, exceptions or vpopmail_error(), whatever fails
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-080/vpopmail
vpopmail.qmail_dir={TMP}/vp-080/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/vp.inc';
$root = vp_sandbox('vp-080');
const PW = 'Zq9LEAKpw';
$seen = [];
set_error_handler(function (int $no, string $str) use (&$seen) {
	$seen[] = $str;
	return true;
});
function leaks(string $s): bool
{
	return str_contains($s, 'LEAK') || str_contains($s, 'Zq9');
}
$calls = [
	'add_domain_ex' => fn() => vpopmail_add_domain_ex('example.com', PW),
	'add_domain_ex again' => fn() => vpopmail_add_domain_ex('example.com', PW),
	'add_domain_ex bad quota' => fn() => vpopmail_add_domain_ex('new.test', PW, 'bogus'),
	'add_user' => fn() => vpopmail_add_user('alice', 'example.com', PW),
	'add_user again' => fn() => vpopmail_add_user('alice', 'example.com', PW),
	'add_user missing domain' => fn() => vpopmail_add_user('bob', 'missing.test', PW),
	'add_user bad name' => fn() => vpopmail_add_user('b:b', 'example.com', PW),
	'add_user long password' => fn() => vpopmail_add_user('bob', 'example.com', PW . str_repeat('x', 200)),
	'passwd missing user' => fn() => vpopmail_passwd('nobody', 'example.com', PW),
	'passwd long' => fn() => vpopmail_passwd('alice', 'example.com', PW . str_repeat('x', 200)),
	'auth wrong password' => fn() => vpopmail_auth_user('alice', 'example.com', PW . 'x'),
	'auth unknown user' => fn() => vpopmail_auth_user('nobody', 'example.com', PW),
	'auth unknown domain' => fn() => vpopmail_auth_user('alice', 'missing.test', PW),
	'add_user NUL in password' => fn() => vpopmail_add_user('carol', 'example.com', PW . "\0x"),
	'passwd NUL in password' => fn() => vpopmail_passwd('alice', 'example.com', PW . "\0x"),
];
$failed = 0;
foreach ($calls as $what => $call) {
	try {
		$r = $call();
		$text = vpopmail_error();
	} catch (\Throwable $e) {
		$r = get_class($e);
		$text = $e->getMessage();
	}
	$failed += $r !== true;
	if (leaks($text) || leaks(implode("\n", $seen))) {
		echo "$what: the password leaked: $text | ", implode(' | ', $seen), "\n";
	}
	echo str_pad($what, 26), is_bool($r) ? var_export($r, true) : $r, "\n";
	$seen = [];
}
echo "$failed of ", count($calls), " calls failed, none told the password\n";
var_dump(vpopmail_auth_user('alice', 'example.com', PW));
vp_rmtree($root);
?>
--EXPECT--
add_domain_ex             true
add_domain_ex again       false
add_domain_ex bad quota   false
add_user                  true
add_user again            false
add_user missing domain   false
add_user bad name         false
add_user long password    false
passwd missing user       false
passwd long               false
auth wrong password       false
auth unknown user         false
auth unknown domain       false
add_user NUL in password  ValueError
passwd NUL in password    ValueError
13 of 15 calls failed, none told the password
bool(true)
