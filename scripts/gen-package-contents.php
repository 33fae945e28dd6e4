<?php
/*
 * gen-package-contents.php: keep package.xml's <contents> and config.w32's
 * libcore source list in step with the files in the tree.
 *
 * usage: php scripts/gen-package-contents.php           rewrite both files
 *        php scripts/gen-package-contents.php --check   change nothing; exit 1
 *                                                       and list the difference
 *        php scripts/gen-package-contents.php --list    print the package's files,
 *                                                       one a line (what pecl would ship)
 *
 * The tree is what git would commit: `git ls-files --cached --others
 * --exclude-standard` (tracked plus untracked files not ignored), or, without
 * git, a walk of the folder that skips the phpize/make/run-tests outputs that
 * .gitignore lists.  Of those files the package takes:
 *   role src   every *.c and *.h outside tests/ and libcore/tests/ (vpopmail_arginfo.h
 *              included), config.m4, config.w32, Makefile.frag, vpopmail.stub.php,
 *              scripts/libcore-tests.sh (Makefile.frag's libcore-test runs it) and
 *              scripts/mariadb.sh (the private server test_store_mysql starts),
 *              scripts/mariadb-pair.sh (the primary + replica pair of phpt 330-334)
 *   role test  everything under tests/ (phpt, inc, CONFLICTS, the fixture trees
 *              tests/fixtures/** that the phpt and C tests compare with) and
 *              everything under libcore/tests/
 *   role doc   README.md, CREDITS, LICENSE, examples/**, contrib/** (the Roundcube driver;
 *              tests/239 loads it, and scripts/roundcube.sh fetches the plugin it runs in)
 * and leaves out, on purpose: package.xml itself, composer.json (PIE reads it
 * from git, not from the tarball), .gitignore, .ci/, the other scripts/ (they
 * install Debian packages and drive CI; a PECL user never needs them), fuzz/
 * (the libFuzzer targets and their regression inputs, run by scripts/fuzz.sh).
 */

const SRC_FILES = ['config.m4', 'config.w32', 'Makefile.frag', 'vpopmail.stub.php', 'scripts/libcore-tests.sh', 'scripts/mariadb.sh',
                   'scripts/mariadb-pair.sh', 'scripts/roundcube.sh'];
const DOC_FILES = ['README.md', 'CREDITS', 'LICENSE'];

function fail(string $msg): never
{
	fwrite(STDERR, "gen-package-contents: $msg\n");
	exit(2);
}

function role_of(string $path): ?string
{
	if (str_starts_with($path, 'fuzz/')) {
		return null; /* libFuzzer harnesses: scripts/fuzz.sh, from git only */
	}
	if (str_starts_with($path, 'tests/') || str_starts_with($path, 'libcore/tests/')) {
		return 'test';
	}
	if (in_array($path, DOC_FILES, true) || str_starts_with($path, 'examples/') || str_starts_with($path, 'contrib/')) {
		return 'doc';
	}
	if (in_array($path, SRC_FILES, true) || preg_match('/\.[ch]$/', $path)) {
		return 'src';
	}
	return null;
}

/* Without git: everything but what .gitignore hides (keep the two in sync). */
function walk_tree(string $root): array
{
	$skip_dirs = '#^(\.git|build|autom4te\.cache|include|modules|var|libcore/tests/bin|fuzz/bin|fuzz/out|fuzz/corpus)$|(^|/)\.libs$#';
	$skip_files = '#^(config\.h|vpopmail-[^/]*\.tgz)$|\.(lo|la|o|dep|so|tgz)$#';
	$leftovers = '#^tests/(?!fixtures/).*\.(diff|exp|log|out|php|sh|mem)$#';
	$out = [];
	$stack = [''];
	while ($stack) {
		$rel = array_pop($stack);
		$dir = $rel === '' ? $root : "$root/$rel";
		foreach (scandir($dir) ?: fail("cannot read $dir") as $name) {
			if ($name === '.' || $name === '..') {
				continue;
			}
			$path = $rel === '' ? $name : "$rel/$name";
			if (is_dir("$root/$path") && !is_link("$root/$path")) {
				if (!preg_match($skip_dirs, $path)) {
					$stack[] = $path;
				}
			} elseif (!preg_match($skip_files, $path) && !preg_match($leftovers, $path)) {
				$out[] = $path;
			}
		}
	}
	return $out;
}

function tree_files(string $root): array
{
	$git = trim((string)shell_exec('command -v git 2>/dev/null'));
	if ($git !== '' && is_dir("$root/.git")) {
		$cmd = 'cd ' . escapeshellarg($root) . ' && git ls-files -z --cached --others --exclude-standard';
		$list = shell_exec($cmd);
		if (is_string($list)) {
			/* --cached also lists files deleted from the work tree but not yet from the index. */
			return array_values(array_filter(explode("\0", $list),
				fn($p) => $p !== '' && is_file("$root/$p")));
		}
	}
	return walk_tree($root);
}

