-- Messages are found by their ids (IRC's CHATHISTORY names them by msgid): ids are unique, so one index
-- on the id alone serves every room.
CREATE INDEX room_event_id ON room_event (id);
