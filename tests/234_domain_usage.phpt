--TEST--
vpopmail_domain_usage(): counts as qmailadmin counts them, disk usage as the sum of the mailboxes' Maildir++ usage, limits side by side, on a generated domain; reads only
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-234/vpopmail
vpopmail.qmail_dir={TMP}/vp-234/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/limits.inc';
require __DIR__ . '/hostile.inc';
$dir = vp_l_domain('vp-234');
$root = vp_root('vp-234');
$D = 'example.com';
mt_srand(16);

/* 240 mailboxes (hashed into buckets past 100), a third with a quota */
$ops = [];
for ($i = 0; $i < 240; $i++) {
    $ops[] = $i % 3 ? ['add', sprintf('u%03d', $i), 'pw'] : ['add', sprintf('u%03d', $i), 'pw', '', false, (1 + $i % 7) . 'M'];
}
var_dump(vpopmail_batch($D, $ops));

/* mail: sized names in new/ cur/ and folders; .Trash and trashed messages do not count */
$put = function (string $d, string $name) {
    @mkdir($d, 0700, true);
    file_put_contents("$d/$name", 'x');
};
$users = vpopmail_list_users($D);
foreach ($users as $k => $u) {
    $md = "{$u['dir']}/Maildir";
    if ($k % 11 === 5) {
        vp_rmtree($md); /* a mailbox without its Maildir */
        continue;
    }
    for ($m = 0; $m < $k % 4; $m++) {
        $put("$md/" . ($m % 2 ? 'new' : 'cur'), "17000000$m.$k.host,S=" . mt_rand(100, 99999) . ($m % 2 ? '' : ':2,S'));
    }
    if ($k % 5 === 0) {
        $put("$md/.Sent/cur", "17000001.$k.host,S=" . mt_rand(1000, 5000) . ':2,S');
        $put("$md/.Trash/cur", "17000002.$k.host,S=777:2,S");
        $put("$md/cur", "17000003.$k.host,S=888:2,ST");
    }
    /* a NOQUOTA mailbox's leftover maildirsize: stale, ignored */
    if ($k % 7 === 3 && !is_file("$md/maildirsize")) {
        file_put_contents("$md/maildirsize", "1000000S\n123456 7\n");
    }
    /* users with a quota have a maildirsize; deliveries append to it */
    if (is_file("$md/maildirsize") && $k % 2) {
        file_put_contents("$md/maildirsize", mt_rand(1, 9000) . " 1\n", FILE_APPEND);
    }
}

/* aliases: forwards, a blackhole, robots, an ezmlm list as ezmlm-make lays it out (symlinks) */
vpopmail_alias_add('sales', $D, 'a@remote.test');
vpopmail_alias_add('sales', $D, 'u001@example.com');
vpopmail_alias_add('info', $D, '&b@remote.test');
vpopmail_alias_add('team.lead', $D, 'u002@example.com');
file_put_contents("$dir/.qmail-void", "# delete\n");
file_put_contents("$dir/.qmail-help", "|/usr/local/bin/autorespond 10000 5 $dir/HELP/message $dir/HELP\n&owner@remote.test\n");
file_put_contents("$dir/.qmail-away", "|/usr/local/bin/autorespond 10000 5 $dir/AWAY/message $dir/AWAY\n");
mkdir("$dir/news");
file_put_contents("$dir/news/editor", "|/usr/local/bin/ezmlm/ezmlm-reject '$dir/news'\n|/usr/local/bin/ezmlm/ezmlm-send '$dir/news'\n");
file_put_contents("$dir/news/manager", "|/usr/local/bin/ezmlm/ezmlm-manage '$dir/news'\n");
file_put_contents("$dir/news/owner", "&listowner@remote.test\n");
symlink("$dir/news/editor", "$dir/.qmail-news");
symlink("$dir/news/manager", "$dir/.qmail-news-default");
symlink("$dir/news/owner", "$dir/.qmail-news-owner");
file_put_contents("$dir/.qmail-sales.lock", "&z@remote.test\n"); /* no alias: qmail never delivers to it */

