--TEST--
domain limits enforced where asked (vpopmail_enforce_limits()): mailboxes, aliases, forwards, autoresponders, mailing lists past their maximum refused with a clear error and nothing written; the domain quota caps mailbox quotas; off by default
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-232/vpopmail
vpopmail.qmail_dir={TMP}/vp-232/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.allow_program_aliases=1
--FILE--
<?php
require __DIR__ . '/limits.inc';
require __DIR__ . '/hostile.inc';
$dir = vp_l_domain('vp-232');
$root = vp_root('vp-232');
$D = 'example.com';
$robot = '|/usr/local/bin/autorespond 10000 5 /x/ROBOT/message /x/ROBOT';
$list = "|/usr/local/bin/ezmlm/ezmlm-reject '/x/list'";

/* Refused: errno, one warning, vpopmail_error() saying which limit; the tree as it was. */
function refused(string $root, callable $fn, ...$args): void
{
    $before = vp_h_snapshot($root);
    $r = vp_l_try($fn, ...$args);
    $after = vp_h_snapshot($root);
    echo $r, $before === $after ? '' : ' TREE CHANGED: ' . vp_h_diff($before, $after), "\n";
}

vpopmail_set_domain_limits($D, ['maxpopaccounts' => 3, 'maxaliases' => 4, 'maxforwards' => 2,
    'maxautoresponders' => 1, 'maxmailinglists' => 1]);

echo "-- off (the default)\n";
var_dump(ini_get('vpopmail.enforce_limits'), vpopmail_enforce_limits());
foreach (['ann', 'ben', 'cid'] as $u) {
    vpopmail_add_user($u, $D, 'pw1') or print("add $u failed\n");
}
echo vpopmail_count_users($D), " mailboxes of at most 3\n";
foreach (['f1', 'f2', 'f3'] as $a) {
    vpopmail_alias_add($a, $D, "$a@remote.test") or print("alias $a failed\n");
}
echo vpopmail_domain_usage($D)['forwards']['count'], " forwards of at most 2\n";
vpopmail_del_user('cid', $D);
vpopmail_alias_del('f3', $D);

echo "-- on\n";
var_dump(vpopmail_enforce_limits(true), vpopmail_enforce_limits(), vpopmail_enforce_limits(null));
refused($root, 'vpopmail_add_user', 'dan', $D, 'pw1');
refused($root, 'vpopmail_batch', $D, [['add', 'dan', 'pw1'], ['add', 'eve', 'pw1']]);
/* a batch that deletes as many as it adds fits */
echo vp_l_try('vpopmail_batch', $D, [['del', 'ben'], ['add', 'dan', 'pw1']]), "\n";
refused($root, 'vpopmail_alias_add', 'f3', $D, 'x@remote.test');
/* a second line of an existing forward is no new forward */
echo vp_l_try('vpopmail_alias_add', 'f2', $D, 'y@remote.test'), "\n";
echo vp_l_try('vpopmail_alias_add', 'robot', $D, $robot), "\n";
echo vp_l_try('vpopmail_alias_add', 'robot', $D, '&copy@remote.test'), "\n";
refused($root, 'vpopmail_alias_add', 'robot2', $D, $robot);
/* a forward turned into a robot counts as one more robot */
refused($root, 'vpopmail_alias_add', 'f1', $D, $robot);
echo vp_l_try('vpopmail_alias_add', 'list', $D, $list), "\n";
refused($root, 'vpopmail_alias_add', 'more', $D, '|/usr/bin/true');
vpopmail_set_domain_limits($D, ['maxaliases' => -1]);
refused($root, 'vpopmail_alias_add', 'list2', $D, $list);
vpopmail_set_domain_limits($D, ['maxaliases' => 0]);
refused($root, 'vpopmail_alias_add', 'other', $D, '|/usr/bin/true');
$u = vpopmail_domain_usage($D);
foreach (['mailboxes', 'aliases', 'forwards', 'autoresponders', 'mailinglists'] as $k) {
    echo "$k {$u[$k]['count']}/", $u[$k]['max'] ?? 'unlimited', ' ';
}
echo "\n";

