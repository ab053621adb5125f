/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp.c: Transmission Control Protocol (RFC 9293): header, every option (RFC 7323, 2018, 8684, 7413), checksum. */
#include <config.h>

#include "decode-int.h"
#include "../lib/i18n.h"

/* The length each known option kind must have; 0: any length >= 2. */
static uint8_t opt_fixed_len(uint8_t kind)
{
	switch (kind) {
	case LSC_TCPOPT_MSS: return 4;
	case LSC_TCPOPT_WSCALE: return 3;
	case LSC_TCPOPT_SACK_PERM: return 2;
	case LSC_TCPOPT_TIMESTAMP: return 10;
	default: return 0;
	}
}

/* Reads the values of a well-formed option of a known kind into o->v. */
static void opt_values(struct lsc_tcp_opt *o, struct lsc_cur *c)
{
	uint16_t v16 = 0; /* the caller checked the length; a failed read leaves 0, not stack bytes */
	uint8_t v8 = 0;
	switch (o->kind) {
	case LSC_TCPOPT_MSS:
		(void)lsc_cur_be16(c, &v16);
		o->v[0] = v16;
		o->nvals = 1;
		break;
	case LSC_TCPOPT_WSCALE:
		(void)lsc_cur_u8(c, &v8);
		o->v[0] = v8;
		o->nvals = 1;
		break;
	case LSC_TCPOPT_TIMESTAMP:
		(void)lsc_cur_be32(c, &o->v[0]);
		(void)lsc_cur_be32(c, &o->v[1]);
		o->nvals = 2;
		break;
	case LSC_TCPOPT_SACK:
		/* 8 bytes a block, at most 4 blocks in 40 option bytes. */
		for (unsigned i = 0; i < 8 && lsc_cur_left(c) >= 4; i++)
			(void)lsc_cur_be32(c, &o->v[o->nvals++]);
		break;
	case LSC_TCPOPT_MPTCP:
		/* The subtype is the high nibble of the first byte after the length; MP_CAPABLE's low nibble is its version. */
		(void)lsc_cur_u8(c, &v8);
		o->v[0] = v8 >> 4;
		o->v[1] = v8 & 15u;
		o->nvals = 2;
		break;
	case LSC_TCPOPT_TFO:
		/* The cookie, 4 to 16 bytes, packed into words; none: a cookie request. */
		for (unsigned i = 0; i < 16 && lsc_cur_left(c) > 0; i++) {
			(void)lsc_cur_u8(c, &v8);
			o->v[i / 4] |= (uint32_t)v8 << (24 - 8 * (i % 4));
			o->nvals = (uint8_t)(i / 4 + 1);
		}
		break;
	default:
		break;
	}
}

/*
 * Walks the options in [20, data_offset).  A length byte that is missing,
 * below 2 or past the header makes the layer malformed: the rest of the
 * option bytes cannot be told apart.  When the capture `cut` the options,
 * the walk ends quietly at the first option not captured whole.
 */
