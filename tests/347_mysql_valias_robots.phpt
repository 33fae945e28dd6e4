--TEST--
vpopmail.valias=1 on mysql: the domain autoresponders (qmailadmin's mail robots) keep their .qmail lines in valias rows as qmailadmin built with --enable-valias does: add/get/update/list/del, the copy line, a name that is already an alias is taken, domain_usage counts the robot; no .qmail-<name> file is written, the robot's directory and message are on disk as before
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-347/vpopmail
vpopmail.qmail_dir={TMP}/vp-347/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.valias=1
vpopmail.mysql_config={TMP}/vp-347-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-347-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-347');
$db = vp_root('vp-347-db');
vp_m_start($db);
$rows = fn() => str_replace($root, '<root>', vp_m_sql($db, 'SELECT alias, domain, valias_line FROM valias ORDER BY id'));
$dir = "$root/vpopmail/domains/example.com";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_user('alice', 'example.com', 'alicepw'));
var_dump(vpopmail_autoresponder_add('info', 'example.com', ['subject' => 'Thanks', 'body' => 'We will call you.', 'copy_to' => 'alice']));
echo $rows();
echo "files: ", implode(' ', array_map('basename', glob("$dir/.qmail-*"))), "; message: ", var_export(is_file("$dir/INFO/message"), true), "\n";
$a = vpopmail_autoresponder_get('info', 'example.com');
echo json_encode([$a['subject'] ?? null, $a['copy_to'] ?? null]), "\n";
echo "as an alias: ", json_encode(str_replace($root, '<root>', vpopmail_alias_get('info', 'example.com'))), "\n";
$u = vpopmail_domain_usage('example.com', false, false);
echo "usage: autoresponders ", $u['autoresponders']['count'], ", aliases ", $u['aliases']['count'], "\n";
echo "-- update: its lines (the copy forward goes), a program line an admin added stays, as with files\n";
vp_m_sql($db, "INSERT INTO valias (alias, domain, valias_line) VALUES ('info', 'example.com', '|/usr/bin/spamc-helper')");
var_dump(vpopmail_autoresponder_update('info', 'example.com', ['subject' => 'Thanks again', 'body' => 'Soon.']));
echo $rows();
echo "-- taken names\n";
var_dump(vpopmail_alias_add('sales', 'example.com', 'alice@example.com'));
var_dump(@vpopmail_autoresponder_add('sales', 'example.com', ['subject' => 'x', 'body' => 'y']), vpopmail_errno() === VPOPMAIL_VA_USERNAME_EXISTS);
echo "list: ", json_encode(array_keys(vpopmail_autoresponder_list('example.com'))), "\n";
echo "-- del\n";
var_dump(vpopmail_autoresponder_del('info', 'example.com'));
echo $rows();
echo "robot dir gone: ", var_export(!is_dir("$dir/INFO"), true), "\n";
var_dump(@vpopmail_autoresponder_del('info', 'example.com'), vpopmail_errno() === VPOPMAIL_VA_ALIAS_DOES_NOT_EXIST);
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-347-db'));
vp_rmtree(vp_root('vp-347-db'));
vp_rmtree(vp_root('vp-347'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
alias	domain	valias_line
info	example.com	|/usr/local/bin/autorespond 10000 5 <root>/vpopmail/domains/example.com/INFO/message <root>/vpopmail/domains/example.com/INFO
info	example.com	&alice@example.com
files: .qmail-default; message: true
["Thanks","alice@example.com"]
as an alias: ["|\/usr\/local\/bin\/autorespond 10000 5 <root>\/vpopmail\/domains\/example.com\/INFO\/message <root>\/vpopmail\/domains\/example.com\/INFO","&alice@example.com"]
usage: autoresponders 1, aliases 1
-- update: its lines (the copy forward goes), a program line an admin added stays, as with files
bool(true)
alias	domain	valias_line
info	example.com	|/usr/local/bin/autorespond 10000 5 <root>/vpopmail/domains/example.com/INFO/message <root>/vpopmail/domains/example.com/INFO
info	example.com	|/usr/bin/spamc-helper
-- taken names
bool(true)
bool(false)
bool(true)
list: ["info"]
-- del
bool(true)
alias	domain	valias_line
sales	example.com	alice@example.com
robot dir gone: true
bool(false)
bool(true)