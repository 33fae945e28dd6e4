--TEST--
vpopmail.backend=mysql, class 4 (enumeration by timing): rows whose hashes another tool wrote with a costlier scheme than the configured one ($6$rounds=20000 against the default 5000); an unknown name costs what a wrong password of a real user costs (checked against the domain's postmaster hash, read by the same statement), ratio of medians measured in one run
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-321/vpopmail
vpopmail.qmail_dir={TMP}/vp-321/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.auth_logging=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-321-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-321-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-321');
$db = vp_root('vp-321-db');
vp_m_start($db);
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'));
foreach (['alice', 'bob', 'carol'] as $u) {
	vpopmail_add_user($u, 'example.com', "{$u}pw12") or print(vpopmail_error() . "\n");
}
/* A migration tool rewrote every hash at 20000 rounds. */
$costly = crypt('Secret123', '$6$rounds=20000$abcdefghijklmnop$');
vp_m_sql($db, "UPDATE vpopmail SET pw_passwd = '$costly'");
var_dump(vpopmail_auth_user('alice', 'example.com', 'Secret123'), vpopmail_auth_user('postmaster', 'example.com', 'Secret123'));
$known = $unknown = [];
for ($i = 0; $i < 15; $i++) {
	$t = hrtime(true);
	$a = vpopmail_auth_user(['alice', 'bob', 'carol'][$i % 3], 'example.com', 'wrong');
	$known[] = hrtime(true) - $t;
	$t = hrtime(true);
	$b = vpopmail_auth_user("nobody$i", 'example.com', 'wrong');
	$unknown[] = hrtime(true) - $t;
	if ($a !== false || $b !== false) {
		echo "a wrong login succeeded\n";
	}
}
$errno = vpopmail_errno();
sort($known);
sort($unknown);
$ratio = $unknown[7] / $known[7];
echo 'unknown / wrong password: ', ($ratio > 0.7 && $ratio < 1.4) ? 'within 0.7-1.4' : sprintf('%.3f (%.0f / %.0f us)', $ratio, $unknown[7] / 1e3, $known[7] / 1e3), "\n";
var_dump($errno === VPOPMAIL_VA_USER_DOES_NOT_EXIST);
vp_m_stop($db);
vp_rmtree($db);
vp_rmtree($root);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
unknown / wrong password: within 0.7-1.4
bool(true)
