<?php
/*
 * bench_usage.php: what vpopmail_domain_usage() costs, by domain size.
 *
 *   VP_BENCH_SCRIPT=bench_usage.php scripts/bench [--sizes=1000,10000,100000] [--runs=5] [--keep] [--cold]
 * or by hand:
 *   php -n -d extension=/path/to/vpopmail.so \
 *       -d vpopmail.directory=/tmp/sandbox/vpopmail -d vpopmail.qmail_dir=/tmp/sandbox/qmail \
 *       bench/bench_usage.php [--sizes=...] [--runs=5] [--keep]
 *
 * Prints a table (never pass/fail) at each size: the median of --runs calls of
 * vpopmail_domain_usage() (maildirsize trusted where there is one, a scan
 * elsewhere), of vpopmail_domain_usage($d, true) (every Maildir scanned), of
 * vpopmail_domain_usage($d, false, false) (counts and limits only), and
 * for scale vpopmail_count_users() and vpopmail_alias_get_all().  With --cold
 * (and root), also the usage call after dropping the page cache (echo 3 >
 * /proc/sys/vm/drop_caches, which slows everything else on the machine down
 * for a while: not on a shared one); "-" otherwise.
 *
 * Population, for each size N: the domain by vpopmail_add_domain_ex, then
 * N-1 vpasswd lines appended in sorted order with their homes in hashed
 * buckets (0..9/0..9), each home a Maildir with new/ cur/ tmp/.  Mailboxes
 * alternate: even ones have a quota and a maildirsize of 1 + (i % 5) lines
 * (as deliveries append to it), odd ones are NOQUOTA with i % 4 messages
 * (",S=" names, half in new/, half in cur/) and no maildirsize: the report
 * scans those.  50 aliases (forwards, robots, a list).  vpasswd.cdb is then
 * rebuilt through libcore (a vpopmail_user_info call), as bench_read.php does.
 *
 * The sandbox must be a throw-away tree: the bench refuses the default
 * /home/vpopmail and /var/qmail, and adds/deletes domains named s<N>.bench.
 */

function fail(string $msg): never
{
	fwrite(STDERR, "bench_usage: $msg\n");
	exit(1);
}

function median(array $v): float
{
	sort($v);
	$n = count($v);
	return $n % 2 ? $v[intdiv($n, 2)] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2;
}

/* CPU time (ms) of this process so far, every thread included. */
function cpu_ms(): float
{
	$r = getrusage();
	return ($r['ru_utime.tv_sec'] + $r['ru_stime.tv_sec']) * 1e3 + ($r['ru_utime.tv_usec'] + $r['ru_stime.tv_usec']) / 1e3;
}

/* Median wall time (ms) of $runs calls of $fn; $cpu gets the median CPU time. */
function timed(int $runs, callable $fn, ?float &$cpu = null): float
{
	$t = $c = [];
	for ($r = 0; $r < $runs; $r++) {
		$c0 = cpu_ms();
		$s = hrtime(true);
		$fn();
		$t[] = (hrtime(true) - $s) / 1e6;
		$c[] = cpu_ms() - $c0;
	}
	$cpu = median($c);
	return median($t);
}

