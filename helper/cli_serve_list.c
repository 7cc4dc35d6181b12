// SPDX-License-Identifier: GPL-2.0
/*
 * rcand list --serve: the clients of the rcand serve running on this box,
 * asked on its status socket (serve_stats.c). No rcan.ko is needed: the
 * server end has none. Without a path, every /run/rcan/serve-*.sock.
 */
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "exitcode.h"

static int ask(const char *path, int json)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    write(fd, json ? "json\n" : "text\n", 5) != 5) {
		fprintf(stderr, "rcand: %s: %m\n", path);
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}

int cli_serve_list(const char *path, int json)
{
	glob_t g;
	size_t i;
	int rc = 0;

	if (path)
		return ask(path, json) ? EXIT_FAIL : EXIT_OK;
	if (glob("/run/rcan/serve-*.sock", 0, NULL, &g) != 0) {
		fprintf(stderr, "rcand: no rcand serve runs here\n");
		return EXIT_FAIL;
	}
	for (i = 0; i < g.gl_pathc; i++)
		rc |= ask(g.gl_pathv[i], json);
	globfree(&g);
	return rc ? EXIT_FAIL : EXIT_OK;
}
