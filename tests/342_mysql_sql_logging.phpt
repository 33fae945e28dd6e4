--TEST--
vpopmail.sql_logging=1 on mysql (vpopmail's --enable-sql-logging): every vpopmail_auth_user() call writes one vlog row with vpopmail's columns (the rows of the sql-logging fixture for the failures, a VLOG_AUTH row for a success), never the attempted password, values bound (quotes, backslashes, control bytes arrive as data); the table is created as vpopmail creates it; off: no table, no row
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-342/vpopmail
vpopmail.qmail_dir={TMP}/vp-342/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.sql_logging=1
vpopmail.auth_logging=1
vpopmail.mysql_config={TMP}/vp-342-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-342-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-342');
$db = vp_root('vp-342-db');
vp_m_start($db);
const FIX = VP_M_FIXTURES . '/sql-logging-mysql-limits/extra-logging-limits';

/* Our rows without id and timestamp (checked apart). */
$ours = function () use ($db): array {
    $rows = explode("\n", trim(vp_m_sql($db, 'SELECT user, passwd, domain, logon, remoteip, message, error FROM vlog ORDER BY id', false)));
    return array_values(array_filter($rows, 'strlen'));
};
/* The fixture's rows as we write them: passwd '' (vchkpw stores the attempt),
 * our program name, and each failure once (vchkpw inserts a wrong password twice). */
$theirs = function (string $step): array {
    $f = FIX . "/$step/sql/vlog.tsv";
    $out = [];
    foreach (is_file($f) ? array_slice(explode("\n", trim(file_get_contents($f))), 1) : [] as $l) {
        [$id, $user, $pw, $dom, $logon, $ip, $msg, $ts, $err] = explode("\t", $l);
        $out[] = implode("\t", [$user, '', $dom, $logon, $ip, str_replace('vchkpw-pop3:', 'php-vpopmail-pop3:', $msg), $err]);
    }
    return array_values(array_unique($out));
};

var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_user('alice', 'example.com', 'alicepw'),
         vpopmail_add_user('bob', 'example.com', 'bobpw'));
echo "tables before any login: ", trim(vp_m_sql($db, 'SHOW TABLES', false)) === "aliasdomains\ndir_control\nlastauth\nvpopmail" ? 'no vlog' : 'vlog?', "\n";
$t0 = time();
/* the fixture's three vchkpw runs: TCPREMOTEIP=127.0.0.2, port 110 (pop3) */
foreach (['06-vchkpw-pop3-alice-ok', '07-vchkpw-pop3-alice-badpw', '08-vchkpw-pop3-nouser'] as $step) {
    /* fd3.txt writes the NUL separators as the two characters \0 */
    [$login, $pw] = explode('\0', file_get_contents(FIX . "/$step/_meta/fd3.txt"));
    [$u, $d] = explode('@', $login);
    echo "-- $step: ", var_export(vpopmail_auth_user($u, $d, $pw, null, 'pop', '127.0.0.2'), true), "\n";
    $got = $ours();
    $fail = array_values(array_filter($got, fn($r) => !str_ends_with($r, "\t2")));
    echo "failures as the fixture's: ", $fail === $theirs($step) ? 'same' : "differ\n" . implode("\n", $fail) . "\n--\n" . implode("\n", $theirs($step)), "\n";
    echo "successes: ", implode(' | ', array_filter($got, fn($r) => str_ends_with($r, "\t2"))), "\n";
}
$ts = array_map('intval', explode("\n", trim(vp_m_sql($db, 'SELECT timestamp FROM vlog', false))));
echo "timestamps of the run: ", min($ts) >= $t0 && max($ts) <= time() ? 'yes' : 'no', "\n";
echo "the table as vpopmail creates it: ";
$want = preg_replace('/ AUTO_INCREMENT=\d+/', '', trim(file_get_contents(__DIR__ . '/fixtures/vpopmail-5.6-mysql/sql-logging-mysql-limits/vlog-create.sql')));
$got = preg_replace('/ AUTO_INCREMENT=\d+/', '', trim(explode("\t", trim(vp_m_sql($db, 'SHOW CREATE TABLE vlog', false)), 2)[1]));
echo str_replace('\n', "\n", $got) . ';' === $want ? 'same' : "differs:\n" . str_replace('\n', "\n", $got), "\n";

