--TEST--
qmailadmin 1.2.27's delivery steps (forwards, keep a copy, vacation, delete, robots) replayed through vpopmail_set_delivery() and vpopmail_autoresponder_*(): the same files, byte for byte, modes and owners, except where we do better (each difference named)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-200/vpopmail
vpopmail.qmail_dir={TMP}/vp-200/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/delivery.inc';
$root = vp_t_root('200');
vp_d_sandbox($root);

/* qmailadmin's modify-user form as our settings: the routing radio, the
 * forward field as typed, "save a copy", the vacation (the form's charset
 * is ISO-8859-1, lang/en's). */
function user_settings(array $f): array
{
	$s = ['mode' => ['forward' => 'forward', 'disable' => 'mailbox', 'blackhole' => 'delete'][$f['cforward']]];
	if ($s['mode'] === 'forward') {
		$s['forward'] = $f['nforward'];
		$s['keep_copy'] = ($f['fsaved'] ?? '') === 'on';
	}
	$s['vacation'] = ($f['vacation'] ?? '') === 'on'
		? ['subject' => $f['vsubject'], 'body' => $f['vmessage'], 'charset' => 'ISO-8859-1'] : false;
	return $s;
}

function robot_settings(array $f): array
{
	return ['subject' => $f['alias'], 'body' => $f['message'], 'copy_to' => $f['owner'] === '' ? null : $f['owner'],
	        'charset' => 'ISO-8859-1'];
}

/* lang/en strings 402-405 that qmailadmin 1.2.27 writes among a robot's headers */
const LANG_LINES = [
	"You enabled the 'defaultdelivery' feature in vpopmail but the control/defaultdelivery file is missing\n",
	"Unable to open auth log file. Refer to the web server log (stderr) for more info.\n",
	"You don't have permission to change your password.\n",
	"Bad password\n",
];

/* The fixture's files as we write them on purpose; $notes says what changed. */
function expected(string $step, array &$notes): array
{
	$want = vp_d_theirs("main/$step");
	foreach ($want as $rel => &$data) {
		if (preg_match('~^[A-Z.]+/message$~', $rel)) {
			$data = str_replace(LANG_LINES, '', $data, $n);
			if ($n) {
				$notes['robot message without the 4 lang/en error lines among its headers'] = 1;
			}
			if (preg_match('/[\x80-\xff]/', $data)) {
				$data = str_replace("Content-type: text/plain \nContent-transfer-encoding: 7bit\n",
					"Content-type: text/plain; charset=ISO-8859-1\nContent-transfer-encoding: 8bit\n", $data);
				$notes['Latin-1 robot text declared as such (qmailadmin: 7bit, no charset)'] = 1;
			}
		}
		if (preg_match('~/vacation/message$~', $rel) && preg_match('/[\x80-\xff]/', $data)) {
			$data = str_replace("Subject: Out of office: B\xfcro closed & back on Monday\n",
				"Subject: =?ISO-8859-1?Q?Out_of_office:_B=FCro_closed_&_back_on_Monday?=\n"
				. "MIME-Version: 1.0\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: 8bit\n", $data);
			$notes['Latin-1 vacation: subject RFC 2047, MIME headers (qmailadmin: raw bytes)'] = 1;
		}
	}
	return $want;
}

$steps = ['07-alice-forward-one', '08-alice-forward-two-savecopy', '09-alice-forward-off', '10-bob-vacation-on',
	'11-bob-vacation-off', '12-bob-blackhole', '13-bob-standard-again', '14-carol-forward-vacation',
	'15-carol-forward-copy-vacation', '16-err-carol-forward-empty', '17-carol-blackhole-vacation', '18-carol-all-off',
	'19-robot-add-info', '20-robot-add-support-copy', '21-robot-mod-info', '22-robot-del-info', '23-robot-del-support',
	'43-alice-spamcheck-hidden-field', '44-alice-spamcheck-off', '45-dave-foreign-dotqmail', '46-dave-mod-forward-copy',
	'47-dave-mod-standard'];
