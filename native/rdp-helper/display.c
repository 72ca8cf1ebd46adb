/* The picture: GDI's framebuffer sent as FRAME rectangles at EndPaint, the pointer as CURSOR,
 * and resizing through the display control channel (or a reconnect at the new size). */
#include "session.h"
#include "io.h"
#include "proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <freerdp/channels/disp.h>
#include <freerdp/codec/color.h>
#include <freerdp/codecs.h>
#include <freerdp/gdi/gdi.h>
#include <freerdp/graphics.h>

#define MAX_RECTS 16          /* after merging */
#define MAX_INVALID 128       /* more than this and we send the bounding box */
#define MERGE_SLACK 4096      /* pixels we would rather resend than send another rectangle */
#define RESIZE_MIN_INTERVAL_MS 200
#define RESIZE_RECONNECT_QUIET_MS 400
#define DISP_GRACE_MS 3000    /* how long after READY the server may still announce display control */
#define MAX_POINTER_SIDE 512

typedef struct
{
	INT32 x, y, w, h;
} Rect;

typedef struct
{
	rdpPointer pointer;
	BYTE* rgba;
} PhPointer;

static BOOL g_need_full = FALSE;
static BYTE* g_buf = NULL;
static size_t g_buf_cap = 0;

/* ---- rectangles ---- */

static INT64 area(const Rect* r)
{
	return (INT64)r->w * r->h;
}

static Rect bound(const Rect* a, const Rect* b)
{
	Rect u;
	INT32 x2 = a->x + a->w > b->x + b->w ? a->x + a->w : b->x + b->w;
	INT32 y2 = a->y + a->h > b->y + b->h ? a->y + a->h : b->y + b->h;
	u.x = a->x < b->x ? a->x : b->x;
	u.y = a->y < b->y ? a->y : b->y;
	u.w = x2 - u.x;
	u.h = y2 - u.y;
	return u;
}

/* Greedy merging: join the pair that wastes least while that waste is small or while there are
 * more than MAX_RECTS rectangles. */
static int merge_rects(Rect* r, int n)
{
	while (n > 1)
	{
		int bi = -1, bj = -1;
		INT64 best = 0;
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++)
			{
				Rect u = bound(&r[i], &r[j]);
				INT64 waste = area(&u) - area(&r[i]) - area(&r[j]);
				if (bi < 0 || waste < best)
				{
					best = waste;
					bi = i;
					bj = j;
				}
			}
		if (n <= MAX_RECTS && best > MERGE_SLACK)
			break;
		r[bi] = bound(&r[bi], &r[bj]);
		r[bj] = r[n - 1];
		n--;
	}
	return n;
}

static BOOL ensure_buf(size_t need)
{
	if (need <= g_buf_cap)
		return TRUE;
	BYTE* nb = realloc(g_buf, need);
	if (!nb)
		return FALSE;
	g_buf = nb;
	g_buf_cap = need;
	return TRUE;
}

/* Sends the rectangles as FRAME messages of at most 16 MiB, splitting tall rectangles into bands. */
static BOOL send_rects(rdpGdi* gdi, const Rect* rects, int n)
{
	const size_t cap = PROTO_MAX_FRAME_MESSAGE - 1; /* the type byte counts */
	size_t pos = 2;
	uint16_t count = 0;
	if (!ensure_buf(cap))
		return FALSE;
	for (int i = 0; i < n; i++)
	{
		const Rect* r = &rects[i];
		size_t row = (size_t)r->w * 4;
		INT32 y = r->y;
		while (y < r->y + r->h)
		{
			size_t room = cap - pos;
			INT32 rows;
			if (room < 8 + row || count == UINT16_MAX)
			{
				put_u16(g_buf, count);
				if (!io_send(OUT_FRAME, g_buf, pos, NULL, 0))
					return FALSE;
				pos = 2;
				count = 0;
				continue;
			}
			rows = (INT32)((room - 8) / row);
			if (rows > r->y + r->h - y)
				rows = r->y + r->h - y;
			put_u16(g_buf + pos, (uint16_t)r->x);
			put_u16(g_buf + pos + 2, (uint16_t)y);
			put_u16(g_buf + pos + 4, (uint16_t)r->w);
			put_u16(g_buf + pos + 6, (uint16_t)rows);
			pos += 8;
			for (INT32 k = 0; k < rows; k++)
			{
				memcpy(g_buf + pos, gdi->primary_buffer + (size_t)(y + k) * gdi->stride + (size_t)r->x * 4, row);
				pos += row;
			}
			count++;
			y += rows;
		}
	}
	if (count == 0)
		return TRUE;
	put_u16(g_buf, count);
	return io_send(OUT_FRAME, g_buf, pos, NULL, 0);
}

