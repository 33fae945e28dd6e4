--TEST--
domain limits applied as vadduser does: default quota and message count of new mailboxes (add_user, batch, add_domain_ex), from the domain file or vlimits.default; the domain's disabled services in every service-aware auth
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-231/vpopmail
vpopmail.qmail_dir={TMP}/vp-231/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.auth_logging=0
--FILE--
<?php
require __DIR__ . '/limits.inc';
$dir = vp_l_domain('vp-231');
$root = vp_root('vp-231');
$D = 'example.com';
$md = fn ($u) => @file_get_contents("$dir/$u/Maildir/maildirsize");

/* no limits anywhere: NOQUOTA, no maildirsize */
vpopmail_add_user('ann', $D, 'pw1');
echo 'ann ', vp_l_quota($dir, 'ann'), ' ', var_export($md('ann'), true), "\n";

/* vlimits.default for every domain without its own file */
vp_l_etc($root, 'vlimits.default', "default_quota: 5000000\n");
vpopmail_add_user('ben', $D, 'pw1');
echo 'ben ', vp_l_quota($dir, 'ben'), ' ', json_encode($md('ben')), "\n";

/* the domain's file wins; both parts */
vpopmail_set_domain_limits($D, ['default_quota' => 1048576, 'default_maxmsgcount' => 100]);
vpopmail_add_user('cid', $D, 'pw1');
echo 'cid ', vp_l_quota($dir, 'cid'), ' ', json_encode($md('cid')), "\n";
/* a message count alone */
vpopmail_set_domain_limits($D, ['default_quota' => 0, 'default_maxmsgcount' => 50]);
vpopmail_add_user('dan', $D, 'pw1');
echo 'dan ', vp_l_quota($dir, 'dan'), ' ', json_encode($md('dan')), "\n";

/* a batch: the default for adds without a quota, its own quota otherwise */
vpopmail_set_domain_limits($D, ['default_quota' => 2097152, 'default_maxmsgcount' => 0]);
var_dump(vpopmail_batch($D, [['add', 'eve', 'pw1'], ['add', 'fay', 'pw1', '', false, '7M'],
    ['op' => 'add', 'user' => 'gus', 'password' => 'pw1', 'quota' => null]]));
foreach (['eve', 'fay', 'gus'] as $u) {
    echo "$u ", vp_l_quota($dir, $u), ' ', json_encode($md($u)), "\n";
}
/* the same through an alias domain */
vpopmail_add_alias_domain($D, 'alias.example');
vpopmail_add_user('hal', 'alias.example', 'pw1');
echo 'hal ', vp_l_quota($dir, 'hal'), "\n";

/* a new domain's postmaster gets vlimits.default's quota, as vadddomain's vadduser does;
 * an explicit quota wins */
vp_l_etc($root, 'vlimits.default', "default_quota: 3145728\ndefault_maxmsgcount: 300\n");
vpopmail_add_domain_ex('second.test', 'Secret123');
vpopmail_add_domain_ex('third.test', 'Secret123', '10M');
echo 'second.test postmaster ', vp_l_quota("$root/vpopmail/domains/second.test", 'postmaster'), "\n";
echo 'third.test postmaster ', vp_l_quota("$root/vpopmail/domains/third.test", 'postmaster'), "\n";

/* Disabled services: the domain's flag words in every service-aware auth, after the password;
 * V_OVERRIDE on the user ignores them. */
$words = ['pop' => 'disable_pop', 'imap' => 'disable_imap', 'smtp' => 'disable_smtp', 'webmail' => 'disable_webmail'];
foreach ($words as $svc => $word) {
    vpopmail_set_domain_limits($D, array_merge(array_fill_keys(array_values($words), false), [$word => true]));
    $row = [];
    foreach (array_keys($words) as $s) {
        $ok = vpopmail_auth_user('ann', $D, 'pw1', null, $s);
        $row[] = "$s:" . ($ok ? 'ok' : vpopmail_errno());
    }
    $wrong = vpopmail_auth_user('ann', $D, 'bad', null, $svc) ? 'ok' : vpopmail_errno();
    $any = vpopmail_auth_user('ann', $D, 'pw1') ? 'ok' : vpopmail_errno();
    echo "$word: ", implode(' ', $row), " | wrong password $wrong | no service $any\n";
}
vpopmail_set_user_flags('ann', $D, VPOPMAIL_V_OVERRIDE);
echo 'V_OVERRIDE: ', vpopmail_auth_user('ann', $D, 'pw1', null, 'webmail') ? 'ok' : vpopmail_errno(), "\n";
/* the user's own flag still applies */
vpopmail_set_user_flags('ann', $D, VPOPMAIL_NO_IMAP);
echo 'own NO_IMAP: ', vpopmail_auth_user('ann', $D, 'pw1', null, 'imap') ? 'ok' : vpopmail_errno(), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-231'));
?>
--EXPECT--
ann NOQUOTA false
ben 5000000S "5000000S\n0 0\n"
cid 1048576S,100C "1048576S,100C\n0 0\n"
dan 50C "50C\n0 0\n"
bool(true)
eve 2097152S "2097152S\n0 0\n"
fay 7340032S "7340032S\n0 0\n"
gus 2097152S "2097152S\n0 0\n"
hal 2097152S
second.test postmaster 3145728S,300C
third.test postmaster 10485760S
disable_pop: pop:-112 imap:ok smtp:ok webmail:ok | wrong password -111 | no service ok
disable_imap: pop:ok imap:-112 smtp:ok webmail:ok | wrong password -111 | no service ok
disable_smtp: pop:ok imap:ok smtp:-112 webmail:ok | wrong password -111 | no service ok
disable_webmail: pop:ok imap:ok smtp:ok webmail:-112 | wrong password -111 | no service ok
V_OVERRIDE: ok
own NO_IMAP: -112
