<?php
/*
 * bench_read.php: what the read side costs, by domain size.
 *
 *   php -n -d extension=/path/to/vpopmail.so \
 *       -d vpopmail.directory=/tmp/sandbox/vpopmail -d vpopmail.qmail_dir=/tmp/sandbox/qmail \
 *       bench/bench_read.php [--sizes=1000,10000,100000] [--runs=9] [--page=50] [--keep]
 *
 * Prints a table (never pass/fail) of microseconds per call at each domain
 * size: vpopmail_list_users() for one page at offset 0, in the middle and at
 * the end; the same first page when vpasswd is not sorted (the fallback that
 * indexes and sorts); vpopmail_count_users() (the vpasswd.cdb header), and
 * the same without vpasswd.cdb (counting lines); vpopmail_user_info() of one
 * user; vpopmail_list_domains().  Each figure is the median of --runs calls.
 * Memory: the PHP heap peak of one page call (memory_get_peak_usage after a
 * reset) and the process's maximum RSS at the end of each size.
 *
 * Population: the domain is made with vpopmail_add_domain_ex (postmaster),
 * one user is added with vpopmail_add_user, then N-2 lines with that user's
 * hash are appended to vpasswd in sorted order and vpasswd.cdb is deleted:
 * the next lookup (a vpopmail_user_info call) rebuilds it through libcore,
 * under the domain's lock, as vpopmail does.  No home directories are made
 * (listing never opens them).
 *
 * The sandbox must be a throw-away tree: the bench refuses the default
 * /home/vpopmail and /var/qmail, and adds/deletes domains named r<N>.bench.
 */

function fail(string $msg): never
{
	fwrite(STDERR, "bench_read: $msg\n");
	exit(1);
}

function median(array $v): float
{
	sort($v);
	$n = count($v);
	return $n % 2 ? $v[intdiv($n, 2)] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2;
}

/* Median time (us) of $runs calls of $fn. */
function timed(int $runs, callable $fn): float
{
	$t = [];
	for ($r = 0; $r < $runs; $r++) {
		$s = hrtime(true);
		$fn();
		$t[] = (hrtime(true) - $s) / 1e3;
	}
	return median($t);
}

function us(float $v): string
{
	return $v >= 100 ? number_format($v, 0, '.', '') : number_format($v, 1, '.', '');
}

function domain_dir(string $qmail, string $domain): string
{
	foreach (file("$qmail/users/assign", FILE_IGNORE_NEW_LINES) as $line) {
		if (str_starts_with($line, "+$domain-:")) {
			return explode(':', $line)[4];
		}
	}
	fail("$domain is not in users/assign");
}

function fill(string $qmail, string $domain, int $n): string
{
	vpopmail_add_domain_ex($domain, 'BenchPost1') or fail("cannot add $domain: " . vpopmail_error());
	vpopmail_add_user('u000001', $domain, 'pw1') or fail('add_user: ' . vpopmail_error());
	$dir = domain_dir($qmail, $domain);
	$first = explode("\n", file_get_contents("$dir/vpasswd"));
	$hash = explode(':', array_values(preg_grep('/^u000001:/', $first))[0])[1];
	$f = fopen("$dir/vpasswd", 'a');
	$buf = '';
	for ($i = 2; $i < $n; $i++) {
		$name = sprintf('u%06d', $i);
		$buf .= "$name:$hash:1:0:$name:$dir/$name:NOQUOTA\n";
		if (strlen($buf) > 1 << 20) {
			fwrite($f, $buf);
			$buf = '';
		}
	}
	fwrite($f, $buf);
	fclose($f);
	unlink("$dir/vpasswd.cdb");
	vpopmail_user_info('u000001', $domain) or fail('rebuild: ' . vpopmail_error());
	is_file("$dir/vpasswd.cdb") or fail('vpasswd.cdb was not rebuilt');
	vpopmail_count_users($domain) === $n or fail("count_users != $n");
	return $dir;
}