BOOL display_send_full_frame(PortholeContext* pc)
{
	rdpGdi* gdi = pc->context.gdi;
	Rect r;
	if (!gdi || !gdi->primary_buffer || gdi->width <= 0 || gdi->height <= 0)
		return FALSE;
	r.x = 0;
	r.y = 0;
	r.w = gdi->width;
	r.h = gdi->height;
	g_need_full = FALSE;
	return send_rects(gdi, &r, 1);
}

/* ---- paint callbacks ---- */

static BOOL begin_paint(rdpContext* context)
{
	rdpGdi* gdi = context ? context->gdi : NULL;
	HGDI_WND hwnd;
	if (!gdi || !gdi->primary || !gdi->primary->hdc || !gdi->primary->hdc->hwnd)
		return TRUE;
	hwnd = gdi->primary->hdc->hwnd;
	if (hwnd->invalid)
		hwnd->invalid->null = TRUE;
	hwnd->ninvalid = 0;
	return TRUE;
}

static BOOL end_paint(rdpContext* context)
{
	PortholeContext* pc = (PortholeContext*)context;
	rdpGdi* gdi = context ? context->gdi : NULL;
	HGDI_WND hwnd;
	Rect rects[MAX_INVALID];
	int n = 0;
	if (!pc || !gdi || !gdi->primary || !gdi->primary->hdc || !gdi->primary->hdc->hwnd)
		return TRUE;
	if (!pc->ready)
		return TRUE; /* READY is followed by a full frame */
	if (g_need_full)
		return display_send_full_frame(pc) || !io_output_broken();
	hwnd = gdi->primary->hdc->hwnd;
	if (!hwnd->invalid || hwnd->invalid->null || hwnd->ninvalid <= 0)
		return TRUE;
	if (hwnd->ninvalid > MAX_INVALID || !hwnd->cinvalid)
	{
		rects[0].x = hwnd->invalid->x;
		rects[0].y = hwnd->invalid->y;
		rects[0].w = hwnd->invalid->w;
		rects[0].h = hwnd->invalid->h;
		n = 1;
	}
	else
		for (INT32 i = 0; i < hwnd->ninvalid; i++)
		{
			rects[n].x = hwnd->cinvalid[i].x;
			rects[n].y = hwnd->cinvalid[i].y;
			rects[n].w = hwnd->cinvalid[i].w;
			rects[n].h = hwnd->cinvalid[i].h;
			n++;
		}
	/* clip to the framebuffer, drop the empty ones */
	{
		int m = 0;
		for (int i = 0; i < n; i++)
		{
			Rect r = rects[i];
			INT32 x2 = r.x + r.w, y2 = r.y + r.h;
			if (r.x < 0)
				r.x = 0;
			if (r.y < 0)
				r.y = 0;
			if (x2 > gdi->width)
				x2 = gdi->width;
			if (y2 > gdi->height)
				y2 = gdi->height;
			r.w = x2 - r.x;
			r.h = y2 - r.y;
			if (r.w > 0 && r.h > 0)
				rects[m++] = r;
		}
		n = m;
	}
	if (n == 0)
		return TRUE;
	for (int i = 0; i < n; i++)
		connection_painted(pc, rects[i].x, rects[i].y, rects[i].w, rects[i].h);
	n = merge_rects(rects, n);
	/* a broken stdout ends the session in the main loop, not here */
	send_rects(gdi, rects, n);
	return TRUE;
}

