--TEST--
vpopmail_add_domain(): creates the domain as vadddomain() does, and refuses bad input
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-010/vpopmail
vpopmail.qmail_dir={TMP}/vp-010/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/vp.inc';
$root = vp_sandbox('vp-010');
$home = "$root/vpopmail";
var_dump(vpopmail_add_domain('Example.COM', '', -1, -1));
var_dump(vpopmail_errno(), vpopmail_error());
echo file_get_contents("$root/qmail/users/assign");
echo file_get_contents("$root/qmail/control/rcpthosts");
echo file_get_contents("$root/qmail/control/virtualdomains");
var_dump(file_get_contents("$root/qmail/control/locals"));
echo str_replace($home, '~', file_get_contents("$home/domains/example.com/.qmail-default"));
echo vp_b_read("$home/domains/.dir-control") === "1\n0\n3\n0 0 0\n61 61 61\n0 2 4\n0 0 0\n\n" ? "dir-control ok\n" : "dir-control bad\n";
var_dump(vp_b_read("$home/domains/example.com/vpasswd"), vp_b_cdb_records("$home/domains/example.com/vpasswd.cdb"));
printf("%o %o %o\n", fileperms("$home/domains/example.com") & 0777, fileperms("$home/domains/example.com/.qmail-default") & 0777,
    fileperms("$root/qmail/users/assign") & 0777);
foreach (vp_cdb_records("$root/qmail/users/cdb") as [$k, $v]) echo addcslashes($k, "\0"), ' => ', str_replace($home, '~', addcslashes($v, "\0")), "\n";
/* the explicit home works too */
var_dump(vpopmail_add_domain('second.test', $home . '/', 89, 89));

echo "-- failures\n";
var_dump(vpopmail_add_domain('example.com', '', -1, -1), vpopmail_errno());
var_dump(vpopmail_add_domain('no-dot', '', -1, -1), vpopmail_errno());
var_dump(vpopmail_add_domain('../../etc.com', '', -1, -1), vpopmail_errno());
var_dump(vpopmail_add_domain(str_repeat('a', 95) . '.com', '', -1, -1), vpopmail_errno());
var_dump(vpopmail_add_domain('other.test', '/tmp', -1, -1), vpopmail_errno());
var_dump(vpopmail_add_domain('other.test', '', 0, 0), vpopmail_errno());
try { vpopmail_add_domain("x\0y.com", '', -1, -1); } catch (ValueError $e) { echo get_class($e), ': ', $e->getMessage(), "\n"; }
try { vpopmail_add_domain('x.com', '', -7, -1); } catch (ValueError $e) { echo get_class($e), ': ', $e->getMessage(), "\n"; }
try { vpopmail_add_domain('x.com', '', 'abc', -1); } catch (TypeError $e) { echo get_class($e), ': ', $e->getMessage(), "\n"; }
/* nothing of the refused domains reached the disk */
echo file_get_contents("$root/qmail/control/rcpthosts");
var_dump(is_dir("$home/domains/other.test"), is_dir("$root/etc.com"));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-010'));
?>
--EXPECTF--
bool(true)
int(0)
string(7) "Success"
+example.com-:example.com:89:89:%s/vp-010/vpopmail/domains/example.com:-::
.
example.com
example.com:example.com
string(0) ""
| ~/bin/vdelivermail '' delete
dir-control ok
string(0) ""
array(0) {
}
700 600 644
!example.com- => example.com\00089\00089\000~/domains/example.com\000-\000
 => -
bool(true)
-- failures

Warning: vpopmail_add_domain(): Domain already exists: example.com in %s on line %d
bool(false)
int(-13)

Warning: vpopmail_add_domain(): Invalid domain name: no dot in %s on line %d
bool(false)
int(-12)

Warning: vpopmail_add_domain(): Invalid domain name: %s in %s on line %d
bool(false)
int(-12)

Warning: vpopmail_add_domain(): domain name too long (max=96) in %s on line %d
bool(false)
int(-26)

Warning: vpopmail_add_domain(): Unable to chdir to vpopmail/domains/domain directory: only %s/vp-010/vpopmail is allowed in %s on line %d
bool(false)
int(-6)

Warning: vpopmail_add_domain(): running as invalid uid: domains may not be owned by root in %s on line %d
bool(false)
int(-22)
ValueError: vpopmail_add_domain(): Argument #1 ($domain) must not contain any null bytes
ValueError: vpopmail_add_domain(): Argument #3 ($uid) must be between -1 and 2147483647
TypeError: vpopmail_add_domain(): Argument #3 ($uid) must be of type int, string given
example.com
second.test
bool(false)
bool(false)
