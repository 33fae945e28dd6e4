--TEST--
vpopmail.password_scheme and vpopmail.clear_passwords: $6$ (default), $1$, $5$, $2b$, $y$; the 8th field (5.4 style)
--EXTENSIONS--
vpopmail
--SKIPIF--
<?php
if (!getenv('TEST_PHP_EXECUTABLE') || getenv('TEST_PHP_EXTRA_ARGS') === false) die('skip needs run-tests.php to start children');
?>
--INI--
vpopmail.directory={TMP}/vp-036/vpopmail
vpopmail.qmail_dir={TMP}/vp-036/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
/* The settings are PHP_INI_SYSTEM: each one is tried in a child PHP. */
function child(string $id, array $ini, string $code): void
{
	$tmp = sys_get_temp_dir();
	$ini += ['vpopmail.directory' => "$tmp/$id/vpopmail", 'vpopmail.qmail_dir' => "$tmp/$id/qmail"];
	$pre = 'require ' . var_export(__DIR__ . '/user.inc', true) . ";\n"
	     . '$root = vp_sandbox(' . var_export($id, true) . ");\n"
	     . '$dom = "$root/vpopmail/domains/example.com";' . "\n"
	     . 'vpopmail_add_domain_ex("example.com", "Secret123") or print("no domain\n");' . "\n";
	echo str_replace($tmp, '{TMP}', vp_u_child($pre . $code, $ini));
	vp_rmtree("$tmp/$id");
}

$each = <<<'PHP'
vp_t_show(vpopmail_add_user('alice', 'example.com', 'alicepw'));
$h = vp_u_vpasswd($dom)['alice'][1];
echo vp_u_line($root, $dom, 'alice'), ' ', strlen($h), "\n";
/* PHP's own crypt() knows every scheme but yescrypt */
var_dump(str_starts_with($h, '$y$') ? 'yescrypt' : crypt('alicepw', $h) === $h);
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'alicepw'));
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'alicepw2'));
vp_t_show(vpopmail_passwd('alice', 'example.com', 'newpw'));
$h2 = vp_u_vpasswd($dom)['alice'][1];
echo $h2 !== $h && substr($h2, 0, 3) === substr($h, 0, 3) ? "new hash, same scheme\n" : "bad: $h2\n";
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'newpw'));
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'alicepw'));
echo vp_u_line($root, $dom, 'postmaster'), "\n";
vp_t_show(vpopmail_auth_user('postmaster', 'example.com', 'Secret123'));
echo vp_u_cdb_matches($dom), "\n";
PHP;

foreach (['sha512', 'md5', 'sha256', 'bcrypt', 'yescrypt', 'SHA512'] as $scheme) {
	echo "== $scheme\n";
	child('vp-036-' . strtolower($scheme), ['vpopmail.password_scheme' => $scheme], $each);
}

echo "== md5 + clear_passwords=1: vpopmail 5.4's lines\n";
child('vp-036-clear', ['vpopmail.password_scheme' => 'md5', 'vpopmail.clear_passwords' => '1'], <<<'PHP'
vp_t_show(vpopmail_add_user('alice', 'example.com', 'alicepw'));
echo vp_u_line($root, $dom, 'alice'), "\n";
echo vp_u_line($root, $dom, 'postmaster'), "\n";
echo count(vp_u_vpasswd($dom)['alice']), " fields\n";
echo vp_u_cdb_matches($dom), "\n";
vp_t_show(vpopmail_passwd('alice', 'example.com', 'newpw'));
echo vp_u_line($root, $dom, 'alice'), "\n";
vp_t_show(vpopmail_set_user_quota('alice', 'example.com', '20M'));
echo vp_u_line($root, $dom, 'alice'), "\n";
/* the clear text is never a password by itself: only the hash is checked */
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'newpw'));
vp_t_show(vpopmail_auth_user('alice', 'example.com', 'alicepw'));
echo "-- a clear text that would break the line is refused\n";
vp_t_show(@vpopmail_add_user('bob', 'example.com', 'a:b'));
vp_t_show(@vpopmail_add_user('bob', 'example.com', "a\nbob2:x:1:0:x:/tmp:NOQUOTA"));
vp_t_show(@vpopmail_add_user('bob', 'example.com', "a\rb"));
vp_t_show(@vpopmail_passwd('alice', 'example.com', 'x:y'));
echo vp_u_line($root, $dom, 'alice'), "\n";
echo implode(' ', array_keys(vp_u_vpasswd($dom))), "\n";
echo "-- the real 5.4 tree: a change keeps the 5.4 form\n";
vp_u_copy_fixture('5.4', '24-adduser-uppercase-dotted', $root);
vp_t_show(vpopmail_passwd('bob', 'example.com', 'bob2'));
vp_t_show(vpopmail_add_user('erin', 'example.com', 'erinpw'));
echo vp_u_line($root, $dom, 'bob'), "\n", vp_u_line($root, $dom, 'erin'), "\n";
$real = file(vp_t_fixture('5.4', '24-adduser-uppercase-dotted') . '/vpopmail/domains/example.com/vpasswd');
$ours = vp_b_file("$dom/vpasswd");
echo count(array_diff($ours, str_replace('/home/vpopmail', "$root/vpopmail", $real))), " lines differ from the real ones\n";
vp_t_show(vpopmail_auth_user('bob', 'example.com', 'bob2'));
vp_t_show(vpopmail_auth_user('dave', 'alias.example', 'davepw'));
echo vp_u_cdb_matches($dom), "\n";
PHP);

