--TEST--
vpopmail_get_delivery() and vpopmail_autoresponder_get()/_list() on every state qmailadmin 1.2.27 left: what qmailadmin's own pages show (its _meta/readback.txt), except where qmailadmin misreads the file (each named)
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-201/vpopmail
vpopmail.qmail_dir={TMP}/vp-201/qmail
vpopmail.uid=89
vpopmail.gid=89
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/delivery.inc';
$root = vp_t_root('201');
vp_d_sandbox($root);

const SPAM_LINE = '|preline /usr/local/bin/maildrop /etc/mailfilter';

/* Our reading in the terms of qmailadmin's modify-user page (mod_user.html):
 * the radio, the forward field, the two checkboxes, subject and text. */
function as_page(array $d, string $spam_shown): array
{
	$v = $d['vacation'];
	$page = [
		'routing' => ['mailbox' => 'disable', 'forward' => 'forward', 'delete' => 'blackhole', 'other' => 'other'][$d['mode']],
		'nforward' => implode(', ', $d['forward']),
		'fsaved' => $d['keep_copy'] ? 'checked' : '-',
		'vacation' => $v !== null ? 'checked' : '-',
		'vsubject' => $v['subject'] ?? '',
		'vmessage' => $v['body'] ?? '',
	];
	if ($spam_shown !== 'not-shown') {
		$page['spamcheck'] = in_array(SPAM_LINE, $d['other'], true) ? 'checked' : '-';
	}
	return $page;
}

/* The page as a browser reads it: entities decoded, the newline qmailadmin
 * leaves at the end of the subject value (fgets) dropped. */
function page_values(array $r): array
{
	$dec = fn ($s) => html_entity_decode($s, ENT_QUOTES | ENT_HTML401, 'ISO-8859-1');
	$page = [
		'routing' => $r['routing'], 'nforward' => $dec($r['nforward']), 'fsaved' => $r['fsaved'],
		'vacation' => $r['vacation'], 'vsubject' => rtrim($dec($r['vsubject']), "\n"), 'vmessage' => $dec($r['vmessage']),
	];
	if ($r['spamcheck'] !== 'not-shown') {
		$page['spamcheck'] = $r['spamcheck'];
	}
	return $page;
}

