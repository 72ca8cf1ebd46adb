/* The RDP connection: settings from CONNECT, FreeRDP's connection callbacks, the certificate
 * check, stages, the logon signal and the mapping of failures to ERROR kinds. */
#include "session.h"
#include "io.h"
#include "proto.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <freerdp/client/cmdline.h>
#include <freerdp/crypto/crypto.h>
#include <freerdp/error.h>
#include <freerdp/event.h>
#include <freerdp/gdi/gdi.h>
#include <freerdp/session.h>
#include <freerdp/settings.h>
#include <winpr/crypto.h>
#include <winpr/wlog.h>

/* The login screen check (see connection_painted) */
#define LOGIN_SCREEN_SETTLE_MS 3000
#define LOGIN_SESSION_COVERAGE 90 /* percent of the desktop */

/* nego_failure values, sniffed from FreeRDP's log (FreeRDP 2 keeps the negotiation failure code
 * to itself). */
enum
{
	NEGO_NONE,
	NEGO_SSL_REQUIRED,
	NEGO_SSL_NOT_ALLOWED,
	NEGO_SSL_CERT_NOT_ON_SERVER,
	NEGO_INCONSISTENT_FLAGS,
	NEGO_HYBRID_REQUIRED,
	NEGO_SSL_WITH_USER_AUTH_REQUIRED,
	NEGO_OTHER
};

static PortholeContext* g_pc = NULL; /* for the log callback */
static BOOL g_log_verbose = FALSE;   /* WLOG_LEVEL or WLOG_FILTER set: print debug messages too */
static int g_nego_selected = -1;     /* the protocol the server selected (0 RDP, 1 TLS, 2 NLA, ...) */
static char g_bad_input[160];       /* a malformed message seen inside a FreeRDP callback */

UINT64 now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (UINT64)ts.tv_sec * 1000u + (UINT64)ts.tv_nsec / 1000000u;
}

void session_fail(PortholeContext* pc, uint8_t kind, const char* fmt, ...)
{
	char msg[512];
	va_list ap;
	if (!pc || pc->error_sent)
		return;
	pc->error_sent = TRUE;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "porthole-rdp: error %u: %s\n", kind, msg);
	io_send(OUT_ERROR, &kind, 1, msg, strlen(msg));
}

void session_stage(PortholeContext* pc, int stage)
{
	if (!pc || stage <= pc->stage_sent || pc->reconnecting)
		return;
	pc->stage_sent = stage;
	io_send_u8(OUT_STAGE, (uint8_t)stage);
}

void session_logon(PortholeContext* pc, const char* how)
{
	if (!pc || pc->logged_on)
		return;
	pc->logged_on = TRUE;
	fprintf(stderr, "porthole-rdp: logon confirmed (%s) after %llu ms\n", how,
	        (unsigned long long)(now_ms() - pc->connect_started_ms));
	io_send(OUT_LOGON, NULL, 0, NULL, 0);
}

/* ---- FreeRDP's log: to stderr, never stdout; and the negotiation failure code ---- */

static BOOL log_message(const wLogMessage* msg)
{
	static const char* levels[] = { "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF" };
	const char* text = msg && msg->TextString ? msg->TextString : (msg && msg->FormatString ? msg->FormatString : "");
	const char* level = msg && msg->Level < 7 ? levels[msg->Level] : "?";
	const char* sel;
	if (!msg)
		return TRUE;
	if (msg->Level >= WLOG_INFO || g_log_verbose)
		fprintf(stderr, "[freerdp %s] %s\n", level, text);
	if ((sel = strstr(text, "selected_protocol: ")) != NULL)
		g_nego_selected = atoi(sel + 19);
	if (g_pc && g_pc->nego_failure == NEGO_NONE)
	{
		if (strstr(text, "HYBRID_REQUIRED_BY_SERVER"))
			g_pc->nego_failure = NEGO_HYBRID_REQUIRED;
		else if (strstr(text, "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER"))
			g_pc->nego_failure = NEGO_SSL_WITH_USER_AUTH_REQUIRED;
		else if (strstr(text, "SSL_REQUIRED_BY_SERVER"))
			g_pc->nego_failure = NEGO_SSL_REQUIRED;
		else if (strstr(text, "SSL_NOT_ALLOWED_BY_SERVER"))
			g_pc->nego_failure = NEGO_SSL_NOT_ALLOWED;
		else if (strstr(text, "SSL_CERT_NOT_ON_SERVER"))
			g_pc->nego_failure = NEGO_SSL_CERT_NOT_ON_SERVER;
		else if (strstr(text, "INCONSISTENT_FLAGS"))
			g_pc->nego_failure = NEGO_INCONSISTENT_FLAGS;
		else if (strstr(text, "Protocol Security Negotiation Failure"))
			g_pc->nego_failure = NEGO_OTHER;
	}
	return TRUE;
}

void connection_install_log(void)
{
	wLog* root = WLog_GetRoot();
	wLogCallbacks callbacks = { 0 };
	wLogAppender* appender;
	wLog* nego;
	callbacks.message = log_message;
	g_log_verbose = getenv("WLOG_LEVEL") != NULL || getenv("WLOG_FILTER") != NULL;
	if (!root || !WLog_SetLogAppenderType(root, WLOG_APPENDER_CALLBACK))
		return;
	appender = WLog_GetLogAppender(root);
	if (appender)
		WLog_ConfigureAppender(appender, "callbacks", &callbacks);
	/* the negotiation tells what the server chose only at debug level */
	nego = WLog_Get("com.freerdp.core.nego");
	if (nego && WLog_GetLogLevel(nego) > WLOG_DEBUG)
		WLog_SetLogLevel(nego, WLOG_DEBUG);
}

