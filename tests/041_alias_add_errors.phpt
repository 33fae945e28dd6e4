--TEST--
vpopmail_alias_add(): hostile names and lines, duplicates, unknown domains
--EXTENSIONS--
vpopmail
--INI--
vpopmail.directory={TMP}/vp-041/vpopmail
vpopmail.qmail_dir={TMP}/vp-041/qmail
vpopmail.uid=89
vpopmail.gid=89
--FILE--
<?php
require __DIR__ . '/alias.inc';
$root = vp_t_root('041');
vp_t_tree($root, ['example.com' => 'example.com', 'alias.example' => 'example.com']);
$dir = "$root/vpopmail/domains/example.com";
file_put_contents("$dir/.qmail-default", "| /home/vpopmail/bin/vdelivermail '' delete\n");

vp_t_show(vpopmail_alias_add('sales', 'example.com', 'alice@example.com'));
echo "-- duplicate, also through the alias domain\n";
vp_t_show(vpopmail_alias_add('sales', 'example.com', 'alice@example.com'));
vp_t_show(vpopmail_alias_add('SALES', 'alias.example', 'alice@example.com'));
echo "-- program lines need vpopmail.allow_program_aliases\n";
vp_t_show(vpopmail_alias_add('sales', 'example.com', '|/bin/sh -c "rm -rf /"'));
echo "-- names\n";
foreach (['default', 'Default', 'list-default', '../x', 'a/b', '.hidden', '-x', '', 'a b', 'a:b',
          'a@b', str_repeat('a', 65)] as $name) {
	vp_t_show(vpopmail_alias_add($name, 'example.com', 'x@example.org'));
}
echo "-- lines\n";
foreach (["bob@example.com\n|/bin/sh", "bob@example.com\r", "a\tb@c.d", '', '   ', ' bob@example.com',
          'bob', 'bob@', '@example.com', 'a@b@c', 'a b@c.d', '#comment', '+list', '&',
          '/etc/passwd', '/etc/', './../other/Maildir/', "$dir/../other/Maildir/", "{$dir}x/Maildir/",
          './vpasswd', "$dir/bob/mbox", str_repeat('a', 150) . '@example.com'] as $line) {
	vp_t_show(vpopmail_alias_add('sales', 'example.com', $line));
}
echo "-- domains\n";
vp_t_show(vpopmail_alias_add('sales', 'nowhere.test', 'x@example.org'));
vp_t_show(vpopmail_alias_add('sales', 'bad', 'x@example.org'));
vp_t_show(vpopmail_alias_add('sales', '../../etc', 'x@example.org'));
echo "-- argument errors throw\n";
foreach ([["sa\0les", 'example.com', 'x@y.z'], ['sales', "example.com\0", 'x@y.z'],
          ['sales', 'example.com', "x@y.z\0|sh"], [[], 'example.com', 'x@y.z']] as $args) {
	try {
		vpopmail_alias_add(...$args);
	} catch (Throwable $e) {
		echo get_class($e), ': ', $e->getMessage(), "\n";
	}
}
echo "-- nothing was touched\n";
echo file_get_contents("$dir/.qmail-sales");
echo file_get_contents("$dir/.qmail-default");
echo implode(' ', vp_t_ls($dir)), "\n";
echo "-- a success clears the error\n";
vp_t_show(vpopmail_alias_add('sales', 'example.com', 'bob@example.com'));
?>
--CLEAN--
<?php
require __DIR__ . '/alias.inc';
vp_t_rmtree(vp_t_root('041'));
?>
--EXPECTF--
true errno=0 error=Success
-- duplicate, also through the alias domain

Warning: vpopmail_alias_add(): alias line already exists: sales@example.com already delivers to alice@example.com in %s on line %d
false errno=-106 error=alias line already exists: sales@example.com already delivers to alice@example.com

Warning: vpopmail_alias_add(): alias line already exists: sales@alias.example already delivers to alice@example.com in %s on line %d
false errno=-106 error=alias line already exists: sales@alias.example already delivers to alice@example.com
-- program lines need vpopmail.allow_program_aliases

Warning: vpopmail_alias_add(): program delivery lines are not allowed: enable vpopmail.allow_program_aliases to add '|' lines in %s on line %d
false errno=-107 error=program delivery lines are not allowed: enable vpopmail.allow_program_aliases to add '|' lines
-- names

Warning: vpopmail_alias_add(): invalid alias name: 'default' is the domain's catch-all in %s on line %d
false errno=-108 error=invalid alias name: 'default' is the domain's catch-all

Warning: vpopmail_alias_add(): invalid alias name: 'default' is the domain's catch-all in %s on line %d
false errno=-108 error=invalid alias name: 'default' is the domain's catch-all

Warning: vpopmail_alias_add(): invalid alias name: 'list-default' is a qmail wildcard (-default) in %s on line %d
false errno=-108 error=invalid alias name: 'list-default' is a qmail wildcard (-default)

Warning: vpopmail_alias_add(): invalid alias name: invalid character in the name in %s on line %d
false errno=-108 error=invalid alias name: invalid character in the name

Warning: vpopmail_alias_add(): invalid alias name: invalid character in the name in %s on line %d
false errno=-108 error=invalid alias name: invalid character in the name

Warning: vpopmail_alias_add(): invalid alias name: name starts with '.' or '-' in %s on line %d
false errno=-108 error=invalid alias name: name starts with '.' or '-'

Warning: vpopmail_alias_add(): invalid alias name: name starts with '.' or '-' in %s on line %d
false errno=-108 error=invalid alias name: name starts with '.' or '-'

Warning: vpopmail_alias_add(): invalid alias name: empty name in %s on line %d
false errno=-108 error=invalid alias name: empty name

