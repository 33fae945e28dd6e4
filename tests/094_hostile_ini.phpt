--TEST--
hostile input through the INI (PHP_INI_SYSTEM, so each setting runs in a child PHP): negative, zero, huge or unknown uid/gid, relative directories, directories with bytes sh or users/assign would read (';' ' ' '$' ':' quotes, globs) or '.'/'..'/empty components, unknown schemes refuse every call; clear-text passwords and program aliases under their switches
--EXTENSIONS--
vpopmail
--SKIPIF--
<?php
if (!getenv('TEST_PHP_EXECUTABLE') || getenv('TEST_PHP_EXTRA_ARGS') === false) die('skip needs run-tests.php to start children');
?>
--INI--
vpopmail.directory={TMP}/vp-094/vpopmail
vpopmail.qmail_dir={TMP}/vp-094/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-094');
mkdir("$root/outside", 0755);
$ok = vpopmail_add_domain_ex('example.com', 'Secret123') && vpopmail_add_user('alice', 'example.com', 'alicepw')
    && vpopmail_alias_add('sales', 'example.com', 'alice@example.com');
var_dump($ok);
$D = 'example.com';
$dom = "$root/vpopmail/domains/example.com";
$every = [
    ['vpopmail_add_domain', ['new.test', '', -1, -1]], ['vpopmail_add_domain_ex', ['new.test', 'pw12345']],
    ['vpopmail_del_domain', [$D]], ['vpopmail_del_domain_ex', [$D]], ['vpopmail_add_alias_domain', [$D, 'new.test']],
    ['vpopmail_add_alias_domain_ex', [$D, 'new.test']], ['vpopmail_add_user', ['joe', $D, 'pw12345']],
    ['vpopmail_del_user', ['alice', $D]], ['vpopmail_passwd', ['alice', $D, 'pw12345']],
    ['vpopmail_set_user_quota', ['alice', $D, '1M']], ['vpopmail_auth_user', ['alice', $D, 'alicepw']],
    ['vpopmail_alias_add', ['team', $D, 'alice@example.com']], ['vpopmail_alias_del', ['sales', $D]],
    ['vpopmail_alias_del_domain', [$D]], ['vpopmail_alias_get', ['sales', $D]], ['vpopmail_alias_get_all', [$D]],
];

/* Runs [fn, args, expected] cases in a child with $ini; the tree must not change. */
function in_child(string $root, array $ini, array $cases): int
{
    $file = tempnam(sys_get_temp_dir(), 'vp-094-cases');
    file_put_contents($file, serialize($cases));
    $code = 'require ' . var_export(__DIR__ . '/hostile.inc', true) . ";\n"
        . '$cases = unserialize(file_get_contents(' . var_export($file, true) . "));\n"
        . '$ini = ' . var_export($ini, true) . ";\n"
        . 'foreach ($ini as $k => $v) { if (ini_get($k) !== (string)$v) echo "setting $k did not arrive: ", json_encode(ini_get($k)), "\n"; }'
        . '$bad = 0; foreach ($cases as $i => [$fn, $args, $expect]) {'
        . ' [$got, $w] = vp_h_call($fn, $args); $why = vp_h_check($fn, $got, $w, $expect);'
        . ' if ($why !== null) { $bad++; echo "case $i ", vp_h_label($fn, $args), ": $why\n"; } }'
        . ' echo "bad=$bad\n";';
    $before = vp_h_snapshot($root);
    $out = vp_u_child($code, $ini);
    unlink($file);
    $bad = 0;
    if (!preg_match('/^bad=(\d+)$/m', $out, $m)) {
        echo json_encode($ini), ": no result from the child: $out\n";
        return count($cases);
    }
    if ($m[1] !== '0' || str_contains($out, 'did not arrive')) {
        echo json_encode($ini), ":\n", $out;
        $bad += max(1, (int)$m[1]);
    }
    $after = vp_h_snapshot($root);
    if ($after !== $before) {
        echo json_encode($ini), ': tree changed: ', vp_h_diff($before, $after), "\n";
        $bad++;
    }
    return $bad;
}

$n = 0;
$bad = 0;
$base = ['vpopmail.directory' => "$root/vpopmail", 'vpopmail.qmail_dir' => "$root/qmail"];
$settings = [];
foreach (['-1', '0', '-89', '2147483648', '4294967296', '99999999999999999999', 'no-such-user-094', '89x', '0x59', ' 89', 'root'] as $v) {
    $settings[] = ['vpopmail.uid' => $v, 'vpopmail.gid' => '89'];
    $settings[] = ['vpopmail.uid' => '89', 'vpopmail.gid' => $v];
}
foreach (['vpopmail' => 'vpopmail.directory', 'qmail' => 'vpopmail.qmail_dir', '../qmail' => 'vpopmail.qmail_dir'] as $v => $k) {
    $settings[] = [$k => $v];
}
/* Paths that would land unquoted in .qmail-default (sh -c) or split an assign
 * line at ':': refused even though each one exists and holds a usable tree. */
