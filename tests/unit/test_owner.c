/* SPDX-License-Identifier: BSD-3-Clause */
/* test_owner.c: socket owners: the /proc tables against this process's own sockets, the frame annotation, the JSON "process" object. */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <pcap/dlt.h>

#include <layerscope/render.h>
#include <layerscope/source.h>

#include "unit.h"
#include "../../src/capture/capture-int.h"

static int bound_socket(int family, int type, const char *addr, uint16_t *port, bool listening)
{
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, addr, &in->sin_addr), 1);
		len = sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
		len = sizeof *in6;
	}
	int fd = socket(family, type, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 || (listening && listen(fd, 4) != 0)) {
		close(fd);
		return -1;
	}
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                                : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* A key with text addresses: IPv4 dotted, or IPv6 when it has a colon. */
static void make_key(struct lsc_owner_key *k, uint8_t proto, const char *local, uint16_t lport,
                     const char *remote, uint16_t rport)
{
	memset(k, 0, sizeof *k);
	k->proto = proto;
	k->lport = lport;
	k->rport = rport;
	uint8_t v4[4];
	if (strchr(local, ':') != NULL)
		assert_int_equal(inet_pton(AF_INET6, local, k->local), 1);
	else {
		assert_int_equal(inet_pton(AF_INET, local, v4), 1);
		lsc_owner_addr4(k->local, v4);
	}
	if (strchr(remote, ':') != NULL)
		assert_int_equal(inet_pton(AF_INET6, remote, k->remote), 1);
	else {
		assert_int_equal(inet_pton(AF_INET, remote, v4), 1);
		lsc_owner_addr4(k->remote, v4);
	}
}

static void my_comm(char comm[16])
{
	FILE *fp = fopen("/proc/self/comm", "r");
	assert_non_null(fp);
	memset(comm, 0, 16);
	assert_non_null(fgets(comm, 16, fp));
	comm[strcspn(comm, "\n")] = '\0';
	fclose(fp);
}

static void assert_mine(struct lsc_owner_table *t, const struct lsc_owner_key *k)
{
	struct lsc_owner o;
	char comm[16];
	my_comm(comm);
	assert_int_equal(lsc_owner_table_lookup(t, k, &o, true), 0);
	assert_int_equal(o.pid, getpid());
	assert_string_equal(o.comm, comm);
}

static void assert_nobodys(struct lsc_owner_table *t, const struct lsc_owner_key *k)
{
	struct lsc_owner o;
	assert_int_equal(lsc_owner_table_lookup(t, k, &o, true), -1);
}

/* A listener on 127.0.0.1 and a client connected to it; the accepted socket in *afd when afd is not NULL. */
static void connected_pair(int *lfd, int *cfd, int *afd, uint16_t *port, uint16_t *cport)
{
	*lfd = bound_socket(AF_INET, SOCK_STREAM, "127.0.0.1", port, true);
	*cfd = bound_socket(AF_INET, SOCK_STREAM, "127.0.0.1", cport, false);
	assert_true(*lfd >= 0 && *cfd >= 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(*port) };
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	assert_int_equal(connect(*cfd, (struct sockaddr *)&to, sizeof to), 0);
	if (afd != NULL) {
		*afd = accept(*lfd, NULL, NULL);
		assert_true(*afd >= 0);
	}
}

static void test_tcp_listener(void **state)
{
	(void)state;
	struct lsc_owner_table *t = lsc_owner_table_new();
	struct lsc_owner_key k;
	uint16_t port;
	int fd = bound_socket(AF_INET, SOCK_STREAM, "127.0.0.1", &port, true);
	assert_true(fd >= 0);
	/* A SYN to the listener: the connection has no socket of its own yet. */
	make_key(&k, 6, "127.0.0.1", port, "127.0.0.1", 40000);
	assert_mine(t, &k);
	/* The same port over UDP is nobody's. */
	make_key(&k, 17, "127.0.0.1", port, "127.0.0.1", 40000);
	assert_nobodys(t, &k);
	close(fd);
	lsc_owner_table_free(t);
}

