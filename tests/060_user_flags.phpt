--TEST--
vpopmail_get_user_flags()/vpopmail_set_user_flags(): vmoduser -p bob (step 15) and vmoduser -x bob (step 27) byte for byte as vpopmail 5.6/5.4 wrote them; add/remove/replace; refusals
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-060/vpopmail
vpopmail.qmail_dir={TMP}/vp-060/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_t_root('060');
$dom = "$root/vpopmail/domains/example.com";
/* our vpasswd and vpasswd.cdb records (paths mapped back) against a fixture step's, hashes and all */
function exact(string $root, string $dom, string $ver, string $step): void
{
	$fix = vp_t_fixture($ver, $step) . '/vpopmail/domains/example.com';
	$back = fn(string $s) => str_replace("$root/vpopmail", '/home/vpopmail', $s);
	$text = $back(vp_b_read("$dom/vpasswd")) === vp_b_read("$fix/vpasswd");
	$recs = array_map(fn($r) => [$r[0], $back($r[1])], vp_b_cdb_records("$dom/vpasswd.cdb")) === vp_cdb_records("$fix/vpasswd.cdb");
	echo "$ver $step: vpasswd ", $text ? 'identical' : 'DIFFERENT', ', vpasswd.cdb records ', $recs ? 'identical' : 'DIFFERENT', "\n";
}

foreach (['5.6', '5.4'] as $ver) {
	echo "== $ver\n";
	vp_u_copy_fixture($ver, '14-passwd-alice', $root);
	var_dump(vpopmail_get_user_flags('bob', 'example.com'));
	echo "-- 15: vmoduser -p bob@example.com\n";
	var_dump(vpopmail_set_user_flags('bob', 'example.com', VPOPMAIL_NO_POP));
	exact($root, $dom, $ver, '15-moduser-bob-nopop');
	vp_same_as($root, "vpopmail-$ver", '15-moduser-bob-nopop');
	echo vp_u_mode("$dom/vpasswd"), ' ', vp_u_mode("$dom/vpasswd.cdb"), "\n";
	var_dump(vpopmail_get_user_flags('BOB', 'alias.example'));
	vp_u_copy_fixture($ver, '26-valias-delete-sales', $root);
	var_dump(vpopmail_get_user_flags('bob', 'example.com'));
	echo "-- 27: vmoduser -x bob@example.com\n";
	var_dump(vpopmail_set_user_flags('bob', 'example.com', 0, VPOPMAIL_FLAGS_REPLACE));
	exact($root, $dom, $ver, '27-moduser-bob-clearflags');
	vp_same_as($root, "vpopmail-$ver", '27-moduser-bob-clearflags');
	echo vp_u_cdb_matches($dom), "\n";
}

echo "-- add, remove, replace\n";
var_dump(vpopmail_set_user_flags('bob', 'example.com', VPOPMAIL_NO_IMAP | VPOPMAIL_QA_ADMIN));
var_dump(vpopmail_set_user_flags('bob', 'example.com', VPOPMAIL_NO_POP, VPOPMAIL_FLAGS_ADD));
echo vp_u_line($root, $dom, 'bob'), "\n";
var_dump(vpopmail_set_user_flags('bob', 'example.com', VPOPMAIL_NO_IMAP | VPOPMAIL_NO_SMTP, VPOPMAIL_FLAGS_REMOVE));
var_dump(vpopmail_set_user_flags('bob', 'example.com', 0x7FFFF, VPOPMAIL_FLAGS_REPLACE));
var_dump(vpopmail_get_user_flags('bob', 'example.com') === 0x7FFFF);
var_dump(vpopmail_set_user_flags('bob', 'example.com', 0, VPOPMAIL_FLAGS_REPLACE));
var_dump(VPOPMAIL_FLAGS_ADD, VPOPMAIL_FLAGS_REMOVE, VPOPMAIL_FLAGS_REPLACE);

