--TEST--
hostile input: domains, limits arrays (keys, types, ranges), passwords and user names of the limits, usage, policy and change-password functions; nothing written on rejection
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-238/vpopmail
vpopmail.qmail_dir={TMP}/vp-238/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/hostile.inc';
require __DIR__ . '/limits.inc';
$root = vp_sandbox('vp-238');
mkdir("$root/outside", 0755);
$ok = vpopmail_add_domain_ex('example.com', 'Secret123') && vpopmail_add_alias_domain('example.com', 'alias.example')
    && vpopmail_add_user('alice', 'example.com', 'alicepw')
    && vpopmail_set_domain_limits('example.com', ['maxpopaccounts' => 10, 'disable_pop' => true]);
vp_l_etc($root, 'password_strength.conf', "Length >= 4\n");
var_dump($ok);
$V = fn ($c) => constant("VPOPMAIL_VA_$c");
$D = 'example.com';

/* Domains every one of them refuses, as 090 lists them. */
$domains = [];
foreach (['', 'a', 'abc', '.', '..', '../x', '../../etc', '../outside', '/', '/etc', 'a/b.com', './example.com',
          "exa\nmple.com", "example.com\n", "example.com\r", 'exa:mple.com', "exa\tmple.com", "exa\x01mple.com",
          "exa\x7fmple.com", "b\xc3\xbccher.example", 'exa mple.com', '-example.com', 'a..com', 'example.com.',
          '*.example.com', 'user@example.com', '$(id).com', '.qmail-default', str_repeat('a', 64) . '.com'] as $d) {
    $domains[] = [$d, $V('INVALID_DOMAIN_NAME')];
}
foreach ([str_repeat('a', 93) . '.com', str_repeat('../', 40) . 'x.com'] as $d) {
    $domains[] = [$d, $V('DOMAIN_NAME_TOO_LONG')];
}
$domains[] = ['nowhere.test', $V('DOMAIN_DOES_NOT_EXIST')];
$calls = [
    ['vpopmail_get_domain_limits', fn ($d) => [$d]],
    ['vpopmail_set_domain_limits', fn ($d) => [$d, ['maxaliases' => 1]]],
    ['vpopmail_del_domain_limits', fn ($d) => [$d]],
    ['vpopmail_domain_usage', fn ($d) => [$d]],
    ['vpopmail_change_password', fn ($d) => ['alice', $d, 'alicepw', 'newpw123']],
];
$cases = [];
foreach ($calls as [$fn, $mk]) {
    foreach ($domains as [$d, $code]) {
        /* change_password: a malformed domain is just an unknown one, a silent false */
        $cases[] = [$fn, $mk($d), $fn === 'vpopmail_change_password' ? $V('DOMAIN_DOES_NOT_EXIST') : $code];
    }
    $cases[] = [$fn, $mk("example.com\0.evil"), 'ValueError'];
    $cases[] = [$fn, $mk(['example.com']), 'TypeError'];
    $cases[] = [$fn, $mk(new stdClass), 'TypeError'];
    $cases[] = [$fn, [], 'ArgumentCountError'];
}

