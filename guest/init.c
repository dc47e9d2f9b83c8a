// SPDX-License-Identifier: GPL-2.0
/*
 * init for the test guests: mount the pseudo filesystems, read /etc/plan,
 * apply its settings, run its tests each under a timeout with its output on
 * the console, then reboot (QEMU runs with -no-reboot, so the guest exits).
 *
 * Plan lines (one directive each, '#' starts a comment):
 *   write PATH VALUE          write VALUE to PATH; failure fails the run
 *                             (reported as a failed test named "setup")
 *   try-write PATH VALUE      the same, failure only noted
 *   run NAME TIMEOUT ARGV...  run ARGV (ARGV[0] under /bin) for TIMEOUT s
 *   shell                     start /bin/sh on the console instead of rebooting
 *   kunit SUITE               for the host: the KUnit suite that must have
 *                             passed at boot (ignored here)
 *   memory SIZE               for the host: the guest's RAM (ignored here)
 *   xfail TEST CASE           for the host: a case of TEST that must fail
 *   noskip TEST               for the host: TEST may skip no case
 *
 * Results are reported as
 *   harness: begin NAME
 *   harness: end NAME result=pass|fail|skip|timeout exit=N secs=S
 * and read back by the host (scripts/console-verdict.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define KSFT_SKIP 4
#define MAX_ARGS 64

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/*
	 * A test killed mid-line leaves the console without a newline; the
	 * host only reads markers at the start of a line.
	 */
	fputs("\nharness: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
}

static void mount_fs(const char *src, const char *dir, const char *type,
		     const char *opts)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, opts) && errno != EBUSY)
		say("mount %s on %s: %s", type, dir, strerror(errno));
}

static void setup_console(void)
{
	int fd = open("/dev/console", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_test(const char *name, int timeout, char **argv)
{
	char path[256];
	double start = now(), secs;
	const char *result;
	int status = 0, code = -1;
	pid_t pid, r;

	snprintf(path, sizeof(path), "%s%s", argv[0][0] == '/' ? "" : "/bin/",
		 argv[0]);
	say("begin %s", name);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		if (chdir("/tmp"))
			_exit(127);
		execv(path, argv);
		printf("exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		say("end %s result=fail exit=-1 secs=0 (fork: %s)", name,
		    strerror(errno));
		return;
	}
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (now() - start > timeout) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			say("end %s result=timeout exit=-1 secs=%d", name,
			    timeout);
			return;
		}
		usleep(20000);
	}
	/* Reap orphans the test left behind, and stop its process group. */
	kill(-pid, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	secs = now() - start;
	if (WIFEXITED(status)) {
		code = WEXITSTATUS(status);
		result = code == 0 ? "pass" : code == KSFT_SKIP ? "skip" : "fail";
		say("end %s result=%s exit=%d secs=%.1f", name, result, code,
		    secs);
	} else {
		say("end %s result=fail exit=-1 secs=%.1f (signal %d)", name,
		    secs, WTERMSIG(status));
	}
}

static int split(char *line, char **argv, int max)
{
	int n = 0;
	char *tok;

	for (tok = strtok(line, " \t\n"); tok && n < max - 1;
	     tok = strtok(NULL, " \t\n"))
		argv[n++] = tok;
	argv[n] = NULL;
	return n;
}

static void run_plan(FILE *plan)
{
	char line[1024], *argv[MAX_ARGS], *hash;
	int argc, shell = 0;

	while (fgets(line, sizeof(line), plan)) {
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		argc = split(line, argv, MAX_ARGS);
		if (argc == 0)
			continue;
		if ((!strcmp(argv[0], "write") || !strcmp(argv[0], "try-write")) &&
		    argc == 3) {
			if (!write_file(argv[1], argv[2]))
				continue;
			say("%s %s %s: %s", argv[0], argv[1], argv[2],
			    strerror(errno));
			if (!strcmp(argv[0], "write"))
				say("end setup result=fail exit=-1 secs=0");
		} else if (!strcmp(argv[0], "run") && argc >= 4) {
			run_test(argv[1], atoi(argv[2]), argv + 3);
		} else if (!strcmp(argv[0], "shell")) {
			shell = 1;
		} else if (!strcmp(argv[0], "kunit") ||
			   !strcmp(argv[0], "memory") ||
			   !strcmp(argv[0], "xfail") ||
			   !strcmp(argv[0], "noskip")) {
			continue;	/* read by the host's scripts */
		} else {
			say("bad plan line starting '%s'", argv[0]);
			say("end setup result=fail exit=-1 secs=0");
		}
	}
	if (shell) {
		/* busybox: a session with the console as controlling tty */
		char *sh[] = { "setsid", "-c", "/bin/sh", NULL };
		pid_t pid = fork();

		if (pid == 0) {
			execv("/bin/setsid", sh);
			_exit(127);
		}
		while (waitpid(pid, NULL, 0) != pid)
			;
	}
}

int main(void)
{
	FILE *plan;

	mount_fs("devtmpfs", "/dev", "devtmpfs", NULL);
	setup_console();
	mount_fs("proc", "/proc", "proc", NULL);
	mount_fs("sysfs", "/sys", "sysfs", NULL);
	mount_fs("tmpfs", "/tmp", "tmpfs", "mode=1777");
	mount_fs("tmpfs", "/dev/shm", "tmpfs", "mode=1777");
	mount_fs("hugetlbfs", "/mnt/huge", "hugetlbfs", NULL);
	mount_fs("debugfs", "/sys/kernel/debug", "debugfs", NULL);
	setenv("PATH", "/bin", 1);
	setenv("HOME", "/tmp", 1);

	plan = fopen("/etc/plan", "r");
	if (!plan) {
		say("no /etc/plan: %s", strerror(errno));
	} else {
		say("start");
		run_plan(plan);
		fclose(plan);
	}
	say("done");
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
