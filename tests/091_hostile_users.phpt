--TEST--
hostile input: user names, passwords, gecos and quotas of add_user/del_user/passwd/set_user_quota/auth_user (gecos and quotas also through set_user_gecos and batch, with the same answers); nothing written on rejection
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-091/vpopmail
vpopmail.qmail_dir={TMP}/vp-091/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
$root = vp_sandbox('vp-091');
mkdir("$root/outside", 0755);
$ok = vpopmail_add_domain_ex('example.com', 'Secret123') && vpopmail_add_alias_domain('example.com', 'alias.example')
    && vpopmail_add_user('alice', 'example.com', 'alicepw') && vpopmail_add_user('bob', 'example.com', 'bobpw', 'Bob')
    && vpopmail_set_user_quota('bob', 'example.com', '10M') && vpopmail_passwd('bob', 'example.com', 'bobpw2')
    && vpopmail_del_user('bob', 'example.com') && vpopmail_add_user('bob', 'example.com', 'bobpw')
    && vpopmail_alias_add('sales', 'example.com', 'alice@example.com');
var_dump($ok);
$V = fn ($c) => constant("VPOPMAIL_VA_$c");
$D = 'example.com';

/* User names every writer refuses (VA_ILLEGAL_USERNAME) and auth treats as unknown. */
$names = array_merge(vp_h_bad_strings(), [
    'x', 'X', '-', '_', 'vpasswd', 'VPASSWD', 'vpasswd.cdb', 'cdb.tmp', '.qmail-default', '.qmail-alice',
    '.vpasswd.lock', '.dir-control', 'a@b', 'alice@example.com', 'a%b', 'a"b', 'a,b', 'a(b)', 'a<b>', 'a[b]',
    'a\\b', 'a;b', '$(id)', "\x00\x00" === '' ? '' : "\xc0\xae\xc0\xae", "..\\..\\x", '%2e%2e', "\u{202e}ab",
]);
$cases = [];
foreach ($names as $u) {
    $cases[] = ['vpopmail_add_user', [$u, $D, 'pw12345'], $V('ILLEGAL_USERNAME')];
    $cases[] = ['vpopmail_del_user', [$u, $D], $V('ILLEGAL_USERNAME')];
    $cases[] = ['vpopmail_passwd', [$u, $D, 'pw12345'], $V('ILLEGAL_USERNAME')];
    $cases[] = ['vpopmail_set_user_quota', [$u, $D, '1M'], $V('ILLEGAL_USERNAME')];
    $cases[] = ['vpopmail_auth_user', [$u, $D, 'pw12345'], $V('USER_DOES_NOT_EXIST')];
}
foreach ([str_repeat('a', 65), str_repeat('b', 300), str_repeat('../', 30)] as $u) {
    $cases[] = ['vpopmail_add_user', [$u, $D, 'pw12345'], $V('USER_NAME_TOO_LONG')];
    $cases[] = ['vpopmail_del_user', [$u, $D], $V('USER_NAME_TOO_LONG')];
    $cases[] = ['vpopmail_passwd', [$u, $D, 'pw12345'], $V('USER_NAME_TOO_LONG')];
    $cases[] = ['vpopmail_set_user_quota', [$u, $D, '1M'], $V('USER_NAME_TOO_LONG')];
    $cases[] = ['vpopmail_auth_user', [$u, $D, 'pw12345'], $V('USER_DOES_NOT_EXIST')];
}
/* Existing and missing users, any case, through the alias domain. */
foreach (['alice', 'ALICE', 'Postmaster', 'bob'] as $u) {
    $cases[] = ['vpopmail_add_user', [$u, $D, 'pw12345'], $V('USERNAME_EXISTS')];
    $cases[] = ['vpopmail_add_user', [$u, 'ALIAS.example', 'pw12345'], $V('USERNAME_EXISTS')];
}
foreach (['nobody', 'alice2', str_repeat('c', 64), 'default', 'sales'] as $u) {
    $cases[] = ['vpopmail_del_user', [$u, $D], $V('USER_DOES_NOT_EXIST')];
    $cases[] = ['vpopmail_passwd', [$u, 'alias.example', 'pw12345'], $V('USER_DOES_NOT_EXIST')];
    $cases[] = ['vpopmail_set_user_quota', [$u, $D, '1M'], $V('USER_DOES_NOT_EXIST')];
    $cases[] = ['vpopmail_auth_user', [$u, $D, 'pw12345'], $V('USER_DOES_NOT_EXIST')];
}
/* Passwords: empty, too long, wrong. */
foreach (['vpopmail_add_user' => ['joe', $D], 'vpopmail_passwd' => ['alice', $D]] as $fn => $pre) {
    $cases[] = [$fn, [...$pre, ''], $V('PWSTR_LENGTH')];
    $cases[] = [$fn, [...$pre, str_repeat('p', 129)], $V('PASSWD_TOO_LONG')];
    $cases[] = [$fn, [...$pre, str_repeat("\n", 4096)], $V('PASSWD_TOO_LONG')];
}
foreach (['', 'alicepw ', 'ALICEPW', 'alicep', "alicepw\n", "alicepw\0", 'alicepw:', str_repeat('p', 4096), '*', '!'] as $pw) {
    $cases[] = ['vpopmail_auth_user', ['alice', $D, $pw], str_contains($pw, "\0") ? 'ValueError' : $V('WRONG_PASSWORD')];
}
/* gecos: no field separator, no line breaks, no control bytes (ESC, BEL, TAB,
 * DEL, ...), 64 bytes at most; batch add and set_user_gecos answer alike. */
