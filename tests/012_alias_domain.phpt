--TEST--
vpopmail_add_alias_domain() and _ex(): argument order, chains and every failure
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-012/vpopmail
vpopmail.qmail_dir={TMP}/vp-012/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/vp.inc';
$root = vp_sandbox('vp-012');
var_dump(vpopmail_add_domain('example.com', '', -1, -1));
/* (existing domain, new alias) */
var_dump(vpopmail_add_alias_domain('example.com', 'Alias.Example'));
/* _ex accepts either order, as vaddaliasdomain does */
var_dump(vpopmail_add_alias_domain_ex('alias2.example', 'example.com'));
/* an alias of an alias points at the real domain: no chains, no symlink, no directory */
var_dump(vpopmail_add_alias_domain('alias.example', 'alias3.example'));
echo str_replace("$root/vpopmail", '~', file_get_contents("$root/qmail/users/assign"));
echo file_get_contents("$root/qmail/control/rcpthosts");
var_dump(glob("$root/vpopmail/domains/*"));
echo "-- failures\n";
var_dump(vpopmail_add_alias_domain('nope.test', 'new.example'), vpopmail_errno());
var_dump(vpopmail_add_alias_domain('example.com', 'alias.example'), vpopmail_errno());
var_dump(vpopmail_add_alias_domain('example.com', 'example.com'), vpopmail_errno());
var_dump(vpopmail_add_alias_domain('example.com', ''), vpopmail_errno());
var_dump(vpopmail_add_alias_domain('example.com', '-x'), vpopmail_errno());
var_dump(vpopmail_add_alias_domain_ex('example.com', 'alias.example'), vpopmail_errno());
var_dump(vpopmail_add_alias_domain_ex('a.test', 'b.test'), vpopmail_errno());
try { vpopmail_add_alias_domain('example.com', "x\0.com"); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-012'));
?>
--EXPECTF--
bool(true)
bool(true)
bool(true)
bool(true)
+alias.example-:example.com:89:89:~/domains/example.com:-::
+alias2.example-:example.com:89:89:~/domains/example.com:-::
+alias3.example-:example.com:89:89:~/domains/example.com:-::
+example.com-:example.com:89:89:~/domains/example.com:-::
.
alias.example
alias2.example
alias3.example
example.com
array(1) {
  [0]=>
  string(%d) "%s/vp-012/vpopmail/domains/example.com"
}
-- failures

Warning: vpopmail_add_alias_domain(): Domain does not exist: nope.test in %s on line %d
bool(false)
int(-11)

Warning: vpopmail_add_alias_domain(): Domain already exists: alias.example in %s on line %d
bool(false)
int(-13)

Warning: vpopmail_add_alias_domain(): Domain already exists: example.com in %s on line %d
bool(false)
int(-13)

Warning: vpopmail_add_alias_domain(): Invalid domain name: too short in %s on line %d
bool(false)
int(-12)

Warning: vpopmail_add_alias_domain(): Invalid domain name: too short in %s on line %d
bool(false)
int(-12)

Warning: vpopmail_add_alias_domain_ex(): Domain already exists: both %s in %s on line %d
bool(false)
int(-13)

Warning: vpopmail_add_alias_domain_ex(): Domain does not exist: neither %s in %s on line %d
bool(false)
int(-11)
vpopmail_add_alias_domain(): Argument #2 ($aliasdomain) must not contain any null bytes
