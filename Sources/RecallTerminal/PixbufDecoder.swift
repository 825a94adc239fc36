#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGdkPixbuf

/// Decoded pixels: RGBA (or RGB when `hasAlpha` is false), 8 bits a channel, rows `rowstride`
/// bytes apart.
struct DecodedPicture {
    var width: Int
    var height: Int
    var rowstride: Int
    var hasAlpha: Bool
    var bytes: [UInt8]
}

/// Turns a picture file into pixels with gdk-pixbuf, which recognises the format by content.
/// Kept apart from the chafa code because the two C modules both declare glib's functions.
enum PixbufDecoder {
    /// Pictures larger than this are refused before decoding (a PNG header can claim any size).
    static let maximumPixels = 40_000_000
    /// Only the formats cards use: fewer of gdk-pixbuf's loaders see untrusted bytes.
    static let acceptedFormats: Set<String> = ["png", "jpeg", "gif"]

    /// Whether the file ends as a whole file of `format` does (PNG's IEND chunk, JPEG's end of
    /// image, GIF's trailer). gdk-pixbuf draws a cut-off file's missing part grey without an
    /// error; a file cut off in transfer should say so instead.
    static func isComplete(path: String, format: String) -> Bool {
        guard let file = fopen(path, "rb") else { return false }
        defer { fclose(file) }
        guard fseek(file, -64, SEEK_END) == 0 || fseek(file, 0, SEEK_SET) == 0 else { return false }
        var tail = [UInt8](repeating: 0, count: 64)
        let count = fread(&tail, 1, 64, file)
        tail.removeLast(64 - count)
        // Trailing zeros or line ends (padding some writers add) are not part of the format.
        while let last = tail.last, last == 0 || last == 0x0A || last == 0x0D { tail.removeLast() }
        switch format {
        case "png": return tail.suffix(8).elementsEqual([0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
        case "jpeg": return tail.suffix(2).elementsEqual([0xFF, 0xD9])
        case "gif": return tail.last == 0x3B
        default: return false
        }
    }

    /// The picture at `path`, scaled down (never up) to fit `maxWidth` × `maxHeight` pixels with
    /// its aspect kept; nil when it is not a PNG, JPEG or GIF that decodes cleanly.
    static func decode(path: String, maxWidth: Int, maxHeight: Int) -> DecodedPicture? {
        var width: Int32 = 0
        var height: Int32 = 0
        guard let format = gdk_pixbuf_get_file_info(path, &width, &height) else { return nil }
        guard let namePointer = gdk_pixbuf_format_get_name(format) else { return nil }
        let name = String(cString: namePointer)
        g_free(namePointer)
        guard acceptedFormats.contains(name), width > 0, height > 0,
              Int(width) * Int(height) <= maximumPixels, isComplete(path: path, format: name) else { return nil }
        let targetWidth = Int32(min(Int(width), max(1, maxWidth)))
        let targetHeight = Int32(min(Int(height), max(1, maxHeight)))
        var error: UnsafeMutablePointer<RecallPixbufError>?
        let loaded = gdk_pixbuf_new_from_file_at_scale(path, targetWidth, targetHeight, 1, &error)
        if let error { g_error_free(error) }
        guard let pixbuf = loaded, error == nil else {
            if let loaded { g_object_unref(UnsafeMutableRawPointer(loaded)) }
            return nil
        }
        defer { g_object_unref(UnsafeMutableRawPointer(pixbuf)) }
        guard gdk_pixbuf_get_bits_per_sample(pixbuf) == 8,
              gdk_pixbuf_get_colorspace(pixbuf) == RecallPixbufColorspaceRGB else { return nil }
        let channels = Int(gdk_pixbuf_get_n_channels(pixbuf))
        let hasAlpha = gdk_pixbuf_get_has_alpha(pixbuf) != 0
        guard channels == (hasAlpha ? 4 : 3) else { return nil }
        let w = Int(gdk_pixbuf_get_width(pixbuf))
        let h = Int(gdk_pixbuf_get_height(pixbuf))
        let stride = Int(gdk_pixbuf_get_rowstride(pixbuf))
        guard w > 0, h > 0, stride >= w * channels, let base = gdk_pixbuf_read_pixels(pixbuf) else { return nil }
        // The last row may be shorter than the stride (gdk-pixbuf's rule): copy what is there, pad the rest.
        let length = stride * (h - 1) + w * channels
        var bytes = [UInt8](UnsafeBufferPointer(start: base, count: length))
        bytes.append(contentsOf: [UInt8](repeating: 0, count: stride - w * channels))
        return DecodedPicture(width: w, height: h, rowstride: stride, hasAlpha: hasAlpha, bytes: bytes)
    }
}
