--TEST--
hostile input: alias names and delivery lines of alias_add/alias_del/alias_get/alias_get_all/alias_del_domain (program and mbox lines, paths outside the domain, .qmail-default); nothing written on rejection
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-092/vpopmail
vpopmail.qmail_dir={TMP}/vp-092/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
$root = vp_sandbox('vp-092');
mkdir("$root/outside", 0755);
$ok = vpopmail_add_domain_ex('example.com', 'Secret123') && vpopmail_add_alias_domain('example.com', 'alias.example')
    && vpopmail_add_domain_ex('other.test', 'Secret123')
    && vpopmail_add_user('alice', 'example.com', 'alicepw') && vpopmail_alias_add('sales', 'example.com', 'alice@example.com')
    && vpopmail_alias_add('team.lead', 'example.com', 'alice@example.com') && vpopmail_alias_add('gone', 'example.com', 'x@y.example')
    && vpopmail_alias_del('gone', 'example.com');
var_dump($ok);
$V = fn ($c) => constant("VPOPMAIL_VA_$c");
$D = 'example.com';
$dom = "$root/vpopmail/domains/example.com";

/* Names: the user-name rules minus '/', and never the catch-all or a qmail wildcard. */
$names = array_merge(vp_h_bad_strings(), ['default', 'DEFAULT', 'Default', 'x-default', 'sales-default', '-default',
    '.qmail-default', 'qmail-default', '.qmail-sales', 'a@b', 'a%b', 'a"b', 'a,b', 'a(b)', 'a<b>', 'a\\b', 'a;b',
    '$(id)', "\xc0\xaf", '%2f', "\u{202e}ab", 'a:default']);
$cases = [];
foreach ($names as $a) {
    $code = $V('INVALID_ALIAS_NAME');
    $get = in_array(strtolower($a), ['x-default', 'sales-default', 'qmail-default'], true) ? null : $code;
    $cases[] = ['vpopmail_alias_add', [$a, $D, 'alice@example.com'], $code];
    $cases[] = ['vpopmail_alias_del', [$a, $D], $code];
    $cases[] = ['vpopmail_alias_add', [$a, 'alias.example', 'alice@example.com'], $code];
    if ($get !== null) { /* reading a wildcard is allowed */
        $cases[] = ['vpopmail_alias_get', [$a, $D], $get];
    }
}
foreach ([str_repeat('a', 65), str_repeat('b', 200)] as $a) {
    $cases[] = ['vpopmail_alias_add', [$a, $D, 'alice@example.com'], $V('USER_NAME_TOO_LONG')];
    $cases[] = ['vpopmail_alias_del', [$a, $D], $V('USER_NAME_TOO_LONG')];
    $cases[] = ['vpopmail_alias_get', [$a, $D], $V('USER_NAME_TOO_LONG')];
}
foreach (['nobody', 'gone', 'alice', 'postmaster', 'team:lead'] as $a) {
    $cases[] = ['vpopmail_alias_del', [$a, $D], $a === 'team:lead' ? $V('INVALID_ALIAS_NAME') : $V('ALIAS_DOES_NOT_EXIST')];
}

