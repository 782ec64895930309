/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime_api.c - container metadata from the Docker Engine API (and
 * Podman's Docker-compatible API) over their unix sockets, with libcurl.
 * See runtime.h.
 *
 * Behaviour as upstream's docker engine (container_engine/docker/
 * connection_linux.cpp, async_source.cpp): GET /containers/<id>/json on a
 * versioned path, unversioned when the daemon answers 400; the image's
 * RepoTags/RepoDigests when the tag or digest is missing; the network
 * owner's address for NetworkMode container:<id>.
 *
 * One curl easy handle per lookup (its requests reuse the connection); no
 * curl multi handle, no shared state. Every answer is read into a buffer
 * capped at max_bytes (the write callback stops the transfer past it, and
 * curl refuses a bigger Content-Length up front); the whole lookup shares
 * one deadline, each request getting what is left of it as its connect and
 * total timeout.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "container.h"
#include "runtime_int.h"

/* The Docker API version asked first: Docker 20.10's (Podman's compat API
 * serves it too); newer daemons refusing it get the unversioned path. */
#define RT_API_VERSION "/v1.41"

struct http {
	CURL *h;
	const char *sock;
	const char *ver; /* RT_API_VERSION, or "" after a 400 */
	char *buf;
	size_t len, cap, max;
	bool too_big;
	uint64_t deadline_ns; /* CLOCK_MONOTONIC */
	uint32_t timeout_ms;
	char curl_err[CURL_ERROR_SIZE];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static size_t on_data(char *p, size_t sz, size_t nm, void *ud)
{
	struct http *h = ud;
	size_t n = sz * nm;

	if (n > h->max - h->len) {
		h->too_big = true;
		return 0; /* stops the transfer: CURLE_WRITE_ERROR */
	}
	if (h->len + n + 1 > h->cap) {
		size_t nc = h->cap ? h->cap : 16384;
		char *nb;
		while (nc < h->len + n + 1)
			nc *= 2;
		if (nc > h->max + 1)
			nc = h->max + 1;
		nb = realloc(h->buf, nc);
		if (!nb)
			return 0;
		h->buf = nb;
		h->cap = nc;
	}
	memcpy(h->buf + h->len, p, n);
	h->len += n;
	h->buf[h->len] = '\0';
	return n;
}

static int http_init(struct http *h, const char *sock, size_t max, uint32_t timeout_ms, char *why, size_t whylen)
{
	memset(h, 0, sizeof(*h));
	h->sock = sock;
	h->ver = RT_API_VERSION;
	h->max = max;
	h->timeout_ms = timeout_ms;
	h->deadline_ns = now_ns() + (uint64_t)timeout_ms * 1000000u;
	h->h = curl_easy_init();
	if (!h->h)
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "curl_easy_init failed (out of memory?)");
	if (curl_easy_setopt(h->h, CURLOPT_UNIX_SOCKET_PATH, sock) != CURLE_OK ||
	    curl_easy_setopt(h->h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h->h, CURLOPT_HTTPGET, 1L) != CURLE_OK ||
	    curl_easy_setopt(h->h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(h->h, CURLOPT_PROXY, "") != CURLE_OK ||
	    curl_easy_setopt(h->h, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
	    curl_easy_setopt(h->h, CURLOPT_WRITEDATA, h) != CURLE_OK ||
	    curl_easy_setopt(h->h, CURLOPT_ERRORBUFFER, h->curl_err) != CURLE_OK ||
	    curl_easy_setopt(h->h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max) != CURLE_OK ||
	    curl_easy_setopt(h->h, CURLOPT_PROTOCOLS_STR, "http") != CURLE_OK) {
		curl_easy_cleanup(h->h);
		h->h = NULL;
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "curl setup failed");
	}
	return SINSP_RT_OK;
}

static void http_free(struct http *h)
{
	if (h->h)
		curl_easy_cleanup(h->h);
	free(h->buf);
	memset(h, 0, sizeof(*h));
}

/*
 * GET path (after the version prefix when ver). SINSP_RT_OK with *status and
 * the body in h->buf[0, h->len); otherwise the transport failure:
 * SINSP_RT_UNAVAILABLE when nothing listens on the socket, SINSP_RT_ERROR
 * (permission, timeout, too big, truncated, ...).
 */
static int http_get(struct http *h, const char *path, bool ver, long *status, char *why, size_t whylen)
{
	char url[512];
	uint64_t now = now_ns();
	long left_ms, os_errno = 0;
	CURLcode rc;

	*status = 0;
	h->len = 0;
	h->too_big = false;
	h->curl_err[0] = '\0';
	if (h->buf)
		h->buf[0] = '\0';
	if (now >= h->deadline_ns)
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: no answer within %u ms (timeout)", h->sock,
				    h->timeout_ms);
	left_ms = (long)((h->deadline_ns - now + 999999u) / 1000000u);
	if ((size_t)snprintf(url, sizeof(url), "http://localhost%s%s", ver ? h->ver : "", path) >= sizeof(url))
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "request path too long");
	if (curl_easy_setopt(h->h, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h->h, CURLOPT_TIMEOUT_MS, left_ms) != CURLE_OK ||
	    curl_easy_setopt(h->h, CURLOPT_CONNECTTIMEOUT_MS, left_ms) != CURLE_OK)
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "curl setup failed");
	rc = curl_easy_perform(h->h);
	curl_easy_getinfo(h->h, CURLINFO_OS_ERRNO, &os_errno);
	switch (rc) {
	case CURLE_OK: break;
	case CURLE_COULDNT_CONNECT:
		if (os_errno == ECONNREFUSED || os_errno == ENOENT)
			return sinsp_rt_why(why, whylen, SINSP_RT_UNAVAILABLE, "%s: nothing listening (%s)", h->sock,
					    RT_ERRSTR(os_errno));
		if (os_errno == EACCES || os_errno == EPERM)
			return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: permission denied", h->sock);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: cannot connect: %s", h->sock,
				    os_errno ? RT_ERRSTR(os_errno) : curl_easy_strerror(rc));
	case CURLE_OPERATION_TIMEDOUT:
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: no answer within %u ms (timeout) to GET %s",
				    h->sock, h->timeout_ms, url + strlen("http://localhost"));
	case CURLE_FILESIZE_EXCEEDED:
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: answer too big (over %zu bytes)", h->sock,
				    h->max);
	case CURLE_WRITE_ERROR:
		if (h->too_big)
			return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: answer too big (over %zu bytes)", h->sock,
					    h->max);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: out of memory reading the answer", h->sock);
	case CURLE_PARTIAL_FILE:
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: truncated answer (%zu bytes received)", h->sock,
				    h->len);
	default:
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: %s%s%s", h->sock, curl_easy_strerror(rc),
				    h->curl_err[0] ? ": " : "", h->curl_err);
	}
	curl_easy_getinfo(h->h, CURLINFO_RESPONSE_CODE, status);
	return SINSP_RT_OK;
}

