--TEST--
vpopmail_add_domain_ex(): rcpthosts spills into morercpthosts(.cdb) at 50 lines as in vpopmail 5.6.13
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-014/vpopmail
vpopmail.qmail_dir={TMP}/vp-014/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/vp.inc';
$root = vp_sandbox('vp-014');
$v = 'vpopmail-5.6/extra-morercpthosts';
for ($i = 1; $i <= 49; $i++) {
    vpopmail_add_domain_ex(sprintf('d%02d.test', $i), "pw$i") or print("d$i failed\n");
}
$steps = [50 => '01-adddomain-d50-50th-domain', 51 => '02-adddomain-d51-51st-domain', 52 => '03-adddomain-d52-52nd-domain'];
foreach ($steps as $i => $step) {
    var_dump(vpopmail_add_domain_ex("d$i.test", "pw$i"));
    vp_same_as($root, $v, $step, ['qmail']);
}
var_dump(vpopmail_del_domain('d51.test'));
vp_same_as($root, $v, '04-deldomain-d51', ['qmail']);
var_dump(vpopmail_del_domain('d01.test'));
vp_same_as($root, $v, '05-deldomain-d01', ['qmail']);
echo strtok(vp_b_read("$root/vpopmail/domains/.dir-control"), "\n"), "\n";
/* unlike vpopmail, the last morercpthosts domain takes both files with it */
var_dump(vpopmail_del_domain('d52.test'));
var_dump(file_exists("$root/qmail/control/morercpthosts"), file_exists("$root/qmail/control/morercpthosts.cdb"));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-014'));
?>
--EXPECT--
bool(true)
01-adddomain-d50-50th-domain: same
bool(true)
02-adddomain-d51-51st-domain: same
bool(true)
03-adddomain-d52-52nd-domain: same
bool(true)
04-deldomain-d51: same
bool(true)
05-deldomain-d01: same
50
bool(true)
bool(false)
bool(false)
