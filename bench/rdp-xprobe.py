#!/usr/bin/python3
# The RDP benchmark's eyes and hands on an X display (bench/rdp-xfreerdp.ts drives it): python3's ctypes on the system's
# libX11 and libXtst, so nothing beyond what xfreerdp itself needs is installed. One JSON request per stdin line, one JSON
# answer per stdout line. Times are CLOCK_MONOTONIC nanoseconds (the clock of Node's process.hrtime.bigint()).
#
#   {"op": "colour", "x", "y", "rgb": [r, g, b], "timeoutMs", "pollMs"}
#       -> {"ok": true, "polling": true} at once, then {"ok": true, "at": ns} when the pixel at (x, y) of the root window
#          first shows rgb (polled every pollMs), or {"ok": false, "error": "timeout"}.
#   {"op": "motion", "x", "y"} -> {"ok": true}  (XTest pointer motion, absolute)
#   {"op": "key", "keysym": "x", "rect": {x, y, width, height}, "quietMs", "jitterMs", "timeoutMs", "pollMs"}
#       -> waits until rect stayed unchanged for quietMs (then a random 0-jitterMs), then XTest press + release; answers
#          {"ok": true, "ms": from just before the press to the first poll that saw rect differ, "at": ns} or a timeout.
#   {"op": "pixel", "x", "y"} -> {"ok": true, "rgb": [r, g, b]}
import ctypes
import ctypes.util
import json
import os
import random
import sys
import time


class XImage(ctypes.Structure):
    _fields_ = [
        ("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int), ("format", ctypes.c_int),
        ("data", ctypes.c_void_p), ("byte_order", ctypes.c_int), ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int), ("bitmap_pad", ctypes.c_int), ("depth", ctypes.c_int),
        ("bytes_per_line", ctypes.c_int), ("bits_per_pixel", ctypes.c_int),
        ("red_mask", ctypes.c_ulong), ("green_mask", ctypes.c_ulong), ("blue_mask", ctypes.c_ulong),
        ("obdata", ctypes.c_void_p), ("funcs", ctypes.c_void_p * 6),
    ]


x11 = ctypes.CDLL("libX11.so.6")
xtst = ctypes.CDLL("libXtst.so.6")
x11.XOpenDisplay.restype = ctypes.c_void_p
x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
x11.XDefaultRootWindow.restype = ctypes.c_ulong
x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
x11.XGetImage.restype = ctypes.POINTER(XImage)
x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
x11.XDestroyImage.argtypes = [ctypes.POINTER(XImage)]
x11.XStringToKeysym.restype = ctypes.c_ulong
x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
x11.XKeysymToKeycode.restype = ctypes.c_ubyte
x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
x11.XFlush.argtypes = [ctypes.c_void_p]
xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_ulong]

display = x11.XOpenDisplay(os.environ["DISPLAY"].encode())
if not display:
    sys.stdout.write(json.dumps({"ok": False, "error": "cannot open display " + os.environ["DISPLAY"]}) + "\n")
    sys.exit(2)
root = x11.XDefaultRootWindow(display)
ALL_PLANES = 0xFFFFFFFF
Z_PIXMAP = 2


def grab(x, y, w, h):
    """The rectangle's pixels as bytes (ZPixmap, 32 bits per pixel on Xvfb depth 24: B, G, R, pad)."""
    image = x11.XGetImage(display, root, x, y, w, h, ALL_PLANES, Z_PIXMAP)
    if not image:
        return None
    im = image.contents
    data = ctypes.string_at(im.data, im.bytes_per_line * im.height)
    x11.XDestroyImage(image)
    return data


def pixel(x, y):
    data = grab(x, y, 1, 1)
    return [data[2], data[1], data[0]] if data else None


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def sleep_until(t_ns):
    left = t_ns - time.monotonic_ns()
    if left > 0:
        time.sleep(left / 1e9)


def colour(req):
    want = list(req["rgb"])
    poll_ns = int(req.get("pollMs", 4) * 1e6)
    deadline = time.monotonic_ns() + int(req.get("timeoutMs", 30000) * 1e6)
    say({"ok": True, "polling": True})
    nxt = time.monotonic_ns()
    while True:
        now = time.monotonic_ns()
        if pixel(req["x"], req["y"]) == want:
            return {"ok": True, "at": now}
        if now > deadline:
            return {"ok": False, "error": "timeout"}
        nxt += poll_ns
        sleep_until(nxt)


def key(req):
    r = req["rect"]
    rect = (r["x"], r["y"], r["width"], r["height"])
    poll_ns = int(req.get("pollMs", 4) * 1e6)
    quiet_ns = int(req.get("quietMs", 150) * 1e6)
    deadline = time.monotonic_ns() + int(req.get("timeoutMs", 5000) * 1e6)
    # The screen must be still first (the previous key's last pixels may land after its first change was seen).
    before = grab(*rect)
    still_since = time.monotonic_ns()
    while time.monotonic_ns() - still_since < quiet_ns:
        if time.monotonic_ns() > deadline:
            return {"ok": False, "error": "never-quiet"}
        time.sleep(0.01)
        now = grab(*rect)
        if now != before:
            before = now
            still_since = time.monotonic_ns()
    # Not in step with the poll (the page's probe does the same before its keys).
    time.sleep(random.random() * req.get("jitterMs", 0) / 1000)
    code = x11.XKeysymToKeycode(display, x11.XStringToKeysym(req["keysym"].encode()))
    if code == 0:
        return {"ok": False, "error": "no keycode for " + req["keysym"]}
    deadline = time.monotonic_ns() + int(req.get("timeoutMs", 5000) * 1e6)
    t0 = time.monotonic_ns()
    xtst.XTestFakeKeyEvent(display, code, 1, 0)
    xtst.XTestFakeKeyEvent(display, code, 0, 0)
    x11.XSync(display, 0)
    nxt = t0
    while True:
        now = time.monotonic_ns()
        if grab(*rect) != before:
            return {"ok": True, "ms": (now - t0) / 1e6, "at": now}
        if now > deadline:
            return {"ok": False, "error": "timeout"}
        nxt += poll_ns
        sleep_until(nxt)


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    try:
        req = json.loads(line)
        op = req["op"]
        if op == "colour":
            say(colour(req))
        elif op == "key":
            say(key(req))
        elif op == "motion":
            xtst.XTestFakeMotionEvent(display, -1, int(req["x"]), int(req["y"]), 0)
            x11.XSync(display, 0)
            say({"ok": True})
        elif op == "pixel":
            say({"ok": True, "rgb": pixel(req["x"], req["y"])})
        else:
            say({"ok": False, "error": "unknown op " + str(op)})
    except Exception as error:  # report, keep serving
        say({"ok": False, "error": repr(error)})