static void test_wildcard_only_for_local_addresses(void **state)
{
	(void)state;
	struct lsc_owner_table *t = lsc_owner_table_new();
	struct lsc_owner_key k;
	uint16_t port;
	int fd = bound_socket(AF_INET, SOCK_STREAM, "0.0.0.0", &port, true);
	assert_true(fd >= 0);
	make_key(&k, 6, "127.0.0.1", port, "127.0.0.1", 40001);
	assert_mine(t, &k);
	/* A remote host's port that happens to equal ours: not our listener. */
	make_key(&k, 6, "203.0.113.9", port, "127.0.0.1", 40001);
	assert_nobodys(t, &k);
	close(fd);
	lsc_owner_table_free(t);
}

static void test_connected_socket(void **state)
{
	(void)state;
	struct lsc_owner_table *t = lsc_owner_table_new();
	struct lsc_owner_key k;
	uint16_t port, cport;
	int lfd, cfd, afd;
	connected_pair(&lfd, &cfd, &afd, &port, &cport);
	/* The client's ephemeral port has no listener: only the exact 4-tuple finds it. */
	make_key(&k, 6, "127.0.0.1", cport, "127.0.0.1", port);
	assert_mine(t, &k);
	make_key(&k, 6, "127.0.0.1", port, "127.0.0.1", cport);
	assert_mine(t, &k);
	close(afd);
	close(cfd);
	close(lfd);
	lsc_owner_table_free(t);
}

static void test_udp_and_ipv6(void **state)
{
	(void)state;
	struct lsc_owner_table *t = lsc_owner_table_new();
	struct lsc_owner_key k;
	uint16_t port;
	int ufd = bound_socket(AF_INET, SOCK_DGRAM, "127.0.0.1", &port, false);
	assert_true(ufd >= 0);
	make_key(&k, 17, "127.0.0.1", port, "127.0.0.1", 5353);
	assert_mine(t, &k);
	close(ufd);

	lsc_owner_table_free(t);

	/* New tables: a table read less than 200 ms ago is not read again for a miss. */
	int v6 = bound_socket(AF_INET6, SOCK_STREAM, "::1", &port, true);
	if (v6 >= 0) {
		t = lsc_owner_table_new();
		make_key(&k, 6, "::1", port, "::1", 40002);
		assert_mine(t, &k);
		close(v6);
		lsc_owner_table_free(t);
	}
	/* A dual-stack listener on :: takes IPv4 connections too. */
	int any6 = bound_socket(AF_INET6, SOCK_STREAM, "::", &port, true);
	if (any6 >= 0) {
		t = lsc_owner_table_new();
		make_key(&k, 6, "127.0.0.1", port, "127.0.0.1", 40003);
		assert_mine(t, &k);
		close(any6);
		lsc_owner_table_free(t);
	}
}

static void test_found_after_a_refresh(void **state)
{
	(void)state;
	struct lsc_owner_table *t = lsc_owner_table_new();
	struct lsc_owner_key k;
	uint16_t port;
	/* Bound but not listening: in the table, but no SYN goes to it. */
	int fd = bound_socket(AF_INET, SOCK_STREAM, "127.0.0.1", &port, false);
	assert_true(fd >= 0);
	make_key(&k, 6, "127.0.0.1", port, "127.0.0.1", 40004);
	assert_nobodys(t, &k);
	assert_int_equal(listen(fd, 1), 0);
	/* Past the 200 ms a miss must wait before the tables are read again. */
	struct timespec wait = { 0, 300 * 1000000L };
	nanosleep(&wait, NULL);
	assert_mine(t, &k);
	close(fd);
	lsc_owner_table_free(t);
}

/* Decodes `n` bytes as a frame captured just now: a capture that keeps up may wait for owners. */
static void decode_now(struct lsc_frame *f, const uint8_t *bytes, size_t n)
{
	struct timespec now;
	test_decode(f, DLT_EN10MB, bytes, n);
	clock_gettime(CLOCK_REALTIME, &now);
	f->ts_sec = now.tv_sec;
	f->ts_nsec = (uint32_t)now.tv_nsec;
}