echo "-- refused\n";
$before = vp_b_read("$dom/vpasswd");
foreach ([['bob', 'example.com', 0x80000], ['bob', 'example.com', -1], ['bob', 'example.com', PHP_INT_MAX],
          ['bob', 'example.com', 1, 3], ['bob', 'example.com', 1, -1], ["bob\0", 'example.com', 1],
          ['bob', "example.com\0", 1], ['bob', 'example.com', 'x'], ['bob', 'example.com']] as $args) {
	try {
		var_dump(vpopmail_set_user_flags(...$args));
	} catch (Throwable $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}
vp_t_show(vpopmail_set_user_flags('nobody', 'example.com', 1));
vp_t_show(vpopmail_set_user_flags('bob', 'nowhere.test', 1));
vp_t_show(vpopmail_set_user_flags('../bob', 'example.com', 1));
vp_t_show(vpopmail_get_user_flags('nobody', 'example.com'));
vp_t_show(vpopmail_get_user_flags('bob', 'nowhere.test'));
var_dump($before === vp_b_read("$dom/vpasswd"));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-060'));
?>
--EXPECTF--
== 5.6
int(0)
-- 15: vmoduser -p bob@example.com
int(2)
5.6 15-moduser-bob-nopop: vpasswd identical, vpasswd.cdb records identical
15-moduser-bob-nopop: same
0600 0600
int(2)
int(2)
-- 27: vmoduser -x bob@example.com
int(0)
5.6 27-moduser-bob-clearflags: vpasswd identical, vpasswd.cdb records identical
27-moduser-bob-clearflags: same
cdb = vpasswd (5 records)
== 5.4
int(0)
-- 15: vmoduser -p bob@example.com
int(2)
5.4 15-moduser-bob-nopop: vpasswd identical, vpasswd.cdb records identical
15-moduser-bob-nopop: same
0600 0600
int(2)
int(2)
-- 27: vmoduser -x bob@example.com
int(0)
5.4 27-moduser-bob-clearflags: vpasswd identical, vpasswd.cdb records identical
27-moduser-bob-clearflags: same
cdb = vpasswd (5 records)
-- add, remove, replace
int(4104)
int(4106)
bob:$1$…:1:4106:Bob Builder:/R/vpopmail/domains/example.com/bob:20971520S:bobpw
int(4098)
int(524287)
bool(true)
int(0)
int(0)
int(1)
int(2)
-- refused
ValueError: vpopmail_set_user_flags(): Argument #3 ($flags) must be a combination of the VPOPMAIL_* flag constants
ValueError: vpopmail_set_user_flags(): Argument #3 ($flags) must be a combination of the VPOPMAIL_* flag constants
ValueError: vpopmail_set_user_flags(): Argument #3 ($flags) must be a combination of the VPOPMAIL_* flag constants
ValueError: vpopmail_set_user_flags(): Argument #4 ($mode) must be VPOPMAIL_FLAGS_ADD, VPOPMAIL_FLAGS_REMOVE or VPOPMAIL_FLAGS_REPLACE
ValueError: vpopmail_set_user_flags(): Argument #4 ($mode) must be VPOPMAIL_FLAGS_ADD, VPOPMAIL_FLAGS_REMOVE or VPOPMAIL_FLAGS_REPLACE
ValueError: vpopmail_set_user_flags(): Argument #1 ($user) must not contain any null bytes
ValueError: vpopmail_set_user_flags(): Argument #2 ($domain) must not contain any null bytes
TypeError: vpopmail_set_user_flags(): Argument #3 ($flags) must be of type int, string given
ArgumentCountError: vpopmail_set_user_flags() expects at least 3 arguments, 2 given

Warning: vpopmail_set_user_flags(): User does not exist: nobody@example.com in %s on line %d
false errno=-10 error=User does not exist: nobody@example.com

Warning: vpopmail_set_user_flags(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test

Warning: vpopmail_set_user_flags(): Illegal username: invalid character in %s on line %d
false errno=-1 error=Illegal username: invalid character

Warning: vpopmail_get_user_flags(): User does not exist: nobody@example.com in %s on line %d
false errno=-10 error=User does not exist: nobody@example.com

Warning: vpopmail_get_user_flags(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test
bool(true)
