<?php
/*
 * bench_users.php: what one mailbox operation costs, by domain size.
 *
 *   php -n -d extension=/path/to/vpopmail.so \
 *       -d vpopmail.directory=/tmp/sandbox/vpopmail -d vpopmail.qmail_dir=/tmp/sandbox/qmail \
 *       [-d vpopmail.password_scheme=sha512] bench/bench_users.php [options]
 *
 * Prints a table (never pass/fail) of microseconds per operation at each
 * domain size: vpopmail_add_user, vpopmail_del_user, vpopmail_auth_user for
 * a user that exists, an unknown user and a wrong password, and PHP's
 * crypt() of the same stored hash alone, to show how much of an
 * authentication is the hash.  Every figure is a median: of the single
 * add/del timings, and of several runs of a batch of auth/crypt calls.
 *
 * Each domain is first filled to N users (postmaster included).  Filling
 * through the API costs O(N^2) (every add rewrites vpasswd and vpasswd.cdb)
 * and is disk-sync bound, so by default the bench writes the population
 * itself ("synth"): the same vpasswd, vpasswd.cdb, .dir-control and homes
 * (Maildir/{cur,new,tmp}, lastauth) that N add_user calls would leave, all
 * users sharing one hash of the configured scheme.  A self-check at start
 * builds 250 users both ways and compares the trees (hashes masked), and
 * refuses to go on if they differ.  --fill=api fills through
 * vpopmail_add_user instead (slow: minutes for 10k).  The users that are
 * timed are then added through the API on top of the population, so the
 * hashes authenticated are the extension's own.
 *
 * Options: --sizes=1000,10000,50000  --adds=20 (add/del timings per size)
 *          --ops=20 (calls per auth/crypt batch)  --runs=5 (batches)
 *          --fill=synth|api  --no-check  --keep (leave the domains in place)
 *
 * The sandbox must be a throw-away tree: the bench refuses the default
 * /home/vpopmail and /var/qmail, creates the missing qmail folders, and adds
 * and deletes domains named n<N>.bench and check-*.bench in it.
 */

require __DIR__ . '/../tests/cdb.inc';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function fail(string $msg): never
{
	fwrite(STDERR, "bench_users: $msg\n");
	exit(1);
}

function opt(array $o, string $k, string $def): string
{
	return isset($o[$k]) && $o[$k] !== false ? (string)$o[$k] : $def;
}

/* ---- .dir-control, as libcore's vp_dirc_* keep it (spec 1.5) ---- */

function dirc_parse(string $text): array
{
	$l = explode("\n", $text);
	if (count($l) < 8) {
		fail('cannot parse .dir-control');
	}
	$three = fn($s) => array_map('intval', explode(' ', $s));
	return ['cur' => (int)$l[0], 'level_cur' => (int)$l[1], 'level_max' => (int)$l[2],
	        'start' => $three($l[3]), 'end' => $three($l[4]), 'index' => $three($l[6]), 'bucket' => $l[7]];
}

function dirc_bucket(array $d): string
{
	$b = [];
	for ($i = 0; $i <= $d['level_cur']; $i++) {
		$b[] = ALPHABET[$d['index'][$i]];
	}
	return implode('/', $b);
}

function dirc_inc(array &$d): void
{
	$d['cur']++;
	if ($d['cur'] % 100 !== 0) {
		return;
	}
	if ($d['bucket'] === '') {
		$d['level_cur'] = 0;
		$d['index'][0] = $d['start'][0];
		$d['bucket'] = dirc_bucket($d);
		return;
	}
	$full = true;
	for ($i = 0; $i <= $d['level_cur']; $i++) {
		if ($d['index'][$i] < $d['end'][$i]) {
			$full = false;
		}
	}
	if ($full) {
		if ($d['level_cur'] + 1 >= $d['level_max'] || $d['level_cur'] >= 2) {
			return;
		}
		$d['level_cur']++;
		for ($i = 0; $i <= $d['level_cur']; $i++) {
			$d['index'][$i] = $d['start'][$i];
		}
		$d['bucket'] = dirc_bucket($d);
		return;
	}
	for ($i = $d['level_cur']; $i >= 0; $i--) {
		if ($d['index'][$i] < $d['end'][$i]) {
			$d['index'][$i]++;
			break;
		}
		$d['index'][$i] = $d['start'][$i];
	}
	$d['bucket'] = dirc_bucket($d);
}

