<?php
/*
 * bench_mysql.php: what one operation costs on the mysql backend, by domain
 * size, against a private MariaDB (scripts/mariadb.sh; nothing else is touched).
 *
 *   php bench/bench_mysql.php [--so=modules/vpopmail.so] [--sizes=1000,10000,100000,1000000]
 *                             [--runs=200] [--timeout=5] [--no-index]
 *
 * (it runs the timed part in a child PHP with the settings of this server)
 *
 * Prints tables (never pass/fail), microseconds per call, each the median of
 * --runs calls made side by side in one run (a load burst hits them alike):
 *  - writes: vpopmail_add_user (a fresh name each, its home included), beside
 *    crypt() of the same scheme (the hash add_user makes) and a bare
 *    START TRANSACTION + INSERT + COMMIT of one row into the same table on a
 *    connection of its own (PHP's FFI on libmariadb: the server's commit
 *    flush, the floor of any durable add; "n/a" without FFI);
 *    vpopmail_passwd;
 *  - logins (issue 17): per round, in this order: crypt() of the stored
 *    hash, a logged login (vpopmail.auth_logging=1), crypt() again, an
 *    unlogged login (auth_logging=0), then two logged logins in a row, of
 *    which the second is timed ("b2b": it waits for the answer of the first's
 *    lastauth row, which it finds still on its way).  So the logged and the
 *    unlogged login each come after a crypt, as a login comes after other
 *    work; crypt is the mean of the two crypt medians;
 *  - reading: one vpopmail_list_users page of 50 at offset 0 and in the
 *    middle of the domain, vpopmail_count_users; then the same with an index
 *    on vpopmail(pw_domain) that a DBA may add (created by root here, dropped
 *    after; --no-index skips it);
 *  - RSS: the process's maximum after each size.
 *
 * Population: the domain is made through the API (postmaster), then N-1
 * rows are inserted by SQL in one statement (MariaDB's sequence engine),
 * all with the postmaster's hash, homes not made (none of the timed calls
 * but add opens an existing home), and the domain's dir_control row set to N.
 */

$o = getopt('', ['sizes:', 'runs:', 'so:', 'child', 'tmp:', 'timeout:', 'no-index']);
$sizes = array_map('intval', explode(',', $o['sizes'] ?? '1000,10000,100000,1000000'));
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
	if (is_file(ini_get('extension_dir') . '/ffi.so')) {
		$cmd .= ' -d extension=ffi -d ffi.enable=1';
	}
	passthru($cmd . ' ' . escapeshellarg(__FILE__) . ' --child --sizes=' . implode(',', $sizes) . " --runs=$runs --tmp="
	         . escapeshellarg($tmp) . (isset($o['no-index']) ? ' --no-index' : ''), $rc);
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
/* Each callable of $fns once per round, in order, $runs rounds: the medians. */
function side_by_side(int $runs, array $fns): array
{
	$t = array_fill_keys(array_keys($fns), []);
	for ($i = 0; $i < $runs; $i++) {
		foreach ($fns as $k => $fn) {
			$s = hrtime(true);
			$fn($i);
			$t[$k][] = (hrtime(true) - $s) / 1000;
		}
	}
	return array_map('median', $t);
}
/* A connection of its own for the floor (FFI on Connector/C), or null. */
function floor_conn(string $db): ?array
{
	if (!extension_loaded('ffi')) {
		return null;
	}
	try {
		$f = FFI::cdef('typedef struct st_mysql MYSQL; MYSQL *mysql_init(MYSQL *m);'
		             . 'MYSQL *mysql_real_connect(MYSQL *m, const char *h, const char *u, const char *p, const char *d,'
		             . ' unsigned int port, const char *sock, unsigned long flags);'
		             . 'int mysql_query(MYSQL *m, const char *q); void mysql_close(MYSQL *m);', 'libmariadb.so.3');
	} catch (Throwable $e) {
		return null;
	}
	$m = $f->mysql_init(null);
	if ($f->mysql_real_connect($m, 'localhost', 'vpopmailuser', 'vpoppasswd', 'vpopmail', 0, "$db/sock", 0) === null) {
		return null;
	}
	return [$f, $m];
}

