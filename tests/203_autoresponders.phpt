--TEST--
vpopmail_autoresponder_add/_update/_del/_get/_list(): qmailadmin's robot files, the copy variant, names that are taken, lines an admin added, the robot's directory goes with it (del and del_domain)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-203/vpopmail
vpopmail.qmail_dir={TMP}/vp-203/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/delivery.inc';
$root = vp_t_root('203');
vp_d_sandbox($root);
$dom = "$root/vpopmail/domains/example.com";
function files(): void
{
	global $root;
	foreach (vp_d_ours($root) as $rel => $data) {
		echo "  $rel", $data === 'dir' ? '/' : ': ' . vp_d_show($data), "\n";
	}
}
function show($r): void
{
	global $root;
	echo $r === true ? 'ok' : 'false ' . vpopmail_errno() . ' ' . str_replace($root, '', vpopmail_error()), "\n";
}

echo "-- add, with a copy, by an alias domain name\n";
var_dump(vpopmail_add_alias_domain('example.com', 'alias.example'));
show(vpopmail_autoresponder_add('Sales', 'alias.example', ['subject' => 'Thanks', 'body' => "We will call you.\r\n", 'copy_to' => 'alice']));
show(vpopmail_autoresponder_add('team.lead', 'example.com', ['subject' => 'Zurück am Montag', 'body' => 'Grüße']));
files();
echo vp_d_show(vpopmail_autoresponder_list('example.com')), "\n";
printf("%s %s %s\n", vp_u_mode("$dom/.qmail-sales"), vp_u_mode("$dom/SALES"), vp_u_mode("$dom/SALES/message"));

echo "-- update: new text, the copy changed, then removed; a line an admin added stays\n";
file_put_contents("$dom/.qmail-sales", file_get_contents("$dom/.qmail-sales") . "./Maildir/\n");
file_put_contents("$dom/SALES/A4242.1700000000", 'x@y.example');
show(vpopmail_autoresponder_update('sales', 'example.com', ['subject' => 'Thanks!', 'body' => 'Soon.', 'copy_to' => 'boss@remote.example']));
echo vp_d_show(str_replace($root, '', file_get_contents("$dom/.qmail-sales"))), "\n";
show(vpopmail_autoresponder_update('sales', 'example.com', ['subject' => 'Thanks!', 'body' => 'Soon.']));
echo vp_d_show(str_replace($root, '', file_get_contents("$dom/.qmail-sales"))), "\n";
echo vp_d_show(vpopmail_autoresponder_get('sales', 'example.com')), ' ', implode(' ', vp_t_ls("$dom/SALES")), "\n";

echo "-- names already taken, names refused, robots that are not there\n";
var_dump(vpopmail_alias_add('orders', 'example.com', 'alice@example.com'));
foreach (['alice', 'orders', 'sales', 'Team.Lead', 'x', '12', 'default', 'a-default', '-x', '.x', 'a/b', '../SALES', 'in fo', 'a;b', 'caf' . "\xc3\xa9"] as $n) {
	echo str_pad(vp_d_show($n), 12), ' ';
	show(@vpopmail_autoresponder_add($n, 'example.com', ['subject' => 's']));
}
foreach (['orders', 'nothere'] as $n) {
	echo "update $n: ";
	show(@vpopmail_autoresponder_update($n, 'example.com', ['subject' => 's']));
	echo "del $n: ";
	show(@vpopmail_autoresponder_del($n, 'example.com'));
	echo "get $n: ";
	var_dump(@vpopmail_autoresponder_get($n, 'example.com'), vpopmail_errno());
}
show(@vpopmail_autoresponder_add('info', 'nowhere.test', ['subject' => 's']));
var_dump(vpopmail_alias_get('orders', 'example.com'));
echo "-- a directory of the same name that is not a robot's is never taken\n";
mkdir("$dom/ARCHIVE");
mkdir("$dom/ARCHIVE/2024");
show(@vpopmail_autoresponder_add('archive', 'example.com', ['subject' => 's']));
var_dump(is_dir("$dom/ARCHIVE/2024"), file_exists("$dom/.qmail-archive"));

