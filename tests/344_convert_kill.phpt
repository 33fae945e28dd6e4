--TEST--
vpopmail_convert() cdb -> mysql killed with SIGKILL in the middle (4 domains of 1500 users): every domain is in the tables whole or not at all, and a second run completes it: both backends then read the same, the counters are the source's, and users of every domain log in on mysql; mysql -> cdb killed after the first vpasswd rename: each domain's vpasswd (and its cdb) is wholly old or wholly new, and a second run completes it
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-344/vpopmail
vpopmail.qmail_dir={TMP}/vp-344/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=cdb
vpopmail.password_scheme=md5
vpopmail.auth_logging=0
vpopmail.mysql_config={TMP}/vp-344-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-344-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
require __DIR__ . '/convert.inc';
$root = vp_sandbox('vp-344');
$db = vp_root('vp-344-db');
vp_m_start($db);
/* fewer under valgrind (run-tests -m): every child PHP runs in it too; but
 * enough that the conversion outlasts a poll of the tables (with 300 a CI
 * run saw it finish before the first poll) */
define('N', getenv('USE_ZEND_ALLOC') === '0' ? 800 : 1500);
$doms = ['a.example', 'b.example', 'c.example', 'd.example'];
foreach ($doms as $k => $d) {
    vpopmail_add_domain_ex($d, "Pm$k-pass");
    $ops = [];
    for ($i = 1; $i < N; $i++) {
        $ops[] = ['add', sprintf('u%04d', $i), "pw$i", '', false, $i % 5 ? null : '5M'];
    }
    if (!vpopmail_batch($d, $ops)) {
        echo "batch $d failed\n";
    }
}
vpopmail_add_alias_domain_ex('a.example', 'alias-a.example');
echo "source: N users in each: ", var_export(array_map('vpopmail_count_users', $doms) === [N, N, N, N], true), "\n";
$each = function ($r, bool $to_sql = true): string {
    $ok = is_array($r) && count($r) === 4;
    foreach ($r ?: [] as $d => $n) {
        $ok = $ok && $n['users'] === N && $n['lastauth'] === N && $n['removed'] === 0 && $n['alias_domains'] === ($to_sql && $d === 'a.example' ? 1 : 0);
    }
    return $ok ? 'N users and N last logins in each of 4 domains' : json_encode($r);
};

/* the conversion in a child, killed once the first domain is committed and before the last is */
$ini = ['vpopmail.directory' => "$root/vpopmail", 'vpopmail.qmail_dir' => "$root/qmail", 'vpopmail.uid' => '89', 'vpopmail.gid' => '89',
        'vpopmail.backend' => 'cdb', 'vpopmail.password_scheme' => 'md5', 'vpopmail.mysql_config' => "$db/vpopmail.mysql",
        'vpopmail.mysql_socket' => "$db/sock"];
/* exec: the shell becomes the PHP process, so the signal reaches the converter itself */
$cmd = 'exec ' . escapeshellarg(getenv('TEST_PHP_EXECUTABLE') ?: PHP_BINARY) . ' ' . getenv('TEST_PHP_EXTRA_ARGS');
foreach ($ini as $k => $v) {
    $cmd .= ' -d ' . escapeshellarg("$k=$v");
}
$cmd .= ' -r ' . escapeshellarg('vpopmail_convert("cdb", "mysql"); echo "finished\n";');
$count = fn() => (int)trim(vp_m_sql($db, 'SELECT COUNT(*) FROM vpopmail', false));
$t0 = hrtime(true);
$p = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);

$seen = 0;
for ($i = 0; $i < 15000; $i++) {
    usleep(2000);
    $seen = str_contains(vp_m_sql($db, 'SHOW TABLES', false), 'vpopmail') ? $count() : 0;
    if ($seen > 0 || !proc_get_status($p)['running']) {
        break;
    }
}
$running = proc_get_status($p)["running"];
proc_terminate($p, 9); /* SIGKILL: no cleanup, no rollback by the client */
$out = stream_get_contents($pipes[1]);
proc_close($p);
echo "killed while running: ", var_export($running && !str_contains($out, 'finished'), true), "\n";
$per = array_filter(explode("\n", trim(vp_m_sql($db, 'SELECT pw_domain, COUNT(*) FROM vpopmail GROUP BY pw_domain', false))));
$whole = true;
foreach ($per as $l) {
    [$d, $n] = explode("\t", $l);
    $whole = $whole && (int)$n === N;
}
echo "after the kill: ", count($per) >= 1 && count($per) < 4 ? 'some domains' : count($per) . ' domains', ", each whole: ", var_export($whole, true), "\n";