$steps = [];
foreach (['07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '43', '44', '45', '46', '47'] as $n) {
	$steps[] = 'main/' . basename(glob(VP_QA . "/main/$n-*")[0]);
}
foreach (['09', '10', '11', '12', '13'] as $n) {
	$steps[] = 'extra-modify-quota-spam/' . basename(glob(VP_QA . "/extra-modify-quota-spam/$n-*")[0]);
}
$users = 0;
foreach ($steps as $step) {
	vp_d_load_step($root, $step);
	$rb = vp_d_readback($step);
	$diff = [];
	foreach ($rb['users'] as $user => $r) {
		$d = vpopmail_get_delivery($user, 'example.com');
		$users++;
		$theirs = page_values($r);
		$ours = as_page($d, $r['spamcheck']);
		foreach ($theirs as $k => $v) {
			if ($ours[$k] !== $v) {
				$diff[] = "$user $k: qmailadmin " . vp_d_show($v) . ', ours ' . vp_d_show($ours[$k]);
			}
		}
	}
	/* the robots page: every name, its copy address, subject and text (the
	 * textarea starts with the empty line that ends the headers) */
	$list = vpopmail_autoresponder_list('example.com');
	if (array_keys($list) !== array_keys($rb['robots'])) {
		$diff[] = 'robots: qmailadmin ' . vp_d_show(array_keys($rb['robots'])) . ', ours ' . vp_d_show(array_keys($list));
	}
	foreach ($rb['robots'] as $name => $r) {
		$a = vpopmail_autoresponder_get($name, 'example.com');
		$ours = ['owner-field' => $a['copy_to'] === null ? '' : 'value="' . $a['copy_to'] . '"',
		         'subject' => $a['subject'], 'message' => "\n" . $a['body']];
		foreach ($ours as $k => $v) {
			if (html_entity_decode($r[$k], ENT_QUOTES | ENT_HTML401, 'ISO-8859-1') !== $v) {
				$diff[] = "robot $name $k: qmailadmin " . vp_d_show($r[$k]) . ', ours ' . vp_d_show($v);
			}
		}
		if ($a !== $list[$name]) {
			$diff[] = "robot $name: the list and get differ";
		}
	}
	echo "$step: ", $diff ? implode("\n    ", ['differs:', ...$diff]) : 'as qmailadmin shows it', "\n";
}
echo "$users users read\n";

/* one full reading: carol's forward + copy + Latin-1 vacation, as qmailadmin wrote it */
vp_d_load_step($root, 'main/15-carol-forward-copy-vacation');
echo vp_d_show(vpopmail_get_delivery('carol', 'example.com')), "\n";
vp_d_load_step($root, 'main/45-dave-foreign-dotqmail');
echo str_replace($root, '', vp_d_show(vpopmail_get_delivery('dave', 'example.com'))), "\n";
vp_d_load_step($root, 'main/21-robot-mod-info');
echo vp_d_show(vpopmail_autoresponder_get('support', 'example.com')), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-201'));
?>
--EXPECT--
main/07-alice-forward-one: as qmailadmin shows it
main/08-alice-forward-two-savecopy: as qmailadmin shows it
main/09-alice-forward-off: as qmailadmin shows it
main/10-bob-vacation-on: as qmailadmin shows it
main/11-bob-vacation-off: as qmailadmin shows it
main/12-bob-blackhole: as qmailadmin shows it
main/13-bob-standard-again: as qmailadmin shows it
main/14-carol-forward-vacation: as qmailadmin shows it
main/15-carol-forward-copy-vacation: as qmailadmin shows it
main/16-err-carol-forward-empty: differs:
    carol routing: qmailadmin "disable", ours "blackhole"
main/17-carol-blackhole-vacation: as qmailadmin shows it
main/18-carol-all-off: as qmailadmin shows it
main/19-robot-add-info: as qmailadmin shows it
main/20-robot-add-support-copy: as qmailadmin shows it
main/21-robot-mod-info: as qmailadmin shows it
main/22-robot-del-info: as qmailadmin shows it
main/23-robot-del-support: as qmailadmin shows it
main/43-alice-spamcheck-hidden-field: differs:
    alice routing: qmailadmin "disable", ours "other"
main/44-alice-spamcheck-off: as qmailadmin shows it
main/45-dave-foreign-dotqmail: differs:
    dave nforward: qmailadmin "friend@remote.example, plain@remote.example, ./Maildir/", ours "friend@remote.example, plain@remote.example"
main/46-dave-mod-forward-copy: as qmailadmin shows it
main/47-dave-mod-standard: as qmailadmin shows it
extra-modify-quota-spam/09-alice-spamcheck-on: differs:
    alice routing: qmailadmin "disable", ours "other"
extra-modify-quota-spam/10-alice-spam-forward-copy: differs:
    alice fsaved: qmailadmin "checked", ours "-"
extra-modify-quota-spam/11-alice-spam-forward-nocopy: as qmailadmin shows it
extra-modify-quota-spam/12-alice-spamcheck-off: as qmailadmin shows it
extra-modify-quota-spam/13-qa-adduser-carol-quota-spam: differs:
    carol routing: qmailadmin "disable", ours "other"
126 users read
{"mode":"forward","forward":["carol@remote.example","bob@example.com"],"keep_copy":true,"vacation":{"subject":"Out of office: Büro closed & back on Monday","body":"Hello,\nI am on holiday until 2 January.\nGrüße, Carol","charset":null},"other":[]}
{"mode":"forward","forward":["friend@remote.example","plain@remote.example"],"keep_copy":true,"vacation":{"subject":null,"body":null,"charset":null},"other":["# dave's own .qmail, written by hand","|/usr/bin/procmail -m /etc/procmailrc","|preline /usr/local/bin/maildrop /etc/mailfilter"]}
{"name":"support","subject":"Support ticket received","body":"Your request was forwarded to our helpdesk.\nGrüße, Support","charset":null,"copy_to":"helpdesk@remote.example","other":[]}