echo "-- delete: the .qmail-<name> and the directory with autorespond's records\n";
show(vpopmail_autoresponder_del('SALES', 'example.com'));
var_dump(file_exists("$dom/.qmail-sales"), file_exists("$dom/SALES"));
echo vp_d_show(array_keys(vpopmail_autoresponder_list('example.com'))), "\n";
echo "-- del_domain: every robot goes with the domain directory\n";
var_dump(vpopmail_del_domain('example.com'), file_exists($dom));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-203'));
?>
--EXPECT--
-- add, with a copy, by an alias domain name
bool(true)
ok
ok
  .qmail-sales: "|/usr/local/bin/autorespond 10000 5 /home/vpopmail/domains/example.com/SALES/message /home/vpopmail/domains/example.com/SALES\n&alice@example.com\n"
  .qmail-team:lead: "|/usr/local/bin/autorespond 10000 5 /home/vpopmail/domains/example.com/TEAM.LEAD/message /home/vpopmail/domains/example.com/TEAM.LEAD\n"
  SALES/
  SALES/message: "From: sales@example.com\nSubject: Thanks\nContent-type: text/plain \nContent-transfer-encoding: 7bit\nMIME-Version: 1.0\n\nWe will call you."
  TEAM.LEAD/
  TEAM.LEAD/message: "From: team.lead@example.com\nSubject: =?UTF-8?Q?Zur=C3=BCck_am_Montag?=\nContent-type: text/plain; charset=UTF-8\nContent-transfer-encoding: 8bit\nMIME-Version: 1.0\n\nGrüße"
{"sales":{"name":"sales","subject":"Thanks","body":"We will call you.","charset":null,"copy_to":"alice@example.com","other":[]},"team.lead":{"name":"team.lead","subject":"Zurück am Montag","body":"Grüße","charset":"UTF-8","copy_to":null,"other":[]}}
0600 0700 0600
-- update: new text, the copy changed, then removed; a line an admin added stays
ok
"|/usr/local/bin/autorespond 10000 5 /vpopmail/domains/example.com/SALES/message /vpopmail/domains/example.com/SALES\n&boss@remote.example\n./Maildir/\n"
ok
"|/usr/local/bin/autorespond 10000 5 /vpopmail/domains/example.com/SALES/message /vpopmail/domains/example.com/SALES\n./Maildir/\n"
{"name":"sales","subject":"Thanks!","body":"Soon.","charset":null,"copy_to":null,"other":["./Maildir/"]} A4242.1700000000 message
-- names already taken, names refused, robots that are not there
bool(true)
"alice"      false -2 Username exists: alice@example.com is a mailbox
"orders"     false -2 Username exists: orders@example.com is already an alias, forward, list or autoresponder
"sales"      false -2 Username exists: sales@example.com is already an alias, forward, list or autoresponder
"Team.Lead"  false -2 Username exists: team.lead@example.com is already an alias, forward, list or autoresponder
"x"          false -108 invalid alias name: an autoresponder name has 2-64 bytes
"12"         false -108 invalid alias name: a name needs a letter, must not start with '.' or '-' and is not a -default
"default"    false -108 invalid alias name: a name needs a letter, must not start with '.' or '-' and is not a -default
"a-default"  false -108 invalid alias name: a name needs a letter, must not start with '.' or '-' and is not a -default
"-x"         false -108 invalid alias name: a name needs a letter, must not start with '.' or '-' and is not a -default
".x"         false -108 invalid alias name: a name needs a letter, must not start with '.' or '-' and is not a -default
"a/b"        false -108 invalid alias name: invalid character in the name
"../SALES"   false -108 invalid alias name: invalid character in the name
"in fo"      false -108 invalid alias name: invalid character in the name
"a;b"        false -108 invalid alias name: invalid character in the name
"café"      false -108 invalid alias name: invalid character in the name
update orders: false -105 alias does not exist: orders@example.com is not an autoresponder
del orders: false -105 alias does not exist: orders@example.com is not an autoresponder
get orders: bool(false)
int(-105)
update nothere: false -105 alias does not exist: no autoresponder nothere@example.com
del nothere: false -105 alias does not exist: no autoresponder nothere@example.com
get nothere: bool(false)
int(-105)
false -11 Domain does not exist: nowhere.test
array(1) {
  [0]=>
  string(17) "alice@example.com"
}
-- a directory of the same name that is not a robot's is never taken
false -7 User's directory already exists: /vpopmail/domains/example.com/ARCHIVE exists and is not an autoresponder's
bool(true)
bool(false)
-- delete: the .qmail-<name> and the directory with autorespond's records
ok
bool(false)
bool(false)
["team.lead"]
-- del_domain: every robot goes with the domain directory
bool(true)
bool(false)