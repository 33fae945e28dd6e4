--TEST--
vpopmail_alias_add(): the .qmail-<alias> files real vpopmail writes (fixtures 07-09, 25)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-040/vpopmail
vpopmail.qmail_dir={TMP}/vp-040/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/alias.inc';
require __DIR__ . '/vp.inc';
$root = vp_t_root('040');

foreach (['5.6', '5.4'] as $ver) {
	echo "== $ver\n";
	/* the tree real vpopmail left just before `valias -i` */
	vp_t_copy_fixture($ver, '06-aliasdomain-alias.example', $root);
	vp_t_show(vpopmail_alias_add('sales', 'example.com', 'alice@example.com'));
	vp_t_same_as_step($ver, '07-valias-sales-to-alice', $root);
	vp_same_as($root, "vpopmail-$ver", '07-valias-sales-to-alice');
	vp_t_show(vpopmail_alias_add('sales', 'example.com', 'bob@example.com'));
	vp_t_same_as_step($ver, '08-valias-sales-to-bob', $root);
	vp_same_as($root, "vpopmail-$ver", '08-valias-sales-to-bob');
	/* through the alias domain, upper case: same file in example.com's dir */
	vp_t_show(vpopmail_alias_add('info', 'ALIAS.example', '&external@other.org'));
	vp_t_same_as_step($ver, '09-valias-info-to-external', $root);
	vp_same_as($root, "vpopmail-$ver", '09-valias-info-to-external');

	/* a dotted name is stored with ':' (qmail-local's mapping) */
	vp_t_copy_fixture($ver, '24-adduser-uppercase-dotted', $root);
	vp_t_show(vpopmail_alias_add('Team.Lead', 'example.com', 'alice@example.com'));
	vp_t_same_as_step($ver, '25-valias-dotted-name', $root);
	vp_same_as($root, "vpopmail-$ver", '25-valias-dotted-name');
}

/* Lines the API accepts by default: address, &address, Maildir inside the domain. */
vp_t_tree($root);
$dir = "$root/vpopmail/domains/example.com";
vp_t_show(vpopmail_alias_add('fwd', 'example.com', 'someone@example.org'));
vp_t_show(vpopmail_alias_add('fwd', 'example.com', '&other@example.net'));
vp_t_show(vpopmail_alias_add('fwd', 'example.com', './alice/Maildir/'));
vp_t_show(vpopmail_alias_add('fwd', 'example.com', "$dir/bob/Maildir/"));
echo str_replace($dir, 'DIR', file_get_contents("$dir/.qmail-fwd"));
echo implode(' ', vp_t_ls($dir)), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('040'));
?>
--EXPECT--
== 5.6
true errno=0 error=Success
07-valias-sales-to-alice: same
07-valias-sales-to-alice: same
true errno=0 error=Success
08-valias-sales-to-bob: same
08-valias-sales-to-bob: same
true errno=0 error=Success
09-valias-info-to-external: same
09-valias-info-to-external: same
true errno=0 error=Success
25-valias-dotted-name: same
25-valias-dotted-name: same
== 5.4
true errno=0 error=Success
07-valias-sales-to-alice: same
07-valias-sales-to-alice: same
true errno=0 error=Success
08-valias-sales-to-bob: same
08-valias-sales-to-bob: same
true errno=0 error=Success
09-valias-info-to-external: same
09-valias-info-to-external: same
true errno=0 error=Success
25-valias-dotted-name: same
25-valias-dotted-name: same
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success
someone@example.org
&other@example.net
./alice/Maildir/
DIR/bob/Maildir/
.qmail-fwd .vpasswd.lock