Warning: vpopmail_alias_add(): invalid alias name: invalid character in the name in %s on line %d
false errno=-108 error=invalid alias name: invalid character in the name

Warning: vpopmail_alias_add(): invalid alias name: invalid character in the name in %s on line %d
false errno=-108 error=invalid alias name: invalid character in the name

Warning: vpopmail_alias_add(): invalid alias name: invalid character in the name in %s on line %d
false errno=-108 error=invalid alias name: invalid character in the name

Warning: vpopmail_alias_add(): user name too long (max=64) in %s on line %d
false errno=-25 error=user name too long (max=64)
-- lines

Warning: vpopmail_alias_add(): invalid alias line: control or non-ASCII character in %s on line %d
false errno=-109 error=invalid alias line: control or non-ASCII character

Warning: vpopmail_alias_add(): invalid alias line: control or non-ASCII character in %s on line %d
false errno=-109 error=invalid alias line: control or non-ASCII character

Warning: vpopmail_alias_add(): invalid alias line: control or non-ASCII character in %s on line %d
false errno=-109 error=invalid alias line: control or non-ASCII character

Warning: vpopmail_alias_add(): invalid alias line: empty line in %s on line %d
false errno=-109 error=invalid alias line: empty line

Warning: vpopmail_alias_add(): invalid alias line: line starts or ends with a space in %s on line %d
false errno=-109 error=invalid alias line: line starts or ends with a space

Warning: vpopmail_alias_add(): invalid alias line: line starts or ends with a space in %s on line %d
false errno=-109 error=invalid alias line: line starts or ends with a space

Warning: vpopmail_alias_add(): invalid alias line: not an e-mail address in %s on line %d
false errno=-109 error=invalid alias line: not an e-mail address

Warning: vpopmail_alias_add(): invalid alias line: not an e-mail address in %s on line %d
false errno=-109 error=invalid alias line: not an e-mail address

Warning: vpopmail_alias_add(): invalid alias line: not an e-mail address in %s on line %d
false errno=-109 error=invalid alias line: not an e-mail address

Warning: vpopmail_alias_add(): invalid alias line: not an e-mail address in %s on line %d
false errno=-109 error=invalid alias line: not an e-mail address

Warning: vpopmail_alias_add(): invalid alias line: not an e-mail address in %s on line %d
false errno=-109 error=invalid alias line: not an e-mail address

Warning: vpopmail_alias_add(): invalid alias line: comment line in %s on line %d
false errno=-109 error=invalid alias line: comment line

Warning: vpopmail_alias_add(): invalid alias line: not a delivery instruction in %s on line %d
false errno=-109 error=invalid alias line: not a delivery instruction

Warning: vpopmail_alias_add(): invalid alias line: not an e-mail address in %s on line %d
false errno=-109 error=invalid alias line: not an e-mail address

Warning: vpopmail_alias_add(): program delivery lines are not allowed: an mbox line needs vpopmail.allow_program_aliases, as '|' lines do (a Maildir ends in '/') in %s on line %d
false errno=-107 error=program delivery lines are not allowed: an mbox line needs vpopmail.allow_program_aliases, as '|' lines do (a Maildir ends in '/')

Warning: vpopmail_alias_add(): invalid alias line: path is outside the domain directory in %s on line %d
false errno=-109 error=invalid alias line: path is outside the domain directory

Warning: vpopmail_alias_add(): invalid alias line: path contains '..' in %s on line %d
false errno=-109 error=invalid alias line: path contains '..'

Warning: vpopmail_alias_add(): invalid alias line: path contains '..' in %s on line %d
false errno=-109 error=invalid alias line: path contains '..'

Warning: vpopmail_alias_add(): invalid alias line: path is outside the domain directory in %s on line %d
false errno=-109 error=invalid alias line: path is outside the domain directory

Warning: vpopmail_alias_add(): program delivery lines are not allowed: an mbox line needs vpopmail.allow_program_aliases, as '|' lines do (a Maildir ends in '/') in %s on line %d
false errno=-107 error=program delivery lines are not allowed: an mbox line needs vpopmail.allow_program_aliases, as '|' lines do (a Maildir ends in '/')

Warning: vpopmail_alias_add(): program delivery lines are not allowed: an mbox line needs vpopmail.allow_program_aliases, as '|' lines do (a Maildir ends in '/') in %s on line %d
false errno=-107 error=program delivery lines are not allowed: an mbox line needs vpopmail.allow_program_aliases, as '|' lines do (a Maildir ends in '/')

Warning: vpopmail_alias_add(): alias line too long (max=160) in %s on line %d
false errno=-32 error=alias line too long (max=160)
-- domains

Warning: vpopmail_alias_add(): Domain does not exist: nowhere.test in %s on line %d
false errno=-11 error=Domain does not exist: nowhere.test

Warning: vpopmail_alias_add(): Invalid domain name: no dot in %s on line %d
false errno=-12 error=Invalid domain name: no dot

Warning: vpopmail_alias_add(): Invalid domain name: %s in %s on line %d
false errno=-12 error=Invalid domain name: %s
-- argument errors throw
ValueError: vpopmail_alias_add(): Argument #1 ($user) must not contain any null bytes
ValueError: vpopmail_alias_add(): Argument #2 ($domain) must not contain any null bytes
ValueError: vpopmail_alias_add(): Argument #3 ($alias) must not contain any null bytes
TypeError: vpopmail_alias_add(): Argument #1 ($user) must be of type string, array given
-- nothing was touched
alice@example.com
| /home/vpopmail/bin/vdelivermail '' delete
.qmail-default .qmail-sales .vpasswd.lock
-- a success clears the error
true errno=0 error=Success
