--TEST--
vpopmail.valias=1 on mysql (vpopmail's --enable-valias): the fixture scenario (steps 01-28) through PHP; after every step table valias holds the rows vpopmail 5.6.13 wrote (alias as given, one row per line, insertion order), the other tables theirs, and the disk has no .qmail-<alias> file
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-340/vpopmail
vpopmail.qmail_dir={TMP}/vp-340/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.valias=1
vpopmail.mysql_config={TMP}/vp-340-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-340-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-340');
$db = vp_root('vp-340-db');
vp_m_start($db);

/* The files are the cdb fixture's minus its .qmail-<alias> files (checked
 * below: none of ours exists). */
vp_m_replay($root, $db, 'enable-valias', '~^vpopmail/domains/[^/]+/\.qmail-(?!default$)~');

echo "-- no alias file on disk\n";
var_dump(array_values(array_filter(glob("$root/vpopmail/domains/*/.qmail-*"), fn($f) => basename($f) !== ".qmail-default")), count(glob("$root/vpopmail/domains/*/.qmail-default")));
echo "-- the comparison sees a difference: valias after 28 against step 25\n";
vp_m_same_tables($db, $root, 'enable-valias', '25-valias-dotted-name');
echo "-- reading back\n";
var_dump(vpopmail_alias_get('team.lead', 'example.com'), vpopmail_alias_get_all('example.com'));
echo "-- the same checks as for files\n";
var_dump(@vpopmail_alias_add('info', 'example.com', '&external@other.org'), vpopmail_errno() === VPOPMAIL_VA_ALIAS_LINE_EXISTS);
var_dump(@vpopmail_alias_add('prog', 'example.com', '|/bin/true'), vpopmail_errno() === VPOPMAIL_VA_PROGRAM_ALIAS_DENIED);
var_dump(@vpopmail_alias_add('mbox', 'example.com', "$root/vpopmail/domains/example.com/mbox"), vpopmail_errno() === VPOPMAIL_VA_PROGRAM_ALIAS_DENIED);
var_dump(@vpopmail_alias_add('out', 'example.com', '/etc/Maildir/'), vpopmail_errno() === VPOPMAIL_VA_INVALID_ALIAS_LINE);
var_dump(@vpopmail_alias_add('default', 'example.com', 'a@b.c'), vpopmail_errno() === VPOPMAIL_VA_INVALID_ALIAS_NAME);
var_dump(@vpopmail_alias_del('nobody', 'example.com'), vpopmail_errno() === VPOPMAIL_VA_ALIAS_DOES_NOT_EXIST);
echo "-- a row another tool wrote in another case is not ours to read or delete\n";
vp_m_sql($db, "INSERT INTO valias (alias, domain, valias_line) VALUES ('Info', 'example.com', 'x@y.z')");
var_dump(vpopmail_alias_get('info', 'example.com'), vpopmail_alias_del('info', 'example.com'));
echo vp_m_sql($db, 'SELECT alias, valias_line FROM valias ORDER BY id');
echo "-- del_user takes the user's own rows (its forwards), del_alias_domain the rest\n";
var_dump(vpopmail_alias_add('alice', 'example.com', '&alice@elsewhere.example'));
var_dump(vpopmail_del_user('alice', 'example.com'));
echo vp_m_sql($db, 'SELECT alias, valias_line FROM valias ORDER BY id');
var_dump(vpopmail_alias_del_domain('example.com'));
echo vp_m_sql($db, "SELECT COUNT(*) FROM valias WHERE domain = 'example.com'");
var_dump(vpopmail_alias_add('x', 'example.com', 'a@b.example'), vpopmail_del_domain('example.com'));
echo vp_m_sql($db, "SELECT COUNT(*) FROM valias WHERE domain = 'example.com'");
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-340-db'));
vp_rmtree(vp_root('vp-340-db'));
vp_rmtree(vp_root('vp-340'));
?>
--EXPECT--
-- 01-adddomain-example.com: true
01-adddomain-example.com tables: same
01-adddomain-example.com files: same
-- 02-adddomain-second.test: true
02-adddomain-second.test tables: same
02-adddomain-second.test files: same
-- 03-adddomain-bounce.test: true
03-adddomain-bounce.test tables: same
03-adddomain-bounce.test files: same
-- 04-adduser-alice: true
04-adduser-alice tables: same
04-adduser-alice files: same
-- 05-adduser-bob: true
05-adduser-bob tables: same
05-adduser-bob files: same
-- 06-aliasdomain-alias.example: true
06-aliasdomain-alias.example tables: same
06-aliasdomain-alias.example files: same
-- 07-valias-sales-to-alice: true
07-valias-sales-to-alice tables: same
07-valias-sales-to-alice files: same
-- 08-valias-sales-to-bob: true
08-valias-sales-to-bob tables: same
08-valias-sales-to-bob files: same
-- 09-valias-info-to-external: true
09-valias-info-to-external tables: same
09-valias-info-to-external files: same
-- 10-valias-list-domain: 2
10-valias-list-domain tables: same
10-valias-list-domain files: same
-- 11-valias-list-sales: ["alice@example.com","bob@example.com"]
11-valias-list-sales tables: same
11-valias-list-sales files: same
-- 12-valias-names-domain: ["info","sales"]
12-valias-names-domain tables: same
12-valias-names-domain files: same
-- 13-setquota-bob-20M: true
13-setquota-bob-20M tables: same
13-setquota-bob-20M files: same
-- 14-passwd-alice: true
14-passwd-alice tables: same
14-passwd-alice files: same
-- 15-moduser-bob-nopop: 2
15-moduser-bob-nopop tables: same
15-moduser-bob-nopop files: same
-- 16-adduser-carol: true
16-adduser-carol tables: same
16-adduser-carol files: same
-- 17-deluser-carol: true
17-deluser-carol tables: same
17-deluser-carol files: same
-- 18-deldomain-bounce.test: true
18-deldomain-bounce.test tables: same
18-deldomain-bounce.test files: same
-- 19-err-adduser-duplicate: false errno -2
19-err-adduser-duplicate tables: same
19-err-adduser-duplicate files: same
-- 20-err-adddomain-duplicate: false errno -13
20-err-adddomain-duplicate tables: same
20-err-adddomain-duplicate files: same
-- 21-err-deluser-missing: false errno -10
21-err-deluser-missing tables: same
21-err-deluser-missing files: same
-- 22-err-passwd-missing: false errno -10
22-err-passwd-missing tables: same
22-err-passwd-missing files: same
-- 23-adduser-via-aliasdomain: true
23-adduser-via-aliasdomain tables: same
23-adduser-via-aliasdomain files: same
-- 24-adduser-uppercase-dotted: true
24-adduser-uppercase-dotted tables: same
24-adduser-uppercase-dotted files: same
-- 25-valias-dotted-name: true
25-valias-dotted-name tables: same
25-valias-dotted-name files: same
-- 26-valias-delete-sales: true
26-valias-delete-sales tables: same
26-valias-delete-sales files: same
-- 27-moduser-bob-clearflags: 0
27-moduser-bob-clearflags tables: same
27-moduser-bob-clearflags files: same
-- 28-deldomain-aliasdomain: true
28-deldomain-aliasdomain tables: same
28-deldomain-aliasdomain files: same
-- no alias file on disk
array(0) {
}
int(2)
-- the comparison sees a difference: valias after 28 against step 25
25-valias-dotted-name tables: aliasdomains: -alias	domain -alias.example	example.com +; valias: -1	sales	example.com	alice@example.com -2	sales	example.com	bob@example.com +; vpopmail: -bob	example.com	<sha512-crypt: salt, 86 characters>	0	2	Bob Builder	/home/vpopmail/domains/example.com/bob	20971520S +bob	example.com	<sha512-crypt: salt, 86 characters>	0	0	Bob Builder	/home/vpopmail/domains/example.com/bob	20971520S
-- reading back
array(1) {
  [0]=>
  string(17) "alice@example.com"
}
array(2) {
  ["info"]=>
  array(1) {
    [0]=>
    string(19) "&external@other.org"
  }
  ["team.lead"]=>
  array(1) {
    [0]=>
    string(17) "alice@example.com"
  }
}
-- the same checks as for files
bool(false)
bool(true)
bool(false)
bool(true)
bool(false)
bool(true)
bool(false)
bool(true)
bool(false)
bool(true)
bool(false)
bool(true)
-- a row another tool wrote in another case is not ours to read or delete
array(1) {
  [0]=>
  string(19) "&external@other.org"
}
bool(true)
alias	valias_line
team.lead	alice@example.com
Info	x@y.z
-- del_user takes the user's own rows (its forwards), del_alias_domain the rest
bool(true)
bool(true)
alias	valias_line
team.lead	alice@example.com
Info	x@y.z
bool(true)
COUNT(*)
0
bool(true)
bool(true)
COUNT(*)
0