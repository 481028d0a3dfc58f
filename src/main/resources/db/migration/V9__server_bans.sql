-- Addresses a server operator banned from the whole network: no connection from one is taken.
CREATE TABLE server_ban (
  address VARCHAR(64)  NOT NULL PRIMARY KEY,  -- an IP address, as Java writes it (InetAddress.getHostAddress)
  set_by  VARCHAR(64)  NOT NULL,
  set_at  BIGINT       NOT NULL,
  reason  VARCHAR(400)
);
