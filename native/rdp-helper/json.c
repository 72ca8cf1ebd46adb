/* A strict little JSON reader, just enough for CONNECT: one object whose values are strings,
 * numbers, booleans or null (unknown keys may hold anything and are skipped). */
#include "json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16
#define MAX_STRING (64 * 1024)

typedef struct
{
	const char* p;
	const char* end;
	char* err;
	size_t errlen;
} Reader;

static BOOL fail(Reader* r, const char* why)
{
	if (r->err && r->errlen && !r->err[0])
		snprintf(r->err, r->errlen, "%s", why);
	return FALSE;
}

static void skip_ws(Reader* r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static BOOL read_hex4(Reader* r, unsigned* out)
{
	unsigned v = 0;
	if (r->end - r->p < 4)
		return fail(r, "a truncated \\u escape");
	for (int i = 0; i < 4; i++)
	{
		int h = hexval(r->p[i]);
		if (h < 0)
			return fail(r, "a bad \\u escape");
		v = (v << 4) | (unsigned)h;
	}
	r->p += 4;
	*out = v;
	return TRUE;
}

static size_t put_utf8(char* dst, unsigned cp)
{
	if (cp < 0x80)
	{
		dst[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800)
	{
		dst[0] = (char)(0xC0 | (cp >> 6));
		dst[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		dst[0] = (char)(0xE0 | (cp >> 12));
		dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		dst[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	dst[0] = (char)(0xF0 | (cp >> 18));
	dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	dst[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Length of a valid UTF-8 sequence at p (1..4), or 0. */
static size_t utf8_seq(const unsigned char* p, const unsigned char* end)
{
	unsigned c = p[0];
	size_t n;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++)
	{
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

/* Reads a string literal; *out is malloc'd (NUL-terminated, no NUL inside) unless out is NULL. */
static BOOL read_string(Reader* r, char** out)
{
	char* buf = NULL;
	size_t n = 0;
	if (r->p >= r->end || *r->p != '"')
		return fail(r, "a string was expected");
	r->p++;
	if (out)
	{
		size_t cap = (size_t)(r->end - r->p) + 1;
		if (cap > MAX_STRING + 1)
			cap = MAX_STRING + 1;
		buf = malloc(cap + 4);
		if (!buf)
			return fail(r, "out of memory");
	}
	for (;;)
	{
		if (r->p >= r->end)
			goto bad_end;
		unsigned char c = (unsigned char)*r->p;
		if (c == '"')
		{
			r->p++;
			break;
		}
		if (c < 0x20)
		{
			fail(r, "a control character inside a string");
			goto bad;
		}
		if (n + 4 > MAX_STRING)
		{
			fail(r, "a string over 64 KiB");
			goto bad;
		}
		if (c == '\\')
		{
			char e;
			unsigned cp;
			r->p++;
			if (r->p >= r->end)
				goto bad_end;
			e = *r->p++;
			switch (e)
			{
				case '"': cp = '"'; break;
				case '\\': cp = '\\'; break;
				case '/': cp = '/'; break;
				case 'b': cp = '\b'; break;
				case 'f': cp = '\f'; break;
				case 'n': cp = '\n'; break;
				case 'r': cp = '\r'; break;
				case 't': cp = '\t'; break;
				case 'u':
					if (!read_hex4(r, &cp))
						goto bad;
					if (cp >= 0xD800 && cp <= 0xDBFF)
					{
						unsigned lo;
						if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
						{
							fail(r, "a lone surrogate in a \\u escape");
							goto bad;
						}
						r->p += 2;
						if (!read_hex4(r, &lo))
							goto bad;
						if (lo < 0xDC00 || lo > 0xDFFF)
						{
							fail(r, "a lone surrogate in a \\u escape");
							goto bad;
						}
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					}
					else if (cp >= 0xDC00 && cp <= 0xDFFF)
					{
						fail(r, "a lone surrogate in a \\u escape");
						goto bad;
					}
					if (cp == 0)
					{
						fail(r, "a NUL character inside a string");
						goto bad;
					}
					break;
				default:
					fail(r, "a bad escape in a string");
					goto bad;
			}
			if (buf)
				n += put_utf8(buf + n, cp);
			continue;
		}
		{
			size_t len = utf8_seq((const unsigned char*)r->p, (const unsigned char*)r->end);
			if (!len)
			{
				fail(r, "invalid UTF-8 inside a string");
				goto bad;
			}
			if (buf)
				memcpy(buf + n, r->p, len);
			n += len;
			r->p += len;
		}
	}
	if (out)
	{
		buf[n] = 0;
		*out = buf;
	}
	return TRUE;
bad_end:
	fail(r, "an unterminated string");
bad:
	if (buf)
	{
		memset(buf, 0, n);
		free(buf);
	}
	return FALSE;
}

/* Reads a number; *is_int tells whether it is a whole number that fits in a long. */
static BOOL read_number(Reader* r, double* out, BOOL* is_int)
{
	const char* s = r->p;
	char tmp[64];
	char* endp;
	BOOL frac = FALSE;
	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p >= r->end || !isdigit((unsigned char)*r->p))
		return fail(r, "a bad number");
	if (*r->p == '0')
		r->p++;
	else
		while (r->p < r->end && isdigit((unsigned char)*r->p))
			r->p++;
	if (r->p < r->end && *r->p == '.')
	{
		frac = TRUE;
		r->p++;
		if (r->p >= r->end || !isdigit((unsigned char)*r->p))
			return fail(r, "a bad number");
		while (r->p < r->end && isdigit((unsigned char)*r->p))
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
	{
		frac = TRUE;
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || !isdigit((unsigned char)*r->p))
			return fail(r, "a bad number");
		while (r->p < r->end && isdigit((unsigned char)*r->p))
			r->p++;
	}
	if ((size_t)(r->p - s) >= sizeof(tmp))
		return fail(r, "a number too long");
	memcpy(tmp, s, (size_t)(r->p - s));
	tmp[r->p - s] = 0;
	*out = strtod(tmp, &endp);
	*is_int = !frac && *out >= -1e15 && *out <= 1e15;
	return TRUE;
}

static BOOL match_word(Reader* r, const char* w)
{
	size_t n = strlen(w);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
		return fail(r, "a bad literal");
	r->p += n;
	return TRUE;
}

static BOOL skip_value(Reader* r, int depth);

static BOOL skip_container(Reader* r, int depth, char open, char close)
{
	if (depth > MAX_DEPTH)
		return fail(r, "JSON nested too deep");
	r->p++; /* open */
	skip_ws(r);
	if (r->p < r->end && *r->p == close)
	{
		r->p++;
		return TRUE;
	}
	for (;;)
	{
		skip_ws(r);
		if (open == '{')
		{
			if (!read_string(r, NULL))
				return FALSE;
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':')
				return fail(r, "a ':' was expected");
			r->p++;
			skip_ws(r);
		}
		if (!skip_value(r, depth + 1))
			return FALSE;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',')
		{
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close)
		{
			r->p++;
			return TRUE;
		}
		return fail(r, "a ',' or the end of a container was expected");
	}
}

static BOOL skip_value(Reader* r, int depth)
{
	double d;
	BOOL i;
	if (r->p >= r->end)
		return fail(r, "a value was expected");
	switch (*r->p)
	{
		case '"': return read_string(r, NULL);
		case '{': return skip_container(r, depth, '{', '}');
		case '[': return skip_container(r, depth, '[', ']');
		case 't': return match_word(r, "true");
		case 'f': return match_word(r, "false");
		case 'n': return match_word(r, "null");
		default: return read_number(r, &d, &i);
	}
}

void connect_params_clear(ConnectParams* p)
{
	if (!p)
		return;
	free(p->host);
	free(p->username);
	if (p->password)
	{
		memset(p->password, 0, strlen(p->password));
		free(p->password);
	}
	free(p->domain);
	memset(p, 0, sizeof(*p));
}

static BOOL take_string(Reader* r, char** slot, const char* key)
{
	char* s = NULL;
	if (r->p >= r->end || *r->p != '"')
	{
		char msg[96];
		snprintf(msg, sizeof(msg), "CONNECT.%s must be a string", key);
		return fail(r, msg);
	}
	if (*slot)
	{
		char msg[96];
		snprintf(msg, sizeof(msg), "CONNECT.%s appears twice", key);
		return fail(r, msg);
	}
	if (!read_string(r, &s))
		return FALSE;
	*slot = s;
	return TRUE;
}

static BOOL take_uint(Reader* r, unsigned* slot, BOOL* seen, const char* key, unsigned lo, unsigned hi)
{
	double d;
	BOOL is_int;
	char msg[128];
	if (*seen)
	{
		snprintf(msg, sizeof(msg), "CONNECT.%s appears twice", key);
		return fail(r, msg);
	}
	if (r->p >= r->end || !(*r->p == '-' || isdigit((unsigned char)*r->p)) || !read_number(r, &d, &is_int) ||
	    !is_int || d < lo || d > hi)
	{
		snprintf(msg, sizeof(msg), "CONNECT.%s must be a whole number from %u to %u", key, lo, hi);
		if (r->err)
			r->err[0] = 0;
		return fail(r, msg);
	}
	*slot = (unsigned)d;
	*seen = TRUE;
	return TRUE;
}

BOOL connect_params_parse(const char* text, size_t len, ConnectParams* out, char* err, size_t errlen)
{
	Reader r = { text, text + len, err, errlen };
	char* security = NULL;
	char* certificate = NULL;
	BOOL seen_port = FALSE, seen_w = FALSE, seen_h = FALSE, seen_kbd = FALSE;
	BOOL ok = FALSE;

	if (err && errlen)
		err[0] = 0;
	memset(out, 0, sizeof(*out));
	skip_ws(&r);
	if (r.p >= r.end || *r.p != '{')
	{
		fail(&r, "CONNECT must be a JSON object");
		goto done;
	}
	r.p++;
	skip_ws(&r);
	if (r.p < r.end && *r.p == '}')
		r.p++;
	else
		for (;;)
		{
			char* key = NULL;
			BOOL vok;
			skip_ws(&r);
			if (!read_string(&r, &key))
				goto done;
			skip_ws(&r);
			if (r.p >= r.end || *r.p != ':')
			{
				free(key);
				fail(&r, "a ':' was expected");
				goto done;
			}
			r.p++;
			skip_ws(&r);
			if (strcmp(key, "host") == 0)
				vok = take_string(&r, &out->host, key);
			else if (strcmp(key, "username") == 0)
				vok = take_string(&r, &out->username, key);
			else if (strcmp(key, "password") == 0)
				vok = take_string(&r, &out->password, key);
			else if (strcmp(key, "domain") == 0)
				vok = take_string(&r, &out->domain, key);
			else if (strcmp(key, "security") == 0)
				vok = take_string(&r, &security, key);
			else if (strcmp(key, "certificate") == 0)
				vok = take_string(&r, &certificate, key);
			else if (strcmp(key, "port") == 0)
				vok = take_uint(&r, &out->port, &seen_port, key, 1, 65535);
			else if (strcmp(key, "width") == 0)
				vok = take_uint(&r, &out->width, &seen_w, key, 200, 8192);
			else if (strcmp(key, "height") == 0)
				vok = take_uint(&r, &out->height, &seen_h, key, 200, 8192);
			else if (strcmp(key, "keyboardLayout") == 0)
			{
				skip_ws(&r);
				if (r.p + 4 <= r.end && memcmp(r.p, "null", 4) == 0)
					vok = match_word(&r, "null");
				else
					vok = take_uint(&r, &out->keyboard_layout, &seen_kbd, key, 0, 0xFFFFFFFFu);
			}
			else
				vok = skip_value(&r, 1);
			free(key);
			if (!vok)
				goto done;
			skip_ws(&r);
			if (r.p < r.end && *r.p == ',')
			{
				r.p++;
				continue;
			}
			if (r.p < r.end && *r.p == '}')
			{
				r.p++;
				break;
			}
			fail(&r, "a ',' or '}' was expected");
			goto done;
		}
	skip_ws(&r);
	if (r.p != r.end)
	{
		fail(&r, "text after the CONNECT object");
		goto done;
	}

	if (!out->host || !out->host[0] || strlen(out->host) > 255)
	{
		fail(&r, "CONNECT.host must be a host name or address (1 to 255 characters)");
		goto done;
	}
	for (const char* c = out->host; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == '/')
		{
			fail(&r, "CONNECT.host holds a space, a control character or '/'");
			goto done;
		}
	if (!seen_port || !seen_w || !seen_h)
	{
		fail(&r, "CONNECT needs port, width and height");
		goto done;
	}
	if (out->keyboard_layout == 0)
		out->keyboard_layout = 0x409;
	if (!out->username)
		out->username = strdup("");
	if (!out->password)
		out->password = strdup("");
	if (!out->domain)
		out->domain = strdup("");
	if (!out->username || !out->password || !out->domain)
	{
		fail(&r, "out of memory");
		goto done;
	}
	if (!security)
	{
		fail(&r, "CONNECT.security is missing");
		goto done;
	}
	if (strcmp(security, "any") == 0)
		out->security = SEC_ANY;
	else if (strcmp(security, "tls") == 0)
		out->security = SEC_TLS;
	else if (strcmp(security, "nla") == 0)
		out->security = SEC_NLA;
	else if (strcmp(security, "rdp") == 0)
		out->security = SEC_RDP;
	else if (strcmp(security, "tls-nla") == 0)
		out->security = SEC_TLS_NLA;
	else
	{
		fail(&r, "CONNECT.security must be \"any\", \"tls\", \"nla\", \"tls-nla\" or \"rdp\"");
		goto done;
	}
	if (!certificate)
	{
		fail(&r, "CONNECT.certificate is missing");
		goto done;
	}
	if (strcmp(certificate, "ask") == 0)
		out->cert_ask = TRUE;
	else if (strncmp(certificate, "sha256:", 7) == 0)
	{
		/* 64 hex digits, colons between bytes allowed, any case */
		const char* c = certificate + 7;
		size_t n = 0;
		for (; *c; c++)
		{
			if (*c == ':')
				continue;
			if (hexval(*c) < 0 || n >= 64)
			{
				n = 0;
				break;
			}
			out->cert_sha256[n++] = (char)tolower((unsigned char)*c);
		}
		if (n != 64)
		{
			fail(&r, "CONNECT.certificate must be \"ask\" or \"sha256:\" and 64 hex digits");
			goto done;
		}
		out->cert_sha256[64] = 0;
	}
	else
	{
		fail(&r, "CONNECT.certificate must be \"ask\" or \"sha256:\" and 64 hex digits");
		goto done;
	}
	ok = TRUE;
done:
	free(security);
	free(certificate);
	if (!ok)
		connect_params_clear(out);
	return ok;
}

BOOL json_append_string(char* buf, size_t size, size_t* pos, const char* s)
{
	size_t p = *pos;
#define PUT(ch)                  \
	do                           \
	{                            \
		if (p + 1 >= size)       \
			return FALSE;        \
		buf[p++] = (char)(ch);   \
	} while (0)
	PUT('"');
	for (const unsigned char* c = (const unsigned char*)(s ? s : ""); *c;)
	{
		size_t n = utf8_seq(c, c + strlen((const char*)c));
		if (!n)
		{
			/* invalid UTF-8 from a certificate: replace it */
			const char* rep = "\\ufffd";
			for (const char* q = rep; *q; q++)
				PUT(*q);
			c++;
			continue;
		}
		if (n > 1)
		{
			for (size_t i = 0; i < n; i++)
				PUT(c[i]);
			c += n;
			continue;
		}
		if (*c == '"' || *c == '\\')
		{
			PUT('\\');
			PUT(*c);
		}
		else if (*c < 0x20 || *c == 0x7F)
		{
			char esc[8];
			snprintf(esc, sizeof(esc), "\\u%04x", *c);
			for (const char* q = esc; *q; q++)
				PUT(*q);
		}
		else
			PUT(*c);
		c++;
	}
	PUT('"');
	buf[p] = 0;
	*pos = p;
	return TRUE;
#undef PUT
}
