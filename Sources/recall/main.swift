import RecallCLI

RecallCommand.runMain()
