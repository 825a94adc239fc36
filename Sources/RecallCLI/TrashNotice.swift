/// The line that follows a summary when cards a deck file deleted went to the trash: a sync can
/// delete many cards at once, and the user must learn where they are before the 30 days pass.
enum TrashNotice {
    static func line(_ count: Int) -> String {
        "\(Output.count(count, "card")) deleted by a deck file \(count == 1 ? "is" : "are") in the trash for 30 days: "
            + "`recall trash` lists them, `recall restore --all` brings them back"
    }
}
