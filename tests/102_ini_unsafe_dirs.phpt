--TEST--
vpopmail.directory / vpopmail.qmail_dir that sh or users/assign would misread (issue 12, class 9): a start-up warning names the setting, phpinfo() says why nothing works, every call fails with VPOPMAIL_VA_BAD_CONFIG and nothing is written (a home "vp;id>pwned;x" would otherwise give "| .../vp;id>pwned;x/bin/vdelivermail" to sh)
--EXTENSIONS--
vpopmail
--SKIPIF--
<?php
if (!getenv('TEST_PHP_EXECUTABLE') || getenv('TEST_PHP_EXTRA_ARGS') === false) die('skip needs run-tests.php to start children');
?>
--INI--
vpopmail.directory={TMP}/vp-102/vpopmail
vpopmail.qmail_dir={TMP}/vp-102/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-102');
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'));
vp_h_stub_vdelivermail("$root/vpopmail");
/* Homes that exist and hold a usable tree, so only the check stands in the way. */
$evil = ['vpopmail.directory' => "$root/vp;id>pwned;x", 'vpopmail.qmail_dir' => "$root/q:x y"];
foreach ($evil as $dir) {
    foreach (['', '/domains', '/users', '/control', '/bin'] as $sub) {
        mkdir("$dir$sub", 0755, true);
    }
}
$code = <<<'PHP'
ob_start();
phpinfo(INFO_MODULES);
preg_match('/^Configuration error => (.*)$/m', ob_get_clean(), $m);
echo "phpinfo: ", $m[1] ?? 'no configuration error shown', "\n";
set_error_handler(function ($no, $str) { echo "warning: $str\n"; return true; });
foreach ([['vpopmail_add_domain_ex', ['new.test', 'pw12345']], ['vpopmail_add_user', ['joe', 'example.com', 'pw12345']],
          ['vpopmail_set_catchall', ['example.com', 'delete']], ['vpopmail_auth_user', ['postmaster', 'example.com', 'Secret123']],
          ['vpopmail_batch', ['example.com', [['add', 'joe', 'pw12345']]]], ['vpopmail_alias_add', ['sales', 'example.com', 'postmaster@example.com']]] as [$fn, $args]) {
    $r = $fn(...$args);
    echo "$fn: ", var_export($r, true), ' ', vpopmail_errno(), "\n";
}
PHP;
$before = vp_h_snapshot($root);
foreach ($evil as $k => $dir) {
    echo "-- $k\n";
    $out = vp_u_child($code, [$k => $dir, 'vpopmail.uid' => '89', 'vpopmail.gid' => '89']
        + ['vpopmail.directory' => "$root/vpopmail", 'vpopmail.qmail_dir' => "$root/qmail"]);
    /* the start-up warning, once per process, before the script runs */
    $n = preg_match_all('/^(PHP )?Warning:  ?vpopmail: (.*) in Unknown on line 0$/m', $out, $m);
    echo "start-up warning: ", $n >= 1 ? $m[2][0] : 'none', "\n";
    $out = preg_replace('/^(PHP )?Warning:  ?vpopmail: .* in Unknown on line 0\n/m', '', $out);
    echo str_replace($root, 'R', trim($out)), "\n";
}
var_dump(vp_h_snapshot($root) === $before);
/* qmail-local's view: run every delivery program line in the sandbox */
$ran = vp_h_run_pipes($root);
echo str_replace($root, 'R', json_encode($ran, JSON_UNESCAPED_SLASHES)), "\n";
var_dump(vp_h_find($root, 'pwned'));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-102'));
?>
--EXPECTF--
bool(true)
-- vpopmail.directory
start-up warning: invalid configuration: vpopmail.directory: byte 0x3b at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign); every vpopmail_* function will fail
phpinfo: invalid configuration: vpopmail.directory: byte 0x3b at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign) (every vpopmail_* function fails with VPOPMAIL_VA_BAD_CONFIG until this is fixed)
warning: vpopmail_add_domain_ex(): invalid configuration: vpopmail.directory: byte 0x3b at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_add_domain_ex: false -104
warning: vpopmail_add_user(): invalid configuration: vpopmail.directory: byte 0x3b at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_add_user: false -104
warning: vpopmail_set_catchall(): invalid configuration: vpopmail.directory: byte 0x3b at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_set_catchall: false -104
warning: vpopmail_auth_user(): invalid configuration: vpopmail.directory: byte 0x3b at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_auth_user: false -104
warning: vpopmail_batch(): invalid configuration: vpopmail.directory: byte 0x3b at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_batch: false -104
warning: vpopmail_alias_add(): invalid configuration: vpopmail.directory: byte 0x3b at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_alias_add: false -104
-- vpopmail.qmail_dir
start-up warning: invalid configuration: vpopmail.qmail_dir: byte 0x3a at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign); every vpopmail_* function will fail
phpinfo: invalid configuration: vpopmail.qmail_dir: byte 0x3a at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign) (every vpopmail_* function fails with VPOPMAIL_VA_BAD_CONFIG until this is fixed)
warning: vpopmail_add_domain_ex(): invalid configuration: vpopmail.qmail_dir: byte 0x3a at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_add_domain_ex: false -104
warning: vpopmail_add_user(): invalid configuration: vpopmail.qmail_dir: byte 0x3a at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_add_user: false -104
warning: vpopmail_set_catchall(): invalid configuration: vpopmail.qmail_dir: byte 0x3a at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_set_catchall: false -104
warning: vpopmail_auth_user(): invalid configuration: vpopmail.qmail_dir: byte 0x3a at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_auth_user: false -104
warning: vpopmail_batch(): invalid configuration: vpopmail.qmail_dir: byte 0x3a at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_batch: false -104
warning: vpopmail_alias_add(): invalid configuration: vpopmail.qmail_dir: byte 0x3a at offset %d; only A-Z a-z 0-9 / . _ + - are allowed (the path is written unquoted into .qmail-default and users/assign)
vpopmail_alias_add: false -104
bool(true)
{"/vpopmail/domains/example.com/.qmail-default":["2||delete"]}
array(0) {
}
