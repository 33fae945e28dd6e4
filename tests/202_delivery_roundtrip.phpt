--TEST--
vpopmail_set_delivery(): what is written reads back the same; only the named settings change; lines of other tools stay in place; no-op writes nothing; alias domains, UTF-8, the vacation's state files, del_user
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-202/vpopmail
vpopmail.qmail_dir={TMP}/vp-202/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/delivery.inc';
$root = vp_t_root('202');
vp_d_sandbox($root);
$dom = "$root/vpopmail/domains/example.com";
function qmail(string $user): string
{
	global $root, $dom;
	$f = "$dom/$user/.qmail";
	return file_exists($f) ? str_replace("$root/vpopmail/domains/example.com", '~', file_get_contents($f)) : "(no .qmail)\n";
}
function get(string $user, string $domain = 'example.com'): string
{
	global $root;
	return str_replace($root, '', vp_d_show(vpopmail_get_delivery($user, $domain)));
}

echo "-- forward: a form field, split as qmailadmin splits it; a bare name is in the domain\n";
var_dump(vpopmail_set_delivery('alice', 'example.com', ['mode' => 'forward', 'forward' => " a@Remote.Example,b@x.example;\n bob  a@remote.example"]));
echo qmail('alice'), get('alice'), "\n";
echo "-- the vacation alone: the forwards stay\n";
var_dump(vpopmail_set_delivery('alice', 'example.com', ['vacation' => ['subject' => 'Weg bis Montag – danke', 'body' => "Grüße\r\n\r\n"]]));
echo qmail('alice'), file_get_contents("$dom/alice/vacation/message"), "\n", get('alice'), "\n";
echo "-- the routing alone: the vacation stays, autorespond's records too\n";
file_put_contents("$dom/alice/vacation/A123.1700000000", "someone@x.example");
var_dump(vpopmail_set_delivery('alice', 'example.com', ['mode' => 'forward', 'forward' => ['b@x.example'], 'keep_copy' => true]));
echo qmail('alice');
var_dump(vpopmail_set_delivery('alice', 'example.com', ['vacation' => ['subject' => 'Back on Monday', 'charset' => 'us-ascii']]));
echo file_get_contents("$dom/alice/vacation/message"), "|\n", implode(' ', vp_t_ls("$dom/alice/vacation")), "\n";
echo "-- vacation off takes the directory; mailbox without other lines: no .qmail\n";
var_dump(vpopmail_set_delivery('alice', 'example.com', ['mode' => 'mailbox', 'vacation' => false]));
echo qmail('alice'), var_export(file_exists("$dom/alice/vacation"), true), "\n", get('alice'), "\n";

echo "-- a file of other tools: their lines keep their places\n";
$foreign = "# filtered by the site\n|/usr/bin/condredirect spam@example.com /usr/local/bin/isspam\n./Maildir/.Archive/\n"
	. "&old@remote.example\n\n| /usr/local/bin/autorespond 86400 3 ~/vacation/message ~/vacation\n|/usr/bin/logger got mail\n";
file_put_contents("$dom/bob/.qmail", str_replace('~', "$dom/bob", $foreign));
echo get('bob'), "\n";
var_dump(vpopmail_set_delivery('bob', 'example.com', ['mode' => 'delete']));
echo qmail('bob');
var_dump(vpopmail_set_delivery('bob', 'example.com', ['mode' => 'forward', 'forward' => ['n1@remote.example', 'n2@remote.example'], 'keep_copy' => true, 'vacation' => null]));
echo qmail('bob');
var_dump(vpopmail_set_delivery('bob', 'example.com', ['vacation' => ['subject' => 'away']]));
echo qmail('bob');
var_dump(vpopmail_set_delivery('bob', 'example.com', ['mode' => 'mailbox', 'vacation' => false]));
echo qmail('bob'), get('bob'), "\n";

echo "-- what get returns, set again, changes no byte (and a no-op does not rewrite)\n";
$d = vpopmail_get_delivery('bob', 'example.com');
clearstatcache();
$before = [fileinode("$dom/bob/.qmail"), file_get_contents("$dom/bob/.qmail")];
var_dump(vpopmail_set_delivery('bob', 'example.com', ['mode' => $d['mode']]), vpopmail_set_delivery('bob', 'example.com', []),
	vpopmail_set_delivery('bob', 'example.com', ['vacation' => false]));
clearstatcache();
var_dump($before === [fileinode("$dom/bob/.qmail"), file_get_contents("$dom/bob/.qmail")]);

echo "-- a vacation in a user without .qmail keeps the mail (the Maildir line first)\n";
var_dump(vpopmail_set_delivery('carol', 'example.com', ['vacation' => ['subject' => 'Out', 'body' => 'Back soon.']]));
echo qmail('carol'), get('carol'), "\n";
echo "-- delete + vacation, then vacation off: still delete\n";
var_dump(vpopmail_set_delivery('carol', 'example.com', ['mode' => 'delete']), vpopmail_set_delivery('carol', 'example.com', ['vacation' => false]));
echo qmail('carol');