BOOL display_send_ready(PortholeContext* pc)
{
	rdpGdi* gdi = pc->context.gdi;
	if (!gdi)
		return FALSE;
	pc->ready = TRUE;
	pc->ready_ms = now_ms();
	fprintf(stderr, "porthole-rdp: ready at %dx%d after %llu ms\n", gdi->width, gdi->height,
	        (unsigned long long)(pc->ready_ms - pc->connect_started_ms));
	if (!io_send_size(OUT_READY, (uint16_t)gdi->width, (uint16_t)gdi->height))
		return FALSE;
	connection_reset_paint_watch(pc);
	return display_send_full_frame(pc);
}

/* Makes GDI's size follow the settings (after a server resize or a reconnect): SIZE, a black
 * framebuffer, and a full frame at the next EndPaint. */
BOOL display_sync_size(PortholeContext* pc)
{
	rdpGdi* gdi = pc->context.gdi;
	rdpSettings* s = pc->context.settings;
	UINT32 w, h;
	if (!gdi || !s)
		return FALSE;
	w = freerdp_settings_get_uint32(s, FreeRDP_DesktopWidth);
	h = freerdp_settings_get_uint32(s, FreeRDP_DesktopHeight);
	if (w == 0 || h == 0 || w > 8192 || h > 8192)
		return FALSE;
	if ((INT32)w == gdi->width && (INT32)h == gdi->height)
		return TRUE;
	if (!gdi_resize(gdi, w, h))
		return FALSE;
	if (gdi->primary_buffer)
		memset(gdi->primary_buffer, 0, (size_t)gdi->stride * (size_t)gdi->height);
	fprintf(stderr, "porthole-rdp: desktop is now %ux%u\n", w, h);
	connection_reset_paint_watch(pc);
	if (pc->ready)
	{
		io_send_size(OUT_SIZE, (uint16_t)w, (uint16_t)h);
		g_need_full = TRUE;
	}
	return TRUE;
}

static BOOL desktop_resize(rdpContext* context)
{
	PortholeContext* pc = (PortholeContext*)context;
	if (!pc)
		return FALSE;
	return display_sync_size(pc);
}

/* ---- the pointer ---- */

static BOOL pointer_new(rdpContext* context, rdpPointer* pointer)
{
	PhPointer* p = (PhPointer*)pointer;
	rdpGdi* gdi = context ? context->gdi : NULL;
	size_t n;
	if (!p || !gdi)
		return FALSE;
	p->rgba = NULL;
	if (pointer->width == 0 || pointer->height == 0 || pointer->width > MAX_POINTER_SIDE ||
	    pointer->height > MAX_POINTER_SIDE)
		return TRUE; /* shown as hidden */
	n = (size_t)pointer->width * pointer->height * 4;
	p->rgba = calloc(1, n);
	if (!p->rgba)
		return FALSE;
	if (!freerdp_image_copy_from_pointer_data(p->rgba, PIXEL_FORMAT_RGBA32, pointer->width * 4, 0, 0,
	                                          pointer->width, pointer->height, pointer->xorMaskData,
	                                          pointer->lengthXorMask, pointer->andMaskData,
	                                          pointer->lengthAndMask, pointer->xorBpp, &gdi->palette))
	{
		free(p->rgba);
		p->rgba = NULL;
		return FALSE;
	}
	return TRUE;
}

static void pointer_free(rdpContext* context, rdpPointer* pointer)
{
	PhPointer* p = (PhPointer*)pointer;
	(void)context;
	if (p)
	{
		free(p->rgba);
		p->rgba = NULL;
	}
}

static BOOL send_cursor(uint16_t hx, uint16_t hy, uint16_t w, uint16_t h, const BYTE* rgba)
{
	uint8_t hdr[8];
	put_u16(hdr, hx);
	put_u16(hdr + 2, hy);
	put_u16(hdr + 4, w);
	put_u16(hdr + 6, h);
	io_send(OUT_CURSOR, hdr, 8, rgba, rgba ? (size_t)w * h * 4 : 0);
	return TRUE;
}

static BOOL pointer_set(rdpContext* context, const rdpPointer* pointer)
{
	const PhPointer* p = (const PhPointer*)pointer;
	(void)context;
	if (!p || !p->rgba)
		return send_cursor(0, 0, 0, 0, NULL);
	return send_cursor((uint16_t)(pointer->xPos < pointer->width ? pointer->xPos : 0),
	                   (uint16_t)(pointer->yPos < pointer->height ? pointer->yPos : 0),
	                   (uint16_t)pointer->width, (uint16_t)pointer->height, p->rgba);
}

