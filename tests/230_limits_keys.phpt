--TEST--
domain limits: every .qmailadmin-limits key round trips through the file; files in vmoddomlimits' format read as the real tool showed them; vlimits.default; delete
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-230/vpopmail
vpopmail.qmail_dir={TMP}/vp-230/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/limits.inc';
$dir = vp_l_domain('vp-230');
$root = vp_root('vp-230');
$file = "$dir/.qmailadmin-limits";
$D = 'example.com';

$l = vpopmail_get_domain_limits($D);
echo "no file: source {$l['source']}, maxpopaccounts {$l['maxpopaccounts']}, quota {$l['quota']}, ",
    count($l), " keys\n";

/* Every key, one call each: the value comes back, and it is in the file on its own line. */
$values = [
    'maxpopaccounts' => 10, 'maxaliases' => 0, 'maxforwards' => 7, 'maxautoresponders' => 2147483647,
    'maxmailinglists' => 3, 'quota' => 500, 'maxmsgcount' => 10000, 'default_quota' => 52428800,
    'default_maxmsgcount' => 1000,
    'disable_pop' => true, 'disable_imap' => true, 'disable_dialup' => true,
    'disable_password_changing' => true, 'disable_webmail' => true, 'disable_external_relay' => true,
    'disable_smtp' => true, 'disable_spamassassin' => true, 'delete_spam' => true, 'disable_maildrop' => true,
    'perm_account' => VPOPMAIL_PERM_DENY_CREATE, 'perm_alias' => VPOPMAIL_PERM_DENY_MODIFY,
    'perm_forward' => VPOPMAIL_PERM_DENY_DELETE, 'perm_autoresponder' => 3, 'perm_maillist' => 5,
    'perm_maillist_users' => 6, 'perm_maillist_moderators' => 7, 'perm_quota' => 1, 'perm_defaultquota' => 2,
];
$bad = [];
foreach ($values as $k => $v) {
    $before = vpopmail_get_domain_limits($D);
    if (!vpopmail_set_domain_limits($D, [$k => $v])) {
        $bad[] = "$k: set failed";
        continue;
    }
    $after = vpopmail_get_domain_limits($D);
    if ($after[$k] !== $v) {
        $bad[] = "$k: read back " . var_export($after[$k], true);
    }
    unset($before[$k], $after[$k], $before['source'], $after['source']);
    if ($before !== $after) {
        $bad[] = "$k: other keys changed";
    }
    $text = file_get_contents($file);
    $line = is_bool($v) ? "\n$k\n" : "\n$k: $v\n";
    if (!str_starts_with($k, 'perm_maillist') && !str_contains("\n$text", $line)) {
        $bad[] = "$k: no line " . json_encode($line);
    }
}
echo $bad ? implode("\n", $bad) . "\n" : count($values) . " keys round trip\n";
/* the whole file, in the writer's order; the maillist groups packed as vpopmail's reader unpacks them */
echo file_get_contents($file);
printf("mode %o\n", fileperms($file) & 0777);

/* Turning flags off again, and a get -> change -> set round trip ('source' is ignored). */
$l = vpopmail_get_domain_limits($D);
$l['disable_imap'] = false;
$l['delete_spam'] = false;
$l['maxaliases'] = -1;
var_dump(vpopmail_set_domain_limits($D, $l));
echo trim(implode(' ', array_filter(explode("\n", file_get_contents($file)), fn ($x) => !str_contains($x, ':')))), "\n";
var_dump(vpopmail_get_domain_limits($D) == $l);

/* What the real vmoddomlimits -P 10 -A 5 -q 10M wrote (its writer's text, with the values it stored in
 * the limits table) reads back as vmoddomlimits -S showed it. */
