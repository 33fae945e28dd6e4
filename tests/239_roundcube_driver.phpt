--TEST--
Roundcube: Debian's real password plugin (roundcube-plugins) saves through contrib/roundcube/vpopmail_ext.php: success, policy (check_strength and save), wrong current password, disabled changes, rules shown
--EXTENSIONS--
vpopmail
session
--SKIPIF--
<?php
require __DIR__ . '/roundcube.inc';
if (vp_rc_plugin_dir(true) === null) {
    die('skip Debian roundcube-plugins cannot be fetched (scripts/roundcube.sh: apt-get download)');
}
?>
--INI--
vpopmail.directory={TMP}/vp-239/vpopmail
vpopmail.qmail_dir={TMP}/vp-239/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/limits.inc';
require __DIR__ . '/roundcube.inc';
$dir = vp_l_domain('vp-239');
$root = vp_root('vp-239');
vpopmail_add_user('alice', 'example.com', 'old-passw0rd');
vp_rc_install(vp_rc_plugin_dir(), "$root/rc/plugins/password");
require "$root/rc/plugins/password/password.php";

$rc = rcmail::get_instance();
$rc->config->v = [
    'password_driver' => 'vpopmail_ext',
    'password_confirm_current' => true,
    'password_minimum_length' => 8,
    'password_minimum_score' => 0,
    'password_vpopmail_ext_domain' => 'example.com',
];
$plugin = new password(null);
$plugin->home = "$root/rc/plugins/password";
$plugin->init();

/* one form submission, as Roundcube's settings page posts it */
function submit(password $plugin, string $login, string $session_pw, string $cur, string $new, ?string $conf = null): void
{
    $rc = rcmail::get_instance();
    $rc->username = $login;
    $rc->output->messages = [];
    rcube::$errors = [];
    $_SESSION['password'] = $session_pw;
    $_POST = ['_curpasswd' => $cur, '_newpasswd' => $new, '_confpasswd' => $conf ?? $new];
    $plugin->password_save();
    echo '  ', implode(' | ', $rc->output->messages), rcube::$errors ? ' [log: ' . implode('; ', rcube::$errors) . ']' : '', "\n";
}

echo "success:\n";
submit($plugin, 'alice@example.com', 'old-passw0rd', 'old-passw0rd', 'new-passw0rd');
var_dump(vpopmail_auth_user('alice', 'example.com', 'new-passw0rd'), $_SESSION['password'], $rc->plugins->hooks);

echo "the plugin's own checks come first (our driver is not asked):\n";
submit($plugin, 'alice@example.com', 'new-passw0rd', 'typo', 'other-passw0rd');
submit($plugin, 'alice@example.com', 'new-passw0rd', 'new-passw0rd', 'short');

echo "the session's password is stale: vpopmail says the current password is wrong\n";
submit($plugin, 'alice@example.com', 'stale-pw', 'stale-pw', 'third-passw0rd');
echo "a mailbox that is gone: the same answer\n";
submit($plugin, 'gone@example.com', 'whatever', 'whatever', 'third-passw0rd');

echo "the site's password_strength.conf, through save():\n";
vp_l_etc($root, 'password_strength.conf', "Policy = At least ten characters, one of them a digit\nLength >= 10\nNumeric > 0\n");
submit($plugin, 'alice@example.com', 'new-passw0rd', 'new-passw0rd', 'no-digits-here');
echo "... and through check_strength() once password_minimum_score is set:\n";
$rc->config->v['password_minimum_score'] = 2;
submit($plugin, 'alice@example.com', 'new-passw0rd', 'new-passw0rd', 'no-digits-here');
submit($plugin, 'alice@example.com', 'new-passw0rd', 'new-passw0rd', 'ten-chars-1');
var_dump(vpopmail_auth_user('alice', 'example.com', 'ten-chars-1'));
/* the rules the form lists under the fields */
var_dump((fn () => $this->_strength_rules())->call($plugin));

echo "changes disabled for the domain:\n";
vpopmail_set_domain_limits('example.com', ['disable_password_changing' => true]);
submit($plugin, 'alice@example.com', 'ten-chars-1', 'ten-chars-1', 'eleven-chars-2');
vpopmail_set_domain_limits('example.com', ['disable_password_changing' => false]);

echo "a login without the domain uses password_vpopmail_ext_domain:\n";
submit($plugin, 'alice', 'ten-chars-1', 'ten-chars-1', 'eleven-chars-2');
var_dump(vpopmail_auth_user('alice', 'example.com', 'eleven-chars-2'));
echo "a broken policy file: weak by check_strength, logged by save\n";
vp_l_etc($root, 'password_strength.conf', "Length >= ten\n");
submit($plugin, 'alice@example.com', 'eleven-chars-2', 'eleven-chars-2', 'twelve-chars-3');
$rc->config->v['password_minimum_score'] = 0;
submit($plugin, 'alice@example.com', 'eleven-chars-2', 'eleven-chars-2', 'twelve-chars-3');
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-239'));
?>
--EXPECTF--
success:
  confirmation: successfullysaved
bool(true)
string(12) "new-passw0rd"
array(1) {
  [0]=>
  string(15) "password_change"
}
the plugin's own checks come first (our driver is not asked):
  error: Current password incorrect.
  error: Password must be at least 8 characters long.
the session's password is stale: vpopmail says the current password is wrong
  error: Could not save new password. current password incorrect
a mailbox that is gone: the same answer
  error: Could not save new password. current password incorrect
the site's password_strength.conf, through save():
  error: Password constraint violation. Password probably too weak. password requires more numbers
... and through check_strength() once password_minimum_score is set:
  error: Password too weak. password requires more numbers
  confirmation: successfullysaved
bool(true)
array(1) {
  [0]=>
  string(44) "At least ten characters, one of them a digit"
}
changes disabled for the domain:
  error: Could not save new password. password changes are disabled for this account
a login without the domain uses password_vpopmail_ext_domain:
  confirmation: successfullysaved
bool(true)
a broken policy file: weak by check_strength, logged by save
  error: Password too weak. the password policy cannot be read
  error: Could not save new password. [log: Password plugin: vpopmail_change_password for alice@example.com: invalid configuration: %s/password_strength.conf line 1: ten is not a number (-104)]
