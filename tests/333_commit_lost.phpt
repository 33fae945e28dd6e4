--TEST--
vpopmail.backend=mysql, a COMMIT that gets no answer (a proxy between the extension and the server drops the connection at the COMMIT, after the server committed it or before it got there): add_user, passwd and del_user re-read the row on a new connection and report what happened (true when it committed, false + VPOPMAIL_VA_NO_AUTH_CONNECTION when not), the home follows the row; when the outcome cannot be learned the home stays (a row never loses its Maildir)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-333/vpopmail
vpopmail.qmail_dir={TMP}/vp-333/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-333-db/proxy.mysql
vpopmail.mysql_connect_timeout=1
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/repl.inc';
$root = vp_sandbox('vp-333');
$db = vp_root('vp-333-db');
vp_r_start($db);
[$pport] = explode(' ', trim(file_get_contents("$db/ports")));
/* the proxy: passes bytes both ways; $db/mode "answered" forwards a COMMIT,
 * waits for the server's answer and drops both sides; "lost" drops both
 * before the COMMIT gets there; "answered-away" is "answered", then its
 * port refuses connections for 3.5 s.  Each drop sets the mode back to "pass". */
$proxy = <<<'PHP'
[, $pport, $mode] = $argv;
$l = stream_socket_server('tcp://127.0.0.1:0', $en, $es);
$port = substr(strrchr(stream_socket_get_name($l, false), ':'), 1);
echo "$port\n";
$peer = []; $socks = []; $away = 0;
for (;;) {
	if (!$l && microtime(true) > $away) { $l = stream_socket_server("tcp://127.0.0.1:$port", $en, $es); }
	$r = $l ? [$l] : [];
	foreach ($socks as $s) { $r[] = $s; }
	$w = $e = null;
	if (!$r) { usleep(50000); continue; }
	if (@stream_select($r, $w, $e, 0, 50000) === false) { break; }
	foreach ($r as $s) {
		if ($s === $l) {
			$c = stream_socket_accept($l);
			$srv = stream_socket_client("tcp://127.0.0.1:$pport");
			$socks[(int)$c] = $c; $socks[(int)$srv] = $srv; $peer[(int)$c] = $srv; $peer[(int)$srv] = $c;
			$client[(int)$c] = true;
			continue;
		}
		$data = fread($s, 65536);
		$o = $peer[(int)$s] ?? null;
		$m = trim((string)@file_get_contents($mode));
		if (isset($client[(int)$s]) && $data !== '' && $data !== false && $m !== 'pass' && strpos($data, "\x03COMMIT") !== false) {
			if ($m !== 'lost') { fwrite($o, $data); stream_set_timeout($o, 5); fread($o, 65536); }
			if ($m === 'answered-away') { $away = microtime(true) + 3.5; fclose($l); $l = null; /* refused meanwhile */ }
			file_put_contents($mode, 'pass');
			$data = false;
		}
		if ($data === '' || $data === false) {
			foreach ([$s, $o] as $x) { if ($x) { unset($socks[(int)$x], $peer[(int)$x]); fclose($x); } }
			continue;
		}
		fwrite($o, $data);
	}
}
PHP;
file_put_contents("$db/proxy.php", "<?php\n" . $proxy);
file_put_contents("$db/mode", 'pass');
$pp = proc_open([PHP_BINARY, '-n', "$db/proxy.php", $pport, "$db/mode"], [1 => ['pipe', 'w']], $pipes);
$port = (int)fgets($pipes[1]);
file_put_contents("$db/proxy.mysql", "127.0.0.1|$port|vpopmailuser|vpoppasswd|vpopmail\n");
$mode = fn(string $m) => file_put_contents("$db/mode", $m);
$home = function (string $u) use ($root) {
	clearstatcache();
	return is_dir("$root/vpopmail/domains/example.com/$u/Maildir/new") ? 'home' : 'no home';
};
$row = fn(string $u) => trim(vp_r_sql($db, 'p', "SELECT COUNT(*) FROM vpopmail WHERE pw_name = '$u'")) === '1' ? 'row' : 'no row';
$agree = function () use ($db) {
	$n = (int)vp_r_sql($db, 'p', "SELECT COUNT(*) FROM vpopmail WHERE pw_domain = 'example.com'");
	$c = (int)vp_r_sql($db, 'p', "SELECT cur_users FROM dir_control WHERE domain = 'example.com'");
	$l = (int)vp_r_sql($db, 'p', "SELECT COUNT(*) FROM lastauth WHERE domain = 'example.com'");
	return $n === $c && $n === $l ? 'counter and lastauth agree' : "rows $n counter $c lastauth $l";
};
$res = fn($r) => var_export($r, true) . ($r ? '' : ' ' . vpopmail_errno());
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'));

