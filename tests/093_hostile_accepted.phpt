--TEST--
hostile input, the other side: odd but valid input is accepted and stored normalised (IDN punycode, uppercase, ':' and LF in hashed passwords, UTF-8 gecos, limits exactly reached)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-093/vpopmail
vpopmail.qmail_dir={TMP}/vp-093/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
$root = vp_sandbox('vp-093');
mkdir("$root/outside", 0755);
$doms = "$root/vpopmail/domains";
$assign = fn () => file_get_contents("$root/qmail/users/assign");
$line = function (string $d, string $u) use ($doms) {
    foreach (vp_b_file("$doms/$d/vpasswd", FILE_IGNORE_NEW_LINES) as $l) {
        if (str_starts_with($l, "$u:")) {
            return $l;
        }
    }
    return null;
};
$expect = fn (bool $ok, string $what) => $ok ? null : $what;
$d96 = str_repeat('a', 63) . '.' . str_repeat('b', 28) . '.com';
$u64 = str_repeat('u', 64);
$line159 = str_repeat('f', 147) . '@example.com';
$gecos64 = str_repeat("\xc3\xa9", 32);

$cases = [
    ['vpopmail_add_domain_ex', ['xn--bcher-kva.example', 'Secret123'], 'ok',
        fn () => $expect(is_dir("$doms/xn--bcher-kva.example") && str_contains($assign(), "+xn--bcher-kva.example-:"), 'no punycode domain')],
    ['vpopmail_add_domain', ['UPPER.Example', '', -1, -1], 'ok',
        fn () => $expect(is_dir("$doms/upper.example") && str_contains($assign(), "+upper.example-:upper.example:"), 'not lowercased')],
    ['vpopmail_add_domain', ['example.com', "$root/vpopmail", 89, 89], 'ok'],
    ['vpopmail_add_domain', [$d96, '', -1, -1], 'ok', fn () => $expect(is_dir("$doms/$d96"), 'no 96-byte domain')],
    ['vpopmail_add_domain', ['x-1.example.co', '', 65534, 65534], 'ok'],
    ['vpopmail_add_alias_domain', ['EXAMPLE.com', 'XN--Alias-9ta.Example'], 'ok',
        fn () => $expect(str_contains($assign(), '+xn--alias-9ta.example-:example.com:'), 'alias not lowercased')],
    ['vpopmail_add_user', ['Joe', 'UPPER.EXAMPLE', "pa:ss\nword", "Jos\xc3\xa9 M\xc3\xbcller"], 'ok',
        fn () => $expect(($l = $line('upper.example', 'joe')) !== null && count(explode(':', $l)) === 7
            && explode(':', $l)[4] === "Jos\xc3\xa9 M\xc3\xbcller", 'bad vpasswd line for joe')],
    ['vpopmail_auth_user', ['JOE', 'upper.example', "pa:ss\nword"], 'ok'],
    ['vpopmail_add_user', ['gg', 'example.com', 'pw12345', $gecos64], 'ok',
        fn () => $expect(explode(':', $line('example.com', 'gg'))[4] === $gecos64, '64-byte gecos')],
    ['vpopmail_add_user', [$u64, 'example.com', str_repeat('p', 128), 'x'], 'ok',
        fn () => $expect($line('example.com', $u64) !== null, 'no 64-byte user')],
    ['vpopmail_auth_user', [$u64, 'example.com', str_repeat('p', 128)], 'ok'],
    ['vpopmail_add_user', ["o'brien", 'example.com', ':'], 'ok'],
    ['vpopmail_add_user', ['a+b', 'xn--alias-9ta.example', "\t \r\n"], 'ok',
        fn () => $expect($line('example.com', 'a+b') !== null, 'user not in the real domain')],
    ['vpopmail_auth_user', ['a+b', 'example.com', "\t \r\n"], 'ok'],
    ['vpopmail_add_user', ['default', 'example.com', 'pw12345'], 'ok'],
    ['vpopmail_add_user', ['x-default', 'example.com', 'pw12345'], 'ok'],
    ['vpopmail_passwd', ['default', 'example.com', 'new:pw:with:colons'], 'ok'],
    ['vpopmail_auth_user', ['default', 'example.com', 'new:pw:with:colons'], 'ok'],
    ['vpopmail_set_user_quota', ["o'brien", 'example.com', '1,5M'], 'ok',
        fn () => $expect(explode(':', $line('example.com', "o'brien"))[6] === '5242880S', 'later part wins')],
    ['vpopmail_set_user_quota', ["o'brien", 'example.com', '10MB'], 'ok',
        fn () => $expect(explode(':', $line('example.com', "o'brien"))[6] === '10485760S', '10MB')],
    ['vpopmail_set_user_quota', ["o'brien", 'example.com', '10C,20C'], 'ok',
        fn () => $expect(explode(':', $line('example.com', "o'brien"))[6] === '20C', '20C')],
    ['vpopmail_set_user_quota', ["o'brien", 'example.com', 'noquota'], 'ok',
        fn () => $expect(explode(':', $line('example.com', "o'brien"))[6] === 'NOQUOTA', 'NOQUOTA')],
    ['vpopmail_set_user_quota', ["o'brien", 'example.com', '8589934591G'], 'ok'],
    ['vpopmail_set_user_quota', ["o'brien", 'example.com', '9223372036854775807'], 'ok',
        fn () => $expect(explode(':', $line('example.com', "o'brien"))[6] === '9223372036854775807S', 'int64 max')],
    ['vpopmail_alias_add', ['Team.Lead', 'example.com', $line159], 'ok',
        fn () => $expect(file_get_contents("$doms/example.com/.qmail-team:lead") === "$line159\n", 'alias file')],
    ['vpopmail_alias_add', ['team.lead', 'XN--ALIAS-9TA.example', '&joe@upper.example'], 'ok'],
    ['vpopmail_alias_add', ['box', 'example.com', "./$u64/Maildir/"], 'ok'],
    ['vpopmail_alias_get', ['x-default', 'example.com'], 'ok', fn ($r) => $expect($r === [], 'x-default lines')],
    ['vpopmail_alias_get', ['TEAM.LEAD', 'example.com'], 'ok',
        fn ($r) => $expect($r === [$line159, '&joe@upper.example'], 'team.lead lines')],
    ['vpopmail_alias_get_all', ['Example.COM'], 'ok', fn ($r) => $expect(array_keys($r) === ['box', 'team.lead'], 'names')],
    ['vpopmail_alias_del', ['BOX', 'xn--alias-9ta.example'], 'ok'],
    ['vpopmail_alias_del_domain', ['XN--ALIAS-9TA.EXAMPLE'], 'ok',
        fn () => $expect(!file_exists("$doms/example.com/.qmail-team:lead") && file_exists("$doms/example.com/.qmail-default"), 'del_domain')],
    ['vpopmail_del_user', ['X-DEFAULT', 'example.com'], 'ok'],
    ['vpopmail_del_domain', ['XN--ALIAS-9TA.example'], 'ok', fn () => $expect(is_dir("$doms/example.com"), 'real domain gone')],
    ['vpopmail_del_domain_ex', [strtoupper($d96)], 'ok', fn () => $expect(!file_exists("$doms/$d96"), '96-byte domain left')],
];
$before = vp_h_snapshot($root);
$bad = vp_h_run_accepted($root, $cases);
$n = count($cases);
echo $bad ? "$bad of $n accepted cases failed\n" : "$n cases, all accepted as expected\n";
/* The snapshot sees changes (the rejection tests rely on it). */
var_dump(vp_h_snapshot($root) !== $before, scandir("$root/outside") === ['.', '..']);
echo implode(' ', array_filter(scandir($doms), fn ($e) => $e[0] !== '.')), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-093'));
?>
--EXPECT--
35 cases, all accepted as expected
bool(true)
bool(true)
example.com upper.example x-1.example.co xn--bcher-kva.example