echo "== a clear text with ':' is fine when it is not stored\n";
vp_sandbox('vp-036');
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'));
vp_t_show(vpopmail_add_user('bob', 'example.com', "a:b\nc"));
vp_t_show(vpopmail_auth_user('bob', 'example.com', "a:b\nc"));
echo count(vp_u_vpasswd(vp_root('vp-036') . '/vpopmail/domains/example.com')['bob']), " fields\n";

echo "== an unknown scheme is a configuration error\n";
child('vp-036-bad', ['vpopmail.password_scheme' => 'des'], <<<'PHP'
vp_t_show(vpopmail_add_user('alice', 'example.com', 'alicepw'));
vp_t_show(vpopmail_auth_user('postmaster', 'example.com', 'Secret123'));
PHP);
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-036'));
?>
--EXPECTF--
== sha512
true errno=0 error=Success
alice:$6$…:1:0:alice:/R/vpopmail/domains/example.com/alice:NOQUOTA 106
bool(true)
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
true errno=0 error=Success
new hash, same scheme
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
postmaster:$6$…:1:0:Postmaster:/R/vpopmail/domains/example.com/postmaster:NOQUOTA
true errno=0 error=Success
cdb = vpasswd (2 records)
== md5
true errno=0 error=Success
alice:$1$…:1:0:alice:/R/vpopmail/domains/example.com/alice:NOQUOTA 34
bool(true)
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
true errno=0 error=Success
new hash, same scheme
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
postmaster:$1$…:1:0:Postmaster:/R/vpopmail/domains/example.com/postmaster:NOQUOTA
true errno=0 error=Success
cdb = vpasswd (2 records)
== sha256
true errno=0 error=Success
alice:$5$…:1:0:alice:/R/vpopmail/domains/example.com/alice:NOQUOTA 63
bool(true)
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
true errno=0 error=Success
new hash, same scheme
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
postmaster:$5$…:1:0:Postmaster:/R/vpopmail/domains/example.com/postmaster:NOQUOTA
true errno=0 error=Success
cdb = vpasswd (2 records)
== bcrypt
true errno=0 error=Success
alice:$2b$…:1:0:alice:/R/vpopmail/domains/example.com/alice:NOQUOTA 60
bool(true)
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
true errno=0 error=Success
new hash, same scheme
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
postmaster:$2b$…:1:0:Postmaster:/R/vpopmail/domains/example.com/postmaster:NOQUOTA
true errno=0 error=Success
cdb = vpasswd (2 records)
== yescrypt
true errno=0 error=Success
alice:$y$…:1:0:alice:/R/vpopmail/domains/example.com/alice:NOQUOTA 73
string(8) "yescrypt"
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
true errno=0 error=Success
new hash, same scheme
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
postmaster:$y$…:1:0:Postmaster:/R/vpopmail/domains/example.com/postmaster:NOQUOTA
true errno=0 error=Success
cdb = vpasswd (2 records)
== SHA512
true errno=0 error=Success
alice:$6$…:1:0:alice:/R/vpopmail/domains/example.com/alice:NOQUOTA 106
bool(true)
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
true errno=0 error=Success
new hash, same scheme
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
postmaster:$6$…:1:0:Postmaster:/R/vpopmail/domains/example.com/postmaster:NOQUOTA
true errno=0 error=Success
cdb = vpasswd (2 records)
== md5 + clear_passwords=1: vpopmail 5.4's lines
true errno=0 error=Success
alice:$1$…:1:0:alice:/R/vpopmail/domains/example.com/alice:NOQUOTA:alicepw
postmaster:$1$…:1:0:Postmaster:/R/vpopmail/domains/example.com/postmaster:NOQUOTA:Secret123
8 fields
cdb = vpasswd (2 records)
true errno=0 error=Success
alice:$1$…:1:0:alice:/R/vpopmail/domains/example.com/alice:NOQUOTA:newpw
true errno=0 error=Success
alice:$1$…:1:0:alice:/R/vpopmail/domains/example.com/alice:20971520S:newpw
true errno=0 error=Success
false errno=-111 error=password mismatch: alice@example.com
-- a clear text that would break the line is refused
false errno=-20 error=bad character: in the password (stored in clear text)
false errno=-20 error=bad character: in the password (stored in clear text)
false errno=-20 error=bad character: in the password (stored in clear text)
false errno=-20 error=bad character: in the password (stored in clear text)
alice:$1$…:1:0:alice:/R/vpopmail/domains/example.com/alice:20971520S:newpw
alice postmaster
-- the real 5.4 tree: a change keeps the 5.4 form
true errno=0 error=Success
true errno=0 error=Success
bob:$1$…:1:2:Bob Builder:/R/vpopmail/domains/example.com/bob:20971520S:bob2
erin:$1$…:1:0:erin:/R/vpopmail/domains/example.com/erin:NOQUOTA:erinpw
2 lines differ from the real ones
true errno=0 error=Success
true errno=0 error=Success
cdb = vpasswd (6 records)
== a clear text with ':' is fine when it is not stored
bool(true)
true errno=0 error=Success
true errno=0 error=Success
7 fields
== an unknown scheme is a configuration error

Warning: vpopmail_add_domain_ex(): invalid configuration: vpopmail.password_scheme: unknown scheme des in %s on line %d
no domain

Warning: vpopmail_add_user(): invalid configuration: vpopmail.password_scheme: unknown scheme des in %s on line %d
false errno=-104 error=invalid configuration: vpopmail.password_scheme: unknown scheme des

Warning: vpopmail_auth_user(): invalid configuration: vpopmail.password_scheme: unknown scheme des in %s on line %d
false errno=-104 error=invalid configuration: vpopmail.password_scheme: unknown scheme des