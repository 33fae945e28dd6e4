--TEST--
vpopmail.backend=mysql (disable-many-domains, vpopmail.mysql_layout): the fixture scenario (steps 01-28) through PHP; after every step the tables hold the rows vpopmail 5.6.13's mysql module wrote (hashes and login times by form) and the disk the files it wrote
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-301/vpopmail
vpopmail.qmail_dir={TMP}/vp-301/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-301-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-301-db/sock
vpopmail.mysql_layout=disable-many-domains
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-301');
$db = vp_root('vp-301-db');
vp_m_start($db);

vp_m_replay($root, $db, 'disable-many-domains');

echo "-- the comparisons see a difference: the state after 28 against step 27\n";
vp_m_same_tables($db, $root, 'disable-many-domains', '27-moduser-bob-clearflags');
vp_m_same_disk($root, '27-moduser-bob-clearflags');
echo "-- the passwords work as set\n";
var_dump(vpopmail_auth_user('alice', 'example.com', 'newpw'), vpopmail_auth_user('alice', 'example.com', 'alicepw'),
         vpopmail_auth_user('first.last', 'example.com', 'flpw'), vpopmail_auth_user('postmaster', 'second.test', 'Second123'));
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-301-db'));
vp_rmtree(vp_root('vp-301-db'));
vp_rmtree(vp_root('vp-301'));
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
-- the comparisons see a difference: the state after 28 against step 27
27-moduser-bob-clearflags tables: aliasdomains: -alias	domain -alias.example	example.com +
27-moduser-bob-clearflags files: differs qmail/control/rcpthosts, differs qmail/control/virtualdomains, differs qmail/users/assign, differs qmail/users/cdb
-- the passwords work as set
bool(true)
bool(false)
bool(true)
bool(true)
