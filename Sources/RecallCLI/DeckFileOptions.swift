import ArgumentParser
import RecallSync

/// `--max-file-size SIZE`, shared by the commands that read deck files (`import`, `sync`).
struct DeckFileOptions: ParsableArguments {
    @Option(
        name: .customLong("max-file-size"),
        help: ArgumentHelp(
            "Refuse deck files of this size or more (default 2GB; e.g. 500MB, 5GB): a cap against "
                + "garbage; a file is read as a stream, whatever its size.",
            valueName: "size"),
        transform: { text throws(ValidationError) in
            guard let bytes = DeckFile.parseSize(text) else {
                throw ValidationError("expected a size such as 300MB or 1.5GB (at most 1000GB), got \"\(text)\"")
            }
            return bytes
        })
    var maxFileSize: Int?

    /// The limit in force: the flag's, else `DeckFile.defaultSizeLimit`.
    var sizeLimit: Int { maxFileSize ?? DeckFile.defaultSizeLimit }

    init() {}
}