/* ---- stages ---- */

static void on_connection_state(void* ctx, ConnectionStateChangeEventArgs* e)
{
	PortholeContext* pc = (PortholeContext*)ctx;
	if (!pc || !e)
		return;
	switch (e->state)
	{
		case CONNECTION_STATE_NLA:
			/* TLS is up; NLA checks the credentials */
			session_stage(pc, STAGE_SECURING);
			session_stage(pc, STAGE_AUTHENTICATING);
			break;
		case CONNECTION_STATE_MCS_CONNECT:
			/* TLS is up, or RDP security starts with the MCS exchange */
			session_stage(pc, STAGE_SECURING);
			break;
		case CONNECTION_STATE_MCS_CHANNEL_JOIN:
		case CONNECTION_STATE_RDP_SECURITY_COMMENCEMENT:
		case CONNECTION_STATE_SECURE_SETTINGS_EXCHANGE:
			/* the Client Info PDU with the credentials follows the channel joins (FreeRDP 2.11
			 * raises no event for the two states after this one) */
			session_stage(pc, STAGE_AUTHENTICATING);
			break;
		case CONNECTION_STATE_LICENSING:
		case CONNECTION_STATE_CAPABILITIES_EXCHANGE:
		case CONNECTION_STATE_FINALIZATION:
		case CONNECTION_STATE_ACTIVE:
			session_stage(pc, STAGE_STARTING);
			break;
		default:
			break;
	}
}

static void on_channel_connected(void* ctx, ChannelConnectedEventArgs* e)
{
	PortholeContext* pc = (PortholeContext*)ctx;
	if (!pc || !e || !e->name)
		return;
	display_on_channel(pc, e->name, e->pInterface, TRUE);
	clipboard_on_channel(pc, e->name, e->pInterface, TRUE);
}

static void on_channel_disconnected(void* ctx, ChannelDisconnectedEventArgs* e)
{
	PortholeContext* pc = (PortholeContext*)ctx;
	if (!pc || !e || !e->name)
		return;
	display_on_channel(pc, e->name, e->pInterface, FALSE);
	clipboard_on_channel(pc, e->name, e->pInterface, FALSE);
}

/* ---- the certificate ---- */

/* Decodes the first PEM certificate in data into DER. */
static BYTE* pem_to_der(const BYTE* data, size_t length, size_t* der_len)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	const char* text = (const char*)data;
	const char* b = NULL;
	const char* e = NULL;
	BYTE* out;
	size_t n = 0;
	unsigned acc = 0;
	int bits = 0;

	for (size_t i = 0; i + sizeof(begin) - 1 <= length; i++)
		if (memcmp(text + i, begin, sizeof(begin) - 1) == 0)
		{
			b = text + i + sizeof(begin) - 1;
			break;
		}
	if (!b)
		return NULL;
	for (const char* p = b; p + sizeof(end) - 1 <= text + length; p++)
		if (memcmp(p, end, sizeof(end) - 1) == 0)
		{
			e = p;
			break;
		}
	if (!e)
		return NULL;
	out = malloc((size_t)(e - b) * 3 / 4 + 4);
	if (!out)
		return NULL;
	for (const char* p = b; p < e; p++)
	{
		int v;
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else if (c == '=' || c == '\r' || c == '\n' || c == ' ' || c == '\t')
			continue;
		else
		{
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			out[n++] = (BYTE)((acc >> bits) & 0xFF);
		}
	}
	*der_len = n;
	return out;
}

static void hex_lower(const BYTE* in, size_t n, char* out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++)
	{
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = 0;
}

/* Asks the gateway; returns TRUE when it accepts. */
static BOOL ask_gateway(PortholeContext* pc, const char* hex, const char* subject, const char* issuer,
                        BOOL changed)
{
	char json[4096];
	size_t pos = 0;
	IoMsg* m;
	BOOL accept = FALSE;

	pos = (size_t)snprintf(json, sizeof(json), "{\"fingerprint\":\"sha256:%s\",\"subject\":", hex);
	if (!json_append_string(json, sizeof(json) - 64, &pos, subject ? subject : "") ||
	    pos + 16 >= sizeof(json))
	{
		pos = (size_t)snprintf(json, sizeof(json), "{\"fingerprint\":\"sha256:%s\",\"subject\":\"\"", hex);
	}
	memcpy(json + pos, ",\"issuer\":", 10);
	pos += 10;
	json[pos] = 0;
	if (!json_append_string(json, sizeof(json) - 32, &pos, issuer ? issuer : ""))
	{
		memcpy(json + pos, "\"\"", 3);
		pos += 2;
	}
	pos += (size_t)snprintf(json + pos, sizeof(json) - pos, ",\"changed\":%s}", changed ? "true" : "false");
	fprintf(stderr, "porthole-rdp: asking about certificate sha256:%s (%s)\n", hex,
	        changed ? "changed" : "new");
	if (!io_send(OUT_CERTIFICATE, json, pos, NULL, 0))
		return FALSE;

	m = io_wait_for(IN_CERT_ANSWER);
	if (m->type == MSG_EOF)
		pc->input_ended = TRUE;
	else if (m->type == MSG_BAD)
		snprintf(g_bad_input, sizeof(g_bad_input), "%s", (const char*)m->data);
	else if (m->len != 1 || m->data[0] > 1)
		snprintf(g_bad_input, sizeof(g_bad_input), "CERT_ANSWER must hold one byte, 0 or 1");
	else
		accept = m->data[0] == 1;
	io_free(m);
	return accept;
}

