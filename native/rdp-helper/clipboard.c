/* The clipboard over cliprdr: CF_UNICODETEXT on the wire, UTF-8 on the pipe. Windows line ends
 * (CRLF) on the RDP side, LF on the browser side. */
#include "session.h"
#include "io.h"
#include "proto.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <freerdp/channels/cliprdr.h>

#ifndef CF_TEXT
#define CF_TEXT 1
#endif
#ifndef CF_UNICODETEXT
#define CF_UNICODETEXT 13
#endif

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static BYTE* g_local = NULL; /* UTF-16LE with CRLF and a terminating NUL: what we offer */
static size_t g_local_len = 0;
static BOOL g_have_local = FALSE;
static BOOL g_monitor_ready = FALSE;

/* ---- conversions ---- */

/* UTF-8 (possibly invalid) to UTF-16LE, LF -> CRLF, NUL-terminated. */
static BYTE* utf8_to_utf16_crlf(const uint8_t* in, size_t len, size_t* out_len)
{
	/* worst case: every byte a LF (2 code units) -> 4 bytes each, plus the NUL */
	BYTE* out = malloc(len * 4 + 2);
	size_t n = 0;
	size_t i = 0;
	if (!out)
		return NULL;
	while (i < len)
	{
		uint32_t cp;
		uint8_t c = in[i];
		size_t k = 0;
		if (c < 0x80)
			cp = c, k = 1;
		else if (c >= 0xC2 && c <= 0xDF && i + 1 < len && (in[i + 1] & 0xC0) == 0x80)
			cp = ((uint32_t)(c & 0x1F) << 6) | (in[i + 1] & 0x3F), k = 2;
		else if (c >= 0xE0 && c <= 0xEF && i + 2 < len && (in[i + 1] & 0xC0) == 0x80 && (in[i + 2] & 0xC0) == 0x80)
		{
			cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(in[i + 1] & 0x3F) << 6) | (in[i + 2] & 0x3F);
			k = 3;
			if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
				cp = 0xFFFD;
		}
		else if (c >= 0xF0 && c <= 0xF4 && i + 3 < len && (in[i + 1] & 0xC0) == 0x80 &&
		         (in[i + 2] & 0xC0) == 0x80 && (in[i + 3] & 0xC0) == 0x80)
		{
			cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(in[i + 1] & 0x3F) << 12) |
			     ((uint32_t)(in[i + 2] & 0x3F) << 6) | (in[i + 3] & 0x3F);
			k = 4;
			if (cp < 0x10000 || cp > 0x10FFFF)
				cp = 0xFFFD;
		}
		else
			cp = 0xFFFD, k = 1;
		i += k;
		if (cp == 0)
			break; /* text ends at a NUL */
		if (cp == '\n' && !(n >= 2 && out[n - 2] == '\r' && out[n - 1] == 0))
		{
			out[n++] = '\r';
			out[n++] = 0;
		}
		if (cp >= 0x10000)
		{
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xD800 + (v >> 10)), lo = (uint16_t)(0xDC00 + (v & 0x3FF));
			out[n++] = (BYTE)(hi & 0xFF);
			out[n++] = (BYTE)(hi >> 8);
			out[n++] = (BYTE)(lo & 0xFF);
			out[n++] = (BYTE)(lo >> 8);
		}
		else
		{
			out[n++] = (BYTE)(cp & 0xFF);
			out[n++] = (BYTE)(cp >> 8);
		}
	}
	out[n++] = 0;
	out[n++] = 0;
	*out_len = n;
	return out;
}