static void parse_options(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, bool cut)
{
	struct lsc_tcp *t = &l->u.tcp;
	t->opt_first = f->ntcp_opts;
	while (lsc_cur_left(c) > 0 && f->ntcp_opts < LSC_MAX_TCP_OPTS) {
		struct lsc_tcp_opt *o = &f->tcp_opts[f->ntcp_opts];
		memset(o, 0, sizeof *o);
		o->offset = (uint8_t)(c->off - l->offset);
		(void)lsc_cur_u8(c, &o->kind);
		o->length = 1;
		f->ntcp_opts++;
		t->opt_count++;
		if (o->kind == LSC_TCPOPT_EOL)
			return; /* the rest is padding */
		if (o->kind == LSC_TCPOPT_NOP)
			continue;
		if (lsc_cur_u8(c, &o->length)) {
			if (cut)
				goto uncaptured;
			f->ntcp_opts--; /* a kind alone: nothing to list */
			t->opt_count--;
			return lsc_layer_malformed(l, "TCP option length missing");
		}
		if (o->length < 2) {
			o->bad = true; /* listed with its kind and length, never read as a whole option */
			return lsc_layer_malformed(l, "TCP option length < 2");
		}
		if (o->length - 2u > lsc_cur_left(c)) {
			if (cut)
				goto uncaptured;
			o->bad = true;
			return lsc_layer_malformed(l, "TCP option runs past the header");
		}
		struct lsc_cur oc = lsc_cur_sub(c, o->length - 2u, NULL);
		uint8_t want = opt_fixed_len(o->kind);
		if ((want && o->length != want) ||
		    (o->kind == LSC_TCPOPT_SACK && (o->length - 2u) % 8 != 0) ||
		    (o->kind == LSC_TCPOPT_MPTCP && o->length < 3) ||
		    (o->kind == LSC_TCPOPT_TFO && o->length != 2 && (o->length < 6 || o->length > 18)))
			o->bad = true;
		else
			opt_values(o, &oc);
		(void)lsc_cur_skip(c, o->length - 2u);
	}
	return;
uncaptured:
	f->ntcp_opts--; /* what is known of it is not worth an entry */
	t->opt_count--;
}

static void decode_tcp(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_tcp *t = &l->u.tcp;
	uint8_t off_res = 0, flags8 = 0;
	const struct lsc_layer *ip = lsc_decode_enclosing_ip(f, l);
	/* The segment length the IP layer claims; the cursor may hold less. */
	uint32_t seg_len = ip != NULL ? ip->body_len : (uint32_t)lsc_cur_left(c);

	l->hdr_len = 20;
	if (lsc_cur_be16(c, &t->sport) || lsc_cur_be16(c, &t->dport) ||
	    lsc_cur_be32(c, &t->seq) || lsc_cur_be32(c, &t->ack) ||
	    lsc_cur_u8(c, &off_res) || lsc_cur_u8(c, &flags8) ||
	    lsc_cur_be16(c, &t->window) || lsc_cur_be16(c, &t->checksum) ||
	    lsc_cur_be16(c, &t->urgent)) {
		t->data_offset = (uint8_t)((off_res >> 4) * 4);
		t->flags = (uint16_t)((off_res & 0x0f) << 8 | flags8);
		return lsc_layer_truncated(l, "TCP header cut short (needs 20 bytes)");
	}
	t->data_offset = (uint8_t)((off_res >> 4) * 4);
	t->flags = (uint16_t)((off_res & 0x0f) << 8 | flags8);

	if (t->data_offset < 20)
		return lsc_layer_malformed(l, "TCP data offset < 20");
	if (t->data_offset > seg_len)
		return lsc_layer_malformed(l, "TCP data offset past the segment");
	l->hdr_len = t->data_offset;
	/*
	 * The segment's length is the IP layer's claim less the data offset, as
	 * tshark's tcp.len, whatever the capture kept: a snapshot length that
	 * cuts the options leaves the segment as long as it was on the wire.
	 */
	t->payload_length = seg_len - t->data_offset;
	l->body_len = t->payload_length;
	bool cut = lsc_cur_left(c) < t->data_offset - 20u;
	struct lsc_cur oc = lsc_cur_sub(c, t->data_offset - 20u, NULL);
	parse_options(f, l, &oc, cut);
	if (l->flags & LSC_LF_MALFORMED)
		return;
	if (cut)
		return lsc_layer_truncated(l, "TCP options cut short");
	(void)lsc_cur_skip(c, t->data_offset - 20u);
	size_t left = lsc_cur_left(c);
	t->payload_captured = left < t->payload_length ? (uint32_t)left : t->payload_length;
	t->csum = lsc_csum_l4(f, l, ip, 6, seg_len, t->checksum, &t->csum_calc);
	lsc_csum_note(f, l, "TCP", t->csum, t->checksum, t->csum_calc);
	next->limit = t->payload_length;
}

/* Bytes of the payload the capture kept, where it kept fewer than the segment had. */
static void emit_captured(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                          const struct lsc_field *fd)
{
	(void)f;
	if (l->u.tcp.payload_captured != l->u.tcp.payload_length)
		s->ops->uint(s, fd->key, fd->label, l->u.tcp.payload_captured, 0, NULL);
}

