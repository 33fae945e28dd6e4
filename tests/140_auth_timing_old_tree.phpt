--TEST--
vpopmail_auth_user(): on a 5.4 tree of MD5 hashes under the default SHA-512 configuration, an unknown name costs what a wrong password for an existing user costs (ratio of medians within 10%, measured in one run)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-140/vpopmail
vpopmail.qmail_dir={TMP}/vp-140/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.auth_logging=0
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_t_root('140');
vp_u_copy_fixture('5.4', '27-moduser-bob-clearflags', $root);
var_dump(ini_get('vpopmail.password_scheme'), ini_get('vpopmail.auth_fast_unknown'));

/* The attacker's view: a wrong password for each real user, and names that
 * do not exist, in pairs whose order is a coin toss (a load burst or a
 * periodic pattern then hits both sides alike); the medians of each side.
 * Under valgrind everything slows down alike: the ratio still holds. */
$known = ['alice', 'bob', 'dave', 'first.last', 'postmaster'];
mt_srand(140);
$k = $u = [];
$answers = [];
for ($round = 0; $round < 12; $round++) {
	for ($i = 0; $i < 16; $i++) {
		$pair = [[$known[$i % count($known)], 'k'], [sprintf('nobody.%02d', $i), 'u']];
		if (mt_rand(0, 1)) {
			$pair = array_reverse($pair);
		}
		foreach ($pair as [$name, $side]) {
			$t = hrtime(true);
			$ok = vpopmail_auth_user($name, 'example.com', 'not-the-password');
			$t = hrtime(true) - $t;
			$answers[$side][vpopmail_errno()] = $ok;
			${$side}[] = $t;
		}
	}
}
function median(array $v): float
{
	sort($v);
	$n = count($v);
	return $n % 2 ? $v[intdiv($n, 2)] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2;
}
ksort($answers);
var_dump($answers);
$ratio = median($u) / median($k);
echo 'unknown / known: ', $ratio > 0.9 && $ratio < 1.1 ? 'within 10%' : sprintf('%.2f', $ratio), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-140'));
?>
--EXPECT--
string(6) "sha512"
string(1) "0"
array(2) {
  ["k"]=>
  array(1) {
    [-111]=>
    bool(false)
  }
  ["u"]=>
  array(1) {
    [-10]=>
    bool(false)
  }
}
unknown / known: within 10%
