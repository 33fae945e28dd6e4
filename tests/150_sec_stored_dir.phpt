--TEST--
Security (issue 12, class 5): a vpasswd directory pointing outside the domain (a cron folder, a folder named like the user, '..' into another domain) is refused by every call that uses it, and nothing outside is written
--EXTENSIONS--
vpopmail
--SKIPIF--
<?php
require __DIR__ . '/backend.inc';
vp_b_skip_on_mysql('auth and user_info read no home on mysql (last login is a row), so the refusals of a lastauth file in a home outside the domain do not arise; the other calls answer alike');
?>
--INI--
vpopmail.directory={TMP}/vp-150/vpopmail
vpopmail.qmail_dir={TMP}/vp-150/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.auth_logging=1
--FILE--
<?php
require __DIR__ . '/secpath.inc';
$root = vp_sandbox('vp-150');
$dom = "$root/vpopmail/domains/example.com";
$other = "$root/vpopmail/domains/other.test";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_domain_ex('other.test', 'Secret123'),
         vpopmail_add_user('alice', 'example.com', 'alicepw'), vpopmail_add_user('carol', 'other.test', 'carolpw'),
         vpopmail_set_user_quota('alice', 'example.com', '1000000'));
$canary = vp_s_canary($root);
vp_s_fake_home("$canary/alice", '198.51.100.66');
file_put_contents("$other/carol/lastauth", '192.0.2.200');

foreach (["$canary/cron.hourly", "$canary/alice", "$dom/../other.test/carol"] as $target) {
	echo "-- alice's dir: ", str_replace($root, 'ROOT', $target), "\n";
	vp_s_set_dir($dom, 'alice', $target);
	$before = vp_s_snap($canary) . vp_s_snap("$other/carol");
	$vpasswd = vp_b_read("$dom/vpasswd");
	$qdef = file_get_contents("$dom/.qmail-default");
	vp_s_show($root, 'auth with lastauth', @vpopmail_auth_user('alice', 'example.com', 'alicepw', null, 'imap', '203.0.113.9'));
	vp_s_show($root, 'quota usage', @vpopmail_quota_usage('alice', 'example.com'));
	vp_s_show($root, 'set quota', @vpopmail_set_user_quota('alice', 'example.com', '5000000'));
	vp_s_show($root, 'catch-all', @vpopmail_set_catchall('example.com', 'alice'));
	vp_s_show($root, 'batch quota', @vpopmail_batch('example.com', [['quota', 'alice', '2M']]));
	vp_s_show($root, 'batch del', @vpopmail_batch('example.com', [['del', 'alice']]));
	vp_s_show($root, 'del user', @vpopmail_del_user('alice', 'example.com'));
	$i = vpopmail_user_info('alice', 'example.com');
	echo 'user info: dir ', str_replace($root, 'ROOT', $i['dir']), ', last_auth ', json_encode($i['last_auth']),
	     ', last_auth_ip ', json_encode($i['last_auth_ip']), ', created ', json_encode($i['created']), "\n";
	clearstatcache();
	echo 'outside untouched: ', json_encode($before === vp_s_snap($canary) . vp_s_snap("$other/carol")),
	     ', vpasswd unchanged: ', json_encode($vpasswd === vp_b_read("$dom/vpasswd")),
	     ', .qmail-default unchanged: ', json_encode($qdef === file_get_contents("$dom/.qmail-default")), "\n";
}
echo "-- the password alone still answers (no directory used), with logging off\n";
ini_set('vpopmail.auth_logging', '0');
var_dump(vpopmail_auth_user('alice', 'example.com', 'alicepw'));
echo "-- the real home back: everything works\n";
ini_set('vpopmail.auth_logging', '1');
vp_s_set_dir($dom, 'alice', "$dom/alice");
var_dump(vpopmail_auth_user('alice', 'example.com', 'alicepw', null, 'imap', '203.0.113.9'),
         vp_b_read("$dom/alice/lastauth"), vpopmail_del_user('alice', 'example.com'), is_dir("$dom/alice"));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-150'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
