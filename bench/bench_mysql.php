<?php
/*
 * bench_mysql.php: what one operation costs on the mysql backend, by domain
 * size, against a private MariaDB (scripts/mariadb.sh; nothing else is touched).
 *
 *   php bench/bench_mysql.php [--so=modules/vpopmail.so] [--sizes=10000,100000,1000000] [--runs=200] [--timeout=5]
 *
 * (it runs the timed part in a child PHP with the settings of this server)
 *
 * Prints a table (never pass/fail) of microseconds per call, each the median
 * of --runs calls: vpopmail_add_user (a fresh name each; its home included),
 * vpopmail_auth_user (right password), vpopmail_passwd, one
 * vpopmail_list_users page of 50 in the middle of the domain,
 * vpopmail_count_users, and PHP's crypt() of the same hash alone (what the
 * hash costs).  The RSS column is the process's maximum after each size.
 *
 * Population: the domain is made through the API (postmaster), then N-1
 * rows are inserted by SQL in one statement (MariaDB's sequence engine),
 * all with the postmaster's hash, homes not made (none of the timed calls
 * but add opens an existing home), and the domain's dir_control row set to N.
 */

$o = getopt('', ['sizes:', 'runs:', 'so:', 'child', 'tmp:', 'timeout:']);
$sizes = array_map('intval', explode(',', $o['sizes'] ?? '10000,100000,1000000'));
$runs = (int)($o['runs'] ?? 200);
$tmp = $o['tmp'] ?? sys_get_temp_dir() . '/vp-bench-mysql-' . getmypid();
$db = "$tmp/db";
if (!isset($o['child'])):
@mkdir("$tmp/vpopmail", 0755, true);
@mkdir("$tmp/qmail/users", 0755, true);
@mkdir("$tmp/qmail/control", 0755, true);
$script = escapeshellarg(__DIR__ . '/../scripts/mariadb.sh');
exec("VP_MARIADB_OWNER=" . getmypid() . " $script start " . escapeshellarg($db) . ' --innodb-buffer-pool-size=256M 2>&1', $out, $rc);
if ($rc !== 0) {
	fwrite(STDERR, "bench_mysql: cannot start MariaDB: " . implode("\n", $out) . "\n");
	exit(1);
}
endif;
/* the timed part in a child PHP with this run's settings (PHP_INI_SYSTEM) */
if (!isset($o['child'])) {
	$so = $o['so'] ?? __DIR__ . '/../modules/vpopmail.so';
	$ini = ['extension' => $so, 'vpopmail.directory' => "$tmp/vpopmail", 'vpopmail.qmail_dir' => "$tmp/qmail",
	        'vpopmail.uid' => '89', 'vpopmail.gid' => '89', 'vpopmail.backend' => 'mysql',
	        'vpopmail.mysql_config' => "$db/vpopmail.mysql", 'vpopmail.mysql_socket' => "$db/sock",
	        'vpopmail.mysql_connect_timeout' => $o['timeout'] ?? '5'];
	$cmd = escapeshellarg(PHP_BINARY) . ' -n';
	foreach ($ini as $k => $v) {
		$cmd .= ' -d ' . escapeshellarg("$k=$v");
	}
	passthru($cmd . ' ' . escapeshellarg(__FILE__) . ' --child --sizes=' . implode(',', $sizes) . " --runs=$runs --tmp="
	         . escapeshellarg($tmp), $rc);
	exec("$script stop " . escapeshellarg($db));
	exec('rm -rf ' . escapeshellarg($tmp));
	exit($rc);
}
function sql(string $db, string $q): string
{
	return (string)shell_exec('mariadb --no-defaults -S ' . escapeshellarg("$db/sock") . ' -uroot -N -B vpopmail -e ' . escapeshellarg($q) . ' 2>&1');
}
function median(array $v): float
{
	sort($v);
	return $v[intdiv(count($v), 2)];
}
function timed(int $runs, callable $fn): float
{
	$t = [];
	for ($i = 0; $i < $runs; $i++) {
		$s = hrtime(true);
		$fn($i);
		$t[] = (hrtime(true) - $s) / 1000;
	}
	return median($t);
}
printf("%9s %10s %10s %10s %10s %10s %10s %8s\n", 'users', 'add_user', 'auth_user', 'crypt', 'passwd', 'list 50', 'count', 'RSS MB');
foreach ($sizes as $n) {
	$d = "n$n.bench";
	vpopmail_add_domain_ex($d, 'Secret123') or exit("add_domain: " . vpopmail_error() . "\n");
	$hash = trim(sql($db, "SELECT pw_passwd FROM vpopmail WHERE pw_domain = '$d' AND pw_name = 'postmaster'"));
	sql($db, "INSERT INTO vpopmail SELECT CONCAT('x', seq), '$d', '$hash', 0, 0, CONCAT('x', seq), CONCAT('$tmp/vpopmail/domains/$d/x', seq), 'NOQUOTA' FROM seq_1_to_" . ($n - 1));
	sql($db, "UPDATE dir_control SET cur_users = $n WHERE domain = '$d'");
	$users = vpopmail_count_users($d);
	if ($users !== $n) {
		echo vpopmail_error(), "\n";
		exit("fill: $users users, not $n\n");
	}
	$add = timed($runs, fn($i) => vpopmail_add_user("new$i", $d, 'pw') or exit(vpopmail_error() . "\n"));
	$auth = timed($runs, fn($i) => vpopmail_auth_user('x' . (1 + $i * 7919 % ($n - 1)), $d, 'Secret123') or exit(vpopmail_error() . "\n"));
	$crypt = timed($runs, fn($i) => crypt('Secret123', $hash));
	$passwd = timed($runs, fn($i) => vpopmail_passwd('x' . (1 + $i * 104729 % ($n - 1)), $d, 'Secret123') or exit(vpopmail_error() . "\n"));
	/* a call that fails (a read past vpopmail.mysql_connect_timeout) shows as "failed" */
	$failed = [];
	$list = timed(min($runs, 50), function ($i) use ($d, $n, &$failed) {
		$r = @vpopmail_list_users($d, intdiv($n, 2), 50);
		if (!is_array($r) || count($r) !== 50) {
			$failed['list'] = vpopmail_error();
		}
	});
	$count = timed(min($runs, 50), function ($i) use ($d, $n, &$failed) {
		if (@vpopmail_count_users($d) !== $n + $GLOBALS['runs']) {
			$failed['count'] = vpopmail_error();
		}
	});
	$cell = fn($v, $k) => isset($failed[$k]) ? 'failed' : sprintf('%.0f', $v);
	printf("%9d %10.0f %10.0f %10.0f %10.0f %10s %10s %8.1f\n", $n, $add, $auth, $crypt, $passwd, $cell($list, 'list'),
	       $cell($count, 'count'), getrusage()['ru_maxrss'] / 1024);
	foreach ($failed as $k => $m) {
		echo "  $k: $m\n";
	}
	vpopmail_del_domain($d);
}
