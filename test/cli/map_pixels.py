# SPDX-License-Identifier: BSD-3-Clause
"""map_pixels.py — the colours a real renderer drew where h5carve map put its cells (the cli.map test).

usage: map_pixels.py MAP.svg MAP.png cell ROW,COL...  the colour at the centre of each cell (of its part
                                                      inside the dataset's extent, for chunks at its edge)
       map_pixels.py MAP.svg MAP.png edge ROW,COL...  the colour on the left edge of an element, halfway
                                                      down it (where an outline starting there is drawn)
Prints one line per point: "ROW,COL RRGGBB". The geometry comes from the plot group's data-* attributes;
the pixels from the PNG, read with the standard library only (zlib, struct): 8-bit RGB or RGBA,
non-interlaced, as rsvg-convert writes them.
"""
import re
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                sys.exit(f"{path}: depth {depth}, colour type {colour}, interlace {interlace}: not read here")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        filt, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if filt == 1:
                line[i] = (line[i] + a) & 255
            elif filt == 2:
                line[i] = (line[i] + b) & 255
            elif filt == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def main():
    svg_path, png_path, mode, points = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    svg = open(svg_path).read()
    plot = re.search(r'<g id="plot"([^>]*)>', svg).group(1)
    attr = dict(re.findall(r'data-([a-z0-9-]+)="([^"]*)"', plot))
    x0, y0, cw, ch = int(attr["x0"]), int(attr["y0"]), int(attr["cell-w"]), int(attr["cell-h"])
    per_x, per_y = int(attr["elements-per-cell-x"]), int(attr["elements-per-cell-y"])
    extent_x, extent_y = float(attr["extent-px-x"]), float(attr["extent-px-y"])
    _, _, channels, rows = read_png(png_path)
    for point in points:
        r, c = (int(v) for v in point.split(","))
        if mode == "cell":
            x = x0 + int((c * cw + min((c + 1) * cw, extent_x)) / 2)
            y = y0 + int((r * ch + min((r + 1) * ch, extent_y)) / 2)
        elif mode == "edge":
            x, y = int(x0 + c * cw / per_x), int(y0 + (r + 0.5) * ch / per_y)
        else:
            sys.exit(f"unknown mode {mode}")
        px = rows[y][x * channels : x * channels + 3]
        print(f"{point} {px[0]:02x}{px[1]:02x}{px[2]:02x}")


main()