foreach (['vp;id', 'vp x', 'vp$x', 'vp:x', "vp'x", 'vp`id`', 'vp|x', 'vp&x', 'vp*', 'vp?', 'vp[x]', 'vp#x',
          'vp~', "vp	x", 'vp,x', 'vp=x', 'vp@x', "cafÃ©"] as $name) {
    foreach (['', '/domains', '/users', '/control'] as $sub) {
        @mkdir("$root/$name$sub", 0755, true);
    }
    $settings[] = ['vpopmail.directory' => "$root/$name"];
    $settings[] = ['vpopmail.qmail_dir' => "$root/$name"];
}
foreach (["$root/vpopmail/../vpopmail", "$root/./vpopmail", "$root//vpopmail", "$root/vpopmail/.", "$root/vpopmail/.."] as $v) {
    $settings[] = ['vpopmail.directory' => $v];
}
foreach (["$root/qmail/../qmail", "$root/./qmail", "$root//qmail"] as $v) {
    $settings[] = ['vpopmail.qmail_dir' => $v];
}
$settings[] = ['vpopmail.password_scheme' => 'rot13'];
$settings[] = ['vpopmail.password_scheme' => 'des'];
$settings[] = ['vpopmail.qmail_reload' => 'kill -HUP 1'];
$settings[] = ['vpopmail.qmail_reload' => '/var/run/qmail.pid'];
/* Under valgrind (run-tests -m traces the children too, seconds each) a
 * representative subset; the full list runs in the plain and ZTS suites. */
$reduced = getenv('USE_ZEND_ALLOC') === '0';
if ($reduced) {
    $settings = array_values(array_filter($settings, fn ($i) => in_array(array_values($i)[0],
        ['-1', '99999999999999999999', 'root', 'vpopmail', 'rot13', "$root/vp;id", "$root/./qmail"], true)
        || ($i['vpopmail.gid'] ?? '') === '0'));
}
foreach ($settings as $ini) {
    $cases = array_map(fn ($c) => [...$c, VPOPMAIL_VA_BAD_CONFIG], $every);
    $n += count($cases);
    $bad += in_child($root, $ini + $base + ['vpopmail.uid' => '89', 'vpopmail.gid' => '89'], $cases);
}

/* Clear-text passwords land in vpasswd's 8th field: no ':' CR or LF there. */
$cases = [];
foreach (['a:b', ':', "a\nb", "a\rb", "pw\nalice:x:1:0::/tmp:NOQUOTA:x"] as $pw) {
    $cases[] = ['vpopmail_add_user', ['joe', $D, $pw], VPOPMAIL_VA_BAD_CHAR];
    $cases[] = ['vpopmail_passwd', ['alice', $D, $pw], VPOPMAIL_VA_BAD_CHAR];
    $cases[] = ['vpopmail_batch', [$D, [['add', 'joe', $pw]]], VPOPMAIL_VA_BAD_CHAR];
    $cases[] = ['vpopmail_batch', [$D, [['passwd', 'alice', $pw]]], VPOPMAIL_VA_BAD_CHAR];
}
$n += count($cases);
$bad += in_child($root, $base + ['vpopmail.clear_passwords' => '1', 'vpopmail.uid' => '89', 'vpopmail.gid' => '89'], $cases);

/* With program aliases on, lines still stay single, inside the domain and under 160 bytes. */
$cases = [];
foreach (["|/bin/true\n|/bin/sh", "|x\r", '/etc/passwd', "$root/outside/mbox", "$dom/../x/mbox", './../x',
          '|' . str_repeat('x', 159), "|\x01"] as $l) {
    $code = strlen($l) >= 160 ? VPOPMAIL_VA_ALIAS_LINE_TOO_LONG : VPOPMAIL_VA_INVALID_ALIAS_LINE;
    $cases[] = ['vpopmail_alias_add', ['sales', $D, $l], $code];
}
$n += count($cases);
$bad += in_child($root, $base + ['vpopmail.allow_program_aliases' => '1', 'vpopmail.uid' => '89', 'vpopmail.gid' => '89'], $cases);

echo $bad ? "$bad of $n cases failed\n" : "$n cases, all rejected as expected\n";
var_dump($n >= ($reduced ? 100 : 300), scandir("$root/outside") === ['.', '..']);
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-094'));
?>
--EXPECTF--
bool(true)
%d cases, all rejected as expected
bool(true)
bool(true)
