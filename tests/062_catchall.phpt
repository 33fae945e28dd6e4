--TEST--
vpopmail_get_catchall()/vpopmail_set_catchall(): round trips byte for byte with the .qmail-default files vpopmail wrote (steps 01, 02, 03; 5.4's bounce), mailbox catch-all, hostile actions refused
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-062/vpopmail
vpopmail.qmail_dir={TMP}/vp-062/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/user.inc';
$root = vp_sandbox('vp-062');
$domains = "$root/vpopmail/domains";
function same(string $root, string $ver, string $step, string $domain): void
{
	$ours = str_replace("$root/vpopmail", '/home/vpopmail', file_get_contents("$root/vpopmail/domains/$domain/.qmail-default"));
	$real = file_get_contents(vp_t_fixture($ver, $step) . "/vpopmail/domains/$domain/.qmail-default");
	echo "$domain vs $ver $step: ", $ours === $real ? 'identical' : "DIFFERENT: $ours", ', ', vp_u_mode("$root/vpopmail/domains/$domain/.qmail-default"), "\n";
}
function show(string $domain): void
{
	global $root;
	$c = vpopmail_get_catchall($domain);
	if (is_array($c) && $c['line'] !== null) {
		$c['line'] = str_replace($root, '/R', $c['line']);
	}
	echo "$domain: ", json_encode($c, JSON_UNESCAPED_SLASHES), "\n";
}

var_dump(vpopmail_add_domain_ex('example.com', 'Secret123'));
var_dump(vpopmail_add_domain_ex('second.test', 'Second123', '50000000', 'catchall@example.com'));
var_dump(vpopmail_add_domain_ex('bounce.test', 'Bounce123'));
show('example.com');
show('second.test');
show('bounce.test');
echo "-- round trips\n";
vp_t_show(vpopmail_set_catchall('bounce.test', 'bounce-no-mailbox'));
show('bounce.test');
same($root, '5.4', '03-adddomain-bounce.test', 'bounce.test');
vp_t_show(vpopmail_set_catchall('bounce.test', 'delete'));
same($root, '5.6', '03-adddomain-bounce.test', 'bounce.test');
vp_t_show(vpopmail_set_catchall('second.test', 'delete'));
show('second.test');
vp_t_show(vpopmail_set_catchall('second.test', 'catchall@example.com'));
same($root, '5.6', '02-adddomain-second.test', 'second.test');
vp_t_show(vpopmail_set_catchall('alias.example', 'delete'));
var_dump(vpopmail_add_alias_domain('example.com', 'alias.example'));
vp_t_show(vpopmail_set_catchall('Alias.Example', 'Sales+Extra@Other.Test'));
show('example.com');
vp_t_show(vpopmail_set_catchall('example.com', 'delete'));
same($root, '5.6', '01-adddomain-example.com', 'example.com');

echo "-- a user's mailbox\n";
var_dump(vpopmail_add_user('alice', 'example.com', 'alicepw'));
vp_t_show(vpopmail_set_catchall('example.com', 'ALICE'));
show('example.com');
show('alias.example');
vp_t_show(vpopmail_del_user('alice', 'example.com'));
vp_t_show(vpopmail_set_catchall('example.com', 'nobody'));
vp_t_show(vpopmail_set_catchall('nowhere.test', 'delete'));

echo "-- refused: the line is run by sh -c\n";
$before = file_get_contents("$domains/example.com/.qmail-default");
foreach (['', 'a b@x.com', 'x@y.com;reboot', 'x@y.com|sh', '`id`@x.com', '$(id)@x.com', "'x'@y.com", 'x@y.com>/tmp/f',
          "x@y.com\n| /bin/sh", 'x@@y.com', '-x@y.com', 'x@', '@y.com', 'x@y', '/etc/passwd', '../alice', 'a',
          str_repeat('a', 256)] as $a) {
	echo json_encode($a, JSON_UNESCAPED_SLASHES), ": ";
	vp_t_show(@vpopmail_set_catchall('example.com', $a));
}
var_dump(vpopmail_add_user('al`id`', 'example.com', 'pw'));
vp_t_show(vpopmail_set_catchall('example.com', 'al`id`'));
try {
	vpopmail_set_catchall('example.com', "delete\0x");
} catch (ValueError $e) {
	echo $e->getMessage(), "\n";
}
var_dump($before === file_get_contents("$domains/example.com/.qmail-default"));

echo "-- other lines, no file\n";
file_put_contents("$domains/example.com/.qmail-default", "|/usr/local/bin/maildrop\n");
show('example.com');
unlink("$domains/example.com/.qmail-default");
show('example.com');
vp_t_show(vpopmail_get_catchall('nowhere.test'));

echo "-- the real 5.6 tree after step 03\n";
vp_t_copy_fixture('5.6', '03-adddomain-bounce.test', $root);
show('example.com');
show('second.test');
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-062'));
?>
--EXPECTF--
bool(true)
bool(true)
bool(true)
example.com: {"type":"delete","target":null,"line":"| /R/vpopmail/bin/vdelivermail '' delete"}
second.test: {"type":"forward","target":"catchall@example.com","line":"| /R/vpopmail/bin/vdelivermail '' catchall@example.com"}
bounce.test: {"type":"delete","target":null,"line":"| /R/vpopmail/bin/vdelivermail '' delete"}
-- round trips
true errno=0 error=Success
bounce.test: {"type":"bounce","target":null,"line":"| /R/vpopmail/bin/vdelivermail '' bounce-no-mailbox"}
bounce.test vs 5.4 03-adddomain-bounce.test: identical, 0600
true errno=0 error=Success
bounce.test vs 5.6 03-adddomain-bounce.test: identical, 0600
true errno=0 error=Success
second.test: {"type":"delete","target":null,"line":"| /R/vpopmail/bin/vdelivermail '' delete"}
true errno=0 error=Success
second.test vs 5.6 02-adddomain-second.test: identical, 0600

Warning: vpopmail_set_catchall(): Domain does not exist: alias.example in %s on line %d
false errno=-11 error=Domain does not exist: alias.example
bool(true)
true errno=0 error=Success
example.com: {"type":"forward","target":"Sales+Extra@Other.Test","line":"| /R/vpopmail/bin/vdelivermail '' Sales+Extra@Other.Test"}
true errno=0 error=Success
example.com vs 5.6 01-adddomain-example.com: identical, 0600
-- a user's mailbox
bool(true)
true errno=0 error=Success
example.com: {"type":"mailbox","target":"alice","line":"| /R/vpopmail/bin/vdelivermail '' /R/vpopmail/domains/example.com/alice"}
alias.example: {"type":"mailbox","target":"alice","line":"| /R/vpopmail/bin/vdelivermail '' /R/vpopmail/domains/example.com/alice"}

Warning: vpopmail_del_user(): can't delete catchall account: alice@example.com in %s on line %d
false errno=-55 error=can't delete catchall account: alice@example.com

Warning: vpopmail_set_catchall(): User does not exist: nobody@example.com in %s on line %d
false errno=-10 error=User does not exist: nobody@example.com

Warning: vpopmail_set_catchall(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test
-- refused: the line is run by sh -c
"": false errno=-20 error=bad character: empty catch-all
"a b@x.com": false errno=-20 error=bad character: blank or control character in catch-all
"x@y.com;reboot": false errno=-34 error=invalid email character: invalid domain in catch-all address
"x@y.com|sh": false errno=-34 error=invalid email character: invalid domain in catch-all address
"`id`@x.com": false errno=-34 error=invalid email character: invalid character in catch-all address
"$(id)@x.com": false errno=-34 error=invalid email character: invalid character in catch-all address
"'x'@y.com": false errno=-34 error=invalid email character: invalid character in catch-all address
"x@y.com>/tmp/f": false errno=-34 error=invalid email character: invalid domain in catch-all address
"x@y.com\n| /bin/sh": false errno=-20 error=bad character: blank or control character in catch-all
"x@@y.com": false errno=-34 error=invalid email character: catch-all address must be local@domain
"-x@y.com": false errno=-34 error=invalid email character: catch-all address starts with '-'
"x@": false errno=-34 error=invalid email character: invalid domain in catch-all address
"@y.com": false errno=-34 error=invalid email character: catch-all address must be local@domain
"x@y": false errno=-34 error=invalid email character: invalid domain in catch-all address
"/etc/passwd": false errno=-20 error=bad character: paths are not accepted: give a user name
"../alice": false errno=-20 error=bad character: paths are not accepted: give a user name
"a": false errno=-1 error=Illegal username: single character
"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": false errno=-32 error=alias line too long (max=160): catch-all longer than 255 bytes
bool(true)

Warning: vpopmail_set_catchall(): bad character: the home of al`id`@example.com is not usable in .qmail-default in %s on line %d
false errno=-20 error=bad character: the home of al`id`@example.com is not usable in .qmail-default
vpopmail_set_catchall(): Argument #2 ($action) must not contain any null bytes
bool(true)
-- other lines, no file
example.com: {"type":"other","target":null,"line":"|/usr/local/bin/maildrop"}
example.com: {"type":"none","target":null,"line":null}

Warning: vpopmail_get_catchall(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test
-- the real 5.6 tree after step 03
example.com: {"type":"delete","target":null,"line":"| /R/vpopmail/bin/vdelivermail '' delete"}
second.test: {"type":"forward","target":"catchall@example.com","line":"| /R/vpopmail/bin/vdelivermail '' catchall@example.com"}