foreach (vp_h_bad_gecos() as [$g, $code]) {
    $cases[] = ['vpopmail_add_user', ['joe', $D, 'pw12345', $g], $code];
    $cases[] = ['vpopmail_set_user_gecos', ['alice', $D, $g], $code];
    $cases[] = ['vpopmail_batch', [$D, [['add', 'joe', 'pw12345', $g]]], $code];
}
/* Quotas vsetuserquota would mangle, huge ones, and the 20-byte field limit. */
foreach (vp_h_bad_quotas() as [$q, $code]) {
    $cases[] = ['vpopmail_set_user_quota', ['alice', $D, $q], $code];
    $cases[] = ['vpopmail_batch', [$D, [['quota', 'alice', $q]]], $code];
    $cases[] = ['vpopmail_batch', [$D, [['add', 'joe', 'pw12345', '', false, $q]]], $code];
}
/* NUL bytes and wrong types in every argument. */
$sig = [
    'vpopmail_add_user' => ['joe', $D, 'pw12345', 'Joe'],
    'vpopmail_del_user' => ['alice', $D],
    'vpopmail_passwd' => ['alice', $D, 'pw12345'],
    'vpopmail_set_user_quota' => ['alice', $D, '1M'],
    'vpopmail_auth_user' => ['alice', $D, 'alicepw', 'apop'],
];
foreach ($sig as $fn => $args) {
    foreach (array_keys($args) as $i) {
        $a = $args;
        $a[$i] = "x\0y";
        $cases[] = [$fn, $a, 'ValueError'];
        $a[$i] = [];
        $cases[] = [$fn, $a, 'TypeError'];
    }
    $cases[] = [$fn, array_slice($args, 0, 1), 'ArgumentCountError'];
}
$cases[] = ['vpopmail_add_user', ['joe', $D, 'pw12345', 'Joe', []], 'TypeError'];
$cases[] = ['vpopmail_passwd', ['alice', $D, 'pw12345', new stdClass], 'TypeError'];

$bad = vp_h_run_rejections($root, $cases);
$n = count($cases);
echo $bad ? "$bad of $n cases failed\n" : "$n cases, all rejected as expected\n";
var_dump($n >= 300, scandir("$root/outside") === ['.', '..']);
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-091'));
?>
--EXPECTF--
bool(true)
%d cases, all rejected as expected
bool(true)
bool(true)
