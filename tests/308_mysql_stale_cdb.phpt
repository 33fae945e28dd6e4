--TEST--
vpopmail.backend=mysql: a vpasswd/vpasswd.cdb left in a domain from the days of the cdb module never answers a login (the vpopmail table is the only truth)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-308/vpopmail
vpopmail.qmail_dir={TMP}/vp-308/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.auth_logging=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-308-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-308-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-308');
$old = vp_sandbox('vp-308-cdb');
$db = vp_root('vp-308-db');
vp_m_start($db);

var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_user('alice', 'example.com', 'newpw123'));
/* The same domain on the cdb module elsewhere: alice with her old password, and a user the table never had. */
echo vp_m_child('var_dump(vpopmail_add_domain_ex("example.com", "Secret123"), vpopmail_add_user("alice", "example.com", "oldpw123"), '
              . 'vpopmail_add_user("ghost", "example.com", "ghostpw1"));', $old, $db, ['vpopmail.backend' => 'cdb']);
foreach (['vpasswd', 'vpasswd.cdb'] as $f) {
	var_dump(copy("$old/vpopmail/domains/example.com/$f", "$root/vpopmail/domains/example.com/$f"));
}
echo "-- logins\n";
var_dump(vpopmail_auth_user('alice', 'example.com', 'oldpw123'), vpopmail_auth_user('ghost', 'example.com', 'ghostpw1'),
         vpopmail_auth_user('alice', 'example.com', 'newpw123'));
vp_m_stop($db);
vp_rmtree($db);
vp_rmtree($old);
vp_rmtree($root);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
-- logins
bool(false)
bool(false)
bool(true)
