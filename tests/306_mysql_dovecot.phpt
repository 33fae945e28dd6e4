--TEST--
vpopmail.backend=mysql with a real client: Dovecot's SQL passdb/userdb over the vpopmail table (as QmailToaster and the sagredo.eu guide set it up) logs in a user the extension created, refuses a wrong password and a user flagged NO_IMAP, and takes a password set through the extension at the next login
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-306/vpopmail
vpopmail.qmail_dir={TMP}/vp-306/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
vpopmail.backend=mysql
vpopmail.mysql_config={TMP}/vp-306-db/vpopmail.mysql
vpopmail.mysql_socket={TMP}/vp-306-db/sock
--FILE--
<?php
require __DIR__ . '/mysql.inc';
$root = vp_sandbox('vp-306');
$db = vp_root('vp-306-db');
$dc = vp_root('vp-306-dc');
vp_m_start($db);
var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'), vpopmail_add_user('alice', 'example.com', 'alicepw'),
         vpopmail_add_alias_domain_ex('example.com', 'alias.example'), vpopmail_add_user('bob', 'alias.example', 'bobpw'));
$port = vp_m_dovecot_start($dc, $db);
echo "alice, her password: ", vp_m_imap_login($port, 'alice@example.com', 'alicepw'), "\n";
echo "alice, a wrong one: ", vp_m_imap_login($port, 'alice@example.com', 'wrong'), "\n";
echo "bob (added through the alias domain): ", vp_m_imap_login($port, 'bob@example.com', 'bobpw'), "\n";
echo "nobody: ", vp_m_imap_login($port, 'nobody@example.com', 'x'), "\n";
var_dump(vpopmail_passwd('alice', 'example.com', 'newpw'));
echo "alice, the new password: ", vp_m_imap_login($port, 'alice@example.com', 'newpw'), "\n";
echo "alice, the old one: ", vp_m_imap_login($port, 'alice@example.com', 'alicepw'), "\n";
var_dump(vpopmail_set_user_flags('alice', 'example.com', VPOPMAIL_NO_IMAP));
echo "alice, NO_IMAP: ", vp_m_imap_login($port, 'alice@example.com', 'newpw'), "\n";
var_dump(vpopmail_set_user_flags('alice', 'example.com', VPOPMAIL_NO_IMAP, VPOPMAIL_FLAGS_REMOVE));
echo "alice, flag removed: ", vp_m_imap_login($port, 'alice@example.com', 'newpw'), "\n";
var_dump(vpopmail_del_user('bob', 'example.com'));
echo "bob, deleted: ", vp_m_imap_login($port, 'bob@example.com', 'bobpw'), "\n";
vp_m_dovecot_stop($dc);
vp_m_stop($db);
?>
--CLEAN--
<?php
require __DIR__ . '/mysql.inc';
vp_m_dovecot_stop(vp_root('vp-306-dc'));
vp_m_stop(vp_root('vp-306-db'));
vp_m_dovecot_rmtree(vp_root('vp-306-dc'));
vp_rmtree(vp_root('vp-306-db'));
vp_rmtree(vp_root('vp-306'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
alice, her password: login OK, SELECT INBOX OK
alice, a wrong one: NO Authentication failed.
bob (added through the alias domain): login OK, SELECT INBOX OK
nobody: NO Authentication failed.
bool(true)
alice, the new password: login OK, SELECT INBOX OK
alice, the old one: NO Authentication failed.
int(8)
alice, NO_IMAP: NO Authentication failed.
int(0)
alice, flag removed: login OK, SELECT INBOX OK
bool(true)
bob, deleted: NO Authentication failed.
