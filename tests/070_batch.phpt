--TEST--
vpopmail_batch(): adds, deletes, password and quota changes in one call, list and keyed forms
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-070/vpopmail
vpopmail.qmail_dir={TMP}/vp-070/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-070');
$dom = "$root/vpopmail/domains/example.com";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'));
vp_t_show(vpopmail_add_user('old', 'example.com', 'oldpw'));
vp_t_show(vpopmail_add_user('gone', 'example.com', 'gonepw'));

vp_t_show(vpopmail_batch('Example.COM', [
	['add', 'alice', 'alicepw'],
	['add', 'bob', 'bobpw', 'Bob Builder', true, '5M'],
	['op' => 'add', 'user' => 'Carol', 'password' => 'carolpw', 'quota' => null],
	['del', 'gone'],
	['passwd', 'old', 'newpw'],
	['op' => 'quota', 'user' => 'postmaster', 'quota' => '1000000S,20C'],
]));
foreach (array_keys(vp_u_vpasswd($dom)) as $u) {
	echo vp_u_line($root, $dom, $u), "\n";
}
echo vp_u_cdb_matches($dom), "\n";
echo strtok(vp_b_read("$dom/.dir-control"), "\n"), " users counted\n";
var_dump(is_dir("$dom/gone"), is_dir("$dom/alice/Maildir/new"), vp_b_read("$dom/alice/lastauth"));
var_dump(file_get_contents("$dom/bob/Maildir/maildirsize"), file_get_contents("$dom/postmaster/Maildir/maildirsize"));
foreach ([['alice', 'alicepw'], ['bob', 'bobpw'], ['carol', 'carolpw'], ['old', 'newpw'], ['old', 'oldpw'], ['gone', 'gonepw']] as [$u, $p]) {
	echo "$u/$p: ", var_export(vpopmail_auth_user($u, 'example.com', $p), true), "\n";
}

echo "-- an empty batch changes nothing\n";
$before = vp_b_md5("$dom/vpasswd") . vp_b_md5("$dom/vpasswd.cdb");
vp_t_show(vpopmail_batch('example.com', []));
var_dump($before === vp_b_md5("$dom/vpasswd") . vp_b_md5("$dom/vpasswd.cdb"));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-070'));
?>
--EXPECT--
bool(true)
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
alice:$1$…:1:0:alice:/R/vpopmail/domains/example.com/alice:NOQUOTA
bob:$1$…:2:0:Bob Builder:/R/vpopmail/domains/example.com/bob:5242880S
carol:$1$…:1:0:carol:/R/vpopmail/domains/example.com/carol:NOQUOTA
old:$1$…:1:0:old:/R/vpopmail/domains/example.com/old:NOQUOTA
postmaster:$1$…:1:0:Postmaster:/R/vpopmail/domains/example.com/postmaster:1000000S,20C
cdb = vpasswd (5 records)
5 users counted
bool(false)
bool(true)
string(7) "0.0.0.0"
string(13) "5242880S
0 0
"
string(17) "1000000S,20C
0 0
"
alice/alicepw: true
bob/bobpw: true
carol/carolpw: true
old/newpw: true
old/oldpw: false
gone/gonepw: false
-- an empty batch changes nothing
true errno=0 error=Success
bool(true)
