--TEST--
vpopmail_quota_usage(): Maildir++ maildirsize summed (negative lines too), rebuilt from the Maildir when missing, stale (15 minutes, 5120 bytes), or of another quota; limits and percent
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-063/vpopmail
vpopmail.qmail_dir={TMP}/vp-063/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-063');
$dom = "$root/vpopmail/domains/example.com";
$md = "$dom/bob/Maildir";
function usage(string $what): void
{
	global $md;
	$u = vpopmail_quota_usage('bob', 'example.com');
	if (is_array($u) && is_float($u['percent'])) {
		$u['percent'] = round($u['percent'], 3);
	}
	clearstatcache();
	$size = @file_get_contents("$md/maildirsize");
	printf("%-24s %s | %s\n", $what, json_encode($u), $size === false ? '(no maildirsize)' : json_encode($size));
}
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_user('bob', 'example.com', 'bobpw', 'Bob Builder'));
usage('NOQUOTA, empty');
foreach (['.Sent', '.Sent/cur', '.Sent/new', '.Trash', '.Trash/cur', '.Lists.php', '.Lists.php/cur'] as $d) {
	mkdir("$md/$d", 0700);
}
$msgs = [
	'new/1.M1P1.host,S=1000' => '',
	'cur/2.M2P2.host,S=234:2,S' => '',
	'cur/3.M3P3.host:2,S' => '12345',        /* no S=: its size */
	'cur/4.M4P4.host,S=999:2,ST' => '',      /* trashed */
	'cur/.hidden' => 'zzz',
	'tmp/5.M5P5.host,S=888' => '',           /* not delivered yet */
	'.Sent/cur/6.M6P6.host,S=50:2,S' => '',
	'.Sent/new/7.M7P7.host,S=60' => '',
	'.Lists.php/cur/8.M8P8.host,S=70:2,' => '',
	'.Trash/cur/9.M9P9.host,S=7777:2,S' => '',
];
foreach ($msgs as $name => $body) {
	file_put_contents("$md/$name", $body);
}
usage('NOQUOTA, 6 messages');
var_dump(vpopmail_set_user_quota('bob', 'example.com', '10000C,2000S'));
usage('2000S,10000C');
file_put_contents("$md/maildirsize", "300 1\n-234 -1\n", FILE_APPEND);
usage('two deliveries logged');
touch("$md/maildirsize", time() - 16 * 60);
usage('16 minutes old');
touch("$md/maildirsize", time() - 14 * 60);
usage('14 minutes old');
file_put_contents("$md/maildirsize", "2000S,10000C\n1419 6\n" . str_repeat("0 0\n", 1275));
usage('5120 bytes');
file_put_contents("$md/maildirsize", "1048576S\n1419 6\n");
usage('another quota');
file_put_contents("$md/maildirsize", "2000S,10000C\n10 1\n-20 -2\n");
usage('negative total');
file_put_contents("$md/maildirsize", "2000S,10000C\n1419 6");
usage('unterminated line');
unlink("$md/maildirsize");
usage('missing');
echo vp_u_mode("$md/maildirsize"), ' ', implode(' ', vp_t_ls("$md/tmp")), "\n";
var_dump(vpopmail_set_user_quota('bob', 'example.com', '1M'));
usage('1M');
var_dump(vpopmail_set_user_quota('bob', 'example.com', 'NOQUOTA'));
file_put_contents("$md/maildirsize", "1S\n0 0\n");
usage('NOQUOTA + leftover');
var_dump(vpopmail_quota_usage('BOB', 'Example.COM')['bytes']);

echo "-- errors\n";
vp_t_show(vpopmail_quota_usage('nobody', 'example.com'));
vp_t_show(vpopmail_quota_usage('bob', 'nowhere.test'));
try {
	vpopmail_quota_usage("bob\0", 'example.com');
} catch (ValueError $e) {
	echo get_class($e), ': ', $e->getMessage(), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-063'));
?>
--EXPECTF--
bool(true)
bool(true)
NOQUOTA, empty           {"bytes":0,"messages":0,"bytes_limit":null,"messages_limit":null,"percent":null,"recomputed":true} | (no maildirsize)
NOQUOTA, 6 messages      {"bytes":1419,"messages":6,"bytes_limit":null,"messages_limit":null,"percent":null,"recomputed":true} | (no maildirsize)
bool(true)
2000S,10000C             {"bytes":1419,"messages":6,"bytes_limit":2000,"messages_limit":10000,"percent":70.95,"recomputed":false} | "2000S,10000C\n1419 6\n"
two deliveries logged    {"bytes":1485,"messages":6,"bytes_limit":2000,"messages_limit":10000,"percent":74.25,"recomputed":false} | "2000S,10000C\n1419 6\n300 1\n-234 -1\n"
16 minutes old           {"bytes":1419,"messages":6,"bytes_limit":2000,"messages_limit":10000,"percent":70.95,"recomputed":true} | "2000S,10000C\n1419 6\n"
14 minutes old           {"bytes":1419,"messages":6,"bytes_limit":2000,"messages_limit":10000,"percent":70.95,"recomputed":false} | "2000S,10000C\n1419 6\n"
5120 bytes               {"bytes":1419,"messages":6,"bytes_limit":2000,"messages_limit":10000,"percent":70.95,"recomputed":true} | "2000S,10000C\n1419 6\n"
another quota            {"bytes":1419,"messages":6,"bytes_limit":2000,"messages_limit":10000,"percent":70.95,"recomputed":true} | "2000S,10000C\n1419 6\n"
negative total           {"bytes":1419,"messages":6,"bytes_limit":2000,"messages_limit":10000,"percent":70.95,"recomputed":true} | "2000S,10000C\n1419 6\n"
unterminated line        {"bytes":1419,"messages":6,"bytes_limit":2000,"messages_limit":10000,"percent":70.95,"recomputed":true} | "2000S,10000C\n1419 6\n"
missing                  {"bytes":1419,"messages":6,"bytes_limit":2000,"messages_limit":10000,"percent":70.95,"recomputed":true} | "2000S,10000C\n1419 6\n"
0600 5.M5P5.host,S=888
bool(true)
1M                       {"bytes":1419,"messages":6,"bytes_limit":1048576,"messages_limit":null,"percent":0.135,"recomputed":false} | "1048576S\n1419 6\n"
bool(true)
NOQUOTA + leftover       {"bytes":1419,"messages":6,"bytes_limit":null,"messages_limit":null,"percent":null,"recomputed":true} | (no maildirsize)
int(1419)
-- errors

Warning: vpopmail_quota_usage(): User does not exist: nobody@example.com in %s on line %d
false errno=-10 error=User does not exist: nobody@example.com

Warning: vpopmail_quota_usage(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test
ValueError: vpopmail_quota_usage(): Argument #1 ($user) must not contain any null bytes
