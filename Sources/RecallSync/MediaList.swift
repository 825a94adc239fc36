import RecallStore

/// The deck file's top-level `media` list (format 2, optional): `[{"name", "sha256", "size"}]`.
/// Readers older than the list skip it; files without it read as before.
enum MediaList {
    /// Reads the list at the scanner. A name is made safe (its last path component, without
    /// control characters) and a hash must be 64 lowercase hex digits, so that neither can
    /// name a path outside the media folders; an entry that cannot be made so is reported,
    /// which refuses the file like any other bad member.
    static func read(_ scanner: inout JSONScanner) throws(SyncError) -> [MediaFile] {
        scanner.path.append(.key("media"))
        defer { scanner.path.removeLast() }
        guard try scanner.kind() == .array else {
            scanner.report("must be an array, got \(try scanner.skipValue())")
            return []
        }
        var files: [MediaFile] = []
        try scanner.beginArray()
        var first = true
        var index = 0
        while try scanner.nextElement(first: &first) {
            scanner.path.append(.index(index))
            if let file = try entry(&scanner) { files.append(file) }
            scanner.path.removeLast()
            index += 1
        }
        return files
    }

    private static func entry(_ scanner: inout JSONScanner) throws(SyncError) -> MediaFile? {
        guard try scanner.kind() == .object else {
            scanner.report("must be an object, got \(try scanner.skipValue())")
            return nil
        }
        try scanner.beginObject()
        var name: String?, sha256: String?, size: Int64?
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            switch try scanner.string(key) {
            case "name": name = try scanner.readString("name")
            case "sha256": sha256 = try scanner.readString("sha256")
            case "size": size = try scanner.readInt("size", in: 0...Int64(Int.max), rangeText: "a whole number 0 or more")
            default: try scanner.skipValue()
            }
        }
        if name == nil { scanner.report("missing \"name\"") }
        if sha256 == nil { scanner.report("missing \"sha256\"") }
        guard let name, let sha256 else { return nil }
        guard let safe = Store.safeMediaName(name) else {
            scanner.report("is not a usable file name", key: "name")
            return nil
        }
        guard MediaTransfer.isHash(sha256) else {
            scanner.report("must be 64 lowercase hex digits", key: "sha256")
            return nil
        }
        return MediaFile(name: safe, sha256: sha256, size: Int(size ?? 0))
    }
}
