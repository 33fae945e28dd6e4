--TEST--
vpopmail_add_user()/set_user_quota()/passwd()/del_user(): trees equal what vpopmail 5.6.13 wrote (steps 04, 05, 13, 14, 16, 17); vpasswd.cdb records as vpopmail's
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-037/vpopmail
vpopmail.qmail_dir={TMP}/vp-037/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-037');
$v = 'vpopmail-5.6';
$dom = "$root/vpopmail/domains/example.com";
/* vpasswd (or vpasswd.cdb) of a fixture step, as [name => value] with paths mapped and hashes masked */
function view(string $root, string $file): array
{
	$out = [];
	$recs = str_ends_with($file, '.cdb') ? vp_b_cdb_records($file)
	      : array_map(fn($l) => explode(':', $l, 2), array_filter(explode("\n", (string)vp_b_read($file))));
	foreach ($recs as [$k, $val]) {
		$out[$k] = preg_replace('/^[^:]*/', 'HASH', str_replace("$root/vpopmail", '/home/vpopmail', $val));
	}
	return $out;
}

var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'));
var_dump(vpopmail_add_domain_ex('second.test', 'Second123', '50000000', 'catchall@example.com'));
var_dump(vpopmail_add_domain_ex('bounce.test', 'Bounce123', null, 'bounce'));
echo "-- 04: vadduser alice@example.com alicepw\n";
var_dump(vpopmail_add_user('alice', 'example.com', 'alicepw'));
vp_same_as($root, $v, '04-adduser-alice');
vp_u_modes_as_fixture($root, '5.6', '04-adduser-alice');
echo "-- 05: vadduser -q 10000000 -c 'Bob Builder' bob@example.com bobpw\n";
var_dump(vpopmail_add_user('bob', 'example.com', 'bobpw', 'Bob Builder'), vpopmail_set_user_quota('bob', 'example.com', '10000000'));
vp_same_as($root, $v, '05-adduser-bob');
vp_u_modes_as_fixture($root, '5.6', '05-adduser-bob');
echo "-- 06-12: the alias domain and aliases\n";
var_dump(vpopmail_add_alias_domain_ex('example.com', 'alias.example'));
var_dump(vpopmail_alias_add('sales', 'example.com', 'alice@example.com'), vpopmail_alias_add('sales', 'example.com', 'bob@example.com'),
         vpopmail_alias_add('info', 'example.com', '&external@other.org'));
vp_same_as($root, $v, '12-valias-names-domain');
echo "-- 13: vsetuserquota bob@example.com 20M\n";
var_dump(vpopmail_set_user_quota('bob', 'example.com', '20M'));
vp_same_as($root, $v, '13-setquota-bob-20M');
/* vpopmail rewrote vpasswd with the caller's umask (644 here: spec 15.11); we always write 0600 */
$umask_bug = ['./vpopmail/domains/example.com/vpasswd' => '600'];
vp_u_modes_as_fixture($root, '5.6', '13-setquota-bob-20M', $umask_bug);
echo "-- 14: vpasswd alice@example.com newpw\n";
var_dump(vpopmail_passwd('alice', 'example.com', 'newpw'));
vp_same_as($root, $v, '14-passwd-alice');
vp_u_modes_as_fixture($root, '5.6', '14-passwd-alice', $umask_bug);
var_dump(vpopmail_auth_user('alice', 'example.com', 'newpw'), vpopmail_auth_user('alice', 'example.com', 'alicepw'));

/* 15 (vmoduser -p bob) has no API yet: from here on bob's line has flags 0, not 2 */
foreach (['16-adduser-carol' => fn() => vpopmail_add_user('carol', 'example.com', 'carolpw'),
          '17-deluser-carol' => fn() => vpopmail_del_user('carol', 'example.com')] as $step => $call) {
	echo "-- $step\n";
	var_dump($call());
	vp_same_as($root, $v, $step);   /* vpasswd and its cdb: bob's flags only, checked next */
	vp_u_modes_as_fixture($root, '5.6', $step, $umask_bug);
	$fix = vp_t_fixture('5.6', $step) . '/vpopmail/domains/example.com';
	foreach (['vpasswd', 'vpasswd.cdb'] as $file) {
		$real = view($root, "$fix/$file");
		$ours = view($root, "$dom/$file");
		var_dump(array_keys($ours) === array_keys($real));
		$bob_real = $real['bob'];
		unset($real['bob'], $ours['bob']);
		var_dump($ours === $real, str_replace(':1:2:Bob', ':1:0:Bob', $bob_real) === view($root, "$dom/$file")['bob']);
	}
	echo implode(' ', vp_t_ls($dom)), "\n";
	echo "carol's home: ", is_dir("$dom/carol/Maildir/tmp") ? 'yes' : 'no', ', .dir-control: ',
	     vp_b_read("$dom/.dir-control") === vp_b_dirc_expect(vp_b_read("$fix/.dir-control")) ? 'as real' : 'DIFFERENT', "\n";
}

