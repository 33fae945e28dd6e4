--TEST--
password policy: ~vpopmail/etc/password_strength.conf as vpopmail 5.6 reads it, each rule and code (-69..-74) with vpopmail's texts, vpopmail_password_strength(), and add_user/passwd/batch refusing as vpopmail does
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-235/vpopmail
vpopmail.qmail_dir={TMP}/vp-235/qmail
vpopmail.uid=89
vpopmail.gid=89
vpopmail.password_scheme=md5
--FILE--
<?php
require __DIR__ . '/limits.inc';
$dir = vp_l_domain('vp-235');
$root = vp_root('vp-235');
$D = 'example.com';
$P = fn (?string $text) => vp_l_etc($root, 'password_strength.conf', $text);
$show = function (string $pw) {
    $r = vpopmail_password_strength($pw);
    printf("  %-14s %s %d \"%s\"\n", json_encode($pw), $r['ok'] ? 'ok  ' : 'fail', $r['code'], $r['message']);
};
var_dump(VPOPMAIL_VA_PWSTR_EMPTY, VPOPMAIL_VA_PWSTR_LENGTH, VPOPMAIL_VA_PWSTR_ALPHA, VPOPMAIL_VA_PWSTR_NUMERIC,
         VPOPMAIL_VA_PWSTR_OTHER, VPOPMAIL_VA_PWSTR_DELTA);

echo "no file:\n";
print_r(vpopmail_password_strength(''));

echo "the file vpopmail 5.6 installs:\n";
$P("#\n# This file defines password strength requirements\n#\n\nPolicy = Passwords must be at least one character long\nLength >= 1\n\n"
    . "# Policy = Passwords must contain upper and lowercase characters, numbers, punctuation, and be at least eight characters in length\n"
    . "# Alphabet < 0.84\n");
print_r(vpopmail_password_strength(''));
$show('x');

$rules = [
    'Length > 7' => ['1234567', '12345678'],
    'Length <= 8' => ['123456789', '12345678'],
    'Length = 6' => ['abcde', 'abcdef'],
    'Alphabet >= 0.5' => ['ab123', 'abc12'],
    'Alphabet < 0.84' => ['abcdefg1', 'abcdef12'],
    'Alphabet = 0' => ['12a', '123'],
    'Numeric > 0.08' => ['abcdefghijklm1', 'abcdefghij12'],
    'Numeric = 1.00' => ['1234a', '12345'],
    'Other >= 0.25' => ['abc1', 'ab!#'],
    'UpperLower < 0.51' => ['abcdef', 'abcDEF'],
    'UpperLower > 0.5' => ['aBcD', 'abcdE'],
    'UpperLower <= 0.2' => ['1234', 'aBcD1'],
];
foreach ($rules as $rule => $pws) {
    $P("$rule\n");
    echo "$rule:\n";
    foreach ($pws as $pw) {
        $show($pw);
    }
}

echo "vpopmail's \"very strong\" policy, rules in its order:\n";
$P("Policy = Passwords must contain upper and lowercase characters, numbers, punctuation, and be at least eight characters in length\n"
    . "Alphabet < 0.84\nUpperLower < 0.51 \nNumeric > 0.08\nOther >= 0.04\nLength > 7\n");
foreach (['aB1!', 'abcdefghij', 'abcdefg!!', 'abcdefg12', 'abcdef1!', 'abcDEF1!'] as $pw) {
    $show($pw);
}
echo vpopmail_password_strength('x')['policy'], "\n";

echo "the writers:\n";
$P("Length >= 8\nNumeric > 0\n");
foreach ([
    ['vpopmail_add_user', 'ann', $D, 'short1'],
    ['vpopmail_add_user', 'ann', $D, 'no digits here'],
    ['vpopmail_add_user', 'ann', $D, 'ann passw0rd'],
    ['vpopmail_passwd', 'ann', $D, 'weak'],
    ['vpopmail_passwd', 'ann', $D, 'annpassw0rd2'],
    ['vpopmail_batch', $D, [['add', 'ben', 'benpassw0rd'], ['add', 'cid', 'weak']]],
    ['vpopmail_batch', $D, [['passwd', 'ann', 'nodigitshere']]],
    ['vpopmail_batch', $D, [['add', 'ben', 'benpassw0rd'], ['passwd', 'ann', 'annpassw0rd3']]],
] as $call) {
    $fn = array_shift($call);
    echo "  $fn: ", vp_l_try($fn, ...$call), "\n";
}
echo '  ', implode(' ', array_keys(vp_u_vpasswd($dir))), "\n";
var_dump(vpopmail_auth_user('ann', $D, 'annpassw0rd3'));

