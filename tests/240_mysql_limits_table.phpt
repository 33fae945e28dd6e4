--TEST--
vpopmail.backend=mysql, --enable-mysql-limits: domain limits in the `limits` table (vpopmail's CREATE, the fixture's rows, every key by column name, a reordered and an older table, vlimits.default, delete, vdeldomain); vpopmail.mysql_limits auto / table / files
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-240/vpopmail
vpopmail.qmail_dir={TMP}/vp-240/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.auth_logging=0
vpopmail.backend=mysql
vpopmail.mysql_limits=table
vpopmail.mysql_config={TMP}/vp-240-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-240-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
require __DIR__ . '/limits.inc';
$root = vp_sandbox('vp-240');
$db = vp_root('vp-240-db');
vp_m_start($db);
$fx = VP_M_FIXTURES . '/sql-logging-mysql-limits/extra-logging-limits';
$D = 'example.com';
$dir = "$root/vpopmail/domains/$D";
$row = fn() => vp_m_sql($db, "SELECT * FROM limits ORDER BY domain");
$tables = fn() => trim(str_replace("\n", ' ', vp_m_sql($db, 'SHOW TABLES', false)));

var_dump(vpopmail_add_domain_ex($D, 'Secret123'));
/* auto (the default): no table, so the files, as a build without --enable-mysql-limits */
echo "auto, no table: ", vp_m_child('var_dump(vpopmail_set_domain_limits("example.com", ["maxpopaccounts" => 99])); '
    . 'echo vpopmail_get_domain_limits("example.com")["source"], "\n";', $root, $db, ['vpopmail.mysql_limits' => 'auto']), "tables: ", $tables(), "\n";
echo trim(file_get_contents("$dir/.qmailadmin-limits")) === '' ? "no file\n" : "file: " . strtok(file_get_contents("$dir/.qmailadmin-limits"), "\n") . "\n";

/* table: the file is not read; no row: vlimits.default, else built-in */
$l = vpopmail_get_domain_limits($D);
echo "table, no table yet: source {$l['source']}, maxpopaccounts {$l['maxpopaccounts']}; tables: ", $tables(), "\n";
vp_l_etc($root, 'vlimits.default', "maxaliases 3\n");
$l = vpopmail_get_domain_limits($D);
echo "vlimits.default: source {$l['source']}, maxaliases {$l['maxaliases']}\n";
vp_l_etc($root, 'vlimits.default', null);

/* vmoddomlimits -P 10 -A 5 -q 10M (the fixture's step 03): vpopmail's table and its row */
echo trim(file_get_contents("$fx/03-moddomlimits-set/_meta/command.txt")), "\n";
var_dump(vpopmail_set_domain_limits($D, ['maxpopaccounts' => 10, 'maxaliases' => 5, 'default_quota' => 10485760]));
$create = fn($sql) => preg_replace('/\s+/', ' ', preg_replace('/^.*?(CREATE TABLE `limits`.*?;).*$/s', '$1', $sql));
$ours = vp_m_sql($db, 'SHOW CREATE TABLE limits', false);
$ours = preg_replace('/^limits\t/', '', str_replace('\n', "\n", trim($ours))) . ';';
echo "SHOW CREATE TABLE: ", $create($ours) === $create(file_get_contents("$fx/03-moddomlimits-set/sql/mysqldump.sql")) ? 'same' : "differs:\n$ours", "\n";
echo "row: ", $row() === file_get_contents("$fx/03-moddomlimits-set/sql/limits.tsv") ? 'same as the fixture' : "differs:\n" . $row(), "\n";
$l = vpopmail_get_domain_limits($D);
$show = file_get_contents("$fx/04-moddomlimits-show/_meta/stdout.txt");
preg_match('/^Max Pop Accounts: (\S+)$/m', $show, $a);
preg_match('/^Max Aliases: (\S+)$/m', $show, $b);
preg_match('/^Default User Quota: (\d+) bytes$/m', $show, $c);
echo "read back: source {$l['source']}, as vmoddomlimits -S: ",
    var_export([$l['maxpopaccounts'], $l['maxaliases'], $l['default_quota']] === [(int)$a[1], (int)$b[1], (int)$c[1]], true), "\n";
echo "the file still says ", strtok(file_get_contents("$dir/.qmailadmin-limits"), "\n"), " (not read)\n";
/* step 05: the row's defaultquota is a new user's quota */
var_dump(vpopmail_add_user('bob', $D, 'bobpw'));
echo "bob: ", trim(vp_m_sql($db, "SELECT pw_shell FROM vpopmail WHERE pw_name = 'bob'", false)), "\n";

