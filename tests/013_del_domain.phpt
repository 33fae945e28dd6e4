--TEST--
vpopmail_del_domain(): removes the tree, its alias domains and every qmail entry; failures
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-013/vpopmail
vpopmail.qmail_dir={TMP}/vp-013/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/vp.inc';
$root = vp_sandbox('vp-013');
$q = "$root/qmail";
var_dump(vpopmail_add_domain('example.com', '', -1, -1), vpopmail_add_domain('keep.test', '', -1, -1));
var_dump(vpopmail_add_alias_domain('example.com', 'alias.example'));
file_put_contents("$q/control/locals", "localhost\n");
var_dump(vpopmail_del_domain('EXAMPLE.com'));
echo str_replace("$root/vpopmail", '~', file_get_contents("$q/users/assign"));
echo file_get_contents("$q/control/rcpthosts"), file_get_contents("$q/control/virtualdomains"), file_get_contents("$q/control/locals");
var_dump(file_exists("$root/vpopmail/domains/example.com"));
echo strtok(vp_b_read("$root/vpopmail/domains/.dir-control"), "\n"), "\n";
echo "-- failures\n";
var_dump(vpopmail_del_domain('example.com'), vpopmail_errno(), vpopmail_error());
var_dump(vpopmail_del_domain('../x.com'), vpopmail_errno());
/* a record pointing outside <home>/domains is never deleted */
$assign = file_get_contents("$q/users/assign");
file_put_contents("$q/users/assign", preg_replace('/^\.$/m', "+evil.test-:evil.test:89:89:/etc:-::\n.", $assign));
var_dump(vpopmail_add_domain('fresh.test', '', -1, -1)); /* rebuilds users/cdb from the edited assign */
var_dump(vpopmail_del_domain('evil.test'), vpopmail_errno());
var_dump(is_dir('/etc'));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-013'));
?>
--EXPECTF--
bool(true)
bool(true)
bool(true)
bool(true)
+keep.test-:keep.test:89:89:~/domains/keep.test:-::
.
keep.test
keep.test:keep.test
localhost
bool(false)
1
-- failures

Warning: vpopmail_del_domain(): Domain does not exist: example.com in %s on line %d
bool(false)
int(-11)
string(34) "Domain does not exist: example.com"

Warning: vpopmail_del_domain(): Invalid domain name: %s in %s on line %d
bool(false)
int(-12)
bool(true)

Warning: vpopmail_del_domain(): Unable to chdir to vpopmail directory: /etc is outside %s in %s on line %d
bool(false)
int(-3)
bool(true)