echo "malformed files: refused, every password refused by the writers:\n";
foreach (["Length\n", "Length >= eight\n", "Lenght >= 8\n", "Length => 8\n", "Length >= 8\nPolicy\n"] as $bad) {
    $P($bad);
    echo '  ', json_encode($bad), ': ', vp_l_try('vpopmail_password_strength', 'Abcdef12!'), ' | ',
        vp_l_try('vpopmail_passwd', 'ann', $D, 'Abcdef12!'), "\n";
}
$P(null);
var_dump(vpopmail_password_strength('')['ok']);
?>
--CLEAN--
<?php
require __DIR__ . '/vp.inc';
vp_rmtree(vp_root('vp-235'));
?>
--EXPECTF--
int(-69)
int(-70)
int(-71)
int(-72)
int(-73)
int(-74)
no file:
Array
(
    [ok] => 1
    [code] => 0
    [message] => password suitable
    [policy] => 
    [rules] => 0
)
the file vpopmail 5.6 installs:
Array
(
    [ok] => 
    [code] => -70
    [message] => password requires more characters 
    [policy] => Passwords must be at least one character long
    [rules] => 1
)
  "x"            ok   0 "password suitable"
Length > 7:
  "1234567"      fail -70 "password requires more characters "
  "12345678"     ok   0 "password suitable"
Length <= 8:
  "123456789"    fail -70 "password should have less characters "
  "12345678"     ok   0 "password suitable"
Length = 6:
  "abcde"        fail -70 "password must always be 6 characters long "
  "abcdef"       ok   0 "password suitable"
Alphabet >= 0.5:
  "ab123"        fail -71 "password requires more alphabetical characters "
  "abc12"        ok   0 "password suitable"
Alphabet < 0.84:
  "abcdefg1"     fail -71 "password should have less alphabetical characters "
  "abcdef12"     ok   0 "password suitable"
Alphabet = 0:
  "12a"          fail -71 "password can only be alphabetical characters "
  "123"          ok   0 "password suitable"
Numeric > 0.08:
  "abcdefghijklm1" fail -72 "password requires more numbers "
  "abcdefghij12" ok   0 "password suitable"
Numeric = 1.00:
  "1234a"        fail -72 "password can only be numbers "
  "12345"        ok   0 "password suitable"
Other >= 0.25:
  "abc1"         fail -73 "password requires more punctuation, symbols, or other characters "
  "ab!#"         ok   0 "password suitable"
UpperLower < 0.51:
  "abcdef"       fail -74 "password requires more uppercase and lowercase character diversity "
  "abcDEF"       ok   0 "password suitable"
UpperLower > 0.5:
  "aBcD"         fail -74 "password should have less uppercase and lowercase character diversity "
  "abcdE"        ok   0 "password suitable"
UpperLower <= 0.2:
  "1234"         fail -74 "password requires more uppercase and lowercase character diversity "
  "aBcD1"        ok   0 "password suitable"
vpopmail's "very strong" policy, rules in its order:
  "aB1!"         fail -70 "password requires more characters "
  "abcdefghij"   fail -71 "password should have less alphabetical characters "
  "abcdefg!!"    fail -72 "password requires more numbers "
  "abcdefg12"    fail -73 "password requires more punctuation, symbols, or other characters "
  "abcdef1!"     fail -74 "password requires more uppercase and lowercase character diversity "
  "abcDEF1!"     ok   0 "password suitable"
Passwords must contain upper and lowercase characters, numbers, punctuation, and be at least eight characters in length
the writers:
  vpopmail_add_user: errno -70 W password requires more characters 
  vpopmail_add_user: errno -72 W password requires more numbers 
  vpopmail_add_user: ok
  vpopmail_passwd: errno -70 W password requires more characters 
  vpopmail_passwd: ok
  vpopmail_batch: errno -70 W operation 1 (add cid): password requires more characters 
  vpopmail_batch: errno -72 W operation 0 (passwd ann): password requires more numbers 
  vpopmail_batch: ok
  ann ben postmaster
bool(true)
malformed files: refused, every password refused by the writers:
  "Length\n": errno -104 W invalid configuration: %s/vpopmail/etc/password_strength.conf line 1: expected <rule> <op> <value> | errno -104 W invalid configuration: %s/vpopmail/etc/password_strength.conf line 1: expected <rule> <op> <value>
  "Length >= eight\n": errno -104 W invalid configuration: %s/vpopmail/etc/password_strength.conf line 1: eight is not a number | errno -104 W invalid configuration: %s/vpopmail/etc/password_strength.conf line 1: eight is not a number
  "Lenght >= 8\n": errno -104 W invalid configuration: %s/vpopmail/etc/password_strength.conf line 1: unknown rule Lenght | errno -104 W invalid configuration: %s/vpopmail/etc/password_strength.conf line 1: unknown rule Lenght
  "Length => 8\n": errno -104 W invalid configuration: %s/vpopmail/etc/password_strength.conf line 1: invalid test => | errno -104 W invalid configuration: %s/vpopmail/etc/password_strength.conf line 1: invalid test =>
  "Length >= 8\nPolicy\n": errno -104 W invalid configuration: %s/vpopmail/etc/password_strength.conf line 2: expected <rule> <op> <value> | errno -104 W invalid configuration: %s/vpopmail/etc/password_strength.conf line 2: expected <rule> <op> <value>
bool(true)