/* The decision for a certificate whose SHA-256 is hex. 2 = accept for this session only. */
static int check_certificate(PortholeContext* pc, const char* hex, const char* subject, const char* issuer)
{
	BOOL accept;
	pc->cert_checked = TRUE;
	session_stage(pc, STAGE_SECURING);
	if (!pc->params.cert_ask && strcmp(hex, pc->params.cert_sha256) == 0)
		return 2;
	accept = ask_gateway(pc, hex, subject, issuer, !pc->params.cert_ask);
	if (!accept)
	{
		pc->cert_rejected = TRUE;
		return 0;
	}
	return 2;
}

/* ExternalCertificateManagement: every TLS certificate comes here (FreeRDP neither consults its
 * known_hosts store nor accepts a certificate on its own because a CA signed it). */
static int verify_x509(freerdp* instance, const BYTE* data, size_t length, const char* hostname,
                       UINT16 port, DWORD flags)
{
	PortholeContext* pc = instance ? (PortholeContext*)instance->context : NULL;
	BYTE digest[WINPR_SHA256_DIGEST_LENGTH];
	char hex[2 * WINPR_SHA256_DIGEST_LENGTH + 1];
	char* subject = NULL;
	char* issuer = NULL;
	size_t der_len = 0;
	BYTE* der;
	int rc;
	(void)hostname;
	(void)port;
	if (!pc || !data || length == 0)
		return 0;
	if (flags & VERIFY_CERT_FLAG_GATEWAY)
		return 0; /* no RD gateway is configured */
	der = pem_to_der(data, length, &der_len);
	if (!der || der_len == 0 || der_len > UINT32_MAX ||
	    !winpr_Digest(WINPR_MD_SHA256, der, der_len, digest, sizeof(digest)))
	{
		free(der);
		fprintf(stderr, "porthole-rdp: could not read the server certificate\n");
		return 0;
	}
	hex_lower(digest, sizeof(digest), hex);
	{
		CryptoCert cert = crypto_cert_read(der, (UINT32)der_len);
		if (cert && cert->px509)
		{
			subject = crypto_cert_subject(cert->px509);
			issuer = crypto_cert_issuer(cert->px509);
		}
		if (cert)
			crypto_cert_free(cert);
	}
	free(der);
	rc = check_certificate(pc, hex, subject, issuer);
	free(subject);
	free(issuer);
	return rc;
}

/* Normalises a fingerprint FreeRDP formats ("ab:cd:..") to lowercase hex without colons. */
static BOOL normalise_fingerprint(const char* in, char* out, size_t outlen)
{
	size_t n = 0;
	if (!in)
		return FALSE;
	for (; *in; in++)
	{
		char c = *in;
		if (c == ':')
			continue;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) || n + 1 >= outlen)
			return FALSE;
		out[n++] = (char)((c >= 'A' && c <= 'F') ? c - 'A' + 'a' : c);
	}
	out[n] = 0;
	return n == 64;
}

/* Only reached if ExternalCertificateManagement were off: the same decision. */
static DWORD verify_certificate_ex(freerdp* instance, const char* host, UINT16 port, const char* common_name,
                                   const char* subject, const char* issuer, const char* fingerprint,
                                   DWORD flags)
{
	PortholeContext* pc = instance ? (PortholeContext*)instance->context : NULL;
	char hex[80];
	(void)host;
	(void)port;
	(void)common_name;
	(void)flags;
	if (!pc || !normalise_fingerprint(fingerprint, hex, sizeof(hex)))
		return 0;
	return (DWORD)check_certificate(pc, hex, subject, issuer);
}

static DWORD verify_changed_certificate_ex(freerdp* instance, const char* host, UINT16 port,
                                           const char* common_name, const char* subject,
                                           const char* issuer, const char* new_fingerprint,
                                           const char* old_subject, const char* old_issuer,
                                           const char* old_fingerprint, DWORD flags)
{
	(void)old_subject;
	(void)old_issuer;
	(void)old_fingerprint;
	return verify_certificate_ex(instance, host, port, common_name, subject, issuer, new_fingerprint, flags);
}

/* ---- logon ---- */

static BOOL on_save_session_info(rdpContext* context, UINT32 type, void* data)
{
	PortholeContext* pc = (PortholeContext*)context;
	if (!pc)
		return TRUE;
	fprintf(stderr, "porthole-rdp: Save Session Info type %u\n", type);
	switch (type)
	{
		case INFO_TYPE_LOGON:
		case INFO_TYPE_LOGON_LONG:
		case INFO_TYPE_LOGON_PLAIN_NOTIFY:
			session_logon(pc, "save session info");
			break;
		case INFO_TYPE_LOGON_EXTENDED_INF:
		{
			const logon_info_ex* ex = (const logon_info_ex*)data;
			/* the auto-reconnect cookie comes with a logon; errors alone do not */
			if (ex && ex->haveCookie)
				session_logon(pc, "save session info (extended)");
			break;
		}
		default:
			break;
	}
	return TRUE;
}

