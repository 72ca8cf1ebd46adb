/* porthole-rdp: one RDP session for the Porthole gateway, spoken over stdin/stdout in the pipe
 * protocol of docs/rdp-helper-protocol.md. Built against FreeRDP 2 (libfreerdp2, freerdp-client2,
 * winpr2) by scripts/build-rdp-helper.mjs.
 *
 * Parts: io.c (framing and pipes), json.c (CONNECT), connection.c (settings, callbacks, errors),
 * display.c (frames, pointer, resize), clipboard.c (cliprdr), input.c (keyboard and mouse). */
#include "session.h"
#include "io.h"
#include "proto.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <freerdp/primitives.h>
#include <winpr/synch.h>

#define LOOP_TICK_MS 50       /* while a timer runs (login screen check, pending resize) */
#define LOOP_IDLE_MS 1000

static void early_fail(uint8_t kind, const char* msg)
{
	fprintf(stderr, "porthole-rdp: error %u: %s\n", kind, msg);
	io_send(OUT_ERROR, &kind, 1, msg, strlen(msg));
}

static int finish(rdpContext* context, BOOL connected, int code)
{
	io_set_end_hook(NULL, NULL);
	if (context)
	{
		if (connected && context->instance)
			freerdp_disconnect(context->instance);
		freerdp_client_context_free(context);
	}
	clipboard_free();
	return code;
}

/* Handles one message from the gateway during the session. FALSE ends the session; *bad says
 * whether the message was malformed. */
static BOOL handle_message(PortholeContext* pc, IoMsg* m, char* err, size_t errlen, BOOL* bad)
{
	*bad = FALSE;
	switch (m->type)
	{
		case MSG_EOF:
			pc->input_ended = TRUE;
			return FALSE;
		case MSG_BAD:
			snprintf(err, errlen, "%s", (const char*)m->data);
			*bad = TRUE;
			return FALSE;
		case IN_KEY:
		case IN_UNICODE:
		case IN_MOUSE:
		case IN_SYNC_LOCKS:
			if (!input_handle(pc, m->type, m->data, m->len, err, errlen))
			{
				*bad = TRUE;
				return FALSE;
			}
			return TRUE;
		case IN_CLIPBOARD:
			if (!clipboard_set_local(pc, m->data, m->len))
				fprintf(stderr, "porthole-rdp: out of memory for the clipboard\n");
			return TRUE;
		case IN_RESIZE:
			if (m->len != 4)
			{
				snprintf(err, errlen, "RESIZE must hold 4 bytes");
				*bad = TRUE;
				return FALSE;
			}
			display_request_resize(pc, get_u16(m->data), get_u16(m->data + 2));
			return TRUE;
		case IN_CERT_ANSWER:
			fprintf(stderr, "porthole-rdp: ignoring a CERT_ANSWER nobody asked for\n");
			return TRUE;
		case IN_CONNECT:
			snprintf(err, errlen, "CONNECT may come only once");
			*bad = TRUE;
			return FALSE;
		default:
			snprintf(err, errlen, "unknown message type 0x%02X", m->type);
			*bad = TRUE;
			return FALSE;
	}
}