$fx = VP_FIXTURES . '/vpopmail-5.6-mysql/sql-logging-mysql-limits/extra-logging-limits';
echo trim(file_get_contents("$fx/03-moddomlimits-set/_meta/command.txt")), "\n";
[$head, $row] = explode("\n", trim(file_get_contents("$fx/03-moddomlimits-set/sql/limits.tsv")));
$col = array_combine(explode("\t", $head), explode("\t", $row));
$vmod = "maxpopaccounts: {$col['maxpopaccounts']}\nmaxaliases: {$col['maxaliases']}\nmaxforwards: {$col['maxforwards']}\n"
    . "maxautoresponders: {$col['maxautoresponders']}\nmaxmailinglists: {$col['maxmailinglists']}\n"
    . "quota: {$col['diskquota']}\nmaxmsgcount: {$col['maxmsgcount']}\ndefault_quota: {$col['defaultquota']}\n"
    . "default_maxmsgcount: {$col['defaultmaxmsgcount']}\nperm_account: {$col['perm_account']}\n"
    . "perm_alias: {$col['perm_alias']}\nperm_forward: {$col['perm_forward']}\n"
    . "perm_autoresponder: {$col['perm_autoresponder']}\nperm_maillist: {$col['perm_maillist']}\n"
    . "perm_quota: {$col['perm_quota']}\nperm_defaultquota: {$col['perm_defaultquota']}\n";
file_put_contents($file, $vmod);
$l = vpopmail_get_domain_limits($D);
$show = file_get_contents("$fx/04-moddomlimits-show/_meta/stdout.txt");
$want = [
    'maxpopaccounts' => 'Max Pop Accounts', 'maxaliases' => 'Max Aliases', 'maxforwards' => 'Max Forwards',
    'maxautoresponders' => 'Max Autoresponders', 'maxmailinglists' => 'Max Mailinglists',
];
$diff = [];
foreach ($want as $k => $label) {
    preg_match("/^$label: (-?\\d+)$/m", $show, $m);
    if ((string)$l[$k] !== $m[1]) {
        $diff[] = "$k {$l[$k]} vs {$m[1]}";
    }
}
preg_match('/^Domain Quota: (\d+) MB$/m', $show, $m);
$l['quota'] === (int)$m[1] or $diff[] = 'quota';
preg_match('/^Default User Quota: (\d+) bytes$/m', $show, $m);
$l['default_quota'] === (int)$m[1] or $diff[] = 'default_quota';
preg_match('/^Max Domain Messages: (\d+)$/m', $show, $m);
$l['maxmsgcount'] === (int)$m[1] or $diff[] = 'maxmsgcount';
preg_match('/^Default Max Messages per User: (\d+)$/m', $show, $m);
$l['default_maxmsgcount'] === (int)$m[1] or $diff[] = 'default_maxmsgcount';
preg_match('/^Flags \(for commandline\): (.*)$/m', $show, $m);
$flags = array_keys(array_filter($l, fn ($v, $k) => $v === true, ARRAY_FILTER_USE_BOTH));
if (trim($m[1]) !== '' || $flags) {
    $diff[] = 'flags';
}
/* "ALLOW_CREATE ALLOW_MODIFY ALLOW_DELETE" for every group: no deny bit anywhere */
preg_match_all('/^  [a-z ]+: +(.*)$/m', $show, $m);
foreach (['perm_account', 'perm_alias', 'perm_forward', 'perm_autoresponder', 'perm_maillist',
          'perm_maillist_users', 'perm_maillist_moderators', 'perm_quota', 'perm_defaultquota'] as $i => $k) {
    $deny = ($l[$k] & 1 ? 'DENY_CREATE' : 'ALLOW_CREATE') . ' ' . ($l[$k] & 2 ? 'DENY_MODIFY' : 'ALLOW_MODIFY')
        . ' ' . ($l[$k] & 4 ? 'DENY_DELETE' : 'ALLOW_DELETE');
    preg_replace('/ +/', ' ', trim($m[1][$i])) === $deny or $diff[] = $k;
}
echo 'vmoddomlimits -S: ', $diff ? implode(', ', $diff) : 'same values', "\n";
/* and we write those values back byte for byte */
file_put_contents($file, '');
var_dump(vpopmail_set_domain_limits($D, $l), file_get_contents($file) === $vmod);

/* vmoddomlimits' writer puts the maillist users/moderators groups into perm_quota */
file_put_contents($file, "perm_maillist: 1\nperm_quota: " . (4 | 2 << 3 | 5 << 6) . "\n");
$l = vpopmail_get_domain_limits($D);
echo "maillist {$l['perm_maillist']} users {$l['perm_maillist_users']} moderators {$l['perm_maillist_moderators']} quota {$l['perm_quota']}\n";

