/* Framing and pipes (see io.h). */
#include "io.h"
#include "proto.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <winpr/synch.h>

/* The reader stops reading while this much is queued: the gateway then blocks on the pipe. */
#define QUEUE_HIGH_WATER (64u * 1024u * 1024u)

static int g_in_fd = -1;
static int g_out_fd = -1;
static pthread_mutex_t g_out_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int g_out_broken = 0;

static pthread_mutex_t g_q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_q_cond = PTHREAD_COND_INITIALIZER;
static IoMsg* g_q_head = NULL;
static IoMsg* g_q_tail = NULL;
static size_t g_q_bytes = 0;
static HANDLE g_q_event = NULL;
static pthread_mutex_t g_hook_lock = PTHREAD_MUTEX_INITIALIZER; /* held while the hook runs */
static void (*g_end_hook)(void*) = NULL;
static volatile int g_input_state = -1; /* open */
static char g_input_why[128];
static void* g_end_arg = NULL;

static IoMsg* msg_new(uint8_t type, uint32_t len)
{
	IoMsg* m = malloc(sizeof(IoMsg) + (size_t)len + 1);
	if (!m)
		return NULL;
	m->next = NULL;
	m->type = type;
	m->len = len;
	m->data[len] = 0;
	return m;
}

void io_free(IoMsg* msg)
{
	if (!msg)
		return;
	/* Payloads may hold a password (CONNECT) or clipboard text. */
	memset(msg->data, 0, msg->len);
	free(msg);
}

static void queue_push(IoMsg* m)
{
	pthread_mutex_lock(&g_q_lock);
	if (g_q_tail)
		g_q_tail->next = m;
	else
		g_q_head = m;
	g_q_tail = m;
	g_q_bytes += m->len;
	SetEvent(g_q_event);
	pthread_cond_broadcast(&g_q_cond);
	pthread_mutex_unlock(&g_q_lock);
}

static void push_end(uint8_t type, const char* why)
{
	size_t n = why ? strlen(why) : 0;
	IoMsg* m = msg_new(type, (uint32_t)n);
	if (!m)
	{
		fprintf(stderr, "porthole-rdp: out of memory\n");
		_exit(EXIT_ERROR);
	}
	if (n)
		memcpy(m->data, why, n);
	snprintf(g_input_why, sizeof(g_input_why), "%s", why ? why : "");
	g_input_state = type;
	queue_push(m);
	pthread_mutex_lock(&g_hook_lock);
	if (g_end_hook)
		g_end_hook(g_end_arg);
	pthread_mutex_unlock(&g_hook_lock);
}

