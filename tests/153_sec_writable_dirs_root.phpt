--TEST--
Security (issue 12, class 6): run as root, a directory on the way that others may write (other-writable, or group-writable by a stranger's group) is refused; our own group's is not
--EXTENSIONS--
vpopmail
--SKIPIF--
<?php
require __DIR__ . '/alias.inc';
if (!vp_t_is_root()) die('skip the check applies to root only');
vp_b_skip_on_mysql('auth opens no file on mysql (record and last login are rows), so a writable directory on the way does not concern it; add answers as on cdb');
?>
--INI--
vpopmail.directory={TMP}/vp-153/vpopmail
vpopmail.qmail_dir={TMP}/vp-153/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.auth_logging=1
--FILE--
<?php
require __DIR__ . '/secpath.inc';
$root = vp_sandbox('vp-153');
$dom = "$root/vpopmail/domains/example.com";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_user('alice', 'example.com', 'alicepw'));
$n = 0;
foreach ([
	['domains', "$root/vpopmail/domains", 0707, 89],
	['domain', $dom, 0777, 89],
	['domain', $dom, 01777, 89],
	['domain', $dom, 0770, 12345],
	['home', "$dom/alice", 0703, 89],
	['home', "$dom/alice", 0730, 12345],
	['domain', $dom, 0770, 89],
	['domain', $dom, 0770, 0],
	['domain', $dom, 0755, 12345],
] as [$what, $dir, $mode, $gid]) {
	$st = stat($dir);
	chgrp($dir, $gid);
	chmod($dir, $mode);
	$auth = @vpopmail_auth_user('alice', 'example.com', 'alicepw', null, 'pop', '192.0.2.1');
	$err = vpopmail_errno();
	$add = @vpopmail_add_user('user' . ++$n, 'example.com', 'pw12345');
	printf("%-7s %04o group %-5d: auth %s, add %s\n", $what, $mode, $gid, $auth ? 'ok' : $err,
	       $add ? 'ok' : vpopmail_errno());
	chmod($dir, $st['mode'] & 07777);
	chgrp($dir, $st['gid']);
}
chmod($dom, 0777);
vp_s_show($root, 'the message', @vpopmail_del_user('alice', 'example.com'));
chmod($dom, 0700);
var_dump(vpopmail_del_user('alice', 'example.com'));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-153'));
?>
--EXPECT--
bool(true)
bool(true)
domains 0707 group 89   : auth -116, add -116
domain  0777 group 89   : auth -116, add -116
domain  1777 group 89   : auth -116, add -116
domain  0770 group 12345: auth -116, add -116
home    0703 group 89   : auth -116, add ok
home    0730 group 12345: auth -116, add ok
domain  0770 group 89   : auth ok, add ok
domain  0770 group 0    : auth ok, add ok
domain  0755 group 12345: auth ok, add ok
the message: false errno=-116 unsafe directory: ROOT/vpopmail/domains/example.com may be written by others (mode 777, group 89)
bool(true)
