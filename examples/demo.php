<?php
/*
 * A tour of the vpopmail extension on a sandbox tree (./scripts/demo sets
 * vpopmail.directory and vpopmail.qmail_dir to ./var/demo/...).
 */
$home = ini_get('vpopmail.directory');
$qmail = ini_get('vpopmail.qmail_dir');

function step(string $what, bool $ok): void
{
    printf("%-62s %s\n", $what, $ok ? 'ok' : 'FAILED: ' . vpopmail_error());
}

function show(string $path): void
{
    echo "  --- $path\n";
    foreach (explode("\n", rtrim(file_get_contents($path), "\n")) as $line) {
        echo "  | $line\n";
    }
}

echo "vpopmail ", phpversion('vpopmail'), " on $home (qmail: $qmail)\n\n";

step("vpopmail_add_domain_ex('example.com', postmaster password)", vpopmail_add_domain_ex('example.com', 'Secret123'));
step("vpopmail_add_domain_ex('second.test', ..., quota 50000000, catch-all)",
    vpopmail_add_domain_ex('second.test', 'Second123', '50000000', 'catchall@example.com'));
step("vpopmail_add_alias_domain('example.com', 'alias.example')", vpopmail_add_alias_domain('example.com', 'alias.example'));
step("vpopmail_add_user('alice', 'example.com', ...)", vpopmail_add_user('alice', 'example.com', 'alicepw'));
step("vpopmail_add_user('bob', 'example.com', ..., 'Bob Builder')", vpopmail_add_user('bob', 'example.com', 'bobpw', 'Bob Builder'));
step("vpopmail_set_user_quota('bob', 'example.com', '20M')", vpopmail_set_user_quota('bob', 'example.com', '20M'));
step("vpopmail_passwd('alice', 'example.com', 'newpw')", vpopmail_passwd('alice', 'example.com', 'newpw'));
step("vpopmail_auth_user('alice', 'alias.example', 'newpw')  (via the alias)", vpopmail_auth_user('alice', 'alias.example', 'newpw'));
$wrong = vpopmail_auth_user('alice', 'example.com', 'oldpw');
printf("%-62s %s\n", "vpopmail_auth_user() with a wrong password", $wrong ? 'accepted?!' : 'refused: ' . vpopmail_error());
step("vpopmail_alias_add('sales', 'example.com', 'alice@example.com')", vpopmail_alias_add('sales', 'example.com', 'alice@example.com'));
step("vpopmail_alias_add('sales', 'example.com', 'bob@example.com')", vpopmail_alias_add('sales', 'example.com', 'bob@example.com'));
step("vpopmail_alias_add('team.lead', 'example.com', 'alice@example.com')", vpopmail_alias_add('team.lead', 'example.com', 'alice@example.com'));
echo "\nvpopmail_alias_get_all('example.com'):\n";
foreach (vpopmail_alias_get_all('example.com') as $alias => $lines) {
    foreach ($lines as $line) {
        echo "  $alias@example.com -> $line\n";
    }
}

echo "\nWhat a failure looks like (false, a warning, and the reason):\n";
$ok = @vpopmail_add_user('alice', 'example.com', 'again');
printf("  vpopmail_add_user('alice', ...) again: %s, errno %d, \"%s\"\n", var_export($ok, true), vpopmail_errno(), vpopmail_error());
$ok = @vpopmail_add_user('../../etc', 'example.com', 'x');
printf("  vpopmail_add_user('../../etc', ...):   %s, errno %d, \"%s\"\n", var_export($ok, true), vpopmail_errno(), vpopmail_error());

step("\nvpopmail_del_user('bob', 'example.com')", vpopmail_del_user('bob', 'example.com'));
step("vpopmail_del_domain('second.test')", vpopmail_del_domain('second.test'));

echo "\nFiles written:\n";
foreach (["$qmail/users/assign", "$qmail/control/rcpthosts", "$qmail/control/virtualdomains",
          "$home/domains/example.com/.qmail-default", "$home/domains/example.com/vpasswd",
          "$home/domains/example.com/.qmail-sales", "$home/domains/example.com/.qmail-team:lead"] as $f) {
    show($f);
}
echo "\nThe tree under $home:\n";
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($home, FilesystemIterator::SKIP_DOTS),
    RecursiveIteratorIterator::SELF_FIRST);
$paths = [];
foreach ($it as $f) {
    $paths[] = sprintf("  %o %s", fileperms($f->getPathname()) & 0777, substr($f->getPathname(), strlen($home) + 1));
}
sort($paths);
echo implode("\n", $paths), "\n";