/* ---- fields -------------------------------------------------------------- */

static const char *const flag_names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };

static void emit_flags(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                       const struct lsc_field *fd)
{
	(void)f;
	s->ops->open(s, fd->key, fd->label, true);
	for (unsigned i = 0; i < 8; i++)
		if (l->u.tcp.flags & (1u << i))
			s->ops->text(s, NULL, NULL, flag_names[i], false);
	s->ops->close(s, true);
}

/*
 * AE (RFC 9768's Accurate ECN bit, RFC 3540's NS before it) is not one of the
 * eight names the contract's "flags" list holds, so it is a field of its own,
 * there only when set (tshark's tcp.flags.ae).
 */
static void emit_ae(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                    const struct lsc_field *fd)
{
	(void)f;
	if (l->u.tcp.flags & LSC_TCP_AE)
		s->ops->boolean(s, fd->key, fd->label, 1, NULL);
}

static const char *opt_key(uint8_t kind)
{
	switch (kind) {
	case LSC_TCPOPT_EOL: return "eol";
	case LSC_TCPOPT_NOP: return "nop";
	case LSC_TCPOPT_MSS: return "mss";
	case LSC_TCPOPT_WSCALE: return "wscale";
	case LSC_TCPOPT_SACK_PERM: return "sack_perm";
	case LSC_TCPOPT_SACK: return "sack";
	case LSC_TCPOPT_TIMESTAMP: return "timestamp";
	case LSC_TCPOPT_MPTCP: return "mptcp";
	case LSC_TCPOPT_TFO: return "tfo";
	default: return NULL;
	}
}

/* RFC 8684 section 3's subtypes, by their IANA names. */
static const char *mptcp_subtype_name(uint32_t v)
{
	static const char *const names[] = { "MP_CAPABLE", "MP_JOIN", "DSS", "ADD_ADDR", "REMOVE_ADDR",
	                                     "MP_PRIO", "MP_FAIL", "MP_FASTCLOSE", "MP_TCPRST" };
	return v < sizeof names / sizeof names[0] ? names[v] : NULL;
}

static void emit_one_option(struct lsc_sink *s, const struct lsc_tcp_opt *o)
{
	const char *key = opt_key(o->kind);
	s->ops->open(s, NULL, NULL, false);
	if (key == NULL || o->bad) {
		s->ops->uint(s, "kind", N_("Kind"), o->kind, 0, NULL);
		s->ops->uint(s, "length", N_("Length"), o->length, 0, NULL);
		if (o->bad)
			s->ops->text(s, "error", N_("Error"), N_("length impossible for this kind"), true);
		s->ops->close(s, false);
		return;
	}
	/* The JSON contract names these seven kinds; any other stays {"kind": int, "length": int},
	 * and what layerscope knows of it is added beside ("name" and its fields). */
	if (o->kind <= LSC_TCPOPT_TIMESTAMP) {
		s->ops->text(s, "kind", N_("Kind"), key, false);
	} else {
		s->ops->uint(s, "kind", N_("Kind"), o->kind, 0, NULL);
		s->ops->uint(s, "length", N_("Length"), o->length, 0, NULL);
		s->ops->text(s, "name", N_("Name"), key, false);
	}
	switch (o->kind) {
	case LSC_TCPOPT_MSS:
		s->ops->uint(s, "value", N_("Value"), o->v[0], 0, NULL);
		break;
	case LSC_TCPOPT_WSCALE:
		s->ops->uint(s, "shift", N_("Shift"), o->v[0], 0, NULL);
		s->ops->uint(s, "multiplier", N_("Multiplier"), o->v[0] <= 14 ? 1u << o->v[0] : 16384u, 0, NULL);
		break;
	case LSC_TCPOPT_TIMESTAMP:
		s->ops->uint(s, "tsval", N_("TSval"), o->v[0], 0, NULL);
		s->ops->uint(s, "tsecr", N_("TSecr"), o->v[1], 0, NULL);
		break;
	case LSC_TCPOPT_SACK:
		s->ops->open(s, "blocks", N_("Blocks"), true);
		for (unsigned i = 0; i + 1 < o->nvals; i += 2) {
			s->ops->open(s, NULL, NULL, true);
			s->ops->uint(s, NULL, NULL, o->v[i], 0, NULL);
			s->ops->uint(s, NULL, NULL, o->v[i + 1], 0, NULL);
			s->ops->close(s, true);
		}
		s->ops->close(s, true);
		break;
	case LSC_TCPOPT_MPTCP:
		s->ops->uint(s, "subtype", N_("Subtype"), o->v[0], 0, mptcp_subtype_name(o->v[0]));
		if (o->v[0] == 0)
			s->ops->uint(s, "version", N_("Version"), o->v[1], 0, NULL);
		break;
	case LSC_TCPOPT_TFO:
		if (o->length == 2) {
			s->ops->boolean(s, "request", N_("Cookie request"), true, NULL);
		} else {
			char hex[2 * 16 + 1];
			unsigned n = o->length - 2u < 16 ? o->length - 2u : 16; /* the decoder let 4 to 16 through */
			for (unsigned i = 0; i < n; i++) {
				uint8_t b = (uint8_t)(o->v[i / 4] >> (24 - 8 * (i % 4)));
				hex[2 * i] = "0123456789abcdef"[b >> 4];
				hex[2 * i + 1] = "0123456789abcdef"[b & 15];
			}
			hex[2 * n] = '\0';
			s->ops->text(s, "cookie", N_("Cookie"), hex, false);
		}
		break;
	default:
		break;
	}
	s->ops->close(s, false);
}