/* Written after a parse: the third mod as the second ("0 2 2"), as vpopmail and libcore do. */
function dirc_format(array $d): string
{
	return sprintf("%d\n%d\n%d\n%s\n%s\n0 2 2\n%s\n%s\n", $d['cur'], $d['level_cur'], $d['level_max'],
	               implode(' ', $d['start']), implode(' ', $d['end']), implode(' ', $d['index']), $d['bucket']);
}

/* ---- populations ---- */

/* [dir, uid, gid] of a domain, from users/assign */
function domain_info(string $qmail, string $domain): array
{
	foreach (file("$qmail/users/assign", FILE_IGNORE_NEW_LINES) as $line) {
		if (str_starts_with($line, "+$domain-:")) {
			$f = explode(':', $line);
			return [$f[4], (int)$f[2], (int)$f[3]];
		}
	}
	fail("$domain is not in users/assign");
}

function domain_dir(string $qmail, string $domain): string
{
	return domain_info($qmail, $domain)[0];
}

/* As root the extension chowns what it creates to the domain's uid:gid: so do we. */
function owned(string $path, ?array $ids): void
{
	if ($ids) {
		lchown($path, $ids[0]);
		lchgrp($path, $ids[1]);
	}
}

function user_name(int $i): string
{
	return sprintf('u%06d', $i);
}

/* The domain with its postmaster, then users 2..$n written as $n-1 add_user calls would. */
function fill_synth(string $qmail, string $domain, int $n, string $hash): void
{
	vpopmail_add_domain_ex($domain, 'BenchPost1') or fail("cannot add $domain: " . vpopmail_error());
	[$dir, $uid, $gid] = domain_info($qmail, $domain);
	$ids = posix_like_root() ? [$uid, $gid] : null;
	$dc = dirc_parse(file_get_contents("$dir/.dir-control"));
	$lines = [];
	foreach (file("$dir/vpasswd", FILE_IGNORE_NEW_LINES) as $l) {
		$lines[explode(':', $l, 2)[0]] = $l;
	}
	$made = [];
	for ($i = 2; $i <= $n; $i++) {
		$name = user_name($i);
		dirc_inc($dc);
		$b = $dc['bucket'];
		if ($b !== '' && !isset($made[$b])) {
			$p = $dir;
			foreach (explode('/', $b) as $part) {
				$p .= "/$part";
				if (!is_dir($p)) {
					mkdir($p, 0700);
					chmod($p, 0700);
					owned($p, $ids);
				}
			}
			$made[$b] = true;
		}
		$home = $b === '' ? "$dir/$name" : "$dir/$b/$name";
		foreach (['', '/Maildir', '/Maildir/new', '/Maildir/cur', '/Maildir/tmp'] as $sub) {
			mkdir("$home$sub", 0700);
			chmod("$home$sub", 0700);
			owned("$home$sub", $ids);
		}
		file_put_contents("$home/lastauth", '0.0.0.0');
		chmod("$home/lastauth", 0600);
		owned("$home/lastauth", $ids);
		$lines[$name] = "$name:$hash:1:0:$name:$home:NOQUOTA";
	}
	ksort($lines, SORT_STRING);
	$pairs = [];
	foreach ($lines as $name => $l) {
		$pairs[] = [(string)$name, substr($l, strlen((string)$name) + 1)];
	}
	foreach (['vpasswd' => implode("\n", $lines) . "\n", '.dir-control' => dirc_format($dc)] as $f => $data) {
		file_put_contents("$dir/$f.tmp", $data);
		chmod("$dir/$f.tmp", 0600);
		owned("$dir/$f.tmp", $ids);
		rename("$dir/$f.tmp", "$dir/$f");
	}
	vp_cdb_write("$dir/vpasswd.cdb", $pairs);
	chmod("$dir/vpasswd.cdb", 0600);
	owned("$dir/vpasswd.cdb", $ids);
}

