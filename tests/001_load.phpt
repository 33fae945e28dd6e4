--TEST--
vpopmail: the module loads with every function, constant and INI setting
--EXTENSIONS--
vpopmail
--FILE--
<?php
$fns = ['vpopmail_add_domain', 'vpopmail_add_domain_ex', 'vpopmail_del_domain', 'vpopmail_del_domain_ex',
    'vpopmail_add_alias_domain', 'vpopmail_add_alias_domain_ex', 'vpopmail_add_user', 'vpopmail_del_user',
    'vpopmail_passwd', 'vpopmail_set_user_quota', 'vpopmail_auth_user', 'vpopmail_alias_add',
    'vpopmail_alias_del', 'vpopmail_alias_del_domain', 'vpopmail_alias_get', 'vpopmail_alias_get_all',
    'vpopmail_error', 'vpopmail_errno'];
foreach ($fns as $f) {
    if (!function_exists($f)) echo "missing $f\n";
}
var_dump(phpversion('vpopmail') === '0.2.0');
var_dump(VPOPMAIL_VA_DOMAIN_ALREADY_EXISTS, VPOPMAIL_VA_USER_DOES_NOT_EXIST, VPOPMAIL_NO_POP, VPOPMAIL_QA_ADMIN);
var_dump(ini_get('vpopmail.directory'), ini_get('vpopmail.qmail_dir'), ini_get('vpopmail.password_scheme'));
/* paths are PHP_INI_SYSTEM: a script cannot point the extension elsewhere */
var_dump(ini_set('vpopmail.directory', '/tmp'));
var_dump(vpopmail_errno(), vpopmail_error());
$rf = new ReflectionFunction('vpopmail_add_user');
echo $rf->getParameters()[2]->getName(), ' ', count($rf->getParameters()[2]->getAttributes('SensitiveParameter')), "\n";
echo $rf->getReturnType(), "\n";
ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
var_dump(str_contains($info, 'vpopmail support => enabled'), str_contains($info, 'Password scheme'));
?>
--EXPECT--
bool(true)
int(-13)
int(-10)
int(2)
int(4096)
string(14) "/home/vpopmail"
string(10) "/var/qmail"
string(6) "sha512"
bool(false)
int(0)
string(7) "Success"
password 1
bool
bool(true)
bool(true)
