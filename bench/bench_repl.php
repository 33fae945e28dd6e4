<?php
/*
 * bench_repl.php: the mysql backend with replication on (vpopmail.mysql line
 * 1 the replica, line 2 the primary), on a private primary + replica pair
 * with GTID replication on loopback (scripts/mariadb-pair.sh; nothing else
 * is touched).
 *
 *   php bench/bench_repl.php [--so=modules/vpopmail.so] [--users=10000] [--runs=300]
 *
 * Prints figures only (microseconds, medians and p90 of --runs calls):
 *  1. add_user and auth_user (a fresh request: the login reads from the
 *     replica) on one server (vpopmail.mysql with the primary only) and with
 *     replication, for mysql_read_after_write = primary and = gtid;
 *  2. read-your-writes: passwd, then at once auth_user with the new password
 *     in the same request, both ways (primary: the login reads the primary;
 *     gtid: the replica waits for the passwd's GTID, MASTER_GTID_WAIT);
 *  3. the replica lag seen by a login right after a password change made by
 *     another process: process A changes the password and tells process B
 *     over a pipe; B (a handle of its own that never writes, so it reads from
 *     the replica) logs in with the new password until it works.  Reported:
 *     how often the first try already worked, and the time from A's passwd
 *     returning to B's successful login (pipe latency included, measured
 *     alone as "pipe").
 * Population: --users rows in one domain (sequence engine), as bench_mysql;
 * both servers with a 256 MB buffer pool.
 */

$o = getopt('', ['users:', 'runs:', 'so:', 'child:', 'tmp:', 'mode:', 'conf:']);
$users = (int)($o['users'] ?? 10000);
$runs = (int)($o['runs'] ?? 300);
$tmp = $o['tmp'] ?? sys_get_temp_dir() . '/vp-bench-repl-' . getmypid();
$db = "$tmp/db";
$so = $o['so'] ?? __DIR__ . '/../modules/vpopmail.so';
$pair = escapeshellarg(__DIR__ . '/../scripts/mariadb-pair.sh');

function php_cmd(string $so, string $tmp, string $conf, string $mode, array $extra = []): string
{
	$ini = ['extension' => $so, 'vpopmail.directory' => "$tmp/vpopmail", 'vpopmail.qmail_dir' => "$tmp/qmail",
	        'vpopmail.uid' => '89', 'vpopmail.gid' => '89', 'vpopmail.backend' => 'mysql',
	        'vpopmail.mysql_config' => $conf, 'vpopmail.mysql_read_after_write' => $mode,
	        'vpopmail.password_scheme' => 'md5'] + $extra;
	$cmd = escapeshellarg(PHP_BINARY) . ' -n';
	foreach ($ini as $k => $v) {
		$cmd .= ' -d ' . escapeshellarg("$k=$v");
	}
	return $cmd . ' ' . escapeshellarg(__FILE__);
}
function sql(string $db, string $which, string $q): string
{
	return (string)shell_exec('mariadb --no-defaults -S ' . escapeshellarg("$db/$which/sock") . ' -uroot -N -B vpopmail -e ' . escapeshellarg($q) . ' 2>&1');
}
function stats(array $v): array
{
	sort($v);
	return [$v[intdiv(count($v), 2)], $v[intdiv(count($v) * 9, 10)]];
}
function timed(int $runs, callable $fn): array
{
	$t = [];
	for ($i = 0; $i < $runs; $i++) {
		$s = hrtime(true);
		$fn($i);
		$t[] = (hrtime(true) - $s) / 1000;
	}
	return stats($t);
}