/* 1 when all read, 0 on EOF before the first byte, -1 on EOF inside or an error. */
static int read_full(uint8_t* buf, size_t len)
{
	size_t got = 0;
	while (got < len)
	{
		ssize_t r = read(g_in_fd, buf + got, len - got);
		if (r < 0)
		{
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return got == 0 ? 0 : -1;
		got += (size_t)r;
	}
	return 1;
}

static void* reader_main(void* arg)
{
	(void)arg;
	for (;;)
	{
		uint8_t hdr[5];
		int r = read_full(hdr, 4);
		if (r == 0)
		{
			push_end(MSG_EOF, NULL);
			return NULL;
		}
		if (r < 0)
		{
			push_end(MSG_BAD, "the input ended inside a message header");
			return NULL;
		}
		uint32_t len = get_u32(hdr);
		if (len < 1 || len > PROTO_MAX_MESSAGE)
		{
			push_end(MSG_BAD, len < 1 ? "a message of length 0" : "a message over 64 MiB");
			return NULL;
		}
		if (read_full(hdr + 4, 1) != 1)
		{
			push_end(MSG_BAD, "the input ended inside a message");
			return NULL;
		}
		uint8_t type = hdr[4];
		if (type == MSG_EOF || type == MSG_BAD)
		{
			push_end(MSG_BAD, "unknown message type");
			return NULL;
		}
		IoMsg* m = msg_new(type, len - 1);
		if (!m)
		{
			push_end(MSG_BAD, "out of memory for a message");
			return NULL;
		}
		if (len > 1 && read_full(m->data, len - 1) != 1)
		{
			io_free(m);
			push_end(MSG_BAD, "the input ended inside a message");
			return NULL;
		}
		pthread_mutex_lock(&g_q_lock);
		while (g_q_bytes > QUEUE_HIGH_WATER)
			pthread_cond_wait(&g_q_cond, &g_q_lock);
		pthread_mutex_unlock(&g_q_lock);
		queue_push(m);
	}
}

BOOL io_start(int in_fd, int out_fd)
{
	pthread_t tid;
	g_in_fd = in_fd;
	g_out_fd = out_fd;
	g_q_event = CreateEventA(NULL, TRUE, FALSE, NULL);
	if (!g_q_event)
		return FALSE;
	if (pthread_create(&tid, NULL, reader_main, NULL) != 0)
		return FALSE;
	pthread_detach(tid);
	return TRUE;
}

void io_set_end_hook(void (*hook)(void* arg), void* arg)
{
	BOOL ended;
	/* after this returns, the old hook is neither running nor called again */
	pthread_mutex_lock(&g_hook_lock);
	g_end_hook = hook;
	g_end_arg = arg;
	pthread_mutex_unlock(&g_hook_lock);
	/* the input may already have ended */
	pthread_mutex_lock(&g_q_lock);
	ended = g_q_tail && (g_q_tail->type == MSG_EOF || g_q_tail->type == MSG_BAD);
	pthread_mutex_unlock(&g_q_lock);
	if (ended && hook)
		hook(arg);
}

HANDLE io_event(void)
{
	return g_q_event;
}

/* With the lock held. */
static IoMsg* unlink_msg(IoMsg* prev, IoMsg* m)
{
	if (m->type == MSG_EOF || m->type == MSG_BAD)
		return m; /* stays: every later wait sees the end too */
	if (prev)
		prev->next = m->next;
	else
		g_q_head = m->next;
	if (g_q_tail == m)
		g_q_tail = prev;
	m->next = NULL;
	g_q_bytes -= m->len;
	if (!g_q_head)
		ResetEvent(g_q_event);
	pthread_cond_broadcast(&g_q_cond);
	return m;
}

static IoMsg* dup_end(IoMsg* m)
{
	/* End markers are never handed out themselves: callers free what they get. */
	IoMsg* copy;
	if (m->type != MSG_EOF && m->type != MSG_BAD)
		return m;
	copy = msg_new(m->type, m->len);
	if (!copy)
		_exit(EXIT_ERROR);
	memcpy(copy->data, m->data, m->len);
	return copy;
}

IoMsg* io_pop(void)
{
	IoMsg* m = NULL;
	pthread_mutex_lock(&g_q_lock);
	if (g_q_head)
		m = dup_end(unlink_msg(NULL, g_q_head));
	pthread_mutex_unlock(&g_q_lock);
	return m;
}

IoMsg* io_wait(void)
{
	IoMsg* m;
	pthread_mutex_lock(&g_q_lock);
	while (!g_q_head)
		pthread_cond_wait(&g_q_cond, &g_q_lock);
	m = dup_end(unlink_msg(NULL, g_q_head));
	pthread_mutex_unlock(&g_q_lock);
	return m;
}

IoMsg* io_wait_for(uint8_t type)
{
	IoMsg* found = NULL;
	pthread_mutex_lock(&g_q_lock);
	while (!found)
	{
		IoMsg* prev = NULL;
		for (IoMsg* m = g_q_head; m; prev = m, m = m->next)
		{
			if (m->type == type || m->type == MSG_EOF || m->type == MSG_BAD)
			{
				found = dup_end(unlink_msg(prev, m));
				break;
			}
		}
		if (!found)
			pthread_cond_wait(&g_q_cond, &g_q_lock);
	}
	pthread_mutex_unlock(&g_q_lock);
	return found;
}

static BOOL write_full(const uint8_t* buf, size_t len)
{
	while (len > 0)
	{
		ssize_t w = write(g_out_fd, buf, len);
		if (w < 0)
		{
			if (errno == EINTR)
				continue;
			return FALSE;
		}
		buf += w;
		len -= (size_t)w;
	}
	return TRUE;
}

BOOL io_send(uint8_t type, const void* a, size_t alen, const void* b, size_t blen)
{
	uint8_t hdr[5];
	size_t total = 1 + alen + blen;
	BOOL ok;
	if (total > PROTO_MAX_MESSAGE)
	{
		fprintf(stderr, "porthole-rdp: refusing to send a message of %zu bytes\n", total);
		return FALSE;
	}
	put_u32(hdr, (uint32_t)total);
	hdr[4] = type;
	pthread_mutex_lock(&g_out_lock);
	if (g_out_broken)
	{
		pthread_mutex_unlock(&g_out_lock);
		return FALSE;
	}
	ok = write_full(hdr, 5) && (alen == 0 || write_full(a, alen)) &&
	     (blen == 0 || write_full(b, blen));
	if (!ok)
		g_out_broken = 1;
	pthread_mutex_unlock(&g_out_lock);
	return ok;
}

BOOL io_send_u8(uint8_t type, uint8_t value)
{
	return io_send(type, &value, 1, NULL, 0);
}

BOOL io_send_size(uint8_t type, uint16_t width, uint16_t height)
{
	uint8_t p[4];
	put_u16(p, width);
	put_u16(p + 2, height);
	return io_send(type, p, 4, NULL, 0);
}

BOOL io_output_broken(void)
{
	return g_out_broken != 0;
}

int io_input_state(const char** why)
{
	if (why)
		*why = g_input_why;
	return g_input_state;
}