-- alice's dir: ROOT/canary/cron.hourly
auth with lastauth: false errno=-116 unsafe directory: ROOT/canary/cron.hourly is not inside the domain's directory ROOT/vpopmail/domains/example.com
quota usage: false errno=-116 unsafe directory: ROOT/canary/cron.hourly is not inside the domain's directory ROOT/vpopmail/domains/example.com
set quota: false errno=-116 unsafe directory: ROOT/canary/cron.hourly is not inside the domain's directory ROOT/vpopmail/domains/example.com
catch-all: false errno=-116 unsafe directory: ROOT/canary/cron.hourly is not inside the domain's directory ROOT/vpopmail/domains/example.com
batch quota: false errno=-116 operation 0 (quota alice): unsafe directory: ROOT/canary/cron.hourly is not inside the domain's directory ROOT/vpopmail/domains/example.com
batch del: false errno=-116 operation 0 (del alice): unsafe directory: ROOT/canary/cron.hourly is not inside the domain's directory ROOT/vpopmail/domains/example.com
del user: false errno=-116 unsafe directory: ROOT/canary/cron.hourly is not inside the domain's directory ROOT/vpopmail/domains/example.com
user info: dir ROOT/canary/cron.hourly, last_auth null, last_auth_ip null, created null
outside untouched: true, vpasswd unchanged: true, .qmail-default unchanged: true
-- alice's dir: ROOT/canary/alice
auth with lastauth: false errno=-116 unsafe directory: ROOT/canary/alice is not inside the domain's directory ROOT/vpopmail/domains/example.com
quota usage: false errno=-116 unsafe directory: ROOT/canary/alice is not inside the domain's directory ROOT/vpopmail/domains/example.com
set quota: false errno=-116 unsafe directory: ROOT/canary/alice is not inside the domain's directory ROOT/vpopmail/domains/example.com
catch-all: false errno=-116 unsafe directory: ROOT/canary/alice is not inside the domain's directory ROOT/vpopmail/domains/example.com
batch quota: false errno=-116 operation 0 (quota alice): unsafe directory: ROOT/canary/alice is not inside the domain's directory ROOT/vpopmail/domains/example.com
batch del: false errno=-116 operation 0 (del alice): unsafe directory: ROOT/canary/alice is not inside the domain's directory ROOT/vpopmail/domains/example.com
del user: false errno=-116 unsafe directory: ROOT/canary/alice is not inside the domain's directory ROOT/vpopmail/domains/example.com
user info: dir ROOT/canary/alice, last_auth null, last_auth_ip null, created null
outside untouched: true, vpasswd unchanged: true, .qmail-default unchanged: true
-- alice's dir: ROOT/vpopmail/domains/example.com/../other.test/carol
auth with lastauth: false errno=-116 unsafe directory: ROOT/vpopmail/domains/example.com/../other.test/carol names '.', '..' or an empty component
quota usage: false errno=-116 unsafe directory: ROOT/vpopmail/domains/example.com/../other.test/carol names '.', '..' or an empty component
set quota: false errno=-116 unsafe directory: ROOT/vpopmail/domains/example.com/../other.test/carol names '.', '..' or an empty component
catch-all: false errno=-116 unsafe directory: ROOT/vpopmail/domains/example.com/../other.test/carol names '.', '..' or an empty component
batch quota: false errno=-116 operation 0 (quota alice): unsafe directory: ROOT/vpopmail/domains/example.com/../other.test/carol names '.', '..' or an empty component
batch del: false errno=-116 operation 0 (del alice): unsafe directory: ROOT/vpopmail/domains/example.com/../other.test/carol names '.', '..' or an empty component
del user: false errno=-116 unsafe directory: ROOT/vpopmail/domains/example.com/../other.test/carol names '.', '..' or an empty component
user info: dir ROOT/vpopmail/domains/example.com/../other.test/carol, last_auth null, last_auth_ip null, created null
outside untouched: true, vpasswd unchanged: true, .qmail-default unchanged: true
-- the password alone still answers (no directory used), with logging off
bool(true)
-- the real home back: everything works
bool(true)
string(11) "203.0.113.9"
bool(true)
bool(false)