int main(int argc, char** argv)
{
	int out_fd;
	IoMsg* first;
	ConnectParams params;
	char err[256];
	rdpContext* context;
	PortholeContext* pc;
	HANDLE handles[MAXIMUM_WAIT_OBJECTS];
	BOOL bad_input = FALSE;
	(void)argv;

	if (argc > 1)
	{
		fprintf(stderr, "usage: porthole-rdp (no arguments: it speaks the pipe protocol on stdin/stdout)\n");
		return EXIT_ERROR;
	}
	signal(SIGPIPE, SIG_IGN);
	/* Never outlive the gateway that started us (a helper holds a logged-in session): if it dies,
	 * even by SIGKILL, so do we. (No getppid() == 1 check: in a container the gateway is PID 1.) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		return EXIT_ERROR;
	/* The protocol gets its own descriptor; stdout then points at stderr so that nothing a
	 * library prints can corrupt the frames. */
	out_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (out_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
	{
		fprintf(stderr, "porthole-rdp: cannot set up stdout\n");
		return EXIT_ERROR;
	}
	connection_install_log();
	/* CPU-optimised primitives without FreeRDP's start-up benchmark against OpenCL */
	primitives_set_hints(PRIMITIVES_ONLY_CPU);
	if (!io_start(STDIN_FILENO, out_fd))
	{
		fprintf(stderr, "porthole-rdp: cannot start the input thread\n");
		return EXIT_ERROR;
	}

	/* CONNECT first, exactly once */
	first = io_wait();
	if (first->type == MSG_EOF)
	{
		io_free(first);
		return EXIT_CLEAN;
	}
	if (first->type == MSG_BAD)
	{
		snprintf(err, sizeof(err), "malformed input from the gateway: %s", (const char*)first->data);
		io_free(first);
		early_fail(ERR_INTERNAL, err);
		return EXIT_ERROR;
	}
	if (first->type != IN_CONNECT)
	{
		io_free(first);
		early_fail(ERR_INTERNAL, "malformed input from the gateway: the first message must be CONNECT");
		return EXIT_ERROR;
	}
	if (!connect_params_parse((const char*)first->data, first->len, &params, err, sizeof(err)))
	{
		char msg[320];
		io_free(first);
		snprintf(msg, sizeof(msg), "malformed input from the gateway: %s", err);
		early_fail(ERR_INTERNAL, msg);
		return EXIT_ERROR;
	}
	io_free(first);

	context = connection_create();
	if (!context)
	{
		connect_params_clear(&params);
		early_fail(ERR_INTERNAL, "FreeRDP could not create a client context");
		return EXIT_ERROR;
	}
	pc = (PortholeContext*)context;
	pc->params = params;
	if (!connection_setup(pc))
	{
		session_fail(pc, ERR_INTERNAL, "FreeRDP refused the connection settings");
		return finish(context, FALSE, EXIT_ERROR);
	}
	fprintf(stderr, "porthole-rdp: connecting to %s:%u as \"%s\" (%ux%u)\n", pc->params.host, pc->params.port,
	        pc->params.username, pc->params.width, pc->params.height);

	if (!connection_connect(pc))
	{
		if (connection_bad_input())
		{
			snprintf(err, sizeof(err), "malformed input from the gateway: %s", connection_bad_input());
			session_fail(pc, ERR_INTERNAL, "%s", err);
			return finish(context, FALSE, EXIT_ERROR);
		}
		if (pc->input_ended || io_input_state(NULL) == MSG_EOF)
			return finish(context, FALSE, EXIT_CLEAN);
		if (io_input_state(NULL) == MSG_BAD)
		{
			const char* why = NULL;
			io_input_state(&why);
			session_fail(pc, ERR_INTERNAL, "malformed input from the gateway: %s", why ? why : "");
			return finish(context, FALSE, EXIT_ERROR);
		}
		connection_report_failure(pc);
		return finish(context, FALSE, pc->error_sent ? EXIT_ERROR : EXIT_CLEAN);
	}

	/* the session */
	for (;;)
	{
		DWORD n, status;
		IoMsg* m;
		BOOL go_on = TRUE;
		if (freerdp_shall_disconnect(context->instance))
			break;
		n = freerdp_get_event_handles(context, handles, MAXIMUM_WAIT_OBJECTS - 1);
		if (n == 0)
		{
			session_fail(pc, ERR_INTERNAL, "FreeRDP gave no event handles");
			break;
		}
		handles[n++] = io_event();
		status = WaitForMultipleObjects(n, handles, FALSE,
		                                pc->resize_pending || (!pc->logged_on && !pc->session_seen)
		                                    ? LOOP_TICK_MS
		                                    : LOOP_IDLE_MS);
		if (status == WAIT_FAILED)
		{
			session_fail(pc, ERR_INTERNAL, "waiting for events failed");
			break;
		}
		if (!freerdp_check_event_handles(context))
		{
			fprintf(stderr, "porthole-rdp: the connection ended\n");
			break;
		}
		while (go_on && (m = io_pop()) != NULL)
		{
			go_on = handle_message(pc, m, err, sizeof(err), &bad_input);
			io_free(m);
		}
		if (!go_on)
			break;
		connection_tick(pc);
		if (pc->error_sent)
			break;
		if (!display_tick(pc))
		{
			if (!pc->error_sent && !pc->input_ended)
				session_fail(pc, ERR_DISCONNECTED, "the session could not be reconnected at the new size");
			break;
		}
		if (io_output_broken())
		{
			pc->input_ended = TRUE; /* the gateway is gone */
			break;
		}
	}

	/* the input may have ended while FreeRDP was stopping (the end hook aborts the connection) */
	if (!bad_input && !pc->input_ended)
	{
		const char* why = NULL;
		int st = io_input_state(&why);
		if (st == MSG_EOF)
			pc->input_ended = TRUE;
		else if (st == MSG_BAD)
		{
			snprintf(err, sizeof(err), "%s", why ? why : "");
			bad_input = TRUE;
		}
	}
	if (bad_input)
	{
		char msg[320];
		snprintf(msg, sizeof(msg), "malformed input from the gateway: %s", err);
		session_fail(pc, ERR_INTERNAL, "%s", msg);
		return finish(context, TRUE, EXIT_ERROR);
	}
	if (pc->input_ended)
		return finish(context, TRUE, EXIT_CLEAN);
	if (!pc->error_sent)
		connection_report_end(pc);
	return finish(context, TRUE, pc->error_sent ? EXIT_ERROR : EXIT_CLEAN);
}