/* What we expect, worked out here from the files themselves. */
$exp = ['aliases' => 0, 'forwards' => 0, 'blackholes' => 0, 'autoresponders' => 0, 'mailinglists' => 0];
foreach (vpopmail_alias_get_all($D) as $name => $lines) {
    $exp['aliases']++;
    $fwd = true;
    foreach ($lines as $l) {
        $ez = strpos($l, '/ezmlm-');
        $sp = strpos($l, ' ');
        if (($ez !== false && ($sp === false || $ez < $sp)) || str_contains($l, '/autorespond ')) {
            $fwd = false;
        }
        $exp['autoresponders'] += str_contains($l, '/autorespond ');
    }
    if ($lines[0][0] === '#') {
        $exp['blackholes']++;
    } elseif ($fwd) {
        $exp['forwards']++;
    }
    $exp['mailinglists'] += str_contains($lines[0], 'ezmlm-reject');
}
$scan = function (string $md): array {
    $b = $n = 0;
    foreach (array_merge(['.'], array_map('basename', glob("$md/.[!.]*", GLOB_ONLYDIR) ?: [])) as $f) {
        if ($f === '.Trash') {
            continue;
        }
        foreach (['new', 'cur'] as $s) {
            foreach (glob("$md/$f/$s/*") ?: [] as $p) {
                if (preg_match('/:2,[^:]*T/', $p)) {
                    continue;
                }
                preg_match('/,S=(\d+)/', basename($p), $m);
                $b += (int)$m[1];
                $n++;
            }
        }
    }
    return [$b, $n];
};
$bytes = $msgs = $xbytes = $xmsgs = $scanned = $alloc = $unlimited = 0;
foreach (vpopmail_list_users($D) as $u) {
    $md = "{$u['dir']}/Maildir";
    [$sb, $sn] = is_dir($md) ? $scan($md) : [0, 0];
    $xbytes += $sb;
    $xmsgs += $sn;
    $q = vpopmail_user_info($u['name'], $D)['quota_bytes'];
    $q === null ? $unlimited++ : $alloc += $q;
    /* a mailbox with a quota: its maildirsize; without: its Maildir */
    if ($q !== null && is_file("$md/maildirsize")) {
        foreach (array_slice(file("$md/maildirsize"), 1) as $line) {
            [$b, $n] = explode(' ', trim($line));
            $bytes += (int)$b;
            $msgs += (int)$n;
        }
    } elseif (is_dir($md)) {
        $bytes += $sb;
        $msgs += $sn;
        $scanned++;
    }
}

vpopmail_set_domain_limits($D, ['maxpopaccounts' => 500, 'maxforwards' => 10, 'quota' => 2048]);
$before = vp_h_snapshot($root);
$u = vpopmail_domain_usage($D);
$after = vp_h_snapshot($root);
echo "mailboxes {$u['mailboxes']['count']}/{$u['mailboxes']['max']}, aliases {$u['aliases']['count']}/",
    var_export($u['aliases']['max'], true), ", forwards {$u['forwards']['count']}/{$u['forwards']['max']}, ",
    "autoresponders {$u['autoresponders']['count']}, mailinglists {$u['mailinglists']['count']}, blackholes {$u['blackholes']}\n";
$got = ['aliases' => $u['aliases']['count'], 'forwards' => $u['forwards']['count'], 'blackholes' => $u['blackholes'],
        'autoresponders' => $u['autoresponders']['count'], 'mailinglists' => $u['mailinglists']['count']];
var_dump($got === $exp, $u['mailboxes']['count'] === vpopmail_count_users($D));
var_dump($u['disk']['bytes'] === $bytes, $u['disk']['messages'] === $msgs, $u['disk']['scanned'] === $scanned,
         $u['disk']['allocated_bytes'] === $alloc, $u['disk']['unlimited_mailboxes'] === $unlimited);
echo "quota_bytes {$u['disk']['quota_bytes']}, quota_messages ", var_export($u['disk']['quota_messages'], true),
    ", limits source {$u['limits']['source']}\n";
echo 'nothing written: ', $before === $after ? 'yes' : vp_h_diff($before, $after), "\n";
/* maildirsize and the Maildirs disagree (appended lines without messages): exact scans them all */
var_dump($bytes !== $xbytes);
$x = vpopmail_domain_usage($D, true);
var_dump($x['disk']['bytes'] === $xbytes, $x['disk']['messages'] === $xmsgs,
         $x['disk']['scanned'] === count(array_filter(vpopmail_list_users($D), fn ($r) => is_dir("{$r['dir']}/Maildir"))));
/* counts only: no Maildir opened, the disk figures null, the rest the same */
$c = vpopmail_domain_usage($D, false, false);
var_dump($c['disk']['bytes'], $c['disk']['scanned'], $c['disk']['allocated_bytes'] === $alloc,
         array_diff_key($c, ['disk' => 1]) === array_diff_key($u, ['disk' => 1]));
/* an alias domain reports its real domain */
vpopmail_add_alias_domain($D, 'alias.example');
echo vpopmail_domain_usage('alias.example')['domain'], "\n";
var_dump(vpopmail_domain_usage('nowhere.test'));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-234'));
?>
--EXPECTF--
bool(true)
mailboxes 241/500, aliases 7/NULL, forwards 3/10, autoresponders 2, mailinglists 1, blackholes 1
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
quota_bytes 2147483648, quota_messages NULL, limits source domain
nothing written: yes
bool(true)
bool(true)
bool(true)
bool(true)
NULL
NULL
bool(true)
bool(true)
example.com

Warning: vpopmail_domain_usage(): Domain does not exist: nowhere.test in %s on line %d
bool(false)
