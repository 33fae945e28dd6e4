--TEST--
vpopmail_set_user_gecos(): the comment field only (5.4 clear text kept), "" stores the user name, refusals change nothing
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-061/vpopmail
vpopmail.qmail_dir={TMP}/vp-061/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_t_root('061');
$dom = "$root/vpopmail/domains/example.com";
vp_u_copy_fixture('5.4', '14-passwd-alice', $root);
$old = vp_u_vpasswd($dom)['bob'];
vp_t_show(vpopmail_set_user_gecos('bob', 'example.com', 'Robert B. Builder, Esq.'));
$new = vp_u_vpasswd($dom)['bob'];
echo $new[4], "\n";
unset($old[4], $new[4]);
var_dump($old === $new);
vp_t_show(vpopmail_set_user_gecos('BOB', 'Alias.Example', ''));
echo vp_u_line($root, $dom, 'bob'), "\n";
vp_t_show(vpopmail_set_user_gecos('bob', 'example.com', str_repeat('g', 64)));
vp_t_show(vpopmail_set_user_gecos('bob', 'example.com', "Zoë Élise"));
echo vp_u_vpasswd($dom)['bob'][4], "\n";
echo vp_u_cdb_matches($dom), "\n";

echo "-- refused\n";
$before = vp_b_read("$dom/vpasswd");
foreach ([str_repeat('g', 65), 'a:b', "a\nevil::0:0::/:", "a\rb", "a\tb", "a\x7f"] as $g) {
	echo addcslashes($g, "\0..\37\177"), ": ";
	vp_t_show(@vpopmail_set_user_gecos('bob', 'example.com', $g));
}
vp_t_show(vpopmail_set_user_gecos('nobody', 'example.com', 'x'));
try {
	vpopmail_set_user_gecos('bob', 'example.com', "a\0b");
} catch (ValueError $e) {
	echo $e->getMessage(), "\n";
}
var_dump($before === vp_b_read("$dom/vpasswd"));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-061'));
?>
--EXPECTF--
true errno=0 error=Success
Robert B. Builder, Esq.
bool(true)
true errno=0 error=Success
bob:$1$…:1:0:bob:/R/vpopmail/domains/example.com/bob:20971520S:bobpw
true errno=0 error=Success
true errno=0 error=Success
Zoë Élise
cdb = vpasswd (3 records)
-- refused
ggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg: false errno=-28 error=gecos too long (max=64)
a:b: false errno=-20 error=bad character: in gecos
a\nevil::0:0::/:: false errno=-20 error=bad character: in gecos
a\rb: false errno=-20 error=bad character: in gecos
a\tb: false errno=-20 error=bad character: in gecos
a\177: false errno=-20 error=bad character: in gecos

Warning: vpopmail_set_user_gecos(): User does not exist: nobody@example.com in %s on line %d
false errno=-10 error=User does not exist: nobody@example.com
vpopmail_set_user_gecos(): Argument #3 ($gecos) must not contain any null bytes
bool(true)
