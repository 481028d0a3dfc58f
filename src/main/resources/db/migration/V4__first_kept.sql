-- The first sequence number each room still keeps, moved up by pruning: replay, history and their
-- completeness read it here instead of looking for the smallest stored number, which costs a walk over
-- every row pruning deleted and the database has not yet cleaned up (PostgreSQL's dead tuples).
ALTER TABLE room_state ADD COLUMN first_seq BIGINT NOT NULL DEFAULT 1;
UPDATE room_state SET first_seq = COALESCE(
  (SELECT MIN(e.seq) FROM room_event e WHERE e.room = room_state.room), room_state.last_seq + 1);

-- Which run of which node took up the room's current epoch: a room that run set aside while no one used
-- it goes on in the same epoch when it comes back, where any other run starts a new one.
ALTER TABLE room_state ADD COLUMN claimed_by VARCHAR(100) NOT NULL DEFAULT '';
