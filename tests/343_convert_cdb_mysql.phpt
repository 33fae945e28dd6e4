--TEST--
vpopmail_convert(): the 5.6 cdb fixture tree (step 27) to mysql and back, as vconvert -c -m / -m -c: users with hashes, flags, quotas, last logins, counters, alias domains and (valias) aliases; afterwards both backends read the same and every user logs in on the target with the MANIFEST password; a second run changes nothing; cdb -> mysql -> cdb gives back the same vpasswd bytes; changes on mysql reach cdb
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-343/vpopmail
vpopmail.qmail_dir={TMP}/vp-343/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=cdb
vpopmail.valias=1
vpopmail.auth_logging=0
vpopmail.mysql_config={TMP}/vp-343-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-343-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
require __DIR__ . '/user.inc';
require __DIR__ . '/convert.inc';
$root = vp_root('vp-343');
$db = vp_root('vp-343-db');
vp_m_start($db);
vp_u_copy_fixture('5.6', '27-moduser-bob-clearflags', $root);
$ex = "$root/vpopmail/domains/example.com";
$snap = function () use ($root): array {
    $s = [];
    foreach (['example.com', 'second.test'] as $d) {
        foreach (['vpasswd', '.dir-control', '.qmail-info', '.qmail-team:lead'] as $f) {
            $s["$d/$f"] = @file_get_contents("$root/vpopmail/domains/$d/$f");
        }
    }
    foreach (glob("$root/vpopmail/domains/*/*/lastauth") as $f) {
        $s[substr($f, strlen($root))] = file_get_contents($f) . ' @' . filemtime($f);
    }
    $s['domains/.dir-control'] = @file_get_contents("$root/vpopmail/domains/.dir-control");
    return $s;
};
$before = $snap();
$logins = [['postmaster', 'example.com', 'Secret123'], ['alice', 'example.com', 'newpw'], ['bob', 'example.com', 'bobpw'],
           ['dave', 'alias.example', 'davepw'], ['first.last', 'example.com', 'flpw'], ['postmaster', 'second.test', 'Second123']];

echo "-- cdb -> mysql\n";

var_dump(vpopmail_convert('cdb', 'mysql'));

echo "tables: ", trim(str_replace("\n", ' ', vp_m_sql($db, 'SHOW TABLES', false))), "\n";
echo str_replace($root, '<root>', vp_m_sql($db, 'SELECT pw_name, pw_domain, pw_uid, pw_gid, pw_gecos, pw_shell, LEFT(pw_passwd, 3) FROM vpopmail ORDER BY pw_domain, pw_name'));
echo vp_m_sql($db, 'SELECT alias, domain FROM aliasdomains');
echo vp_m_sql($db, 'SELECT alias, domain, valias_line FROM valias ORDER BY id');
echo vp_m_sql($db, 'SELECT domain, cur_users, level_mod2, the_dir FROM dir_control ORDER BY domain');
echo "read the same: ", vp_c_same(vp_c_views($root, $db)), "\n";
echo "mysql logins: ", vp_c_auth($root, $db, 'mysql', $logins), "\n";
echo "wrong password on mysql: ", vp_c_auth($root, $db, 'mysql', [['alice', 'example.com', 'alicepw']]), "\n";

echo "-- again: nothing changes\n";
$dump = fn() => preg_replace('/AUTO_INCREMENT=\d+ /', '', (string)shell_exec('mariadb-dump --no-defaults --skip-dump-date --order-by-primary -S ' . escapeshellarg("$db/sock") . ' -uroot vpopmail 2>&1'));
$d1 = $dump();
$r = vpopmail_convert('cdb', 'mysql');
echo json_encode($r), "\n";
$d2 = $dump();
echo "rows: ", $d2 === $d1 ? 'unchanged' : "CHANGED:\n" . implode("\n", array_diff(explode("\n", $d2), explode("\n", $d1))), "\n";

echo "-- mysql -> cdb right away: the same files\n";
var_dump(vpopmail_convert('mysql', 'cdb') !== false);
$after = $snap();
foreach ($before as $k => $v) {
    if ($after[$k] !== $v) {
        echo "differs: $k\n", var_export($v, true), "\n", var_export($after[$k], true), "\n";
    }
}
echo "files compared: ", count($before), "\n";

