-- Rooms a server operator closed: no one but server operators enters one until it is opened again.
CREATE TABLE closed_room (
  room      VARCHAR(200) NOT NULL PRIMARY KEY,
  closed_by VARCHAR(64)  NOT NULL,
  closed_at BIGINT       NOT NULL,
  reason    VARCHAR(400) NOT NULL
);
