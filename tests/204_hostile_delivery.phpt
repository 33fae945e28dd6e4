--TEST--
hostile input to the delivery and autoresponder functions: every field (user, domain, mode, addresses, subject, text, charset, robot name, copy address, the settings' shape, planted symlinks) refused with its code, or TypeError/ValueError, and the tree byte for byte unchanged; the limits themselves accepted
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-204/vpopmail
vpopmail.qmail_dir={TMP}/vp-204/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
require __DIR__ . '/delivery.inc';
$root = vp_t_root('204');
vp_d_sandbox($root);
$D = 'example.com';
$dom = "$root/vpopmail/domains/example.com";
mkdir("$root/outside", 0755);
file_put_contents("$root/outside/victim", "keep\n");
/* bob forwards with a vacation, a robot info@, an alias orders@; carol's
 * vacation dir and dave's .qmail are symlinks leading outside */
$ok = vpopmail_set_delivery('bob', $D, ['mode' => 'forward', 'forward' => ['b@remote.example'], 'vacation' => ['subject' => 'away']])
	&& vpopmail_autoresponder_add('info', $D, ['subject' => 'Thanks', 'body' => 'text'])
	&& vpopmail_alias_add('orders', $D, 'alice@example.com')
	&& symlink("$root/outside", "$dom/carol/vacation") && symlink("$root/outside/victim", "$dom/dave/.qmail");
var_dump($ok);

$fw = fn (array $a) => ['vpopmail_set_delivery', ['alice', $D, ['mode' => 'forward', 'forward' => $a, 'keep_copy' => true]]];
$vac = fn (array $v) => ['vpopmail_set_delivery', ['alice', $D, ['vacation' => $v]]];
$add = fn (string $n, array $s = ['subject' => 's', 'body' => 'b']) => ['vpopmail_autoresponder_add', [$n, $D, $s]];
$cases = [];
$c = function (array $call, $expect) use (&$cases) {
	$cases[] = [...$call, $expect];
};

/* user and domain */
foreach (['set' => ['vpopmail_set_delivery', ['mode' => 'delete']], 'get' => ['vpopmail_get_delivery', null]] as [$fn, $s]) {
	$args = fn ($u, $d) => $s === null ? [$u, $d] : [$u, $d, $s];
	$c([$fn, $args("alice\0", $D)], 'ValueError');
	$c([$fn, $args('alice', "$D\0")], 'ValueError');
	$c([$fn, $args('nobody', $D)], VPOPMAIL_VA_USER_DOES_NOT_EXIST);
	$c([$fn, $args('alice', 'nowhere.test')], VPOPMAIL_VA_DOMAIN_DOES_NOT_EXIST);
	$c([$fn, $args('alice', '../x')], VPOPMAIL_VA_INVALID_DOMAIN_NAME);
	$c([$fn, $args(str_repeat('a', 65), $D)], VPOPMAIL_VA_USER_NAME_TOO_LONG);
	/* reading looks a name up as vp_get_user does (any stored name), writing is strict */
	foreach (['', '../alice', 'a/b', "a\nb", 'a b', "caf\xc3\xa9"] as $u) {
		$c([$fn, $args($u, $D)], $s === null && in_array($u, ['../alice', 'a/b'], true) ? VPOPMAIL_VA_USER_DOES_NOT_EXIST : VPOPMAIL_VA_ILLEGAL_USERNAME);
	}
}
/* the settings' shape: programming errors */
foreach ([[['mode' => 1], 'TypeError'], [['mode' => 'other'], 'ValueError'], [['mode' => 'Forward'], 'ValueError'],
          [['bogus' => 1], 'ValueError'], [['x'], 'ValueError'], [['forward' => ['a@b.example']], 'ValueError'],
          [['mode' => 'forward'], 'ValueError'], [['mode' => 'mailbox', 'keep_copy' => true], 'ValueError'],
          [['mode' => 'forward', 'forward' => 1], 'TypeError'], [['mode' => 'forward', 'forward' => [1]], 'TypeError'],
          [['mode' => 'forward', 'forward' => [null]], 'TypeError'],
          [['mode' => 'forward', 'forward' => ['a@b.example'], 'keep_copy' => 'yes'], 'TypeError'],
          [['mode' => 'forward', 'forward' => ['a@b.example'], 'keep_copy' => 1], 'TypeError'],
          [['mode' => 'forward', 'forward' => "a@b.example\0|sh"], 'ValueError'],
          [['mode' => 'forward', 'forward' => ["a@b.example\0"]], 'ValueError'],
          [['vacation' => true], 'TypeError'], [['vacation' => 'on'], 'TypeError'], [['vacation' => []], 'ValueError'],
          [['vacation' => ['subject' => 1]], 'TypeError'], [['vacation' => ['subject' => 's', 'bogus' => 1]], 'ValueError'],
          [['vacation' => ['subject' => "s\0\nBcc: x@y.example"]], 'ValueError'], [['vacation' => ['subject' => 's', 'body' => "b\0"]], 'ValueError'],
          [['vacation' => ['subject' => 's', 'charset' => "utf-8\0"]], 'ValueError'],
          [['vacation' => ['subject' => 's', 'body' => 1]], 'TypeError']] as [$s, $e]) {
	$c(['vpopmail_set_delivery', ['alice', $D, $s]], $e);
}
/* forward addresses: never a program, a file, a second line or another user's shell */
foreach (['', ' ', 'a b@x.example', 'a;b@x.example', '`id`@x.example', '$(id)@x.example', 'a|b@x.example', '|/bin/sh',
          '/etc/passwd', '../x@y.example', './Maildir/', "x@y.example\n|/bin/sh", "x\r@y.example", "x\n@y.example",
          'x@y@z.example', '@x.example', 'x@', 'x@-y.example', 'x@y..example', "caf\xc3\xa9@x.example", "x@caf\xc3\xa9.example",
          'x@[127.0.0.1]', '"q"@x.example', 'x@y.example;reboot', 'x@y.example>/tmp/f', '&x@y.example', '#x@y.example',
          '-x@y.example', 'x\\y@z.example', 'alice', 'alice@example.com', 'ALICE@EXAMPLE.COM', str_repeat('a', 65) . '@x.example'] as $a) {
	$c($fw(['ok@remote.example', $a]), VPOPMAIL_VA_INVALID_EMAIL_CHAR);
}
$c($fw([]), VPOPMAIL_VA_INVALID_EMAIL_CHAR);
$c(['vpopmail_set_delivery', ['alice', $D, ['mode' => 'forward', 'forward' => ' ,; ']]], VPOPMAIL_VA_INVALID_EMAIL_CHAR);
$c(['vpopmail_set_delivery', ['alice', $D, ['mode' => 'forward', 'forward' => 'ok@x.example |/bin/sh']]], VPOPMAIL_VA_INVALID_EMAIL_CHAR);
$c($fw(['a@' . str_repeat('b', 250) . '.example']), VPOPMAIL_VA_ALIAS_LINE_TOO_LONG);
$c($fw(array_map(fn ($i) => "u$i@remote.example", range(0, 50))), VPOPMAIL_VA_ALIAS_LINE_TOO_LONG);
/* the vacation: no header injection, no bytes the charset cannot hold */
foreach (["a\nBcc: victim@x.example", "a\r\nBcc: victim@x.example", "a\rb", "\n", "a\tb", "a\x01b", "a\x7fb", '', '   ',
          "caf\xe9", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"] as $s) {
	$c($vac(['subject' => $s]), VPOPMAIL_VA_BAD_CHAR);
}
$c($vac(['subject' => 'ok', 'body' => "caf\xe9"]), VPOPMAIL_VA_BAD_CHAR);
$c($vac(['subject' => 'ok', 'body' => "caf\xe9", 'charset' => 'UTF-8']), VPOPMAIL_VA_BAD_CHAR);
foreach (['', 'x y', '../x', "utf-8\n", '-x', str_repeat('a', 41), 'utf-8;x', 'utf-8"', "utf-8\r\nBcc: x"] as $cs) {
	$c($vac(['subject' => 'ok', 'charset' => $cs]), VPOPMAIL_VA_BAD_CHAR);
}
$c($vac(['subject' => str_repeat('s', 256)]), VPOPMAIL_VA_ALIAS_LINE_TOO_LONG);
$c($vac(['subject' => 'ok', 'body' => str_repeat('b', 65537)]), VPOPMAIL_VA_ALIAS_LINE_TOO_LONG);
/* planted symlinks: nothing written or removed through them */
$c(['vpopmail_set_delivery', ['carol', $D, ['vacation' => ['subject' => 'away']]]], VPOPMAIL_VA_COULD_NOT_UPDATE_FILE);
$c(['vpopmail_set_delivery', ['dave', $D, ['mode' => 'delete']]], VPOPMAIL_VA_COULD_NOT_UPDATE_FILE);
$c(['vpopmail_get_delivery', ['dave', $D]], VPOPMAIL_VA_COULD_NOT_UPDATE_FILE);

/* robots: the name becomes a file and a directory, and a word of a '|' line */
foreach (['', 'x', '12', '_1', 'default', 'a-default', '.x', '-x', 'a/b', '../x', '..', 'a b', 'a;b', 'a`b', 'a$b', 'a|b',
          "a\nb", "a\rb", "caf\xc3\xa9", 'a:b', 'a@b', 'a&b', str_repeat('a', 65)] as $n) {
	$c($add($n), VPOPMAIL_VA_INVALID_ALIAS_NAME);
	$c(['vpopmail_autoresponder_del', [$n, $D]], VPOPMAIL_VA_INVALID_ALIAS_NAME);
	$c(['vpopmail_autoresponder_get', [$n, $D]], VPOPMAIL_VA_INVALID_ALIAS_NAME);
}
foreach (['alice', 'orders', 'info', 'INFO'] as $n) {
	$c($add($n), VPOPMAIL_VA_USERNAME_EXISTS);
}
$c($add("in\0fo"), 'ValueError');
$c(['vpopmail_autoresponder_add', ['new', "$D\0", ['subject' => 's']]], 'ValueError');
foreach ([[['body' => 'b'], 'ValueError'], [['subject' => 's', 'bogus' => 1], 'ValueError'], [['subject' => 1], 'TypeError'],
          [['subject' => 's', 'copy_to' => 1], 'TypeError'], [['subject' => "s\0"], 'ValueError'],
          [['subject' => 's', 'copy_to' => "a@b.example\0"], 'ValueError'],
          [['subject' => "s\r\nBcc: x@y.example"], VPOPMAIL_VA_BAD_CHAR], [['subject' => 's', 'charset' => 'x y'], VPOPMAIL_VA_BAD_CHAR],
          [['subject' => 's', 'body' => str_repeat('b', 65537)], VPOPMAIL_VA_ALIAS_LINE_TOO_LONG]] as [$s, $e]) {
	$c($add('new', $s), $e);
	$c(['vpopmail_autoresponder_update', ['info', $D, $s]], $e);
}
foreach (['a b@x.example', '|/bin/sh', "x@y.example\n|/bin/sh", 'x@y.example;id', '`id`@x.example', 'new', 'new@example.com'] as $a) {
	$c($add('new', ['subject' => 's', 'copy_to' => $a]), VPOPMAIL_VA_INVALID_EMAIL_CHAR);
}
$c(['vpopmail_autoresponder_update', ['info', $D, ['subject' => 's', 'copy_to' => 'info']]], VPOPMAIL_VA_INVALID_EMAIL_CHAR);
foreach (['orders', 'nothere', 'alice'] as $n) {
	$c(['vpopmail_autoresponder_update', [$n, $D, ['subject' => 's']]], VPOPMAIL_VA_ALIAS_DOES_NOT_EXIST);
	$c(['vpopmail_autoresponder_del', [$n, $D]], VPOPMAIL_VA_ALIAS_DOES_NOT_EXIST);
	$c(['vpopmail_autoresponder_get', [$n, $D]], VPOPMAIL_VA_ALIAS_DOES_NOT_EXIST);
}
$c(['vpopmail_autoresponder_add', ['new', 'nowhere.test', ['subject' => 's']]], VPOPMAIL_VA_DOMAIN_DOES_NOT_EXIST);
$c(['vpopmail_autoresponder_list', ['nowhere.test']], VPOPMAIL_VA_DOMAIN_DOES_NOT_EXIST);
$c(['vpopmail_autoresponder_list', ["$D\0"]], 'ValueError');

$bad = vp_h_run_rejections($root, $cases);
echo count($cases), " cases, $bad failed\n";

echo "-- the limits are accepted\n";
$sub255 = str_repeat('s', 255);
$accepted = [
	['vpopmail_set_delivery', ['alice', $D, ['mode' => 'forward', 'forward' => array_map(fn ($i) => "u$i@remote.example", range(1, 50))]], 'ok',
	 fn () => count(vpopmail_get_delivery('alice', 'example.com')['forward']) === 50 ? null : 'not 50 forwards'],
	['vpopmail_set_delivery', ['alice', $D, ['mode' => 'forward', 'forward' => [str_repeat('a', 64) . '@' . str_repeat(str_repeat('b', 59) . '.', 3) . 'example']]], 'ok'],
	['vpopmail_set_delivery', ['alice', $D, ['vacation' => ['subject' => $sub255, 'body' => str_repeat('b', 65536)]]], 'ok',
	 fn () => vpopmail_get_delivery('alice', 'example.com')['vacation']['subject'] === $sub255 ? null : 'subject changed'],
	['vpopmail_set_delivery', ['alice', $D, ['vacation' => ['subject' => "\xf0\x9f\x8c\xb4 " . str_repeat("\xc3\xbc", 100), 'body' => "\xf0\x9f\x8c\xb4"]]], 'ok'],
	['vpopmail_set_delivery', ['alice', $D, ['vacation' => ['subject' => "B\xfcro", 'charset' => 'ISO-8859-15']]], 'ok',
	 fn () => vpopmail_get_delivery('alice', 'example.com')['vacation'] === ['subject' => "B\xfcro", 'body' => '', 'charset' => 'ISO-8859-15'] ? null : 'not read back'],
	['vpopmail_set_delivery', ['alice', $D, ['vacation' => ['subject' => 'a =?UTF-8?Q?x?= b']]], 'ok',
	 fn () => vpopmail_get_delivery('alice', 'example.com')['vacation']['subject'] === 'a =?UTF-8?Q?x?= b' ? null : 'a literal encoded-word was decoded'],
	['vpopmail_autoresponder_add', [str_repeat('r', 64), $D, ['subject' => 's']], 'ok'],
	['vpopmail_autoresponder_add', ['a_b+c=d-e.f', $D, ['subject' => 's', 'copy_to' => "o'brien@remote.example"]], 'ok',
	 fn () => vpopmail_autoresponder_get('a_b+c=d-e.f', 'example.com')['copy_to'] === "o'brien@remote.example" ? null : 'copy lost'],
];
echo vp_h_run_accepted($root, $accepted), " accepted cases failed\n";
/* the header of what was written holds no raw 8-bit byte and no line over 76 */
$m = file_get_contents("$dom/alice/vacation/message");
$h = substr($m, 0, strpos($m, "\n\n"));
var_dump(max(array_map('strlen', explode("\n", $h))) <= 76, !preg_match('/[\x80-\xff]/', $h));
var_dump(file_get_contents("$root/outside/victim"), scandir("$root/outside"));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-204'));
?>
--EXPECT--
bool(true)
229 cases, 0 failed
-- the limits are accepted
0 accepted cases failed
bool(true)
bool(true)
string(5) "keep
"
array(3) {
  [0]=>
  string(1) "."
  [1]=>
  string(2) ".."
  [2]=>
  string(6) "victim"
}