echo "-- the second run completes it\n";
$t = hrtime(true);
$r = vpopmail_convert('cdb', 'mysql');
$ms = (hrtime(true) - $t) / 1e6;
echo $each($r), "\n";
echo "mysql rows: ", trim(str_replace(["\n", "\t", (string)N], [' ', '=', 'N'], vp_m_sql($db, 'SELECT pw_domain, COUNT(*) FROM vpopmail GROUP BY pw_domain', false))), "\n";
echo "counters: ", trim(str_replace(["\n", "\t", (string)N], [' ', '=', 'N'], vp_m_sql($db, 'SELECT domain, cur_users FROM dir_control ORDER BY domain', false))), "\n";
echo vp_m_sql($db, 'SELECT * FROM aliasdomains');
$same = vp_c_same(vp_c_views($root, $db));
echo "read the same: ", $same === 'same (' . 5 * N . ' users)' ? 'same' : $same, "\n";
$pairs = [];
foreach ($doms as $k => $d) {
    $pairs[] = ['postmaster', $d, "Pm$k-pass"];
    foreach ([1, 277, N - 1] as $i) {
        $pairs[] = [sprintf('u%04d', $i), $d, "pw$i"];
    }
}
$pairs[] = ['u0100', 'alias-a.example', 'pw100'];
echo "mysql logins: ", vp_c_auth($root, $db, 'mysql', $pairs), "\n";
printf("figures: %s users in 4 domains converted in %.0f ms by the second run (%.2f ms/user)\n", N === 1500 ? '6000' : 4 * N, $ms, $ms / (4 * N));
echo "-- mysql -> cdb killed once the first vpasswd is replaced\n";
$new = crypt('newpw', '$1$convtest$');
vp_m_sql($db, "UPDATE vpopmail SET pw_passwd = '$new'");
$cmd2 = str_replace(escapeshellarg('vpopmail_convert("cdb", "mysql"); echo "finished\n";'),
                    escapeshellarg('vpopmail_convert("mysql", "cdb"); echo "finished\n";'), $cmd);
$state = function (string $d) use ($root, $new): string {
    $t = (string)@file_get_contents("$root/vpopmail/domains/$d/vpasswd");
    $n = substr_count($t, ":$new:");
    return $n === 0 ? 'old' : ($n === N ? 'new' : "mixed($n)");
};
$p = proc_open($cmd2, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
for ($i = 0; $i < 3000 && $state('a.example') === 'old' && proc_get_status($p)['running']; $i++) {
    usleep(2000);
}
$running = proc_get_status($p)['running'];
proc_terminate($p, 9);
$out = stream_get_contents($pipes[1]);
proc_close($p);
$states = array_map($state, $doms);
echo "killed while running: ", var_export($running && !str_contains($out, 'finished'), true), "\n";
echo "after the kill: a.example ", $states[0], ", the others each old or new: ",
     var_export(count(array_diff(array_slice($states, 1), ['old', 'new'])) === 0, true), "\n";
/* vpasswd.cdb goes with vpasswd: the login answers what the text file says */
$pairs = [];
foreach ($doms as $k => $d) {
    $pairs[] = ['u0277', $d, $states[$k] === 'new' ? 'newpw' : 'pw277'];
}
echo "cdb logins as vpasswd says: ", vp_c_auth($root, $db, 'cdb', $pairs), "\n";
echo $each(vpopmail_convert('mysql', 'cdb'), false), "\n";
echo "states: ", implode(' ', array_map($state, $doms)), "\n";
$same = vp_c_same(vp_c_views($root, $db));
echo "read the same: ", $same === 'same (' . 5 * N . ' users)' ? 'same' : $same, "\n";
echo "cdb logins: ", vp_c_auth($root, $db, 'cdb', array_map(fn($d) => ['u0001', $d, 'newpw'], $doms)), "\n";
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-344-db'));
vp_rmtree(vp_root('vp-344-db'));
vp_rmtree(vp_root('vp-344'));
?>
--EXPECTF--
source: N users in each: true
killed while running: true
after the kill: some domains, each whole: true
-- the second run completes it
N users and N last logins in each of 4 domains
mysql rows: a.example=N b.example=N c.example=N d.example=N
counters: a.example=N b.example=N c.example=N d.example=N dom_89=4
alias	domain
alias-a.example	a.example
read the same: same
mysql logins: all 17 log in
figures: %d users in 4 domains converted in %d ms by the second run (%f ms/user)
-- mysql -> cdb killed once the first vpasswd is replaced
killed while running: true
after the kill: a.example new, the others each old or new: true
cdb logins as vpasswd says: all 4 log in
N users and N last logins in each of 4 domains
states: new new new new
read the same: same
cdb logins: all 4 log in