echo "-- the other services, a disabled one (VLOG_ACCESS), upper case, an unknown domain, no address\n";
var_dump(vpopmail_set_user_flags('bob', 'example.com', VPOPMAIL_NO_IMAP));
var_dump(vpopmail_auth_user('bob', 'example.com', 'bobpw', null, 'imap', '::1'), vpopmail_auth_user('bob', 'example.com', 'bobpw', null, 'smtp'),
         vpopmail_auth_user('ALICE', 'Example.COM', 'alicepw'), vpopmail_auth_user('alice', 'nowhere.example', 'x', null, 'webmail'));
echo implode("\n", array_slice($ours(), 3)), "\n";
echo "-- hostile names arrive as data (bound), printable only\n";
var_dump(vpopmail_auth_user("x'); DROP TABLE vlog; --", 'example.com', 'p'), vpopmail_auth_user("a\\b\"c\n", 'example.com', 'p'));
echo implode("\n", array_slice($ours(), 7)), "\n";
echo "-- no attempted password anywhere in the database\n";
$dump = shell_exec('mariadb-dump --no-defaults -S ' . escapeshellarg("$db/sock") . ' -uroot vpopmail 2>&1');
foreach (['wrongpw', 'somepw', 'alicepw', 'bobpw'] as $p) {
    echo $p, ': ', str_contains($dump, $p) ? 'FOUND' : 'absent', "\n";
}
echo "-- vpopmail.sql_logging=0: no row\n";
$n = trim(vp_m_sql($db, 'SELECT COUNT(*) FROM vlog', false));
echo vp_m_child("var_dump(vpopmail_auth_user('alice', 'example.com', 'alicepw'), vpopmail_auth_user('alice', 'example.com', 'bad'));", $root, $db, ['vpopmail.sql_logging' => '0']);
var_dump(trim(vp_m_sql($db, 'SELECT COUNT(*) FROM vlog', false)) === $n);
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-342-db'));
vp_rmtree(vp_root('vp-342-db'));
vp_rmtree(vp_root('vp-342'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
tables before any login: no vlog
-- 06-vchkpw-pop3-alice-ok: true
failures as the fixture's: same
successes: alice		example.com	alice@example.com	127.0.0.2	php-vpopmail-pop3: login success alice@example.com:127.0.0.2	2
-- 07-vchkpw-pop3-alice-badpw: false
failures as the fixture's: same
successes: alice		example.com	alice@example.com	127.0.0.2	php-vpopmail-pop3: login success alice@example.com:127.0.0.2	2
-- 08-vchkpw-pop3-nouser: false
failures as the fixture's: same
successes: alice		example.com	alice@example.com	127.0.0.2	php-vpopmail-pop3: login success alice@example.com:127.0.0.2	2
timestamps of the run: yes
the table as vpopmail creates it: same
-- the other services, a disabled one (VLOG_ACCESS), upper case, an unknown domain, no address
int(8)
bool(false)
bool(true)
bool(true)
bool(false)
bob		example.com	bob@example.com	::1	php-vpopmail-imap: imap access denied bob@example.com:::1	4
bob		example.com	bob@example.com		php-vpopmail-smtp: login success bob@example.com:	2
alice		example.com	alice@example.com		php-vpopmail: login success alice@example.com:	2
alice		nowhere.example	alice@nowhere.example		php-vpopmail-webmail: vpopmail user not found alice@nowhere.example:	1
-- hostile names arrive as data (bound), printable only
bool(false)
bool(false)
x'); drop table vlog; --		example.com	x'); drop table vlog; --@example.com		php-vpopmail: vpopmail user not found x'); drop table vlog; --@example.com:	1
a\\b"c?		example.com	a\\b"c?@example.com		php-vpopmail: vpopmail user not found a\\b"c?@example.com:	1
-- no attempted password anywhere in the database
wrongpw: absent
somepw: absent
alicepw: absent
bobpw: absent
-- vpopmail.sql_logging=0: no row
bool(true)
bool(false)
bool(true)