/* The hash the extension itself computes: libxcrypt's crypt() through FFI.
 * PHP's own crypt() has its own SHA-512 code, 1.6-1.9x slower than
 * libxcrypt's on this machine, and would flatter every "x crypt" figure. */
function xcrypt(): array
{
	if (extension_loaded('ffi')) {
		try {
			$c = FFI::cdef('char *crypt(const char *phrase, const char *setting);', 'libcrypt.so.1');
			return ['libxcrypt', fn(string $pw, string $setting) => FFI::string($c->crypt($pw, $setting))];
		} catch (Throwable $e) {
		}
	}
	return ['PHP crypt()', fn(string $pw, string $setting) => crypt($pw, $setting)];
}
[$crypt_name, $crypt] = xcrypt();
if ($crypt('Secret123', '$6$abcdefgh$') !== crypt('Secret123', '$6$abcdefgh$')) {
	exit("bench_mysql: libxcrypt and PHP disagree on a SHA-512 hash\n");
}
$floor = floor_conn($db);
$w = [];
$l = [];
$r = [];
foreach ($sizes as $n) {
	$d = "n$n.bench";
	vpopmail_add_domain_ex($d, 'Secret123') or exit("add_domain: " . vpopmail_error() . "\n");
	$hash = trim(sql($db, "SELECT pw_passwd FROM vpopmail WHERE pw_domain = '$d' AND pw_name = 'postmaster'"));
	$t0 = microtime(true);
	sql($db, "INSERT INTO vpopmail SELECT CONCAT('x', seq), '$d', '$hash', 0, 0, CONCAT('x', seq), CONCAT('$tmp/vpopmail/domains/$d/x', seq), 'NOQUOTA' FROM seq_1_to_" . ($n - 1));
	sql($db, "UPDATE dir_control SET cur_users = $n WHERE domain = '$d'");
	$fill = microtime(true) - $t0;
	$users = vpopmail_count_users($d);
	if ($users !== $n) {
		echo vpopmail_error(), "\n";
		exit("fill: $users users, not $n\n");
	}
	$newhash = crypt('pw', '$6$' . substr(strtr(base64_encode(random_bytes(12)), '+', '.'), 0, 16) . '$');
	$fns = [
		'add' => fn($i) => vpopmail_add_user("new$i", $d, 'pw') or exit(vpopmail_error() . "\n"),
		'crypt' => fn($i) => $crypt('pw', $newhash),
	];
	if ($floor) {
		[$f, $m] = $floor;
		$fns['floor'] = function ($i) use ($f, $m, $d) {
			$f->mysql_query($m, 'START TRANSACTION');
			$f->mysql_query($m, "INSERT INTO vpopmail VALUES ('floor$i', '$d', 'h', 0, 0, 'g', '/nonexistent', 'NOQUOTA')");
			$f->mysql_query($m, 'COMMIT');
		};
	}
	$a = side_by_side($runs, $fns);
	sql($db, "DELETE FROM vpopmail WHERE pw_domain = '$d' AND pw_name LIKE 'floor%'");
	$a['passwd'] = side_by_side($runs, ['p' => fn($i) => vpopmail_passwd('x' . (1 + $i * 104729 % ($n - 1)), $d, 'Secret123')
	                                               or exit(vpopmail_error() . "\n")])['p'];
	$w[$n] = $a + ['fill' => $fill];

	$user = fn($i) => 'x' . (1 + $i * 7919 % ($n - 1));
	$login = function ($i, $logged) use ($user, $d) {
		ini_set('vpopmail.auth_logging', $logged ? '1' : '0');
		vpopmail_auth_user($user($i), $d, 'Secret123', null, 'imap', '192.0.2.' . ($i % 200 + 1)) or exit(vpopmail_error() . "\n");
	};
	$l[$n] = side_by_side($runs, [
		'crypt' => fn($i) => $crypt('Secret123', $hash),
		'logged' => fn($i) => $login($i, true),
		'crypt2' => fn($i) => $crypt('Secret123', $hash),
		'unlogged' => fn($i) => $login($i, false),
		'pre' => fn($i) => $login($i + 1, true),
		'b2b' => fn($i) => $login($i + 2, true),
	]);
	$l[$n]['crypt'] = ($l[$n]['crypt'] + $l[$n]['crypt2']) / 2;
	ini_set('vpopmail.auth_logging', '1');

	/* a call that fails (a read past vpopmail.mysql_connect_timeout) shows as "failed" */
	$total = $n + $runs;
	$reads = function () use ($d, $total, $runs) {
		$failed = [];
		$page = function ($off) use ($d, &$failed) {
			$x = @vpopmail_list_users($d, $off, 50);
			if (!is_array($x) || count($x) !== 50) {
				$failed[$off ? 'mid' : 'first'] = vpopmail_error();
			}
		};
		$m = side_by_side(min($runs, 11), [
			'first' => fn($i) => $page(0),
			'mid' => fn($i) => $page(intdiv($total, 2)),
			'count' => function ($i) use ($d, $total, &$failed) {
				if (@vpopmail_count_users($d) !== $total) {
					$failed['count'] = vpopmail_error();
				}
			},
		]);
		foreach ($failed as $k => $msg) {
			$m[$k] = "failed: $msg";
		}
		return $m;
	};
	$r[$n]['plain'] = $reads();
	if (!isset($o['no-index'])) {
		$t0 = microtime(true);
		sql($db, 'CREATE INDEX pw_domain ON vpopmail (pw_domain)');
		$r[$n]['index_s'] = microtime(true) - $t0;
		$r[$n]['index'] = $reads();
		sql($db, 'DROP INDEX pw_domain ON vpopmail');
	}
	$r[$n]['rss'] = getrusage()['ru_maxrss'] / 1024;
	vpopmail_del_domain($d) or exit("del_domain: " . vpopmail_error() . "\n");
}

