"""The irctest controller for Chatbus: starts one Chatbus node per test, with its IRC port where irctest
asks, named My.Little.Server, keeping its history and accounts in an embedded store of its own, and
serving no other port.

Chatbus is its own services: registerUser registers an account as a JSON-lines client would, on the
node's client port (whose lines may be longer than IRC's 512 bytes, as some of irctest's passwords are),
and clients log in to it with SASL PLAIN.

The node runs from the jar CHATBUS_JAR points at (scripts/irctest.sh builds it), with the java on
CHATBUS_JAVA or the PATH.
"""

import atexit
import json
import os
import shutil
import socket
from typing import Optional, Set

from irctest.basecontrollers import BaseServerController, DirectoryBasedController
from irctest.runner import NotImplementedByController


class ChatbusController(BaseServerController, DirectoryBasedController):
    software_name = "Chatbus"
    supported_sasl_mechanisms: Set[str] = {"PLAIN"}
    supports_sts = False

    def run(
        self,
        hostname: str,
        port: int,
        *,
        password: Optional[str],
        ssl: bool,
        run_services: bool,
        faketime: Optional[str],
        websocket_hostname: Optional[str],
        websocket_port: Optional[int],
    ) -> None:
        if ssl:
            raise NotImplementedByController("TLS")
        if websocket_hostname is not None or websocket_port is not None:
            raise NotImplementedByController("Websocket")
        assert self.proc is None
        self.hostname = hostname
        self.port = port
        self.create_config()
        assert self.directory
        settings = {
            "node": {"name": "chatbus-irctest"},
            # One edge instance: every client's lines are read on one event loop, in the order they arrive,
            # so that what one client says reaches the router before another's next PING.
            "tcp": {"host": "127.0.0.1", "port": self._free_port(), "instances": 1},
            "irc": {"host": hostname, "port": port, "serverName": "My.Little.Server",
                    "password": password or ""},
            "persistence": {"store": "embedded", "embedded": {"path": str(self.directory / "history")}},
            # irctest's passwords are short ("sesame").
            "accounts": {"minPasswordLength": 1},
            # The server operator irctest's OPER tests log in as.
            "operators": ["operuser:operpassword"],
            "bridge": {"enabled": False},
            "http": {"enabled": False},
            "limits": {"rate": {"linesPerSecond": 1000, "burst": 1000}},
            "shutdown": {"grace": "1s"},
        }
        conf = self.directory / "chatbus.json"
        conf.write_text(json.dumps(settings))
        jar = os.environ.get("CHATBUS_JAR", "target/chatbus.jar")
        java = os.environ.get("CHATBUS_JAVA") or shutil.which("java") or "java"
        self.proc = self.execute([java, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", jar, "-conf", str(conf)])
        # A test whose setUp fails after this point is not torn down, and its node would outlive the run.
        atexit.register(self.stop_leftover)
        self.wait_for_port()

    def stop_leftover(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill_proc()

    def wait_for_services(self) -> None:
        # Chatbus is its own services: ready with its IRC port.
        pass

    def registerUser(self, case, username: str, password: Optional[str] = None) -> None:
        """Registers the account username as a JSON-lines client would: logs in under it and registers it."""
        assert password, "a Chatbus account has a password"
        with socket.create_connection(("127.0.0.1", self.client_port), timeout=10) as conn:
            self._read_until(conn, b"\n")
            conn.sendall((json.dumps({"op": "hello", "name": username}) + "\n").encode())
            self._read_until(conn, b'"type":"welcome"')
            conn.sendall((json.dumps({"op": "register", "password": password}) + "\n").encode())
            self._read_until(conn, b'"type":"registered"')

    @staticmethod
    def _read_until(conn: socket.socket, marker: bytes) -> None:
        seen = b""
        while marker not in seen:
            data = conn.recv(4096)
            if not data:
                raise AssertionError(f"the connection ended before {marker!r}: {seen.decode(errors='replace')}")
            seen += data
            if b'"type":"error"' in seen:
                raise AssertionError(f"registering failed: {seen.decode(errors='replace')}")

    def _free_port(self) -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.client_port = probe.getsockname()[1]
        return self.client_port


def get_irctest_controller_class():
    return ChatbusController
