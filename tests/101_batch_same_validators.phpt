--TEST--
one validator per field (issue 12, class 7): the same hostile table (gecos with ESC BEL TAB DEL CR LF ':' or one byte too long, NUL bytes, bad names, passwords, quotas at and over their limits, several faults at once) gets the same answer from add_user/passwd/set_user_quota/set_user_gecos/del_user and from vpopmail_batch; the tree is unchanged after every refusal, and the limits themselves pass both
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-101/vpopmail
vpopmail.qmail_dir={TMP}/vp-101/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
$root = vp_sandbox('vp-101');
$ok = vpopmail_add_domain_ex('example.com', 'Secret123') && vpopmail_add_user('alice', 'example.com', 'alicepw');
var_dump($ok);
$V = fn ($c) => constant("VPOPMAIL_VA_$c");
$D = 'example.com';
$batch = fn (array $op) => ['vpopmail_batch', [$D, [$op]]];

$cases = [];
/* [user, password, gecos, expected] for a new user: add_user and batch add */
$adds = [];
foreach (vp_h_bad_gecos() as [$g, $code]) {
    $adds[] = ['joe', 'pw12345', $g, $code];
}
foreach (vp_h_bad_strings() as $u) {
    $adds[] = [$u, 'pw12345', '', $V('ILLEGAL_USERNAME')];
}
foreach (['x', 'X', '-', 'vpasswd', 'a@b', 'a;b', '$(id)'] as $u) {
    $adds[] = [$u, 'pw12345', '', $V('ILLEGAL_USERNAME')];
}
$g65 = str_repeat('g', 65);
$p129 = str_repeat('p', 129);
$u65 = str_repeat('u', 65);
array_push($adds,
    [$u65, 'pw12345', '', $V('USER_NAME_TOO_LONG')],
    ['joe', '', '', $V('PWSTR_LENGTH')],
    ['joe', $p129, '', $V('PASSWD_TOO_LONG')],
    /* several faults: vadduser's order decides, for both */
    ['x', 'pw12345', "a\x1bb", $V('BAD_CHAR')],
    [$u65, '', $g65, $V('USER_NAME_TOO_LONG')],
    ['x', '', '', $V('ILLEGAL_USERNAME')],
    ['joe', $p129, $g65, $V('PASSWD_TOO_LONG')],
    ['joe', '', $g65, $V('GECOS_TOO_LONG')],
    ['Bad/Name', '', '', $V('PWSTR_LENGTH')],
    ['alice', 'pw12345', '', $V('USERNAME_EXISTS')],
    ['ALICE', 'pw12345', "Alice\x7f", $V('BAD_CHAR')],
    ["jo\0e", 'pw12345', '', 'ValueError'],
    ['joe', "pw\0", '', 'ValueError'],
    ['joe', 'pw12345', "Joe\0", 'ValueError'],
);
foreach ($adds as [$u, $pw, $g, $code]) {
    $cases[] = ['vpopmail_add_user', [$u, $D, $pw, $g], $code];
    $cases[] = $batch(['add', $u, $pw, $g]);
    $cases[count($cases) - 1][] = $code;
    $cases[] = $batch(['op' => 'add', 'user' => $u, 'password' => $pw, 'gecos' => $g, 'apop' => true]);
    $cases[count($cases) - 1][] = $code;
}
/* gecos of an existing user */
foreach (vp_h_bad_gecos() as [$g, $code]) {
    $cases[] = ['vpopmail_set_user_gecos', ['alice', $D, $g], $code];
}
/* names and passwords of an existing user: passwd, quota, del */
$names = array_map(fn ($u) => [$u, $V('ILLEGAL_USERNAME')], [...vp_h_bad_strings(), 'x', 'vpasswd']);
$names[] = [$u65, $V('USER_NAME_TOO_LONG')];
$names[] = ['nobody', $V('USER_DOES_NOT_EXIST')];
$names[] = ["ali\0ce", 'ValueError'];
foreach ($names as [$u, $code]) {
    $cases[] = ['vpopmail_passwd', [$u, $D, 'pw12345'], $code];
    $cases[] = [...$batch(['passwd', $u, 'pw12345']), $code];
    $cases[] = ['vpopmail_set_user_quota', [$u, $D, '1M'], $code];
    $cases[] = [...$batch(['quota', $u, '1M']), $code];
    $cases[] = ['vpopmail_del_user', [$u, $D], $code];
    $cases[] = [...$batch(['del', $u]), $code];
}
foreach (['' => 'PWSTR_LENGTH', $p129 => 'PASSWD_TOO_LONG', str_repeat("\n", 4096) => 'PASSWD_TOO_LONG'] as $pw => $c) {
    $cases[] = ['vpopmail_passwd', ['alice', $D, (string)$pw], $V($c)];
    $cases[] = [...$batch(['passwd', 'alice', (string)$pw]), $V($c)];
}
/* quotas: the single call, batch quota, batch add with a quota */
foreach (vp_h_bad_quotas() as [$q, $code]) {
    $cases[] = ['vpopmail_set_user_quota', ['alice', $D, $q], $code];
    $cases[] = [...$batch(['quota', 'alice', $q]), $code];
    $cases[] = [...$batch(['add', 'joe', 'pw12345', '', false, $q]), $code];
}
$bad = vp_h_run_rejections($root, $cases);
$n = count($cases);
echo $bad ? "$bad of $n cases failed\n" : "$n cases, all answered alike and rejected\n";

/* The limits themselves, accepted by both (and stored alike). */
$line = fn ($u) => explode(':', array_values(preg_grep("/^$u:/", vp_b_file("$root/vpopmail/domains/example.com/vpasswd", FILE_IGNORE_NEW_LINES)))[0]);
$g64 = str_repeat("\xc3\xa9", 32);
$p128 = str_repeat('p', 128);
$u64a = str_repeat('a', 64);
$u64b = str_repeat('b', 64);
var_dump(vpopmail_add_user($u64a, $D, 'pw', 'g'), vpopmail_batch($D, [['add', $u64b, 'pw', 'g']]));
var_dump(vpopmail_add_user('g1', $D, $p128, $g64), vpopmail_batch($D, [['add', 'g2', $p128, $g64]]));
var_dump($line('g1')[4] === $line('g2')[4], $line('g1')[4] === $g64, count($line($u64a)) === count($line($u64b)));
/* a C1 control (CSI) is no bad character: the byte on cdb, U+009B in UTF-8 on
 * mysql, whose connection carries UTF-8 only (311: the raw byte is refused) */
$c1 = vp_b_mysql() ? "C1 \xc2\x9b ok" : "C1 \x9b ok";
var_dump(vpopmail_add_user('c1', $D, 'pw', $c1), vpopmail_batch($D, [['add', 'c2', 'pw', $c1]]));
$q20 = '1048576000S,1000000C';
var_dump(strlen($q20), vpopmail_set_user_quota('c1', $D, $q20), vpopmail_batch($D, [['quota', 'c2', $q20]]));
var_dump($line('c1')[6], $line('c2')[6]);
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-101'));
?>
--EXPECTF--
bool(true)
%d cases, all answered alike and rejected
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
int(20)
bool(true)
bool(true)
string(20) "1048576000S,1000000C"
string(20) "1048576000S,1000000C"