/* Every key by itself: read back, and in its own column (perm_maillist packs the groups << 3, << 6). */
$col = ['quota' => 'diskquota', 'default_quota' => 'defaultquota', 'default_maxmsgcount' => 'defaultmaxmsgcount',
        'disable_password_changing' => 'disable_passwordchanging', 'disable_external_relay' => 'disable_relay',
        'perm_maillist_users' => 'perm_maillist', 'perm_maillist_moderators' => 'perm_maillist'];
$values = [
    'maxpopaccounts' => 11, 'maxaliases' => 0, 'maxforwards' => 7, 'maxautoresponders' => 2147483647,
    'maxmailinglists' => 3, 'quota' => 500, 'maxmsgcount' => 10000, 'default_quota' => 52428800,
    'default_maxmsgcount' => 1000,
    'disable_pop' => true, 'disable_imap' => true, 'disable_dialup' => true,
    'disable_password_changing' => true, 'disable_webmail' => true, 'disable_external_relay' => true,
    'disable_smtp' => true, 'disable_spamassassin' => true, 'delete_spam' => true, 'disable_maildrop' => true,
    'perm_account' => 1, 'perm_alias' => 2, 'perm_forward' => 4, 'perm_autoresponder' => 3, 'perm_maillist' => 5,
    'perm_maillist_users' => 6, 'perm_maillist_moderators' => 1, 'perm_quota' => 7, 'perm_defaultquota' => 2,
];
$bad = [];
$pm = 0;
foreach ($values as $k => $v) {
    $before = vpopmail_get_domain_limits($D);
    if (!vpopmail_set_domain_limits($D, [$k => $v])) {
        $bad[] = "$k: set failed " . vpopmail_error();
        continue;
    }
    $after = vpopmail_get_domain_limits($D);
    $after[$k] === $v or $bad[] = "$k: read back " . var_export($after[$k], true);
    unset($before[$k], $after[$k]);
    $before === $after or $bad[] = "$k: other keys changed";
    $c = $col[$k] ?? $k;
    $want = is_bool($v) ? 1 : $v;
    if ($c === 'perm_maillist') {
        $pm |= $v << ['perm_maillist' => 0, 'perm_maillist_users' => 3, 'perm_maillist_moderators' => 6][$k];
        $want = $pm;
    }
    $got = trim(vp_m_sql($db, "SELECT `$c` FROM limits WHERE domain = '$D'", false));
    $got === (string)$want or $bad[] = "$k: column $c holds $got, not $want";
}
echo $bad ? implode("\n", $bad) . "\n" : count($values) . " keys round trip through their columns\n";
echo $row();
/* a moderators group past the TINYINT: refused, nothing written */
echo "moderators 2: ", vp_l_try('vpopmail_set_domain_limits', $D, ['perm_maillist_moderators' => 2]), "; column ",
    trim(vp_m_sql($db, "SELECT perm_maillist FROM limits", false)), "\n";

/* Read by name: columns in another order (perm_defaultquota first, perm_alias last) read right. */
vp_m_sql($db, 'ALTER TABLE limits MODIFY perm_defaultquota TINYINT(2) NOT NULL DEFAULT 0 FIRST, '
    . 'MODIFY perm_alias TINYINT(2) NOT NULL DEFAULT 0 AFTER perm_quota');
echo "reordered: ", vp_m_child('$l = vpopmail_get_domain_limits("example.com"); echo json_encode([$l["perm_alias"], '
    . '$l["perm_autoresponder"], $l["perm_maillist"], $l["perm_quota"], $l["perm_defaultquota"], $l["maxpopaccounts"]]), "\n";',
    $root, $db, ['vpopmail.mysql_limits' => 'table']);
/* An older table without disable_maildrop: the rest works, that key is refused (no ALTER). */
vp_m_sql($db, 'ALTER TABLE limits DROP COLUMN disable_maildrop');
echo "older table: ", vp_m_child('$l = vpopmail_get_domain_limits("example.com"); echo json_encode([$l["disable_maildrop"], $l["delete_spam"]]), "\n"; '
    . 'var_dump(vpopmail_set_domain_limits("example.com", ["maxforwards" => 8, "disable_maildrop" => false]), @vpopmail_set_domain_limits("example.com", ["disable_maildrop" => true]), vpopmail_error());',
    $root, $db, ['vpopmail.mysql_limits' => 'table']);
echo "maxforwards ", trim(vp_m_sql($db, "SELECT maxforwards FROM limits", false)), "\n";

/* auto sees the table now; files reads the file */
echo "auto: ", vp_m_child('$l = vpopmail_get_domain_limits("example.com"); echo $l["source"], " ", $l["maxpopaccounts"], "\n";', $root, $db,
    ['vpopmail.mysql_limits' => 'auto']);
