<?php
/*
 * bench_domains.php: reading one small domain among many on the mysql
 * backend (issue 14: "list, count and paging ... on 10k domains stay
 * bounded"), against a private MariaDB (scripts/mariadb.sh).
 *
 *   php bench/bench_domains.php [--so=modules/vpopmail.so] [--domains=10000] [--per=10,100] [--runs=51]
 *
 * Population: --domains domains in users/assign (and users/cdb, as
 * qmail-newu builds it), --per users each, inserted by SQL in one statement
 * into vpopmail's many-domains table (MariaDB's sequence engine), all with
 * one real hash.  Then, for a domain in the middle, medians of --runs calls
 * (microseconds): user_info (a key lookup), auth_user (unlogged: the read
 * and crypt), a list_users page of 50 at offset 0, count_users, beside the
 * rows the server read for the page's and the count's statements (its
 * Handler_read_* counters, the same statements run by root in one session);
 * then the same with the index a DBA may add on
 * vpopmail(pw_domain) (vpopmail's schema has only the (pw_name, pw_domain)
 * key and README.mysql's grants include no INDEX: we never create it).
 * Figures only, never pass/fail.
 */
require __DIR__ . '/../tests/cdb.inc';

$o = getopt('', ['so:', 'domains:', 'per:', 'runs:', 'child', 'tmp:']);
$ndom = (int)($o['domains'] ?? 10000);
$pers = array_map('intval', explode(',', $o['per'] ?? '10,100'));
$runs = (int)($o['runs'] ?? 51);
$tmp = $o['tmp'] ?? sys_get_temp_dir() . '/vp-bench-domains-' . getmypid();
$db = "$tmp/db";
$script = escapeshellarg(__DIR__ . '/../scripts/mariadb.sh');
if (!isset($o['child'])) {
	@mkdir("$tmp/vpopmail/domains", 0755, true);
	@mkdir("$tmp/qmail/users", 0755, true);
	@mkdir("$tmp/qmail/control", 0755, true);
	exec("VP_MARIADB_OWNER=" . getmypid() . " $script start " . escapeshellarg($db) . ' --innodb-buffer-pool-size=256M 2>&1', $out, $rc);
	if ($rc !== 0) {
		fwrite(STDERR, "bench_domains: cannot start MariaDB: " . implode("\n", $out) . "\n");
		exit(1);
	}
	$so = $o['so'] ?? __DIR__ . '/../modules/vpopmail.so';
	$ini = ['extension' => $so, 'vpopmail.directory' => "$tmp/vpopmail", 'vpopmail.qmail_dir' => "$tmp/qmail",
	        'vpopmail.uid' => '89', 'vpopmail.gid' => '89', 'vpopmail.backend' => 'mysql',
	        'vpopmail.mysql_config' => "$db/vpopmail.mysql", 'vpopmail.mysql_socket' => "$db/sock",
	        'vpopmail.auth_logging' => '0'];
	$cmd = escapeshellarg(PHP_BINARY) . ' -n';
	foreach ($ini as $k => $v) {
		$cmd .= ' -d ' . escapeshellarg("$k=$v");
	}
	passthru($cmd . ' ' . escapeshellarg(__FILE__) . " --child --domains=$ndom --per=" . implode(',', $pers)
	         . " --runs=$runs --tmp=" . escapeshellarg($tmp), $rc);
	exec("$script stop " . escapeshellarg($db));
	exec('rm -rf ' . escapeshellarg($tmp));
	exit($rc);
}

