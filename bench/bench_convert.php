<?php
/*
 * bench_convert.php: what vpopmail_convert() costs, cdb -> mysql and back,
 * on one generated domain of N users (md5 hashes, made by vpopmail_batch),
 * against a private MariaDB (scripts/mariadb.sh).  Figures only.
 *
 *   php bench/bench_convert.php [--so=modules/vpopmail.so] [--sizes=1000,10000,50000]
 *
 * Per size: seconds and ms per user of the first cdb -> mysql run, of a
 * second one (nothing to change), and of mysql -> cdb, with the child's
 * peak RSS (MB).
 */
$o = getopt('', ['sizes:', 'so:', 'child:', 'tmp:']);
$sizes = array_map('intval', explode(',', $o['sizes'] ?? '1000,10000,50000'));
$tmp = $o['tmp'] ?? sys_get_temp_dir() . '/vp-bench-convert-' . getmypid();
$db = "$tmp/db";
if (isset($o['child'])) {
	$n = (int)$o['child'];
	$d = "n$n.bench";
	vpopmail_add_domain_ex($d, 'Bench-pm1');
	for ($i = 1; $i < $n; $i += 5000) {
		$ops = [];
		for ($j = $i; $j < min($n, $i + 5000); $j++) {
			$ops[] = ['add', sprintf('u%07d', $j), "pw$j"];
		}
		vpopmail_batch($d, $ops);
	}
	$t = [];
	foreach ([['cdb', 'mysql'], ['cdb', 'mysql'], ['mysql', 'cdb']] as [$a, $b]) {
		$s = hrtime(true);
		$r = vpopmail_convert($a, $b, $d);
		$t[] = [(hrtime(true) - $s) / 1e9, $r[$d]['users'] ?? -1];
	}
	printf("%d %.2f %.2f %.2f %d %d\n", $n, $t[0][0], $t[1][0], $t[2][0], $t[0][1], (int)(getrusage()["ru_maxrss"] / 1024));
	exit(0);
}
$script = escapeshellarg(__DIR__ . '/../scripts/mariadb.sh');
$so = $o['so'] ?? __DIR__ . '/../modules/vpopmail.so';
printf("vpopmail_convert, one domain; seconds (ms per user)\n%9s %16s %16s %16s %8s\n", "users", "cdb->mysql", "again", "mysql->cdb", "RSS MB");
foreach ($sizes as $n) {
	exec('rm -rf ' . escapeshellarg($tmp));
	foreach (['vpopmail', 'qmail/users', 'qmail/control'] as $d) {
		@mkdir("$tmp/$d", 0755, true);
	}
	exec("VP_MARIADB_OWNER=" . getmypid() . " $script start " . escapeshellarg($db) . ' --innodb-buffer-pool-size=256M 2>&1', $out, $rc);
	if ($rc !== 0) {
		fwrite(STDERR, "bench_convert: cannot start MariaDB\n");
		exit(1);
	}
	$ini = ['extension' => $so, 'vpopmail.directory' => "$tmp/vpopmail", 'vpopmail.qmail_dir' => "$tmp/qmail",
	        'vpopmail.uid' => '89', 'vpopmail.gid' => '89', 'vpopmail.backend' => 'cdb', 'vpopmail.password_scheme' => 'md5',
	        'vpopmail.mysql_config' => "$db/vpopmail.mysql", 'vpopmail.mysql_socket' => "$db/sock", 'memory_limit' => '-1'];
	$cmd = escapeshellarg(PHP_BINARY) . ' -n';
	foreach ($ini as $k => $v) {
		$cmd .= ' -d ' . escapeshellarg("$k=$v");
	}
	$line = trim((string)shell_exec("$cmd " . escapeshellarg(__FILE__) . " --child=$n 2>&1"));
	$f = explode(' ', $line);
	if (count($f) === 6) {
		printf("%9d %8.2f (%5.2f) %8.2f (%5.2f) %8.2f (%5.2f) %8d\n", $f[0], $f[1], 1000 * $f[1] / $n, $f[2], 1000 * $f[2] / $n,
		       $f[3], 1000 * $f[3] / $n, $f[5]);
	} else {
		echo "$n: $line\n";
	}
	exec("$script stop " . escapeshellarg($db));
}
exec('rm -rf ' . escapeshellarg($tmp));