/* The daemon's error message ({"message": "..."}) of the last answer, into
 * msg ("" when none). */
static void answer_message(const struct http *h, char *msg, size_t msglen)
{
	struct sinsp_json_doc *d = NULL;

	msg[0] = '\0';
	if (h->len && sinsp_json_parse(h->buf, h->len, 64, 4, &d, NULL, 0) == 0) {
		sinsp_json_str(d, sinsp_json_get(d, 0, "message"), msg, msglen);
		sinsp_json_free(d);
	}
}

/* GET and parse a JSON answer of status 200. Other statuses: *status set,
 * SINSP_RT_NOTFOUND for 404, SINSP_RT_ERROR otherwise (400 included: the
 * caller decides). */
static int get_json(struct http *h, const char *path, long *status, struct sinsp_json_doc **d, char *why, size_t whylen)
{
	char err[128], msg[160];
	int rc = http_get(h, path, true, status, why, whylen);

	*d = NULL;
	if (rc != SINSP_RT_OK)
		return rc;
	if (*status == 400 && h->ver[0]) {
		/* API version refused: the daemon's own */
		h->ver = "";
		rc = http_get(h, path, true, status, why, whylen);
		if (rc != SINSP_RT_OK)
			return rc;
	}
	if (*status != 200) {
		answer_message(h, msg, sizeof(msg));
		return sinsp_rt_why(why, whylen, *status == 404 ? SINSP_RT_NOTFOUND : SINSP_RT_ERROR,
				    "%s: HTTP %ld for GET %s%s%s%s", h->sock, *status, h->ver, path, msg[0] ? ": " : "",
				    msg);
	}
	if (sinsp_json_parse(h->buf, h->len, RT_JSON_MAX_TOKENS, RT_JSON_MAX_DEPTH, d, err, sizeof(err)))
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: GET %s%s: answer is not JSON: %s (%zu bytes)",
				    h->sock, h->ver, path, err, h->len);
	return SINSP_RT_OK;
}

/* The image facts upstream asks for (failures leave the fields as they
 * are, as upstream). */
static void fetch_image(struct http *h, struct sinsp_rt_info *ci)
{
	char path[256];
	long status;
	struct sinsp_json_doc *d = NULL;

	if (ci->image_need == RT_IMAGE_BY_ID) {
		if (!ci->imageid || !sinsp_rt_id_ok(ci->imageid))
			return;
		snprintf(path, sizeof(path), "/images/%s/json?digests=1", ci->imageid);
		if (get_json(h, path, &status, &d, NULL, 0) == SINSP_RT_OK)
			sinsp_rt_docker_image_json(ci, d, 0);
	} else if (ci->image_need == RT_IMAGE_BY_LIST) {
		/* podman: some versions answer nothing to ?digests=1 */
		if (get_json(h, "/images/json?digests=1", &status, &d, NULL, 0) != SINSP_RT_OK &&
		    get_json(h, "/images/json", &status, &d, NULL, 0) != SINSP_RT_OK)
			return;
		sinsp_rt_docker_image_list(ci, d, 0);
	}
	sinsp_json_free(d);
}