/* Ethernet + IPv4 + TCP SYN, 127.0.0.1:sport -> 127.0.0.1:dport. */
static size_t syn_frame(uint8_t *b, uint16_t sport, uint16_t dport)
{
	static const uint8_t head[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
		127, 0, 0, 1, 127, 0, 0, 1,
	};
	memcpy(b, head, sizeof head);
	uint8_t *t = b + sizeof head;
	memset(t, 0, 20);
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8);
	t[3] = (uint8_t)dport;
	t[12] = 0x50;
	t[13] = 0x02;
	t[14] = 0xff;
	return sizeof head + 20;
}

static void test_annotate_frame(void **state)
{
	(void)state;
	static struct lsc_frame f;
	uint8_t bytes[64];
	char err[LSC_ERRBUF_SIZE];
	struct lsc_priv_target target;
	uint16_t port, cport;
	int lfd, cfd;
	assert_int_equal(lsc_priv_resolve("nobody", &target, err), 0);
	connected_pair(&lfd, &cfd, NULL, &port, &cport);

	/* As root this goes through the helper process; otherwise in-process. */
	struct lsc_owners *o = lsc_owners_open(&target, err);
	assert_non_null(o);
	size_t n = syn_frame(bytes, cport, port);
	decode_now(&f, bytes, n);
	lsc_owners_annotate(o, &f);
	assert_true(f.has_owner);
	assert_int_equal(f.src_owner.pid, getpid());
	assert_int_equal(f.dst_owner.pid, getpid());
	test_frame_free(&f);

	/* Cut inside the TCP ports: no endpoint, no owner. */
	decode_now(&f, bytes, 14 + 20 + 3);
	lsc_owners_annotate(o, &f);
	assert_false(f.has_owner);
	assert_int_equal(f.src_owner.pid, 0);
	test_frame_free(&f);

	/* From a port nobody holds to a remote host: neither side is ours. */
	n = syn_frame(bytes, 9, port);
	bytes[30] = 203, bytes[31] = 0, bytes[32] = 113, bytes[33] = 9;
	decode_now(&f, bytes, n);
	lsc_owners_annotate(o, &f);
	assert_false(f.has_owner);
	test_frame_free(&f);

	lsc_owners_close(o);
	close(cfd);
	close(lfd);
}

static char *render_json(const struct lsc_frame *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	const struct lsc_renderer *r = lsc_renderer_find("json");
	struct lsc_render_opts ro = { 0 };
	void *st = r->begin(out, &ro);
	r->frame(st, f);
	assert_int_equal(r->end(st), 0);
	fclose(out);
	return text;
}

static void test_json_process(void **state)
{
	(void)state;
	static struct lsc_frame f;
	f.ts_digits = 9;
	f.has_owner = true;
	f.src_owner.pid = 1234;
	strcpy(f.src_owner.comm, "python3");
	char *text = render_json(&f);
	assert_non_null(strstr(text, "\"process\":{\"src\":{\"pid\":1234,\"comm\":\"python3\"},\"dst\":null}"));
	free(text);

	/* A 15-byte command name, as the kernel cuts them, has no terminator in the struct. */
	memcpy(f.dst_owner.comm, "abcdefghijklmnop", 16);
	f.dst_owner.pid = 7;
	text = render_json(&f);
	assert_non_null(strstr(text, "\"dst\":{\"pid\":7,\"comm\":\"abcdefghijklmnop\"}"));
	free(text);

	f.has_owner = false;
	text = render_json(&f);
	assert_null(strstr(text, "process"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_listener),
		cmocka_unit_test(test_wildcard_only_for_local_addresses),
		cmocka_unit_test(test_connected_socket),
		cmocka_unit_test(test_udp_and_ipv6),
		cmocka_unit_test(test_found_after_a_refresh),
		cmocka_unit_test(test_annotate_frame),
		cmocka_unit_test(test_json_process),
	};
	return cmocka_run_group_tests_name("owner", tests, NULL, NULL);
}
