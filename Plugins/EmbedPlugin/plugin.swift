import Foundation
import PackagePlugin

/// Embeds the files a target must carry inside the binary (DESIGN.md invariant 7):
/// `RecallStore` gets `Migrations/*.sql`, `RecallImport` gets `Seeds/*`.
/// `.embedInCode` would do the same but its compile time grows steeply with size;
/// generated string literals compile in well under a second.
@main
struct EmbedPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let folder: String
        let typeName: String
        switch target.name {
        case "RecallStore": (folder, typeName) = ("Migrations", "EmbeddedMigrations")
        case "RecallImport": (folder, typeName) = ("Seeds", "EmbeddedSeeds")
        default: return []
        }
        let directory = context.package.directoryURL.appending(path: folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let inputs = names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "\(typeName).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(folder)/ into \(target.name)",
                executable: try context.tool(named: "EmbedFiles").url,
                arguments: [typeName, output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