/* the reader's syntax: ':' and blanks, CRLF, comments, leading digits, last line wins */
file_put_contents($file, "# hand made\r\nmaxpopaccounts\t25\r\nmaxaliases::3\nquota 250MB\nmaxforwards 1\nmaxforwards 2\n"
    . "disable_smtp: 0\nbogus_key: 9\nmaxmailinglists\n");
$l = vpopmail_get_domain_limits($D);
echo "{$l['maxpopaccounts']} {$l['maxaliases']} {$l['quota']} {$l['maxforwards']} {$l['maxmailinglists']} ",
    var_export($l['disable_smtp'], true), "\n";

/* vlimits.default applies to a domain without a file; set starts from it; delete goes back to it */
vp_l_etc($root, 'vlimits.default', "maxpopaccounts: 50\ndisable_webmail\ndefault_quota: 1048576\n");
var_dump(vpopmail_del_domain_limits($D), file_exists($file));
$l = vpopmail_get_domain_limits($D);
echo "source {$l['source']}, maxpopaccounts {$l['maxpopaccounts']}, disable_webmail ", var_export($l['disable_webmail'], true), "\n";
var_dump(vpopmail_set_domain_limits($D, ['maxaliases' => 4]));
$l = vpopmail_get_domain_limits($D);
echo "source {$l['source']}, maxpopaccounts {$l['maxpopaccounts']}, maxaliases {$l['maxaliases']}, default_quota {$l['default_quota']}\n";
var_dump(vpopmail_del_domain_limits($D), vpopmail_del_domain_limits($D));
echo vpopmail_get_domain_limits($D)['source'], "\n";
/* an alias domain has its real domain's limits */
vpopmail_add_alias_domain($D, 'alias.example');
vpopmail_set_domain_limits('ALIAS.example', ['maxforwards' => 9]);
echo vpopmail_get_domain_limits($D)['maxforwards'], ' ', file_exists($file) ? 'in the real dir' : 'missing', "\n";
/* unknown domain: false and a warning */
var_dump(vpopmail_get_domain_limits('nowhere.test'), vpopmail_errno() === VPOPMAIL_VA_DOMAIN_DOES_NOT_EXIST);
var_dump(vpopmail_set_domain_limits('nowhere.test', []), vpopmail_del_domain_limits('nowhere.test'));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-230'));
?>
--EXPECTF--
no file: source builtin, maxpopaccounts -1, quota 0, 29 keys
28 keys round trip
maxpopaccounts: 10
maxaliases: 0
maxforwards: 7
maxautoresponders: 2147483647
maxmailinglists: 3
quota: 500
maxmsgcount: 10000
default_quota: 52428800
default_maxmsgcount: 1000
disable_pop
disable_imap
disable_dialup
disable_password_changing
disable_webmail
disable_external_relay
disable_smtp
disable_spamassassin
delete_spam
disable_maildrop
perm_account: 1
perm_alias: 2
perm_forward: 4
perm_autoresponder: 3
perm_maillist: 501
perm_quota: 1
perm_defaultquota: 2
mode 600
bool(true)
disable_pop disable_dialup disable_password_changing disable_webmail disable_external_relay disable_smtp disable_spamassassin disable_maildrop
bool(true)
vmoddomlimits -P 10 -A 5 -q 10M example.com
vmoddomlimits -S: same values
bool(true)
bool(true)
maillist 1 users 2 moderators 5 quota 4
25 3 250 2 -1 true
bool(true)
bool(false)
source default, maxpopaccounts 50, disable_webmail true
bool(true)
source domain, maxpopaccounts 50, maxaliases 4, default_quota 1048576
bool(true)
bool(true)
default
9 in the real dir

Warning: vpopmail_get_domain_limits(): Domain does not exist: nowhere.test in %s on line %d
bool(false)
bool(true)

Warning: vpopmail_set_domain_limits(): Domain does not exist: nowhere.test in %s on line %d

Warning: vpopmail_del_domain_limits(): Domain does not exist: nowhere.test in %s on line %d
bool(false)
bool(false)
