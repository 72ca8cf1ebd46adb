/* The CONNECT message (a small JSON object) and JSON strings for CERTIFICATE. */
#ifndef PORTHOLE_RDP_JSON_H
#define PORTHOLE_RDP_JSON_H

#include <stddef.h>
#include <winpr/wtypes.h>

typedef enum
{
	SEC_ANY,
	SEC_TLS,
	SEC_NLA,
	SEC_RDP,
	/* TLS or NLA, never Standard RDP Security: what "any" becomes once a certificate is pinned. */
	SEC_TLS_NLA
} SecurityMode;

typedef struct
{
	char* host;
	unsigned port;
	char* username;
	char* password;
	char* domain;
	SecurityMode security;
	unsigned width;
	unsigned height;
	unsigned keyboard_layout; /* RDP keyboard layout id (e.g. 0x407 de-DE); 0x409 when not given */
	BOOL cert_ask;         /* certificate: "ask" */
	char cert_sha256[65];  /* certificate: "sha256:<hex>", lowercase, without colons */
} ConnectParams;

/* Parses and checks CONNECT. On failure returns FALSE with a reason in err (never a secret). */
BOOL connect_params_parse(const char* text, size_t len, ConnectParams* out, char* err, size_t errlen);
void connect_params_clear(ConnectParams* p);

/* Appends s as a JSON string literal (with quotes) to buf. Returns FALSE if it does not fit. */
BOOL json_append_string(char* buf, size_t size, size_t* pos, const char* s);

#endif
