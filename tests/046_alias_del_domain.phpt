--TEST--
vpopmail_alias_del_domain(): every plain alias goes; catch-all, lists and robots stay
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-046/vpopmail
vpopmail.qmail_dir={TMP}/vp-046/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/alias.inc';
$root = vp_t_root('046');
$dir = "$root/vpopmail/domains/example.com";

foreach (['5.6', '5.4'] as $ver) {
	echo "== $ver\n";
	vp_t_copy_fixture($ver, '25-valias-dotted-name', $root);
	vp_t_show(vpopmail_alias_del_domain('example.com'));
	echo implode(' ', vp_t_ls($dir, '.')), "\n";
	vp_t_show(vpopmail_alias_get_all('example.com'));
	/* nothing left to delete is fine */
	vp_t_show(vpopmail_alias_del_domain('alias.example'));
}

echo "-- lists, robots and foreign files are not aliases\n";
vp_t_show(vpopmail_alias_add('sales', 'example.com', 'alice@example.com'));
file_put_contents("$dir/.qmail-x-default", "alice@example.com\n");
file_put_contents("$dir/.qmail-empty", "");
file_put_contents("$dir/.qmail-robot", "| /usr/bin/autorespond 86400 3 $dir/robot/message $dir/robot\n");
file_put_contents("$dir/.qmail-list2", "|/usr/bin/ezmlm-reject '$dir/list2'\n|/usr/bin/ezmlm-send '$dir/list2'\n");
file_put_contents("$dir/.qmail-foo.lock", "");
mkdir("$dir/list");
file_put_contents("$dir/list/editor", "|/usr/bin/ezmlm-send '$dir/list'\n");
symlink('list/editor', "$dir/.qmail-list");
symlink('list/editor', "$dir/.qmail-list-default");
vp_t_show(vpopmail_alias_del_domain('example.com'));
echo implode(' ', vp_t_ls($dir, '.')), "\n";

echo "-- errors\n";
vp_t_show(vpopmail_alias_del_domain('nowhere.test'));
vp_t_show(vpopmail_alias_del_domain('-bad-'));
try {
	vpopmail_alias_del_domain("example.com\0");
} catch (ValueError $e) {
	echo $e->getMessage(), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('046'));
?>
--EXPECTF--
== 5.6
true errno=0 error=Success
.dir-control .qmail-default .vpasswd.lock
[] errno=0 error=Success
true errno=0 error=Success
== 5.4
true errno=0 error=Success
.dir-control .qmail-default .vpasswd.lock
[] errno=0 error=Success
true errno=0 error=Success
-- lists, robots and foreign files are not aliases
true errno=0 error=Success
true errno=0 error=Success
.dir-control .qmail-default .qmail-foo.lock .qmail-list .qmail-list-default .qmail-list2 .qmail-robot .vpasswd.lock
-- errors

Warning: vpopmail_alias_del_domain(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test

Warning: vpopmail_alias_del_domain(): Invalid domain name: %s in %s on line %d
false errno=-12 error=Invalid domain name: %s
vpopmail_alias_del_domain(): Argument #1 ($domain) must not contain any null bytes
