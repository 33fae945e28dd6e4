--TEST--
security (issue 12, class 2): the host's own names (control/me, control/locals, as qmail reads them) are refused as domains and aliases, nothing written; vpopmail.allow_host_domains=1 (PHP_INI_SYSTEM, in phpinfo) keeps vadddomain's way, out of locals
--EXTENSIONS--
vpopmail
--SKIPIF--
<?php
if (!getenv('TEST_PHP_EXECUTABLE') || getenv('TEST_PHP_EXTRA_ARGS') === false) die('skip needs run-tests.php to start children');
?>
--INI--
vpopmail.directory={TMP}/vp-121/vpopmail
vpopmail.qmail_dir={TMP}/vp-121/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-121');
var_dump(vpopmail_add_domain_ex('tenant.test', 'Secret123'));
file_put_contents("$root/qmail/control/me", "Mail.Host.Test\n");
$locals = "# this host\n\nlocalhost\nmail.host.test\nOther.Host.Test  \n#old.host.test\n";
file_put_contents("$root/qmail/control/locals", $locals);

$H = VPOPMAIL_VA_HOST_DOMAIN;
$cases = [];
foreach (['mail.host.test', 'MAIL.Host.test', 'other.host.test'] as $h) {
    $cases[] = ['vpopmail_add_domain', [$h, '', -1, -1], $H];
    $cases[] = ['vpopmail_add_domain_ex', [$h, 'pw123456', null, 'postmaster@tenant.test'], $H];
    $cases[] = ['vpopmail_add_alias_domain', ['tenant.test', $h], $H];
    $cases[] = ['vpopmail_add_alias_domain_ex', [$h, 'tenant.test'], $H];
}
$bad = vp_h_run_rejections($root, $cases);
echo count($cases), " refusals, $bad wrong; nothing changed\n";
vpopmail_add_alias_domain('tenant.test', 'other.host.test');
vpopmail_add_domain('mail.host.test', '', -1, -1);
echo "old.host.test (a comment): ", var_export(vpopmail_add_domain('old.host.test', '', -1, -1), true), "\n";
var_dump(file_get_contents("$root/qmail/control/locals") === $locals);

/* the setting: off by default, only php.ini may turn it on, phpinfo() shows it */
var_dump(ini_get('vpopmail.allow_host_domains'), ini_set('vpopmail.allow_host_domains', '1'));
ob_start();
phpinfo(INFO_MODULES);
preg_match('/^vpopmail\.allow_host_domains => .*$/m', ob_get_clean(), $m);
echo $m[0], "\n";

/* on: the old behaviour; the name leaves locals (qmail would treat it as local otherwise) */
$out = vp_u_child(<<<'PHP'
var_dump(vpopmail_add_domain_ex('mail.host.test', 'Secret123'), vpopmail_add_alias_domain('tenant.test', 'other.host.test'));
ob_start();
phpinfo(INFO_MODULES);
preg_match('/^vpopmail\.allow_host_domains => .*$/m', ob_get_clean(), $m);
echo $m[0], "\n";
/* the '-' rule holds whatever the setting */
var_dump(@vpopmail_add_domain('mail.host.test-root.org', '', -1, -1), vpopmail_errno() === VPOPMAIL_VA_DOMAIN_NAME_CONFLICT);
PHP, ['vpopmail.directory' => "$root/vpopmail", 'vpopmail.qmail_dir' => "$root/qmail", 'vpopmail.uid' => '89',
      'vpopmail.gid' => '89', 'vpopmail.allow_host_domains' => '1']);
echo $out;
echo file_get_contents("$root/qmail/control/locals"), "--\n";
echo file_get_contents("$root/qmail/control/virtualdomains");
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-121'));
?>
--EXPECTF--
bool(true)
12 refusals, 0 wrong; nothing changed

Warning: vpopmail_add_alias_domain(): domain is one of this host's own names: other.host.test is in control/locals in %s on line %d

Warning: vpopmail_add_domain(): domain is one of this host's own names: mail.host.test is in control/me in %s on line %d
old.host.test (a comment): true
bool(true)
string(1) "0"
bool(false)
vpopmail.allow_host_domains => Off => Off
bool(true)
bool(true)
vpopmail.allow_host_domains => On => On
bool(false)
bool(true)
# this host

localhost
#old.host.test
--
mail.host.test:mail.host.test
old.host.test:old.host.test
other.host.test:other.host.test
tenant.test:tenant.test