static BOOL pointer_set_null(rdpContext* context)
{
	(void)context;
	return send_cursor(0, 0, 0, 0, NULL);
}

/* The system default: a plain arrow of our own. */
static BOOL pointer_set_default(rdpContext* context)
{
	static const char* art[] = {
		"X           ", "XX          ", "X.X         ", "X..X        ", "X...X       ",
		"X....X      ", "X.....X     ", "X......X    ", "X.......X   ", "X........X  ",
		"X.........X ", "X......XXXXX", "X...X..X    ", "X..XX..X    ", "X.X  X..X   ",
		"XX   X..X   ", "X     X..X  ", "      X..X  ", "       XX   ",
	};
	enum
	{
		W = 12,
		H = 19
	};
	BYTE rgba[W * H * 4];
	(void)context;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
		{
			BYTE* px = rgba + (y * W + x) * 4;
			char c = art[y][x];
			BYTE v = c == '.' ? 0xFF : 0x00;
			px[0] = px[1] = px[2] = v;
			px[3] = c == ' ' ? 0x00 : 0xFF;
		}
	return send_cursor(0, 0, W, H, rgba);
}

static BOOL pointer_set_position(rdpContext* context, UINT32 x, UINT32 y)
{
	/* the protocol has no message for a server-moved pointer */
	(void)context;
	(void)x;
	(void)y;
	return TRUE;
}

BOOL display_post_connect(PortholeContext* pc)
{
	freerdp* instance = pc->context.instance;
	rdpPointer pointer = { 0 };
	if (!instance || !instance->update)
		return FALSE;
	if (!gdi_init(instance, PIXEL_FORMAT_BGRX32))
		return FALSE;
	if (!pc->context.gdi || !pc->context.graphics)
		return FALSE;
	instance->update->BeginPaint = begin_paint;
	instance->update->EndPaint = end_paint;
	instance->update->DesktopResize = desktop_resize;
	pointer.size = sizeof(PhPointer);
	pointer.New = pointer_new;
	pointer.Free = pointer_free;
	pointer.Set = pointer_set;
	pointer.SetNull = pointer_set_null;
	pointer.SetDefault = pointer_set_default;
	pointer.SetPosition = pointer_set_position;
	graphics_register_pointer(pc->context.graphics, &pointer);
	return display_send_ready(pc);
}

void display_post_disconnect(PortholeContext* pc)
{
	if (pc->context.instance && pc->context.gdi)
		gdi_free(pc->context.instance);
	free(pc->paint_grid);
	pc->paint_grid = NULL;
	free(g_buf);
	g_buf = NULL;
	g_buf_cap = 0;
}

/* ---- resizing ---- */

static UINT disp_caps(DispClientContext* disp, UINT32 max_monitors, UINT32 factor_a, UINT32 factor_b)
{
	PortholeContext* pc = disp ? (PortholeContext*)disp->custom : NULL;
	if (!pc)
		return CHANNEL_RC_OK;
	fprintf(stderr, "porthole-rdp: the server supports display control (%u monitors, area %ux%u)\n",
	        max_monitors, factor_a, factor_b);
	pc->disp_max_area = factor_a * factor_b;
	pc->disp_ready = TRUE;
	return CHANNEL_RC_OK;
}

void display_on_channel(PortholeContext* pc, const char* name, void* iface, BOOL connected)
{
	DispClientContext* disp = (DispClientContext*)iface;
	if (strcmp(name, DISP_DVC_CHANNEL_NAME) != 0)
		return;
	if (connected && disp)
	{
		disp->custom = pc;
		disp->DisplayControlCaps = disp_caps;
		pc->disp = disp;
	}
	else
	{
		pc->disp_ready = FALSE;
		pc->disp = NULL;
	}
}

