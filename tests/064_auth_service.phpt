--TEST--
vpopmail_auth_user() with $service: bob of step 15 (NO_POP) fails for pop, passes for imap; flags checked after the password; domain limits; lastauth written with the client address (vpopmail.auth_logging)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-064/vpopmail
vpopmail.qmail_dir={TMP}/vp-064/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_t_root('064');
$dom = "$root/vpopmail/domains/example.com";
vp_u_copy_fixture('5.6', '15-moduser-bob-nopop', $root);
set_error_handler(function (int $no, string $str) { echo "UNEXPECTED: $str\n"; return true; });
function auth(string $u, string $p, ?string $svc, ?string $ip = null): void
{
	printf("%-6s %-8s %-8s ", $u, $p, $svc ?? 'null');
	vp_t_show(vpopmail_auth_user($u, 'example.com', $p, null, $svc, $ip));
}
unset($_SERVER['REMOTE_ADDR']);
echo "-- bob has NO_POP (vmoduser -p, step 15)\n";
auth('bob', 'bobpw', 'pop');
auth('bob', 'bobpw', 'imap');
auth('bob', 'bobpw', 'smtp');
auth('bob', 'bobpw', 'webmail');
auth('bob', 'bobpw', null);
auth('bob', 'bobpw', 'POP');
auth('bob', 'wrong', 'pop');     /* a wrong password tells nothing about the flags */
auth('nobody', 'x', 'pop');
var_dump(vpopmail_auth_user('bob', 'example.com', 'bobpw'));

echo "-- each service's flag\n";
foreach (['imap' => VPOPMAIL_NO_IMAP, 'smtp' => VPOPMAIL_NO_SMTP, 'webmail' => VPOPMAIL_NO_WEBMAIL, 'pop' => VPOPMAIL_NO_POP] as $s => $flag) {
	restore_error_handler();
	vpopmail_set_user_flags('alice', 'example.com', $flag, VPOPMAIL_FLAGS_REPLACE);
	set_error_handler(function (int $no, string $str) { echo "UNEXPECTED: $str\n"; return true; });
	echo str_pad($s, 8), ':';
	foreach (['pop', 'imap', 'smtp', 'webmail'] as $t) {
		echo ' ', $t, '=', vpopmail_auth_user('alice', 'example.com', 'newpw', null, $t) ? 'yes' : 'no';
	}
	echo "\n";
}
vpopmail_set_user_flags('alice', 'example.com', 0, VPOPMAIL_FLAGS_REPLACE);
echo "-- the domain's limits (disable_imap), V_OVERRIDE\n";
file_put_contents("$dom/.qmailadmin-limits", "disable_imap\n");
auth('alice', 'newpw', 'imap');
auth('alice', 'newpw', 'pop');
vpopmail_set_user_flags('alice', 'example.com', VPOPMAIL_V_OVERRIDE);
auth('alice', 'newpw', 'imap');
unlink("$dom/.qmailadmin-limits");

echo "-- lastauth\n";
$la = "$dom/alice/lastauth";
function lastauth(): string
{
	global $la;
	clearstatcache();
	return json_encode(vp_b_read($la)) . ' ' . vp_u_mode($la) . (vp_b_lastauth_time(dirname($la)) > time() - 60 ? ' (now)' : ' (old)');
}
vp_b_lastauth_put(dirname($la), vp_b_read($la), time() - 3600);
echo lastauth(), "\n";
auth('alice', 'wrong', 'imap', '192.0.2.1');
auth('bob', 'bobpw', 'pop', '192.0.2.1');
echo lastauth(), ', bob: ', vp_b_read("$dom/bob/lastauth"), "\n";
ini_set('vpopmail.auth_logging', '0');
auth('alice', 'newpw', 'imap', '192.0.2.1');
echo lastauth(), "\n";
ini_set('vpopmail.auth_logging', '1');
auth('alice', 'newpw', 'imap', '192.0.2.7');
echo lastauth(), "\n";
auth('alice', 'newpw', null, '2001:DB8:0::1');
echo lastauth(), "\n";
$_SERVER['REMOTE_ADDR'] = '198.51.100.23';
auth('alice', 'newpw', 'webmail');
echo lastauth(), "\n";
$_SERVER['REMOTE_ADDR'] = 'unix:/run/php.sock';
auth('alice', 'newpw', 'webmail');
echo lastauth(), "\n";
unset($_SERVER['REMOTE_ADDR']);
auth('alice', 'newpw', 'imap', '10.1.2.3');
auth('alice', 'newpw', 'imap');
echo lastauth(), "\n";
auth('alice', 'newpw', 'imap', '');
echo lastauth(), "\n";
echo implode(' ', vp_t_ls("$dom/alice")), "\n";

