// recall-bench: benchmark tools, built in release mode by the scripts in scripts/.
//   recall-bench replay                       FSRS-6 replay speed (scripts/bench-scheduler.sh)
//   recall-bench bank tsv|md COUNT SEED FILE  a generated question bank (scripts/bench-import.sh)
//   recall-bench deck-json read|write ours|foundation FILE [STORE]
//                                             deck files by hand vs JSONDecoder/JSONEncoder
//                                             (scripts/bench-deck-json.sh)
//   recall-bench deck-json read stream FILE   a deck file through DeckFileStream, with its
//                                             peak RSS (scripts/bench-stream.sh)
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first ?? "replay" {
case "replay":
    exit(ReplayBench.run())
case "bank":
    exit(BankGenerator.run(Array(arguments.dropFirst())))
case "deck-json":
    exit(DeckJSONBench.run(Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data("usage: recall-bench replay | bank tsv|md COUNT SEED FILE | deck-json read|write ours|foundation FILE [STORE]\n".utf8))
    exit(64)
}
