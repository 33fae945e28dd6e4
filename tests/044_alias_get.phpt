--TEST--
vpopmail_alias_get(): one alias of a real vpopmail tree, as `valias -s alias@domain` prints it (fixture 11)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-044/vpopmail
vpopmail.qmail_dir={TMP}/vp-044/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/alias.inc';
$root = vp_t_root('044');
$dir = "$root/vpopmail/domains/example.com";

foreach (['5.6', '5.4'] as $ver) {
	echo "== $ver\n";
	vp_t_copy_fixture($ver, '10-valias-list-domain', $root);
	$lines = vpopmail_alias_get('sales', 'example.com');
	var_dump($lines);
	var_dump(vp_t_valias_s(['sales' => $lines], 'example.com') === vp_t_stdout($ver, '11-valias-list-sales'));
	/* through the alias domain, any case */
	var_dump(vpopmail_alias_get('INFO', 'Alias.Example'));
	/* a missing alias has no lines, and that is no error */
	vp_t_show(vpopmail_alias_get('nobody', 'example.com'));

	vp_t_copy_fixture($ver, '25-valias-dotted-name', $root);
	vp_t_show(vpopmail_alias_get('team.lead', 'example.com'));
}

echo "-- whole lines in file order, the last one even without its newline\n";
$long = str_repeat('x', 300) . '@example.org';
file_put_contents("$dir/.qmail-raw", "first@example.org\n$long\n\nlast@example.org");
$lines = vpopmail_alias_get('raw', 'example.com');
var_dump(count($lines), $lines[0], strlen($lines[1]), $lines[2], $lines[3]);

echo "-- failures: empty array, warning, error state\n";
vp_t_show(vpopmail_alias_get('sales', 'nowhere.test'));
vp_t_show(vpopmail_alias_get('../vpasswd', 'example.com'));
vp_t_show(vpopmail_alias_get('default', 'example.com'));
symlink('/etc/passwd', "$dir/.qmail-evil");
vp_t_show(vpopmail_alias_get('evil', 'example.com'));
try {
	vpopmail_alias_get('sales', "example.com\0");
} catch (ValueError $e) {
	echo $e->getMessage(), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('044'));
?>
--EXPECTF--
== 5.6
array(2) {
  [0]=>
  string(17) "alice@example.com"
  [1]=>
  string(15) "bob@example.com"
}
bool(true)
array(1) {
  [0]=>
  string(19) "&external@other.org"
}
[] errno=0 error=Success
["alice@example.com"] errno=0 error=Success
== 5.4
array(2) {
  [0]=>
  string(17) "alice@example.com"
  [1]=>
  string(15) "bob@example.com"
}
bool(true)
array(1) {
  [0]=>
  string(19) "&external@other.org"
}
[] errno=0 error=Success
["alice@example.com"] errno=0 error=Success
-- whole lines in file order, the last one even without its newline
int(4)
string(17) "first@example.org"
int(312)
string(0) ""
string(16) "last@example.org"
-- failures: empty array, warning, error state

Warning: vpopmail_alias_get(): Domain does not exist: nowhere.test in %s on line %d
[] errno=-11 error=Domain does not exist: nowhere.test

Warning: vpopmail_alias_get(): invalid alias name: invalid character in the name in %s on line %d
[] errno=-108 error=invalid alias name: invalid character in the name

Warning: vpopmail_alias_get(): invalid alias name: 'default' is the domain's catch-all in %s on line %d
[] errno=-108 error=invalid alias name: 'default' is the domain's catch-all

Warning: vpopmail_alias_get(): Could not open dot qmail file: .qmail-evil is a symbolic link leading outside the domain directory in %s on line %d
[] errno=-19 error=Could not open dot qmail file: .qmail-evil is a symbolic link leading outside the domain directory
vpopmail_alias_get(): Argument #2 ($domain) must not contain any null bytes
