--TEST--
vpopmail_alias_add(): program and mbox lines with vpopmail.allow_program_aliases=1
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-042/vpopmail
vpopmail.qmail_dir={TMP}/vp-042/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.allow_program_aliases=1
--FILE--
<?php
require __DIR__ . '/alias.inc';
$root = vp_t_root('042');
vp_t_tree($root);
$dir = "$root/vpopmail/domains/example.com";

vp_t_show(vpopmail_alias_add('robot', 'example.com', '|/usr/bin/autorespond 86400 3 ./robot/message ./robot'));
vp_t_show(vpopmail_alias_add('robot', 'example.com', './robot/mbox'));
vp_t_show(vpopmail_alias_add('robot', 'example.com', 'copy@example.org'));
/* still one line at a time, and still inside the domain */
vp_t_show(vpopmail_alias_add('robot', 'example.com', "|true\n|sh"));
vp_t_show(vpopmail_alias_add('robot', 'example.com', '/etc/passwd'));
vp_t_show(vpopmail_alias_add('robot', 'example.com', '|'));
echo file_get_contents("$dir/.qmail-robot");
var_dump(vpopmail_alias_get('robot', 'example.com'));
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('042'));
?>
--EXPECTF--
true errno=0 error=Success
true errno=0 error=Success
true errno=0 error=Success

Warning: vpopmail_alias_add(): invalid alias line: control or non-ASCII character in %s on line %d
false errno=-109 error=invalid alias line: control or non-ASCII character

Warning: vpopmail_alias_add(): invalid alias line: path is outside the domain directory in %s on line %d
false errno=-109 error=invalid alias line: path is outside the domain directory

Warning: vpopmail_alias_add(): invalid alias line: no program after '|' in %s on line %d
false errno=-109 error=invalid alias line: no program after '|'
|/usr/bin/autorespond 86400 3 ./robot/message ./robot
./robot/mbox
copy@example.org
array(3) {
  [0]=>
  string(53) "|/usr/bin/autorespond 86400 3 ./robot/message ./robot"
  [1]=>
  string(12) "./robot/mbox"
  [2]=>
  string(16) "copy@example.org"
}