/* The limits array: keys only from the file, values of the key's type and range. */
foreach (['MAXPOPACCOUNTS', 'maxpopaccounts ', ' maxpopaccounts', "maxpopaccounts\n", 'maxpopaccounts:', 'max',
          'perm_maillist_owner', 'disable_everything', 'quota_mb', '../x', '', "\0", "disable_pop\0", 'Source',
          str_repeat('k', 1000)] as $k) {
    $cases[] = ['vpopmail_set_domain_limits', [$D, [$k => 1]], 'ValueError'];
}
$cases[] = ['vpopmail_set_domain_limits', [$D, [0 => 1]], 'ValueError'];
$cases[] = ['vpopmail_set_domain_limits', [$D, [10]], 'ValueError'];
foreach (['maxpopaccounts', 'maxaliases', 'maxforwards', 'maxautoresponders', 'maxmailinglists'] as $k) {
    foreach ([-2, -1000, PHP_INT_MIN, 2147483648, PHP_INT_MAX] as $v) {
        $cases[] = ['vpopmail_set_domain_limits', [$D, [$k => $v]], 'ValueError'];
    }
}
foreach (['quota', 'maxmsgcount', 'default_quota', 'default_maxmsgcount'] as $k) {
    foreach ([-1, PHP_INT_MIN] as $v) {
        $cases[] = ['vpopmail_set_domain_limits', [$D, [$k => $v]], 'ValueError'];
    }
}
foreach (['perm_account', 'perm_alias', 'perm_forward', 'perm_autoresponder', 'perm_maillist', 'perm_maillist_users',
          'perm_maillist_moderators', 'perm_quota', 'perm_defaultquota'] as $k) {
    foreach ([-1, 8, 63, 511, PHP_INT_MAX] as $v) {
        $cases[] = ['vpopmail_set_domain_limits', [$D, [$k => $v]], 'ValueError'];
    }
}
foreach (['maxpopaccounts', 'quota', 'perm_quota'] as $k) {
    foreach (['10', '10M', 1.5, 10.0, null, true, [], new stdClass] as $v) {
        $cases[] = ['vpopmail_set_domain_limits', [$D, [$k => $v]], 'TypeError'];
    }
}
foreach (['disable_pop', 'delete_spam'] as $k) {
    foreach ([1, 0, 'yes', '', null, [], 1.0] as $v) {
        $cases[] = ['vpopmail_set_domain_limits', [$D, [$k => $v]], 'TypeError'];
    }
}
/* one bad key among good ones: nothing written either */
$cases[] = ['vpopmail_set_domain_limits', [$D, ['maxaliases' => 3, 'disable_imap' => true, 'perm_quota' => 9]], 'ValueError'];
$cases[] = ['vpopmail_set_domain_limits', [$D, 'maxaliases=3'], 'TypeError'];
$cases[] = ['vpopmail_domain_usage', [$D, []], 'TypeError'];
$cases[] = ['vpopmail_domain_usage', [$D, false, new stdClass], 'TypeError'];
$cases[] = ['vpopmail_domain_usage', [$D, false, true, 1], 'ArgumentCountError'];
$cases[] = ['vpopmail_enforce_limits', [[]], 'TypeError'];
$cases[] = ['vpopmail_enforce_limits', [true, false], 'ArgumentCountError'];

/* The password policy: NUL and wrong types refused; everything else is a verdict. */
$cases[] = ['vpopmail_password_strength', ["abc\0def"], 'ValueError'];
$cases[] = ['vpopmail_password_strength', [[]], 'TypeError'];
$cases[] = ['vpopmail_password_strength', [], 'ArgumentCountError'];

/* The self-service change: every argument, and what a stranger may try. */
$args = ['alice', $D, 'alicepw', 'newpw123'];
foreach (array_keys($args) as $i) {
    $a = $args;
    $a[$i] = "x\0y";
    $cases[] = ['vpopmail_change_password', $a, 'ValueError'];
    $a[$i] = [];
    $cases[] = ['vpopmail_change_password', $a, 'TypeError'];
}
foreach (array_merge(vp_h_bad_strings(), ['nobody', 'ALICE ', str_repeat('a', 65), str_repeat('b', 5000),
                                          'postmaster@example.com', '../alice']) as $u) {
    $cases[] = ['vpopmail_change_password', [$u, $D, 'alicepw', 'newpw123'], $V('WRONG_PASSWORD')];
}
foreach (['', 'alicepw ', 'ALICEPW', 'alicep', "alicepw\n", str_repeat('p', 5000), '*', '!', "\xff"] as $pw) {
    $cases[] = ['vpopmail_change_password', ['alice', $D, $pw, 'newpw123'], $V('WRONG_PASSWORD')];
}
/* the right old password, new ones the writer refuses */
$cases[] = ['vpopmail_change_password', ['alice', $D, 'alicepw', ''], $V('PWSTR_LENGTH')];
$cases[] = ['vpopmail_change_password', ['alice', $D, 'alicepw', 'abc'], $V('PWSTR_LENGTH')];
$cases[] = ['vpopmail_change_password', ['alice', $D, 'alicepw', str_repeat('p', 129)], $V('PASSWD_TOO_LONG')];

