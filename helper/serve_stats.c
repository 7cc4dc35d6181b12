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
		"slow_drops=%llu enobufs_waits=%llu tx_refused=%llu mode=%s "
		"pdu_truncated=%llu\n",
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
		(unsigned long long)n->tx_refused, mode_names[c->mode],
		(unsigned long long)n->pdu_truncated);
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
	s->status_peer = -1;
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
		"\"queued\": %zu, \"can_rcvbuf\": %d, \"pdu_truncated\": %llu}",
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
		(unsigned long long)n->tx_refused, c->outlen, c->rcvbuf,
		(unsigned long long)n->pdu_truncated);
}

/* The status text (or JSON) to fd, without waiting: a reader that does
 * not take it all at once gets what fits. */
static void answer(struct serve *s, int fd, const char *req)
{
	struct serve_client *c;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int json = !strncmp(req, "json", 4);

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
		if (send(fd, text, len, MSG_DONTWAIT | MSG_NOSIGNAL) !=
		    (ssize_t)len)
			log_debug("serve: status reader did not take it");
	}
	free(text);
	close(fd);
}

/* The waiting reader's request came (or its time is up: text). */
static void answer_waiting(struct serve *s)
{
	char req[16] = "";

	if (s->status_peer < 0)
		return;
	if (recv(s->status_peer, req, sizeof(req) - 1, MSG_DONTWAIT) < 0)
		req[0] = '\0';
	answer(s, s->status_peer, req); /* closing it leaves epoll too */
	s->status_peer = -1;
	s->status_peer_at = 0;
}

/* A reader of the status socket: answered when its request ("json\n" or
 * "text\n") is there, else it waits in the loop (one at a time) for
 * SERVE_STATUS_WAIT_NS; nothing here blocks the loop. */
void serve_status_answer(struct serve *s)
{
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.ptr = &s->ep_status_peer };
	char req[16] = "";
	int fd =
		accept4(s->status_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	answer_waiting(s); /* a newer reader: the one before gets text */
	if (recv(fd, req, sizeof(req) - 1, MSG_DONTWAIT) > 0 ||
	    errno != EAGAIN) {
		answer(s, fd, req);
		return;
	}
	s->ep_status_peer.kind = SERVE_EP_STATUS_PEER;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		answer(s, fd, "");
		return;
	}
	s->status_peer = fd;
	s->status_peer_at = serve_now() + SERVE_STATUS_WAIT_NS;
}

void serve_status_readable(struct serve *s)
{
	answer_waiting(s);
}

void serve_status_tick(struct serve *s, uint64_t now)
{
	if (s->status_peer >= 0 && now >= s->status_peer_at)
		answer_waiting(s);
}
