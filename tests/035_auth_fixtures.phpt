--TEST--
vpopmail_auth_user(): the real 5.6 (SHA-512) and 5.4 (MD5 + clear text) trees with their MANIFEST passwords; silent "no"s
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-035/vpopmail
vpopmail.qmail_dir={TMP}/vp-035/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_t_root('035');
$dom = "$root/vpopmail/domains/example.com";
/* every "no" below must be silent: a warning here fails the test */
set_error_handler(function (int $no, string $str) { echo "UNEXPECTED: $str\n"; return true; });
function auth(string $u, string $d, string $p, ?string $apop = null): void
{
	printf("%-34s ", "$u@$d $p");
	vp_t_show(vpopmail_auth_user($u, $d, $p, $apop));
}

foreach (['5.6', '5.4'] as $ver) {
	echo "== $ver\n";
	vp_u_copy_fixture($ver, '24-adduser-uppercase-dotted', $root);
	$f = vp_u_vpasswd($dom);
	echo count($f['alice']), ' fields, ', substr($f['alice'][1], 0, 3), "\n";
	auth('postmaster', 'example.com', 'Secret123');
	auth('alice', 'example.com', 'newpw');
	auth('bob', 'example.com', 'bobpw');            /* NO_POP does not matter here (spec 7.1) */
	auth('dave', 'alias.example', 'davepw');
	auth('dave', 'example.com', 'davepw');
	auth('First.Last', 'Example.COM', 'flpw');
	auth('FIRST.LAST', 'example.com', 'flpw');
	auth('first.last', 'ALIAS.EXAMPLE', 'flpw');
	auth('postmaster', 'second.test', 'Second123');
	auth('alice', 'example.com', 'newpw', 'ignored-apop');
	echo "-- no\n";
	auth('alice', 'example.com', 'alicepw');         /* the password before step 14 */
	auth('alice', 'example.com', 'NEWPW');
	auth('alice', 'example.com', '');
	auth('bob', 'example.com', 'bobpw ');
	auth('carol', 'example.com', 'carolpw');         /* deleted in step 17 */
	auth('nobody', 'example.com', 'x');
	auth('postmaster', 'bounce.test', 'Bounce123');  /* deleted in step 18 */
	auth('alice', 'nowhere.test', 'newpw');
	auth('alice', 'alias.example.', 'newpw');
	auth('', 'example.com', 'x');
	auth('alice', '', 'x');
	auth('../alice', 'example.com', 'newpw');
	auth('alice', '../example.com', 'newpw');
	auth(str_repeat('a', 65), 'example.com', 'x');
	auth('alice', str_repeat('a', 97) . '.com', 'x');
	echo "-- changed by us, still read by everyone\n";
	vp_t_show(vpopmail_passwd('bob', 'example.com', 'bob2'));
	vp_t_show(vpopmail_set_user_quota('alice', 'example.com', '5M'));
	vp_t_show(vpopmail_add_user('erin', 'example.com', 'erinpw'));
	vp_t_show(vpopmail_del_user('dave', 'example.com'));
	$g = vp_u_vpasswd($dom);
	echo implode(' ', array_keys($g)), "\n";
	echo vp_u_line($root, $dom, 'bob'), "\n", vp_u_line($root, $dom, 'alice'), "\n";
	/* the lines we did not touch are byte for byte the real ones */
	var_dump($g['postmaster'] === $f['postmaster'], $g['first.last'] === $f['first.last']);
	echo vp_u_cdb_matches($dom), "\n";
	echo max(array_map('strlen', explode("\n", vp_b_read("$dom/vpasswd")))) <= 254 ? "lines fit 5.4's 256-byte reader\n" : "line too long for 5.4\n";
	auth('bob', 'example.com', 'bob2');
	auth('bob', 'example.com', 'bobpw');
	auth('alice', 'alias.example', 'newpw');
	auth('erin', 'example.com', 'erinpw');
	auth('dave', 'example.com', 'davepw');
	auth('First.Last', 'Example.COM', 'flpw');
}