/* Windows reports a failed logon here and then shows its own logon screen. */
static int on_logon_error_info(freerdp* instance, UINT32 data, UINT32 type)
{
	PortholeContext* pc = instance ? (PortholeContext*)instance->context : NULL;
	fprintf(stderr, "porthole-rdp: logon error info: type 0x%08X (%s), data 0x%08X (%s)\n", type,
	        freerdp_get_logon_error_info_type(type), data, freerdp_get_logon_error_info_data(data));
	if (!pc || pc->logged_on)
		return 1;
	/* One of the two is an NTSTATUS or a LOGON_MSG_* value, the other LOGON_FAILED_* or a session
	 * id (FreeRDP and the specification name them differently): look at both. */
	{
		UINT32 status = 0;
		BOOL failed = FALSE;
		if (type >= 0xC0000000u && type < 0xFFFFFFF8u)
			status = type, failed = TRUE;
		else if (data >= 0xC0000000u && data < 0xFFFFFFF8u)
			status = data, failed = TRUE;
		else if ((type == LOGON_MSG_SESSION_CONTINUE &&
		          (data == LOGON_FAILED_BAD_PASSWORD || data == LOGON_FAILED_UPDATE_PASSWORD)) ||
		         (data == LOGON_MSG_SESSION_CONTINUE &&
		          (type == LOGON_FAILED_BAD_PASSWORD || type == LOGON_FAILED_UPDATE_PASSWORD)))
			failed = TRUE;
		if (failed)
		{
			const char* why;
			switch (status)
			{
				case 0xC0000071u: why = "the password has expired"; break;
				case 0xC0000224u: why = "the password must be changed"; break;
				case 0xC0000234u: why = "the account is locked out"; break;
				case 0xC0000072u: why = "the account is disabled"; break;
				case 0xC0000193u: why = "the account has expired"; break;
				default: why = "wrong user name or password"; break;
			}
			session_fail(pc, ERR_LOGIN_DIALOG, "%s (the server showed its login screen)", why);
			freerdp_abort_connect(instance);
		}
	}
	return 1;
}

/* xrdp answers a wrong password with its own window instead of an error: a "Connection Log"
 * box saying "login failed" (and then its login dialog), and it never sends Save Session Info,
 * not even after a good logon. What tells the two apart on the wire: a session that starts
 * (xorgxrdp attaching) repaints the whole desktop at once, while xrdp's own windows cover a
 * part of it. So: once the server paints after READY, a session must cover most of the screen
 * within LOGIN_SCREEN_SETTLE_MS, or the helper calls it the login screen. */

void connection_reset_paint_watch(PortholeContext* pc)
{
	rdpGdi* gdi = pc->context.gdi;
	free(pc->paint_grid);
	pc->paint_grid = NULL;
	pc->grid_painted = 0;
	pc->first_paint_ms = 0;
	if (pc->logged_on || pc->session_seen || !gdi || gdi->width <= 0 || gdi->height <= 0)
		return;
	pc->grid_w = ((UINT32)gdi->width + LOGIN_GRID_CELL - 1) / LOGIN_GRID_CELL;
	pc->grid_h = ((UINT32)gdi->height + LOGIN_GRID_CELL - 1) / LOGIN_GRID_CELL;
	pc->paint_grid = calloc((size_t)pc->grid_w * pc->grid_h, 1);
}

void connection_painted(PortholeContext* pc, INT32 x, INT32 y, INT32 w, INT32 h)
{
	UINT32 total;
	if (pc->logged_on || pc->session_seen || pc->reconnecting || !pc->paint_grid || w <= 0 || h <= 0)
		return;
	if (pc->first_paint_ms == 0)
		pc->first_paint_ms = now_ms();
	for (UINT32 gy = (UINT32)y / LOGIN_GRID_CELL; gy <= (UINT32)(y + h - 1) / LOGIN_GRID_CELL && gy < pc->grid_h; gy++)
		for (UINT32 gx = (UINT32)x / LOGIN_GRID_CELL; gx <= (UINT32)(x + w - 1) / LOGIN_GRID_CELL && gx < pc->grid_w; gx++)
		{
			uint8_t* cell = &pc->paint_grid[(size_t)gy * pc->grid_w + gx];
			if (!*cell)
			{
				*cell = 1;
				pc->grid_painted++;
			}
		}
	total = pc->grid_w * pc->grid_h;
	if (total && (UINT64)pc->grid_painted * 100 >= (UINT64)total * LOGIN_SESSION_COVERAGE)
	{
		pc->session_seen = TRUE;
		fprintf(stderr, "porthole-rdp: the session painted the desktop %llu ms after connecting\n",
		        (unsigned long long)(now_ms() - pc->connect_started_ms));
		free(pc->paint_grid);
		pc->paint_grid = NULL;
	}
}

