--TEST--
vpopmail_change_password() timing: a known user with a wrong old password and an unknown user take the same time (median ratio within 10%, one run)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-237/vpopmail
vpopmail.qmail_dir={TMP}/vp-237/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=sha512
--FILE--
<?php
require __DIR__ . '/limits.inc';
$dir = vp_l_domain('vp-237');
$D = 'example.com';
vpopmail_add_user('alice', $D, 'right-one');
/* more mailboxes, so that a lookup hits and misses a real cdb */
$ops = [];
for ($i = 0; $i < 150; $i++) {
    $ops[] = ['add', "user$i", "pw$i"];
}
vpopmail_batch($D, $ops);

$median = function (array $v): float {
    sort($v);
    return $v[intdiv(count($v), 2)];
};
$time = function (string $user): float {
    $t = hrtime(true);
    vpopmail_change_password($user, 'example.com', 'a wrong guess', 'new-password-1') and print("changed?\n");
    return (float)(hrtime(true) - $t);
};
$known = $unknown = $ratios = [];
$time('alice');
$time('nobody'); /* warm up */
/* pairs of adjacent calls, the order alternating, so that load drift hits both alike;
 * the median of the pairs' ratios */
for ($i = 0; $i < 41; $i++) {
    $who = $i % 3 ? 'nobody' : "ghost$i";
    if ($i % 2) {
        $k = $time('alice');
        $u = $time($who);
    } else {
        $u = $time($who);
        $k = $time('alice');
    }
    $known[] = $k;
    $unknown[] = $u;
    $ratios[] = $u / $k;
}
$ratio = $median($ratios);
echo 'ratio ', $ratio >= 0.9 && $ratio <= 1.1 ? 'within 10%' : sprintf('%.3f (known %.0f us, unknown %.0f us)',
    $ratio, $median($known) / 1000, $median($unknown) / 1000), "\n";
/* both were the same answer, and nothing changed */
var_dump(vpopmail_change_password('alice', $D, 'x', 'y'), vpopmail_errno(),
         vpopmail_change_password('nobody', $D, 'x', 'y'), vpopmail_errno());
var_dump(vpopmail_auth_user('alice', $D, 'right-one'));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-237'));
?>
--EXPECT--
ratio within 10%
bool(false)
int(-111)
bool(false)
int(-111)
bool(true)