echo "-- add_user, the COMMIT done, its answer lost: ", $res(@vpopmail_add_user('alice', 'example.com', 'alicepw')), "; ", $row('alice'), ", ", $home('alice'), "; ", $agree(), "\n";
$mode('answered');
echo "-- add_user, the COMMIT done, its answer lost: ", $res(@vpopmail_add_user('bob', 'example.com', 'bobpw')), "; ", $row('bob'), ", ", $home('bob'), "; ", $agree(), "\n";
$mode('lost');
echo "-- add_user, the COMMIT lost on the way: ", $res(@vpopmail_add_user('carol', 'example.com', 'carolpw')), "; ", $row('carol'), ", ", $home('carol'), "; ", $agree(), "\n";
$mode('answered');
echo "-- passwd, answer lost: ", $res(@vpopmail_passwd('bob', 'example.com', 'bobpw2')), "; logs in with the new one: ", var_export(vpopmail_auth_user('bob', 'example.com', 'bobpw2'), true), "\n";
$mode('lost');
echo "-- passwd, COMMIT lost: ", $res(@vpopmail_passwd('bob', 'example.com', 'bobpw3')), "; still the old one: ", var_export(vpopmail_auth_user('bob', 'example.com', 'bobpw2'), true), "\n";
$mode('lost');
echo "-- del_user, COMMIT lost: ", $res(@vpopmail_del_user('bob', 'example.com')), "; ", $row('bob'), ", ", $home('bob'), "; ", $agree(), "\n";
$mode('answered');
echo "-- del_user, answer lost: ", $res(@vpopmail_del_user('bob', 'example.com')), "; ", $row('bob'), ", ", $home('bob'), "; ", $agree(), "\n";
$mode('answered-away');
$t = microtime(true);
echo "-- add_user, answer lost and no server for 3.5 s: ", $res(@vpopmail_add_user('dave', 'example.com', 'davepw')), " after ", ($t = microtime(true) - $t) >= 2.5 && $t < 6 ? 'about 3 s of asking' : "$t s",
     "; ", $row('dave'), ", ", $home('dave'), " (kept: it may have committed); ", $agree(), "\n";
usleep(1500000);
echo "-- back: dave logs in: ", var_export(vpopmail_auth_user('dave', 'example.com', 'davepw'), true), "; the next add: ", $res(vpopmail_add_user('erin', 'example.com', 'erinpw')), "; ", $agree(), "\n";
proc_terminate($pp);
proc_close($pp);
vp_r_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/repl.inc';
/* best effort and silent: a storm's last server may still be going down
 * (any output here is a WARN) */
ob_start();
vp_r_stop(vp_root('vp-333-db'));
@vp_rmtree(vp_root('vp-333-db'));
@vp_rmtree(vp_root('vp-333'));
ob_end_clean();
?>
--EXPECT--
bool(true)
-- add_user, the COMMIT done, its answer lost: true; row, home; counter and lastauth agree
-- add_user, the COMMIT done, its answer lost: true; row, home; counter and lastauth agree
-- add_user, the COMMIT lost on the way: false -23; no row, no home; counter and lastauth agree
-- passwd, answer lost: true; logs in with the new one: true
-- passwd, COMMIT lost: false -23; still the old one: true
-- del_user, COMMIT lost: false -23; row, home; counter and lastauth agree
-- del_user, answer lost: true; no row, no home; counter and lastauth agree
-- add_user, answer lost and no server for 3.5 s: false -23 after about 3 s of asking; row, home (kept: it may have committed); counter and lastauth agree
-- back: dave logs in: true; the next add: true; counter and lastauth agree
