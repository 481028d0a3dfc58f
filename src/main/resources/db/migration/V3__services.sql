-- Messages of services (through the event-bus API) are told apart from users' messages, in history too.
ALTER TABLE room_event ADD COLUMN service BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE private_message ADD COLUMN service BOOLEAN NOT NULL DEFAULT FALSE;