static void emit_options(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                         const struct lsc_field *fd)
{
	s->ops->open(s, fd->key, fd->label, true);
	for (unsigned i = 0; i < l->u.tcp.opt_count; i++)
		emit_one_option(s, &f->tcp_opts[l->u.tcp.opt_first + i]);
	s->ops->close(s, true);
}

static const struct lsc_field tcp_fields[] = {
	LSC_FIELD("sport", N_("Source port"), LSC_FT_UINT, tcp.sport, 2, NULL),
	LSC_FIELD("dport", N_("Destination port"), LSC_FT_UINT, tcp.dport, 4, NULL),
	LSC_FIELD("seq", N_("Sequence number (raw)"), LSC_FT_UINT, tcp.seq, 8, NULL),
	LSC_FIELD("ack", N_("Acknowledgment number (raw)"), LSC_FT_UINT, tcp.ack, 12, NULL),
	LSC_FIELD("data_offset", N_("Header length"), LSC_FT_UINT, tcp.data_offset, 13, NULL),
	LSC_FIELD_CUSTOM("flags", N_("Flags"), 14, emit_flags),
	LSC_FIELD_CUSTOM("ae", N_("Accurate ECN (AE)"), 13, emit_ae),
	LSC_FIELD("flags_raw", N_("Flag bits"), LSC_FT_HEX, tcp.flags, 14, NULL),
	LSC_FIELD("window", N_("Window"), LSC_FT_UINT, tcp.window, 16, NULL),
	LSC_FIELD("checksum", N_("Checksum"), LSC_FT_HEX, tcp.checksum, 18, NULL),
	LSC_FIELD("checksum_ok", N_("Checksum status"), LSC_FT_CSUM, tcp.csum, 20, lsc_field_csum),
	LSC_FIELD_CUSTOM("checksum_expected", N_("Correct value"), 20, lsc_field_csum_expected),
	LSC_FIELD("urgent", N_("Urgent pointer"), LSC_FT_UINT, tcp.urgent, 20, NULL),
	LSC_FIELD_CUSTOM("options", N_("Options"), 20, emit_options),
	LSC_FIELD("payload_length", N_("Payload length"), LSC_FT_UINT, tcp.payload_length, 20, NULL),
	LSC_FIELD_CUSTOM("payload_captured", N_("Payload captured"), 20, emit_captured),
};

