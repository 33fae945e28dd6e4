/*
 * rtt_idle.c: what one MariaDB round trip costs when the server thread was
 * idle before it, against back to back (figures, never pass/fail).
 *
 *   cc -O2 -o var/bench-bin/rtt_idle bench/rtt_idle.c $(mariadb_config --cflags --libs)
 *   var/bench-bin/rtt_idle SOCKET [USER PASSWORD DATABASE]
 *
 * For each gap (0, 200, 500, 1500 us of client CPU before the call, as a
 * crypt before a login's next statement or the mkdirs of an add), 301 calls
 * of a prepared "SELECT ?" (no table, nothing for the server to do), each
 * timed alone, with the client blocking in poll() and with it polling the
 * socket for up to 300 us first.  The medians and p90 in us.  On a VM whose
 * idle vCPUs halt (haltpoll guest_halt_poll_ns=0 here), the server's wake-up
 * is most of what a statement after a pause costs.
 */
#include <mysql.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static void burn(double us)
{
	double end = now_us() + us;
	while (now_us() < end)
		;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

#define CALLS 301

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 5) {
		fprintf(stderr, "usage: rtt_idle SOCKET [USER PASSWORD DATABASE]\n");
		return 2;
	}
	const char *user = argc == 5 ? argv[2] : "vpopmailuser";
	const char *pass = argc == 5 ? argv[3] : "vpoppasswd";
	const char *db = argc == 5 ? argv[4] : "vpopmail";
	MYSQL *m = mysql_init(NULL);
	mysql_options(m, MYSQL_OPT_NONBLOCK, 0);
	if (!mysql_real_connect(m, "localhost", user, pass, db, 0, argv[1], 0)) {
		fprintf(stderr, "rtt_idle: %s\n", mysql_error(m));
		return 1;
	}
	MYSQL_STMT *s = mysql_stmt_init(m);
	const char *q = "SELECT ?";
	if (!s || mysql_stmt_prepare(s, q, strlen(q)) != 0) {
		fprintf(stderr, "rtt_idle: prepare failed\n");
		return 1;
	}
	long long v = 1;
	MYSQL_BIND b;
	memset(&b, 0, sizeof b);
	b.buffer_type = MYSQL_TYPE_LONGLONG;
	b.buffer = &v;
	mysql_stmt_bind_param(s, &b);
	const double gaps[] = { 0, 200, 500, 1500 };
	printf("| gap before (us) | blocking: median | p90 | polling 300 us first: median | p90 |\n");
	printf("|---:|---:|---:|---:|---:|\n");
	for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
		double med[2], p90[2];
		for (int spin = 0; spin < 2; spin++) {
			double t[CALLS];
			for (int i = 0; i < CALLS; i++) {
				burn(gaps[g]);
				double a = now_us();
				int ret = 0, wait = mysql_stmt_execute_start(&ret, s);
				while (wait) {
					struct pollfd p = { mysql_get_socket(m), POLLIN, 0 };
					int r = 0;
					if (spin) {
						double end = now_us() + 300;
						while ((r = poll(&p, 1, 0)) == 0 && now_us() < end)
							;
					}
					if (r == 0)
						poll(&p, 1, 5000);
					wait = mysql_stmt_execute_cont(&ret, s, MYSQL_WAIT_READ);
				}
				if (ret != 0) {
					fprintf(stderr, "rtt_idle: %s\n", mysql_stmt_error(s));
					return 1;
				}
				mysql_stmt_store_result(s);
				mysql_stmt_free_result(s);
				t[i] = now_us() - a;
			}
			qsort(t, CALLS, sizeof t[0], cmp);
			med[spin] = t[CALLS / 2];
			p90[spin] = t[CALLS * 9 / 10];
		}
		printf("| %.0f | %.1f | %.1f | %.1f | %.1f |\n", gaps[g], med[0], p90[0], med[1], p90[1]);
	}
	mysql_stmt_close(s);
	mysql_close(m);
	return 0;
}