echo "== hashed user directories (extra-bigdir, 102 users)\n";
vp_u_copy_fixture('5.6', 'extra-bigdir/04-adduser-u101-102nd-user', $root);
$big = "$root/vpopmail/domains/big.test";
echo vp_u_line($root, $big, 'u100'), "\n";
auth('postmaster', 'big.test', 'BigPass1');
auth('u01', 'big.test', 'pw01');
auth('u98', 'big.test', 'pw98');
auth('u99', 'big.test', 'pw99');
auth('U100', 'Big.Test', 'pw100');
auth('u101', 'big.test', 'pw101');
auth('u101', 'big.test', 'pw100');
auth('u102', 'big.test', 'pw102');

echo "== every hash a vpopmail tree may hold\n";
vp_u_copy_fixture('5.6', '05-adduser-bob', $root);
$alice = vp_u_vpasswd($dom)['alice'][1];
$hashes = [
	'des' => [crypt('despw', 'ab'), 'despw'],
	'md5' => [crypt('md5pw', '$1$abcdefgh$'), 'md5pw'],
	'sha256' => [crypt('sha256pw', '$5$abcdefghijklmnop$'), 'sha256pw'],
	'sha256r' => [crypt('sha256pw', '$5$rounds=1000$abcdefghijklmnop$'), 'sha256pw'],
	'sha512r' => [crypt('sha512pw', '$6$rounds=1000$abcdefgh$'), 'sha512pw'],
	'bcrypt' => ['$2b$' . substr(crypt('bcryptpw', '$2y$04$abcdefghijklmnopqrstuu'), 4), 'bcryptpw'],
	'dovecot' => ['{SHA512-CRYPT}' . $alice, 'alicepw'],
	'dovecot2' => ['{CRYPT}' . $alice, 'alicepw'],
	'empty' => ['', ''],
	'locked' => ['!' . $alice, 'alicepw'],
	'star' => ['*', '*'],
	'unclosed' => ['{SHA512-CRYPT' . $alice, 'alicepw'],
];
$text = vp_b_read("$dom/vpasswd");
foreach ($hashes as $u => [$h, $p]) {
	$text .= "$u:$h:1:0:$u:$dom/$u:NOQUOTA\n";
}
file_put_contents("$dom/vpasswd", $text);
vp_u_vpasswd_cdb_build($dom);
foreach ($hashes as $u => [$h, $p]) {
	auth($u, 'example.com', $p);
	auth($u, 'example.com', $p . 'x');
}
/* DES reads only the first 8 characters, as crypt(3) always did */
vp_t_show(vpopmail_auth_user('des', 'example.com', 'despw'));
$text .= 'des8:' . crypt('password', 'cd') . ":1:0:des8:$dom/des8:NOQUOTA\n";
file_put_contents("$dom/vpasswd", $text);
vp_u_vpasswd_cdb_build($dom);
auth('des8', 'example.com', 'password-and-more');

