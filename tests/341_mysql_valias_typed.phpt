--TEST--
vpopmail.valias=1 on a valias table with the defaultdelivery columns (valias_type, copy): forwards are type 1, local deliveries type 0, the forwards of an alias that also delivers locally get copy 1; read back verbatim; domain_usage counts the rows as it counts files; without valias the files are used and the table is left alone
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-341/vpopmail
vpopmail.qmail_dir={TMP}/vp-341/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.valias=1
vpopmail.allow_program_aliases=1
vpopmail.mysql_config={TMP}/vp-341-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-341-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-341');
$db = vp_root('vp-341-db');
vp_m_start($db);
/* the layout sites built with defaultdelivery have (sagredo's README) */
echo vp_m_sql($db, "CREATE TABLE valias ( id int(11) NOT NULL AUTO_INCREMENT, valias_type tinyint(1) NOT NULL DEFAULT 1 COMMENT '1=forwarder 0=lda', alias varchar(32) NOT NULL, domain varchar(96) NOT NULL, valias_line text NOT NULL, copy tinyint(1) NOT NULL DEFAULT 0 COMMENT '0=redirect 1=copy&redirect', PRIMARY KEY (id), KEY alias (alias, domain, valias_type) )");
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_user('alice', 'example.com', 'alicepw'));
$home = "$root/vpopmail/domains/example.com/alice";
var_dump(vpopmail_alias_add('alice', 'example.com', '&alice@elsewhere.example'));
echo vp_m_sql($db, 'SELECT valias_type, alias, valias_line, copy FROM valias ORDER BY id');
echo "-- a local delivery too: the forward becomes copy and redirect\n";
var_dump(vpopmail_alias_add('alice', 'example.com', "$home/Maildir/"));
var_dump(vpopmail_alias_add('list', 'example.com', '|/usr/bin/ezmlm-reject'));
var_dump(vpopmail_alias_add('sales', 'example.com', 'bob@other.example'));
echo str_replace($root, '<root>', vp_m_sql($db, 'SELECT valias_type, alias, valias_line, copy FROM valias ORDER BY id'));
echo "-- read back verbatim, by alias then insertion\n";
echo str_replace($root, '<root>', json_encode(vpopmail_alias_get_all('example.com'), JSON_UNESCAPED_SLASHES)), "\n";
$u = vpopmail_domain_usage('example.com', false, false);
echo json_encode(array_intersect_key($u, array_flip(['aliases', 'forwards', 'mailinglists', 'autoresponders']))), "\n";
echo "-- deleting the alias removes its rows only\n";
var_dump(vpopmail_alias_del('alice', 'example.com'));
echo vp_m_sql($db, 'SELECT valias_type, alias, valias_line, copy FROM valias ORDER BY id');
echo "-- with vpopmail.valias=0 the same call writes a .qmail file and no row\n";
echo vp_m_child("var_dump(vpopmail_alias_add('files', 'example.com', 'x@y.example'));", $root, $db, ['vpopmail.valias' => '0']);
var_dump(file_get_contents("$root/vpopmail/domains/example.com/.qmail-files"));
echo vp_m_sql($db, "SELECT COUNT(*) FROM valias WHERE alias = 'files'");
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-341-db'));
vp_rmtree(vp_root('vp-341-db'));
vp_rmtree(vp_root('vp-341'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
valias_type	alias	valias_line	copy
1	alice	&alice@elsewhere.example	0
-- a local delivery too: the forward becomes copy and redirect
bool(true)
bool(true)
bool(true)
valias_type	alias	valias_line	copy
1	alice	&alice@elsewhere.example	1
0	alice	<root>/vpopmail/domains/example.com/alice/Maildir/	0
0	list	|/usr/bin/ezmlm-reject	0
1	sales	bob@other.example	0
-- read back verbatim, by alias then insertion
{"alice":["&alice@elsewhere.example","<root>/vpopmail/domains/example.com/alice/Maildir/"],"list":["|/usr/bin/ezmlm-reject"],"sales":["bob@other.example"]}
{"aliases":{"count":3,"max":null},"forwards":{"count":2,"max":null},"autoresponders":{"count":0,"max":null},"mailinglists":{"count":1,"max":null}}
-- deleting the alias removes its rows only
bool(true)
valias_type	alias	valias_line	copy
0	list	|/usr/bin/ezmlm-reject	0
1	sales	bob@other.example	0
-- with vpopmail.valias=0 the same call writes a .qmail file and no row
bool(true)
string(12) "x@y.example
"
COUNT(*)
0