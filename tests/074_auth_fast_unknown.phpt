--TEST--
vpopmail.auth_fast_unknown: an unknown user costs a crypt by default (like a wrong password), nothing when set; an unknown domain never
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-074/vpopmail
vpopmail.qmail_dir={TMP}/vp-074/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=sha512
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-074');
vpopmail_add_domain_ex('example.com', 'Secret123');
vpopmail_add_user('alice', 'example.com', 'right');
var_dump(ini_get('vpopmail.auth_fast_unknown'));

/* the fastest of 7 calls, relative to a wrong password (timing ratios hold
 * under valgrind too: everything slows down alike) */
$code = <<<'PHP'
function best(string $u, string $d): float {
	$best = INF;
	for ($i = 0; $i < 7; $i++) {
		$t = hrtime(true);
		vpopmail_auth_user($u, $d, 'guess') and print("authenticated?\n");
		$best = min($best, hrtime(true) - $t);
	}
	return $best;
}
$wrong = best('alice', 'example.com');
printf("unknown user %s, unknown domain %s, errno %d\n",
       best('bob', 'example.com') > 0.5 * $wrong ? 'slow' : 'fast',
       best('bob', 'nowhere.test') > 0.5 * $wrong ? 'slow' : 'fast', vpopmail_errno());
vpopmail_auth_user('bob', 'example.com', 'guess');
echo 'errno ', vpopmail_errno(), ', wrong password ', best('alice', 'example.com') > 0.5 * $wrong ? 'slow' : 'fast', "\n";
PHP;
echo vp_u_child($code, []);
echo vp_u_child($code, ['vpopmail.auth_fast_unknown' => '1']);
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-074'));
?>
--EXPECT--
string(1) "0"
unknown user slow, unknown domain fast, errno -11
errno -10, wrong password slow
unknown user fast, unknown domain fast, errno -11
errno -10, wrong password slow