if (!extension_loaded('vpopmail')) {
	fail('the vpopmail extension is not loaded (php -d extension=.../vpopmail.so)');
}
$o = getopt('', ['sizes:', 'runs:', 'page:', 'keep', 'help']);
if (isset($o['help'])) {
	echo "usage: php -d extension=... -d vpopmail.directory=... -d vpopmail.qmail_dir=... bench_read.php\n",
	     "       [--sizes=1000,10000,100000] [--runs=9] [--page=50] [--keep]\n";
	exit(0);
}
$sizes = array_map('intval', explode(',', (string)($o['sizes'] ?? '1000,10000,100000')));
$runs = max(1, (int)($o['runs'] ?? 9));
$page = max(1, (int)($o['page'] ?? 50));
if (min($sizes) < $page + 2) {
	fail('every size must be larger than the page');
}
$vp = rtrim(ini_get('vpopmail.directory'), '/');
$qmail = rtrim(ini_get('vpopmail.qmail_dir'), '/');
if ($vp === '/home/vpopmail' || $qmail === '/var/qmail') {
	fail('set vpopmail.directory and vpopmail.qmail_dir to a throw-away sandbox (not /home/vpopmail, /var/qmail)');
}
foreach ([$vp, "$qmail/users", "$qmail/control"] as $d) {
	is_dir($d) || mkdir($d, 0755, true) || fail("cannot create $d");
}

$cpu = preg_match('/^model name\s*:\s*(.*)$/m', (string)@file_get_contents('/proc/cpuinfo'), $m) ? $m[1] : php_uname('m');
printf("vpopmail bench_read - %s\n", date('Y-m-d H:i'));
printf("php %s, vpopmail %s, %s (%s)\n", PHP_VERSION, phpversion('vpopmail'), php_uname('s') . ' ' . php_uname('r'), $cpu);
printf("median of %d calls, pages of %d users\n\n", $runs, $page);

$cols = ['users', 'vpasswd MB', 'page @0', 'page @mid', 'page @end', 'unsorted @0', 'count', 'count no cdb',
         'user_info', 'list_domains', 'page heap KB', 'max RSS MB'];
$w = array_map('strlen', $cols);
$row = function (array $cells) use ($w) {
	$s = [];
	foreach ($cells as $i => $c) {
		$s[] = str_pad((string)$c, $w[$i], ' ', STR_PAD_LEFT);
	}
	echo '| ', implode(' | ', $s), " |\n";
};
echo "microseconds per call:\n\n";
$row($cols);
echo '|', implode('|', array_map(fn($x) => str_repeat('-', $x + 1) . ':', $w)), "|\n";

foreach ($sizes as $n) {
	$domain = "r$n.bench";
	@vpopmail_del_domain($domain);
	$dir = fill($qmail, $domain, $n);
	$mid = intdiv($n, 2);
	$end = $n - $page;
	$p0 = timed($runs, fn() => vpopmail_list_users($domain, 0, $page));
	$pm = timed($runs, fn() => vpopmail_list_users($domain, $mid, $page));
	$pe = timed($runs, fn() => vpopmail_list_users($domain, $end, $page));
	count(vpopmail_list_users($domain, $end, $page)) === $page or fail('short last page');
	memory_reset_peak_usage();
	$base = memory_get_usage();
	$rows = vpopmail_list_users($domain, $mid, $page);
	$heap = (memory_get_peak_usage() - $base) / 1024;
	unset($rows);
	$cnt = timed($runs, fn() => vpopmail_count_users($domain));
	$info = timed($runs, fn() => vpopmail_user_info(sprintf('u%06d', $mid), $domain));
	$doms = timed($runs, fn() => vpopmail_list_domains());
	/* without the cdb: counting lines */
	rename("$dir/vpasswd.cdb", "$dir/vpasswd.cdb.away");
	$cnt_lines = timed($runs, fn() => vpopmail_count_users($domain));
	rename("$dir/vpasswd.cdb.away", "$dir/vpasswd.cdb");
	/* unsorted: the first line moved to the end */
	$text = file_get_contents("$dir/vpasswd");
	$nl = strpos($text, "\n");
	file_put_contents("$dir/vpasswd", substr($text, $nl + 1) . substr($text, 0, $nl + 1));
	unset($text);
	$uns = timed($runs, fn() => vpopmail_list_users($domain, 0, $page));
	vpopmail_list_users($domain, 0, 1)[0]['name'] === 'postmaster' or fail('unsorted listing is not sorted');
	$rss = getrusage()['ru_maxrss'] / 1024;
	$row([$n, number_format(filesize("$dir/vpasswd") / 1048576, 1), us($p0), us($pm), us($pe), us($uns), us($cnt),
	      us($cnt_lines), us($info), us($doms), number_format($heap, 0), number_format($rss, 1)]);
	if (!isset($o['keep'])) {
		vpopmail_del_domain($domain) or fail("del $domain: " . vpopmail_error());
	}
}
echo "\npage heap KB: PHP heap for one page of $page rows (the rows themselves); the C side streams vpasswd\n",
     "through a fixed 68 KB buffer.  max RSS: the whole process so far (includes the bench's own vpasswd strings).\n";
