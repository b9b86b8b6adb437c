"""A TCP proxy in front of a real server that cuts a connection at a chosen moment.

A network that drops while a transaction commits is a real fault, and timing
cannot reach the moment between the server's commit and its reply. The proxy
can: armed with a pattern, it cuts the connection (both ways, at once) when the
server's reply, or the client's message, holds it, without passing that data
on. Later connections go through as usual, unless the proxy is closed to them.
"""

from __future__ import annotations

import socket
import threading

# PostgreSQL's CommandComplete for COMMIT ('C', length 11, "COMMIT\\0"), and the
# client's simple query COMMIT ('Q', length 11, "COMMIT\\0")
COMMIT_DONE = b"C\x00\x00\x00\x0bCOMMIT\x00"
COMMIT_ASKED = b"Q\x00\x00\x00\x0bCOMMIT\x00"


class Cutter:
    def __init__(self, port: int) -> None:
        self.target = ("127.0.0.1", port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.server_says: bytes | None = None
        self.client_says: bytes | None = None
        self.refusing = False
        self.cuts = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, database_url: str) -> str:
        return database_url.replace(f":{self.target[1]}/", f":{self.port}/")

    def arm(self, server_says: bytes | None = None, client_says: bytes | None = None) -> None:
        with self.lock:
            self.server_says, self.client_says = server_says, client_says

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            server = socket.create_connection(self.target)
            pair = (client, server)
            threading.Thread(
                target=self._pump, args=(client, server, pair, False), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(server, client, pair, True), daemon=True
            ).start()

    def _trigger(self, data: bytes, from_server: bool) -> bool:
        with self.lock:
            pattern = self.server_says if from_server else self.client_says
            if pattern is None or pattern not in data:
                return False
            self.server_says = self.client_says = None
            self.cuts += 1
            return True

    def _pump(
        self, source: socket.socket, sink: socket.socket, pair: tuple, from_server: bool
    ) -> None:
        try:
            while data := source.recv(65536):
                if self._trigger(data, from_server):
                    break
                sink.sendall(data)
        except OSError:
            pass
        for end in pair:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()

    def close(self) -> None:
        self.refusing = True
        self.listener.close()
