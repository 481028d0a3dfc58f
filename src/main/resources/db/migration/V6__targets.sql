-- Whom an operator's event acted on: the member a kick put out, or the member, mask, key or limit of a
-- mode change (room_event kinds 8 and 9); null for every other event.
ALTER TABLE room_event ADD COLUMN target VARCHAR(200);