void connection_tick(PortholeContext* pc)
{
	if (!pc->ready || pc->logged_on || pc->session_seen || pc->error_sent || pc->first_paint_ms == 0)
		return;
	if (now_ms() - pc->first_paint_ms < LOGIN_SCREEN_SETTLE_MS)
		return;
	fprintf(stderr, "porthole-rdp: only %u of %u screen cells painted %u ms after the first paint: the login screen\n",
	        pc->grid_painted, pc->grid_w * pc->grid_h, LOGIN_SCREEN_SETTLE_MS);
	session_fail(pc, ERR_LOGIN_DIALOG, "wrong user name or password (the server showed its login screen)");
	freerdp_abort_connect(pc->context.instance);
}

/* ---- connect callbacks ---- */

static BOOL pre_connect(freerdp* instance)
{
	rdpSettings* settings;
	if (!instance || !instance->context || !instance->settings)
		return FALSE;
	settings = instance->settings;
	PubSub_SubscribeChannelConnected(instance->context->pubSub, on_channel_connected);
	PubSub_SubscribeChannelDisconnected(instance->context->pubSub, on_channel_disconnected);
	{
		/* FreeRDP 2 raises ConnectionStateChange but does not register the event type: do it */
		static wEventType types[] = { DEFINE_EVENT_ENTRY(ConnectionStateChange) };
		wPubSub* pubsub = instance->context->pubSub;
		if (!PubSub_FindEventType(pubsub, "ConnectionStateChange"))
			PubSub_AddEventTypes(pubsub, types, 1);
		if (PubSub_SubscribeConnectionStateChange(pubsub, on_connection_state) < 0)
			fprintf(stderr, "porthole-rdp: no connection state events\n");
	}
	/* cliprdr (static) and disp (dynamic, through drdynvc) from the settings */
	if (!freerdp_client_load_addins(instance->context->channels, settings))
		return FALSE;
	return TRUE;
}

static BOOL post_connect(freerdp* instance)
{
	PortholeContext* pc = instance ? (PortholeContext*)instance->context : NULL;
	rdpUpdate* update;
	if (!pc || !instance->update)
		return FALSE;
	update = instance->update;
	session_stage(pc, STAGE_STARTING);
	if (!display_post_connect(pc))
		return FALSE;
	update->SaveSessionInfo = on_save_session_info;
	return TRUE;
}

static void post_disconnect(freerdp* instance)
{
	PortholeContext* pc = instance ? (PortholeContext*)instance->context : NULL;
	if (!pc)
		return;
	display_post_disconnect(pc);
}

static BOOL authenticate(freerdp* instance, char** username, char** password, char** domain)
{
	(void)instance;
	(void)domain;
	/* FreeRDP asks when credentials are missing (NLA): there is nobody to ask. */
	return username && *username && **username && password && *password;
}

static BOOL client_new(freerdp* instance, rdpContext* context)
{
	if (!instance || !context)
		return FALSE;
	instance->PreConnect = pre_connect;
	instance->PostConnect = post_connect;
	instance->PostDisconnect = post_disconnect;
	instance->Authenticate = authenticate;
	instance->VerifyX509Certificate = verify_x509;
	instance->VerifyCertificateEx = verify_certificate_ex;
	instance->VerifyChangedCertificateEx = verify_changed_certificate_ex;
	instance->LogonErrorInfo = on_logon_error_info;
	return TRUE;
}

static void client_free(freerdp* instance, rdpContext* context)
{
	(void)instance;
	(void)context;
}

rdpContext* connection_create(void)
{
	RDP_CLIENT_ENTRY_POINTS ep = { 0 };
	ep.Size = sizeof(ep);
	ep.Version = RDP_CLIENT_INTERFACE_VERSION;
	ep.ContextSize = sizeof(PortholeContext);
	ep.ClientNew = client_new;
	ep.ClientFree = client_free;
	return freerdp_client_context_new(&ep);
}

