--TEST--
vpopmail_convert(): the rows real vpopmail 5.6.13's mysql module wrote (fixture step 27) to cdb give the vpasswd, .dir-control and lastauth the cdb module wrote at that step (hashes aside: other salts), the MANIFEST passwords log in on cdb, and converting back leaves the rows as they were; the 5.4 tree (MD5 + clear passwords) through mysql (pw_clear_passwd) and back gives the same vpasswd bytes
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-345/vpopmail
vpopmail.qmail_dir={TMP}/vp-345/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.auth_logging=0
vpopmail.mysql_config={TMP}/vp-345-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-345-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
require __DIR__ . '/user.inc';
require __DIR__ . '/convert.inc';
$root = vp_root('vp-345');
$db = vp_root('vp-345-db');
vp_m_start($db);
$step = '27-moduser-bob-clearflags';

echo "-- the mysql module's rows and disk -> cdb\n";
vp_u_copy_fixture('5.6', $step, $root);
$fix = [];
foreach (glob("$root/vpopmail/domains/{*/vpasswd,*/.dir-control,*/*/lastauth,.dir-control}", GLOB_BRACE) as $f) {
    $rel = substr($f, strlen("$root/vpopmail/domains/"));
    $fix[$rel] = basename($f) === 'vpasswd' ? vp_normalize($root, 'vpasswd', file_get_contents($f)) : file_get_contents($f);
}
/* what a mysql-module site has on disk: no vpasswd, counters or lastauth files */
foreach (glob("$root/vpopmail/domains/{*/vpasswd,*/vpasswd.cdb,*/.dir-control,*/*/lastauth,.dir-control}", GLOB_BRACE) as $f) {
    unlink($f);
}
$dump = VP_M_FIXTURES . '/default/06-aliasdomain-alias.example/sql/mysqldump.sql';
exec('mariadb --no-defaults -S ' . escapeshellarg("$db/sock") . ' -uroot vpopmail < ' . escapeshellarg($dump) . ' 2>&1', $out, $rc);
$sql = '';
foreach (['vpopmail', 'dir_control', 'lastauth', 'aliasdomains'] as $t) {
    $sql .= "DELETE FROM `$t`;\n";
    $lines = explode("\n", rtrim((string)file_get_contents(VP_M_FIXTURES . "/default/$step/sql/$t.tsv"), "\n"));
    array_shift($lines);
    foreach (array_filter($lines) as $l) {
        $v = array_map(fn($f) => $f === 'NULL' ? 'NULL' : "'" . addslashes(str_replace('/home/vpopmail', "$root/vpopmail", stripcslashes($f))) . "'", explode("\t", $l));
        $sql .= "INSERT INTO `$t` VALUES (" . implode(', ', $v) . ");\n";
    }
}
file_put_contents("$db/rows.sql", $sql);
exec('mariadb --no-defaults -S ' . escapeshellarg("$db/sock") . ' -uroot vpopmail < ' . escapeshellarg("$db/rows.sql") . ' 2>&1', $out, $rc);
echo "rows loaded: ", $rc === 0 ? 'yes' : implode("\n", $out), "\n";
$mdump = fn() => preg_replace('/AUTO_INCREMENT=\d+ /', '', (string)shell_exec('mariadb-dump --no-defaults --skip-dump-date --order-by-primary -S ' . escapeshellarg("$db/sock") . ' -uroot vpopmail 2>&1'));
$rows = $mdump();
echo json_encode(vpopmail_convert('mysql', 'cdb')), "\n";
foreach ($fix as $rel => $want) {
    $f = "$root/vpopmail/domains/$rel";
    $got = !is_file($f) ? '(missing)' : (basename($f) === 'vpasswd' ? vp_normalize($root, 'vpasswd', file_get_contents($f)) : file_get_contents($f));
    /* lastauth: the cdb run's addresses are those of the mysql run ("0.0.0.0": created) */
    echo "$rel: ", $got === $want ? 'same as the cdb module wrote' : "differs:\n$want---\n$got", "\n";
}
echo "read the same: ", vp_c_same(vp_c_views($root, $db, '0')), "\n"; /* the default build: alias files */
echo "cdb logins: ", vp_c_auth($root, $db, 'cdb', [['postmaster', 'example.com', 'Secret123'], ['alice', 'example.com', 'newpw'],
    ['bob', 'example.com', 'bobpw'], ['dave', 'alias.example', 'davepw'], ['first.last', 'example.com', 'flpw'], ['postmaster', 'second.test', 'Second123']]), "\n";
