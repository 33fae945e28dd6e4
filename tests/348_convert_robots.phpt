--TEST--
vpopmail_convert() with vpopmail.valias: an autoresponder (mail robot) and an ezmlm list (a .qmail symlink) go to valias rows and come back: the robot works on mysql (get/list), the round trip gives the same files, the symlink stays a symlink and is never replaced or removed
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-348/vpopmail
vpopmail.qmail_dir={TMP}/vp-348/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=cdb
vpopmail.valias=1
vpopmail.allow_program_aliases=1
vpopmail.mysql_config={TMP}/vp-348-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-348-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-348');
$db = vp_root('vp-348-db');
vp_m_start($db);
$dir = "$root/vpopmail/domains/example.com";
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_user('alice', 'example.com', 'alicepw'),
         vpopmail_autoresponder_add('info', 'example.com', ['subject' => 'Thanks', 'body' => 'Soon.', 'copy_to' => 'alice']),
         vpopmail_alias_add('sales', 'example.com', 'alice@example.com'));
mkdir("$dir/list");
file_put_contents("$dir/list/qmail", "|/usr/bin/ezmlm-send '$dir/list'\n");
symlink("$dir/list/qmail", "$dir/.qmail-list");
$snap = function () use ($dir): array {
    $s = [];
    foreach (glob("$dir/.qmail-*") as $f) {
        $s[basename($f)] = (is_link($f) ? 'link: ' : 'file: ') . file_get_contents($f);
    }
    return $s;
};
$before = $snap();
echo json_encode(vpopmail_convert('cdb', 'mysql')), "\n";
echo str_replace($root, '<root>', vp_m_sql($db, 'SELECT alias, valias_line FROM valias ORDER BY id'));
echo "on mysql: ", str_replace($root, '<root>', vp_m_child('echo json_encode(array_keys(vpopmail_autoresponder_list("example.com"))), " ",
    vpopmail_autoresponder_get("info", "example.com")["subject"], "\n";', $root, $db, ['vpopmail.valias' => '1'])), "";
echo "-- back\n";
echo json_encode(vpopmail_convert('mysql', 'cdb')), "\n";
echo "files: ", $snap() === $before ? 'the same' : json_encode($snap()), "\n";
echo "-- the list's row gone on mysql: its symlink stays\n";
vp_m_sql($db, "DELETE FROM valias WHERE alias = 'list'");
echo json_encode(vpopmail_convert('mysql', 'cdb')), "\n";
var_dump(is_link("$dir/.qmail-list"));
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_stop(vp_root('vp-348-db'));
vp_rmtree(vp_root('vp-348-db'));
vp_rmtree(vp_root('vp-348'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
{"example.com":{"users":2,"removed":0,"lastauth":2,"alias_domains":0,"aliases":3,"alias_lines":4}}
alias	valias_line
info	|/usr/local/bin/autorespond 10000 5 <root>/vpopmail/domains/example.com/INFO/message <root>/vpopmail/domains/example.com/INFO
info	&alice@example.com
list	|/usr/bin/ezmlm-send '<root>/vpopmail/domains/example.com/list'
sales	alice@example.com
on mysql: ["info"] Thanks
-- back
{"example.com":{"users":2,"removed":0,"lastauth":2,"alias_domains":0,"aliases":3,"alias_lines":4}}
files: the same
-- the list's row gone on mysql: its symlink stays
{"example.com":{"users":2,"removed":0,"lastauth":2,"alias_domains":0,"aliases":2,"alias_lines":3}}
bool(true)