/* Delivery lines. */
$lines = [
    /* programs, and mbox files (as powerful: they append to any file the domain owns) */
    ['|/bin/sh -c id', 'PROGRAM_ALIAS_DENIED'], ['|', 'PROGRAM_ALIAS_DENIED'], ['| true', 'PROGRAM_ALIAS_DENIED'],
    ["|$root/vpopmail/bin/vdelivermail '' delete", 'PROGRAM_ALIAS_DENIED'], ['|rm -rf /', 'PROGRAM_ALIAS_DENIED'],
    ["$dom/alice/mbox", 'PROGRAM_ALIAS_DENIED'], ["$dom/vpasswd", 'PROGRAM_ALIAS_DENIED'],
    ["$dom/.qmail-default", 'PROGRAM_ALIAS_DENIED'], ['./vpasswd', 'PROGRAM_ALIAS_DENIED'],
    ['./alice/mbox', 'PROGRAM_ALIAS_DENIED'], ['/etc/passwd', 'PROGRAM_ALIAS_DENIED'],
    /* Maildirs outside the domain, or through '..' */
    ['/etc/', 'INVALID_ALIAS_LINE'], ['/tmp/Maildir/', 'INVALID_ALIAS_LINE'], ["$root/outside/Maildir/", 'INVALID_ALIAS_LINE'],
    ["$root/vpopmail/domains/other.test/postmaster/Maildir/", 'INVALID_ALIAS_LINE'], ["{$dom}x/Maildir/", 'INVALID_ALIAS_LINE'],
    ["$dom/../other.test/postmaster/Maildir/", 'INVALID_ALIAS_LINE'], ['./../other.test/postmaster/Maildir/', 'INVALID_ALIAS_LINE'],
    ['./alice/../../x/', 'INVALID_ALIAS_LINE'], ["$dom/alice/Maildir/../../../../outside/", 'INVALID_ALIAS_LINE'],
    ['../outside/', 'INVALID_ALIAS_LINE'], ['/', 'INVALID_ALIAS_LINE'],
    /* injection and bytes */
    ["alice@example.com\n|/bin/sh", 'INVALID_ALIAS_LINE'], ["alice@example.com\r", 'INVALID_ALIAS_LINE'],
    ["\n", 'INVALID_ALIAS_LINE'], ["alice@example.com\t", 'INVALID_ALIAS_LINE'], ["ali\x01ce@example.com", 'INVALID_ALIAS_LINE'],
    ["alice@ex\x7fample.com", 'INVALID_ALIAS_LINE'], ["al\xc3\xafce@example.com", 'INVALID_ALIAS_LINE'],
    ["alice@b\xc3\xbccher.example", 'INVALID_ALIAS_LINE'], ['', 'INVALID_ALIAS_LINE'], [' ', 'INVALID_ALIAS_LINE'],
    [' alice@example.com', 'INVALID_ALIAS_LINE'], ['alice@example.com ', 'INVALID_ALIAS_LINE'],
    ['#comment', 'INVALID_ALIAS_LINE'], ['+list', 'INVALID_ALIAS_LINE'], ['&', 'INVALID_ALIAS_LINE'],
    ['alice', 'INVALID_ALIAS_LINE'], ['@example.com', 'INVALID_ALIAS_LINE'], ['alice@', 'INVALID_ALIAS_LINE'],
    ['alice@@example.com', 'INVALID_ALIAS_LINE'], ['a b@example.com', 'INVALID_ALIAS_LINE'],
    ['<alice@example.com>', 'INVALID_ALIAS_LINE'], ['alice@example.com,bob@example.com', 'INVALID_ALIAS_LINE'],
    ['"a"@example.com', 'INVALID_ALIAS_LINE'], ['alice@[127.0.0.1]', 'INVALID_ALIAS_LINE'],
    ['alice@example.com;id', 'INVALID_ALIAS_LINE'], ['&|/bin/sh', 'INVALID_ALIAS_LINE'], ['&/etc/passwd', 'INVALID_ALIAS_LINE'],
    ['alice@example.com:x', 'INVALID_ALIAS_LINE'],
    /* the 159-byte limit (vpopmail's 160-byte buffer) */
    [str_repeat('a', 148) . '@example.com', 'ALIAS_LINE_TOO_LONG'], [str_repeat('a', 500) . '@example.com', 'ALIAS_LINE_TOO_LONG'],
    ['|' . str_repeat('x', 200), 'ALIAS_LINE_TOO_LONG'],
    /* an exact duplicate */
    ['alice@example.com', 'ALIAS_LINE_EXISTS'],
];
foreach ($lines as [$l, $c]) {
    $cases[] = ['vpopmail_alias_add', ['sales', $D, $l], $V($c)];
    if ($c !== 'ALIAS_LINE_EXISTS') {
        $cases[] = ['vpopmail_alias_add', ['new', 'alias.example', $l], $V($c)];
    }
}
/* NUL bytes and wrong types. */
$sig = [
    'vpopmail_alias_add' => ['sales', $D, 'bob@example.com'],
    'vpopmail_alias_del' => ['sales', $D],
    'vpopmail_alias_get' => ['sales', $D],
    'vpopmail_alias_get_all' => [$D],
    'vpopmail_alias_del_domain' => [$D],
];
foreach ($sig as $fn => $args) {
    foreach (array_keys($args) as $i) {
        $a = $args;
        $a[$i] = "sales\0|/bin/sh";
        $cases[] = [$fn, $a, 'ValueError'];
        $a[$i] = ['x'];
        $cases[] = [$fn, $a, 'TypeError'];
    }
    $cases[] = [$fn, [], 'ArgumentCountError'];
}

$bad = vp_h_run_rejections($root, $cases);
$n = count($cases);
echo $bad ? "$bad of $n cases failed\n" : "$n cases, all rejected as expected\n";
var_dump($n >= 300, scandir("$root/outside") === ['.', '..']);
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-092'));
?>
--EXPECTF--
bool(true)
%d cases, all rejected as expected
bool(true)
bool(true)
