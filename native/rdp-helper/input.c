/* Keyboard, mouse and lock keys from the gateway to the server. */
#include "session.h"
#include "io.h"
#include "proto.h"

#include <stdio.h>
#include <string.h>

#include <freerdp/input.h>
#include <freerdp/scancode.h>

#define WHEEL_STEP 120

static BOOL bad(char* err, size_t errlen, const char* why)
{
	snprintf(err, errlen, "%s", why);
	return FALSE;
}

static void send_mouse(PortholeContext* pc, uint16_t x, uint16_t y, uint8_t buttons)
{
	rdpInput* input = pc->context.input;
	static const struct
	{
		uint8_t bit;
		UINT16 flag;
	} map[] = { { 0x01, PTR_FLAGS_BUTTON1 }, { 0x02, PTR_FLAGS_BUTTON3 }, { 0x04, PTR_FLAGS_BUTTON2 } };
	uint8_t changed = (uint8_t)(buttons ^ pc->buttons);
	rdpSettings* s = pc->context.settings;
	UINT32 w = freerdp_settings_get_uint32(s, FreeRDP_DesktopWidth);
	UINT32 h = freerdp_settings_get_uint32(s, FreeRDP_DesktopHeight);
	if (w && x >= w)
		x = (uint16_t)(w - 1);
	if (h && y >= h)
		y = (uint16_t)(h - 1);

	if (!pc->mouse_known || x != pc->mouse_x || y != pc->mouse_y)
		freerdp_input_send_mouse_event(input, PTR_FLAGS_MOVE, x, y);
	pc->mouse_known = TRUE;
	pc->mouse_x = x;
	pc->mouse_y = y;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (changed & map[i].bit)
			freerdp_input_send_mouse_event(input, (UINT16)(map[i].flag | ((buttons & map[i].bit) ? PTR_FLAGS_DOWN : 0)), x, y);

	/* the wheel is a press of button 4 (up) or 5 (down): one notch per press */
	if ((changed & 0x08) && (buttons & 0x08))
		freerdp_input_send_mouse_event(input, PTR_FLAGS_WHEEL | WHEEL_STEP, x, y);
	if ((changed & 0x10) && (buttons & 0x10))
		freerdp_input_send_mouse_event(input, PTR_FLAGS_WHEEL | PTR_FLAGS_WHEEL_NEGATIVE | ((0x200 - WHEEL_STEP) & 0xFF), x, y);
	pc->buttons = buttons;
}

BOOL input_handle(PortholeContext* pc, uint8_t type, const uint8_t* data, uint32_t len, char* err, size_t errlen)
{
	rdpInput* input = pc->context.input;
	switch (type)
	{
		case IN_KEY:
		{
			uint16_t code;
			if (len != 3)
				return bad(err, errlen, "KEY must hold 3 bytes");
			code = get_u16(data);
			if (code > 0x3FF || (code & 0x300) == 0x300 || (code & 0xFF) == 0 || data[2] > 1)
				return bad(err, errlen, "KEY holds a bad scancode or down flag");
			/* Bit 9 (E1) is only Pause, which RDP sends as its own whole sequence on the press. */
			if (input && (code & 0x200))
			{
				if (data[2] == 1)
					freerdp_input_send_keyboard_pause_event(input);
			}
			else if (input)
				freerdp_input_send_keyboard_event_ex(input, data[2] == 1, MAKE_RDP_SCANCODE(code & 0xFF, code & 0x100));
			return TRUE;
		}
		case IN_UNICODE:
		{
			uint16_t unit;
			if (len != 3)
				return bad(err, errlen, "UNICODE must hold 3 bytes");
			unit = get_u16(data);
			if (data[2] > 1)
				return bad(err, errlen, "UNICODE holds a bad down flag");
			if (input)
				freerdp_input_send_unicode_keyboard_event(input, data[2] ? 0 : KBD_FLAGS_RELEASE, unit);
			return TRUE;
		}
		case IN_MOUSE:
			if (len != 5)
				return bad(err, errlen, "MOUSE must hold 5 bytes");
			if (data[4] > 0x1F)
				return bad(err, errlen, "MOUSE holds unknown buttons");
			if (input)
				send_mouse(pc, get_u16(data), get_u16(data + 2), data[4]);
			return TRUE;
		case IN_SYNC_LOCKS:
			if (len != 1)
				return bad(err, errlen, "SYNC_LOCKS must hold 1 byte");
			if (data[0] > 0x0F)
				return bad(err, errlen, "SYNC_LOCKS holds unknown flags");
			if (input)
				freerdp_input_send_synchronize_event(input, data[0]);
			return TRUE;
		default:
			return bad(err, errlen, "not an input message");
	}
}