echo "files: ", vp_m_child('$l = vpopmail_get_domain_limits("example.com"); echo $l["source"], " ", $l["maxpopaccounts"], "\n";',
    $root, $db, ['vpopmail.mysql_limits' => 'files']);

/* The fixture's own row (vmoddomlimits wrote it) reads as vmoddomlimits -S showed it. */
var_dump(vpopmail_add_domain_ex('second.test', 'Secret123'));
preg_match('/^INSERT INTO `limits` VALUES (.*);$/m', file_get_contents("$fx/03-moddomlimits-set/sql/mysqldump.sql"), $m);
vp_m_sql($db, 'DROP TABLE limits');
echo "fresh table: ", vp_m_child('var_dump(vpopmail_set_domain_limits("example.com", ["maxpopaccounts" => 12]));', $root, $db,
    ['vpopmail.mysql_limits' => 'table']);
vp_m_sql($db, 'INSERT INTO limits VALUES ' . str_replace("'example.com'", "'second.test'", $m[1]));
$l = vp_m_child('echo json_encode(vpopmail_get_domain_limits("second.test")), "\n";', $root, $db, ['vpopmail.mysql_limits' => 'table']);
$l = json_decode($l, true);
echo "fixture row: {$l['source']} {$l['maxpopaccounts']} {$l['maxaliases']} {$l['maxforwards']} {$l['default_quota']} ",
    count(array_filter($l, fn($v) => $v === true)), " flags, perms ",
    array_sum(array_map(fn($k) => $l[$k], array_filter(array_keys($l), fn($k) => str_starts_with($k, 'perm_')))), "\n";

/* vmoddomlimits -D (step 09): the row goes, the domain falls back; vdeldomain deletes its row */
var_dump(vpopmail_del_domain_limits($D));
echo $row(), "after -D: ", vpopmail_get_domain_limits($D)['source'], "\n";
var_dump(vpopmail_del_domain_limits($D), vpopmail_del_domain('second.test'));
echo "after vdeldomain: ", trim(vp_m_sql($db, 'SELECT COUNT(*) FROM limits', false)), " rows\n";
vp_m_stop($db);
vp_rmtree($db);
vp_rmtree($root);
?>
--EXPECTF--
bool(true)
auto, no table: bool(true)
domain
tables: aliasdomains dir_control lastauth vpopmail
file: maxpopaccounts: 99
table, no table yet: source builtin, maxpopaccounts -1; tables: aliasdomains dir_control lastauth vpopmail
vlimits.default: source default, maxaliases 3
vmoddomlimits -P 10 -A 5 -q 10M example.com
bool(true)
SHOW CREATE TABLE: same
row: same as the fixture
read back: source table, as vmoddomlimits -S: true
the file still says maxpopaccounts: 99 (not read)
bool(true)
bob: 10485760S
28 keys round trip through their columns
domain	maxpopaccounts	maxaliases	maxforwards	maxautoresponders	maxmailinglists	diskquota	maxmsgcount	defaultquota	defaultmaxmsgcount	disable_pop	disable_imap	disable_dialup	disable_passwordchanging	disable_webmail	disable_relay	disable_smtp	disable_spamassassin	delete_spam	disable_maildrop	perm_account	perm_alias	perm_forward	perm_autoresponder	perm_maillist	perm_quota	perm_defaultquota
example.com	11	0	7	2147483647	3	500	10000	52428800	1000	1	1	1	1	1	1	1	1	1	1	1	2	4	3	117	7	2
moderators 2: errno -35 W parsing database configuration file: perm_maillist 181 (moderators 2) does not fit the TINYINT column of table `limits` (0..127); column 117
reordered: [2,3,5,7,2,11]
older table: [false,true]
bool(true)
bool(false)
string(%d) "parsing database configuration file: table `limits` has no column disable_maildrop for 1"
maxforwards 8
auto: table 11
files: domain 99
bool(true)
fresh table: bool(true)
fixture row: table 10 5 -1 10485760 0 flags, perms 0
bool(true)
domain	maxpopaccounts	maxaliases	maxforwards	maxautoresponders	maxmailinglists	diskquota	maxmsgcount	defaultquota	defaultmaxmsgcount	disable_pop	disable_imap	disable_dialup	disable_passwordchanging	disable_webmail	disable_relay	disable_smtp	disable_spamassassin	delete_spam	disable_maildrop	perm_account	perm_alias	perm_forward	perm_autoresponder	perm_maillist	perm_quota	perm_defaultquota
second.test	10	5	-1	-1	-1	0	0	10485760	0	0	0	0	0	0	0	0	0	0	0	0	0	0	0	0	0	0
after -D: builtin
bool(true)
bool(true)
after vdeldomain: 0 rows
