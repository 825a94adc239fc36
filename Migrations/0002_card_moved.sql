-- recall store, schema 2: when a card last changed deck.
-- A deck rename moves its cards without changing them: `moved` records that move apart from
-- `modified` (the card's text, tags and suspension), so that sync merges a card's deck and its
-- text independently, each newest-wins (docs/json.md, "Merging"). NULL: the card has stayed in
-- the deck it was created in (as if `moved` were `created`).
ALTER TABLE cards ADD COLUMN moved INTEGER;
