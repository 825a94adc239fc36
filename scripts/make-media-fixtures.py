"""Writes Tests/Fixtures/media/: the pictures the media tests draw (run once; the files are committed).
Needs Pillow (pip install pillow); the test suite itself does not."""
import os
from PIL import Image, ImageDraw

here = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "media")
os.makedirs(here, exist_ok=True)
picture = Image.new("RGB", (64, 32))
for x in range(64):
    for y in range(32):
        picture.putpixel((x, y), (255 - 4 * x, 30, 4 * x))
ImageDraw.Draw(picture).rectangle((0, 0, 20, 31), fill=(250, 220, 0))
picture.save(os.path.join(here, "picture.png"))
picture.save(os.path.join(here, "picture.jpg"), quality=90)
picture.convert("P", palette=Image.Palette.ADAPTIVE).save(os.path.join(here, "picture.gif"))
with open(os.path.join(here, "picture.png"), "rb") as f:
    data = f.read()
# A PNG cut off inside its pixel data, and a file that only claims to be one.
with open(os.path.join(here, "corrupt.png"), "wb") as f:
    f.write(data[: len(data) // 2])
with open(os.path.join(here, "text.png"), "wb") as f:
    f.write(b"not a picture at all\n")
# A PNG header claiming 100000 x 100000 pixels (a decompression bomb's first step).
import struct, zlib
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
huge = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
huge += chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")
with open(os.path.join(here, "huge.png"), "wb") as f:
    f.write(huge)
