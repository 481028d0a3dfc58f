#!/usr/bin/env python3
"""A Chatbus bot in plain Python (standard library only), through the TCP event-bus bridge.

It joins the conversation of one room as a service: it says hello, prints every event of the room,
and answers "!ping" with "pong". The bridge's frames are a 4-byte big-endian length followed by that
many bytes of UTF-8 JSON; docs/event-bus.md describes the addresses and messages.

    scripts/examples/bridge_bot.py --room lobby --name pybot
    scripts/examples/bridge_bot.py --port 7001 --token s3cret --count 5   # stop after 5 messages
"""
import argparse
import collections
import json
import socket
import struct
import sys
import time

PING_EVERY = 60  # seconds; the bridge disconnects clients silent for bridge.idleTimeout (300 s)


class Bridge:
    def __init__(self, host, port, token):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.token = token
        self.replies = 0
        self.buffer = b""
        self.pending = collections.deque()  # frames that arrived while a request waited for its answer

    def send_frame(self, frame):
        if self.token:
            frame.setdefault("headers", {})["token"] = self.token
        data = json.dumps(frame).encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def next_frame(self, timeout):
        """The next frame: first those put aside while waiting for an answer."""
        if self.pending:
            return self.pending.popleft()
        return self.read_frame(timeout)

    def read_frame(self, timeout):
        self.sock.settimeout(timeout)
        while True:
            if len(self.buffer) >= 4:
                (length,) = struct.unpack(">I", self.buffer[:4])
                if len(self.buffer) >= 4 + length:
                    frame = json.loads(self.buffer[4:4 + length].decode("utf-8"))
                    self.buffer = self.buffer[4 + length:]
                    return frame
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the bridge closed the connection")
            self.buffer += chunk

    def request(self, address, body):
        """Sends a request and returns the reply's body, or raises with the server's error."""
        self.replies += 1
        reply_address = "pybot.reply.%d" % self.replies
        self.send_frame({"type": "send", "address": address, "replyAddress": reply_address, "body": body})
        while True:
            frame = self.read_frame(timeout=60)
            if frame.get("address") != reply_address:
                self.pending.append(frame)  # a room event that came first: handled after the answer
                continue
            if frame["type"] == "err":
                raise RuntimeError("%s failed: %s (code %s)" % (address, frame.get("message"), frame.get("failureCode")))
            return frame["body"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7001)
    parser.add_argument("--room", default="lobby")
    parser.add_argument("--name", default="pybot", help="the service name the bot speaks under")
    parser.add_argument("--token", default="", help="the bridge's token, if it has one (bridge.token)")
    parser.add_argument("--count", type=int, default=0, help="stop after this many messages from others (0: never)")
    args = parser.parse_args()

    bridge = Bridge(args.host, args.port, args.token)
    room = args.room.lstrip("#").lower()  # events are published under the room's name in lower case
    bridge.send_frame({"type": "register", "address": "chat.api.v1.room." + room})
    ack = bridge.request("chat.api.v1.say", {"service": args.name, "room": room, "text": args.name + " is here; say !ping"})
    print("said hello in #%s as message %d" % (room, ack["seq"]), flush=True)

    seen = 0
    last_sent = time.monotonic()
    while args.count == 0 or seen < args.count:
        try:
            frame = bridge.next_frame(timeout=max(1, PING_EVERY - (time.monotonic() - last_sent)))
        except socket.timeout:
            bridge.send_frame({"type": "ping"})
            last_sent = time.monotonic()
            continue
        if frame["type"] == "err":
            print("error from the bridge: %s" % frame.get("message"), file=sys.stderr, flush=True)
            continue
        if frame["type"] != "message":
            continue
        event = frame["body"]
        if event["type"] == "message":
            print("#%s %s: %s" % (event["room"], event["from"], event["text"]), flush=True)
            if event.get("service") or event["from"] == args.name:
                continue
            seen += 1
            if event["text"].strip() == "!ping":
                bridge.request("chat.api.v1.say", {"service": args.name, "room": room, "text": "pong, " + event["from"]})
                last_sent = time.monotonic()
        elif event["type"] == "join":
            print("#%s * %s joined" % (event["room"], event["name"]), flush=True)
        elif event["type"] == "leave":
            print("#%s * %s left" % (event["room"], event["name"]), flush=True)
        elif event["type"] == "rename":
            print("#%s * %s is now %s" % (event["room"], event["from"], event["to"]), flush=True)
    bridge.sock.close()


if __name__ == "__main__":
    main()