echo "-- and back: the rows are those vpopmail wrote\n";
echo json_encode(vpopmail_convert('cdb', 'mysql')), "\n";
echo "rows: ", $mdump() === $rows ? 'unchanged' : 'CHANGED', "\n";

echo "-- the 5.4 tree: MD5 hashes and clear passwords, through mysql and back\n";
vp_m_stop($db);
vp_m_start($db);
vp_u_copy_fixture('5.4', $step, $root);
$orig = array_map('file_get_contents', glob("$root/vpopmail/domains/*/vpasswd"));
echo vp_m_child('echo json_encode(vpopmail_convert("cdb", "mysql")), "\n";', $root, $db,
                ['vpopmail.backend' => 'cdb', 'vpopmail.clear_passwords' => '1']);
echo str_replace($root, '<root>', vp_m_sql($db, 'SELECT pw_name, pw_domain, LEFT(pw_passwd, 3), pw_uid, pw_clear_passwd FROM vpopmail ORDER BY pw_domain, pw_name'));
echo "mysql logins: ", vp_c_auth($root, $db, 'mysql', [['alice', 'example.com', 'newpw'], ['bob', 'example.com', 'bobpw']]), "\n";
foreach (glob("$root/vpopmail/domains/*/vpasswd*") as $f) {
    unlink($f);
}
echo vp_m_child('echo json_encode(vpopmail_convert("mysql", "cdb")), "\n";', $root, $db,
                ['vpopmail.backend' => 'cdb', 'vpopmail.clear_passwords' => '1']);
echo "vpasswd: ", array_map('file_get_contents', glob("$root/vpopmail/domains/*/vpasswd")) === $orig ? 'the same bytes' : 'DIFFERENT', "\n";
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-345-db'));
vp_rmtree(vp_root('vp-345-db'));
vp_rmtree(vp_root('vp-345'));
?>
--EXPECT--
-- the mysql module's rows and disk -> cdb
rows loaded: yes
{"example.com":{"users":5,"removed":0,"lastauth":5,"alias_domains":0,"aliases":0,"alias_lines":0},"second.test":{"users":1,"removed":0,"lastauth":1,"alias_domains":0,"aliases":0,"alias_lines":0}}
example.com/vpasswd: same as the cdb module wrote
second.test/vpasswd: same as the cdb module wrote
example.com/.dir-control: same as the cdb module wrote
second.test/.dir-control: same as the cdb module wrote
example.com/alice/lastauth: same as the cdb module wrote
example.com/bob/lastauth: same as the cdb module wrote
example.com/dave/lastauth: same as the cdb module wrote
example.com/first.last/lastauth: same as the cdb module wrote
example.com/postmaster/lastauth: same as the cdb module wrote
second.test/postmaster/lastauth: same as the cdb module wrote
.dir-control: same as the cdb module wrote
read the same: same (11 users)
cdb logins: all 6 log in
-- and back: the rows are those vpopmail wrote
{"example.com":{"users":5,"removed":0,"lastauth":5,"alias_domains":1,"aliases":0,"alias_lines":0},"second.test":{"users":1,"removed":0,"lastauth":1,"alias_domains":0,"aliases":0,"alias_lines":0}}
rows: unchanged
-- the 5.4 tree: MD5 hashes and clear passwords, through mysql and back
{"example.com":{"users":5,"removed":0,"lastauth":5,"alias_domains":1,"aliases":0,"alias_lines":0},"second.test":{"users":1,"removed":0,"lastauth":1,"alias_domains":0,"aliases":0,"alias_lines":0}}
pw_name	pw_domain	LEFT(pw_passwd, 3)	pw_uid	pw_clear_passwd
alice	example.com	$1$	0	newpw
bob	example.com	$1$	0	bobpw
dave	example.com	$1$	0	davepw
first.last	example.com	$1$	0	flpw
postmaster	example.com	$1$	0	Secret123
postmaster	second.test	$1$	0	Second123
mysql logins: all 2 log in
{"example.com":{"users":5,"removed":0,"lastauth":5,"alias_domains":0,"aliases":0,"alias_lines":0},"second.test":{"users":1,"removed":0,"lastauth":1,"alias_domains":0,"aliases":0,"alias_lines":0}}
vpasswd: the same bytes