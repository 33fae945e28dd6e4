--TEST--
vpopmail_change_password(): the old password checked as a login is (unknown user and wrong password alike), NO_PASSWD_CHNG and disable_password_changing honoured, the policy applied, the new one written as vpasswd writes it
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-236/vpopmail
vpopmail.qmail_dir={TMP}/vp-236/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
vpopmail.clear_passwords=1
vpopmail.auth_logging=1
--FILE--
<?php
require __DIR__ . '/limits.inc';
$dir = vp_l_domain('vp-236');
$root = vp_root('vp-236');
$D = 'example.com';
vpopmail_add_user('ann', $D, 'oldpw1', 'Ann', true); /* APOP: field 3 is 2 */
vpopmail_set_user_quota('ann', $D, '5M');
$line = fn () => implode(':', vp_u_vpasswd($dir)['ann']);
$try = function (...$a) {
    $r = vp_l_try('vpopmail_change_password', ...$a);
    echo '  ', json_encode(array_slice($a, 0, 3)), ": $r\n";
};

echo "what a stranger can learn: nothing about the mailbox\n";
$before = $line();
$lastauth = @vp_b_read("$dir/ann/lastauth");
$try('ann', $D, 'guess', 'newpw123');
$try('nobody', $D, 'guess', 'newpw123');
$try('NOBODY', $D, 'oldpw1', 'newpw123');
$try('a:b', $D, 'guess', 'newpw123');
$try('', $D, 'guess', 'newpw123');
$try(str_repeat('x', 70), $D, 'guess', 'newpw123');
$try('ann', $D, '', 'newpw123');
$try('ann', 'nowhere.test', 'oldpw1', 'newpw123');
var_dump($line() === $before, @vp_b_read("$dir/ann/lastauth") === $lastauth);

echo "the owner:\n";
$try('ANN', 'Example.COM', 'oldpw1', 'newpw123');
$f = vp_u_vpasswd($dir)['ann'];
echo '  fields: uid ', $f[2], ', gid ', $f[3], ', gecos ', $f[4], ', quota ', $f[6], ', clear ', $f[7], ', hash ',
    str_starts_with($f[1], '$1$') && $f[1] !== explode(':', $before)[1] ? 'new $1$' : $f[1], "\n";
var_dump(vpopmail_auth_user('ann', $D, 'newpw123'), vpopmail_auth_user('ann', $D, 'oldpw1'));
echo '  ', vp_u_cdb_matches($dir), "\n";
/* lastauth is a login's business, not a password change's */
var_dump(@vp_b_read("$dir/ann/lastauth") !== false);

echo "the policy, once the old password is right:\n";
vp_l_etc($root, 'password_strength.conf', "Length >= 10\n");
$try('ann', $D, 'newpw123', 'short');
$try('ann', $D, 'wrong', 'short');
$try('ann', $D, 'newpw123', 'long enough pw');
vp_l_etc($root, 'password_strength.conf', null);
$try('ann', $D, 'long enough pw', str_repeat('p', 129));
$try('ann', $D, 'long enough pw', "a:b");

echo "changes disabled:\n";
vpopmail_set_user_flags('ann', $D, VPOPMAIL_NO_PASSWD_CHNG);
$hash = fn () => vp_u_vpasswd($dir)['ann'][1] . ':' . vp_u_vpasswd($dir)['ann'][7];
$before = $hash();
$try('ann', $D, 'long enough pw', 'another1');
$try('ann', $D, 'wrong', 'another1');
vpopmail_set_user_flags('ann', $D, VPOPMAIL_NO_PASSWD_CHNG, VPOPMAIL_FLAGS_REMOVE);
vpopmail_set_domain_limits($D, ['disable_password_changing' => true]);
$try('ann', $D, 'long enough pw', 'another1');
var_dump($hash() === $before);
/* the admin's vpopmail_passwd() is refused too, as vpopmail's vpasswd() is */
echo '  passwd: ', vp_l_try('vpopmail_passwd', 'ann', $D, 'another1'), "\n";
/* V_OVERRIDE: the domain's words do not apply to this user */
vpopmail_set_user_flags('ann', $D, VPOPMAIL_V_OVERRIDE);
$try('ann', $D, 'long enough pw', 'another1');
/* through an alias domain */
vpopmail_add_alias_domain($D, 'alias.example');
$try('ann', 'alias.example', 'another1', 'third-one');
var_dump(vpopmail_auth_user('ann', $D, 'third-one'));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-236'));
?>
--EXPECT--
what a stranger can learn: nothing about the mailbox
  ["ann","example.com","guess"]: errno -111 password mismatch
  ["nobody","example.com","guess"]: errno -111 password mismatch
  ["NOBODY","example.com","oldpw1"]: errno -111 password mismatch
  ["a:b","example.com","guess"]: errno -111 password mismatch
  ["","example.com","guess"]: errno -111 password mismatch
  ["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","example.com","guess"]: errno -111 password mismatch
  ["ann","example.com",""]: errno -111 password mismatch
  ["ann","nowhere.test","oldpw1"]: errno -11 Domain does not exist: nowhere.test
bool(true)
bool(true)
the owner:
  ["ANN","Example.COM","oldpw1"]: ok
  fields: uid 2, gid 0, gecos Ann, quota 5242880S, clear newpw123, hash new $1$
bool(true)
bool(false)
  cdb = vpasswd (2 records)
bool(true)
the policy, once the old password is right:
  ["ann","example.com","newpw123"]: errno -70 password requires more characters 
  ["ann","example.com","wrong"]: errno -111 password mismatch
  ["ann","example.com","newpw123"]: ok
  ["ann","example.com","long enough pw"]: errno -27 password too long (max=128)
  ["ann","example.com","long enough pw"]: errno -20 bad character: in the password (stored in clear text)
changes disabled:
  ["ann","example.com","long enough pw"]: errno -110 password changes are disabled for this account
  ["ann","example.com","wrong"]: errno -111 password mismatch
  ["ann","example.com","long enough pw"]: errno -110 password changes are disabled for this account
bool(true)
  passwd: errno -110 W password changes are disabled for this account: ann@example.com
  ["ann","example.com","long enough pw"]: ok
  ["ann","alias.example","another1"]: ok
bool(true)
