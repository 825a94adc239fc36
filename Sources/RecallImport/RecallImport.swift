// RecallImport: question banks become card drafts.
