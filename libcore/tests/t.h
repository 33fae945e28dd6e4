/* t.h: a minimal test harness for libcore's C tests.
 * Each test file defines its tests with TEST(name) and lists them in main
 * via RUN(name); the summary line is the plain "N passed, N failed". */
#ifndef VP_T_H
#define VP_T_H
#include <stdio.h>
#include <string.h>

static int t_failed_checks;
static int t_passed, t_failed;

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
	t_failed_checks++; } } while (0)
#define CHECK_EQ_INT(a, b) do { long long t_a_ = (long long)(a), t_b_ = (long long)(b); \
	if (t_a_ != t_b_) { fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n", \
	__FILE__, __LINE__, #a, t_a_, t_b_); t_failed_checks++; } } while (0)
#define CHECK_EQ_STR(a, b) do { const char *t_a_ = (a), *t_b_ = (b); \
	if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0) { fprintf(stderr, \
	"  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
	t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)"); t_failed_checks++; } } while (0)

#define TEST(name) static void name(void)
#define RUN(name) do { int t_before_ = t_failed_checks; name(); \
	if (t_failed_checks == t_before_) { t_passed++; } \
	else { t_failed++; fprintf(stderr, "FAIL %s\n", #name); } } while (0)
#define T_SUMMARY() (printf("%d passed, %d failed\n", t_passed, t_failed), t_failed ? 1 : 0)
#endif
