/* The state of one RDP session, shared by the parts of the helper. */
#ifndef PORTHOLE_RDP_SESSION_H
#define PORTHOLE_RDP_SESSION_H

#include <stdint.h>

#include <freerdp/freerdp.h>
#include <freerdp/client.h>
#include <freerdp/client/cliprdr.h>
#include <freerdp/client/disp.h>

#include "json.h"

typedef struct
{
	rdpContext context; /* first: FreeRDP allocates ContextSize and hands out rdpContext* */
	DEFINE_RDP_CLIENT_COMMON();

	ConnectParams params;

	/* connection progress */
	int stage_sent;
	BOOL ready;       /* READY sent */
	BOOL logged_on;   /* LOGON sent */
	BOOL error_sent;  /* ERROR sent (at most once) */
	BOOL input_ended; /* the gateway went away */
	BOOL cert_rejected;
	BOOL cert_checked;
	BOOL reconnecting;
	UINT64 connect_started_ms;
	UINT64 ready_ms;
	int nego_failure; /* from FreeRDP's log: see connection.c */

	/* xrdp's login screen (see connection.c): what the server painted after READY and before a
	 * logon, on a grid of LOGIN_GRID_CELL pixel cells */
	BOOL session_seen;
	UINT64 first_paint_ms;
	uint8_t* paint_grid;
	UINT32 grid_w;
	UINT32 grid_h;
	UINT32 grid_painted;

	/* input */
	uint8_t buttons;
	uint16_t mouse_x;
	uint16_t mouse_y;
	BOOL mouse_known;

	/* display control and resizing */
	DispClientContext* disp;
	volatile BOOL disp_ready; /* the server sent its display control capabilities */
	UINT32 disp_max_area;     /* MaxMonitorAreaFactorA * B, 0 if unknown */
	BOOL resize_pending;
	uint16_t resize_w;
	uint16_t resize_h;
	UINT64 resize_requested_ms;
	UINT64 resize_sent_ms;

	/* clipboard */
	CliprdrClientContext* cliprdr;
} PortholeContext;

#define LOGIN_GRID_CELL 32

/* Milliseconds from a monotonic clock. */
UINT64 now_ms(void);

/* Sends ERROR (once) with kind and message. */
void session_fail(PortholeContext* pc, uint8_t kind, const char* fmt, ...);
/* Sends STAGE if it is later than the last one sent. */
void session_stage(PortholeContext* pc, int stage);
/* Sends LOGON once. */
void session_logon(PortholeContext* pc, const char* how);

/* display.c */
BOOL display_post_connect(PortholeContext* pc);
void display_post_disconnect(PortholeContext* pc);
BOOL display_send_ready(PortholeContext* pc);
BOOL display_send_full_frame(PortholeContext* pc);
BOOL display_sync_size(PortholeContext* pc);
void display_on_channel(PortholeContext* pc, const char* name, void* iface, BOOL connected);
void display_request_resize(PortholeContext* pc, uint16_t width, uint16_t height);
/* Runs pending resizes; may reconnect. Returns FALSE when the session cannot go on. */
BOOL display_tick(PortholeContext* pc);

/* clipboard.c */
void clipboard_on_channel(PortholeContext* pc, const char* name, void* iface, BOOL connected);
BOOL clipboard_set_local(PortholeContext* pc, const uint8_t* utf8, size_t len);
void clipboard_free(void);

/* input.c: returns FALSE on a malformed message */
BOOL input_handle(PortholeContext* pc, uint8_t type, const uint8_t* data, uint32_t len, char* err,
                  size_t errlen);

/* connection.c */
rdpContext* connection_create(void);
BOOL connection_setup(PortholeContext* pc);
BOOL connection_connect(PortholeContext* pc);
void connection_report_failure(PortholeContext* pc);
void connection_report_end(PortholeContext* pc);
void connection_tick(PortholeContext* pc);
void connection_install_log(void);
/* A malformed message met while FreeRDP was connecting (in the certificate question), or NULL */
const char* connection_bad_input(void);
/* display.c reports each painted rectangle (after READY) */
void connection_painted(PortholeContext* pc, INT32 x, INT32 y, INT32 w, INT32 h);
void connection_reset_paint_watch(PortholeContext* pc);

#endif
