/* Framing and pipes: messages from stdin are read on a thread into a queue; messages to stdout
 * are written whole under a lock (several FreeRDP threads may send). */
#ifndef PORTHOLE_RDP_IO_H
#define PORTHOLE_RDP_IO_H

#include <stddef.h>
#include <stdint.h>
#include <winpr/wtypes.h>

/* Pseudo types for the queue: the input ended cleanly, or it broke the framing rules. */
#define MSG_EOF 0x00
#define MSG_BAD 0xFF

typedef struct io_msg
{
	struct io_msg* next;
	uint8_t type;
	uint32_t len; /* payload bytes (without the type byte) */
	uint8_t data[];  /* payload, plus one NUL byte after it */
} IoMsg;

/* Takes over the protocol descriptors. Starts the reader thread. */
BOOL io_start(int in_fd, int out_fd);

/* Called on the reader thread as soon as the input ends or breaks (used to abort a connect
 * that is in progress). Setting NULL waits for a running call to finish. */
void io_set_end_hook(void (*hook)(void* arg), void* arg);

/* A manual-reset event, set while messages are queued. */
HANDLE io_event(void);

/* Next message, NULL if none (non-blocking). MSG_EOF / MSG_BAD stay at the end of the queue. */
IoMsg* io_pop(void);
/* Blocks until a message is there. */
IoMsg* io_wait(void);
/* Blocks until a message of `type` (or MSG_EOF / MSG_BAD) is there; other messages stay queued
 * in their order. */
IoMsg* io_wait_for(uint8_t type);
void io_free(IoMsg* msg);

/* Sends one message; payload is the concatenation of the parts. FALSE once stdout is broken. */
BOOL io_send(uint8_t type, const void* a, size_t alen, const void* b, size_t blen);
BOOL io_send_u8(uint8_t type, uint8_t value);
BOOL io_send_size(uint8_t type, uint16_t width, uint16_t height);
BOOL io_output_broken(void);

/* How the input stands: -1 open, MSG_EOF ended cleanly, MSG_BAD broken (why is then set). */
int io_input_state(const char** why);

static inline void put_u16(uint8_t* p, uint16_t v)
{
	p[0] = (uint8_t)(v & 0xFF);
	p[1] = (uint8_t)(v >> 8);
}
static inline void put_u32(uint8_t* p, uint32_t v)
{
	p[0] = (uint8_t)(v & 0xFF);
	p[1] = (uint8_t)((v >> 8) & 0xFF);
	p[2] = (uint8_t)((v >> 16) & 0xFF);
	p[3] = (uint8_t)(v >> 24);
}
static inline uint16_t get_u16(const uint8_t* p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t get_u32(const uint8_t* p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

#endif
