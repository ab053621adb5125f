/* SPDX-License-Identifier: BSD-3-Clause */
/* source.h: where frames come from: a capture file or a live interface (libpcap). */
#ifndef LAYERSCOPE_SOURCE_H
#define LAYERSCOPE_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <layerscope/frame.h>
#include <layerscope/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Size of the caller's error buffer for OS- and libpcap-facing calls. */
#define LSC_ERRBUF_SIZE 512

struct lsc_source;

/*
 * Opens a capture file (pcap or pcapng; "-" is standard input).  On failure
 * returns NULL and writes into `errbuf` what went wrong and what to do.
 */
LSC_API struct lsc_source *lsc_source_open_file(const char *path, char *errbuf);

/* The most files lsc_source_open_files() merges. */
#define LSC_MAX_FILES 64

/*
 * Opens n capture files (one of them may be "-") as one source whose frames
 * come in time stamp order, as mergecap merges them (equal times: the
 * earlier file first); each frame's `file` says which of `paths` it came
 * from, and numbers count the merged frames.  The files may have different
 * link types; a filter is compiled for each.  n == 1 is
 * lsc_source_open_file().  NULL with the cause in errbuf.
 */
LSC_API struct lsc_source *lsc_source_open_files(const char *const *paths, unsigned n, char *errbuf);

/*
 * Compiles a libpcap filter for the source's link type and applies it in
 * lsc_source_next().  Returns 0, or -1 with libpcap's message in `errbuf`.
 * An empty or NULL expression clears the filter.
 */
LSC_API int lsc_source_set_filter(struct lsc_source *s, const char *expr, char *errbuf);

/*
 * Reads the next frame that passes the filter into f's source fields
 * (number, timestamps, lengths, link type, data).  The data stays valid until
 * the next call.  Returns 1 for a frame, 0 at the end, -1 on an error
 * (a file cut short, a read error) with the cause in `errbuf`.
 */
LSC_API int lsc_source_next(struct lsc_source *s, struct lsc_frame *f, char *errbuf);

/* The link type (DLT_*) of the frames; a file with several gives the first. */
LSC_API int lsc_source_linktype(const struct lsc_source *s);

/* Digits of the file's timestamp precision: 6 or 9. */
LSC_API int lsc_source_ts_digits(const struct lsc_source *s);

/*
 * Who reads the records now: "blocks" (a pcap 2.4 file read in blocks,
 * without libpcap) or "libpcap" (everything else, and a file from its first
 * unusual record on).  For tests and --help; frames are the same either way.
 */
LSC_API const char *lsc_source_reader(const struct lsc_source *s);

/* Frames read so far, counted before the filter. */
LSC_API uint64_t lsc_source_count(const struct lsc_source *s);

LSC_API void lsc_source_close(struct lsc_source *s);

/* ---- live capture (live.c) ---------------------------------------------- */

/* Options of a live capture; a zero value means the default. */
struct lsc_live_opts {
	const char *iface;    /* NULL: "lo"; "any" captures on every interface */
	uint32_t snaplen;     /* bytes kept of each frame; 0: 262144, as tcpdump */
	uint32_t buffer_kib;  /* kernel ring size in KiB; 0: 8192 */
	bool promisc;         /* promiscuous mode; off by default */
	bool immediate;       /* each frame at once (TPACKET_V2), not in blocks of up to 25 ms */
};

/*
 * Opens a live capture (pcap_create, then pcap_activate), handing frames over
 * in blocks at most 25 ms old (or each at once, in immediate mode), at
 * nanosecond timestamps where the kernel gives them.  Needs root or CAP_NET_RAW,CAP_NET_ADMIN.  On failure returns
 * NULL with the cause and the fix in `errbuf` (no such interface, permission,
 * interface down, ...).  A warning from pcap_activate -- the capture works,
 * but not quite as asked -- goes into `warning`, which is empty otherwise;
 * both buffers hold LSC_ERRBUF_SIZE bytes.
 */
LSC_API struct lsc_source *lsc_source_open_live(const struct lsc_live_opts *o, char *warning, char *errbuf);

/*
 * Also writes every frame that lsc_source_next() reads to a pcap file (open
 * it before dropping privileges).  A new file is created 0600 (a capture
 * holds other people's traffic); a file that exists keeps its mode.  From
 * then on lsc_source_next() returns -1, naming the file and the cause, at
 * the first frame that cannot be written.  Returns 0, or -1 with the cause
 * in errbuf.
 */
LSC_API int lsc_source_write_to(struct lsc_source *s, const char *path, char *errbuf);

/* The same to `fd`, open for writing (taken over: closed on failure too); `path` names it in messages. */
LSC_API int lsc_source_write_fd(struct lsc_source *s, int fd, const char *path, char *errbuf);

/*
 * Flushes and closes the -w file (nothing without one).  0, or -1 with the
 * cause in errbuf when any write to it failed: the file is then incomplete.
 * lsc_source_close() closes it too, without saying.
 */
LSC_API int lsc_source_write_end(struct lsc_source *s, char *errbuf);

