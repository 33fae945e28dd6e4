--TEST--
vpopmail.backend=mysql, reading: the rows real vpopmail 5.6.13 wrote at every fixture step loaded into the server (files from the same step); user_info, list_users, count_users, domain_info and auth_user (MANIFEST passwords, alias domains, upper case) agree with what vuserinfo / vdominfo printed
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-307/vpopmail
vpopmail.qmail_dir={TMP}/vp-307/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.auth_logging=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-307-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-307-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
require __DIR__ . '/info.inc';
$root = vp_root('vp-307');
$db = vp_root('vp-307-db');
vp_m_start($db);
/* the four tables as vpopmail created them (step 06's dump), then each step's rows */
$dump = VP_M_FIXTURES . '/default/06-aliasdomain-alias.example/sql/mysqldump.sql';
exec('mariadb --no-defaults -S ' . escapeshellarg("$db/sock") . ' -uroot vpopmail < ' . escapeshellarg($dump) . ' 2>&1', $out, $rc);
echo "dump loaded: ", $rc === 0 ? 'yes' : implode("\n", $out), "\n";
function load_rows(string $db, string $root, string $step): void
{
	$sql = '';
	foreach (['vpopmail', 'dir_control', 'lastauth', 'aliasdomains'] as $t) {
		$sql .= "DELETE FROM `$t`;\n";
		$lines = explode("\n", rtrim((string)@file_get_contents(VP_M_FIXTURES . "/default/$step/sql/$t.tsv"), "\n"));
		array_shift($lines); /* the header */
		foreach (array_filter($lines) as $l) {
			$v = array_map(fn($f) => $f === 'NULL' ? 'NULL'
			               : "'" . addslashes(str_replace('/home/vpopmail', "$root/vpopmail", stripcslashes($f))) . "'", explode("\t", $l));
			$sql .= "INSERT INTO `$t` VALUES (" . implode(', ', $v) . ");\n";
		}
	}
	file_put_contents("$db/rows.sql", $sql);
	exec('mariadb --no-defaults -S ' . escapeshellarg("$db/sock") . ' -uroot vpopmail < ' . escapeshellarg("$db/rows.sql") . ' 2>&1', $out, $rc);
	if ($rc !== 0) {
		echo "$step: rows not loaded: ", implode("\n", $out), "\n";
	}
}
/* the passwords of the MANIFEST, as of a step */
function passwords(int $n): array
{
	return ['postmaster@example.com' => 'Secret123', 'postmaster@second.test' => 'Second123', 'postmaster@bounce.test' => 'Bounce123',
	        'alice@example.com' => $n >= 14 ? 'newpw' : 'alicepw', 'bob@example.com' => 'bobpw', 'carol@example.com' => 'carolpw',
	        'dave@example.com' => 'davepw', 'first.last@example.com' => 'flpw'];
}

$steps = $ok = $users = $lists = $doms = $auths = 0;
foreach (glob(VP_M_FIXTURES . '/default/[0-9]*/_meta/vuserinfo.txt') as $f) {
	$step = basename(dirname($f, 2));
	$n = (int)$step;
	vp_u_copy_fixture('5.6', $step, $root);
	load_rows($db, $root, $step);
	$bad = [];
	foreach (vp_i_vuserinfo($f) as $cmd => $records) {
		if (str_starts_with($cmd, '-D ')) {
			$d = substr($cmd, 3);
			$got = vpopmail_list_users($d);
			if (!is_array($got) || count($got) !== count($records) || vpopmail_count_users($d) !== count($records)) {
				$bad[] = "$cmd: " . json_encode($got);
				continue;
			}
			foreach ($records as $i => $r) {
				$bad = array_merge($bad, vp_i_user_diff($root, $r, $got[$i], false));
			}
			$lists++;
			continue;
		}
		[$u, $d] = explode('@', $cmd);
		$got = vpopmail_user_info($u, $d, true);
		if ($got === false) {
			$bad[] = "$cmd: false";
			continue;
		}
		$bad = array_merge($bad, vp_i_user_diff($root, $records[0], $got, true));
		$users++;
		/* the password of the MANIFEST works, also through the alias domain and in upper case */
		$pw = passwords($n)[$cmd] ?? null;
		if ($pw !== null) {
			$ways = [[$u, $d]];
			if ($d === 'example.com' && is_dir("$root/vpopmail/domains/example.com") && str_contains((string)@file_get_contents("$root/qmail/users/assign"), '+alias.example-')) {
				$ways[] = [$u, 'alias.example'];
			}
			$ways[] = [strtoupper($u), strtoupper($d)];
			foreach ($ways as [$uu, $dd]) {
				if (!vpopmail_auth_user($uu, $dd, $pw) || @vpopmail_auth_user($uu, $dd, $pw . 'x')) {
					$bad[] = "auth $uu@$dd";
				}
				$auths++;
			}
		}
	}
	foreach (vp_i_vdominfo(dirname($f) . '/vdominfo.txt') as $cmd => $blocks) {
		foreach ($cmd === '' ? $blocks : array_slice($blocks, 0, 1) as $b) {
			$info = vpopmail_domain_info($cmd === '' ? $b['domain'] : $cmd);
			if (!$info || $info['users'] !== (int)$b['users'] || vp_i_path($root, $info['dir']) !== $b['dir']) {
				$bad[] = "vdominfo $cmd {$b['domain']}: " . json_encode($info);
			}
			$doms++;
		}
	}
	$steps++;
	if ($bad) {
		echo "$step: ", implode('; ', $bad), "\n";
	} else {
		$ok++;
	}
}
echo "steps equal: $ok / $steps ($users users, $lists listings, $doms domains, $auths logins compared)\n";
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-307-db'));
vp_rmtree(vp_root('vp-307-db'));
vp_rmtree(vp_root('vp-307'));
?>
--EXPECT--
dump loaded: yes
steps equal: 28 / 28 (131 users, 92 listings, 184 domains, 338 logins compared)