$cell = fn($v) => is_string($v) ? $v : sprintf('%.0f', $v);
echo "crypt = $crypt_name of the same hash\n\n";
echo "writes (us; floor = bare START TRANSACTION + INSERT + COMMIT, same table, own connection)\n";
printf("%9s %7s %10s %10s %10s %12s %10s\n", 'users', 'fill s', 'add_user', 'crypt', 'floor', 'add-crypt', 'passwd');
foreach ($w as $n => $a) {
	printf("%9d %7.1f %10.0f %10.0f %10s %12.0f %10.0f\n", $n, $a['fill'], $a['add'], $a['crypt'],
	       isset($a['floor']) ? sprintf('%.0f', $a['floor']) : 'n/a', $a['add'] - $a['crypt'], $a['passwd']);
}
echo "\nlogins (us; interleaved per round: crypt, logged, crypt, unlogged, logged, logged = b2b)\n";
printf("%9s %9s %9s %9s %12s %15s %12s %14s\n", 'users', 'crypt', 'unlogged', 'logged', 'logged-b2b', 'logged/unlogged',
       'logged/crypt', 'unlogged-crypt');
foreach ($l as $n => $a) {
	printf("%9d %9.0f %9.0f %9.0f %12.0f %15.3f %12.3f %14.0f\n", $n, $a['crypt'], $a['unlogged'], $a['logged'], $a['b2b'],
	       $a['logged'] / $a['unlogged'], $a['logged'] / $a['crypt'], $a['unlogged'] - $a['crypt']);
}
echo "\nreading (us; list_users page of 50; a DBA's index on vpopmail(pw_domain) in the right half)\n";
printf("%9s %12s %12s %12s | %12s %12s %12s %8s | %7s\n", 'users', 'page at 0', 'page mid', 'count', 'idx page 0', 'idx mid',
       'idx count', 'index s', 'RSS MB');
foreach ($r as $n => $x) {
	$p = $x['plain'];
	$i = $x['index'] ?? ['first' => 'n/a', 'mid' => 'n/a', 'count' => 'n/a'];
	printf("%9d %12s %12s %12s | %12s %12s %12s %8s | %7.1f\n", $n, $cell($p['first']), $cell($p['mid']), $cell($p['count']),
	       $cell($i['first']), $cell($i['mid']), $cell($i['count']),
	       isset($x['index_s']) ? sprintf('%.1f', $x['index_s']) : 'n/a', $x['rss']);
}