/*
 * Writes every frame lsc_source_next() returns from now on -- those the
 * filter kept, as tcpdump -r IN -w OUT FILTER -- to `path` ("-": standard
 * output): pcapng when `pcapng`, else pcap at the input's precision, which
 * holds one link type (a frame of another makes lsc_source_next() fail
 * with the fix).  lsc_source_keep_end() closes the file.  0, or -1 with
 * the cause in errbuf.
 */
LSC_API int lsc_source_keep_to(struct lsc_source *s, const char *path, bool pcapng, char *errbuf);
/* Closes the file of lsc_source_keep_to(); 0, or -1 when its last writes failed (a full disk). */
LSC_API int lsc_source_keep_end(struct lsc_source *s, char *errbuf);

/* Makes a blocked or later lsc_source_next() return 0 (pcap_breakloop); safe in a signal handler. */
LSC_API void lsc_source_stop(struct lsc_source *s);

/* Counts of a live capture, from pcap_stats. */
struct lsc_live_stats {
	uint64_t read;           /* frames lsc_source_next() read */
	uint64_t received;       /* frames the kernel passed to the capture */
	uint64_t dropped_kernel; /* no room in the capture buffer: read too slowly */
	uint64_t dropped_iface;  /* dropped by the interface or its driver */
};

/* Fills `st`; returns -1 with the cause in errbuf for a file source or a failed pcap_stats. */
LSC_API int lsc_source_stats(struct lsc_source *s, struct lsc_live_stats *st, char *errbuf);

/*
 * Writes the interfaces libpcap can capture on (pcap_findalldevs) to `out`,
 * one block each: name, flags, description, then its addresses.  Returns 0,
 * or -1 with the cause in errbuf.
 */
LSC_API int lsc_live_list(FILE *out, char *errbuf);

/* ---- privileges (privdrop.c) -------------------------------------------- */

/* Who to become after the capture is open. */
struct lsc_priv_target {
	char user[64];
	uint32_t uid;
	uint32_t gid;
};

/*
 * Who to become by default: the dedicated unprivileged account
 * LSC_CAPTURE_USER ("layerscope", made by `make install-capture-group`)
 * where it exists, else "nobody", as Debian's dumpcap and tcpdump do.
 */
#define LSC_CAPTURE_USER "layerscope"
LSC_API const char *lsc_priv_default_user(void);

/*
 * Looks up the account `user` for lsc_priv_drop().  Returns 0, or -1 with
 * "no such user" and the fix in errbuf.  Refuses root: that would drop nothing.
 */
LSC_API int lsc_priv_resolve(const char *user, struct lsc_priv_target *t, char *errbuf);

/*
 * Drops every privilege for good, once the capture and output files are open:
 * as root, switches to t's user (setgroups, setresgid, setresuid) and clears
 * every capability; without root, clears the capabilities the binary was
 * granted (setcap) and stays the invoking user.  Sets no_new_privs.  Then
 * verifies: the ids all equal the target's, CapEff and CapPrm in
 * /proc/self/status are 0, and setuid(0) fails.  Returns 0 with one line
 * saying what was dropped in `report` (LSC_ERRBUF_SIZE bytes), or -1 with
 * the failed step in errbuf; a caller must not go on after -1.
 */
LSC_API int lsc_priv_drop(const struct lsc_priv_target *t, char *report, char *errbuf);

/* ---- process owners (owner.c, ownerd.c) --------------------------------- */

struct lsc_owners;
struct lsc_sink;

/*
 * Starts the lookup of the process that owns each local frame's socket
 * (/proc/net/{tcp,udp}{,6} for the socket's inode, /proc/PID/fd for the
 * process).  As root, call it before lsc_priv_drop(): it forks a small
 * helper that keeps only CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, as user
 * `t`, to read other users' /proc/PID/fd, and answers over a socketpair.
 * Without root it looks up in-process and sees only the caller's own
 * processes.  Returns NULL with the cause in errbuf.
 */
LSC_API struct lsc_owners *lsc_owners_open(const struct lsc_priv_target *t, char *errbuf);

/*
 * Sets f->src_owner, f->dst_owner and f->has_owner for a decoded TCP or UDP
 * frame whose endpoints are sockets of this host.  Answers are cached; the
 * tables are read again on a miss at most every 200 ms.
 */
LSC_API void lsc_owners_annotate(struct lsc_owners *o, struct lsc_frame *f);

/*
 * What the owner lookup keeps of root's privileges, said plainly for the
 * live command's report: 1 with one line in `out` (LSC_ERRBUF_SIZE bytes)
 * when a helper runs (it keeps CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH), 0
 * when nothing is kept (in-process lookup, or `o` NULL).
 */
LSC_API int lsc_owners_kept(const struct lsc_owners *o, char *out);

/* Stops the helper and frees everything; NULL is fine. */
LSC_API void lsc_owners_close(struct lsc_owners *o);

/* Emits f's owners as fields ("src", "dst": {pid, comm} or null): the JSON "process" object. */
LSC_API void lsc_owner_fields_emit(struct lsc_sink *s, const struct lsc_frame *f);

/* Joins argv[0..argc) with spaces into one filter expression (malloc'd), or NULL when argc is 0. */
LSC_API char *lsc_filter_join(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