function render_contents(array $files): string
{
	$xml = " <contents>\n  <dir name=\"/\">\n";
	foreach ($files as $path => $role) {
		$xml .= '   <file name="' . htmlspecialchars($path, ENT_XML1 | ENT_QUOTES) . "\" role=\"$role\" />\n";
	}
	return $xml . "  </dir>\n </contents>";
}

/* Returns [contents-as-path=>role, new xml text]. */
function package_xml(string $text, array $files): array
{
	if (!preg_match('#^ *<contents>.*?</contents>#sm', $text, $m)) {
		fail('package.xml has no <contents> block');
	}
	$listed = [];
	if (preg_match_all('#<file\b[^>]*\bname="([^"]*)"[^>]*\brole="([^"]*)"#', $m[0], $fm, PREG_SET_ORDER)) {
		foreach ($fm as $f) {
			$listed[htmlspecialchars_decode($f[1], ENT_XML1 | ENT_QUOTES)] = $f[2];
		}
	}
	if (preg_match('#<dir name="(?!/")#', $m[0])) {
		fail('package.xml uses nested <dir> entries; this script writes one flat <dir name="/"> list');
	}
	return [$listed, str_replace($m[0], render_contents($files), $text)];
}

/* Returns [listed libcore sources, new config.w32 text]. */
function config_w32(string $text, array $core): array
{
	$re = '#(ADD_SOURCES\(configure_module_dirname \+ "\\\\\\\\libcore", ")([^"]*)(")#';
	if (!preg_match($re, $text, $m)) {
		fail('config.w32 has no ADD_SOURCES(configure_module_dirname + "\\\\libcore", "...") line');
	}
	$listed = preg_split('/\s+/', trim($m[2]), -1, PREG_SPLIT_NO_EMPTY);
	$new = preg_replace($re, '${1}' . implode(' ', $core) . '${3}', $text, 1);
	return [$listed, $new];
}

$args = array_slice($argv, 1);
if (array_diff($args, ['--check', '--list'])) {
	fail('usage: php scripts/gen-package-contents.php [--check | --list]');
}
$check = in_array('--check', $args, true);
$list = in_array('--list', $args, true);
$root = dirname(__DIR__);

$files = [];
foreach (tree_files($root) as $path) {
	$role = role_of($path);
	if ($role !== null) {
		$files[$path] = $role;
	}
}
uksort($files, 'strcmp');
if ($list) {
	foreach (array_keys($files) as $path) {
		echo "$path\n";
	}
	exit(0);
}
$core = [];
foreach (array_keys($files) as $path) {
	if (preg_match('#^libcore/([^/]+\.c)$#', $path, $m)) {
		$core[] = $m[1];
	}
}

$status = 0;
$pkg_path = "$root/package.xml";
$pkg = file_get_contents($pkg_path);
if ($pkg === false) {
	fail('cannot read package.xml');
}
[$listed, $pkg_new] = package_xml($pkg, $files);
$missing = array_diff_key($files, $listed);
$extra = array_diff_key($listed, $files);
$wrong_role = [];
foreach (array_intersect_key($listed, $files) as $path => $role) {
	if ($files[$path] !== $role) {
		$wrong_role[] = "$path (role $role, expected {$files[$path]})";
	}
}
/* At most 20 lines per kind: a fresh fixture tree is thousands of files. */
function report(array $lines): void
{
	foreach (array_slice($lines, 0, 20) as $l) {
		echo "$l\n";
	}
	if (count($lines) > 20) {
		echo '... and ' . (count($lines) - 20) . " more like it\n";
	}
}
report(array_map(fn($p) => "package.xml: missing $p", array_keys($missing)));
report(array_map(fn($p) => file_exists("$root/$p") ? "package.xml: lists $p, which is not part of the package"
	: "package.xml: lists $p, which does not exist", array_keys($extra)));
report(array_map(fn($p) => "package.xml: wrong role for $p", $wrong_role));
if ($pkg_new !== $pkg) {
	if ($check) {
		if (!$missing && !$extra && !$wrong_role) {
			echo "package.xml: <contents> is not in the generated order or layout\n";
		}
		$status = 1;
	} elseif (file_put_contents($pkg_path, $pkg_new) === false) {
		fail('cannot write package.xml');
	} else {
		echo 'package.xml: <contents> rewritten, ' . count($files) . " files\n";
	}
}

$w32_path = "$root/config.w32";
$w32 = file_get_contents($w32_path);
if ($w32 === false) {
	fail('cannot read config.w32');
}
[$w32_listed, $w32_new] = config_w32($w32, $core);
foreach (array_diff($core, $w32_listed) as $c) {
	echo "config.w32: libcore/$c missing from ADD_SOURCES\n";
}
foreach (array_diff($w32_listed, $core) as $c) {
	echo "config.w32: ADD_SOURCES lists libcore/$c, which does not exist\n";
}
if ($w32_new !== $w32) {
	if ($check) {
		$status = 1;
	} elseif (file_put_contents($w32_path, $w32_new) === false) {
		fail('cannot write config.w32');
	} else {
		echo "config.w32: libcore list rewritten, " . count($core) . " files\n";
	}
}

if ($check && $status) {
	echo "gen-package-contents: out of date; run: php scripts/gen-package-contents.php\n";
}
exit($status);
