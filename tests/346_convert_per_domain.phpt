--TEST--
vpopmail_convert() with the disable-many-domains layout (one table per domain): the 5.6 fixture tree (step 27) to mysql makes the tables example_com and second_test with vpopmail's rows, both backends read the same, the passwords log in; converting one domain back touches only that domain
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-346/vpopmail
vpopmail.qmail_dir={TMP}/vp-346/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=cdb
vpopmail.auth_logging=0
vpopmail.mysql_layout=disable-many-domains
vpopmail.mysql_config={TMP}/vp-346-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-346-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
require __DIR__ . '/user.inc';
require __DIR__ . '/convert.inc';
$root = vp_root('vp-346');
$db = vp_root('vp-346-db');
vp_m_start($db);
vp_u_copy_fixture('5.6', '27-moduser-bob-clearflags', $root);
echo json_encode(vpopmail_convert('cdb', 'mysql')), "\n";
echo "tables: ", trim(str_replace("\n", ' ', vp_m_sql($db, 'SHOW TABLES', false))), "\n";
echo str_replace($root, '<root>', vp_m_sql($db, 'SELECT * FROM example_com ORDER BY pw_name'));
/* the same comparison as 343, on this layout */
$v = [];
foreach (['cdb', 'mysql'] as $b) {
    $v[$b] = vp_m_child(VP_CONVERT_VIEW, $root, $db, ['vpopmail.backend' => $b, 'vpopmail.valias' => '0', 'vpopmail.auth_logging' => '0',
                                                    'vpopmail.mysql_layout' => 'disable-many-domains']);
}
echo "read the same: ", vp_c_same($v), "\n";
$auth = fn(array $pairs) => trim(vp_m_child('foreach (' . var_export($pairs, true) . ' as [$u, $d, $p]) echo vpopmail_auth_user($u, $d, $p) ? "ok " : "no ";',
    $root, $db, ['vpopmail.backend' => 'mysql', 'vpopmail.mysql_layout' => 'disable-many-domains']));
echo "mysql logins: ", $auth([['alice', 'example.com', 'newpw'], ['dave', 'alias.example', 'davepw'], ['postmaster', 'second.test', 'Second123']]), "\n";
echo "-- one domain back\n";
$st = stat("$root/vpopmail/domains/second.test/vpasswd");
vp_m_sql($db, "DELETE FROM example_com WHERE pw_name = 'dave'");
echo json_encode(vpopmail_convert('mysql', 'cdb', 'alias.example')), "\n";
echo "example.com users on cdb: ", implode(' ', array_column(vpopmail_list_users('example.com'), 'name')), "\n";
echo "second.test untouched: ", var_export(stat("$root/vpopmail/domains/second.test/vpasswd")['ino'] === $st['ino'], true), "\n";
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-346-db'));
vp_rmtree(vp_root('vp-346-db'));
vp_rmtree(vp_root('vp-346'));
?>
--EXPECT--
{"example.com":{"users":5,"removed":0,"lastauth":5,"alias_domains":1,"aliases":0,"alias_lines":0},"second.test":{"users":1,"removed":0,"lastauth":1,"alias_domains":0,"aliases":0,"alias_lines":0}}
tables: aliasdomains dir_control example_com lastauth second_test
pw_name	pw_passwd	pw_uid	pw_gid	pw_gecos	pw_dir	pw_shell
alice	$6$V9DYHqNg$T9MheClX5YZtjUmLP2qdLT78mvTLUbJUEZw2s.fVyJCJWinR1RKGJrJ5KIbUm0kZSnJnMEMgxM1UtIWFsOgcm.	0	0	alice	<root>/vpopmail/domains/example.com/alice	NOQUOTA
bob	$6$HO3/IaIw$3v1y6qk07VOUDBDAAA4UMTERBFGMRwxigtb0GKmSvuseJNQCXZur3UfNHzCDvT2irvXPGaHRWkdiwhgF8Bzwv/	0	0	Bob Builder	<root>/vpopmail/domains/example.com/bob	20971520S
dave	$6$Sn0rTTF2$EjizCYhW/3wRzIKBrmLIlhn0qlrtii6erZuxLLO/Et8fIUH7MS/OlVRMrjTGhZcKWecxnYecLSE5WRsMtSEhT1	0	0	dave	<root>/vpopmail/domains/example.com/dave	NOQUOTA
first.last	$6$k6Iqw2DX$etNOxtixJjk7UypM2dIXt.qBgSB3NaXAhcRkiJm1Q8jRFMZ1gj9.caE5SNN1OFvaRLZn8t6FW88mowVuLkYR90	0	0	first.last	<root>/vpopmail/domains/example.com/first.last	NOQUOTA
postmaster	$6$YYrhohkJ$iL2SKF2P4YUjUclmzRNPHmNPXdHpwAEtksFb.fsQ9I29OnIZbfYlbdpacFfps3hslU0DOr72sXusk1DnITAyX0	0	0	Postmaster	<root>/vpopmail/domains/example.com/postmaster	NOQUOTA
read the same: same (11 users)
mysql logins: ok ok ok
-- one domain back
{"example.com":{"users":4,"removed":1,"lastauth":4,"alias_domains":0,"aliases":0,"alias_lines":0}}
example.com users on cdb: alice bob first.last postmaster
second.test untouched: true