echo "== bad arguments\n";
restore_error_handler();
foreach ([["bob\0", 'example.com', 'bobpw'], ['bob', "example.com\0", 'bobpw'], ['bob', 'example.com', "bobpw\0x"],
          ['bob', 'example.com', []], ['bob', 'example.com', 'bobpw', []], ['bob', 'example.com']] as $args) {
	try {
		vpopmail_auth_user(...$args);
		echo "no exception\n";
	} catch (Throwable $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}
vp_t_show(vpopmail_auth_user('bob', 'example.com', 'bobpw', null));
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('035'));
?>
--EXPECTF--
== 5.6
7 fields, $6$
postmaster@example.com Secret123   true errno=0 error=Success
alice@example.com newpw            true errno=0 error=Success
bob@example.com bobpw              true errno=0 error=Success
dave@alias.example davepw          true errno=0 error=Success
dave@example.com davepw            true errno=0 error=Success
First.Last@Example.COM flpw        true errno=0 error=Success
FIRST.LAST@example.com flpw        true errno=0 error=Success
first.last@ALIAS.EXAMPLE flpw      true errno=0 error=Success
postmaster@second.test Second123   true errno=0 error=Success
alice@example.com newpw            true errno=0 error=Success
-- no
alice@example.com alicepw          false errno=-111 error=password mismatch: alice@example.com
alice@example.com NEWPW            false errno=-111 error=password mismatch: alice@example.com
alice@example.com                  false errno=-111 error=password mismatch: alice@example.com
bob@example.com bobpw              false errno=-111 error=password mismatch: bob@example.com
carol@example.com carolpw          false errno=-10 error=User does not exist: carol@example.com
nobody@example.com x               false errno=-10 error=User does not exist: nobody@example.com
postmaster@bounce.test Bounce123   false errno=-11 error=Domain does not exist: bounce.test
alice@nowhere.test newpw           false errno=-11 error=Domain does not exist: nowhere.test
alice@alias.example. newpw         false errno=-11 error=Domain does not exist
@example.com x                     false errno=-10 error=User does not exist
alice@ x                           false errno=-11 error=Domain does not exist
../alice@example.com newpw         false errno=-10 error=User does not exist: ../alice@example.com
alice@../example.com newpw         false errno=-11 error=Domain does not exist
aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com x false errno=-10 error=User does not exist
alice@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com x false errno=-11 error=Domain does not exist
-- changed by us, still read by everyone
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
alice bob erin first.last postmaster
bob:$6$…:1:2:Bob Builder:/R/vpopmail/domains/example.com/bob:20971520S
alice:$6$…:1:0:alice:/R/vpopmail/domains/example.com/alice:5242880S
bool(true)
bool(true)
cdb = vpasswd (5 records)
lines fit 5.4's 256-byte reader
bob@example.com bob2               true errno=0 error=Success
bob@example.com bobpw              false errno=-111 error=password mismatch: bob@example.com
alice@alias.example newpw          true errno=0 error=Success
erin@example.com erinpw            true errno=0 error=Success
dave@example.com davepw            false errno=-10 error=User does not exist: dave@example.com
First.Last@Example.COM flpw        true errno=0 error=Success
== 5.4
8 fields, $1$
postmaster@example.com Secret123   true errno=0 error=Success
alice@example.com newpw            true errno=0 error=Success
bob@example.com bobpw              true errno=0 error=Success
dave@alias.example davepw          true errno=0 error=Success
dave@example.com davepw            true errno=0 error=Success
First.Last@Example.COM flpw        true errno=0 error=Success
FIRST.LAST@example.com flpw        true errno=0 error=Success
first.last@ALIAS.EXAMPLE flpw      true errno=0 error=Success
postmaster@second.test Second123   true errno=0 error=Success
alice@example.com newpw            true errno=0 error=Success
-- no
alice@example.com alicepw          false errno=-111 error=password mismatch: alice@example.com
alice@example.com NEWPW            false errno=-111 error=password mismatch: alice@example.com
alice@example.com                  false errno=-111 error=password mismatch: alice@example.com
bob@example.com bobpw              false errno=-111 error=password mismatch: bob@example.com
carol@example.com carolpw          false errno=-10 error=User does not exist: carol@example.com
nobody@example.com x               false errno=-10 error=User does not exist: nobody@example.com
postmaster@bounce.test Bounce123   false errno=-11 error=Domain does not exist: bounce.test
alice@nowhere.test newpw           false errno=-11 error=Domain does not exist: nowhere.test
alice@alias.example. newpw         false errno=-11 error=Domain does not exist
@example.com x                     false errno=-10 error=User does not exist
alice@ x                           false errno=-11 error=Domain does not exist
../alice@example.com newpw         false errno=-10 error=User does not exist: ../alice@example.com
alice@../example.com newpw         false errno=-11 error=Domain does not exist
aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com x false errno=-10 error=User does not exist
alice@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com x false errno=-11 error=Domain does not exist
-- changed by us, still read by everyone
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
alice bob erin first.last postmaster
bob:$6$…:1:2:Bob Builder:/R/vpopmail/domains/example.com/bob:20971520S
alice:$1$…:1:0:alice:/R/vpopmail/domains/example.com/alice:5242880S:newpw
bool(true)
bool(true)
cdb = vpasswd (5 records)
lines fit 5.4's 256-byte reader
bob@example.com bob2               true errno=0 error=Success
bob@example.com bobpw              false errno=-111 error=password mismatch: bob@example.com
alice@alias.example newpw          true errno=0 error=Success
erin@example.com erinpw            true errno=0 error=Success
dave@example.com davepw            false errno=-10 error=User does not exist: dave@example.com
First.Last@Example.COM flpw        true errno=0 error=Success
== hashed user directories (extra-bigdir, 102 users)
u100:$6$…:1:0:u100:/R/vpopmail/domains/big.test/0/u100:NOQUOTA
postmaster@big.test BigPass1       true errno=0 error=Success
u01@big.test pw01                  true errno=0 error=Success
u98@big.test pw98                  true errno=0 error=Success
u99@big.test pw99                  true errno=0 error=Success
U100@Big.Test pw100                true errno=0 error=Success
u101@big.test pw101                true errno=0 error=Success
u101@big.test pw100                false errno=-111 error=password mismatch: u101@big.test
u102@big.test pw102                false errno=-10 error=User does not exist: u102@big.test
== every hash a vpopmail tree may hold
des@example.com despw              true errno=0 error=Success
des@example.com despwx             false errno=-111 error=password mismatch: des@example.com
md5@example.com md5pw              true errno=0 error=Success
md5@example.com md5pwx             false errno=-111 error=password mismatch: md5@example.com
sha256@example.com sha256pw        true errno=0 error=Success
sha256@example.com sha256pwx       false errno=-111 error=password mismatch: sha256@example.com
sha256r@example.com sha256pw       true errno=0 error=Success
sha256r@example.com sha256pwx      false errno=-111 error=password mismatch: sha256r@example.com
sha512r@example.com sha512pw       true errno=0 error=Success
sha512r@example.com sha512pwx      false errno=-111 error=password mismatch: sha512r@example.com
bcrypt@example.com bcryptpw        true errno=0 error=Success
bcrypt@example.com bcryptpwx       false errno=-111 error=password mismatch: bcrypt@example.com
dovecot@example.com alicepw        true errno=0 error=Success
dovecot@example.com alicepwx       false errno=-111 error=password mismatch: dovecot@example.com
dovecot2@example.com alicepw       true errno=0 error=Success
dovecot2@example.com alicepwx      false errno=-111 error=password mismatch: dovecot2@example.com
empty@example.com                  false errno=-111 error=password mismatch: empty@example.com
empty@example.com x                false errno=-111 error=password mismatch: empty@example.com
locked@example.com alicepw         false errno=-111 error=password mismatch: locked@example.com
locked@example.com alicepwx        false errno=-111 error=password mismatch: locked@example.com
star@example.com *                 false errno=-111 error=password mismatch: star@example.com
star@example.com *x                false errno=-111 error=password mismatch: star@example.com
unclosed@example.com alicepw       false errno=-111 error=password mismatch: unclosed@example.com
unclosed@example.com alicepwx      false errno=-111 error=password mismatch: unclosed@example.com
true errno=0 error=Success
des8@example.com password-and-more true errno=0 error=Success
== bad arguments
ValueError: vpopmail_auth_user(): Argument #1 ($user) must not contain any null bytes
ValueError: vpopmail_auth_user(): Argument #2 ($domain) must not contain any null bytes
ValueError: vpopmail_auth_user(): Argument #3 ($password) must not contain any null bytes
TypeError: vpopmail_auth_user(): Argument #3 ($password) must be of type string, array given
TypeError: vpopmail_auth_user(): Argument #4 ($apop) must be of type ?string, array given
ArgumentCountError: vpopmail_auth_user() expects at least 3 arguments, 2 given
true errno=0 error=Success