// SPDX-License-Identifier: GPL-2.0
/*
 * A client's counters, for people and for tests:
 * - --stats FILE: one line per client and event ("end" when it goes,
 *   "snapshot" on SIGUSR1), the test server's fields first (so a test
 *   reads either server the same way), then rcand serve's own;
 * - the status socket: `rcand list` on the server connects to it and
 *   gets one JSON object with every client.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "serve.h"

static const char *const mode_names[] = {
	[SERVE_NO_BUS] = "no-bus", [SERVE_BCM] = "bcm",
	[SERVE_RAW] = "raw",	   [SERVE_CONTROL] = "control",
	[SERVE_ISOTP] = "isotp",   [SERVE_CLOSING] = "closing",
};

static const char *bus_name(const struct serve *s, const struct serve_client *c)
{
	return c->bus >= 0 ? s->cfg.buses[c->bus] : "-";
}

void serve_stats_write(struct serve *s, struct serve_client *c,
		       const char *event)
{
	const struct serve_counters *n = &c->n;
	char line[640];
	int fd, len;

	if (!s->cfg.stats_file)
		return;
	len = snprintf(
		line, sizeof(line),
		"session=%lu event=%s frames_to_client=%llu sends_received=%llu "
		"sends_written=%llu echoes=%llu malformed=%llu bytes_in=%llu "
		"bytes_out=%llu can_drops=%llu end=%s bus=%s can_rcvbuf=%d "
		"slow_drops=%llu enobufs_waits=%llu tx_refused=%llu mode=%s\n",
		c->id, event, (unsigned long long)n->frames_to_client,
		(unsigned long long)n->sends_received,
		(unsigned long long)n->sends_written,
		(unsigned long long)n->echoes, (unsigned long long)n->malformed,
		(unsigned long long)n->bytes_in,
		(unsigned long long)n->bytes_out,
		(unsigned long long)n->can_drops,
		c->end_reason ? c->end_reason : "-", bus_name(s, c), c->rcvbuf,
		(unsigned long long)n->slow_drops,
		(unsigned long long)n->enobufs_waits,
		(unsigned long long)n->tx_refused, mode_names[c->mode]);
	/* O_APPEND, one write a line: lines never interleave */
	fd = open(s->cfg.stats_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)len) != len)
		log_debug("serve: short write to %s", s->cfg.stats_file);
	close(fd);
}

void serve_stats_all(struct serve *s, const char *event)
{
	struct serve_client *c;

	for (c = s->clients; c; c = c->next)
		serve_stats_write(s, c, event);
}

int serve_status_open(struct serve *s)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.ptr = &s->ep_status };
	int fd;

	s->status_fd = -1;
	if (!s->cfg.status_path || !*s->cfg.status_path)
		return 0;
	if (strlen(s->cfg.status_path) >= sizeof(a.sun_path))
		return -1;
	strcpy(a.sun_path, s->cfg.status_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(a.sun_path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 4) < 0) {
		log_warn("serve: status socket %s: %s", a.sun_path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	chmod(a.sun_path, 0660);
	s->ep_status.kind = SERVE_EP_STATUS;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return -1;
	}
	s->status_fd = fd;
	return 0;
}

/* One client as a line of text into f. */
static void client_text(FILE *f, const struct serve *s,
			const struct serve_client *c)
{
	const struct serve_counters *n = &c->n;

	fprintf(f,
		"  %lu %s %s %s%s frames_to_client %llu sends_written %llu "
		"echoes %llu malformed %llu can_drops %llu slow_drops %llu "
		"enobufs_waits %llu tx_refused %llu queued %zu\n",
		c->id, c->peer, bus_name(s, c), mode_names[c->mode],
		c->can_fd_on ? " fd" : "",
		(unsigned long long)n->frames_to_client,
		(unsigned long long)n->sends_written,
		(unsigned long long)n->echoes, (unsigned long long)n->malformed,
		(unsigned long long)n->can_drops,
		(unsigned long long)n->slow_drops,
		(unsigned long long)n->enobufs_waits,
		(unsigned long long)n->tx_refused, c->outlen);
}

/* One client as JSON into f. */
static void client_json(FILE *f, const struct serve *s,
			const struct serve_client *c, int first)
{
	const struct serve_counters *n = &c->n;

	fprintf(f,
		"%s\n    {\"id\": %lu, \"peer\": \"%s\", \"bus\": \"%s\", \"mode\": \"%s\", "
		"\"fd\": %s, \"frames_to_client\": %llu, \"sends_received\": %llu, "
		"\"sends_written\": %llu, \"echoes\": %llu, \"malformed\": %llu, "
		"\"bytes_in\": %llu, \"bytes_out\": %llu, \"can_drops\": %llu, "
		"\"slow_drops\": %llu, \"enobufs_waits\": %llu, \"tx_refused\": %llu, "
		"\"queued\": %zu, \"can_rcvbuf\": %d}",
		first ? "" : ",", c->id, c->peer, bus_name(s, c),
		mode_names[c->mode], c->can_fd_on ? "true" : "false",
		(unsigned long long)n->frames_to_client,
		(unsigned long long)n->sends_received,
		(unsigned long long)n->sends_written,
		(unsigned long long)n->echoes, (unsigned long long)n->malformed,
		(unsigned long long)n->bytes_in,
		(unsigned long long)n->bytes_out,
		(unsigned long long)n->can_drops,
		(unsigned long long)n->slow_drops,
		(unsigned long long)n->enobufs_waits,
		(unsigned long long)n->tx_refused, c->outlen, c->rcvbuf);
}

void serve_status_answer(struct serve *s)
{
	struct timeval tv = { 0, 200000 };
	struct serve_client *c;
	char *text = NULL, req[16] = "";
	size_t len = 0;
	FILE *f;
	int fd = accept4(s->status_fd, NULL, NULL, SOCK_CLOEXEC), json;

	if (fd < 0)
		return;
	/* a peer that does not talk or read holds the loop 200 ms at most */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* the request: "json\n" or "text\n" */
	if (read(fd, req, sizeof(req) - 1) < 0)
		req[0] = '\0';
	json = !strncmp(req, "json", 4);
	f = open_memstream(&text, &len);
	if (f && json) {
		fprintf(f,
			"{\"port\": %u, \"clients\": %u, \"refused\": %llu, \"list\": [",
			s->cfg.port, s->nclients,
			(unsigned long long)s->refused_clients);
		for (c = s->clients; c; c = c->next)
			client_json(f, s, c, c == s->clients);
		fprintf(f, "\n]}\n");
	} else if (f) {
		fprintf(f, "rcand serve, port %u: %u client(s), %llu refused\n",
			s->cfg.port, s->nclients,
			(unsigned long long)s->refused_clients);
		for (c = s->clients; c; c = c->next)
			client_text(f, s, c);
	}
	if (f) {
		fclose(f);
		if (write(fd, text, len) != (ssize_t)len)
			log_debug("serve: status reader went away");
	}
	free(text);
	close(fd);
}
