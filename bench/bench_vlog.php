<?php
/*
 * bench_vlog.php: what vpopmail.sql_logging (one vlog INSERT per
 * vpopmail_auth_user call) adds to a login on the mysql backend, against a
 * private MariaDB (scripts/mariadb.sh, default durability: InnoDB flushes its
 * log at every commit).
 *
 *   php bench/bench_vlog.php [--so=modules/vpopmail.so] [--runs=300] [--scheme=sha512]
 *
 * Figures only: the median and mean microseconds of a right and a wrong
 * password, with sql_logging off and on (each in its own child PHP, the
 * setting being PHP_INI_SYSTEM), and the difference; auth_logging (the
 * lastauth row) is off in both so the log row is the one difference.
 */
$o = getopt('', ['runs:', 'so:', 'child', 'tmp:', 'scheme:']);
$runs = (int)($o['runs'] ?? 300);
$tmp = $o['tmp'] ?? sys_get_temp_dir() . '/vp-bench-vlog-' . getmypid();
$db = "$tmp/db";
if (isset($o['child'])) {
	$t = ['ok' => [], 'bad' => []];
	for ($i = 0; $i < $runs; $i++) {
		foreach (['ok' => 'alicepw', 'bad' => 'wrong'] as $k => $pw) {
			$a = hrtime(true);
			vpopmail_auth_user('alice', 'example.com', $pw, null, 'pop', '127.0.0.2');
			$t[$k][] = (hrtime(true) - $a) / 1000;
		}
	}
	foreach ($t as $k => $v) {
		sort($v);
		printf("%s %.0f %.0f\n", $k, $v[intdiv(count($v), 2)], array_sum($v) / count($v));
	}
	exit(0);
}
@mkdir("$tmp/vpopmail", 0755, true);
@mkdir("$tmp/qmail/users", 0755, true);
@mkdir("$tmp/qmail/control", 0755, true);
$script = escapeshellarg(__DIR__ . '/../scripts/mariadb.sh');
exec("VP_MARIADB_OWNER=" . getmypid() . " $script start " . escapeshellarg($db) . ' 2>&1', $out, $rc);
if ($rc !== 0) {
	fwrite(STDERR, "bench_vlog: cannot start MariaDB: " . implode("\n", $out) . "\n");
	exit(1);
}
$so = $o['so'] ?? __DIR__ . '/../modules/vpopmail.so';
$php = function (array $more, string $args) use ($so, $tmp, $db): string {
	$ini = ['extension' => $so, 'vpopmail.directory' => "$tmp/vpopmail", 'vpopmail.qmail_dir' => "$tmp/qmail",
	        'vpopmail.uid' => '89', 'vpopmail.gid' => '89', 'vpopmail.backend' => 'mysql',
	        'vpopmail.mysql_config' => "$db/vpopmail.mysql", 'vpopmail.mysql_socket' => "$db/sock",
	        'vpopmail.auth_logging' => '0'] + $more;
	$cmd = escapeshellarg(PHP_BINARY) . ' -n';
	foreach ($ini as $k => $v) {
		$cmd .= ' -d ' . escapeshellarg("$k=$v");
	}
	return (string)shell_exec("$cmd $args 2>&1");
};
$scheme = $o['scheme'] ?? 'sha512';
echo $php(['vpopmail.password_scheme' => $scheme], '-r ' . escapeshellarg("vpopmail_add_domain_ex('example.com', 'Secret123'); vpopmail_add_user('alice', 'example.com', 'alicepw');"));
$res = [];
foreach (['off' => '0', 'on' => '1'] as $k => $v) {
	foreach (explode("\n", trim($php(['vpopmail.sql_logging' => $v], escapeshellarg(__FILE__) . " --child --runs=$runs --tmp=" . escapeshellarg($tmp)))) as $l) {
		[$what, $med, $mean] = explode(' ', $l) + [null, null, null];
		$res[$what][$k] = [(float)$med, (float)$mean];
	}
}
$rows = (int)trim((string)shell_exec('mariadb --no-defaults -S ' . escapeshellarg("$db/sock") . ' -uroot -N -B vpopmail -e "SELECT COUNT(*) FROM vlog" 2>&1'));
printf("vpopmail_auth_user, %d calls each, hash %s; microseconds, median / mean\n", $runs, $scheme);
printf("%-16s %16s %16s %14s\n", 'password', 'sql_logging=0', 'sql_logging=1', 'added (median)');
foreach (['ok' => 'right', 'bad' => 'wrong'] as $k => $label) {
	[$a, $am] = $res[$k]['off'];
	[$b, $bm] = $res[$k]['on'];
	printf("%-16s %8.0f / %5.0f %8.0f / %5.0f %9.0f (%+.0f%%)\n", $label, $a, $am, $b, $bm, $b - $a, $a > 0 ? 100 * ($b - $a) / $a : 0);
}
printf("vlog rows written: %d (expected %d)\n", $rows, 2 * $runs);
exec("$script stop " . escapeshellarg($db));
exec('rm -rf ' . escapeshellarg($tmp));
