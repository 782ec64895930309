/* SPDX-License-Identifier: Apache-2.0 */
/* Core of libscap: handle lifecycle, dispatch to the engine, errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scap_int.h"

SCAP_EXPORT const char *scap_version(void)
{
	return SCAP_VERSION;
}

int scap_seterr(scap_t *h, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
	h->last_err = code;
	return code;
}

void scap_log(scap_t *h, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!h->opts.log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	h->opts.log_fn(level, msg, h->opts.log_ctx);
}

SCAP_EXPORT const char *scap_strerror(int code)
{
	switch (code) {
	case SCAP_OK: return "success";
	case SCAP_EOF: return "end of capture";
	case SCAP_TIMEOUT: return "timeout";
	case SCAP_ERR_GENERIC: return "error";
	case SCAP_ERR_INVAL: return "invalid argument";
	case SCAP_ERR_NOMEM: return "out of memory";
	case SCAP_ERR_IO: return "I/O error";
	case SCAP_ERR_FORMAT: return "malformed capture";
	case SCAP_ERR_NOTSUP: return "not supported";
	case SCAP_ERR_NOENGINE: return "unknown engine";
	default: return "unknown status";
	}
}

static void set_errbuf(char *errbuf, int *errp, int code, const char *msg)
{
	if (errbuf)
		snprintf(errbuf, SCAP_ERRBUF_SIZE, "%s", msg);
	if (errp)
		*errp = code;
}

SCAP_EXPORT scap_t *scap_open_err(const struct scap_open_opts *opts, char *errbuf, int *errp)
{
	const struct scap_engine_ops *ops;
	const char *engine;
	scap_t *h;
	int rc;

	if (!opts || opts->sz < offsetof(struct scap_open_opts, engine) + sizeof(opts->engine)) {
		set_errbuf(errbuf, errp, SCAP_ERR_INVAL, "scap_open: opts is NULL or opts->sz is too small");
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		set_errbuf(errbuf, errp, SCAP_ERR_NOMEM, "scap_open: out of memory");
		return NULL;
	}
	/* Copy what the caller has; fields it does not know stay zero. */
	memcpy(&h->opts, opts, opts->sz < sizeof(h->opts) ? opts->sz : sizeof(h->opts));
	h->opts.sz = sizeof(h->opts);
	engine = h->opts.engine ? h->opts.engine : "savefile";
	ops = scap_engine_lookup(engine);
	if (!ops) {
		char msg[SCAP_ERRBUF_SIZE];
		snprintf(msg, sizeof(msg), "scap_open: unknown engine '%.64s'", engine);
		set_errbuf(errbuf, errp, SCAP_ERR_NOENGINE, msg);
		free(h);
		return NULL;
	}
	if (ops->version < 1 || ops->version > SCAP_ENGINE_OPS_VERSION) {
		set_errbuf(errbuf, errp, SCAP_ERR_NOTSUP, "scap_open: engine has an unsupported ops version");
		free(h);
		return NULL;
	}
	if (h->opts.filename) {
		h->filename = strdup(h->opts.filename);
		if (!h->filename) {
			set_errbuf(errbuf, errp, SCAP_ERR_NOMEM, "scap_open: out of memory");
			free(h);
			return NULL;
		}
		h->opts.filename = h->filename;
	}
	h->opts.engine = ops->name;
	h->ops = ops;
	h->stats.sz = sizeof(h->stats);
	rc = ops->open(h, &h->opts);
	if (rc < 0) {
		set_errbuf(errbuf, errp, rc, h->err[0] ? h->err : scap_strerror(rc));
		scap_meta_reset(&h->meta);
		free(h->filename);
		free(h);
		return NULL;
	}
	if (errp)
		*errp = SCAP_OK;
	return h;
}

SCAP_EXPORT scap_t *scap_open(const struct scap_open_opts *opts, char *errbuf)
{
	return scap_open_err(opts, errbuf, NULL);
}

SCAP_EXPORT void scap_close(scap_t *h)
{
	if (!h)
		return;
	h->ops->close(h);
	scap_meta_reset(&h->meta);
	free(h->filename);
	free(h);
}

SCAP_EXPORT int scap_next(scap_t *h, const scap_evt_t **evt)
{
	int rc;

	if (!h || !evt)
		return SCAP_ERR_INVAL;
	*evt = NULL;
	if (h->last_err < 0)
		return h->last_err; /* sticky: the stream cannot be resynchronised */
	rc = h->ops->next(h);
	if (rc == SCAP_OK) {
		h->stats.n_evts++;
		*evt = &h->evt;
	} else if (rc < 0 && h->last_err >= 0) {
		scap_seterr(h, rc, "%s", scap_strerror(rc));
	}
	return rc;
}

SCAP_EXPORT const char *scap_geterr(const scap_t *h)
{
	return h ? h->err : "no handle";
}

SCAP_EXPORT uint64_t scap_section(const scap_t *h)
{
	return h ? h->stats.n_sections : 0;
}

SCAP_EXPORT const char *scap_engine_name(const scap_t *h)
{
	return h ? h->ops->name : NULL;
}

SCAP_EXPORT int scap_start(scap_t *h)
{
	if (!h)
		return SCAP_ERR_INVAL;
	return h->ops->start ? h->ops->start(h) : SCAP_OK;
}

SCAP_EXPORT int scap_stop(scap_t *h)
{
	if (!h)
		return SCAP_ERR_INVAL;
	return h->ops->stop ? h->ops->stop(h) : SCAP_OK;
}

SCAP_EXPORT int scap_set_event_mask(scap_t *h, const uint8_t *mask, size_t n)
{
	struct scap_cfg_mask m = {mask, n};

	if (!h || (mask == NULL && n != 0))
		return SCAP_ERR_INVAL;
	if (!h->ops->configure)
		return SCAP_OK; /* nothing to select: the engine delivers what it reads */
	return h->ops->configure(h, SCAP_CFG_EVENT_MASK, &m);
}

SCAP_EXPORT int scap_get_stats(scap_t *h, struct scap_stats *st)
{
	struct scap_stats full;

	if (!h || !st || st->sz < sizeof(size_t))
		return SCAP_ERR_INVAL;
	full = h->stats;
	if (h->ops->get_stats)
		h->ops->get_stats(h, &full);
	full.sz = st->sz;
	memcpy(st, &full, st->sz < sizeof(full) ? st->sz : sizeof(full));
	return SCAP_OK;
}
