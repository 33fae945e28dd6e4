--TEST--
vpopmail_alias_get_all(): every alias of a real vpopmail tree, as `valias -s`/`-n` print them (fixtures 10, 12)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-045/vpopmail
vpopmail.qmail_dir={TMP}/vp-045/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/alias.inc';
$root = vp_t_root('045');
$dir = "$root/vpopmail/domains/example.com";

foreach (['5.6', '5.4'] as $ver) {
	echo "== $ver\n";
	vp_t_copy_fixture($ver, '10-valias-list-domain', $root);
	$all = vpopmail_alias_get_all('example.com');
	echo json_encode($all, JSON_UNESCAPED_SLASHES), "\n";
	var_dump(vp_t_valias_s($all, 'example.com') === vp_t_stdout($ver, '10-valias-list-domain'));
	var_dump(implode("\n", array_keys($all)) . "\n" === vp_t_stdout($ver, '12-valias-names-domain'));
	/* the alias domain lists the same */
	var_dump(vpopmail_alias_get_all('ALIAS.EXAMPLE') === $all);

	vp_t_copy_fixture($ver, '26-valias-delete-sales', $root);
	vp_t_show(vpopmail_alias_get_all('example.com'));
}

echo "-- which .qmail-* files are aliases (select_names rules)\n";
file_put_contents("$dir/.qmail-zeta", "z@example.org\n");
file_put_contents("$dir/.qmail-Beta", "b@example.org\n");       /* listed as it is named */
file_put_contents("$dir/.qmail-empty", "");                    /* skipped, listing goes on */
file_put_contents("$dir/.qmail-x-default", "xd@example.org\n"); /* a regular file: listed */
file_put_contents("$dir/.qmail-foo.lock", "");                 /* '.' after .qmail-: never an alias */
file_put_contents("$dir/.qmail-bar.tmp.1f", "junk@example.org\n");
mkdir("$dir/list");
file_put_contents("$dir/list/editor", "|/usr/bin/ezmlm-send '$dir/list'\n");
file_put_contents("$dir/list/owner", "owner@example.org\n");
symlink('list/editor', "$dir/.qmail-list");                    /* a list: listed */
symlink('list/editor', "$dir/.qmail-list-default");            /* its helpers: not listed */
symlink('list/owner', "$dir/.qmail-list-owner");
symlink('/etc/passwd', "$dir/.qmail-evil");                    /* leads outside: skipped */
symlink('list/nothing', "$dir/.qmail-dangling");               /* no lines: skipped */
$all = vpopmail_alias_get_all('example.com');
echo str_replace($dir, 'DIR', vp_t_valias_s($all, 'example.com'));
vp_t_show(array_keys($all));

echo "-- an unknown domain\n";
vp_t_show(vpopmail_alias_get_all('nowhere.test'));
vp_t_tree($root);
echo "-- a domain without aliases\n";
vp_t_show(vpopmail_alias_get_all('example.com'));
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('045'));
?>
--EXPECTF--
== 5.6
{"info":["&external@other.org"],"sales":["alice@example.com","bob@example.com"]}
bool(true)
bool(true)
bool(true)
{"info":["&external@other.org"],"team.lead":["alice@example.com"]} errno=0 error=Success
== 5.4
{"info":["&external@other.org"],"sales":["alice@example.com","bob@example.com"]}
bool(true)
bool(true)
bool(true)
{"info":["&external@other.org"],"team.lead":["alice@example.com"]} errno=0 error=Success
-- which .qmail-* files are aliases (select_names rules)
Beta@example.com -> b@example.org
info@example.com -> &external@other.org
list@example.com -> |/usr/bin/ezmlm-send 'DIR/list'
team.lead@example.com -> alice@example.com
x-default@example.com -> xd@example.org
zeta@example.com -> z@example.org
["Beta","info","list","team.lead","x-default","zeta"] errno=0 error=Success
-- an unknown domain

Warning: vpopmail_alias_get_all(): Domain does not exist: nowhere.test in %s on line %d
[] errno=-11 error=Domain does not exist: nowhere.test
-- a domain without aliases
[] errno=0 error=Success
