--TEST--
vpopmail.enforce_limits (system INI, off by default): on for the whole site; vpopmail_enforce_limits() overrides it for one request only; a script cannot ini_set() it
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-233/vpopmail
vpopmail.qmail_dir={TMP}/vp-233/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.enforce_limits=1
--FILE--
<?php
require __DIR__ . '/limits.inc';
$dir = vp_l_domain('vp-233');
$root = vp_root('vp-233');
vpopmail_set_domain_limits('example.com', ['maxpopaccounts' => 1]);
var_dump(ini_get('vpopmail.enforce_limits'), vpopmail_enforce_limits());
echo vp_l_try('vpopmail_add_user', 'ann', 'example.com', 'pw1'), "\n";
var_dump(ini_set('vpopmail.enforce_limits', '0'), ini_get('vpopmail.enforce_limits'));
echo vp_l_try('vpopmail_add_user', 'ann', 'example.com', 'pw1'), "\n";
/* the provider's own pages may go past a tenant's limits */
var_dump(vpopmail_enforce_limits(false));
echo vp_l_try('vpopmail_add_user', 'ann', 'example.com', 'pw1'), "\n";
var_dump(vpopmail_enforce_limits(true));
echo vp_l_try('vpopmail_add_user', 'ben', 'example.com', 'pw1'), "\n";

/* every request starts from the INI setting again */
$code = '
var_dump(vpopmail_enforce_limits());
var_dump(vpopmail_add_user("cid", "example.com", "pw1"));
vpopmail_enforce_limits(false);
';
$ini = ['vpopmail.directory' => "$root/vpopmail", 'vpopmail.qmail_dir' => "$root/qmail",
        'vpopmail.uid' => '89', 'vpopmail.gid' => '89'];
echo vp_u_child($code, $ini + ['vpopmail.enforce_limits' => '1']);
echo vp_u_child($code, $ini + ['vpopmail.enforce_limits' => '0']);
echo vpopmail_count_users('example.com'), " mailboxes\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-233'));
?>
--EXPECTF--
string(1) "1"
bool(true)
errno -120 W domain limit reached: example.com has 1 mailboxes, maxpopaccounts is 1
bool(false)
string(1) "1"
errno -120 W domain limit reached: example.com has 1 mailboxes, maxpopaccounts is 1
bool(true)
ok
bool(false)
errno -120 W domain limit reached: example.com has 2 mailboxes, maxpopaccounts is 1
bool(true)

Warning: vpopmail_add_user(): domain limit reached: example.com has 2 mailboxes, maxpopaccounts is 1 in %s on line %d
bool(false)
bool(false)
bool(true)
3 mailboxes
