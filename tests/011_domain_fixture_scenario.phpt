--TEST--
vpopmail_add_domain_ex()/add_alias_domain_ex()/del_domain(): trees equal what vpopmail 5.6.13 wrote
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-011/vpopmail
vpopmail.qmail_dir={TMP}/vp-011/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/vp.inc';
$root = vp_sandbox('vp-011');
$v = 'vpopmail-5.6';
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'));
vp_same_as($root, $v, '01-adddomain-example.com');
var_dump(vpopmail_add_domain_ex('second.test', 'Second123', '50000000', 'catchall@example.com'));
vp_same_as($root, $v, '02-adddomain-second.test');
var_dump(vpopmail_add_domain_ex('bounce.test', 'Bounce123', null, 'bounce'));
vp_same_as($root, $v, '03-adddomain-bounce.test');
/* the postmasters authenticate with the MANIFEST passwords */
var_dump(vpopmail_auth_user('postmaster', 'example.com', 'Secret123'), vpopmail_auth_user('postmaster', 'second.test', 'Second123'));
var_dump(vpopmail_add_user('alice', 'example.com', 'alicepw'));
var_dump(vpopmail_add_user('bob', 'example.com', 'bobpw', 'Bob Builder'), vpopmail_set_user_quota('bob', 'example.com', '10000000'));
var_dump(vpopmail_add_alias_domain_ex('example.com', 'alias.example'));
vp_same_as($root, $v, '06-aliasdomain-alias.example');
var_dump(vpopmail_auth_user('alice', 'alias.example', 'alicepw'));
/* step 18 and 28 differ from ours only in bob's flags (step 15, vmoduser): compare the qmail side */
var_dump(vpopmail_del_domain('bounce.test'));
vp_same_as($root, $v, '18-deldomain-bounce.test', ['qmail']);
var_dump(is_dir("$root/vpopmail/domains/bounce.test"));
var_dump(vpopmail_del_domain_ex('alias.example'));
vp_same_as($root, $v, '28-deldomain-aliasdomain', ['qmail']);
var_dump(vpopmail_auth_user('alice', 'alias.example', 'alicepw'), vpopmail_errno() === VPOPMAIL_VA_DOMAIN_DOES_NOT_EXIST);
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-011'));
?>
--EXPECT--
bool(true)
01-adddomain-example.com: same
bool(true)
02-adddomain-second.test: same
bool(true)
03-adddomain-bounce.test: same
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
06-aliasdomain-alias.example: same
bool(true)
bool(true)
18-deldomain-bounce.test: same
bool(false)
bool(true)
28-deldomain-aliasdomain: same
bool(false)
bool(true)