/* UTF-16LE (up to a NUL) to UTF-8, CRLF -> LF. */
static char* utf16_to_utf8_lf(const BYTE* in, size_t len, size_t* out_len)
{
	size_t units = len / 2;
	char* out = malloc(units * 3 + 1);
	size_t n = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < units; i++)
	{
		uint32_t cp = (uint32_t)in[2 * i] | ((uint32_t)in[2 * i + 1] << 8);
		if (cp == 0)
			break;
		if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < units)
		{
			uint32_t lo = (uint32_t)in[2 * i + 2] | ((uint32_t)in[2 * i + 3] << 8);
			if (lo >= 0xDC00 && lo <= 0xDFFF)
			{
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			}
			else
				cp = 0xFFFD;
		}
		else if (cp >= 0xD800 && cp <= 0xDFFF)
			cp = 0xFFFD;
		if (cp == '\r' && i + 1 < units && in[2 * i + 2] == '\n' && in[2 * i + 3] == 0)
			continue;
		if (cp < 0x80)
			out[n++] = (char)cp;
		else if (cp < 0x800)
		{
			out[n++] = (char)(0xC0 | (cp >> 6));
			out[n++] = (char)(0x80 | (cp & 0x3F));
		}
		else if (cp < 0x10000)
		{
			out[n++] = (char)(0xE0 | (cp >> 12));
			out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			out[n++] = (char)(0x80 | (cp & 0x3F));
		}
		else
		{
			/* 4 bytes from 2 units: fits the units * 3 budget */
			out[n++] = (char)(0xF0 | (cp >> 18));
			out[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
			out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			out[n++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	out[n] = 0;
	*out_len = n;
	return out;
}

/* CF_TEXT (ANSI): taken as Latin-1, CRLF -> LF. */
static char* latin1_to_utf8_lf(const BYTE* in, size_t len, size_t* out_len)
{
	char* out = malloc(len * 2 + 1);
	size_t n = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len && in[i]; i++)
	{
		if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
			continue;
		if (in[i] < 0x80)
			out[n++] = (char)in[i];
		else
		{
			out[n++] = (char)(0xC0 | (in[i] >> 6));
			out[n++] = (char)(0x80 | (in[i] & 0x3F));
		}
	}
	out[n] = 0;
	*out_len = n;
	return out;
}

/* ---- cliprdr ---- */

static UINT send_format_list(CliprdrClientContext* cliprdr)
{
	CLIPRDR_FORMAT format = { CF_UNICODETEXT, NULL };
	CLIPRDR_FORMAT_LIST list = { 0 };
	BOOL have;
	pthread_mutex_lock(&g_lock);
	have = g_have_local;
	pthread_mutex_unlock(&g_lock);
	list.msgType = CB_FORMAT_LIST;
	list.numFormats = have ? 1 : 0;
	list.formats = have ? &format : NULL;
	return cliprdr->ClientFormatList ? cliprdr->ClientFormatList(cliprdr, &list) : CHANNEL_RC_OK;
}

static UINT on_monitor_ready(CliprdrClientContext* cliprdr, const CLIPRDR_MONITOR_READY* ready)
{
	CLIPRDR_GENERAL_CAPABILITY_SET general = { 0 };
	CLIPRDR_CAPABILITIES caps = { 0 };
	UINT rc;
	(void)ready;
	general.capabilitySetType = CB_CAPSTYPE_GENERAL;
	general.capabilitySetLength = CB_CAPSTYPE_GENERAL_LEN;
	general.version = CB_CAPS_VERSION_2;
	general.generalFlags = CB_USE_LONG_FORMAT_NAMES;
	caps.msgType = CB_CLIP_CAPS;
	caps.cCapabilitiesSets = 1;
	caps.capabilitySets = (CLIPRDR_CAPABILITY_SET*)&general;
	if (cliprdr->ClientCapabilities && (rc = cliprdr->ClientCapabilities(cliprdr, &caps)) != CHANNEL_RC_OK)
		return rc;
	pthread_mutex_lock(&g_lock);
	g_monitor_ready = TRUE;
	pthread_mutex_unlock(&g_lock);
	return send_format_list(cliprdr);
}

static UINT on_server_capabilities(CliprdrClientContext* cliprdr, const CLIPRDR_CAPABILITIES* caps)
{
	(void)cliprdr;
	(void)caps;
	return CHANNEL_RC_OK;
}

static UINT on_server_format_list(CliprdrClientContext* cliprdr, const CLIPRDR_FORMAT_LIST* list)
{
	CLIPRDR_FORMAT_LIST_RESPONSE response = { 0 };
	CLIPRDR_FORMAT_DATA_REQUEST request = { 0 };
	UINT32 want = 0;
	UINT rc;
	response.msgType = CB_FORMAT_LIST_RESPONSE;
	response.msgFlags = CB_RESPONSE_OK;
	if (cliprdr->ClientFormatListResponse &&
	    (rc = cliprdr->ClientFormatListResponse(cliprdr, &response)) != CHANNEL_RC_OK)
		return rc;
	if (!list || !list->formats)
		return CHANNEL_RC_OK;
	for (UINT32 i = 0; i < list->numFormats; i++)
	{
		if (list->formats[i].formatId == CF_UNICODETEXT)
			want = CF_UNICODETEXT;
		else if (list->formats[i].formatId == CF_TEXT && want == 0)
			want = CF_TEXT;
	}
	if (!want || !cliprdr->ClientFormatDataRequest)
		return CHANNEL_RC_OK;
	request.msgType = CB_FORMAT_DATA_REQUEST;
	request.requestedFormatId = want;
	cliprdr->lastRequestedFormatId = want;
	return cliprdr->ClientFormatDataRequest(cliprdr, &request);
}

static UINT on_server_format_list_response(CliprdrClientContext* cliprdr,
                                           const CLIPRDR_FORMAT_LIST_RESPONSE* response)
{
	(void)cliprdr;
	(void)response;
	return CHANNEL_RC_OK;
}

static UINT on_server_format_data_request(CliprdrClientContext* cliprdr, const CLIPRDR_FORMAT_DATA_REQUEST* request)
{
	CLIPRDR_FORMAT_DATA_RESPONSE response = { 0 };
	UINT rc;
	response.msgType = CB_FORMAT_DATA_RESPONSE;
	pthread_mutex_lock(&g_lock);
	if (request && request->requestedFormatId == CF_UNICODETEXT && g_have_local && g_local_len <= UINT32_MAX)
	{
		response.msgFlags = CB_RESPONSE_OK;
		response.dataLen = (UINT32)g_local_len;
		response.requestedFormatData = g_local;
	}
	else
		response.msgFlags = CB_RESPONSE_FAIL;
	rc = cliprdr->ClientFormatDataResponse ? cliprdr->ClientFormatDataResponse(cliprdr, &response) : CHANNEL_RC_OK;
	pthread_mutex_unlock(&g_lock);
	return rc;
}

static UINT on_server_format_data_response(CliprdrClientContext* cliprdr,
                                           const CLIPRDR_FORMAT_DATA_RESPONSE* response)
{
	char* text = NULL;
	size_t n = 0;
	if (!response || (response->msgFlags & CB_RESPONSE_FAIL) || !response->requestedFormatData)
		return CHANNEL_RC_OK;
	if (cliprdr->lastRequestedFormatId == CF_TEXT)
		text = latin1_to_utf8_lf(response->requestedFormatData, response->dataLen, &n);
	else
		text = utf16_to_utf8_lf(response->requestedFormatData, response->dataLen, &n);
	if (!text)
		return CHANNEL_RC_NO_MEMORY;
	if (n + 1 < PROTO_MAX_MESSAGE)
		io_send(OUT_CLIPBOARD, text, n, NULL, 0);
	else
		fprintf(stderr, "porthole-rdp: dropped %zu bytes of remote clipboard text (over 64 MiB)\n", n);
	free(text);
	return CHANNEL_RC_OK;
}

void clipboard_on_channel(PortholeContext* pc, const char* name, void* iface, BOOL connected)
{
	CliprdrClientContext* cliprdr = (CliprdrClientContext*)iface;
	if (strcmp(name, CLIPRDR_SVC_CHANNEL_NAME) != 0)
		return;
	pthread_mutex_lock(&g_lock);
	g_monitor_ready = FALSE;
	pthread_mutex_unlock(&g_lock);
	if (connected && cliprdr)
	{
		cliprdr->custom = pc;
		cliprdr->MonitorReady = on_monitor_ready;
		cliprdr->ServerCapabilities = on_server_capabilities;
		cliprdr->ServerFormatList = on_server_format_list;
		cliprdr->ServerFormatListResponse = on_server_format_list_response;
		cliprdr->ServerFormatDataRequest = on_server_format_data_request;
		cliprdr->ServerFormatDataResponse = on_server_format_data_response;
		pc->cliprdr = cliprdr;
	}
	else
		pc->cliprdr = NULL;
}

BOOL clipboard_set_local(PortholeContext* pc, const uint8_t* utf8, size_t len)
{
	size_t n = 0;
	BYTE* wide = utf8_to_utf16_crlf(utf8, len, &n);
	BOOL announce;
	if (!wide)
		return FALSE;
	pthread_mutex_lock(&g_lock);
	if (g_local)
		memset(g_local, 0, g_local_len);
	free(g_local);
	g_local = wide;
	g_local_len = n;
	g_have_local = TRUE;
	announce = g_monitor_ready;
	pthread_mutex_unlock(&g_lock);
	if (announce && pc->cliprdr)
		send_format_list(pc->cliprdr);
	return TRUE;
}

void clipboard_free(void)
{
	pthread_mutex_lock(&g_lock);
	if (g_local)
		memset(g_local, 0, g_local_len);
	free(g_local);
	g_local = NULL;
	g_local_len = 0;
	g_have_local = FALSE;
	pthread_mutex_unlock(&g_lock);
}