function fill_api(string $domain, int $n): void
{
	vpopmail_add_domain_ex($domain, 'BenchPost1') or fail("cannot add $domain: " . vpopmail_error());
	for ($i = 2; $i <= $n; $i++) {
		vpopmail_add_user(user_name($i), $domain, 'pw' . $i) or fail("add " . user_name($i) . ': ' . vpopmail_error());
	}
}

function posix_like_root(): bool
{
	static $root = null;
	if ($root === null) {
		$f = tempnam(sys_get_temp_dir(), 'bench');
		$root = fileowner($f) === 0;
		unlink($f);
	}
	return $root;
}

/* Relative path => content (vpasswd hashes masked, the domain's dir mapped) of a domain tree. */
function tree_view(string $dir): array
{
	$out = [];
	$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($dir, FilesystemIterator::SKIP_DOTS),
	                                    RecursiveIteratorIterator::SELF_FIRST);
	foreach ($it as $f) {
		$rel = substr($f->getPathname(), strlen($dir));
		$mode = sprintf('%o %d:%d', $f->getPerms() & 07777, $f->getOwner(), $f->getGroup());
		if ($f->isDir()) {
			$out[$rel] = "dir $mode";
			continue;
		}
		$data = file_get_contents($f->getPathname());
		if ($rel === '/vpasswd.cdb') {
			$recs = [];
			foreach (cdb_records($data) as [$k, $v]) {
				$recs[] = $k . ' => ' . preg_replace('/^[^:]*/', 'HASH', $v);
			}
			$data = implode("\n", $recs);
		} elseif ($rel === '/vpasswd') {
			$data = preg_replace('/^([^:\n]*):[^:\n]*:/m', '$1:HASH:', $data);
		} elseif ($rel === '/.qmail-default') {
			$data = '';
		}
		$out[$rel] = "file $mode " . str_replace($dir, 'DIR', $data);
	}
	ksort($out, SORT_STRING);
	return $out;
}

function cdb_records(string $data): array
{
	$end = PHP_INT_MAX;
	for ($i = 0; $i < 256; $i++) {
		$end = min($end, unpack('V', $data, $i * 8)[1]);
	}
	$out = [];
	for ($pos = 2048; $pos + 8 <= $end;) {
		[, $kl, $dl] = unpack('V2', $data, $pos);
		$out[] = [substr($data, $pos + 8, $kl), substr($data, $pos + 8 + $kl, $dl)];
		$pos += 8 + $kl + $dl;
	}
	return $out;
}

/* ---- timing ---- */

function median(array $v): float
{
	sort($v);
	$n = count($v);
	return $n % 2 ? $v[intdiv($n, 2)] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2;
}

/* Median over $runs of the mean cost (us) of calling $fn($j) for j = 0..$ops-1. */
function batch(int $runs, int $ops, callable $fn): float
{
	$per = [];
	for ($r = 0; $r < $runs; $r++) {
		$t = hrtime(true);
		for ($j = 0; $j < $ops; $j++) {
			$fn($j);
		}
		$per[] = (hrtime(true) - $t) / 1e3 / $ops;
	}
	return median($per);
}

function us(?float $v): string
{
	if ($v === null) {
		return 'n/a';
	}
	return $v >= 100 ? number_format($v, 0, '.', '') : number_format($v, 1, '.', '');
}

/* ---- main ---- */

