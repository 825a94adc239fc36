// recall-bench: benchmark tools, built in release mode by the scripts in scripts/.
//   recall-bench replay                       FSRS-6 replay speed (scripts/bench-scheduler.sh)
//   recall-bench bank tsv|md COUNT SEED FILE  a generated question bank (scripts/bench-import.sh)
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first ?? "replay" {
case "replay":
    exit(ReplayBench.run())
case "bank":
    exit(BankGenerator.run(Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data("usage: recall-bench replay | bank tsv|md COUNT SEED FILE\n".utf8))
    exit(64)
}
