-- Room epochs: a room's epoch goes up each time a node takes up its numbering (a node started, or took
-- the room over from a node that left or died), so that clients can tell a new ordering point.
ALTER TABLE room_event ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE room_state ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;

-- Whether a node's last run ended cleanly no longer matters: a new run starts new epochs.
DROP TABLE node_state;
