<?php

/**
 * vpopmail_ext password driver for Roundcube's "password" plugin
 *
 * Changes the password through the vpopmail PHP extension's
 * vpopmail_change_password(): the old password is checked as a login is,
 * NO_PASSWD_CHNG and the domain's disable_password_changing are honoured,
 * ~vpopmail/etc/password_strength.conf is applied, and the new password is
 * written as vpopmail's vpasswd writes it.  No vpopmaild, no setuid helper:
 * the PHP that runs Roundcube needs the extension and write access to the
 * domain's files (see the extension's README, "Deployment and permissions").
 *
 * Install: copy this file to plugins/password/drivers/vpopmail_ext.php and set
 *   $config['password_driver'] = 'vpopmail_ext';
 * Optional:
 *   $config['password_minimum_score'] = 2;   // let the plugin ask check_strength()
 *   $config['password_vpopmail_ext_domain'] = 'example.com'; // for logins without "@domain"
 *
 * The driver API (save, check_strength, strength_rules) is the one described
 * in the plugin's README, section 3.
 */

class rcube_vpopmail_ext_password
{
    /**
     * @param string $curpass  the current password
     * @param string $passwd   the new password
     * @param string $username the login, user@domain
     *
     * @return int|array PASSWORD_SUCCESS, or ['code' => PASSWORD_*, 'message' => text]
     */
    public function save($curpass, $passwd, $username)
    {
        if (!function_exists('vpopmail_change_password')) {
            rcube::raise_error([
                    'code' => 600, 'file' => __FILE__, 'line' => __LINE__,
                    'message' => "Password plugin: the vpopmail extension (vpopmail_change_password) is not loaded"
                ], true, false
            );
            return PASSWORD_CONNECT_ERROR;
        }

        [$user, $domain] = $this->split($username);
        if ($user === '' || $domain === '') {
            return ['code' => PASSWORD_ERROR, 'message' => 'no domain in the user name'];
        }

        /* real trouble warns; it goes to Roundcube's log below, not into the page */
        if (@vpopmail_change_password($user, $domain, (string) $curpass, (string) $passwd)) {
            return PASSWORD_SUCCESS;
        }

        $code  = vpopmail_errno();
        $error = trim(vpopmail_error());

        if ($code <= VPOPMAIL_VA_PWSTR_EMPTY && $code >= VPOPMAIL_VA_PWSTR_DELTA) {
            /* the site's password_strength.conf: vpopmail's own words */
            return ['code' => PASSWORD_CONSTRAINT_VIOLATION, 'message' => $error];
        }

        switch ($code) {
        case VPOPMAIL_VA_WRONG_PASSWORD:
            /* an unknown user gets this too: say no more than that */
            return ['code' => PASSWORD_ERROR, 'message' => 'current password incorrect'];
        case VPOPMAIL_VA_PASSWD_CHANGE_DENIED:
            return ['code' => PASSWORD_ERROR, 'message' => 'password changes are disabled for this account'];
        case VPOPMAIL_VA_PASSWD_TOO_LONG:
        case VPOPMAIL_VA_BAD_CHAR:
            return ['code' => PASSWORD_CONSTRAINT_VIOLATION, 'message' => $error];
        }

        rcube::raise_error([
                'code' => 600, 'file' => __FILE__, 'line' => __LINE__,
                'message' => "Password plugin: vpopmail_change_password for $user@$domain: $error ($code)"
            ], true, false
        );

        return PASSWORD_ERROR;
    }

    /**
     * The plugin calls this when password_minimum_score is set.
     *
     * @return array [score 1..5, reason]
     */
    public function check_strength($passwd)
    {
        $r = function_exists('vpopmail_password_strength') ? @vpopmail_password_strength((string) $passwd) : false;

        if ($r === false) {
            /* no extension, or a broken policy file: the save would fail too */
            return [1, 'the password policy cannot be read'];
        }

        return $r['ok'] ? [5, null] : [1, trim($r['message'])];
    }

    /**
     * The policy's description ("Policy = ..." in password_strength.conf), shown under the form.
     *
     * @return array
     */
    public function strength_rules()
    {
        $r = function_exists('vpopmail_password_strength') ? @vpopmail_password_strength('') : false;

        return $r !== false && $r['policy'] !== null ? [$r['policy']] : [];
    }

    /** user@domain, or the configured domain for a bare user name. */
    private function split($username)
    {
        $username = (string) $username;
        $at = strrpos($username, '@');

        if ($at !== false) {
            return [substr($username, 0, $at), substr($username, $at + 1)];
        }

        $domain = (string) rcmail::get_instance()->config->get('password_vpopmail_ext_domain', '');

        return [$username, $domain];
    }
}