void display_request_resize(PortholeContext* pc, uint16_t width, uint16_t height)
{
	if (width < DISPLAY_CONTROL_MIN_MONITOR_WIDTH)
		width = DISPLAY_CONTROL_MIN_MONITOR_WIDTH;
	if (height < DISPLAY_CONTROL_MIN_MONITOR_HEIGHT)
		height = DISPLAY_CONTROL_MIN_MONITOR_HEIGHT;
	if (width > DISPLAY_CONTROL_MAX_MONITOR_WIDTH)
		width = DISPLAY_CONTROL_MAX_MONITOR_WIDTH;
	if (height > DISPLAY_CONTROL_MAX_MONITOR_HEIGHT)
		height = DISPLAY_CONTROL_MAX_MONITOR_HEIGHT;
	width &= (uint16_t)~1u; /* display control wants an even width */
	pc->resize_pending = TRUE;
	pc->resize_w = width;
	pc->resize_h = height;
	pc->resize_requested_ms = now_ms();
}

static BOOL reconnect_at(PortholeContext* pc, uint16_t w, uint16_t h)
{
	freerdp* instance = pc->context.instance;
	rdpSettings* s = pc->context.settings;
	BOOL ok;
	fprintf(stderr, "porthole-rdp: no display control: reconnecting at %ux%u\n", w, h);
	if (!freerdp_settings_set_uint32(s, FreeRDP_DesktopWidth, w) ||
	    !freerdp_settings_set_uint32(s, FreeRDP_DesktopHeight, h))
		return FALSE;
	pc->reconnecting = TRUE;
	pc->disp = NULL;
	pc->disp_ready = FALSE;
	ok = freerdp_reconnect(instance);
	pc->reconnecting = FALSE;
	if (!ok)
	{
		fprintf(stderr, "porthole-rdp: the reconnect failed\n");
		return FALSE;
	}
	pc->ready_ms = now_ms();
	if (pc->context.codecs)
		freerdp_client_codecs_prepare(pc->context.codecs, FREERDP_CODEC_ALL,
		                              freerdp_settings_get_uint32(s, FreeRDP_DesktopWidth),
		                              freerdp_settings_get_uint32(s, FreeRDP_DesktopHeight));
	if (!display_sync_size(pc))
		return FALSE;
	g_need_full = TRUE;
	return TRUE;
}

BOOL display_tick(PortholeContext* pc)
{
	rdpSettings* s = pc->context.settings;
	UINT64 now;
	UINT32 cur_w, cur_h;
	if (!pc->resize_pending || !pc->ready || !s)
		return TRUE;
	cur_w = freerdp_settings_get_uint32(s, FreeRDP_DesktopWidth);
	cur_h = freerdp_settings_get_uint32(s, FreeRDP_DesktopHeight);
	if (pc->resize_w == cur_w && pc->resize_h == cur_h)
	{
		pc->resize_pending = FALSE;
		return TRUE;
	}
	now = now_ms();
	if (pc->disp && pc->disp_ready)
	{
		DISPLAY_CONTROL_MONITOR_LAYOUT layout = { 0 };
		UINT rc;
		if (now - pc->resize_sent_ms < RESIZE_MIN_INTERVAL_MS)
			return TRUE;
		if (pc->disp_max_area && (UINT64)pc->resize_w * pc->resize_h > pc->disp_max_area)
		{
			fprintf(stderr, "porthole-rdp: %ux%u is over the server's limit\n", pc->resize_w, pc->resize_h);
			pc->resize_pending = FALSE;
			return TRUE;
		}
		layout.Flags = DISPLAY_CONTROL_MONITOR_PRIMARY;
		layout.Width = pc->resize_w;
		layout.Height = pc->resize_h;
		layout.Orientation = ORIENTATION_LANDSCAPE;
		layout.DesktopScaleFactor = 100;
		layout.DeviceScaleFactor = 100;
		rc = pc->disp->SendMonitorLayout(pc->disp, 1, &layout);
		fprintf(stderr, "porthole-rdp: asked the server for %ux%u (display control, rc %u)\n", pc->resize_w,
		        pc->resize_h, rc);
		pc->resize_sent_ms = now;
		pc->resize_pending = FALSE;
		return TRUE;
	}
	if (now - pc->ready_ms < DISP_GRACE_MS || now - pc->resize_requested_ms < RESIZE_RECONNECT_QUIET_MS)
		return TRUE;
	pc->resize_pending = FALSE;
	return reconnect_at(pc, pc->resize_w, pc->resize_h);
}