if (!extension_loaded('vpopmail')) {
	fail('the vpopmail extension is not loaded (php -d extension=.../vpopmail.so)');
}
$o = getopt('', ['sizes:', 'adds:', 'ops:', 'runs:', 'fill:', 'no-check', 'keep', 'help']);
if (isset($o['help'])) {
	echo "usage: php -d extension=... -d vpopmail.directory=... -d vpopmail.qmail_dir=... bench_users.php\n",
	     "       [--sizes=1000,10000,50000] [--adds=20] [--ops=20] [--runs=5] [--fill=synth|api] [--no-check] [--keep]\n";
	exit(0);
}
$sizes = array_map('intval', explode(',', opt($o, 'sizes', '1000,10000,50000')));
$adds = max(1, (int)opt($o, 'adds', '20'));
$ops = max(1, min($adds, (int)opt($o, 'ops', '20')));
$runs = max(1, (int)opt($o, 'runs', '5'));
$fill = opt($o, 'fill', 'synth');
if (!in_array($fill, ['synth', 'api'], true) || min($sizes) < 2) {
	fail('bad options (see --help)');
}
$vp = rtrim(ini_get('vpopmail.directory'), '/');
$qmail = rtrim(ini_get('vpopmail.qmail_dir'), '/');
if ($vp === '/home/vpopmail' || $qmail === '/var/qmail') {
	fail('set vpopmail.directory and vpopmail.qmail_dir to a throw-away sandbox (not /home/vpopmail, /var/qmail)');
}
foreach ([$vp, "$qmail/users", "$qmail/control"] as $d) {
	is_dir($d) || mkdir($d, 0755, true) || fail("cannot create $d");
}
$scheme = ini_get('vpopmail.password_scheme');

/* One stored hash of the configured scheme, written by the extension itself, for the synthesized users. */
$probe = 'probe.bench';
@vpopmail_del_domain($probe);
vpopmail_add_domain_ex($probe, 'BenchPost1') or fail('cannot add a domain: ' . vpopmail_error());
$shared_hash = explode(':', file_get_contents(domain_dir($qmail, $probe) . '/vpasswd'), 3)[1];
vpopmail_del_domain($probe);

$cpu = preg_match('/^model name\s*:\s*(.*)$/m', (string)@file_get_contents('/proc/cpuinfo'), $m) ? $m[1] : php_uname('m');
$nproc = (int)trim((string)@shell_exec('nproc 2>/dev/null')) ?: 1;
printf("vpopmail bench_users - %s\n", date('Y-m-d H:i'));
printf("php %s, vpopmail %s, %s, %d CPU(s) (%s)\n", PHP_VERSION, phpversion('vpopmail'), php_uname('s') . ' ' . php_uname('r'), $nproc, $cpu);
printf("sandbox %s (%s), password_scheme %s, fill %s\n", $vp,
       trim((string)@shell_exec('df -T ' . escapeshellarg($vp) . " 2>/dev/null | awk 'NR==2{print \$2}'")) ?: '?', $scheme, $fill);
$numeric = fn(string $k) => (bool)preg_match('/^[0-9]+$/', (string)ini_get($k));
printf("vpopmail.uid=%s vpopmail.gid=%s%s\n", ini_get('vpopmail.uid') ?: '(unset)', ini_get('vpopmail.gid') ?: '(unset)',
       $numeric('vpopmail.uid') && $numeric('vpopmail.gid') ? '' : ': resolved by name once per process (getpwnam_r/getgrnam_r)');
printf("add/del: median of %d single calls; auth/crypt: median of %d runs of %d calls\n\n", $adds, $runs, $ops);