/* ---- children ---- */
if (($o['child'] ?? '') === 'ops') {
	/* add_user, then auth_user in fresh processes would cost a PHP start each:
	 * instead the login figure is taken before this process writes anything */
	$d = 'bench.test';
	$auth = timed($runs, fn($i) => vpopmail_auth_user('x' . (1 + $i * 7919 % ($users - 1)), $d, 'Secret123') or exit(vpopmail_error() . "\n"));
	$tag = getmypid();
	$add = timed($runs, fn($i) => vpopmail_add_user("n{$tag}x$i", $d, 'pw') or exit(vpopmail_error() . "\n"));
	$passwd = timed($runs, fn($i) => vpopmail_passwd('x' . (1 + $i * 104729 % ($users - 1)), $d, "pw$i") or exit(vpopmail_error() . "\n"));
	$pa = [];
	$aa = [];
	for ($i = 0; $i < $runs; $i++) {
		$u = 'x' . (1 + $i * 15485863 % ($users - 1));
		$s = hrtime(true);
		vpopmail_passwd($u, $d, "ryw$i") or exit(vpopmail_error() . "\n");
		$m = hrtime(true);
		$ok = vpopmail_auth_user($u, $d, "ryw$i");
		$e = hrtime(true);
		$ok or exit("read-your-writes failed for $u\n");
		$pa[] = ($e - $s) / 1000;
		$aa[] = ($e - $m) / 1000;
	}
	echo json_encode(['auth' => $auth, 'add' => $add, 'passwd' => $passwd, 'ryw' => stats($pa), 'ryw_auth' => stats($aa)]), "\n";
	exit(0);
}
if (($o['child'] ?? '') === 'login') {
	/* B: never writes (auth_logging off), so every read is the replica's */
	fwrite(STDOUT, "ready\n");
	while (($l = fgets(STDIN)) !== false) {
		[$u, $pw] = explode(' ', trim($l));
		if ($u === 'ping') {
			fwrite(STDOUT, "pong\n");
			continue;
		}
		$tries = 0;
		$s = hrtime(true);
		do {
			$tries++;
			$ok = vpopmail_auth_user($u, 'bench.test', $pw);
		} while (!$ok && $tries < 100000);
		fwrite(STDOUT, $tries . ' ' . (hrtime(true) - $s) / 1000 . "\n");
	}
	exit(0);
}
if (($o['child'] ?? '') === 'writer') {
	/* A: changes a password, then tells B; reads B's answer */
	$b = proc_open(php_cmd($so, $tmp, $o['conf'], 'primary', ['vpopmail.auth_logging' => '0']) . ' --child=login --tmp=' . escapeshellarg($tmp),
	               [0 => ['pipe', 'r'], 1 => ['pipe', 'w']], $p);
	fgets($p[1]);
	$pipe = [];
	for ($i = 0; $i < 100; $i++) {
		$s = hrtime(true);
		fwrite($p[0], "ping x\n");
		fgets($p[1]);
		$pipe[] = (hrtime(true) - $s) / 2000;
	}
	$first = 0;
	$lag = [];
	$tries = [];
	for ($i = 0; $i < $runs; $i++) {
		$u = 'x' . (1 + $i * 7907 % ($users - 1));
		vpopmail_passwd($u, 'bench.test', "lag$i") or exit(vpopmail_error() . "\n");
		$s = hrtime(true);
		fwrite($p[0], "$u lag$i\n");
		[$n, $t] = explode(' ', trim(fgets($p[1])));
		$lag[] = (hrtime(true) - $s) / 1000;
		$first += $n === '1' ? 1 : 0;
		$tries[] = (int)$n;
	}
	fclose($p[0]);
	proc_close($b);
	echo json_encode(['pipe' => stats($pipe), 'lag' => stats($lag), 'first' => $first, 'tries' => max($tries)]), "\n";
	exit(0);
}

