--TEST--
security (issue 12, class 2): a domain whose users/assign key extends another's with '-', or is extended by one, is refused (real and alias, both orders), nothing is written; names sharing a prefix without the '-' boundary still work
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-120/vpopmail
vpopmail.qmail_dir={TMP}/vp-120/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/hostile.inc';
$root = vp_sandbox('vp-120');

/* The domain qmail-lspawn hands user@domain to: local "<domain>-<user>" (after
 * virtualdomains) goes to the exact "!local\0" key, else to the longest
 * "!prefix" ending in a wildcard char, else to "!" (users/cdb's "" record
 * lists the wildcard chars).  Returns the entry's realdomain, or ''. */
function lspawn(string $root, string $user, string $domain): string
{
    $cdb = [];
    foreach (vp_cdb_records("$root/qmail/users/cdb") as [$k, $v]) {
        $cdb[$k] ??= $v;
    }
    $wild = $cdb[''] ?? '';
    $key = '!' . strtolower("$domain-$user");
    $hit = $cdb["$key\0"] ?? null;
    for ($i = strlen($key); $hit === null && $i >= 1; $i--) {
        if ($i === 1 || str_contains($wild, $key[$i - 1])) {
            $hit = $cdb[substr($key, 0, $i)] ?? null;
        }
    }
    return $hit === null ? '' : explode("\0", $hit)[0];
}

var_dump(vpopmail_add_domain_ex('victim.test', 'Secret123'), vpopmail_add_user('john.doe', 'victim.test', 'johnpw'),
    vpopmail_add_domain_ex('attacker.test', 'Attack123'), vpopmail_add_domain_ex('shop.example-eu.test', 'Shop12345'));
echo "john.doe-news@victim.test -> ", lspawn($root, 'john.doe-news', 'victim.test'), "\n";

$C = VPOPMAIL_VA_DOMAIN_NAME_CONFLICT;
$cases = [];
/* the new name extends an existing one: it would take john.doe-...@victim.test */
foreach (['victim.test-john.doe', 'VICTIM.TEST-John.Doe', 'victim.test-x.org', 'attacker.test-a.b.cc'] as $evil) {
    $cases[] = ['vpopmail_add_domain', [$evil, '', -1, -1], $C];
    $cases[] = ['vpopmail_add_domain_ex', [$evil, 'pw123456'], $C];
    $cases[] = ['vpopmail_add_alias_domain', ['attacker.test', $evil], $C];
    $cases[] = ['vpopmail_add_alias_domain', ['victim.test', $evil], $C];
    $cases[] = ['vpopmail_add_alias_domain_ex', ['attacker.test', $evil], $C];
    $cases[] = ['vpopmail_add_alias_domain_ex', [$evil, 'attacker.test'], $C];
}
/* an existing name extends the new one: shop.example would lose eu.test-...@shop.example */
$cases[] = ['vpopmail_add_domain', ['shop.example', '', -1, -1], $C];
$cases[] = ['vpopmail_add_domain_ex', ['Shop.Example', 'pw123456'], $C];
$cases[] = ['vpopmail_add_alias_domain', ['attacker.test', 'shop.example'], $C];
$cases[] = ['vpopmail_add_alias_domain_ex', ['shop.example', 'attacker.test'], $C];
$bad = vp_h_run_rejections($root, $cases);
echo count($cases), " refusals, $bad wrong; the tree (assign, users/cdb, rcpthosts, virtualdomains, domains/) unchanged\n";
vpopmail_add_domain('victim.test-john.doe', '', -1, -1);
echo vpopmail_error(), "\n";
vpopmail_add_domain('shop.example', '', -1, -1);
echo vpopmail_error(), "\n";
echo "john.doe-news@victim.test -> ", lspawn($root, 'john.doe-news', 'victim.test'), "\n";

/* sharing a prefix without the '-' boundary is fine, and everyone keeps their own mail */
$fine = ['victim.testing.com', 'victim.test.com', 'victim-test.com', 'xvictim.test', 'a.test', 'aa.test',
         'a-b.test', 'a-b.testx', 'shop.example.eu.test', 'shop.example-eu.testing'];
$ok = true;
foreach ($fine as $d) {
    $ok = vpopmail_add_domain($d, '', -1, -1) && $ok;
}
$ok = vpopmail_add_alias_domain('a.test', 'a.tests') && vpopmail_add_alias_domain_ex('victim.tester.org', 'victim.test') && $ok;
var_dump($ok);
$routes = [];
foreach (array_merge(['victim.test', 'attacker.test', 'shop.example-eu.test'], $fine) as $d) {
    foreach (['john.doe', 'john.doe-news', 'eu.test-sales', 'x-y-z'] as $u) {
        if (lspawn($root, $u, $d) !== $d) {
            $routes[] = "$u@$d -> " . lspawn($root, $u, $d);
        }
    }
}
echo $routes ? implode("\n", $routes) : 'every address reaches its own domain', "\n";
echo "x@a.tests -> ", lspawn($root, 'x', 'a.tests'), "\n";
var_dump(vpopmail_add_domain('a-b.test-c.test', '', -1, -1), vpopmail_errno() === $C);
echo str_replace("$root/vpopmail", '~', file_get_contents("$root/qmail/users/assign"));
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-120'));
?>
--EXPECTF--
bool(true)
bool(true)
bool(true)
bool(true)
john.doe-news@victim.test -> victim.test
28 refusals, 0 wrong; the tree (assign, users/cdb, rcpthosts, virtualdomains, domains/) unchanged

Warning: vpopmail_add_domain(): domain name extends, or is extended by, an existing domain: victim.test-john.doe extends +victim.test- in users/assign in %s on line %d
domain name extends, or is extended by, an existing domain: victim.test-john.doe extends +victim.test- in users/assign

Warning: vpopmail_add_domain(): domain name extends, or is extended by, an existing domain: shop.example is extended by +shop.example-eu.test- in users/assign in %s on line %d
domain name extends, or is extended by, an existing domain: shop.example is extended by +shop.example-eu.test- in users/assign
john.doe-news@victim.test -> victim.test
bool(true)
every address reaches its own domain
x@a.tests -> a.test

Warning: vpopmail_add_domain(): domain name extends, or is extended by, an existing domain: a-b.test-c.test extends +a-b.test- in users/assign in %s on line %d
bool(false)
bool(true)
+a-b.test-:a-b.test:89:89:~/domains/a-b.test:-::
+a-b.testx-:a-b.testx:89:89:~/domains/a-b.testx:-::
+a.test-:a.test:89:89:~/domains/a.test:-::
+a.tests-:a.test:89:89:~/domains/a.test:-::
+aa.test-:aa.test:89:89:~/domains/aa.test:-::
+attacker.test-:attacker.test:89:89:~/domains/attacker.test:-::
+shop.example.eu.test-:shop.example.eu.test:89:89:~/domains/shop.example.eu.test:-::
+shop.example-eu.test-:shop.example-eu.test:89:89:~/domains/shop.example-eu.test:-::
+shop.example-eu.testing-:shop.example-eu.testing:89:89:~/domains/shop.example-eu.testing:-::
+victim.test.com-:victim.test.com:89:89:~/domains/victim.test.com:-::
+victim.tester.org-:victim.test:89:89:~/domains/victim.test:-::
+victim.testing.com-:victim.testing.com:89:89:~/domains/victim.testing.com:-::
+victim-test.com-:victim-test.com:89:89:~/domains/victim-test.com:-::
+victim.test-:victim.test:89:89:~/domains/victim.test:-::
+xvictim.test-:xvictim.test:89:89:~/domains/xvictim.test:-::
.