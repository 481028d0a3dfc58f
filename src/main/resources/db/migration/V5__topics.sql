-- Each room's topic, who set it and when (milliseconds since 1970, UTC): the latest of its topic events
-- (room_event kind 7), kept here so that it outlives their pruning, and read when the room is taken up.
ALTER TABLE room_state ADD COLUMN topic VARCHAR(1000);
ALTER TABLE room_state ADD COLUMN topic_by VARCHAR(64);
ALTER TABLE room_state ADD COLUMN topic_at BIGINT NOT NULL DEFAULT 0;