/* ---- the parent: servers, population, the runs ---- */
@mkdir("$tmp/vpopmail", 0755, true);
@mkdir("$tmp/qmail/users", 0755, true);
@mkdir("$tmp/qmail/control", 0755, true);
exec("VP_MARIADB_OWNER=" . getmypid() . " $pair start " . escapeshellarg($db) . ' --innodb-buffer-pool-size=256M 2>&1', $out, $rc);
if ($rc !== 0) {
	fwrite(STDERR, "bench_repl: cannot start the pair: " . implode("\n", $out) . "\n");
	exit(1);
}
$lines = file("$db/vpopmail.mysql", FILE_IGNORE_NEW_LINES);
file_put_contents("$db/single.mysql", $lines[2] . "\n"); /* the primary alone */
$run = function (string $child, string $conf, string $mode) use ($so, $tmp, $users, $runs): array {
	$out = shell_exec(php_cmd($so, $tmp, $conf, $mode) . " --child=$child --users=$users --runs=$runs --conf=" . escapeshellarg($conf)
	                  . ' --tmp=' . escapeshellarg($tmp) . ' 2>&1');
	$r = json_decode((string)$out, true);
	if (!$r) {
		fwrite(STDERR, "bench_repl: $child: $out\n");
		exit(1);
	}
	return $r;
};
/* the domain through the API, the rows by SQL on the primary */
$setup = php_cmd($so, $tmp, "$db/vpopmail.mysql", 'primary');
$tmpf = "$tmp/setup.php";
file_put_contents($tmpf, '<?php vpopmail_add_domain_ex("bench.test", "Secret123") or exit(vpopmail_error());');
passthru(str_replace(escapeshellarg(__FILE__), escapeshellarg($tmpf), $setup));
$hash = trim(sql($db, 'p', "SELECT pw_passwd FROM vpopmail WHERE pw_domain = 'bench.test' AND pw_name = 'postmaster'"));
sql($db, 'p', "INSERT INTO vpopmail SELECT CONCAT('x', seq), 'bench.test', '$hash', 0, 0, CONCAT('x', seq), CONCAT('$tmp/vpopmail/domains/bench.test/x', seq), 'NOQUOTA' FROM seq_1_to_" . ($users - 1));
sql($db, 'p', "UPDATE dir_control SET cur_users = $users WHERE domain = 'bench.test'");
$pos = trim(sql($db, 'p', 'SELECT @@gtid_binlog_pos'));
sql($db, 'r', "SELECT MASTER_GTID_WAIT('$pos', 60)");

printf("%d users, %d runs each, microseconds (median / p90), md5-crypt hashes\n\n", $users, $runs);
printf("%-40s %13s %13s %13s %13s %13s\n", 'setup', 'auth_user', 'add_user', 'passwd', 'passwd+auth', 'auth after');
$rows = [['one server (line 1 only)', "$db/single.mysql", 'primary'],
         ['replication, read_after_write=primary', "$db/vpopmail.mysql", 'primary'],
         ['replication, read_after_write=gtid', "$db/vpopmail.mysql", 'gtid']];
$f = fn(array $x) => sprintf('%6.0f/%-6.0f', $x[0], $x[1]);
$reset = function () use ($db, $hash) { /* every run starts from the same rows, the replica caught up */
	sql($db, 'p', "UPDATE vpopmail SET pw_passwd = '$hash' WHERE pw_domain = 'bench.test'");
	$pos = trim(sql($db, 'p', 'SELECT @@gtid_binlog_pos'));
	sql($db, 'r', "SELECT MASTER_GTID_WAIT('$pos', 60)");
};
foreach ($rows as [$label, $conf, $mode]) {
	$reset();
	$r = $run('ops', $conf, $mode);
	printf("%-40s %13s %13s %13s %13s %13s\n", $label, $f($r['auth']), $f($r['add']), $f($r['passwd']), $f($r['ryw']), $f($r['ryw_auth']));
}
$reset();
$r = $run('writer', "$db/vpopmail.mysql", 'primary');
printf("\nreplica lag seen by another process's login right after a passwd (%d changes):\n", $runs);
printf("  first try already saw the new password: %d of %d (most tries needed: %d)\n", $r['first'], $runs, $r['tries']);
printf("  passwd returned -> other login succeeded: %s us (pipe one way: %s us)\n", $f($r['lag']), $f($r['pipe']));
exec("$pair stop " . escapeshellarg($db));
exec('rm -rf ' . escapeshellarg($tmp));