function sql(string $db, string $q): string
{
	return (string)shell_exec('mariadb --no-defaults -S ' . escapeshellarg("$db/sock") . ' -uroot -N -B vpopmail -e '
	                          . escapeshellarg($q) . ' 2>&1');
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
/* The rows the server read for $q, as its Handler_read_* counters count
 * them in one session (FLUSH STATUS, the query, SHOW SESSION STATUS), and
 * the key EXPLAIN names. */
function examined(string $db, string $q): string
{
	$out = sql($db, "FLUSH STATUS; $q; SHOW SESSION STATUS LIKE 'Handler_read%'");
	$rows = 0;
	foreach (explode("\n", $out) as $l) {
		if (preg_match('/^Handler_read_(first|key|last|next|prev|rnd|rnd_next)\t(\d+)$/', $l, $m)) {
			$rows += (int)$m[2];
		}
	}
	$f = explode("\t", explode("\n", sql($db, "EXPLAIN $q"))[0]);
	return $rows . ' (' . (($f[5] ?? 'NULL') === 'NULL' ? 'scan' : $f[5]) . ')';
}

/* one real domain first: the tables and a real hash */
vpopmail_add_domain_ex('real.bench', 'Secret123') or exit('add_domain: ' . vpopmail_error() . "\n");
$hash = trim(sql($db, "SELECT pw_passwd FROM vpopmail WHERE pw_domain = 'real.bench' AND pw_name = 'postmaster'"));
$assign0 = file_get_contents("$tmp/qmail/users/assign");
$lines = '';
for ($i = 0; $i < $ndom; $i++) {
	$d = "d$i.bench";
	$lines .= "+$d-:$d:89:89:$tmp/vpopmail/domains/$d:-::\n";
}
file_put_contents("$tmp/qmail/users/assign", str_replace("\n.\n", "\n", $assign0) . $lines . ".\n");
vp_users_cdb_build("$tmp/qmail");
$mid = 'd' . intdiv($ndom, 2) . '.bench';
@mkdir("$tmp/vpopmail/domains/$mid", 0700);

$res = [];
foreach ($pers as $per) {
	sql($db, "DELETE FROM vpopmail WHERE pw_domain LIKE 'd%.bench'");
	$t0 = microtime(true);
	$n = $ndom * $per;
	sql($db, "INSERT INTO vpopmail SELECT CONCAT('u', seq MOD $per), CONCAT('d', seq DIV $per, '.bench'), '$hash', 0, 0, "
	       . "'g', CONCAT('$tmp/vpopmail/domains/', 'd', seq DIV $per, '.bench/u', seq MOD $per), 'NOQUOTA' "
	       . "FROM seq_0_to_" . ($n - 1));
	$fill = microtime(true) - $t0;
	if (vpopmail_count_users($mid) !== $per) {
		exit("fill: " . var_export(vpopmail_count_users($mid), true) . " users in $mid, not $per: " . vpopmail_error() . "\n");
	}
	$page_q = "SELECT pw_name FROM vpopmail WHERE pw_domain = '$mid' ORDER BY pw_name LIMIT 50";
	$count_q = "SELECT COUNT(*) FROM vpopmail WHERE pw_domain = '$mid'";
	$measure = function () use ($runs, $mid, $per, $db, $page_q, $count_q) {
		$u = fn($i) => 'u' . ($i * 7 % $per);
		return [
			'info' => timed($runs, fn($i) => vpopmail_user_info($u($i), $mid) or exit(vpopmail_error() . "\n")),
			'auth' => timed($runs, fn($i) => vpopmail_auth_user($u($i), $mid, 'Secret123') or exit(vpopmail_error() . "\n")),
			'crypt' => timed($runs, fn($i) => crypt('Secret123', $GLOBALS['hash'])),
			'page' => timed($runs, function ($i) use ($mid, $per) {
				$x = vpopmail_list_users($mid, 0, 50);
				if (!is_array($x) || count($x) !== min(50, $per)) {
					exit('list: ' . vpopmail_error() . "\n");
				}
			}),
			'count' => timed($runs, fn($i) => vpopmail_count_users($mid) === $per or exit('count: ' . vpopmail_error() . "\n")),
			'page_rows' => examined($db, $page_q),
			'count_rows' => examined($db, $count_q),
		];
	};
	$res[$per]['plain'] = $measure();
	$t0 = microtime(true);
	sql($db, 'CREATE INDEX pw_domain ON vpopmail (pw_domain)');
	$res[$per]['index_s'] = microtime(true) - $t0;
	$res[$per]['index'] = $measure();
	sql($db, 'DROP INDEX pw_domain ON vpopmail');
	$res[$per]['fill'] = $fill;
	$res[$per]['rows'] = $n;
}

printf("%d domains; one domain in the middle ($mid); microseconds, medians of %d calls\n", $ndom, $runs);
printf("%7s %9s %6s | %-7s %9s %9s %9s %9s %9s | %-22s %-22s\n", 'per', 'rows', 'fill s', 'index', 'user_info',
       'auth', 'crypt', 'page 50', 'count', 'page: rows read (key)', 'count: rows read (key)');
foreach ($res as $per => $r) {
	foreach (['plain' => 'none', 'index' => 'pw_domain'] as $k => $label) {
		$m = $r[$k];
		printf("%7d %9d %6.1f | %-7s %9.0f %9.0f %9.0f %9.0f %9.0f | %-22s %-22s\n", $per, $r['rows'], $r['fill'],
		       $label === 'none' ? 'none' : 'DBA', $m['info'], $m['auth'], $m['crypt'], $m['page'], $m['count'],
		       $m['page_rows'], $m['count_rows']);
	}
}
