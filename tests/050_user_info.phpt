--TEST--
vpopmail_user_info(): agrees with the real vuserinfo for every user of every 5.6 / 5.4 fixture step; lastauth states; errors
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-050/vpopmail
vpopmail.qmail_dir={TMP}/vp-050/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/info.inc';
$root = vp_t_root('050');

/* every "user@domain" vuserinfo printed, at every step */
$users = 0;
foreach (vp_i_steps() as [$ver, $step]) {
	vp_u_copy_fixture($ver, $step, $root);
	$bad = [];
	$n = 0;
	foreach (vp_i_vuserinfo(vp_t_fixture($ver, $step) . '/_meta/vuserinfo.txt') as $cmd => $records) {
		if (str_starts_with($cmd, '-D ')) {
			continue; /* listings: 051 */
		}
		[$u, $d] = explode('@', $cmd);
		$got = vpopmail_user_info($u, $d, true);
		if ($got === false) {
			$bad[] = "$cmd: false";
			continue;
		}
		$bad = array_merge($bad, vp_i_user_diff($root, $records[0], $got, true));
		$n++;
	}
	$users += $n;
	if ($bad) {
		echo "$ver $step: ", implode('; ', $bad), "\n";
	}
}
echo "users compared: $users\n";

function show(array $a, string $root): void
{
	foreach ($a as $k => $v) {
		if ($k === 'flag') {
			$v = implode(',', array_keys(array_filter($v))) ?: '-';
			$k = 'flag (set)';
		} elseif ($k === 'dir') {
			$v = vp_i_path($root, $v);
		} elseif (($k === 'created' || $k === 'last_auth') && is_int($v)) {
			$v = abs($v - time()) < 3600 ? 'recent' : $v;
		} elseif ($k === 'uid') {
			$v = vp_b_uid_as_cdb($v);
		} elseif ($k === 'hash') {
			$v = substr($v, 0, 3) . '…';
		}
		echo "  $k: ", json_encode($v, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
	}
}

echo "== bob@alias.example, 5.6 step 15 (NO_POP, 20M)\n";
vp_u_copy_fixture('5.6', '15-moduser-bob-nopop', $root);
show(vpopmail_user_info('Bob', 'Alias.Example', true), $root);
echo "== alice, 5.4 step 24 (MD5, clear text)\n";
vp_u_copy_fixture('5.4', '24-adduser-uppercase-dotted', $root);
show(vpopmail_user_info('alice', 'example.com'), $root);

echo "== lastauth\n";
$home = "$root/vpopmail/domains/example.com/alice";
$la = fn() => array_intersect_key(vpopmail_user_info('alice', 'example.com'), ['last_auth' => 1, 'last_auth_ip' => 1, 'created' => 1]);
vp_b_lastauth_put($home, '192.0.2.7', 1700000000);
echo json_encode($la()), "\n";
vp_b_lastauth_put($home, '0.0.0.0', 1600000000);
echo json_encode($la()), "\n";
vp_b_lastauth_put($home, null);
echo json_encode($la()), "\n";
symlink('/etc/passwd', "$home/lastauth");
echo json_encode($la()), "\n";
unlink("$home/lastauth");

echo "== quotas as vdelivermail reads them\n";
$dom = "$root/vpopmail/domains/example.com";
foreach (['50M', '50000000', '10485760S,1000C', '1000C', '', 'NOQUOTA', 'junk'] as $q) {
	$f = vp_u_vpasswd($dom);
	$f['alice'][6] = $q;
	$text = '';
	foreach ($f as $fields) {
		$text .= implode(':', $fields) . "\n";
	}
	file_put_contents("$dom/vpasswd", $text);
	vp_u_vpasswd_cdb_build($dom);
	$i = vpopmail_user_info('alice', 'example.com');
	printf("%-16s %s\n", json_encode($q), json_encode([$i['quota'], $i['quota_bytes'], $i['quota_messages']]));
}

echo "== errors\n";
vp_t_show(vpopmail_user_info('nobody', 'example.com'));
vp_t_show(vpopmail_user_info('alice', 'nowhere.test'));
vp_t_show(vpopmail_user_info('alice', 'bad..name'));
foreach ([["alice\0", 'example.com'], ['alice', "example.com\0"], ['alice']] as $args) {
	try {
		vpopmail_user_info(...$args);
		echo "no exception\n";
	} catch (Throwable $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}
vp_t_show(array_key_exists('hash', vpopmail_user_info('alice', 'example.com')));
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('050'));
?>
--EXPECTF--
users compared: 297
== bob@alias.example, 5.6 step 15 (NO_POP, 20M)
  name: "bob"
  domain: "example.com"
  gecos: "Bob Builder"
  dir: "/home/vpopmail/domains/example.com/bob"
  quota: "20971520S"
  quota_bytes: 20971520
  quota_messages: null
  flags: 2
  flag (set): "no_pop"
  uid: 1
  scheme: "SHA-512"
  has_clear_password: false
  hash: "$6$…"
  last_auth: null
  last_auth_ip: null
  created: "recent"
== alice, 5.4 step 24 (MD5, clear text)
  name: "alice"
  domain: "example.com"
  gecos: "alice"
  dir: "/home/vpopmail/domains/example.com/alice"
  quota: "NOQUOTA"
  quota_bytes: null
  quota_messages: null
  flags: 0
  flag (set): "-"
  uid: 1
  scheme: "MD5"
  has_clear_password: true
  last_auth: null
  last_auth_ip: null
  created: "recent"
== lastauth
{"last_auth":1700000000,"last_auth_ip":"192.0.2.7","created":null}
{"last_auth":null,"last_auth_ip":null,"created":1600000000}
{"last_auth":null,"last_auth_ip":null,"created":null}
{"last_auth":null,"last_auth_ip":null,"created":null}
== quotas as vdelivermail reads them
"50M"            ["50M",52428800,null]
"50000000"       ["50000000",50000000,null]
"10485760S,1000C" ["10485760S,1000C",10485760,1000]
"1000C"          ["1000C",null,1000]
""               ["",null,null]
"NOQUOTA"        ["NOQUOTA",null,null]
"junk"           ["junk",null,null]
== errors

Warning: vpopmail_user_info(): User does not exist: nobody@example.com in %s on line %d
false errno=-10 error=User does not exist: nobody@example.com

Warning: vpopmail_user_info(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test

Warning: vpopmail_user_info(): %s in %s on line %d
false errno=%i error=%s
ValueError: vpopmail_user_info(): Argument #1 ($user) must not contain any null bytes
ValueError: vpopmail_user_info(): Argument #2 ($domain) must not contain any null bytes
ArgumentCountError: vpopmail_user_info() expects at least 2 arguments, 1 given
false errno=0 error=Success
