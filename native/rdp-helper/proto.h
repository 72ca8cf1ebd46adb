/* The pipe protocol between the gateway and porthole-rdp: docs/rdp-helper-protocol.md. */
#ifndef PORTHOLE_RDP_PROTO_H
#define PORTHOLE_RDP_PROTO_H

/* Framing limits */
#define PROTO_MAX_MESSAGE (64u * 1024u * 1024u) /* counts the type byte and the payload */
#define PROTO_MAX_FRAME_MESSAGE (16u * 1024u * 1024u)

/* Gateway -> helper */
#define IN_CONNECT 0x80
#define IN_KEY 0x81
#define IN_UNICODE 0x82
#define IN_CERT_ANSWER 0x83
#define IN_MOUSE 0x84
#define IN_CLIPBOARD 0x85
#define IN_RESIZE 0x86
#define IN_SYNC_LOCKS 0x87

/* Helper -> gateway */
#define OUT_STAGE 0x01
#define OUT_READY 0x02
#define OUT_SIZE 0x03
#define OUT_FRAME 0x04
#define OUT_CURSOR 0x05
#define OUT_CLIPBOARD 0x06
#define OUT_CERTIFICATE 0x07
#define OUT_ERROR 0x08
#define OUT_LOGON 0x09

/* STAGE values */
#define STAGE_CONNECTING 1
#define STAGE_SECURING 2
#define STAGE_AUTHENTICATING 3
#define STAGE_STARTING 4

/* ERROR kinds */
#define ERR_AUTH_FAILED 1
#define ERR_NLA_REQUIRED 2
#define ERR_CERT_REJECTED 3
#define ERR_UNREACHABLE 4
#define ERR_REFUSED 5
#define ERR_TIMEOUT 6
#define ERR_PROTOCOL 7
#define ERR_SECURITY_NEGOTIATION 8
#define ERR_LOGIN_DIALOG 9
#define ERR_DISCONNECTED 10
#define ERR_INTERNAL 11

/* Exit codes */
#define EXIT_CLEAN 0
#define EXIT_ERROR 2

#endif
