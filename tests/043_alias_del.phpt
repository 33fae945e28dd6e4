--TEST--
vpopmail_alias_del(): unlink as `valias -d` does (fixture 26); missing alias, catch-all
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-043/vpopmail
vpopmail.qmail_dir={TMP}/vp-043/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/alias.inc';
require __DIR__ . '/vp.inc';
$root = vp_t_root('043');
$dir = "$root/vpopmail/domains/example.com";

foreach (['5.6', '5.4'] as $ver) {
	echo "== $ver\n";
	vp_t_copy_fixture($ver, '25-valias-dotted-name', $root);
	vp_t_show(vpopmail_alias_del('sales', 'example.com'));
	vp_t_same_as_step($ver, '26-valias-delete-sales', $root);
	vp_same_as($root, "vpopmail-$ver", '26-valias-delete-sales');
	/* gone: the second delete fails */
	vp_t_show(vpopmail_alias_del('sales', 'example.com'));
	/* dotted names, upper case, through the alias domain */
	vp_t_show(vpopmail_alias_del('TEAM.lead', 'alias.example'));
	echo implode(' ', vp_t_ls($dir, '.qmail-')), "\n";
}

echo "-- never the catch-all, never outside the domain\n";
vp_t_show(vpopmail_alias_del('default', 'example.com'));
vp_t_show(vpopmail_alias_del('x-default', 'example.com'));
vp_t_show(vpopmail_alias_del('../../../qmail/users/assign', 'example.com'));
vp_t_show(vpopmail_alias_del('info', 'nowhere.test'));
var_dump(file_exists("$dir/.qmail-default"), file_exists("$root/qmail/users/assign"));
try {
	vpopmail_alias_del("info\0x", 'example.com');
} catch (ValueError $e) {
	echo $e->getMessage(), "\n";
}

echo "-- a list's symlink is unlinked, its target kept\n";
mkdir("$dir/list");
file_put_contents("$dir/list/editor", "|/usr/bin/ezmlm-send '$dir/list'\n");
symlink('list/editor', "$dir/.qmail-list");
vp_t_show(vpopmail_alias_del('list', 'example.com'));
var_dump(is_link("$dir/.qmail-list"), file_exists("$dir/list/editor"));
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('043'));
?>
--EXPECTF--
== 5.6
true errno=0 error=Success
26-valias-delete-sales: same
26-valias-delete-sales: same

Warning: vpopmail_alias_del(): alias does not exist: sales@example.com in %s on line %d
false errno=-105 error=alias does not exist: sales@example.com
true errno=0 error=Success
.qmail-default .qmail-info
== 5.4
true errno=0 error=Success
26-valias-delete-sales: same
26-valias-delete-sales: same

Warning: vpopmail_alias_del(): alias does not exist: sales@example.com in %s on line %d
false errno=-105 error=alias does not exist: sales@example.com
true errno=0 error=Success
.qmail-default .qmail-info
-- never the catch-all, never outside the domain

Warning: vpopmail_alias_del(): invalid alias name: 'default' is the domain's catch-all in %s on line %d
false errno=-108 error=invalid alias name: 'default' is the domain's catch-all

Warning: vpopmail_alias_del(): invalid alias name: 'x-default' is a qmail wildcard (-default) in %s on line %d
false errno=-108 error=invalid alias name: 'x-default' is a qmail wildcard (-default)

Warning: vpopmail_alias_del(): invalid alias name: invalid character in the name in %s on line %d
false errno=-108 error=invalid alias name: invalid character in the name

Warning: vpopmail_alias_del(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test
bool(true)
bool(true)
vpopmail_alias_del(): Argument #1 ($user) must not contain any null bytes
-- a list's symlink is unlinked, its target kept
true errno=0 error=Success
bool(false)
bool(true)