echo "-- refused arguments\n";
restore_error_handler();
foreach ([['alice', 'example.com', 'newpw', null, 'ftp'], ['alice', 'example.com', 'newpw', null, ''],
          ['alice', 'example.com', 'newpw', null, "pop\0"], ['alice', 'example.com', 'newpw', null, 'pop', 'host.example'],
          ['alice', 'example.com', 'newpw', null, 'pop', "1.2.3.4\n"], ['alice', 'example.com', 'newpw', null, 'pop', "1.2.3.4\0"],
          ['alice', 'example.com', 'newpw', null, 'pop', 'fe80::1%eth0']] as $args) {
	try {
		var_dump(vpopmail_auth_user(...$args));
	} catch (Throwable $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}
echo lastauth(), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-064'));
?>
--EXPECT--
-- bob has NO_POP (vmoduser -p, step 15)
bob    bobpw    pop      false errno=-112 error=account disabled for this service: POP denied for bob@example.com
bob    bobpw    imap     true errno=0 error=Success
bob    bobpw    smtp     true errno=0 error=Success
bob    bobpw    webmail  true errno=0 error=Success
bob    bobpw    null     true errno=0 error=Success
bob    bobpw    POP      false errno=-112 error=account disabled for this service: POP denied for bob@example.com
bob    wrong    pop      false errno=-111 error=password mismatch: bob@example.com
nobody x        pop      false errno=-10 error=User does not exist: nobody@example.com
bool(true)
-- each service's flag
imap    : pop=yes imap=no smtp=yes webmail=yes
smtp    : pop=yes imap=yes smtp=no webmail=yes
webmail : pop=yes imap=yes smtp=yes webmail=no
pop     : pop=no imap=yes smtp=yes webmail=yes
-- the domain's limits (disable_imap), V_OVERRIDE
alice  newpw    imap     false errno=-112 error=account disabled for this service: IMAP denied for alice@example.com
alice  newpw    pop      true errno=0 error=Success
alice  newpw    imap     true errno=0 error=Success
-- lastauth
"0.0.0.0" 0600 (old)
alice  wrong    imap     false errno=-111 error=password mismatch: alice@example.com
bob    bobpw    pop      false errno=-112 error=account disabled for this service: POP denied for bob@example.com
"0.0.0.0" 0600 (old), bob: 0.0.0.0
alice  newpw    imap     true errno=0 error=Success
"0.0.0.0" 0600 (old)
alice  newpw    imap     true errno=0 error=Success
"192.0.2.7" 0600 (now)
alice  newpw    null     true errno=0 error=Success
"2001:db8::1" 0600 (now)
alice  newpw    webmail  true errno=0 error=Success
"198.51.100.23" 0600 (now)
alice  newpw    webmail  true errno=0 error=Success
"0.0.0.0" 0600 (now)
alice  newpw    imap     true errno=0 error=Success
alice  newpw    imap     true errno=0 error=Success
"0.0.0.0" 0600 (now)
alice  newpw    imap     true errno=0 error=Success
"0.0.0.0" 0600 (now)
Maildir lastauth
-- refused arguments
ValueError: vpopmail_auth_user(): Argument #5 ($service) must be one of "pop", "imap", "smtp", "webmail", or null
ValueError: vpopmail_auth_user(): Argument #5 ($service) must be one of "pop", "imap", "smtp", "webmail", or null
ValueError: vpopmail_auth_user(): Argument #5 ($service) must be one of "pop", "imap", "smtp", "webmail", or null
ValueError: vpopmail_auth_user(): Argument #6 ($remote_ip) must be an IPv4 or IPv6 address, or null
ValueError: vpopmail_auth_user(): Argument #6 ($remote_ip) must be an IPv4 or IPv6 address, or null
ValueError: vpopmail_auth_user(): Argument #6 ($remote_ip) must not contain any null bytes
ValueError: vpopmail_auth_user(): Argument #6 ($remote_ip) must be an IPv4 or IPv6 address, or null
"0.0.0.0" 0600 (now)
