--TEST--
vpopmail_batch(): malformed operations throw naming the index; duplicates, unknown domain and existing users are operational failures
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-073/vpopmail
vpopmail.qmail_dir={TMP}/vp-073/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-073');
$dom = "$root/vpopmail/domains/example.com";
vpopmail_add_domain_ex('example.com', 'Secret123');
vpopmail_add_user('here', 'example.com', 'pw');
$sum = fn() => vp_b_md5("$dom/vpasswd") . vp_b_md5("$dom/vpasswd.cdb") . vp_b_md5("$dom/.dir-control");
$before = $sum();

echo "-- shapes\n";
foreach ([
	['x' => ['add', 'a', 'b']],
	['not an array'],
	[['add', 'ab', 'pw'], []],
	[['rename', 'ab']],
	[['ADD', 'ab', 'pw']],
	[['add', 'ab']],
	[['op' => 'add', 'user' => 'ab']],
	[['del', 'ab', 'extra']],
	[['add', 'ab', 'pw', '', false, null, 'seventh']],
	[['op' => 'del', 'user' => 'ab', 'password' => 'pw']],
	[['op' => 'del', 0 => 'del', 'user' => 'ab']],
	[['op' => 'del', 'user' => 'ab', 'color' => 'red']],
	[['add', 123, 'pw']],
	[['add', 'ab', 'pw', '', 'yes']],
	[['quota', 'ab', null]],
	[['passwd', "a\0b", 'pw']],
	[['add', 'ab', "p\0w"]],
] as $ops) {
	try {
		vpopmail_batch('example.com', $ops);
		echo "no exception\n";
	} catch (TypeError|ValueError $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}
try {
	vpopmail_batch("exa\0mple.com", []);
} catch (ValueError $e) {
	echo get_class($e), ': ', $e->getMessage(), "\n";
}

echo "-- operational failures: false, a warning naming the operation, nothing applied\n";
vp_t_show(vpopmail_batch('example.com', [['add', 'dup', 'pw'], ['add', 'other', 'pw'], ['add', 'DUP', 'pw']]));
vp_t_show(vpopmail_batch('example.com', [['passwd', 'here', 'x'], ['del', 'here']]));
vp_t_show(vpopmail_batch('example.com', [['add', 'new1', 'pw'], ['add', 'here', 'pw']]));
vp_t_show(vpopmail_batch('example.com', [['add', 'new1', 'pw'], ['passwd', 'ghost', 'pw']]));
vp_t_show(vpopmail_batch('example.com', [['add', 'new1', 'pw'], ['del', 'postmaster'], ['quota', 'ghost', '1M']]));
vp_t_show(vpopmail_batch('nowhere.test', [['add', 'new1', 'pw']]));
vp_t_show(vpopmail_batch('example.com', [['add', 'x', 'pw']]));
var_dump($sum() === $before, file_exists("$dom/new1"), file_exists("$dom/dup"));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-073'));
?>
--EXPECTF--
-- shapes
ValueError: vpopmail_batch(): Argument #2 ($operations) must be a list
TypeError: vpopmail_batch(): Argument #2 ($operations) must contain only arrays, string given at index 0
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 1 must start with its kind: "add", "del", "passwd" or "quota"
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 0: unknown kind "rename" (expected "add", "del", "passwd" or "quota")
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 0: unknown kind "ADD" (expected "add", "del", "passwd" or "quota")
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 0 (add): missing "password"
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 0 (add): missing "password"
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 0 (del): too many elements
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 0 (add): too many elements
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 0 (del): unexpected key "password"
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 0 (del): "op" given twice
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 0 (del): unexpected key "color"
TypeError: vpopmail_batch(): Argument #2 ($operations) operation 0 (add): "user" must be of type string, int given
TypeError: vpopmail_batch(): Argument #2 ($operations) operation 0 (add): "apop" must be of type bool, string given
TypeError: vpopmail_batch(): Argument #2 ($operations) operation 0 (quota): "quota" must be of type string, null given
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 0 (passwd): "user" must not contain any null bytes
ValueError: vpopmail_batch(): Argument #2 ($operations) operation 0 (add): "password" must not contain any null bytes
ValueError: vpopmail_batch(): Argument #1 ($domain) must not contain any null bytes
-- operational failures: false, a warning naming the operation, nothing applied

Warning: vpopmail_batch(): operation 2 (add dup): Username exists: dup is also in operation 0 in %s on line %d
false errno=-2 error=operation 2 (add dup): Username exists: dup is also in operation 0

Warning: vpopmail_batch(): operation 1 (del here): %s: here is also in operation 0 in %s on line %d
false errno=-35 error=operation 1 (del here): %s: here is also in operation 0

Warning: vpopmail_batch(): operation 1 (add here): Username exists: here@example.com in %s on line %d
false errno=-2 error=operation 1 (add here): Username exists: here@example.com

Warning: vpopmail_batch(): operation 1 (passwd ghost): User does not exist: ghost@example.com in %s on line %d
false errno=-10 error=operation 1 (passwd ghost): User does not exist: ghost@example.com

Warning: vpopmail_batch(): operation 2 (quota ghost): User does not exist: ghost@example.com in %s on line %d
false errno=-10 error=operation 2 (quota ghost): User does not exist: ghost@example.com

Warning: vpopmail_batch(): %s: nowhere.test in %s on line %d
false errno=-11 error=%s: nowhere.test

Warning: vpopmail_batch(): operation 0 (add x): %s in %s on line %d
false errno=-1 error=operation 0 (add x): %s
bool(true)
bool(false)
bool(false)
