--TEST--
hostile input: every domain argument of every function (../, /, NUL, CR/LF, ':', control and non-ASCII bytes, overlong, empty), and the catch-all of add_domain_ex/set_catchall (paths, globs, "#", "..": one whitelist); nothing written on rejection
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-090/vpopmail
vpopmail.qmail_dir={TMP}/vp-090/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
$root = vp_sandbox('vp-090');
mkdir("$root/outside", 0755);
$ok = vpopmail_add_domain_ex('example.com', 'Secret123') && vpopmail_add_alias_domain('example.com', 'alias.example')
    && vpopmail_add_user('alice', 'example.com', 'alicepw') && vpopmail_alias_add('sales', 'example.com', 'alice@example.com')
    && vpopmail_add_domain('other.test', '', -1, -1);
var_dump($ok);

/* Domain strings every function must refuse: value => code. */
$domains = [];
foreach (['', 'a', 'ab', 'abc', 'localhost', '.', '..', '...', '../x', '../../etc', '../outside', '/', '/etc',
          '/tmp/x.com', 'a/b.com', 'example.com/../x.com', './example.com', "exa\nmple.com", "example.com\n",
          "\nexample.com", "example.com\r", "example.com\r\nx.com", 'exa:mple.com', 'example.com:25', ':.com',
          "exa\tmple.com", "exa\x01mple.com", "exa\x1bmple.com", "exa\x7fmple.com", "exa\x80mple.com",
          "b\xc3\xbccher.example", "\xff.com", 'exa mple.com', ' example.com', 'example.com ', '-example.com',
          'example-.com', 'a..com', '.example.com', 'example.com.', 'example.c', 'example.c-', 'exa_mple.com',
          '*.example.com', 'user@example.com', '%2e%2e.com', 'x\\y.com', '"x".com', "x'y.com", 'x;y.com',
          'x|y.com', '$(id).com', 'x`y`.com', 'default.', '.qmail-default',
          str_repeat('a', 64) . '.com'] as $d) {
    $domains[] = [$d, VPOPMAIL_VA_INVALID_DOMAIN_NAME];
}
foreach ([str_repeat('a', 93) . '.com', str_repeat('b', 200) . '.com', str_repeat('a.', 60) . 'com',
          str_repeat('../', 40) . 'x.com'] as $d) {
    $domains[] = [$d, VPOPMAIL_VA_DOMAIN_NAME_TOO_LONG];
}

/* One call per function, with the domain in the given place. */
$calls = [
    ['vpopmail_add_domain', fn ($d) => [$d, '', -1, -1]],
    ['vpopmail_add_domain_ex', fn ($d) => [$d, 'pw12345']],
    ['vpopmail_del_domain', fn ($d) => [$d]],
    ['vpopmail_del_domain_ex', fn ($d) => [$d]],
    ['vpopmail_add_alias_domain', fn ($d) => ['example.com', $d]],
    ['vpopmail_add_alias_domain', fn ($d) => [$d, 'new-alias.test']],
    ['vpopmail_add_alias_domain_ex', fn ($d) => ['example.com', $d]],
    ['vpopmail_add_alias_domain_ex', fn ($d) => [$d, 'new-alias.test']],
    ['vpopmail_add_user', fn ($d) => ['joe', $d, 'pw12345']],
    ['vpopmail_del_user', fn ($d) => ['alice', $d]],
    ['vpopmail_passwd', fn ($d) => ['alice', $d, 'pw12345']],
    ['vpopmail_set_user_quota', fn ($d) => ['alice', $d, '1M']],
    ['vpopmail_auth_user', fn ($d) => ['alice', $d, 'alicepw']],
    ['vpopmail_alias_add', fn ($d) => ['team', $d, 'alice@example.com']],
    ['vpopmail_alias_del', fn ($d) => ['sales', $d]],
    ['vpopmail_alias_del_domain', fn ($d) => [$d]],
    ['vpopmail_alias_get', fn ($d) => ['sales', $d]],
    ['vpopmail_alias_get_all', fn ($d) => [$d]],
];