echo "-- the domain quota caps mailbox quotas\n";
vpopmail_set_domain_limits($D, ['maxpopaccounts' => -1, 'quota' => 100, 'maxmsgcount' => 5000,
    'default_quota' => 209715200]);
echo vp_l_try('vpopmail_add_user', 'fay', $D, 'pw1'), ' ', vp_l_quota($dir, 'fay'), "\n";
refused($root, 'vpopmail_set_user_quota', 'fay', $D, '200M');
refused($root, 'vpopmail_set_user_quota', 'fay', $D, 'NOQUOTA');
refused($root, 'vpopmail_set_user_quota', 'fay', $D, '10M,6000C');
echo vp_l_try('vpopmail_set_user_quota', 'fay', $D, '100M'), ' ', vp_l_quota($dir, 'fay'), "\n";
echo vp_l_try('vpopmail_set_user_quota', 'fay', $D, '100C'), ' ', vp_l_quota($dir, 'fay'), "\n";
refused($root, 'vpopmail_batch', $D, [['add', 'gus', 'pw1', '', false, '1G']]);
echo vp_l_try('vpopmail_batch', $D, [['add', 'gus', 'pw1', '', false, '20M'], ['add', 'hal', 'pw1']]), ' ',
    vp_l_quota($dir, 'gus'), ' ', vp_l_quota($dir, 'hal'), "\n";
/* the postmaster of a new domain under a capping vlimits.default */
vp_l_etc($root, 'vlimits.default', "quota: 5\n");
echo vp_l_try('vpopmail_add_domain_ex', 'second.test', 'Secret123'), ' ',
    vp_l_quota("$root/vpopmail/domains/second.test", 'postmaster'), "\n";

echo "-- off again\n";
var_dump(vpopmail_enforce_limits(false));
echo vp_l_try('vpopmail_set_user_quota', 'fay', $D, 'NOQUOTA'), ' ',
    vp_l_try('vpopmail_alias_add', 'other', $D, '|/usr/bin/true'), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-232'));
?>
--EXPECT--
-- off (the default)
string(1) "0"
bool(false)
4 mailboxes of at most 3
3 forwards of at most 2
-- on
bool(false)
bool(true)
bool(true)
errno -120 W domain limit reached: example.com has 3 mailboxes, maxpopaccounts is 3
errno -120 W domain limit reached: example.com has 3 mailboxes, maxpopaccounts is 3
ok
errno -120 W domain limit reached: example.com has 2 forwards, maxforwards is 2
ok
ok
ok
errno -120 W domain limit reached: example.com has 1 autoresponders, maxautoresponders is 1
errno -120 W domain limit reached: example.com has 1 autoresponders, maxautoresponders is 1
ok
errno -120 W domain limit reached: example.com has 4 aliases, maxaliases is 4
errno -120 W domain limit reached: example.com has 1 mailing lists, maxmailinglists is 1
errno -120 W domain limit reached: example.com has 4 aliases, maxaliases is 0
mailboxes 3/3 aliases 4/0 forwards 2/2 autoresponders 1/1 mailinglists 1/1 
-- the domain quota caps mailbox quotas
ok 104857600S,5000C
errno -121 W quota exceeds the domain's quota: 209715200S is more than the domain quota of 100 MB
errno -121 W quota exceeds the domain's quota: NOQUOTA, but the domain quota is 100 MB
errno -121 W quota exceeds the domain's quota: 10485760S,6000C is more than the domain's 5000 messages (maxmsgcount)
ok 104857600S,5000C
ok 104857600S,100C
errno -121 W operation 0 (add gus): quota exceeds the domain's quota: 1073741824S is more than the domain quota of 100 MB
ok 20971520S,5000C 104857600S,5000C
ok 5242880S
-- off again
bool(true)
ok ok
