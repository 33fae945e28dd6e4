--TEST--
mysql backend: a gecos or clear-text password that is not UTF-8 (taken as bytes on cdb) is refused as a bad character before anything is written, by the single calls and batch alike (the connection speaks utf8mb4, as vpopmail's own; the server would answer 1366 mid-transaction)
--EXTENSIONS--
vpopmail
--SKIPIF--
<?php
require __DIR__ . '/backend.inc';
if (!vp_b_mysql()) die('skip the mysql pass of scripts/test only (cdb stores these bytes: 101)');
?>
--INI--
vpopmail.directory={TMP}/vp-311/vpopmail
vpopmail.qmail_dir={TMP}/vp-311/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-311');
$D = 'example.com';
$dom = "$root/vpopmail/domains/$D";
var_dump(vpopmail_add_domain_ex($D, 'Secret123'), vpopmail_add_user('alice', $D, 'alicepw', 'Alice'));
$rows = fn() => vp_b_sql('SELECT pw_name, pw_gecos FROM vpopmail ORDER BY pw_name', vp_b_db($root));
$before = $rows();
foreach (["C1 \x9b ok", "Jos\xe9", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "cut \xc3"] as $g) {
	vp_t_show(@vpopmail_add_user('bob', $D, 'bobpw', $g));
	vp_t_show(@vpopmail_set_user_gecos('alice', $D, $g));
	vp_t_show(@vpopmail_batch($D, [['add', 'carol', 'pw', $g]]));
}
echo $rows() === $before ? "rows unchanged\n" : "rows changed\n";
echo implode(' ', vp_t_ls($dom)), "\n";
/* well-formed UTF-8 of every length passes */
vp_t_show(vpopmail_add_user('dave', $D, 'pw', "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\x9b"));
echo vp_u_line($root, $dom, 'dave'), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-311'));
?>
--EXPECT--
bool(true)
bool(true)
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=operation 0 (add carol): bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=operation 0 (add carol): bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=operation 0 (add carol): bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=operation 0 (add carol): bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=operation 0 (add carol): bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
false errno=-20 error=operation 0 (add carol): bad character: in gecos: not UTF-8, which the connection to the server (utf8mb4) carries
rows unchanged
.dir-control .qmail-default .vpasswd.lock alice postmaster vpasswd vpasswd.cdb
true errno=0 error=Success
dave:$1$…:1:0:é € 😀 :/R/vpopmail/domains/example.com/dave:NOQUOTA