$cases = [];
foreach ($calls as [$fn, $mk]) {
    foreach ($domains as [$d, $code]) {
        /* auth: a malformed domain is just an unknown one (a silent false, after the same hashing time) */
        $cases[] = [$fn, $mk($d), $fn === 'vpopmail_auth_user' ? VPOPMAIL_VA_DOMAIN_DOES_NOT_EXIST : $code];
    }
    /* NUL bytes and wrong types never reach the core. */
    $cases[] = [$fn, $mk("example.com\0.evil"), 'ValueError'];
    $cases[] = [$fn, $mk("\0"), 'ValueError'];
    $cases[] = [$fn, $mk(['example.com']), 'TypeError'];
    $cases[] = [$fn, $mk(new stdClass), 'TypeError'];
}

/* Well-formed names that are not (or already) there. */
$V = fn ($c) => constant("VPOPMAIL_VA_$c");
foreach ([
    ['vpopmail_add_domain', ['example.com', '', -1, -1], $V('DOMAIN_ALREADY_EXISTS')],
    ['vpopmail_add_domain', ['EXAMPLE.COM', '', -1, -1], $V('DOMAIN_ALREADY_EXISTS')],
    ['vpopmail_add_domain', ['alias.example', '', -1, -1], $V('DOMAIN_ALREADY_EXISTS')],
    ['vpopmail_add_domain_ex', ['Example.Com', 'pw12345'], $V('DOMAIN_ALREADY_EXISTS')],
    ['vpopmail_del_domain', ['nowhere.test'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_del_domain_ex', ['xn--nowhere.test'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_add_alias_domain', ['nowhere.test', 'new-alias.test'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_add_alias_domain', ['example.com', 'example.com'], $V('DOMAIN_ALREADY_EXISTS')],
    ['vpopmail_add_alias_domain', ['example.com', 'ALIAS.example'], $V('DOMAIN_ALREADY_EXISTS')],
    ['vpopmail_add_alias_domain', ['example.com', 'other.test'], $V('DOMAIN_ALREADY_EXISTS')],
    ['vpopmail_add_alias_domain_ex', ['nowhere.test', 'new-alias.test'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_add_alias_domain_ex', ['example.com', 'other.test'], $V('DOMAIN_ALREADY_EXISTS')],
    ['vpopmail_add_user', ['joe', 'nowhere.test', 'pw12345'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_del_user', ['alice', 'nowhere.test'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_passwd', ['alice', 'nowhere.test', 'pw12345'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_set_user_quota', ['alice', 'nowhere.test', '1M'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_auth_user', ['alice', 'nowhere.test', 'alicepw'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_alias_add', ['team', 'nowhere.test', 'alice@example.com'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_alias_del', ['sales', 'nowhere.test'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_alias_del_domain', ['nowhere.test'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_alias_get', ['sales', 'nowhere.test'], $V('DOMAIN_DOES_NOT_EXIST')],
    ['vpopmail_alias_get_all', ['nowhere.test'], $V('DOMAIN_DOES_NOT_EXIST')],
] as $c) {
    $cases[] = $c;
}

/* vpopmail_add_domain(): the directory must be the configured one, ids in range and never 0. */
$bad_dirs = ['/', '/tmp', '/etc', "$root/outside", "$root/vpopmail/../outside", "$root/vpopmail/domains",
             "$root/vpopmail/x", "$root/vpopmai", "$root/vpopmailx", 'vpopmail', '.', '..', '../outside',
             "$root/qmail", "$root/vpopmail\n", "$root/vpopmail/.", "$root//vpopmail/..",
             "$root/vpopmail:/etc", str_repeat('/x', 3000)];
foreach ($bad_dirs as $dir) {
    $cases[] = ['vpopmail_add_domain', ['new.test', $dir, -1, -1], $V('BAD_V_DIR')];
}
$cases[] = ['vpopmail_add_domain', ['new.test', "$root/vpopmail\0/x", -1, -1], 'ValueError'];
foreach ([[0, -1], [-1, 0], [0, 0]] as [$u, $g]) {
    $cases[] = ['vpopmail_add_domain', ['new.test', '', $u, $g], $V('BAD_UID')];
}
foreach ([[-2, -1], [-1, -2], [PHP_INT_MIN, -1], [-1, PHP_INT_MIN], [2147483648, -1], [-1, 2147483648],
          [PHP_INT_MAX, -1], [-1, PHP_INT_MAX], [-89, 89], [4294967295, 89], [4294967296, 89]] as [$u, $g]) {
    $cases[] = ['vpopmail_add_domain', ['new.test', '', $u, $g], 'ValueError'];
}
foreach ([['89x', -1], [-1, 'vchkpw'], [[], -1], [-1, new stdClass], ['', -1]] as [$u, $g]) {
    $cases[] = ['vpopmail_add_domain', ['new.test', '', $u, $g], 'TypeError'];
}

/* ---- issue 12 class 2 (names that take other mail): begin ----
 * A users/assign key that extends another's with '-' (qmail-lspawn takes the
 * longest "+prefix-"), either way round, and the host's own names. */
var_dump(vpopmail_add_domain('shop.example-eu.test', '', -1, -1));
file_put_contents("$root/qmail/control/me", "mail.hostile.test\n");
file_put_contents("$root/qmail/control/locals", "localhost\nmail.hostile.test\nLocal2.Hostile.Test \n");
foreach (['example.com-alice', 'example.com-alice.org', 'Example.Com-x.test', 'alias.example-sales.com',
          'other.test-a.b.cc', 'shop.example', 'shop.example-eu.test-x.org'] as $d) {
    $V2 = VPOPMAIL_VA_DOMAIN_NAME_CONFLICT;
    $cases[] = ['vpopmail_add_domain', [$d, '', -1, -1], $V2];
    $cases[] = ['vpopmail_add_domain_ex', [$d, 'pw12345'], $V2];
    $cases[] = ['vpopmail_add_alias_domain', ['other.test', $d], $V2];
    $cases[] = ['vpopmail_add_alias_domain_ex', [$d, 'example.com'], $V2];
}
foreach (['mail.hostile.test', 'local2.hostile.test'] as $d) {
    $cases[] = ['vpopmail_add_domain', [$d, '', -1, -1], VPOPMAIL_VA_HOST_DOMAIN];
    $cases[] = ['vpopmail_add_domain_ex', [$d, 'pw12345'], VPOPMAIL_VA_HOST_DOMAIN];
    $cases[] = ['vpopmail_add_alias_domain', ['example.com', $d], VPOPMAIL_VA_HOST_DOMAIN];
    $cases[] = ['vpopmail_add_alias_domain_ex', ['example.com', $d], VPOPMAIL_VA_HOST_DOMAIN];
}
/* ---- issue 12 class 2: end ---- */
/* Catch-alls (the .qmail-default line runs through sh): add_domain_ex's
 * $bounce and set_catchall share one whitelist and answer alike. */
$i = 0;
foreach (vp_h_bad_catchalls($root, "$root/vpopmail/domains/other.test", "$root/evil@dir") as [$v, $code]) {
    $cases[] = ['vpopmail_set_catchall', ['example.com', $v], $code];
    $cases[] = ['vpopmail_set_catchall', ['alias.example', $v], $code];
    $cases[] = ['vpopmail_add_domain_ex', ['new' . $i++ . '.test', 'pw12345', '1M', $v], $code];
}

$bad = vp_h_run_rejections($root, $cases);
$n = count($cases);
echo $bad ? "$bad of $n cases failed\n" : "$n cases, all rejected as expected\n";
var_dump($n >= 300, scandir("$root/outside") === ['.', '..']);
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-090'));
?>
--EXPECTF--
bool(true)
bool(true)
%d cases, all rejected as expected
bool(true)
bool(true)