BOOL connection_setup(PortholeContext* pc)
{
	rdpSettings* s = pc->context.settings;
	const ConnectParams* p = &pc->params;
	BOOL ok = TRUE;
	g_pc = pc;

	ok = ok && freerdp_settings_set_string(s, FreeRDP_ServerHostname, p->host);
	ok = ok && freerdp_settings_set_uint32(s, FreeRDP_ServerPort, p->port);
	ok = ok && freerdp_settings_set_string(s, FreeRDP_Username, p->username);
	ok = ok && freerdp_settings_set_string(s, FreeRDP_Password, p->password);
	ok = ok && freerdp_settings_set_string(s, FreeRDP_Domain, p->domain);
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_AutoLogonEnabled, p->password[0] != 0);
	ok = ok && freerdp_settings_set_uint32(s, FreeRDP_DesktopWidth, p->width);
	ok = ok && freerdp_settings_set_uint32(s, FreeRDP_DesktopHeight, p->height);
	ok = ok && freerdp_settings_set_uint32(s, FreeRDP_ColorDepth, 32);
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_SoftwareGdi, TRUE);
	ok = ok && freerdp_settings_set_uint32(s, FreeRDP_KeyboardLayout, p->keyboard_layout);

	switch (p->security)
	{
		case SEC_ANY:
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_RdpSecurity, TRUE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_TlsSecurity, TRUE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_NlaSecurity, TRUE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_ExtSecurity, FALSE);
			break;
		case SEC_TLS:
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_RdpSecurity, FALSE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_TlsSecurity, TRUE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_NlaSecurity, FALSE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_ExtSecurity, FALSE);
			break;
		case SEC_NLA:
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_RdpSecurity, FALSE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_TlsSecurity, FALSE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_NlaSecurity, TRUE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_ExtSecurity, FALSE);
			break;
		case SEC_TLS_NLA:
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_RdpSecurity, FALSE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_TlsSecurity, TRUE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_NlaSecurity, TRUE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_ExtSecurity, FALSE);
			break;
		case SEC_RDP:
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_RdpSecurity, TRUE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_TlsSecurity, FALSE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_NlaSecurity, FALSE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_ExtSecurity, FALSE);
			ok = ok && freerdp_settings_set_bool(s, FreeRDP_UseRdpSecurityLayer, TRUE);
			break;
	}
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_NegotiateSecurityLayer, TRUE);
	/* Standard RDP Security with salted MACs fails against xrdp 0.9 ("MAC checksum error for
	 * non-FIPS PDU", then a disconnect); the plain MAC works everywhere */
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_SaltedChecksum, FALSE);

	/* certificates: only our own callback decides (never IgnoreCertificate, never the store) */
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_IgnoreCertificate, FALSE);
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_AutoAcceptCertificate, FALSE);
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_ExternalCertificateManagement, TRUE);

	ok = ok && freerdp_settings_set_bool(s, FreeRDP_RedirectClipboard, TRUE);
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_SupportDisplayControl, TRUE);
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_DynamicResolutionUpdate, TRUE);

	/* nothing else leaves the machine: no audio, drives, printers, smartcards */
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_AudioPlayback, FALSE);
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_AudioCapture, FALSE);
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_DeviceRedirection, FALSE);
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_RedirectDrives, FALSE);
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_RedirectPrinters, FALSE);
	ok = ok && freerdp_settings_set_bool(s, FreeRDP_RedirectSmartCards, FALSE);
	return ok;
}

static void end_hook(void* arg)
{
	PortholeContext* pc = (PortholeContext*)arg;
	/* the gateway went away or broke the protocol: stop a connect in progress at once */
	if (pc && pc->context.instance)
		freerdp_abort_connect(pc->context.instance);
}

BOOL connection_connect(PortholeContext* pc)
{
	BOOL ok;
	pc->connect_started_ms = now_ms();
	io_set_end_hook(end_hook, pc);
	session_stage(pc, STAGE_CONNECTING);
	ok = freerdp_connect(pc->context.instance);
	fprintf(stderr, "porthole-rdp: freerdp_connect %s after %llu ms\n", ok ? "succeeded" : "failed",
	        (unsigned long long)(now_ms() - pc->connect_started_ms));
	return ok;
}

const char* connection_bad_input(void)
{
	return g_bad_input[0] ? g_bad_input : NULL;
}

/* ---- why it failed ---- */

/* Tries a TCP connection to classify a failure FreeRDP reports as "connect failed". */
static int probe_tcp(const char* host, unsigned port, int timeout_ms, BOOL* dns_failed)
{
	struct addrinfo hints = { 0 };
	struct addrinfo* res = NULL;
	char service[8];
	int result = ERR_UNREACHABLE;
	BOOL saw_refused = FALSE, saw_timeout = FALSE;
	*dns_failed = FALSE;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(host, service, &hints, &res) != 0 || !res)
	{
		*dns_failed = TRUE;
		return ERR_UNREACHABLE;
	}
	for (struct addrinfo* ai = res; ai; ai = ai->ai_next)
	{
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
		int err = 0;
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			err = 0;
		else if (errno == EINPROGRESS)
		{
			struct pollfd pfd = { fd, POLLOUT, 0 };
			int pr = poll(&pfd, 1, timeout_ms);
			if (pr == 0)
				err = ETIMEDOUT;
			else if (pr < 0)
				err = errno;
			else
			{
				socklen_t len = sizeof(err);
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
					err = errno;
			}
		}
		else
			err = errno;
		close(fd);
		if (err == 0)
		{
			result = 0;
			break;
		}
		if (err == ECONNREFUSED)
			saw_refused = TRUE;
		else if (err == ETIMEDOUT)
			saw_timeout = TRUE;
	}
	freeaddrinfo(res);
	if (result == 0)
		return 0;
	if (saw_refused)
		return ERR_REFUSED;
	if (saw_timeout)
		return ERR_TIMEOUT;
	return ERR_UNREACHABLE;
}

static void report_network_failure(PortholeContext* pc, UINT64 elapsed)
{
	const ConnectParams* p = &pc->params;
	UINT32 timeout = freerdp_settings_get_uint32(pc->context.settings, FreeRDP_TcpConnectTimeout);
	BOOL dns_failed = FALSE;
	int kind;
	if (timeout && elapsed + 500 >= timeout)
		kind = ERR_TIMEOUT;
	else
		kind = probe_tcp(p->host, p->port, 5000, &dns_failed);
	switch (kind)
	{
		case ERR_TIMEOUT:
			session_fail(pc, ERR_TIMEOUT, "%s did not answer on port %u (the connection timed out)", p->host, p->port);
			break;
		case ERR_REFUSED:
			session_fail(pc, ERR_REFUSED, "%s refused the connection on port %u (no RDP server listens there)",
			             p->host, p->port);
			break;
		case ERR_UNREACHABLE:
			if (dns_failed)
				session_fail(pc, ERR_UNREACHABLE, "the host name %s could not be resolved", p->host);
			else
				session_fail(pc, ERR_UNREACHABLE, "%s cannot be reached (no route to the host)", p->host);
			break;
		default:
			/* TCP works now: the server closed the connection during the negotiation */
			session_fail(pc, ERR_PROTOCOL, "%s accepted the connection on port %u but the RDP negotiation failed",
			             p->host, p->port);
			break;
	}
}

