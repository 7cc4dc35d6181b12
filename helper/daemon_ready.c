// SPDX-License-Identifier: GPL-2.0
/*
 * Telling the world that rcand is ready: the parent of a daemonized rcand
 * waits for the first session's outcome and exits with it, so `rcand
 * attach` in a script fails visibly on a refused bus; --ready-file is
 * written once the session is up.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon_internal.h"
#include "exitcode.h"
#include "log.h"

/* The parent: the child's exit code, and the netdev's name on success. */
static void wait_for_child(int fd, pid_t pid)
{
	char name[IF_NAMESIZE + 1];
	unsigned char code;
	ssize_t n;
	int status;

	if (read(fd, &code, 1) != 1) {
		waitpid(pid, &status, WNOHANG);
		exit(EXIT_FAIL);
	}
	n = read(fd, name, IF_NAMESIZE);
	if (code == 0 && n > 0) {
		name[n] = 0;
		printf("%s\n", name);
	}
	exit(code);
}

int daemon_fork(struct daemon *d)
{
	int p[2], fd;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		wait_for_child(p[0], pid);
	}
	close(p[0]);
	setsid();
	d->ready_fd = p[1];
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

void daemon_report_ready(struct daemon *d, int code)
{
	unsigned char c = (unsigned char)code;

	if (d->ready_reported)
		return;
	d->ready_reported = 1;
	if (d->ready_fd < 0)
		return;
	if (write(d->ready_fd, &c, 1) < 0 ||
	    write(d->ready_fd, d->ifname, strlen(d->ifname)) < 0)
		log_debug("ready pipe: %s", strerror(errno));
	close(d->ready_fd);
	d->ready_fd = -1;
	log_to_syslog();
}

void daemon_write_ready_file(const struct daemon *d)
{
	char tmp[4096];
	FILE *f;

	if (!d->o->ready_file)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->o->ready_file);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%s %u %s\n", d->ifname, d->bridge.ifindex, d->url);
	fclose(f);
	rename(tmp, d->o->ready_file);
}