function ms(float $v): string
{
	return $v >= 100 ? number_format($v, 0, '.', '') : number_format($v, 2, '.', '');
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

/* Returns [dir, expected bytes, expected messages] for the default (maildirsize-trusting) call. */
function fill(string $qmail, string $domain, int $n): array
{
	vpopmail_add_domain_ex($domain, 'BenchPost1') or fail("cannot add $domain: " . vpopmail_error());
	$dir = domain_dir($qmail, $domain);
	$hash = explode(':', explode("\n", file_get_contents("$dir/vpasswd"))[0])[1];
	for ($a = 0; $a < 10; $a++) {
		for ($b = 0; $b < 10; $b++) {
			@mkdir("$dir/$a/$b", 0700, true);
		}
	}
	$f = fopen("$dir/vpasswd", 'a');
	$buf = '';
	$bytes = $msgs = 0;
	for ($i = 1; $i < $n; $i++) {
		$name = sprintf('u%06d', $i);
		$home = sprintf('%s/%d/%d/%s', $dir, $i % 10, intdiv($i, 10) % 10, $name);
		$md = "$home/Maildir";
		mkdir("$md/new", 0700, true);
		mkdir("$md/cur", 0700);
		mkdir("$md/tmp", 0700);
		if ($i % 2 === 0) {
			$q = 1048576 * (1 + $i % 50);
			$body = "{$q}S\n";
			for ($l = 0; $l <= $i % 5; $l++) {
				$body .= (1000 + $l * 37 + $i % 1000) . " 1\n";
				$bytes += 1000 + $l * 37 + $i % 1000;
				$msgs++;
			}
			file_put_contents("$md/maildirsize", $body);
			$buf .= "$name:$hash:1:0:$name:$home:{$q}S\n";
		} else {
			for ($m = 0; $m < $i % 4; $m++) {
				$size = 2000 + ($i * 7 + $m) % 50000;
				touch("$md/" . ($m % 2 ? 'new' : 'cur') . "/1700000000.$i.$m.host,S=$size" . ($m % 2 ? '' : ':2,S'));
				$bytes += $size;
				$msgs++;
			}
			$buf .= "$name:$hash:1:0:$name:$home:NOQUOTA\n";
		}
		if (strlen($buf) > 1 << 20) {
			fwrite($f, $buf);
			$buf = '';
		}
	}
	fwrite($f, $buf);
	fclose($f);
	unlink("$dir/vpasswd.cdb");
	vpopmail_user_info('postmaster', $domain) or fail('rebuild: ' . vpopmail_error());
	vpopmail_count_users($domain) === $n or fail("count_users != $n");
	for ($k = 0; $k < 50; $k++) {
		$line = $k % 10 === 0 ? "|/usr/local/bin/autorespond 10000 5 $dir/R$k/message $dir/R$k"
		      : ($k === 1 ? "|/usr/local/bin/ezmlm/ezmlm-reject '$dir/list'" : "&fwd$k@remote.test");
		file_put_contents("$dir/.qmail-a$k", "$line\n");
	}
	return [$dir, $bytes, $msgs];
}

if (!extension_loaded('vpopmail')) {
	fail('the vpopmail extension is not loaded (php -d extension=.../vpopmail.so)');
}
$o = getopt('', ['sizes:', 'runs:', 'keep', 'cold', 'help']);
if (isset($o['help'])) {
	echo "usage: php -d extension=... -d vpopmail.directory=... -d vpopmail.qmail_dir=... bench_usage.php\n",
	     "       [--sizes=1000,10000,100000] [--runs=5] [--keep] [--cold]\n";
	exit(0);
}
$sizes = array_map('intval', explode(',', (string)($o['sizes'] ?? '1000,10000,100000')));
$runs = max(1, (int)($o['runs'] ?? 5));
$vp = rtrim(ini_get('vpopmail.directory'), '/');
$qmail = rtrim(ini_get('vpopmail.qmail_dir'), '/');
if ($vp === '/home/vpopmail' || $qmail === '/var/qmail') {
	fail('set vpopmail.directory and vpopmail.qmail_dir to a throw-away sandbox (not /home/vpopmail, /var/qmail)');
}
foreach ([$vp, "$qmail/users", "$qmail/control"] as $d) {
	is_dir($d) || mkdir($d, 0755, true) || fail("cannot create $d");
}
/* --cold drops the whole machine's page cache: only on a machine of your own */
$can_drop = isset($o['cold']) && is_writable('/proc/sys/vm/drop_caches');

$cpu = preg_match('/^model name\s*:\s*(.*)$/m', (string)@file_get_contents('/proc/cpuinfo'), $m) ? $m[1] : php_uname('m');
printf("vpopmail bench_usage - %s\n", date('Y-m-d H:i'));
printf("php %s, vpopmail %s, %s (%s)\n", PHP_VERSION, phpversion('vpopmail'), php_uname('s') . ' ' . php_uname('r'), $cpu);
printf("median of %d calls; milliseconds per call\n\n", $runs);

$cols = ['mailboxes', 'fill s', 'usage', 'usage CPU', 'usage cold', 'usage exact', 'counts only', 'scanned',
         'count_users', 'alias_get_all', 'us/mailbox', 'load'];
$w = array_map('strlen', $cols);
$row = function (array $cells) use ($w) {
	$s = [];
	foreach ($cells as $i => $c) {
		$s[] = str_pad((string)$c, $w[$i], ' ', STR_PAD_LEFT);
	}
	echo '| ', implode(' | ', $s), " |\n";
};
$row($cols);
echo '|', implode('|', array_map(fn($x) => str_repeat('-', $x + 1) . ':', $w)), "|\n";

foreach ($sizes as $n) {
	$domain = "s$n.bench";
	@vpopmail_del_domain($domain);
	$t = hrtime(true);
	[$dir, $bytes, $msgs] = fill($qmail, $domain, $n);
	$fill = (hrtime(true) - $t) / 1e9;
	$u = vpopmail_domain_usage($domain) or fail('usage: ' . vpopmail_error());
	$u['mailboxes']['count'] === $n or fail('mailboxes ' . $u['mailboxes']['count']);
	$u['disk']['bytes'] === $bytes && $u['disk']['messages'] === $msgs
		or fail("bytes {$u['disk']['bytes']} != $bytes or messages {$u['disk']['messages']} != $msgs");
	$u['forwards']['count'] === 44 && $u['autoresponders']['count'] === 5 && $u['mailinglists']['count'] === 1
		or fail('alias counts ' . json_encode([$u['forwards'], $u['autoresponders'], $u['mailinglists']]));
	$warm = timed($runs, fn() => vpopmail_domain_usage($domain), $warm_cpu);
	$exact = timed($runs, fn() => vpopmail_domain_usage($domain, true));
	$counts = timed($runs, fn() => vpopmail_domain_usage($domain, false, false));
	$cold = '-';
	if ($can_drop) {
		$c = [];
		for ($r = 0; $r < min($runs, 3); $r++) {
			file_put_contents('/proc/sys/vm/drop_caches', "3\n");
			$s = hrtime(true);
			vpopmail_domain_usage($domain);
			$c[] = (hrtime(true) - $s) / 1e6;
		}
		$cold = ms(median($c));
	}
	$cnt = timed($runs, fn() => vpopmail_count_users($domain));
	$al = timed($runs, fn() => vpopmail_alias_get_all($domain));
	$row([$n, number_format($fill, 1), ms($warm), ms($warm_cpu), $cold, ms($exact), ms($counts), $u['disk']['scanned'], ms($cnt),
	      ms($al), number_format($warm * 1000 / $n, 2), number_format(sys_getloadavg()[0], 1)]);
	if (!isset($o['keep'])) {
		vpopmail_del_domain($domain) or fail("del $domain: " . vpopmail_error());
	}
}
echo "\nusage: vpopmail_domain_usage() (maildirsize where present, the NOQUOTA half scanned); usage exact:\n",
     "every Maildir scanned; counts only: vpopmail_domain_usage(\$d, false, false), no Maildir opened;\n",
     "usage cold: after dropping the page cache (--cold, root only); usage CPU: user + system time of\n",
     "the call, all threads (the machine's load moves it less than the wall time); load: 1-minute load average.\n";
