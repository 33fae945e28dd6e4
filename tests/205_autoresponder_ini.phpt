--TEST--
vpopmail.autoresponder (PHP_INI_SYSTEM, each value in a child PHP): the default is the path qmailadmin was built with; another program goes into vacation and robot lines and is still recognised; a value that is not a plain absolute path refuses every delivery call and changes nothing
--EXTENSIONS--
vpopmail
--SKIPIF--
<?php
if (!getenv('TEST_PHP_EXECUTABLE') || getenv('TEST_PHP_EXTRA_ARGS') === false) die('skip needs run-tests.php to start children');
?>
--INI--
vpopmail.directory={TMP}/vp-205/vpopmail
vpopmail.qmail_dir={TMP}/vp-205/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
require __DIR__ . '/delivery.inc';
$root = vp_t_root('205');
vp_d_sandbox($root);
$D = 'example.com';
$dom = "$root/vpopmail/domains/example.com";
var_dump(ini_get('vpopmail.autoresponder'));
var_dump(vpopmail_set_delivery('bob', $D, ['vacation' => ['subject' => 'away']]), vpopmail_autoresponder_add('info', $D, ['subject' => 's']));
$base = ['vpopmail.directory' => "$root/vpopmail", 'vpopmail.qmail_dir' => "$root/qmail", 'vpopmail.uid' => '89', 'vpopmail.gid' => '89'];

/* Runs $code in a child with vpopmail.autoresponder=$value; returns its output. */
function child(string $value, string $code): string
{
	global $base;
	return vp_u_child('require ' . var_export(__DIR__ . '/hostile.inc', true) . ";\n" . $code,
		$base + ['vpopmail.autoresponder' => $value]);
}

echo "-- another program: written into new lines, the old ones still read as a vacation\n";
echo child('/opt/ar/bin/autorespond', <<<'PHP'
	var_dump(vpopmail_get_delivery('bob', 'example.com')['vacation']['subject']);
	var_dump(vpopmail_set_delivery('carol', 'example.com', ['vacation' => ['subject' => 'away']]));
	var_dump(vpopmail_autoresponder_add('help', 'example.com', ['subject' => 's']));
	var_dump(array_keys(vpopmail_autoresponder_list('example.com')));
	PHP);
echo str_replace($root, '', file_get_contents("$dom/carol/.qmail") . file_get_contents("$dom/.qmail-help"));
echo "-- a program with another name: the default's lines are not its own, but still a vacation by their name\n";
echo child('/opt/ar/bin/qmail-vacation', <<<'PHP'
	$d = vpopmail_get_delivery('bob', 'example.com');
	echo $d['vacation'] === null ? 'not a vacation' : 'vacation', ' ', count($d['other']), "\n";
	PHP);

echo "-- values refused: every delivery call fails with VPOPMAIL_VA_BAD_CONFIG, nothing changes\n";
$calls = [
	['vpopmail_get_delivery', ['bob', $D]], ['vpopmail_set_delivery', ['bob', $D, ['mode' => 'delete']]],
	['vpopmail_set_delivery', ['alice', $D, ['vacation' => ['subject' => 'away']]]],
	['vpopmail_autoresponder_add', ['new', $D, ['subject' => 's']]], ['vpopmail_autoresponder_update', ['info', $D, ['subject' => 's']]],
	['vpopmail_autoresponder_del', ['info', $D]], ['vpopmail_autoresponder_get', ['info', $D]], ['vpopmail_autoresponder_list', [$D]],
];
$file = tempnam(sys_get_temp_dir(), 'vp-205-cases');
file_put_contents($file, serialize(array_map(fn ($c) => [...$c, VPOPMAIL_VA_BAD_CONFIG], $calls)));
$before = vp_h_snapshot($root);
$n = 0;
foreach (['autorespond', 'bin/autorespond', '/usr/bin/auto respond', '/usr/bin/x;id', '/usr/../bin/autorespond', '/usr/bin/',
          '/usr//bin/autorespond', '/usr/bin/$(id)', '/usr/bin/`id`', '/bin/sh -c id', '/a|b', '/a&b', '/a>b', '~/autorespond',
          '/usr/bin/./autorespond', '/' . str_repeat('a', 256), "/usr/bin/caf\xc3\xa9"] as $v) {
	$out = child($v, '$bad = 0; foreach (unserialize(file_get_contents(' . var_export($file, true) . ')) as [$fn, $args, $e]) {'
		. ' [$got, $w] = vp_h_call($fn, $args); $why = vp_h_check($fn, $got, $w, $e);'
		. ' if ($why !== null) { $bad++; echo vp_h_label($fn, $args), ": $why\n"; } } echo "bad=$bad\n";');
	$n++;
	if (trim($out) !== 'bad=0') {
		echo json_encode($v), ": $out";
	}
}
unlink($file);
$after = vp_h_snapshot($root);
echo "$n values refused", $after === $before ? ', tree unchanged' : ': tree changed ' . vp_h_diff($before, $after), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-205'));
?>
--EXPECT--
string(26) "/usr/local/bin/autorespond"
bool(true)
bool(true)
-- another program: written into new lines, the old ones still read as a vacation
string(4) "away"
bool(true)
bool(true)
array(2) {
  [0]=>
  string(4) "help"
  [1]=>
  string(4) "info"
}
/vpopmail/domains/example.com/carol/Maildir/
| /opt/ar/bin/autorespond 86400 3 /vpopmail/domains/example.com/carol/vacation/message /vpopmail/domains/example.com/carol/vacation
|/opt/ar/bin/autorespond 10000 5 /vpopmail/domains/example.com/HELP/message /vpopmail/domains/example.com/HELP
-- a program with another name: the default's lines are not its own, but still a vacation by their name
vacation 0
-- values refused: every delivery call fails with VPOPMAIL_VA_BAD_CONFIG, nothing changes
17 values refused, tree unchanged