/*
 * tcpdump's flag letters, in its order: F S R P . (ACK) U E W, and e for AE
 * (as tcpdump releases after 4.99.3 print it); "none" when none of the nine
 * is set, the reserved bits aside.  The letters at p (at most
 * FLAG_LETTERS_MAX bytes); returns the end.
 */
#define FLAG_LETTERS_MAX 9
static char *flag_letters(char *p, uint16_t flags)
{
	static const struct { uint16_t bit; char ch; } letters[] = {
		{ LSC_TCP_FIN, 'F' }, { LSC_TCP_SYN, 'S' }, { LSC_TCP_RST, 'R' }, { LSC_TCP_PSH, 'P' },
		{ LSC_TCP_ACK, '.' }, { LSC_TCP_URG, 'U' }, { LSC_TCP_ECE, 'E' }, { LSC_TCP_CWR, 'W' },
		{ LSC_TCP_AE, 'e' },
	};
	if ((flags & 0x1ff) == 0)
		return lsc_w_lit(p, "none");
	for (size_t i = 0; i < LSC_NELEM(letters); i++)
		if (flags & letters[i].bit)
			*p++ = letters[i].ch;
	return p;
}

void lsc_tcp_flag_letters(struct lsc_strbuf *b, uint16_t flags)
{
	char tmp[FLAG_LETTERS_MAX];
	char *start = lsc_sb_reserve(b, sizeof tmp, tmp);
	lsc_sb_commit(b, tmp, start, flag_letters(start, flags));
}

static void tcp_addrs(struct lsc_strbuf *b, const struct lsc_layer *l)
{
	lsc_sb_u64(b, l->u.tcp.sport);
	lsc_sb_to(b);
	lsc_sb_u64(b, l->u.tcp.dport);
}

static void tcp_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_tcp *t = &l->u.tcp;
	/* Once the track stage has run, numbers are relative, as tcpdump prints them. */
	bool rel = f->has_flow && f->flow.tcp && !(l->flags & LSC_LF_QUOTED);
	uint32_t seq = rel ? f->flow.rel_seq : t->seq;
	/* Room checked once for the longest such line (numbers of 20 digits, to be plain about it). */
	char tmp[6 * LSC_W_U64 + 2 * 5 + FLAG_LETTERS_MAX + 52 + LSC_W_CAPTURED + LSC_W_CSUM_BAD];
	char *start = lsc_sb_reserve(b, sizeof tmp, tmp), *p = start;

	p = lsc_w_u64(p, t->sport);
	p = lsc_w_to(p, b->ascii);
	p = lsc_w_u64(p, t->dport);
	p = lsc_w_lit(p, " [");
	p = flag_letters(p, t->flags);
	p = lsc_w_lit(p, "] seq ");
	p = lsc_w_u64(p, seq);
	if (t->payload_length > 0) {
		*p++ = ':';
		p = lsc_w_u64(p, (uint32_t)(seq + t->payload_length));
	}
	if (t->flags & LSC_TCP_ACK) {
		p = lsc_w_lit(p, " ack ");
		p = lsc_w_u64(p, rel ? f->flow.rel_ack : t->ack);
	}
	p = lsc_w_lit(p, " win ");
	p = lsc_w_u64(p, t->window);
	p = lsc_w_lit(p, " len ");
	p = lsc_w_u64(p, t->payload_length);
	if (t->payload_captured != t->payload_length)
		p = lsc_w_captured(p, t->payload_captured);
	if (t->csum == LSC_CSUM_BAD)
		p = lsc_w_csum_bad(p, t->checksum, t->csum_calc);
	lsc_sb_commit(b, tmp, start, p);
}

const struct lsc_proto_info lsc_proto_tcp = {
	LSC_PROTO_TCP, LSC_TCPIP_TRANSPORT, "tcp", "TCP", "Transmission Control Protocol",
	decode_tcp, tcp_fields, LSC_NELEM(tcp_fields), tcp_summary, tcp_addrs,
};
