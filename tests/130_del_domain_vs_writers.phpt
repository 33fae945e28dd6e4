--TEST--
vpopmail_del_domain() against concurrent writers (issue 12, class 3): PHP processes add users, change a password, add alias lines, set the catch-all and run batches while another deletes and re-adds the domain; no write lands in a deleted or re-made domain, del and re-add never fail
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-130/vpopmail
vpopmail.qmail_dir={TMP}/vp-130/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.auth_logging=0
vpopmail.lock_timeout=30000
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/vp.inc';
require __DIR__ . '/locks.inc';
$root = vp_sandbox('vp-130');
$rounds = 20;
$kinds = ['add', 'passwd', 'alias', 'catchall', 'batch'];
var_dump(lk_make_gen(0));
lk_set_gen($root, 0);

/* the children: the same extension and settings, one PHP process each */
$php = [PHP_BINARY, '-n', '-d', 'extension_dir=' . ini_get('extension_dir'), '-d', 'extension=vpopmail'];
foreach (['directory', 'qmail_dir', 'uid', 'gid', 'auth_logging', 'lock_timeout', 'password_scheme', 'backend', 'mysql_socket'] as $k) {
    array_push($php, '-d', "vpopmail.$k=" . ini_get("vpopmail.$k"));
}
$procs = [];
$start = function (string $name, array $args) use (&$procs, $php, $root) {
    $p = proc_open(array_merge($php, [__DIR__ . '/locks.inc', $root], $args),
                   [1 => ['file', "$root/out.$name", 'w'], 2 => ['file', "$root/err.$name", 'w']], $pipes);
    $procs[$name] = $p;
};
foreach ($kinds as $k) {
    $start($k, ['writer', $k]);
}
$start('deleter', ['deleter', (string)$rounds, (string)count($kinds)]);
foreach ($procs as $name => $p) {
    $rc = proc_close($p);
    if ($rc !== 0 || filesize("$root/err.$name") > 0) {
        echo "$name: exit $rc\n", file_get_contents("$root/err.$name");
    }
}

$d = json_decode(file_get_contents("$root/out.deleter"), true);
echo 'del_domain failed: ', count($d['del_fail']), ' ', implode(' | ', array_unique($d['del_fail'])), "\n";
echo 're-add refused: ', count($d['readd_fail']), ' ', implode(' | ', array_unique($d['readd_fail'])), "\n";
echo 'set-up failed: ', count($d['setup_fail']), ' ', implode(' | ', array_unique($d['setup_fail'])), "\n";

/* every call against what the domain was doing meanwhile (see locks.inc) */
$G = lk_gen($root);
$n = ['calls' => 0, 'ok' => 0, 'gone' => 0, 'unclean' => 0, 'stable_fail' => 0, 'lost' => 0,
      'while_deleted' => 0, 'old_write_in_last' => 0];
foreach ($kinds as $k) {
    foreach (file("$root/out.$k") as $line) {
        [$i, $g1, $g2, $g3, $ok, $errno, $seen, $err] = json_decode($line);
        $n['calls']++;
        $n['ok'] += $ok;
        $n['gone'] += $errno === VPOPMAIL_VA_DOMAIN_DOES_NOT_EXIST;
        $remaking = $g1 !== $g2 || $g1 % 4 === 3; /* pw1, pw2 may not be there yet */
        if (!$ok && $errno !== VPOPMAIL_VA_DOMAIN_DOES_NOT_EXIST
            && !($errno === VPOPMAIL_VA_USER_DOES_NOT_EXIST && $remaking)) {
            $n['unclean']++;
            echo "  $k $i: $errno $err\n";
        }
        /* the domain stood, unchanged, for the whole call: it works and is seen */
        $n['stable_fail'] += $g1 === $g2 && $g1 % 4 === 0 && !$ok;
        $n['lost'] += $ok && $g1 === $g3 && $g1 % 4 === 0 && !$seen;
        /* the domain was gone for the whole call */
        $n['while_deleted'] += $g1 === $g2 && $g1 % 4 === 2 && $errno !== VPOPMAIL_VA_DOMAIN_DOES_NOT_EXIST;
        /* done before the last generation was begun: not in it */
        if ($ok && $g2 < $G - 1 && lk_visible($k, $i)) {
            $n['old_write_in_last']++;
            echo "  $k $i (generations $g1..$g2 of $G) is in the last generation\n";
        }
    }
}
/* a user carries the quota of its own generation's limits */
$wrong = 0;
foreach (vpopmail_list_users(LK_DOM) as $u) {
    $wrong += $u['quota'] !== 'NOQUOTA' && $u['quota'] !== (LK_QBASE + $G / 4) . 'S';
}
foreach ($n as $k => $v) {
    if ($k !== 'calls' && $k !== 'ok' && $k !== 'gone') {
        echo "$k: $v\n";
    }
}
echo "users with an old generation's quota: $wrong\n";
echo 'both outcomes seen: ', json_encode($n['ok'] > 0 && $n['gone'] > 0), "\n";
/* nothing left in domains/ but the counter and the domain */
$left = array_diff(scandir("$root/vpopmail/domains"), ['.', '..', '.dir-control', LK_DOM]);
echo 'left in domains/: ', json_encode(array_values($left)), "\n";
file_put_contents("$root/calls", json_encode($n));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-130'));
?>
--EXPECT--
string(0) ""
del_domain failed: 0 
re-add refused: 0 
set-up failed: 0 
unclean: 0
stable_fail: 0
lost: 0
while_deleted: 0
old_write_in_last: 0
users with an old generation's quota: 0
both outcomes seen: true
left in domains/: []
