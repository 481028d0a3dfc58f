-- Registered rooms: what outlives their members. operators holds the name keys of the accounts that are
-- the room's operators whenever they are in it, separated by spaces; bans is a JSON array of
-- {mask, by, at}. changed_at orders the changes, so an older one written late changes nothing.
CREATE TABLE registered_room (
  room        VARCHAR(200) NOT NULL PRIMARY KEY,
  founder     VARCHAR(64)  NOT NULL,
  operators   VARCHAR      NOT NULL,
  flags       INT          NOT NULL,
  room_key    VARCHAR(200),
  max_members INT          NOT NULL,
  bans        VARCHAR      NOT NULL,
  changed_at  BIGINT       NOT NULL
);