$bad = vp_h_run_rejections($root, $cases);
$n = count($cases);
echo $bad ? "$bad of $n cases failed\n" : "$n cases, all rejected as expected\n";
var_dump($n >= 300, scandir("$root/outside") === ['.', '..']);

/* Accepted: hostile but legal values reach the core and come back as given. */
$check = fn (array $want) => function ($ret) use ($want) {
    $l = vpopmail_get_domain_limits('example.com');
    foreach ($want as $k => $v) {
        if ($l[$k] !== $v) {
            return "$k is " . var_export($l[$k], true);
        }
    }
    return null;
};
$verdict = fn (int $code) => fn ($r) => is_array($r) && $r['code'] === $code ? null : 'verdict ' . json_encode($r);
$accepted = [
    ['vpopmail_set_domain_limits', [$D, ['maxpopaccounts' => 2147483647, 'maxaliases' => -1, 'maxforwards' => 0]], 'ok',
     $check(['maxpopaccounts' => 2147483647, 'maxaliases' => -1, 'maxforwards' => 0])],
    ['vpopmail_set_domain_limits', [$D, ['quota' => PHP_INT_MAX, 'default_quota' => 0]], 'ok',
     $check(['quota' => PHP_INT_MAX, 'default_quota' => 0])],
    ['vpopmail_set_domain_limits', [$D, ['perm_maillist' => 7, 'perm_maillist_users' => 7, 'perm_maillist_moderators' => 7]],
     'ok', $check(['perm_maillist' => 7, 'perm_maillist_users' => 7, 'perm_maillist_moderators' => 7])],
    ['vpopmail_set_domain_limits', [$D, ['source' => "anything\0at all"]], 'ok', $check(['source' => 'domain'])],
    ['vpopmail_set_domain_limits', ['ALIAS.EXAMPLE', []], 'ok', $check(['maxforwards' => 0])],
    ['vpopmail_password_strength', [''], 'ok', $verdict($V('PWSTR_LENGTH'))],
    ['vpopmail_password_strength', [str_repeat("\xff", 100000)], 'ok', $verdict(0)],
    ['vpopmail_password_strength', ["\x01\x02\x03\x7f\n\r"], 'ok', $verdict(0)],
    ['vpopmail_password_strength', ['%s%n%x'], 'ok', $verdict(0)],
    ['vpopmail_domain_usage', ['ALIAS.example', true], 'ok'],
    ['vpopmail_domain_usage', ['ALIAS.example', false, false], 'ok'],
    ['vpopmail_get_domain_limits', ['Example.COM'], 'ok'],
    ['vpopmail_change_password', ['ALICE', 'Alias.Example', 'alicepw', "new:pw\twith\x01bytes"], 'ok',
     fn () => vpopmail_auth_user('alice', 'example.com', "new:pw\twith\x01bytes") ? null : 'new password does not work'],
];
$bad = vp_h_run_accepted($root, $accepted);
echo $bad ? "$bad accepted cases failed\n" : count($accepted) . " accepted cases ok\n";
echo file_get_contents("$root/vpopmail/domains/example.com/.qmailadmin-limits");
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-238'));
?>
--EXPECTF--
bool(true)
%d cases, all rejected as expected
bool(true)
bool(true)
13 accepted cases ok
maxpopaccounts: 2147483647
maxaliases: -1
maxforwards: 0
maxautoresponders: -1
maxmailinglists: -1
quota: 9223372036854775807
maxmsgcount: 0
default_quota: 0
default_maxmsgcount: 0
disable_pop
perm_account: 0
perm_alias: 0
perm_forward: 0
perm_autoresponder: 0
perm_maillist: 511
perm_quota: 0
perm_defaultquota: 0
