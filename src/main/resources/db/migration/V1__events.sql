-- Chatbus history: one schema for the embedded store (H2 in PostgreSQL mode) and PostgreSQL.

-- Every room event (messages, actions, joins, leaves, renames), numbered per room.
-- The primary key serves "room R after sequence S"; room_event_chat serves the same for messages only
-- (what newcomers are shown), room_event_time "room R before time T", room_event_ts retention by age.
CREATE TABLE room_event (
  room   VARCHAR(200) NOT NULL,
  seq    BIGINT       NOT NULL,
  id     BIGINT       NOT NULL,
  kind   SMALLINT     NOT NULL,  -- 0 message, 1 action, 2 join, 3 leave, 4 rename
  chat   BOOLEAN      NOT NULL,  -- a message or an action: what people said
  sender VARCHAR(64)  NOT NULL,
  body   VARCHAR,                -- the text; the new name of a rename; the reason of a leave
  ts     BIGINT       NOT NULL,  -- milliseconds since 1970, UTC
  node   VARCHAR(64)  NOT NULL,  -- the node whose router accepted it
  PRIMARY KEY (room, seq)
);
CREATE INDEX room_event_chat ON room_event (room, chat, seq);
CREATE INDEX room_event_time ON room_event (room, ts);
CREATE INDEX room_event_ts ON room_event (ts);

CREATE TABLE private_message (
  id        BIGINT      NOT NULL PRIMARY KEY,
  sender    VARCHAR(64) NOT NULL,
  recipient VARCHAR(64) NOT NULL,
  body      VARCHAR     NOT NULL,
  action    BOOLEAN     NOT NULL,
  ts        BIGINT      NOT NULL,
  node      VARCHAR(64) NOT NULL
);
CREATE INDEX private_message_recipient ON private_message (recipient, ts);
CREATE INDEX private_message_ts ON private_message (ts);

-- The latest sequence number each room has reached, kept when its events are pruned, so that a room's
-- numbering continues across restarts and never reuses a number.
CREATE TABLE room_state (
  room     VARCHAR(200) NOT NULL PRIMARY KEY,
  last_seq BIGINT       NOT NULL
);

-- Whether a node's last run ended with everything it had numbered stored (a graceful stop). If not,
-- numbers may have been given out live beyond room_state, and the next run skips past them.
CREATE TABLE node_state (
  node  VARCHAR(64) NOT NULL PRIMARY KEY,
  clean BOOLEAN     NOT NULL
);
