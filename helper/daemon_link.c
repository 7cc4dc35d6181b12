// SPDX-License-Identifier: GPL-2.0
/*
 * The netdev of `rcand attach`: taken back (one we or a dead rcand made)
 * or created when the first session comes up, and detached or deleted
 * when rcand exits. The netdev outlives sessions; whether it outlives
 * rcand is --keep (default) or --remove.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon_internal.h"
#include "exitcode.h"
#include "log.h"

#define ATTACH_TRIES 20 /* an owner killed a moment ago may still hold it */
#define ATTACH_RETRY_US 100000

struct find_arg {
	const char *url;
	uint32_t ifindex;
};

static int find_by_remote(const struct rnl_link *l, void *arg)
{
	struct find_arg *fa = arg;

	if (!fa->ifindex && !l->attached && !strcmp(l->remote, fa->url))
		fa->ifindex = l->ifindex;
	return 0;
}

/* The netdev to take back: by name, or a detached one with our remote.
 * Returns 0 (*idx 0: none) or an exit code. */
static int find_existing(struct daemon *d, const char *name, uint32_t *idx)
{
	struct find_arg fa = { .url = d->url };
	int rc;

	*idx = 0;
	if (!strchr(name, '%')) {
		*idx = if_nametoindex(name);
		if (*idx && (rc = rnl_link_get(&d->nl, *idx, &d->link)) < 0) {
			fprintf(stderr,
				"rcand: %s exists and is not an rcan netdev (%s)\n",
				name, rnl_strerror(rc));
			return EXIT_FAIL;
		}
		return 0;
	}
	rc = rnl_link_dump(&d->nl, find_by_remote, &fa);
	if (rc < 0)
		return exit_report("listing rcan links", rc, d->nl.errmsg);
	*idx = fa.ifindex;
	return 0;
}

static int take_back(struct daemon *d, const char *name, uint32_t idx)
{
	int rc, tries;

	for (tries = 0; tries < ATTACH_TRIES; tries++) {
		rc = rnl_link_attach(&d->nl, idx, &d->link);
		if (rc != -EBUSY)
			break;
		usleep(ATTACH_RETRY_US);
	}
	if (rc == -EBUSY) {
		fprintf(stderr, "rcand: %s is in use by another rcand%s%s\n",
			d->link.ifname[0] ? d->link.ifname : name,
			d->nl.errmsg[0] ? ": " : "", d->nl.errmsg);
		return EXIT_FAIL;
	}
	if (rc < 0)
		return exit_report("attaching the netdev", rc, d->nl.errmsg);
	if (!d->link.ifindex)
		d->link.ifindex = idx;
	if (d->o->fd && !(d->link.flags & RCAN_LINK_F_FD))
		log_warn(
			"%s was created without --fd; it stays a classic CAN netdev",
			d->link.ifname);
	return 0;
}

static int create(struct daemon *d, const char *name)
{
	uint32_t flags = (d->o->fd ? RCAN_LINK_F_FD : 0) |
			 (d->o->remove ? RCAN_LINK_F_REMOVE_ON_DETACH : 0);
	int rc =
		rnl_link_new(&d->nl, name, flags, d->o->tx_window, 1, &d->link);

	if (rc < 0)
		return exit_report("creating the netdev", rc, d->nl.errmsg);
	return 0;
}

static int setup_link(struct daemon *d)
{
	const char *name = d->o->ifname ? d->o->ifname : "can%d";
	uint32_t idx;
	int rc = find_existing(d, name, &idx);

	if (rc)
		return rc;
	rc = idx ? take_back(d, name, idx) : create(d, name);
	if (rc)
		return rc;
	if (!d->link.ifname[0])
		if_indextoname(d->link.ifindex, d->link.ifname);
	snprintf(d->ifname, sizeof(d->ifname), "%s", d->link.ifname);
	bridge_set_link(&d->bridge, &d->link);
	log_info("%s %s (ifindex %u) for %s", idx ? "took back" : "created",
		 d->ifname, d->link.ifindex, d->url);
	return 0;
}

/*
 * Once: when the first session is up, or when the first attempt failed in
 * a way that will be retried. A bus the server refuses, or a host that
 * does not exist, leaves no netdev behind.
 */
int daemon_attach_link(struct daemon *d)
{
	int rc;

	if (d->bridge.ifindex)
		return 0;
	rc = setup_link(d);
	if (rc)
		return rc;
	rc = rnl_subscribe_events(&d->nl);
	if (rc < 0)
		log_warn("no rcan events (bitrate changes, deletion): %s",
			 rnl_strerror(rc));
	rc = rnl_setup_datapath(&d->nl, 8 << 20);
	if (rc < 0)
		log_warn("netlink socket setup: %s", rnl_strerror(rc));
	bridge_setup_window(&d->bridge);
	return 0;
}

void daemon_teardown(struct daemon *d, int code)
{
	uint32_t idx = d->bridge.ifindex;
	int rc;

	session_close_final(&d->session);
	if (!idx || d->link_gone || d->taken_over)
		return;
	bridge_fail_all(&d->bridge, ENOTCONN);
	/* --remove on a netdev made without the remove-on-detach flag
	 * (taken back): delete it; with the flag, detaching removes it. */
	if (d->o->remove && !(d->link.flags & RCAN_LINK_F_REMOVE_ON_DETACH)) {
		rc = rnl_link_del(&d->nl, idx);
		if (rc < 0)
			log_err("%s: deleting the netdev: %s", d->ifname,
				rnl_strerror(rc));
		else
			log_info("%s deleted", d->ifname);
		return;
	}
	rnl_link_set(&d->nl, idx, 0, NULL);
	rc = rnl_link_detach(&d->nl, idx);
	if (rc < 0)
		log_err("%s: detaching: %s", d->ifname, rnl_strerror(rc));
	else
		log_info("%s detached%s (exit %d)", d->ifname,
			 d->o->remove ? " and removed" : ", left in place",
			 code);
}