if ($fill === 'synth' && !isset($o['no-check'])) {
	$n = 250;
	foreach (['check-api.bench', 'check-synth.bench'] as $d) {
		@vpopmail_del_domain($d);
	}
	fill_api('check-api.bench', $n);
	fill_synth($qmail, 'check-synth.bench', $n, $shared_hash);
	$a = tree_view(domain_dir($qmail, 'check-api.bench'));
	$b = tree_view(domain_dir($qmail, 'check-synth.bench'));
	if ($a !== $b) {
		$diff = array_keys(array_diff_assoc($a, $b) + array_diff_assoc($b, $a));
		fail('the synthesized population differs from what add_user writes: ' . implode(', ', array_slice($diff, 0, 10)));
	}
	vpopmail_del_domain('check-api.bench');
	vpopmail_del_domain('check-synth.bench');
	printf("self-check: %d users written by the bench = %d add_user calls (%d paths compared)\n\n", $n, $n - 1, count($a));
}

$cols = ['users/domain', 'fill (s)', 'add_user', 'del_user', 'auth ok', 'auth no user', 'auth bad pw', 'crypt() alone'];
$w = [12, 9, 9, 9, 9, 12, 11, 13];
$row = function (array $cells) use ($w) {
	$s = [];
	foreach ($cells as $i => $c) {
		$s[] = str_pad((string)$c, $w[$i], ' ', STR_PAD_LEFT);
	}
	echo '| ', implode(' | ', $s), " |\n";
};
echo "microseconds per operation:\n\n";
$row($cols);
echo '|', implode('|', array_map(fn($x) => str_repeat('-', $x + 1) . ':', $w)), "|\n";

foreach ($sizes as $n) {
	$domain = "n$n.bench";
	@vpopmail_del_domain($domain);
	$t = hrtime(true);
	$fill === 'synth' ? fill_synth($qmail, $domain, $n, $shared_hash) : fill_api($domain, $n);
	$fill_s = (hrtime(true) - $t) / 1e9;

	/* add_user on top of N: fresh names, each timed alone */
	$add = [];
	for ($k = 0; $k < $adds; $k++) {
		$t = hrtime(true);
		$ok = vpopmail_add_user("x$k", $domain, "pw-x$k");
		$add[] = (hrtime(true) - $t) / 1e3;
		$ok or fail("add x$k@$domain: " . vpopmail_error());
	}
	$dir = domain_dir($qmail, $domain);
	$hash = explode(':', (string)shell_exec('grep ^x0: ' . escapeshellarg("$dir/vpasswd")))[1] ?? '';
	$auth_ok = batch($runs, $ops, function ($j) use ($domain) {
		vpopmail_auth_user("x$j", $domain, "pw-x$j") or fail("auth x$j: " . vpopmail_error());
	});
	$auth_nouser = batch($runs, $ops, function ($j) use ($domain) {
		vpopmail_auth_user("nobody$j", $domain, "pw-x$j") and fail('unknown user authenticated');
	});
	$auth_badpw = batch($runs, $ops, function ($j) use ($domain) {
		vpopmail_auth_user("x$j", $domain, "wrong$j") and fail('wrong password authenticated');
	});
	$crypt = null;
	if ($hash !== '' && @crypt('pw-x0', $hash) === $hash) {
		$crypt = batch($runs, $ops, function ($j) use ($hash) {
			crypt('pw-x0', $hash);
		});
	}
	$del = [];
	for ($k = 0; $k < $adds; $k++) {
		$t = hrtime(true);
		$ok = vpopmail_del_user("x$k", $domain);
		$del[] = (hrtime(true) - $t) / 1e3;
		$ok or fail("del x$k@$domain: " . vpopmail_error());
	}
	$row([$n, number_format($fill_s, 1, '.', ''), us(median($add)), us(median($del)), us($auth_ok), us($auth_nouser),
	      us($auth_badpw), us($crypt)]);
	if (!isset($o['keep'])) {
		vpopmail_del_domain($domain) or fail("del $domain: " . vpopmail_error());
	}
}
echo "\ncrypt() alone: PHP's crypt() of the stored hash of the user auth_user checks",
     $scheme === 'yescrypt' ? " (n/a: PHP's crypt() has no yescrypt)" : '', ".\n";