/* NetworkMode container:<id>: that container's address. */
static void fetch_net_owner(struct http *h, struct sinsp_rt_info *ci)
{
	char path[RT_ID_MAX + 32], ip[64];
	long status;
	struct sinsp_json_doc *d = NULL;

	if (!ci->net_container || !sinsp_rt_id_ok(ci->net_container))
		return;
	snprintf(path, sizeof(path), "/containers/%s/json", ci->net_container);
	if (get_json(h, path, &status, &d, NULL, 0) != SINSP_RT_OK)
		return;
	sinsp_json_str(d, sinsp_json_getv(d, 0, "NetworkSettings", "IPAddress", NULL), ip, sizeof(ip));
	ci->ip = sinsp_rt_ipv4(ip);
	sinsp_json_free(d);
}

static bool curl_threadsafe(void)
{
#ifdef CURL_VERSION_THREADSAFE
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	return v && (v->features & CURL_VERSION_THREADSAFE);
#else
	return false;
#endif
}

int sinsp_runtime_api_lookup(const struct sinsp_runtime_cfg *cfg, const char *full_id, uint32_t type, char **json,
			     size_t *len, char *why, size_t whylen)
{
	const char *sock, *tname = sinsp_container_type_name(type);
	struct stat st;
	struct http h;
	struct sinsp_json_doc *d = NULL;
	struct sinsp_rt_info *ci;
	char path[RT_ID_MAX + 32];
	long status;
	int rc;

	if ((rc = sinsp_rt_lookup_begin(cfg, full_id, json, len, why, whylen)) != SINSP_RT_OK)
		return rc;
	switch (type) {
	case SINSP_CT_DOCKER:
	case SINSP_CT_CRI: /* runtime unknown: cri-dockerd keeps them in Docker */ sock = cfg->docker_socket; break;
	case SINSP_CT_PODMAN: sock = cfg->podman_socket; break;
	default:
		return sinsp_rt_why(why, whylen, SINSP_RT_UNAVAILABLE, "no API source for %s containers",
				    tname ? tname : "unknown");
	}
	if (!sock || !sock[0])
		return sinsp_rt_why(why, whylen, SINSP_RT_UNAVAILABLE, "%s API off (no socket configured)",
				    type == SINSP_CT_PODMAN ? "podman" : "docker");
	if (stat(sock, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return sinsp_rt_why(why, whylen, SINSP_RT_UNAVAILABLE, "%s: no such socket", sock);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: %s", sock, RT_ERRSTR(errno));
	}
	if (!S_ISSOCK(st.st_mode))
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: not a socket", sock);
	if (!curl_threadsafe())
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR,
				    "libcurl %s has no thread-safe initialisation (7.84 or later needed)",
				    curl_version_info(CURLVERSION_NOW)->version);

	rc = http_init(&h, sock, sinsp_rt_max_bytes(cfg), sinsp_rt_timeout_ms(cfg), why, whylen);
	if (rc != SINSP_RT_OK)
		return rc;
	snprintf(path, sizeof(path), "/containers/%s/json", full_id);
	rc = get_json(&h, path, &status, &d, why, whylen);
	if (rc != SINSP_RT_OK) {
		http_free(&h);
		return rc;
	}
	if (sinsp_json_type(d, 0) != SINSP_JSON_OBJECT) {
		sinsp_json_free(d);
		http_free(&h);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: GET %s: answer is not a JSON object", sock, path);
	}
	ci = malloc(sizeof(*ci));
	if (!ci) {
		sinsp_json_free(d);
		http_free(&h);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "out of memory");
	}
	sinsp_rt_info_init(ci, type == SINSP_CT_CRI ? SINSP_CT_DOCKER : type, sinsp_rt_label_max(cfg));
	sinsp_rt_docker_fill(ci, d, 0, NULL, -1, false, NULL);
	sinsp_json_free(d); /* its text is h.buf, reused below */
	if (!ci->full_id || !ci->full_id[0])
		sinsp_rt_set(ci, &ci->full_id, full_id);
	if (type == SINSP_CT_PODMAN)
		sinsp_rt_label_del(ci, "podman_owner_uid"); /* the root socket: uid 0 */
	if (!ci->oom) {
		fetch_image(&h, ci);
		sinsp_rt_docker_finish(ci);
		fetch_net_owner(&h, ci);
	}
	http_free(&h);
	rc = sinsp_rt_info_to_json(ci, json, len, why, whylen);
	sinsp_rt_info_free(ci);
	free(ci);
	if (rc == SINSP_RT_OK && why && whylen)
		why[0] = '\0';
	return rc;
}