static void report_nego_failure(PortholeContext* pc)
{
	switch (pc->nego_failure)
	{
		case NEGO_HYBRID_REQUIRED:
			session_fail(pc, ERR_NLA_REQUIRED,
			             "the server requires Network Level Authentication (NLA): choose security \"nla\" or \"any\"");
			break;
		case NEGO_SSL_WITH_USER_AUTH_REQUIRED:
			session_fail(pc, ERR_SECURITY_NEGOTIATION,
			             "the server requires TLS with a client certificate, which Porthole does not have");
			break;
		case NEGO_SSL_REQUIRED:
			session_fail(pc, ERR_SECURITY_NEGOTIATION, "the server requires TLS: choose security \"tls\" or \"any\"");
			break;
		case NEGO_SSL_NOT_ALLOWED:
			session_fail(pc, ERR_SECURITY_NEGOTIATION,
			             "the server does not allow TLS or NLA: choose security \"rdp\" or \"any\"");
			break;
		case NEGO_SSL_CERT_NOT_ON_SERVER:
			session_fail(pc, ERR_SECURITY_NEGOTIATION,
			             "the server has no TLS certificate: choose security \"rdp\" or \"any\"");
			break;
		default:
			if (pc->params.security == SEC_NLA && (g_nego_selected == 0 || g_nego_selected == 1))
				session_fail(pc, ERR_SECURITY_NEGOTIATION,
				             "the server does not offer NLA (it chose %s): choose security \"%s\" or \"any\"",
				             g_nego_selected == 1 ? "TLS" : "standard RDP security", g_nego_selected == 1 ? "tls" : "rdp");
			else if (pc->params.security == SEC_TLS && g_nego_selected == 0)
				session_fail(pc, ERR_SECURITY_NEGOTIATION,
				             "the server does not offer TLS (it chose standard RDP security): choose security \"rdp\" or \"any\"");
			else
			session_fail(pc, ERR_SECURITY_NEGOTIATION,
			             "the server and Porthole could not agree on a security protocol (the server refused \"%s\")",
			             pc->params.security == SEC_ANY   ? "any"
			             : pc->params.security == SEC_TLS ? "tls"
			             : pc->params.security == SEC_NLA ? "nla"
			                                              : "rdp");
			break;
	}
}