echo "-- changes made on mysql, then mysql -> cdb\n";
echo vp_m_child('var_dump(vpopmail_passwd("alice", "example.com", "back1"), vpopmail_add_user("erin", "example.com", "erinpw", "Erin"),
    vpopmail_del_user("dave", "example.com"), vpopmail_set_user_quota("bob", "example.com", "5M"), vpopmail_alias_add("info", "example.com", "erin@example.com"),
    vpopmail_alias_del("team.lead", "example.com"), vpopmail_alias_add("new", "example.com", "alice@example.com"), vpopmail_auth_user("erin", "example.com", "erinpw", null, null, "192.0.2.7"));',
    $root, $db, ['vpopmail.valias' => '1', 'vpopmail.auth_logging' => '1']);
echo "before: ", vp_c_same(vp_c_views($root, $db)) === 'same' ? 'same' : 'differ (as they should)', "\n";
echo json_encode(vpopmail_convert('mysql', 'cdb', 'example.com')), "\n";
echo "read the same: ", vp_c_same(vp_c_views($root, $db)), "\n";
echo "cdb logins: ", vp_c_auth($root, $db, 'cdb', [['alice', 'example.com', 'back1'], ['erin', 'example.com', 'erinpw'], ['bob', 'example.com', 'bobpw']]), "\n";
echo "gone on cdb: ", vp_c_auth($root, $db, 'cdb', [['dave', 'example.com', 'davepw']]), "\n";
echo "alias files: ", implode(' ', array_map('basename', glob("$ex/.qmail-*"))), "\n";
var_dump(file_get_contents("$ex/.qmail-info"));
echo "erin's last login on cdb: ", trim(file_get_contents("$ex/erin/lastauth")), "\n";

echo "-- errors\n";
try { vpopmail_convert('cdb', 'cdb'); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }
try { vpopmail_convert('sqlite', 'cdb'); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }
var_dump(@vpopmail_convert('cdb', 'mysql', 'nowhere.example'), vpopmail_errno() === VPOPMAIL_VA_DOMAIN_DOES_NOT_EXIST);
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-343-db'));
vp_rmtree(vp_root('vp-343-db'));
vp_rmtree(vp_root('vp-343'));
?>
--EXPECT--
-- cdb -> mysql
array(2) {
  ["example.com"]=>
  array(6) {
    ["users"]=>
    int(5)
    ["removed"]=>
    int(0)
    ["lastauth"]=>
    int(5)
    ["alias_domains"]=>
    int(1)
    ["aliases"]=>
    int(2)
    ["alias_lines"]=>
    int(2)
  }
  ["second.test"]=>
  array(6) {
    ["users"]=>
    int(1)
    ["removed"]=>
    int(0)
    ["lastauth"]=>
    int(1)
    ["alias_domains"]=>
    int(0)
    ["aliases"]=>
    int(0)
    ["alias_lines"]=>
    int(0)
  }
}
tables: aliasdomains dir_control lastauth valias vpopmail
pw_name	pw_domain	pw_uid	pw_gid	pw_gecos	pw_shell	LEFT(pw_passwd, 3)
alice	example.com	0	0	alice	NOQUOTA	$6$
bob	example.com	0	0	Bob Builder	20971520S	$6$
dave	example.com	0	0	dave	NOQUOTA	$6$
first.last	example.com	0	0	first.last	NOQUOTA	$6$
postmaster	example.com	0	0	Postmaster	NOQUOTA	$6$
postmaster	second.test	0	0	Postmaster	50000000S	$6$
alias	domain
alias.example	example.com
alias	domain	valias_line
info	example.com	&external@other.org
team.lead	example.com	alice@example.com
domain	cur_users	level_mod2	the_dir
dom_89	2	4	
example.com	5	4	
second.test	1	4	
read the same: same (11 users)
mysql logins: all 6 log in
wrong password on mysql: fail: alice@example.com end
-- again: nothing changes
{"example.com":{"users":5,"removed":0,"lastauth":5,"alias_domains":1,"aliases":2,"alias_lines":2},"second.test":{"users":1,"removed":0,"lastauth":1,"alias_domains":0,"aliases":0,"alias_lines":0}}
rows: unchanged
-- mysql -> cdb right away: the same files
bool(true)
files compared: 15
-- changes made on mysql, then mysql -> cdb
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
before: differ (as they should)
{"example.com":{"users":5,"removed":1,"lastauth":5,"alias_domains":0,"aliases":2,"alias_lines":3}}
read the same: same (11 users)
cdb logins: all 3 log in
gone on cdb: fail: dave@example.com end
alias files: .qmail-default .qmail-info .qmail-new
string(37) "&external@other.org
erin@example.com
"
erin's last login on cdb: 192.0.2.7
-- errors
vpopmail_convert(): Argument #2 ($to) must be "cdb" or "mysql", and not the same as argument #1 ($from)
vpopmail_convert(): Argument #1 ($from) must be "cdb" or "mysql"
bool(false)
bool(true)