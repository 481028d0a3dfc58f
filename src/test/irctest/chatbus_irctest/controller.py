"""The irctest controller for Chatbus: starts one Chatbus node per test, with its IRC port where irctest
asks, named My.Little.Server, keeping nothing (persistence.store none) and serving no other port.

Chatbus has no services (no accounts yet). irctest marks its chathistory tests as needing them, since
some register accounts: those tests get a node that keeps its history in an embedded store of their own,
and no services; the ones that register an account are skipped.

The node runs from the jar CHATBUS_JAR points at (scripts/irctest.sh builds it), with the java on
CHATBUS_JAVA or the PATH.
"""

import atexit
import json
import os
import shutil
from typing import Optional, Set

from irctest.basecontrollers import BaseServerController, DirectoryBasedController
from irctest.runner import NotImplementedByController


class ChatbusController(BaseServerController, DirectoryBasedController):
    software_name = "Chatbus"
    supported_sasl_mechanisms: Set[str] = set()
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
        if run_services and not self.test_config.chathistory:
            raise NotImplementedByController("Services")
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
            "tcp": {"host": "127.0.0.1", "port": 0, "instances": 1},
            "irc": {"host": hostname, "port": port, "serverName": "My.Little.Server",
                    "password": password or ""},
            "persistence": {"store": "embedded", "embedded": {"path": str(self.directory / "history")}}
            if self.test_config.chathistory else {"store": "none"},
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
        # There are none to wait for: see run().
        pass


def get_irctest_controller_class():
    return ChatbusController
