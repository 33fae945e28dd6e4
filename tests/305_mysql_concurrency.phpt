--TEST--
vpopmail.backend=mysql: 8 PHP processes add, delete and change users of two shared domains at once (each with its own connection); afterwards every row has its home and lastauth row, every home its row, and each dir_control counter equals the domain's rows (no update lost)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-305/vpopmail
vpopmail.qmail_dir={TMP}/vp-305/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-305-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-305-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-305');
$db = vp_root('vp-305-db');
vp_m_start($db);
$domains = ['one.test', 'two.test'];
foreach ($domains as $d) {
	var_dump(vpopmail_add_domain_ex($d, 'Secret123'));
}
/* worker $w: 30 rounds; a name of its own per round, in both domains by
 * turns; every third one deleted again, the others get a new password and a
 * quota; the shared name "s<round>" is added by every worker (one wins) */
$code = <<<'PHP'
$w = (int)$argv[1];
$domains = ['one.test', 'two.test'];
$mine = [];
$won = [];
$bad = 0;
for ($i = 0; $i < 30; $i++) {
	$d = $domains[($w + $i) % 2];
	$u = "w{$w}r$i";
	if (!vpopmail_add_user($u, $d, "pw$i")) { $bad++; echo "add $u@$d: ", vpopmail_error(), "\n"; continue; }
	if ($i % 3 === 0) {
		if (!vpopmail_del_user($u, $d)) { $bad++; echo "del $u@$d: ", vpopmail_error(), "\n"; }
	} else {
		if (!vpopmail_passwd($u, $d, "new$i") || !vpopmail_set_user_quota($u, $d, '10M')) { $bad++; echo "change $u@$d: ", vpopmail_error(), "\n"; }
		$mine[] = "$u@$d";
	}
	if (@vpopmail_add_user("s$i", 'one.test', 'shared')) {
		$won[] = "s$i@one.test";
	} elseif (vpopmail_errno() !== VPOPMAIL_VA_USERNAME_EXISTS) {
		$bad++; echo "shared s$i: ", vpopmail_error(), "\n";
	}
}
echo json_encode(['mine' => $mine, 'won' => $won, 'bad' => $bad]), "\n";
PHP;
$file = tempnam(sys_get_temp_dir(), 'vp305');
file_put_contents($file, "<?php\n" . $code);
$ini = ['vpopmail.directory' => "$root/vpopmail", 'vpopmail.qmail_dir' => "$root/qmail", 'vpopmail.uid' => '89',
        'vpopmail.gid' => '89', 'vpopmail.backend' => 'mysql', 'vpopmail.mysql_config' => "$db/vpopmail.mysql",
        'vpopmail.mysql_socket' => "$db/sock", 'vpopmail.password_scheme' => 'md5'];
$cmd = escapeshellarg(getenv('TEST_PHP_EXECUTABLE') ?: PHP_BINARY) . ' ' . getenv('TEST_PHP_EXTRA_ARGS');
foreach ($ini as $k => $v) {
	$cmd .= ' -d ' . escapeshellarg("$k=$v");
}
$procs = [];
for ($w = 0; $w < 8; $w++) {
	$procs[$w] = proc_open("$cmd -f " . escapeshellarg($file) . " $w 2>&1", [1 => ['pipe', 'w']], $pipes[$w]);
}
$expect = [];
$bad = 0;
$shared = [];
for ($w = 0; $w < 8; $w++) {
	$out = stream_get_contents($pipes[$w][1]);
	proc_close($procs[$w]);
	$lines = explode("\n", trim($out));
	$r = json_decode(end($lines), true);
	if (!$r) {
		echo "worker $w: $out\n";
		$bad++;
		continue;
	}
	if ($r['bad']) {
		echo "worker $w: $out\n";
	}
	$bad += $r['bad'];
	$expect = array_merge($expect, $r['mine'], $r['won']);
	foreach ($r['won'] as $s) {
		$shared[$s] = ($shared[$s] ?? 0) + 1;
	}
}
unlink($file);
echo "failed calls: $bad; shared names won once each: ", count($shared) === 30 && max($shared) === 1 ? 'yes' : json_encode($shared), "\n";
$expect = array_merge($expect, ['postmaster@one.test', 'postmaster@two.test']);
sort($expect);
$rows = array_filter(explode("\n", vp_m_sql($db, "SELECT CONCAT(pw_name, '@', pw_domain) FROM vpopmail ORDER BY 1", false)));
sort($rows);
echo count($rows), " rows, as the workers reported: ", $rows === $expect ? 'yes' : 'NO', "\n";
$la = array_filter(explode("\n", vp_m_sql($db, "SELECT CONCAT(user, '@', domain) FROM lastauth", false)));
sort($la);
echo "a lastauth row for each: ", $la === $rows ? 'yes' : 'NO', "\n";
foreach ($domains as $d) {
	$n = (int)vp_m_sql($db, "SELECT COUNT(*) FROM vpopmail WHERE pw_domain = '$d'", false);
	$c = (int)vp_m_sql($db, "SELECT cur_users FROM dir_control WHERE domain = '$d'", false);
	echo "$d: counter ", $c === $n ? 'equals' : "$c, not", " the rows\n";
	/* homes: <domain>/<name> and, past 100 users, <domain>/<bucket>/<name> */
	$homes = [];
	foreach (glob("$root/vpopmail/domains/$d/*", GLOB_ONLYDIR) as $h) {
		foreach (strlen(basename($h)) === 1 ? glob("$h/*", GLOB_ONLYDIR) : [$h] as $x) {
			$homes[] = $x;
		}
	}
	sort($homes);
	$dirs = array_filter(explode("\n", vp_m_sql($db, "SELECT pw_dir FROM vpopmail WHERE pw_domain = '$d'", false)));
	sort($dirs);
	$ok = $homes === $dirs;
	foreach ($dirs as $h) {
		$ok = $ok && is_dir("$h/Maildir/new") && is_dir("$h/Maildir/cur") && is_dir("$h/Maildir/tmp");
	}
	$names = $dirs;
	$homes = array_values($homes);
	echo "$d: one home with its Maildir for each row and no other: ", $ok ? 'yes' : 'NO ' . json_encode(array_diff($homes, $names) + array_diff($names, $homes)), "\n";
}
echo "left aside: ", json_encode(glob("$root/vpopmail/domains/*/.deleted.*")), "\n";
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-305-db'));
vp_rmtree(vp_root('vp-305-db'));
vp_rmtree(vp_root('vp-305'));
?>
--EXPECT--
bool(true)
bool(true)
failed calls: 0; shared names won once each: yes
192 rows, as the workers reported: yes
a lastauth row for each: yes
one.test: counter equals the rows
one.test: one home with its Maildir for each row and no other: yes
two.test: counter equals the rows
two.test: one home with its Maildir for each row and no other: yes
left aside: []