echo "-- through an alias domain: the real domain's user, its name in From:\n";
var_dump(vpopmail_add_alias_domain('example.com', 'alias.example'));
var_dump(vpopmail_set_delivery('DAVE', 'Alias.Example', ['mode' => 'forward', 'forward' => 'x@remote.example', 'vacation' => ['subject' => 'Hi']]));
echo qmail('dave'), file_get_contents("$dom/dave/vacation/message"), "|\n", get('dave', 'alias.example') === get('dave') ? 'same reading' : 'DIFFERENT', "\n";
printf(".qmail %s, vacation %s, message %s\n", vp_u_mode("$dom/dave/.qmail"), vp_u_mode("$dom/dave/vacation"), vp_u_mode("$dom/dave/vacation/message"));
echo "-- a long UTF-8 subject folds into encoded-words, and reads back whole\n";
$long = str_repeat('Abwesend – ', 12) . 'zurück am 2. Januar';
var_dump(vpopmail_set_delivery('dave', 'example.com', ['vacation' => ['subject' => $long, 'body' => 'x']]));
$msg = file_get_contents("$dom/dave/vacation/message");
$head = substr($msg, 0, strpos($msg, "\n\n"));
echo max(array_map('strlen', explode("\n", $head))) <= 76 ? 'lines <= 76' : 'LONG LINE', ', ', preg_match('/[\x80-\xff]/', $head) ? '8-bit in the header' : 'header ASCII', ', ',
	vpopmail_get_delivery('dave', 'example.com')['vacation']['subject'] === $long ? 'read back whole' : 'NOT READ BACK', "\n";
echo "-- del_user takes .qmail and vacation with the home\n";
var_dump(vpopmail_del_user('dave', 'example.com'), file_exists("$dom/dave"));
echo vp_d_show(vp_d_files($dom) ? array_keys(vp_d_files($dom)) : []), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-202'));
?>
--EXPECT--
-- forward: a form field, split as qmailadmin splits it; a bare name is in the domain
bool(true)
&a@remote.example
&b@x.example
&bob@example.com
{"mode":"forward","forward":["a@remote.example","b@x.example","bob@example.com"],"keep_copy":false,"vacation":null,"other":[]}
-- the vacation alone: the forwards stay
bool(true)
&a@remote.example
&b@x.example
&bob@example.com
| /usr/local/bin/autorespond 86400 3 ~/alice/vacation/message ~/alice/vacation
From: alice@example.com
Subject: =?UTF-8?Q?Weg_bis_Montag_=E2=80=93_danke?=
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Grüße
{"mode":"forward","forward":["a@remote.example","b@x.example","bob@example.com"],"keep_copy":false,"vacation":{"subject":"Weg bis Montag – danke","body":"Grüße","charset":"UTF-8"},"other":[]}
-- the routing alone: the vacation stays, autorespond's records too
bool(true)
&b@x.example
~/alice/Maildir/
| /usr/local/bin/autorespond 86400 3 ~/alice/vacation/message ~/alice/vacation
bool(true)
From: alice@example.com
Subject: Back on Monday

|
A123.1700000000 message
-- vacation off takes the directory; mailbox without other lines: no .qmail
bool(true)
(no .qmail)
false
{"mode":"mailbox","forward":[],"keep_copy":false,"vacation":null,"other":[]}
-- a file of other tools: their lines keep their places
{"mode":"forward","forward":["old@remote.example"],"keep_copy":false,"vacation":{"subject":null,"body":null,"charset":null},"other":["# filtered by the site","|/usr/bin/condredirect spam@example.com /usr/local/bin/isspam","./Maildir/.Archive/","|/usr/bin/logger got mail"]}
bool(true)
# filtered by the site
|/usr/bin/condredirect spam@example.com /usr/local/bin/isspam
./Maildir/.Archive/
# delete
| /usr/local/bin/autorespond 86400 3 ~/bob/vacation/message ~/bob/vacation
|/usr/bin/logger got mail
bool(true)
# filtered by the site
|/usr/bin/condredirect spam@example.com /usr/local/bin/isspam
./Maildir/.Archive/
&n1@remote.example
&n2@remote.example
~/bob/Maildir/
|/usr/bin/logger got mail
bool(true)
# filtered by the site
|/usr/bin/condredirect spam@example.com /usr/local/bin/isspam
./Maildir/.Archive/
&n1@remote.example
&n2@remote.example
~/bob/Maildir/
|/usr/bin/logger got mail
| /usr/local/bin/autorespond 86400 3 ~/bob/vacation/message ~/bob/vacation
bool(true)
# filtered by the site
|/usr/bin/condredirect spam@example.com /usr/local/bin/isspam
./Maildir/.Archive/
~/bob/Maildir/
|/usr/bin/logger got mail
{"mode":"mailbox","forward":[],"keep_copy":false,"vacation":null,"other":["# filtered by the site","|/usr/bin/condredirect spam@example.com /usr/local/bin/isspam","./Maildir/.Archive/","|/usr/bin/logger got mail"]}
-- what get returns, set again, changes no byte (and a no-op does not rewrite)
bool(true)
bool(true)
bool(true)
bool(true)
-- a vacation in a user without .qmail keeps the mail (the Maildir line first)
bool(true)
~/carol/Maildir/
| /usr/local/bin/autorespond 86400 3 ~/carol/vacation/message ~/carol/vacation
{"mode":"mailbox","forward":[],"keep_copy":false,"vacation":{"subject":"Out","body":"Back soon.","charset":null},"other":[]}
-- delete + vacation, then vacation off: still delete
bool(true)
bool(true)
# delete
-- through an alias domain: the real domain's user, its name in From:
bool(true)
bool(true)
&x@remote.example
| /usr/local/bin/autorespond 86400 3 ~/dave/vacation/message ~/dave/vacation
From: dave@example.com
Subject: Hi

|
same reading
.qmail 0600, vacation 0700, message 0600
-- a long UTF-8 subject folds into encoded-words, and reads back whole
bool(true)
lines <= 76, header ASCII, read back whole
-- del_user takes .qmail and vacation with the home
bool(true)
bool(false)
["bob/.qmail","carol/.qmail"]