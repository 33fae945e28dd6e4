--TEST--
the catch-all line qmail runs with sh (issue 12, class 1): vpopmail_add_domain_ex()'s $bounce and vpopmail_set_catchall() accept one set (a whitelist) and answer every value alike; a directory path (whose .qmail would run), a glob into another tenant's mailbox ("…/victim.test/ce[!@]"), '..', '#', '* ? [ ] !' are refused and no .qmail-default is written; every accepted line, run by sh as qmail-local does, hands vdelivermail exactly two words
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-100/vpopmail
vpopmail.qmail_dir={TMP}/vp-100/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
require __DIR__ . '/alias.inc';
$root = vp_sandbox('vp-100');
$V = fn ($c) => constant("VPOPMAIL_VA_$c");
$ok = vpopmail_add_domain_ex('victim.test', 'Secret123') && vpopmail_add_user('ceo', 'victim.test', 'ceopw')
    && vpopmail_add_domain_ex('tenant.test', 'Secret123') && vpopmail_add_user('alice', 'tenant.test', 'alicepw');
var_dump($ok);
vp_h_stub_vdelivermail("$root/vpopmail");
/* What a local account can prepare: a directory whose .qmail runs a program
 * (the '@' let the old blacklist take it for an address). */
$evil = "$root/tmp/evil@dir";
mkdir($evil, 0755, true);
file_put_contents("$evil/.qmail", "|touch $root/tmp/pwned\n");
$victim = "$root/vpopmail/domains/victim.test";

/* [value, code]: the same answer from set_catchall and from add_domain_ex. */
$table = vp_h_bad_catchalls($root, $victim, $evil);
$cases = [];
$n = 0;
foreach ($table as [$v, $code]) {
    $cases[] = ['vpopmail_set_catchall', ['tenant.test', $v], $code];
    $cases[] = ['vpopmail_add_domain_ex', ['new' . $n++ . '.test', 'pw12345', null, $v], $code];
}
$bad = vp_h_run_rejections($root, $cases);
echo $bad ? "$bad of " . count($cases) . " cases failed\n" : count($cases) . " cases, all rejected alike\n";

/* Accepted: the same set from both.  The line must come back from sh as
 * exactly vdelivermail '' <word>, the word as written. */
$home = fn ($d) => "$root/vpopmail/domains/$d/postmaster";
$accepted = [
    ['delete', fn ($d) => 'delete'],
    ['bounce-no-mailbox', fn ($d) => 'bounce-no-mailbox'],
    ['catchall@example.com', fn ($d) => 'catchall@example.com'],
    ['Sales+Extra=x@Other.Test', fn ($d) => 'Sales+Extra=x@Other.Test'],
    ['a_b.c-d@victim.test', fn ($d) => 'a_b.c-d@victim.test'],
    ['postmaster', $home],
    ['POSTMASTER', $home],
];
$i = 0;
foreach ($accepted as [$v, $want]) {
    $d = 'ok' . $i++ . '.test';
    $r1 = vpopmail_add_domain_ex($d, 'pw12345', null, $v);
    $r2 = vpopmail_set_catchall('tenant.test', $v);
    $w2 = $v === 'postmaster' || $v === 'POSTMASTER' ? $home('tenant.test') : $want('tenant.test');
    foreach ([[$d, $r1, $want($d)], ['tenant.test', $r2, $w2]] as [$dom, $r, $w]) {
        $f = "$root/vpopmail/domains/$dom/.qmail-default";
        $ran = vp_h_run_pipes(dirname($f))['/.qmail-default'] ?? [];
        $c = vpopmail_get_catchall($dom);
        $show = str_replace($root, 'R', json_encode([$r, $ran, $c['type']], JSON_UNESCAPED_SLASHES));
        echo str_pad($v, 26), str_pad($dom, 12), $show, $ran === ["2||$w"] ? '' : ' WRONG', "\n";
    }
}
/* "" and "bounce" (the original binding's -b) keep the default */
foreach (['', 'bounce', null] as $v) {
    $d = 'keep' . $i++ . '.test';
    var_dump(vpopmail_add_domain_ex($d, 'pw12345', null, $v) && vpopmail_get_catchall($d)['type'] === 'delete');
}
vp_t_show(@vpopmail_set_catchall('tenant.test', 'bounce'));
vp_t_show(@vpopmail_set_catchall('tenant.test', ''));

/* Every catch-all line in the tree, run by sh: vdelivermail gets exactly the
 * word written (no glob expanded into another mailbox, no word lost to '#'). */
$changed = [];
foreach (vp_h_run_pipes("$root/vpopmail/domains") as $f => $outs) {
    $line = file("$root/vpopmail/domains$f", FILE_IGNORE_NEW_LINES)[0];
    $word = substr($line, strrpos($line, ' ') + 1);
    foreach ($outs as $o) {
        if ($o !== "2||$word") {
            $changed[] = str_replace($root, 'R', "$f: $line => $o");
        }
    }
}
var_dump($changed);
/* nothing ran, nothing reached another tenant */
var_dump(vp_h_find($root, 'pwned'), vpopmail_get_catchall('victim.test')['type']);
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-100'));
?>
--EXPECTF--
bool(true)
%d cases, all rejected alike
delete                    ok0.test    [true,["2||delete"],"delete"]
delete                    tenant.test [true,["2||delete"],"delete"]
bounce-no-mailbox         ok1.test    [true,["2||bounce-no-mailbox"],"bounce"]
bounce-no-mailbox         tenant.test [true,["2||bounce-no-mailbox"],"bounce"]
catchall@example.com      ok2.test    [true,["2||catchall@example.com"],"forward"]
catchall@example.com      tenant.test [true,["2||catchall@example.com"],"forward"]
Sales+Extra=x@Other.Test  ok3.test    [true,["2||Sales+Extra=x@Other.Test"],"forward"]
Sales+Extra=x@Other.Test  tenant.test [true,["2||Sales+Extra=x@Other.Test"],"forward"]
a_b.c-d@victim.test       ok4.test    [true,["2||a_b.c-d@victim.test"],"forward"]
a_b.c-d@victim.test       tenant.test [true,["2||a_b.c-d@victim.test"],"forward"]
postmaster                ok5.test    [true,["2||R/vpopmail/domains/ok5.test/postmaster"],"mailbox"]
postmaster                tenant.test [true,["2||R/vpopmail/domains/tenant.test/postmaster"],"mailbox"]
POSTMASTER                ok6.test    [true,["2||R/vpopmail/domains/ok6.test/postmaster"],"mailbox"]
POSTMASTER                tenant.test [true,["2||R/vpopmail/domains/tenant.test/postmaster"],"mailbox"]
bool(true)
bool(true)
bool(true)
false errno=-10 error=User does not exist: bounce@tenant.test
false errno=-20 error=bad character: empty catch-all
array(0) {
}
array(0) {
}
string(6) "delete"