void connection_report_failure(PortholeContext* pc)
{
	UINT32 code = freerdp_get_last_error(&pc->context);
	UINT64 elapsed = now_ms() - pc->connect_started_ms;
	const char* name = freerdp_get_last_error_name(code);
	fprintf(stderr, "porthole-rdp: connect failed: 0x%08X %s (%s)\n", code, name ? name : "",
	        freerdp_get_last_error_string(code));
	if (pc->error_sent || pc->input_ended)
		return;
	if (connection_bad_input())
		return; /* the caller reports the malformed input */
	if (pc->cert_rejected)
	{
		session_fail(pc, ERR_CERT_REJECTED, "the server's certificate was not accepted");
		return;
	}
	if (pc->nego_failure != NEGO_NONE)
	{
		report_nego_failure(pc);
		return;
	}
	switch (code)
	{
		case FREERDP_ERROR_DNS_NAME_NOT_FOUND:
		case FREERDP_ERROR_DNS_ERROR:
			session_fail(pc, ERR_UNREACHABLE, "the host name %s could not be resolved", pc->params.host);
			return;
		case FREERDP_ERROR_CONNECT_FAILED:
		case FREERDP_ERROR_CONNECT_TRANSPORT_FAILED:
		case FREERDP_ERROR_SECURITY_NEGO_CONNECT_FAILED:
		case FREERDP_ERROR_CONNECT_CANCELLED:
		case FREERDP_ERROR_SUCCESS:
			if (!pc->cert_checked && pc->stage_sent <= STAGE_CONNECTING)
			{
				report_network_failure(pc, elapsed);
				return;
			}
			if (code == FREERDP_ERROR_SECURITY_NEGO_CONNECT_FAILED)
			{
				report_nego_failure(pc);
				return;
			}
			if (code == FREERDP_ERROR_CONNECT_TRANSPORT_FAILED && pc->params.security == SEC_RDP &&
			    pc->stage_sent == STAGE_SECURING)
			{
				/* xrdp with security_layer=tls hangs up on a client that offers only RDP security */
				session_fail(pc, ERR_SECURITY_NEGOTIATION,
				             "the server closed the connection when offered standard RDP security (it may require "
				             "TLS or NLA): choose security \"any\"");
				return;
			}
			break;
		case FREERDP_ERROR_TLS_CONNECT_FAILED:
			session_fail(pc, ERR_SECURITY_NEGOTIATION, "the TLS handshake with the server failed");
			return;
		case FREERDP_ERROR_AUTHENTICATION_FAILED:
		case FREERDP_ERROR_CONNECT_LOGON_FAILURE:
		case FREERDP_ERROR_CONNECT_WRONG_PASSWORD:
			session_fail(pc, ERR_AUTH_FAILED, "wrong user name or password");
			return;
		case FREERDP_ERROR_CONNECT_NO_OR_MISSING_CREDENTIALS:
			session_fail(pc, ERR_AUTH_FAILED, "the server needs a user name and password");
			return;
		case FREERDP_ERROR_CONNECT_ACCESS_DENIED:
		case FREERDP_ERROR_INSUFFICIENT_PRIVILEGES:
		case FREERDP_ERROR_SERVER_INSUFFICIENT_PRIVILEGES:
		case FREERDP_ERROR_CONNECT_LOGON_TYPE_NOT_GRANTED:
			session_fail(pc, ERR_AUTH_FAILED, "the account may not log on to this server remotely");
			return;
		case FREERDP_ERROR_CONNECT_ACCOUNT_LOCKED_OUT:
			session_fail(pc, ERR_AUTH_FAILED, "the account is locked out");
			return;
		case FREERDP_ERROR_CONNECT_ACCOUNT_DISABLED:
			session_fail(pc, ERR_AUTH_FAILED, "the account is disabled");
			return;
		case FREERDP_ERROR_CONNECT_ACCOUNT_EXPIRED:
			session_fail(pc, ERR_AUTH_FAILED, "the account has expired");
			return;
		case FREERDP_ERROR_CONNECT_ACCOUNT_RESTRICTION:
			session_fail(pc, ERR_AUTH_FAILED, "an account restriction prevents this logon");
			return;
		case FREERDP_ERROR_CONNECT_PASSWORD_EXPIRED:
		case FREERDP_ERROR_CONNECT_PASSWORD_CERTAINLY_EXPIRED:
			session_fail(pc, ERR_AUTH_FAILED, "the password has expired");
			return;
		case FREERDP_ERROR_CONNECT_PASSWORD_MUST_CHANGE:
			session_fail(pc, ERR_AUTH_FAILED, "the password must be changed before logging on");
			return;
		case FREERDP_ERROR_CONNECT_CLIENT_REVOKED:
			session_fail(pc, ERR_AUTH_FAILED, "the account's credentials were revoked");
			return;
		case FREERDP_ERROR_CONNECT_KDC_UNREACHABLE:
			session_fail(pc, ERR_AUTH_FAILED, "the domain controller (Kerberos KDC) cannot be reached");
			return;
		case FREERDP_ERROR_SERVER_DENIED_CONNECTION:
			session_fail(pc, ERR_AUTH_FAILED, "the server denied the connection");
			return;
		case FREERDP_ERROR_SERVER_FRESH_CREDENTIALS_REQUIRED:
			session_fail(pc, ERR_AUTH_FAILED, "the server wants the credentials typed in (fresh credentials required)");
			return;
		case FREERDP_ERROR_PRE_CONNECT_FAILED:
		case FREERDP_ERROR_POST_CONNECT_FAILED:
			session_fail(pc, ERR_INTERNAL, "the helper could not set up the session (%s)", freerdp_get_last_error_string(code));
			return;
		default:
			break;
	}
	if (pc->stage_sent >= STAGE_AUTHENTICATING && pc->params.security == SEC_NLA)
	{
		session_fail(pc, ERR_AUTH_FAILED, "wrong user name or password (NLA)");
		return;
	}
	session_fail(pc, ERR_PROTOCOL, "the RDP connection failed: %s",
	             code ? freerdp_get_last_error_string(code) : "the server closed the connection");
}

/* After an established session ended on the server side. */
void connection_report_end(PortholeContext* pc)
{
	UINT32 code = freerdp_get_last_error(&pc->context);
	const char* name = freerdp_get_last_error_name(code);
	fprintf(stderr, "porthole-rdp: session ended: 0x%08X %s (%s)\n", code, name ? name : "",
	        freerdp_get_last_error_string(code));
	if (pc->error_sent || pc->input_ended)
		return;
	switch (code)
	{
		case FREERDP_ERROR_SUCCESS:
		case FREERDP_ERROR_RPC_INITIATED_LOGOFF:
		case FREERDP_ERROR_LOGOFF_BY_USER:
		case FREERDP_ERROR_RPC_INITIATED_DISCONNECT_BY_USER:
			return; /* a clean end */
		case FREERDP_ERROR_RPC_INITIATED_DISCONNECT:
			session_fail(pc, ERR_DISCONNECTED, "an administrator disconnected the session");
			return;
		case FREERDP_ERROR_DISCONNECTED_BY_OTHER_CONNECTION:
			session_fail(pc, ERR_DISCONNECTED, "another connection took over the session");
			return;
		case FREERDP_ERROR_IDLE_TIMEOUT:
			session_fail(pc, ERR_DISCONNECTED, "the server ended the idle session");
			return;
		case FREERDP_ERROR_LOGON_TIMEOUT:
			session_fail(pc, ERR_DISCONNECTED, "the server's logon time limit was reached");
			return;
		case FREERDP_ERROR_CONNECT_TRANSPORT_FAILED:
			session_fail(pc, ERR_DISCONNECTED, "the connection to the server was lost");
			return;
		default:
			session_fail(pc, ERR_DISCONNECTED, "the server ended the session: %s", freerdp_get_last_error_string(code));
			return;
	}
}