$prev = null;
foreach ($steps as $step) {
	[$cmd, $f] = vp_d_command("main/$step");
	$ok = null;
	switch ($cmd) {
	case 'modusernow':
		$ok = @vpopmail_set_delivery($f['modu'], 'example.com', user_settings($f));
		break;
	case 'addautorespondnow':
		$ok = vpopmail_autoresponder_add($f['newu'], 'example.com', robot_settings($f));
		break;
	case 'modautorespondnow':
		$ok = vpopmail_autoresponder_update($f['newu'], 'example.com', robot_settings($f));
		break;
	case 'delautorespondnow':
		$ok = vpopmail_autoresponder_del($f['modu'], 'example.com');
		break;
	case 'setup': /* the fixture's hand-written ~dave/.qmail */
		vp_d_load_step($root, "main/$step");
		$ok = true;
		break;
	}
	$notes = [];
	$want = expected($step, $notes);
	if ($ok !== true) {
		/* qmailadmin said "Must supply forward address" but still rewrote the file */
		echo "$step: refused (", vpopmail_errno(), ' ', vpopmail_error(), "); qmailadmin wrote: ",
			vp_d_show(vp_d_theirs("main/$step")['carol/.qmail'] ?? null), "\n";
		$notes = [];
		$want = expected($prev, $notes);
		$notes = ["the files as after $prev" => 1] + $notes;
	}
	$prev = $step;
	if (isset($f['spamcheck'])) {
		echo "$step: spamcheck=on is not ours to write (qmailadmin's maildrop line, a program line)\n";
	}
	$ours = vp_d_ours($root);
	$modes = vp_d_modes($root, "main/$step");
	$modes = $modes ? '; modes: ' . implode(', ', $modes) : '; modes and owners: same';
	if (in_array($step, ['43-alice-spamcheck-hidden-field', '46-dave-mod-forward-copy', '47-dave-mod-standard'], true)) {
		/* on purpose: the lines qmailadmin drops (or the spam line it adds) */
		echo "$step: ours ", vp_d_show(array_diff_assoc($ours, $want) ?: 'no file'), "$modes\n",
			"  qmailadmin: ", vp_d_show(array_diff_assoc($want, $ours)), "\n";
		continue;
	}
	$diff = vp_d_diff($want, $ours);
	echo "$step: ", $diff ? 'DIFFERENT: ' . implode('; ', $diff) : 'same files',
		$notes ? ' (' . implode('; ', array_keys($notes)) . ')' : '', "$modes\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-200'));
?>
--EXPECT--
07-alice-forward-one: same files; modes and owners: same
08-alice-forward-two-savecopy: same files; modes and owners: same
09-alice-forward-off: same files; modes and owners: same
10-bob-vacation-on: same files; modes and owners: same
11-bob-vacation-off: same files; modes and owners: same
12-bob-blackhole: same files; modes and owners: same
13-bob-standard-again: same files; modes and owners: same
14-carol-forward-vacation: same files (Latin-1 vacation: subject RFC 2047, MIME headers (qmailadmin: raw bytes)); modes and owners: same
15-carol-forward-copy-vacation: same files (Latin-1 vacation: subject RFC 2047, MIME headers (qmailadmin: raw bytes)); modes and owners: same
16-err-carol-forward-empty: refused (-34 invalid email character: forwarding needs at least one address); qmailadmin wrote: "| /usr/local/bin/autorespond 86400 3 /home/vpopmail/domains/example.com/carol/vacation/message /home/vpopmail/domains/example.com/carol/vacation\n"
16-err-carol-forward-empty: same files (the files as after 15-carol-forward-copy-vacation; Latin-1 vacation: subject RFC 2047, MIME headers (qmailadmin: raw bytes)); modes and owners: same
17-carol-blackhole-vacation: same files (Latin-1 vacation: subject RFC 2047, MIME headers (qmailadmin: raw bytes)); modes and owners: same
18-carol-all-off: same files; modes and owners: same
19-robot-add-info: same files (robot message without the 4 lang/en error lines among its headers); modes and owners: same
20-robot-add-support-copy: same files (robot message without the 4 lang/en error lines among its headers; Latin-1 robot text declared as such (qmailadmin: 7bit, no charset)); modes and owners: same
21-robot-mod-info: same files (robot message without the 4 lang/en error lines among its headers; Latin-1 robot text declared as such (qmailadmin: 7bit, no charset)); modes and owners: same
22-robot-del-info: same files (robot message without the 4 lang/en error lines among its headers; Latin-1 robot text declared as such (qmailadmin: 7bit, no charset)); modes and owners: same
23-robot-del-support: same files; modes and owners: same
43-alice-spamcheck-hidden-field: spamcheck=on is not ours to write (qmailadmin's maildrop line, a program line)
43-alice-spamcheck-hidden-field: ours "no file"; modes and owners: same
  qmailadmin: {"alice/.qmail":"|preline /usr/local/bin/maildrop /etc/mailfilter\n"}
44-alice-spamcheck-off: same files; modes and owners: same
45-dave-foreign-dotqmail: same files; modes and owners: same
46-dave-mod-forward-copy: ours {"dave/.qmail":"# dave's own .qmail, written by hand\n|/usr/bin/procmail -m /etc/procmailrc\n|preline /usr/local/bin/maildrop /etc/mailfilter\n&dave@remote.example\n/home/vpopmail/domains/example.com/dave/Maildir/\n"}; modes and owners: same
  qmailadmin: {"dave/.qmail":"|/usr/bin/procmail -m /etc/procmailrc\n&dave@remote.example\n/home/vpopmail/domains/example.com/dave/Maildir/\n"}
47-dave-mod-standard: ours {"dave/.qmail":"# dave's own .qmail, written by hand\n|/usr/bin/procmail -m /etc/procmailrc\n|preline /usr/local/bin/maildrop /etc/mailfilter\n/home/vpopmail/domains/example.com/dave/Maildir/\n"}; modes and owners: same
  qmailadmin: {"dave/.qmail":"|/usr/bin/procmail -m /etc/procmailrc\n/home/vpopmail/domains/example.com/dave/Maildir/\n"}