echo "-- vpasswd.cdb from our rewrite of vpopmail's own vpasswd\n";
foreach (['5.6', '5.4'] as $ver) {
	vp_u_copy_fixture($ver, '13-setquota-bob-20M', $root);
	var_dump(vpopmail_passwd('alice', 'example.com', 'newpw'));
	if ($ver === '5.6') {
		vp_same_as($root, "vpopmail-$ver", '14-passwd-alice');
	}
	/* the cdb real vpopmail built from its vpasswd: key = name, value = rest of the line, in line order */
	$fix = vp_t_fixture($ver, '14-passwd-alice') . '/vpopmail/domains/example.com';
	$real = vp_cdb_records("$fix/vpasswd.cdb");
	$lines = array_map(fn($l) => explode(':', $l, 2), explode("\n", rtrim(vp_b_read("$fix/vpasswd"))));
	var_dump($real === $lines);
	$ours = array_map(fn($r) => [$r[0], str_replace("$root/vpopmail", '/home/vpopmail', $r[1])],
	                  vp_b_cdb_records("$dom/vpasswd.cdb"));
	echo "$ver: ", count($ours), ' records, ', implode(' ', array_column($ours, 0)), "\n";
	foreach ($ours as $i => [$k, $val]) {
		if ($k !== 'alice') {
			echo "  $k: ", $val === $real[$i][1] ? 'identical' : 'DIFFERENT', "\n";
		} else {
			/* ours: a fresh hash; 5.4's clear-text 8th field follows vpopmail.clear_passwords (off) */
			$r = explode(':', $real[$i][1]);
			$o = explode(':', $val);
			echo "  alice: ", count($o) === 6 && implode(':', array_slice($o, 1)) === implode(':', array_slice($r, 1, 5)) ? 'identical but the hash' : 'DIFFERENT',
			     count($r) > 6 ? ' and the clear text' : '', "\n";
		}
	}
	echo vp_u_cdb_matches($dom), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-037'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
-- 04: vadduser alice@example.com alicepw
bool(true)
04-adduser-alice: same
04-adduser-alice modes: same
-- 05: vadduser -q 10000000 -c 'Bob Builder' bob@example.com bobpw
bool(true)
bool(true)
05-adduser-bob: same
05-adduser-bob modes: same
-- 06-12: the alias domain and aliases
bool(true)
bool(true)
bool(true)
bool(true)
12-valias-names-domain: same
-- 13: vsetuserquota bob@example.com 20M
bool(true)
13-setquota-bob-20M: same
13-setquota-bob-20M modes: same
-- 14: vpasswd alice@example.com newpw
bool(true)
14-passwd-alice: same
14-passwd-alice modes: same
bool(true)
bool(false)
-- 16-adduser-carol
bool(true)
16-adduser-carol: differs vpopmail/domains/example.com/vpasswd, differs vpopmail/domains/example.com/vpasswd.cdb
16-adduser-carol modes: same
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
.dir-control .qmail-default .qmail-info .qmail-sales .vpasswd.lock alice bob carol postmaster vpasswd vpasswd.cdb
carol's home: yes, .dir-control: as real
-- 17-deluser-carol
bool(true)
17-deluser-carol: differs vpopmail/domains/example.com/vpasswd, differs vpopmail/domains/example.com/vpasswd.cdb
17-deluser-carol modes: same
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
.dir-control .qmail-default .qmail-info .qmail-sales .vpasswd.lock alice bob postmaster vpasswd vpasswd.cdb
carol's home: no, .dir-control: as real
-- vpasswd.cdb from our rewrite of vpopmail's own vpasswd
bool(true)
14-passwd-alice: same
bool(true)
5.6: 3 records, alice bob postmaster
  alice: identical but the hash
  bob: identical
  postmaster: identical
cdb = vpasswd (3 records)
bool(true)
bool(true)
5.4: 3 records, alice bob postmaster
  alice: identical but the hash and the clear text
  bob: identical
  postmaster: identical
cdb = vpasswd (3 records)